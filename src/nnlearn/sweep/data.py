"""The data of a sweep: a name, a path or arrays, checked for :func:`~nnlearn.sweep.run`, split once, fingerprinted.

Classification data are split stratified by class; regression data (and
multi-label classes) by a plain shuffle (:func:`nnlearn.split.held_out_split`).
"""

from __future__ import annotations

import hashlib
import os

import numpy as np

from .. import _validation as v
from .. import datasets
from ..split import held_out_split

__all__ = ["DATA_NAMES", "SEED_MAX", "resolve_data", "fingerprint"]

DATA_NAMES = datasets.NAMES  # ("digits20", "spirals")
# The largest split_seed scikit-learn's train_test_split accepts (numpy.random.RandomState: 32 bits).
SEED_MAX = 2**32 - 1
_DATA_RULE = (
    f"one of {list(DATA_NAMES)}, a path to a .csv, .tsv, .npz or .mat file, an (X, y) tuple or an "
    "(X_train, y_train, X_test, y_test) tuple"
)


def _load_named(name, door, task, options):
    """``(X, y, task)`` of a data name or path (:func:`nnlearn.datasets.load_task`)."""
    try:
        datasets.kind_of(name)
    except ValueError:
        raise ValueError(v.message("data", door, _DATA_RULE, v.describe(name))) from None
    X, y, info = datasets.load_task(name, task, door, **options)
    return X, y, info.kind


def _check_labels(y, name, m, x_name, door, task):
    y = np.asarray(y)
    if task == "regression":
        if y.ndim not in (1, 2) or y.dtype.kind not in "biuf":
            raise ValueError(v.message(name, door, "an array of numbers of shape (m,) or (m, k) (regression targets)",
                                       f"an array of dtype {y.dtype} and shape {y.shape}"))
        if y.shape[0] != m:
            raise ValueError(v.message(name, door, f"{m} targets, one per row of {x_name}", f"{y.shape[0]} targets"))
        return y
    if y.ndim == 2 and y.shape[0] == m and y.size and np.isin(y, (0, 1)).all():
        return y  # multi-label: a 0/1 indicator matrix, one column per label
    if y.ndim != 1:
        raise ValueError(v.message(name, door, "a 1-D array of labels of shape (m,), or a 0/1 indicator matrix of "
                                   "shape (m, n_labels)", f"an array of shape {y.shape}"))
    if y.shape[0] != m:
        raise ValueError(v.message(name, door, f"{m} labels, one per row of {x_name}", f"{y.shape[0]} labels"))
    classes = np.unique(y)
    if classes.size < 2:
        raise ValueError(v.message(name, door, "labels of at least 2 classes", f"only the class {classes[0].tolist()!r}"))
    return y


def resolve_data(data, test_size, split_seed, door, task=None, options=None):
    """``(name, (X_train, y_train, X_test, y_test), split, task)``; the test pair is None without a held-out set.

    ``data`` is checked here for the door ``door``; ``test_size``, ``split_seed``,
    ``task`` (None: the data's kind, or for arrays :func:`nnlearn.datasets.guess_task`)
    and ``options`` (data options of a name or path, a dict) were checked by it.
    """
    if isinstance(data, (str, os.PathLike)):
        name = os.fspath(data)
        X, y, task = _load_named(name, door, task, options or {})
        parts = [X, y]
    elif isinstance(data, (tuple, list)) and len(data) in (2, 4):
        name = "arrays"
        parts = list(data)
    else:
        raise TypeError(v.message("data", door, _DATA_RULE, v.describe(data)))
    if options and name == "arrays":
        raise ValueError(v.message("data_options", door, "None for data given as arrays (the options are those of a "
                                   "data name or file)", v.describe(options)))
    if task is None:
        task = "classification" if name != "arrays" else datasets.guess_task(parts[1])
    if len(parts) == 4 and test_size is not None:
        raise ValueError(v.message(
            "test_size", door, "None when data holds a held-out set (X_train, y_train, X_test, y_test)",
            v.describe(test_size),
        ))
    x_name = "X_train" if len(parts) == 4 else "X"
    X = v.check_X(parts[0], door, name=x_name)
    y = _check_labels(parts[1], "y_train" if len(parts) == 4 else "y", X.shape[0], x_name, door, task)
    X_test = y_test = None
    if len(parts) == 4:
        X_test = v.check_X(parts[2], door, n_features=X.shape[1], name="X_test", feature_source="X_train")
        y_test = _check_labels(parts[3], "y_test", X_test.shape[0], "X_test", door, task)
    elif test_size is not None:
        # the same split as train_test_split(..., stratify=y) for classes; multi-label rows are not stratified
        stratify = task == "classification" and y.ndim == 1
        X, X_test, y, y_test = held_out_split(X, y, test_size, split_seed, stratify=stratify)
    split = {"test_size": test_size, "split_seed": split_seed if test_size is not None else None}
    return name, (X, y, X_test, y_test), split, task


def fingerprint(arrays):
    """A content hash of the data: equal arrays (values, shapes, dtypes) give equal fingerprints."""
    digest = hashlib.sha1()
    for a in arrays:
        if a is None:
            digest.update(b"none;")
            continue
        a = np.ascontiguousarray(a)
        digest.update(f"{a.dtype.str}{a.shape};".encode())
        digest.update(a.tobytes() if a.dtype.kind != "O" else repr(a.tolist()).encode())
    return digest.hexdigest()[:16]
