"""Data loaded for a task: :func:`load_task`, the door the command line, sweeps and the report share.

A data value has a kind (:attr:`DataInfo.kind`); a task asked for overrides
it. A file that takes the ``task`` option reads its targets for it (text
labels cannot be regressed on). A built-in set's targets are converted: class
indices become numbers to regress on; numeric targets that are whole numbers
become classes.
"""

from __future__ import annotations

import dataclasses
import os

import numpy as np

from .. import _validation as v
from .info import KINDS
from .names import DataName, check_options, load, options_of

__all__ = ["load_task", "guess_task"]


def load_task(data, task=None, door="load_task", names=None, **options):
    """``(X, y, info)`` of ``data`` loaded for ``task``: ``info.kind`` is the task the targets are for.

    Parameters
    ----------
    data : str or os.PathLike
        As :func:`nnlearn.datasets.load`.
    task : {None, "classification", "regression"}, default=None
        None: the data's kind.
    door : str, default="load_task"
        The door messages name.
    names : dict, optional
        Argument name -> the name messages use (``{"task": "--task", "noise": "--noise"}``).
    **options
        The data options (see :func:`nnlearn.datasets.load`); ``task`` is
        this function's own argument.

    Returns
    -------
    X : ndarray of shape (m, n)
    y : ndarray of shape (m,) or (m, k)
        int64 or str labels (classification), float64 values (regression).
    info : DataInfo
        With ``kind`` the task, and ``n_classes``/``class_names`` to match.

    Raises
    ------
    TypeError, ValueError
        As :func:`nnlearn.datasets.load`; ValueError also when a built-in
        set's targets cannot serve the task (text labels for regression,
        fractional values for classification).

    Examples
    --------
    >>> X, y, info = load_task("iris", task="regression")
    >>> info.kind, y.dtype.name, float(y.max())
    ('regression', 'float64', 2.0)
    """
    names = names or {}
    data = DataName().check(data, names.get("data", "data"), door)
    task = v.Option(KINDS, allow_none=True).check(task, names.get("task", "task"), door)
    if "task" in options_of(data):
        options = {**options, "task": task}
    options = check_options(data, options, door, names)
    X, y, info = load(data, return_info=True, **options)
    if task is None or task == info.kind:
        return X, y, info
    where = os.fsdecode(data)
    shown = names.get("task", "task")
    if task == "regression":
        if y.dtype.kind not in "biuf":
            raise ValueError(v.message(shown, door, f"'classification' for {where!r}, whose labels are text", "'regression'"))
        y = y.astype(np.float64)
        return X, y, dataclasses.replace(info, kind="regression", n_classes=None, class_names=None)
    if not np.all(y == np.round(y)):
        raise ValueError(v.message(shown, door, f"'regression' for {where!r}, whose targets are not whole numbers "
                                   "(class labels)", "'classification'"))
    y = y.astype(np.int64)
    classes = np.unique(y)
    return X, y, dataclasses.replace(info, kind="classification", n_classes=int(classes.size),
                                     class_names=tuple(str(c) for c in classes))


def guess_task(y):
    """The task arrays of targets call for: ``"regression"`` for real values (scikit-learn's ``type_of_target``
    says continuous), else ``"classification"``.

    Parameters
    ----------
    y : array-like of shape (m,) or (m, k)

    Examples
    --------
    >>> guess_task([0, 1, 1]), guess_task([0.5, 1.25]), guess_task([[0, 1], [1, 1]])
    ('classification', 'regression', 'classification')
    """
    from sklearn.utils.multiclass import type_of_target

    return "regression" if type_of_target(np.asarray(y)).startswith("continuous") else "classification"
