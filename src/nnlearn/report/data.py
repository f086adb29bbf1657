"""The report's data: loaded by name or path for a task, described, encoded and split; the course's weights."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .settings import TEST_SIZE


def load_data(data, task, options, door):
    """``(X, y, info)`` of ``data`` for ``task`` (None: the data's kind), with its checked data ``options``."""
    from .. import datasets

    return datasets.load_task(data, task, door, **options)


def describe(data, X, info):
    """One sentence naming the data set: ``digits20: 5000 handwritten digits (...)`` and so on."""
    if info.family == "digits":
        if isinstance(data, str) and data == "digits20":
            return "digits20: 5000 handwritten digits (MNIST, resampled to 20x20 pixels) bundled with nnlearn"
        return f"{Path(data).name}: the course's digits file ({X.shape[0]} images of 20x20 pixels)"
    name = os.fsdecode(data) if info.format == "builtin" else Path(data).name
    what = f"{info.n_classes} classes" if info.kind == "classification" else "regression"
    if info.images:
        rows = f"{X.shape[0]} images of {info.image_shape[0]}x{info.image_shape[1]} pixels"
    else:
        rows = f"{X.shape[0]} samples of {X.shape[1]} features"
    return f"{name}: {rows}, {what}; {info.source}"


def encode_classes(y, info, course):
    """``(y_index, class_names)``: labels as class indices 0..K-1 and the name of each class.

    The course's digits keep their labels (digit k is class k, ten classes);
    other labels are numbered in sorted order, named by the data set's
    ``class_names`` where it has them (built-in sets), else by the label itself.
    """
    if course:
        K = max(int(y.max()) + 1, 2)
        return y, tuple(str(k) for k in range(K))
    classes, index = np.unique(y, return_inverse=True)
    if info.format == "builtin" and info.class_names and np.issubdtype(classes.dtype, np.integer):
        names = tuple(info.class_names[int(c)] for c in classes)
    else:
        names = tuple(str(c) for c in classes)
    return index.astype(np.int64), names


def load_weights(weights):
    """``(net, theta)`` of the course's ``ex4weights.mat``: a 3-layer Network and its flat weights."""
    from .. import datasets
    from ..network import Network

    Thetas = datasets.load_ex4_weights(weights)
    net = Network([Thetas[0].shape[1] - 1, Thetas[0].shape[0], Thetas[1].shape[0]])
    return net, net.pack(Thetas)


def split(X, y, seed, stratify=True):
    """The held-out split of the training section: stratified for classes (``X``, ``y`` hold at least 2
    samples of every class), shuffled for regression (:func:`nnlearn.split.held_out_split`)."""
    from ..split import held_out_split

    return held_out_split(X, y, TEST_SIZE, seed, stratify=stratify)
