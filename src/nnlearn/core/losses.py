r"""Output units and their matching losses, computed from the logits.

Each output kind is a pair: ``h(Z)``, the output activations, and
``loss(Z, Y)``, the loss summed over samples and units, computed directly from
the logits ``Z`` so that it stays finite for any ``Z`` (no ``log(0)``, no
overflow). The pairs are sigmoid units with the binary cross-entropy (the
course's), softmax with the categorical cross-entropy, and identity units with
the squared error (regression). For each pair the derivative of the summed loss
with respect to the logits is ``h(Z) - Y``: that is why backpropagation may
start from ``delta_L = A_L - Y`` (it holds only for these matching pairs).

``loss(Z, Y, sample_weight)`` weights sample i's loss by ``sample_weight[i]``
(shape (m,)): :math:`\sum_i w_i \sum_k \mathrm{loss}(z_{ik}, y_{ik})`; without
weights it is the plain sum, computed as before.

``h_inplace(Z)`` is the same ``h`` written into ``Z``'s memory (the fast
kernel (:mod:`nnlearn.core.kernel`) reuses its buffers); losses are summed in
float64 whatever the dtype of ``Z``.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from .activations import sigmoid, sigmoid_inplace

__all__ = [
    "OUTPUTS",
    "OUTPUT_NAMES",
    "CLASSIFICATION_OUTPUT_NAMES",
    "one_hot",
    "sigmoid_cross_entropy",
    "softmax_cross_entropy",
    "squared_error",
    "softmax",
    "identity",
]


def sigmoid_cross_entropy(Z, Y, sample_weight=None):
    r"""Summed binary cross-entropy of K independent sigmoid units (the course's cost).

    Parameters
    ----------
    Z : ndarray of shape (m, K), logits
    Y : ndarray of shape (m, K), 0/1 targets
    sample_weight : ndarray of shape (m,) or None, each sample's weight

    Returns
    -------
    J_sum : float, the (weighted) sum over samples and units (not yet divided by m)

    Notes
    -----
    With :math:`h = g(z)`,

    .. math::
        -y \log h - (1 - y) \log(1 - h) = \log(1 + e^{z}) - y z

    and :math:`\log(1 + e^z) = \max(z, 0) + \log(1 + e^{-|z|})` never overflows.
    """
    log1p_exp = np.log1p(np.exp(-np.abs(Z)))  # log(1 + e^{-|z|}), never overflows; (m, K)
    if sample_weight is not None:
        per_sample = np.sum(np.maximum(Z, 0) + log1p_exp - Y * Z, axis=1, dtype=np.float64)  # (m,)
        return float(sample_weight @ per_sample)
    softplus_sum = np.maximum(Z, 0).sum(dtype=np.float64) + log1p_exp.sum(dtype=np.float64)
    return float(softplus_sum - (Y * Z).sum(dtype=np.float64))


def softmax_cross_entropy(Z, Y, sample_weight=None):
    r"""Summed categorical cross-entropy of a softmax output layer.

    Parameters
    ----------
    Z : ndarray of shape (m, K), logits
    Y : ndarray of shape (m, K), one-hot targets
    sample_weight : ndarray of shape (m,) or None, each sample's weight

    Returns
    -------
    J_sum : float, the (weighted) sum over samples (not yet divided by m)

    Notes
    -----
    .. math::
        -\sum_k y_k \log \mathrm{softmax}(z)_k
        = -\sum_k y_k \left(z_k - \log \sum_j e^{z_j}\right)
    """
    Z_max = np.max(Z, axis=1, keepdims=True)  # subtracted for stability; (m, 1)
    log_sum_exp = Z_max + np.log(np.sum(np.exp(Z - Z_max), axis=1, keepdims=True))  # (m, 1)
    if sample_weight is not None:
        return float(-(sample_weight @ np.sum(Y * (Z - log_sum_exp), axis=1, dtype=np.float64)))
    return float(-np.sum(Y * (Z - log_sum_exp), dtype=np.float64))


def squared_error(Z, Y, sample_weight=None):
    r"""Summed squared error of identity output units (regression), halved.

    Parameters
    ----------
    Z : ndarray of shape (m, K), the outputs (identity units: h = z)
    Y : ndarray of shape (m, K), real targets
    sample_weight : ndarray of shape (m,) or None, each sample's weight

    Returns
    -------
    J_sum : float, the (weighted) sum over samples (not yet divided by m)

    Notes
    -----
    .. math::
        \frac{1}{2} \sum_k (z_k - y_k)^2, \qquad
        \frac{\partial}{\partial z_k} = z_k - y_k = h_k - y_k
    """
    residual = Z - Y  # h - y; (m, K)
    if sample_weight is not None:
        return float(0.5 * (sample_weight @ np.sum(residual * residual, axis=1, dtype=np.float64)))
    return float(0.5 * np.sum(residual * residual, dtype=np.float64))


def identity(Z):
    """The identity output, h(z) = z: a float copy of ``Z`` (m, K) (float32 stays float32)."""
    return np.array(Z, dtype=np.float32 if np.asarray(Z).dtype == np.float32 else np.float64)


def identity_inplace(Z):
    """The identity output written "into" ``Z``: ``Z`` itself."""
    return Z


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
    regression : bool, True when the targets are real numbers (identity), False for 0/1 targets
    """

    name: str
    h: Callable[[np.ndarray], np.ndarray]
    loss: Callable[..., float]
    min_units: int
    h_inplace: Callable[[np.ndarray], np.ndarray]
    regression: bool = False


OUTPUTS = {
    "sigmoid": Output("sigmoid", sigmoid, sigmoid_cross_entropy, 1, sigmoid_inplace),
    "softmax": Output("softmax", softmax, softmax_cross_entropy, 2, softmax_inplace),
    "identity": Output("identity", identity, squared_error, 1, identity_inplace, regression=True),
}


# Every accepted name -> the registered output ("logistic" is scikit-learn's name of the sigmoid).
OUTPUT_NAMES = {"sigmoid": "sigmoid", "logistic": "sigmoid", "softmax": "softmax", "identity": "identity"}
# The names of the outputs that classify (0/1 targets): what a classifier accepts.
CLASSIFICATION_OUTPUT_NAMES = {name: out for name, out in OUTPUT_NAMES.items() if not OUTPUTS[out].regression}


def one_hot(labels, K):
    """The 0/1 target matrix ``Y`` of shape (m, K), float64, of class indices ``labels`` (m,).

    For K = 1 (one sigmoid unit) ``Y`` is the labels themselves, 0 or 1, as a column.
    """
    m = labels.shape[0]
    if K == 1:
        return labels.astype(np.float64).reshape(m, 1)
    Y = np.zeros((m, K))
    Y[np.arange(m), labels] = 1.0
    return Y
