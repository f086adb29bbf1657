"""The report's digits: loaded by name or path, the course's pretrained weights, the held-out split."""

from __future__ import annotations

from pathlib import Path

from .settings import TEST_SIZE


def load_digits(data):
    """``(X, y, description)`` for "digits20" or a path to the course's .mat file."""
    from .. import datasets

    X, y = datasets.load(data)
    if isinstance(data, str) and data == "digits20":
        return X, y, "digits20: 5000 handwritten digits (MNIST, resampled to 20x20 pixels) bundled with nnlearn"
    return X, y, f"{Path(data).name}: the course's digits file ({X.shape[0]} images of 20x20 pixels)"


def load_weights(weights):
    """``(net, theta)`` of the course's ``ex4weights.mat``: a 3-layer Network and its flat weights."""
    from .. import datasets
    from ..network import Network

    Thetas = datasets.load_ex4_weights(weights)
    net = Network([Thetas[0].shape[1] - 1, Thetas[0].shape[0], Thetas[1].shape[0]])
    return net, net.pack(Thetas)


def split(X, y, seed):
    """The stratified held-out split of section 6 (``X``, ``y`` hold at least 2 samples of every digit)."""
    from sklearn.model_selection import train_test_split

    return train_test_split(X, y, test_size=TEST_SIZE, random_state=seed, stratify=y)
