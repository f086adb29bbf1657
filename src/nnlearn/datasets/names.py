"""Data by name or path, for every door: :func:`load`, :func:`describe`, :func:`catalog` and the rule :class:`DataName`.

A data value is a name of the one table :data:`~nnlearn.datasets.builtin.BUILTIN`
(``"iris"``, ``"moons"``, ``"fashion-mnist"``, ...) or a path to a file:
``.csv``/``.tsv`` (:mod:`~nnlearn.datasets.tabular`), ``.npz`` (arrays ``X``
and ``y``) or ``.mat`` (the course's digits, or any ``X`` and ``y``). Options
(``noise``, ``n_samples``, ``seed``, ``target``, ``task``, ``header``,
``dtype``) are keyword arguments checked by the one table :data:`OPTIONS`;
each source takes the options :func:`options_of` lists.
"""

from __future__ import annotations

import numbers
import os
from pathlib import Path

import numpy as np

from .. import _validation as v
from .builtin import BUILTIN, NAMES, PLANAR_CLASSES
from .course import read_mat_data
from .info import KINDS
from .planar import MAX_POINTS, NOISE
from .tabular import TABLE_SUFFIXES, npz_info, read_npz, read_table

__all__ = ["NAMES", "OPTIONS", "FILE_SUFFIXES", "MAX_GENERATED", "DataName", "load", "describe", "catalog",
           "kind_of", "options_of", "check_options"]

MAX_GENERATED = MAX_POINTS  # the most points a planar generator makes (160 MB)


class TargetColumn(v.Rule):
    """The target column of a text file: an int index (from 0; negative from the end) or a str (a name or an index)."""

    def text(self):
        return "an int (a column index from 0, -1 for the last) or a str (a column name or index)"

    def check(self, value, name, door):
        if isinstance(value, str):
            return value
        if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
            return int(value)
        raise TypeError(v.message(name, door, self.text(), v.describe(value)))


class OptionalBool(v.Rule):
    """True, False or None (None: decide from the data)."""

    def text(self):
        return "True, False or None (detect)"

    def check(self, value, name, door):
        if value is None:
            return None
        return v.Bool().check(value, name, door)


# The one table of data options: every door that passes an option to a data source checks it here.
# None always means "the default", so a command line can pass every flag it has, set or not.
OPTIONS = {
    "noise": NOISE,
    "n_samples": v.Int(1, MAX_GENERATED),
    "seed": v.RandomState(),
    "target": TargetColumn(),
    "task": v.Option(KINDS),
    "header": OptionalBool(),
    "dtype": v.Option(("float64", "float32")),
}
# File suffix (any case) -> the options of that kind of file and their defaults.
FILE_SUFFIXES = {
    ".csv": {"target": -1, "task": None, "header": None},
    ".tsv": {"target": -1, "task": None, "header": None},
    ".npz": {"task": None},
    ".mat": {"task": None},
}


class DataName(v.Rule):
    """A data value: a name of :data:`NAMES` (a str), or a path to a ``.csv``, ``.tsv``, ``.npz`` or ``.mat`` file.

    The rule of :mod:`nnlearn._validation` for every door that takes data,
    e.g. ``DataName().check(data, "--data", "nnlearn train")``; returns the
    value unchanged. Names are matched as str only; a path-like is always a
    path. Suffixes match in any case.
    """

    def text(self):
        return f"one of {list(NAMES)} or a path to a .csv, .tsv, .npz or .mat file"

    def check(self, value, name, door):
        if not isinstance(value, (str, os.PathLike)):
            raise TypeError(v.message(name, door, self.text(), v.describe(value)))
        if not (isinstance(value, str) and value in BUILTIN) and _suffix(value) not in FILE_SUFFIXES:
            raise ValueError(v.message(name, door, self.text(), v.describe(value)))
        return value


def options_of(data):
    """The options ``data`` takes, with their defaults: a dict (empty for a source that takes none).

    Parameters
    ----------
    data : str or os.PathLike
        A name of :data:`NAMES` or a data file path (checked by :class:`DataName`).

    Examples
    --------
    >>> from nnlearn import datasets
    >>> datasets.options_of("moons")
    {'noise': 0.1, 'n_samples': 400, 'seed': 0}
    >>> datasets.options_of("iris.csv")
    {'target': -1, 'task': None, 'header': None}
    """
    data = DataName().check(data, "data", "options_of")
    return dict(_defaults(data))


def load(data, return_info=False, **options):
    """Load a data set: a built-in name or a data file, as ``(X, y)``.

    Parameters
    ----------
    data : str or os.PathLike
        A name of :data:`NAMES` (see :func:`catalog`; matched as a str only)
        or a path, by its suffix in any case:

        * ``.csv`` (commas) or ``.tsv`` (tabs): a text table, UTF-8, one row
          per sample; a header row or none (detected, or ``header=``); the
          target column chosen by ``target`` (default the last), every other
          column a numeric feature. Blank lines are skipped. At most
          :data:`~nnlearn.datasets.tabular.MAX_CELLS` (50 million) fields.
        * ``.npz``: arrays ``X`` (m, n) and ``y`` ((m,) or (m, k)), read with
          ``allow_pickle=False``.
        * ``.mat``: variables ``X`` and ``y``. An ``X`` of 400 columns is the
          course's ``ex4data1.mat`` (labels 1..10, 10 meaning digit 0, become
          0..9: :func:`load_ex4`); any other numeric ``X`` is read as it is.
    return_info : bool, default=False
        Also return the :class:`DataInfo` (what :func:`describe` gives,
        from the data just read).
    **options
        The options the source takes (:func:`options_of`); None means the
        default, so every option can be passed to every source when None.

        noise : float
            Planar sets: the generator's noise (spirals, flower 0.2; circles,
            moons 0.1; xor 0.0; gaussians 1.0), in [0, 1e6].
        n_samples : int
            Planar sets: the number of points, even (2 classes of equal
            size; default 800 for spirals, 400 for the others). Fashion-MNIST:
            the first ``n_samples`` images (default all).
        seed : int or numpy.random.Generator
            Planar sets: the generator's seed (default 0: ``load("spirals")``
            is always the same spiral).
        target : int or str
            CSV/TSV: the target column, a header name or an index counted
            from 0 (negative from the end; default -1, the last). A str of
            digits is an index unless a column has that name. Messages count
            columns from 1, as they count lines.
        task : {"classification", "regression"}
            Files: what the targets are. Default None decides from the data
            (:func:`~nnlearn.datasets.info.decide_task`): text labels, and
            integers with at most 100 distinct values, are classes; any other
            numbers (a fractional part, more distinct integers) are a
            quantity to regress on.
        header : bool
            CSV/TSV: whether line 1 is a header. Default None detects it: it
            is when a field of line 1 is not a number while the field under it
            is (:func:`~nnlearn.datasets.tabular.has_header`).
        dtype : {"float64", "float32"}
            Fashion-MNIST: the dtype of ``X`` (float64 by default: 376 MB for
            the training split; float32: 188 MB).

    Returns
    -------
    X : ndarray of shape (m, n), dtype float64 (float32 where asked or stored)
        One sample per row, C-contiguous, finite.
    y : ndarray of shape (m,) or (m, k)
        Classification: the class labels, int64 (class indices for built-in
        sets; a file's integers as they are) or str (a file's text labels);
        a 2-D 0/1 int64 array for multi-label data. Regression: float64.
    info : DataInfo
        Only with ``return_info=True``.

    Raises
    ------
    TypeError
        If ``data`` is not a str or os.PathLike, an option has the wrong
        type, or an option is unknown.
    ValueError
        If ``data`` is unknown (the message lists the names), an option is out
        of range or given to a source that does not take it, or a file's
        contents are bad: one message naming the file, the line and the column
        (a ragged row, a non-numeric or non-finite feature, an empty file, a
        header without rows, a missing target column, one class only, a
        non-numeric target for regression, a file over the size limits).
    FileNotFoundError, IsADirectoryError
        If a path does not exist or is a directory; Fashion-MNIST's message
        names the command that installs it.

    Examples
    --------
    >>> from nnlearn import datasets
    >>> X, y = datasets.load("moons", noise=0.2, n_samples=100)
    >>> X.shape, y.shape
    ((100, 2), (100,))
    >>> X, y, info = datasets.load("iris", return_info=True)
    >>> info.kind, info.class_names
    ('classification', ('setosa', 'versicolor', 'virginica'))
    """
    door = "load"
    data = DataName().check(data, "data", door)
    return_info = v.Bool().check(return_info, "return_info", door)
    options = _check_options(data, options, door)
    if isinstance(data, str) and data in BUILTIN:
        entry = BUILTIN[data]
        X, y = entry.loader(**options)
        info = entry.info(options) if return_info else None
    else:
        X, y, info = _read_file(data, options)
    return (X, y, info) if return_info else (X, y)


def describe(data, **options):
    """What ``data`` holds, as a :class:`DataInfo`: kind, shape, classes, images, source and options.

    Takes what :func:`load` takes. Reads as little as it can: nothing for a
    built-in name (Fashion-MNIST's ``available`` says whether its files are
    installed); ``y`` and only the header of ``X`` for an ``.npz``; the whole
    file for a CSV/TSV or ``.mat`` (their shapes and classes are known only by
    reading them; ``load(data, return_info=True)`` reads once and gives both).

    Raises
    ------
    As :func:`load`.

    Examples
    --------
    >>> from nnlearn import datasets
    >>> info = datasets.describe("digits20")
    >>> info.shape, info.image_shape, info.pixel_order
    ((5000, 400), (20, 20), 'F')
    """
    door = "describe"
    data = DataName().check(data, "data", door)
    options = _check_options(data, options, door)
    if isinstance(data, str) and data in BUILTIN:
        return BUILTIN[data].info(options)
    if _suffix(data) == ".npz":
        return npz_info(data, **options)
    return _read_file(data, options)[2]


def catalog():
    """Every built-in data set, in the order of :data:`NAMES`, as :class:`DataInfo` rows with default options.

    For ``nnlearn datasets``: name, shape, kind, images, classes, source and
    options of each, and whether it is on this machine (``available``).
    Loads nothing.

    Returns
    -------
    rows : tuple of DataInfo
    """
    return tuple(BUILTIN[name].info(dict(BUILTIN[name].options)) for name in NAMES)


def kind_of(name):
    """The family of a data value, without reading any file: ``"digits"``, ``"planar"``, ``"images"`` or ``"tabular"``.

    Kept for the doors written before :func:`describe`; :func:`describe`
    gives this as ``info.family`` together with the task (``info.kind``).

    Parameters
    ----------
    name : str or os.PathLike
        A name of :data:`NAMES` or a data file path.

    Returns
    -------
    family : str
        The built-in set's family (``"digits"`` for digits20, ``"planar"``
        for the generators, ``"images"`` for digits8 and Fashion-MNIST,
        ``"tabular"`` for scikit-learn's tables); ``"digits"`` for a ``.mat``
        path (the course's files; a ``.mat`` whose ``X`` is not 400 columns
        wide is ``"tabular"``, which only :func:`describe` can tell);
        ``"tabular"`` for CSV, TSV and ``.npz`` paths.

    Raises
    ------
    TypeError, ValueError
        As :class:`DataName`.
    """
    name = DataName().check(name, "name", "kind_of")
    if isinstance(name, str) and name in BUILTIN:
        return BUILTIN[name].family
    return "digits" if _suffix(name) == ".mat" else "tabular"


def _suffix(path):
    return Path(os.fsdecode(path)).suffix.lower()


def _defaults(data):
    if isinstance(data, str) and data in BUILTIN:
        return BUILTIN[data].options
    return FILE_SUFFIXES[_suffix(data)]


def _check_options(data, options, door):
    """The options for ``data``: every one it takes, checked, with defaults for those not given or None."""
    for name in options:
        if name not in OPTIONS:
            raise TypeError(f"{door}() got an unexpected keyword argument {name!r}; the data options are "
                            f"{list(OPTIONS)}.")
    return check_options(data, options, door)


def check_options(data, options, door, names=None):
    """The options ``data`` is loaded with: every one it takes, checked by :data:`OPTIONS`, defaults for the rest.

    The check of :func:`load` for any door: a command line passes its flags'
    names, so a mistake names the flag, e.g. "The '--noise' option of nnlearn
    train must be left unset for 'iris', which takes no options. Got 0.3 instead."

    Parameters
    ----------
    data : str or os.PathLike
        A data value already checked by :class:`DataName`.
    options : dict
        Option name (a key of :data:`OPTIONS`) -> value; None means the default.
    door : str
        The door named in messages.
    names : dict, optional
        Option name -> the name messages use for it (``{"noise": "--noise"}``);
        by default the option's own name.

    Returns
    -------
    options : dict
        Every option of :func:`options_of` ``(data)``, checked, with its default where not given.

    Raises
    ------
    TypeError, ValueError
        If a value breaks its rule, or ``data`` does not take an option given (not None).
    """
    names = names or {}
    defaults = _defaults(data)
    checked = dict(defaults)
    for name, value in options.items():
        if value is None:
            continue
        shown = names.get(name, name)
        if name not in defaults:
            taken = [repr(names.get(n, n)) for n in defaults]
            takes = f"only {', '.join(taken)}" if taken else "no options"
            raise ValueError(v.message(shown, door, f"left unset for {os.fsdecode(data)!r}, which takes {takes}",
                                       v.describe(value)))
        checked[name] = OPTIONS[name].check(value, shown, door)
    if isinstance(data, str) and data in BUILTIN:
        _check_n_samples(data, checked, door, names.get("n_samples", "n_samples"))
    return checked


def _check_n_samples(name, options, door, shown="n_samples"):
    n = options.get("n_samples")
    if n is None:
        return
    entry = BUILTIN[name]
    if entry.family == "planar" and n % PLANAR_CLASSES:
        raise ValueError(v.message(shown, door, f"an even int in the range [2, {MAX_GENERATED}] ({name!r} "
                                   f"has {PLANAR_CLASSES} classes of equal size)", v.describe(n)))
    if entry.family != "planar" and n > entry.n_samples:  # a subset: the first n rows
        raise ValueError(v.message(shown, door, f"an int in the range [1, {entry.n_samples}] ({name!r} has "
                                   f"{entry.n_samples} samples)", v.describe(n)))


def _read_file(path, options):
    suffix = _suffix(path)
    if suffix in TABLE_SUFFIXES:
        return read_table(path, **options)
    if suffix == ".npz":
        return read_npz(path, **options)
    return read_mat_data(Path(path), **options)
