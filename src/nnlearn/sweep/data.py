"""The data of a sweep: a name, a path or arrays, checked, split once, and fingerprinted."""

from __future__ import annotations

import hashlib
import numbers
import os

import numpy as np

from .. import datasets
from .._validation import _describe, check_X
from .options import check_int_at_least

__all__ = ["DATA_NAMES", "resolve_data", "fingerprint"]

DATA_NAMES = datasets.NAMES  # ("digits20", "spirals")


def _load_named(name):
    """``(X, y)`` of a data name or .mat path (:func:`nnlearn.datasets.load`), with the sweep's message for others."""
    try:
        datasets.kind_of(name)
    except ValueError:
        raise ValueError(
            f"Unknown data {name!r}; use one of {list(DATA_NAMES)}, a path to a .mat file, or an (X, y) tuple."
        ) from None
    return datasets.load(name)


def _check_labels(y, name, m):
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of labels of shape (m,); got shape {y.shape}.")
    if y.shape[0] != m:
        raise ValueError(f"{name} has {y.shape[0]} labels, but the matching X has {m} rows; they must match.")
    if np.unique(y).size < 2:
        raise ValueError(f"{name} holds only one class ({y[0]!r}); a classifier needs at least 2.")
    return y


def resolve_data(data, test_size, split_seed):
    """``(name, (X_train, y_train, X_test, y_test), split)``; the test pair is None without a held-out set."""
    if test_size is not None:
        if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
            raise TypeError(f"test_size must be None or a float in (0, 1); got {type(test_size).__name__} {_describe(test_size)}.")
        if not 0 < test_size < 1:
            raise ValueError(f"test_size must be None or a float in (0, 1); got {test_size!r}.")
        test_size = float(test_size)
    split_seed = check_int_at_least(split_seed, "split_seed", 0)
    if isinstance(data, (str, os.PathLike)):
        name = os.fspath(data)
        X, y = _load_named(name)
        parts = [X, y]
    elif isinstance(data, (tuple, list)) and len(data) in (2, 4):
        name = "arrays"
        parts = list(data)
    else:
        raise TypeError(
            f"data must be a data name ({', '.join(DATA_NAMES)} or a .mat path), an (X, y) tuple or an "
            f"(X_train, y_train, X_test, y_test) tuple; got {type(data).__name__} {_describe(data)}."
        )
    if len(parts) == 4 and test_size is not None:
        raise ValueError("data already holds a held-out set (X_train, y_train, X_test, y_test); leave test_size=None.")
    X = check_X(parts[0], name="X_train" if len(parts) == 4 else "X")
    y = _check_labels(parts[1], "y_train" if len(parts) == 4 else "y", X.shape[0])
    X_test = y_test = None
    if len(parts) == 4:
        X_test = check_X(parts[2], name="X_test")
        if X_test.shape[1] != X.shape[1]:
            raise ValueError(f"X_test has {X_test.shape[1]} features, but X_train has {X.shape[1]}; they must match.")
        y_test = _check_labels(parts[3], "y_test", X_test.shape[0])
    elif test_size is not None:
        from sklearn.model_selection import train_test_split

        X, X_test, y, y_test = train_test_split(X, y, test_size=test_size, random_state=split_seed, stratify=y)
    split = {"test_size": test_size, "split_seed": split_seed if test_size is not None else None}
    return name, (X, y, X_test, y_test), split


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
