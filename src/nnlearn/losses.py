r"""Output units and their matching cross-entropy losses, computed from the logits.

Each output kind is a pair: ``h(Z)``, the output activations, and
``loss(Z, Y)``, the loss summed over samples and units, computed directly from
the logits ``Z`` so that it stays finite for any ``Z`` (no ``log(0)``, no
overflow). For both pairs the derivative of the summed loss with respect to the
logits is ``h(Z) - Y``: that is why backpropagation may start from
``delta_L = A_L - Y`` (it holds only for these matching pairs).
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np
from scipy.special import expit, log_softmax, softmax

__all__ = ["OUTPUTS", "resolve_output", "sigmoid_cross_entropy", "softmax_cross_entropy"]


def sigmoid_cross_entropy(Z, Y):
    r"""Summed binary cross-entropy of K independent sigmoid units (the course's cost).

    Parameters
    ----------
    Z : ndarray of shape (m, K), logits
    Y : ndarray of shape (m, K), 0/1 targets

    Returns
    -------
    J_sum : float, the sum over samples and units (not yet divided by m)

    Notes
    -----
    With :math:`h = g(z)`,

    .. math::
        -y \log h - (1 - y) \log(1 - h) = \log(1 + e^{z}) - y z

    and :math:`\log(1 + e^z) = \max(z, 0) + \log(1 + e^{-|z|})` never overflows.
    """
    softplus = np.maximum(Z, 0) + np.log1p(np.exp(-np.abs(Z)))  # log(1 + e^z); (m, K)
    return float(np.sum(softplus, dtype=np.float64) - np.sum(Y * Z, dtype=np.float64))


def softmax_cross_entropy(Z, Y):
    r"""Summed categorical cross-entropy of a softmax output layer.

    Parameters
    ----------
    Z : ndarray of shape (m, K), logits
    Y : ndarray of shape (m, K), one-hot targets

    Returns
    -------
    J_sum : float, the sum over samples (not yet divided by m)

    Notes
    -----
    .. math::
        -\sum_k y_k \log \mathrm{softmax}(z)_k
        = -\sum_k y_k \left(z_k - \log \sum_j e^{z_j}\right)
    """
    return float(-np.sum(Y * log_softmax(Z, axis=1), dtype=np.float64))


class Output(NamedTuple):
    """An output activation ``h(Z)`` and the loss it pairs with."""

    name: str
    h: Callable[[np.ndarray], np.ndarray]
    loss: Callable[[np.ndarray, np.ndarray], float]
    min_units: int


OUTPUTS = {
    "sigmoid": Output("sigmoid", expit, sigmoid_cross_entropy, 1),
    "softmax": Output("softmax", lambda Z: softmax(Z, axis=1), softmax_cross_entropy, 2),
}


def resolve_output(name):
    """Return the registered :class:`Output` for ``name``; lists valid names if unknown."""
    if not isinstance(name, str):
        raise TypeError(f"output must be a string, one of {sorted(OUTPUTS)}; got {type(name).__name__} {name!r}.")
    if name == "logistic":
        name = "sigmoid"
    if name not in OUTPUTS:
        raise ValueError(f"Unknown output {name!r}; valid names are {sorted(OUTPUTS)}.")
    return OUTPUTS[name]
