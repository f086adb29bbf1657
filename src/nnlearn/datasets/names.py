"""Data sets by name: the one table of the names the command line, sweeps and the report accept."""

import os
from functools import partial

from .. import _validation as v
from .course import read_ex4
from .digits import load_digits20
from .planar import make_spirals

__all__ = ["NAMES", "DataName", "load", "kind_of"]

# name -> (kind, loader); the kind tells callers which defaults suit the data (tanh for planar, ...).
_TABLE = {
    "digits20": ("digits", load_digits20),
    "spirals": ("planar", partial(make_spirals, random_state=0)),
}
NAMES = tuple(_TABLE)
_MAT_KIND = "digits"  # the course's ex4data1.mat / ex3data1.mat


class DataName(v.Rule):
    """A data set: a name of :data:`NAMES` (a str), or a path ending in ``.mat`` (any case; a str or os.PathLike).

    The rule of :mod:`nnlearn._validation` for every door that takes a data
    name, e.g. ``DataName().check(data, "--data", "nnlearn train")``; returns
    the value unchanged. A path-like is always a path, never a name.
    """

    def text(self):
        return f"one of {list(NAMES)} or a path to the course's .mat file (ex4data1.mat or ex3data1.mat)"

    def check(self, value, name, door):
        if not isinstance(value, (str, os.PathLike)):
            raise TypeError(v.message(name, door, self.text(), v.describe(value)))
        if not (isinstance(value, str) and value in _TABLE) and not _is_mat_path(value):
            raise ValueError(v.message(name, door, self.text(), v.describe(value)))
        return value


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
    return _lookup(DataName().check(name, "name", "kind_of"))[0]


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
    return _lookup(DataName().check(name, "name", "load"))[1]()


def _is_mat_path(path):
    return os.fsdecode(path).lower().endswith(".mat")


def _lookup(name):
    """``(kind, loader)`` of the data set ``name`` (checked by :class:`DataName`); ``loader()`` returns ``(X, y)``."""
    if isinstance(name, str) and name in _TABLE:
        return _TABLE[name]
    return _MAT_KIND, partial(read_ex4, name)
