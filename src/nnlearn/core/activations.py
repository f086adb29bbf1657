r"""Hidden-layer activations g(z) and their derivatives.

Each activation is a small set of functions kept in the registry
``ACTIVATIONS``: ``g(Z)`` maps pre-activations to activations, and
``g_prime_from_A(A)`` gives :math:`g'(z)` from the activations ``A = g(Z)``
(for sigmoid, tanh and relu the derivative is a function of the output, so
backpropagation never needs to keep ``Z``).

The kernel (:mod:`nnlearn.core.kernel`) uses two in-place forms of the
same math, so that a block of rows reuses its buffers: ``g_inplace(Z)``
overwrites ``Z`` with ``g(Z)`` and returns it, and
``mul_g_prime_inplace(D, A)`` overwrites ``D`` with ``D * g'(z)`` and returns
it. Tests check that they give the same numbers as ``g`` and
``g_prime_from_A``.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

__all__ = [
    "sigmoid",
    "sigmoid_gradient",
    "tanh",
    "relu",
    "ACTIVATIONS",
    "ACTIVATION_NAMES",
]


def _as_float_copy(z):
    """A float copy of ``z``: float32 stays float32, everything else becomes float64."""
    z = np.asarray(z)
    return np.array(z, dtype=np.float32 if z.dtype == np.float32 else np.float64)


def sigmoid_inplace(Z):
    r"""Overwrite ``Z`` (a float array of any shape) with :math:`g(Z) = 1 / (1 + e^{-Z})`; return it.

    Notes
    -----
    For :math:`z < -709` (float64; -88 in float32) :math:`e^{-z}` overflows
    to infinity and :math:`1 / (1 + \infty) = 0`, the correctly rounded value
    (the true one is below the smallest normal number), so that overflow is
    silenced rather than reported. Unlike ``scipy.special.expit`` this uses
    NumPy's vectorized ``exp`` and runs several times faster.
    """
    with np.errstate(over="ignore"):  # e^{-z} = inf gives exactly g = 0
        np.exp(np.negative(Z, out=Z), out=Z)  # e^{-z}
    Z += 1.0  # 1 + e^{-z}
    return np.reciprocal(Z, out=Z)


def sigmoid(z):
    r"""Logistic function, overflow-free for any ``z``.

    Parameters
    ----------
    z : array_like of any shape

    Returns
    -------
    g : ndarray of the same shape (a float for scalar input), values in [0, 1];
        float32 input gives float32, other input float64

    Notes
    -----
    .. math:: g(z) = \frac{1}{1 + e^{-z}}
    """
    return sigmoid_inplace(_as_float_copy(z))[()]


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
    g = sigmoid(z)
    return g * (1.0 - g)


def _sigmoid_mul_g_prime_inplace(D, A):
    """``D *= A (1 - A)``, the sigmoid's g'(z) from A = g(z); returns D."""
    D *= A
    D *= 1.0 - A
    return D


def tanh(z):
    r"""Hyperbolic tangent, :math:`g(z) = \tanh z`, values in [-1, 1]."""
    return np.tanh(z)


def _tanh_inplace(Z):
    """Overwrite ``Z`` with tanh(Z); return it."""
    return np.tanh(Z, out=Z)


def _tanh_mul_g_prime_inplace(D, A):
    """``D *= 1 - A^2``, tanh's g'(z) from A = tanh(z); returns D."""
    g_prime = np.multiply(A, A)
    D *= np.subtract(1.0, g_prime, out=g_prime)  # (one temporary, the same rounding as D * (1 - A * A))
    return D


def relu(z):
    r"""Rectified linear unit, :math:`g(z) = \max(z, 0)`."""
    return np.maximum(z, 0)


def _relu_inplace(Z):
    """Overwrite ``Z`` with max(Z, 0); return it."""
    return np.maximum(Z, 0, out=Z)


def _relu_mul_g_prime_inplace(D, A):
    """``D *= [A > 0]``, relu's g'(z) (0 at the kink) from A = relu(z); returns D."""
    D *= A > 0
    return D


class Activation(NamedTuple):
    """An activation ``g``, its derivative expressed through ``A = g(Z)``, and their in-place forms.

    Attributes
    ----------
    name : str
    g : callable, ``g(Z)`` -> ``A`` of the same shape
    g_prime_from_A : callable, ``g_prime_from_A(A)`` -> :math:`g'(z)` of the same shape
    g_inplace : callable, ``g_inplace(Z)`` overwrites ``Z`` with ``g(Z)`` and returns it
    mul_g_prime_inplace : callable, ``mul_g_prime_inplace(D, A)`` overwrites ``D``
        with ``D * g_prime_from_A(A)`` and returns it
    """

    name: str
    g: Callable[[np.ndarray], np.ndarray]
    g_prime_from_A: Callable[[np.ndarray], np.ndarray]
    g_inplace: Callable[[np.ndarray], np.ndarray]
    mul_g_prime_inplace: Callable[[np.ndarray, np.ndarray], np.ndarray]


ACTIVATIONS = {
    # g'(z) = g(z) (1 - g(z))
    "sigmoid": Activation("sigmoid", sigmoid, lambda A: A * (1.0 - A), sigmoid_inplace, _sigmoid_mul_g_prime_inplace),
    # g'(z) = 1 - tanh(z)^2
    "tanh": Activation("tanh", tanh, lambda A: 1.0 - A * A, _tanh_inplace, _tanh_mul_g_prime_inplace),
    # g'(z) = 1 if z > 0 else 0 (the subgradient 0 is taken at the kink)
    "relu": Activation("relu", relu, lambda A: (A > 0).astype(A.dtype), _relu_inplace, _relu_mul_g_prime_inplace),
}

# Every accepted name -> the registered activation ("logistic" is scikit-learn's name of the sigmoid).
ACTIVATION_NAMES = {"sigmoid": "sigmoid", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu"}
