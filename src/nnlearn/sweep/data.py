"""The data of a sweep: a name, a path or arrays, checked for :func:`~nnlearn.sweep.run`, split once, fingerprinted."""

from __future__ import annotations

import hashlib
import os

import numpy as np

from .. import _validation as v
from .. import datasets

__all__ = ["DATA_NAMES", "SEED_MAX", "resolve_data", "fingerprint"]

DATA_NAMES = datasets.NAMES  # ("digits20", "spirals")
# The largest split_seed scikit-learn's train_test_split accepts (numpy.random.RandomState: 32 bits).
SEED_MAX = 2**32 - 1
_DATA_RULE = (
    f"one of {list(DATA_NAMES)}, a path to a .mat file, an (X, y) tuple or an (X_train, y_train, X_test, y_test) tuple"
)


def _load_named(name, door):
    """``(X, y)`` of a data name or .mat path (:func:`nnlearn.datasets.load`)."""
    try:
        datasets.kind_of(name)
    except ValueError:
        raise ValueError(v.message("data", door, _DATA_RULE, v.describe(name))) from None
    return datasets.load(name)


def _check_labels(y, name, m, x_name, door):
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(v.message(name, door, "a 1-D array of labels of shape (m,)", f"an array of shape {y.shape}"))
    if y.shape[0] != m:
        raise ValueError(v.message(name, door, f"{m} labels, one per row of {x_name}", f"{y.shape[0]} labels"))
    classes = np.unique(y)
    if classes.size < 2:
        raise ValueError(v.message(name, door, "labels of at least 2 classes", f"only the class {classes[0].tolist()!r}"))
    return y


def resolve_data(data, test_size, split_seed, door):
    """``(name, (X_train, y_train, X_test, y_test), split)``; the test pair is None without a held-out set.

    ``data`` is checked here for the door ``door``; ``test_size`` and ``split_seed`` were checked by it.
    """
    if isinstance(data, (str, os.PathLike)):
        name = os.fspath(data)
        X, y = _load_named(name, door)
        parts = [X, y]
    elif isinstance(data, (tuple, list)) and len(data) in (2, 4):
        name = "arrays"
        parts = list(data)
    else:
        raise TypeError(v.message("data", door, _DATA_RULE, v.describe(data)))
    if len(parts) == 4 and test_size is not None:
        raise ValueError(v.message(
            "test_size", door, "None when data holds a held-out set (X_train, y_train, X_test, y_test)",
            v.describe(test_size),
        ))
    x_name = "X_train" if len(parts) == 4 else "X"
    X = v.check_X(parts[0], door, name=x_name)
    y = _check_labels(parts[1], "y_train" if len(parts) == 4 else "y", X.shape[0], x_name, door)
    X_test = y_test = None
    if len(parts) == 4:
        X_test = v.check_X(parts[2], door, n_features=X.shape[1], name="X_test", feature_source="X_train")
        y_test = _check_labels(parts[3], "y_test", X_test.shape[0], "X_test", door)
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
