r"""Output units and their matching cross-entropy losses, computed from the logits.

Each output kind is a pair: ``h(Z)``, the output activations, and
``loss(Z, Y)``, the loss summed over samples and units, computed directly from
the logits ``Z`` so that it stays finite for any ``Z`` (no ``log(0)``, no
overflow). For both pairs the derivative of the summed loss with respect to the
logits is ``h(Z) - Y``: that is why backpropagation may start from
``delta_L = A_L - Y`` (it holds only for these matching pairs).

``h_inplace(Z)`` is the same ``h`` written into ``Z``'s memory (the fast
kernel of :class:`nnlearn.Network` reuses its buffers); losses are summed in
float64 whatever the dtype of ``Z``.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from .activations import sigmoid, sigmoid_inplace

__all__ = ["OUTPUTS", "resolve_output", "sigmoid_cross_entropy", "softmax_cross_entropy", "softmax"]


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
    log1p_exp = np.log1p(np.exp(-np.abs(Z)))  # log(1 + e^{-|z|}), never overflows; (m, K)
    softplus_sum = np.maximum(Z, 0).sum(dtype=np.float64) + log1p_exp.sum(dtype=np.float64)
    return float(softplus_sum - (Y * Z).sum(dtype=np.float64))


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
    Z_max = np.max(Z, axis=1, keepdims=True)  # subtracted for stability; (m, 1)
    log_sum_exp = Z_max + np.log(np.sum(np.exp(Z - Z_max), axis=1, keepdims=True))  # (m, 1)
    return float(-np.sum(Y * (Z - log_sum_exp), dtype=np.float64))


def softmax(Z):
    r"""Row-wise softmax of logits ``Z`` of shape (m, K), overflow-free; a new array.

    Notes
    -----
    .. math:: \mathrm{softmax}(z)_k = \frac{e^{z_k - \max_j z_j}}{\sum_i e^{z_i - \max_j z_j}}
    """
    return softmax_inplace(np.array(Z, dtype=np.float32 if np.asarray(Z).dtype == np.float32 else np.float64))


def softmax_inplace(Z):
    """Overwrite the logits ``Z`` (m, K) with their row-wise softmax; return it."""
    Z -= np.max(Z, axis=1, keepdims=True)  # the largest logit of each row becomes 0: e^z <= 1
    np.exp(Z, out=Z)
    Z /= np.sum(Z, axis=1, keepdims=True)
    return Z


class Output(NamedTuple):
    """An output activation ``h(Z)`` and the loss it pairs with.

    Attributes
    ----------
    name : str
    h : callable, ``h(Z)`` -> outputs of shape (m, K)
    loss : callable, ``loss(Z, Y)`` -> the loss summed over samples (float)
    min_units : int, the fewest output units K this output accepts
    h_inplace : callable, ``h_inplace(Z)`` overwrites ``Z`` with ``h(Z)`` and returns it
    """

    name: str
    h: Callable[[np.ndarray], np.ndarray]
    loss: Callable[[np.ndarray, np.ndarray], float]
    min_units: int
    h_inplace: Callable[[np.ndarray], np.ndarray]


OUTPUTS = {
    "sigmoid": Output("sigmoid", sigmoid, sigmoid_cross_entropy, 1, sigmoid_inplace),
    "softmax": Output("softmax", softmax, softmax_cross_entropy, 2, softmax_inplace),
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
