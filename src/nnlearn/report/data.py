"""The report's digits: loaded by name or path, the course's pretrained weights, the held-out split."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .settings import TEST_SIZE


def _load_digits(data):
    """``(X, y, description)`` for "digits20" or a path to the course's .mat file."""
    from .. import datasets

    X, y = datasets.load(data)
    if isinstance(data, str) and data == "digits20":
        return X, y, "digits20: 5000 handwritten digits (MNIST, resampled to 20x20 pixels) bundled with nnlearn"
    return X, y, f"{Path(data).name}: the course's digits file ({X.shape[0]} images of 20x20 pixels)"


def _load_weights(weights, n_features):
    from .. import datasets
    from ..network import Network

    Thetas = datasets.load_ex4_weights(weights)
    sizes = [Thetas[0].shape[1] - 1, Thetas[0].shape[0], Thetas[1].shape[0]]
    if sizes[0] != n_features:
        raise ValueError(
            f"weights {str(weights)!r} are for {sizes[0]} inputs (Theta1 has shape {Thetas[0].shape}), "
            f"but the data have {n_features} features."
        )
    net = Network(sizes)
    return net, net.pack(Thetas)


def _split(X, y, seed):
    from sklearn.model_selection import train_test_split

    labels, counts = np.unique(y, return_counts=True)
    if counts.min() < 2:
        raise ValueError(
            f"the data have only {counts.min()} sample of digit {labels[np.argmin(counts)]}; the held-out "
            "split needs at least 2 samples of every digit."
        )
    return train_test_split(X, y, test_size=TEST_SIZE, random_state=seed, stratify=y)
