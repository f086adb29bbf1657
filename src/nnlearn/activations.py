r"""Hidden-layer activations g(z) and their derivatives.

Each activation is a pair of small functions kept in the registry
``ACTIVATIONS``: ``g(Z)`` maps pre-activations to activations, and
``g_prime_from_A(A)`` gives :math:`g'(z)` from the activations ``A = g(Z)``
(for sigmoid, tanh and relu the derivative is a function of the output, so
backpropagation never needs to keep ``Z``).
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np
from scipy.special import expit

__all__ = [
    "sigmoid",
    "sigmoid_gradient",
    "tanh",
    "relu",
    "ACTIVATIONS",
    "resolve_activation",
]


def sigmoid(z):
    r"""Logistic function, overflow-free for any ``z``.

    Parameters
    ----------
    z : array_like of any shape

    Returns
    -------
    g : ndarray of the same shape, values in [0, 1]

    Notes
    -----
    .. math:: g(z) = \frac{1}{1 + e^{-z}}
    """
    return expit(z)


def sigmoid_gradient(z):
    r"""Derivative of the sigmoid, evaluated at ``z`` (the course's sigmoidGradient).

    Parameters
    ----------
    z : array_like of any shape

    Returns
    -------
    g_prime : ndarray of the same shape, values in [0, 0.25]

    Notes
    -----
    .. math:: g'(z) = g(z)\,(1 - g(z))

    Examples
    --------
    >>> float(sigmoid_gradient(0.0))
    0.25
    """
    g = expit(z)
    return g * (1.0 - g)


def tanh(z):
    r"""Hyperbolic tangent, :math:`g(z) = \tanh z`, values in [-1, 1]."""
    return np.tanh(z)


def relu(z):
    r"""Rectified linear unit, :math:`g(z) = \max(z, 0)`."""
    return np.maximum(z, 0)


class Activation(NamedTuple):
    """An activation ``g`` and its derivative expressed through ``A = g(Z)``."""

    name: str
    g: Callable[[np.ndarray], np.ndarray]
    g_prime_from_A: Callable[[np.ndarray], np.ndarray]


ACTIVATIONS = {
    # g'(z) = g(z) (1 - g(z))
    "sigmoid": Activation("sigmoid", sigmoid, lambda A: A * (1.0 - A)),
    # g'(z) = 1 - tanh(z)^2
    "tanh": Activation("tanh", tanh, lambda A: 1.0 - A * A),
    # g'(z) = 1 if z > 0 else 0 (the subgradient 0 is taken at the kink)
    "relu": Activation("relu", relu, lambda A: (A > 0).astype(A.dtype)),
}

ALIASES = {"logistic": "sigmoid"}


def resolve_activation(name, param="activation"):
    """Return the registered :class:`Activation` for ``name`` (aliases allowed).

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If ``name`` is unknown; the message lists the valid names.
    """
    if not isinstance(name, str):
        raise TypeError(
            f"{param} must be a string, one of {valid_activation_names()}; "
            f"got {type(name).__name__} {name!r}."
        )
    key = ALIASES.get(name, name)
    if key not in ACTIVATIONS:
        raise ValueError(
            f"Unknown {param} {name!r}; valid names are {valid_activation_names()}."
        )
    return ACTIVATIONS[key]


def valid_activation_names():
    """The accepted activation names, aliases included, sorted."""
    return sorted([*ACTIVATIONS, *ALIASES])
