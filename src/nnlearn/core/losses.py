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
float64 whatever the dtype of ``Z``. ``loss_and_delta(Z, Y, sample_weight)``
gives the loss and :math:`\delta = h - y` together, sharing their passes over
``Z`` (the kernel's; tests check it against ``loss`` and ``h``).
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
    "sigmoid_cross_entropy_and_delta",
    "softmax_cross_entropy_and_delta",
    "squared_error_and_delta",
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


# The largest u whose e^u (and 1 + e^u) is finite, with a margin: 708 in float64, 87 in float32.
_EXP_LIMIT = {np.dtype(t): float(np.log(np.finfo(t).max)) - 1 for t in (np.float64, np.float32)}


def _weighted_sum(per_element, sample_weight):
    """Σ over samples and units of ``per_element`` (m, K), sample i weighted by ``sample_weight[i]``; float64."""
    if sample_weight is None:
        return float(per_element.sum(dtype=np.float64))
    return float(sample_weight @ per_element.sum(axis=1, dtype=np.float64))


def sigmoid_cross_entropy_and_delta(Z, Y, sample_weight=None):
    r""":func:`sigmoid_cross_entropy` and :math:`\delta = h - y` together, from one exponential.

    Parameters
    ----------
    Z : ndarray of shape (m, K), logits; overwritten
    Y : ndarray of shape (m, K), 0/1 targets, in Z's dtype
    sample_weight : ndarray of shape (m,) or None, each sample's weight (the loss only)

    Returns
    -------
    J_sum : float, the (weighted) summed loss
    delta : ndarray of shape (m, K), :math:`h - y`, in Z's dtype and memory layout

    Notes
    -----
    With the margin :math:`u = (1 - 2y) z` (:math:`-z` for :math:`y = 1`, :math:`z` for :math:`y = 0`):

    .. math::
        \mathrm{loss} = \log(1 + e^{u}), \qquad
        \frac{\partial\,\mathrm{loss}}{\partial z} = (1 - 2y) \frac{e^u}{1 + e^u} = h - y

    Where :math:`e^u` would overflow (:math:`u > 708` in float64, 87 in float32: a unit far
    on the wrong side), the separate forms :func:`sigmoid_cross_entropy` and :func:`sigmoid`,
    finite for any z, are used instead.
    """
    S = 1.0 - 2.0 * Y  # 1 - 2y = ±1; (m, K)
    U = np.multiply(S, Z, out=Z)  # u = (1 - 2y) z, exactly; (m, K)
    if np.maximum.reduce(U, axis=None) > _EXP_LIMIT[U.dtype]:  # e^u would overflow
        Z = np.multiply(S, U, out=U)  # z = (1 - 2y) u, exactly
        return sigmoid_cross_entropy(Z, Y, sample_weight), np.subtract(sigmoid_inplace(Z.copy()), Y, out=Z)
    E = np.exp(U)  # e^u
    Q = E + 1.0  # 1 + e^u
    log_Q = np.log(Q)  # log(1 + e^u), the loss of each unit
    J_sum = float(np.add.reduce(log_Q, axis=None, dtype=np.float64)) if sample_weight is None else \
        _weighted_sum(log_Q, sample_weight)
    delta = np.divide(E, Q, out=E)  # e^u / (1 + e^u) ...
    delta *= S  # ... times (1 - 2y): h - y
    return J_sum, delta


def softmax_cross_entropy_and_delta(Z, Y, sample_weight=None):
    r""":func:`softmax_cross_entropy` and :math:`\delta = h - y` together (Z, overwritten, of shape (m, K)).

    .. math::
        \mathrm{loss} = -\sum_k y_k (z_k - \log \textstyle\sum_j e^{z_j}), \qquad
        \delta_k = \frac{e^{z_k}}{\sum_j e^{z_j}} - y_k

    with the row's largest logit subtracted first (the same loss and h).
    """
    Z -= np.max(Z, axis=1, keepdims=True)  # the largest logit of each row becomes 0: e^z <= 1
    E = np.exp(Z)  # (m, K)
    total = np.sum(E, axis=1, keepdims=True)  # Σ_j e^{z_j}; (m, 1)
    Z -= np.log(total)  # z - log Σ e^z = log softmax(z)
    J_sum = -_weighted_sum(np.multiply(Y, Z, out=Z), sample_weight)
    delta = np.divide(E, total, out=E)  # h = softmax(z) ...
    delta -= Y  # ... - y
    return J_sum, delta


def squared_error_and_delta(Z, Y, sample_weight=None):
    r""":func:`squared_error` and :math:`\delta = h - y = z - y` together (Z, overwritten, of shape (m, K))."""
    residual = np.subtract(Z, Y, out=Z)  # h - y; (m, K)
    return 0.5 * _weighted_sum(residual * residual, sample_weight), residual


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
    loss_and_delta : callable, ``loss_and_delta(Z, Y, sample_weight)`` -> ``(loss, h - y)``, Z overwritten
    """

    name: str
    h: Callable[[np.ndarray], np.ndarray]
    loss: Callable[..., float]
    min_units: int
    h_inplace: Callable[[np.ndarray], np.ndarray]
    regression: bool = False
    loss_and_delta: Callable[..., tuple] = None


OUTPUTS = {
    "sigmoid": Output("sigmoid", sigmoid, sigmoid_cross_entropy, 1, sigmoid_inplace,
                      loss_and_delta=sigmoid_cross_entropy_and_delta),
    "softmax": Output("softmax", softmax, softmax_cross_entropy, 2, softmax_inplace,
                      loss_and_delta=softmax_cross_entropy_and_delta),
    "identity": Output("identity", identity, squared_error, 1, identity_inplace, regression=True,
                       loss_and_delta=squared_error_and_delta),
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
