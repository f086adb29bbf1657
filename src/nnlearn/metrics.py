r"""The scores nnlearn reports: accuracy for classification, R^2 and RMSE for regression.

One place for what ``nnlearn train``, ``nnlearn predict``, sweeps and the
report print, so the same predictions give the same numbers everywhere.
The functions take arrays already checked by their caller (a door).
"""

from __future__ import annotations

import numpy as np

__all__ = ["TASKS", "accuracy", "r2", "rmse", "scores"]

TASKS = ("classification", "regression")


def accuracy(y_true, y_pred):
    """The fraction of rows predicted right: a float in [0, 1].

    Parameters
    ----------
    y_true, y_pred : ndarray of shape (m,) of labels, or (m, k) 0/1 (multi-label: a row is right when all
        its labels are, as scikit-learn's ``accuracy_score``)
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    right = y_true == y_pred
    if right.ndim == 2:
        right = right.all(axis=1)
    return float(np.mean(right))


def r2(y_true, y_pred):
    r"""The coefficient of determination, averaged over the outputs (scikit-learn's ``r2_score``).

    Parameters
    ----------
    y_true, y_pred : ndarray of shape (m,) or (m, k)

    Notes
    -----
    .. math:: R^2 = 1 - \frac{\sum_i (y_i - \hat y_i)^2}{\sum_i (y_i - \bar y)^2}

    per output, then the mean over the k outputs; 1 is a perfect fit, 0 the
    fit of predicting the mean. An output whose targets are all equal has
    R^2 1 when predicted exactly and 0 otherwise, as in scikit-learn.
    """
    from sklearn.metrics import r2_score

    return float(r2_score(y_true, y_pred))


def rmse(y_true, y_pred):
    r"""The root of the mean squared error over every entry, in the targets' units.

    .. math:: \mathrm{RMSE} = \sqrt{\frac{1}{m k} \sum_{i, j} (y_{ij} - \hat y_{ij})^2}
    """
    diff = np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64)
    return float(np.sqrt(np.mean(diff**2)))


def scores(task, y_true, y_pred):
    """``{"accuracy": ...}`` for classification, ``{"r2": ..., "rmse": ...}`` for regression."""
    if task == "regression":
        return {"r2": r2(y_true, y_pred), "rmse": rmse(y_true, y_pred)}
    return {"accuracy": accuracy(y_true, y_pred)}
