"""Data sets by name: the one table of the names the command line, sweeps and the report accept."""

import os
from functools import partial

from ._checks import check_path_type
from .course import load_ex4
from .digits import load_digits20
from .planar import make_spirals

__all__ = ["NAMES", "load", "kind_of"]

# name -> (kind, loader); the kind tells callers which defaults suit the data (tanh for planar, ...).
_TABLE = {
    "digits20": ("digits", load_digits20),
    "spirals": ("planar", partial(make_spirals, random_state=0)),
}
NAMES = tuple(_TABLE)
_MAT_KIND = "digits"  # the course's ex4data1.mat / ex3data1.mat


def kind_of(name):
    """The kind of the data set ``name``: ``"digits"`` or ``"planar"``, without loading it.

    Parameters
    ----------
    name : str or os.PathLike
        ``"digits20"``, ``"spirals"``, or a path to the course's ``.mat`` file
        (any path ending in ``.mat``, in any case).

    Returns
    -------
    kind : str
        ``"digits"`` for digits20 and ``.mat`` files (20x20 images, 10
        classes), ``"planar"`` for spirals (2 features).

    Raises
    ------
    TypeError
        If ``name`` is not a str or os.PathLike.
    ValueError
        If ``name`` is neither a known name nor a ``.mat`` path; the message
        lists the known names.
    """
    return _lookup(name, "kind_of")[0]


def load(name):
    """Load a data set by name: ``"digits20"``, ``"spirals"``, or a path to the course's ``.mat`` file.

    Parameters
    ----------
    name : str or os.PathLike
        ``"digits20"`` (:func:`load_digits20`), ``"spirals"``
        (:func:`make_spirals` with ``random_state=0``), or a path ending in
        ``.mat`` (:func:`load_ex4`). Names are matched as str only; a
        path-like is always a path.

    Returns
    -------
    X : ndarray of shape (m, n), dtype float64
        One sample per row: (5000, 400) for digits20, (800, 2) for spirals.
    y : ndarray of shape (m,), dtype int64
        The class index (the digit for digit data).

    Raises
    ------
    TypeError
        If ``name`` is not a str or os.PathLike.
    ValueError
        If ``name`` is unknown (the message lists the valid names), or a
        ``.mat`` file cannot be read (see :func:`load_ex4`).
    FileNotFoundError, IsADirectoryError
        If a ``.mat`` path does not exist or is a directory.

    See Also
    --------
    kind_of : the kind of data a name stands for, without loading it.

    Examples
    --------
    >>> from nnlearn import datasets
    >>> X, y = datasets.load("spirals")
    >>> X.shape, datasets.kind_of("spirals")
    ((800, 2), 'planar')
    """
    return _lookup(name, "load")[1]()


def _lookup(name, func):
    """``(kind, loader)`` of the data set ``name``; ``loader()`` returns ``(X, y)``."""
    check_path_type(name, "name", func)
    if isinstance(name, str) and name in _TABLE:
        return _TABLE[name]
    if os.fspath(name).lower().endswith(".mat"):
        return _MAT_KIND, partial(load_ex4, name)
    raise ValueError(
        f"Unknown data {name!r}; use one of {list(NAMES)} or a path to the "
        f"course's .mat file (ex4data1.mat or ex3data1.mat)."
    )
