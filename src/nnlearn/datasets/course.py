r"""The course's ``.mat`` files: ``ex4data1.mat``/``ex3data1.mat`` and ``ex4weights.mat``.

The course's files label digit 0 as 10 and put digit 0 in the last output
unit. The functions here are the only code that knows that convention:
:func:`load_ex4` maps the label 10 to 0, :func:`load_ex4_weights` rotates
``Theta2``'s rows so row k predicts digit k, and :func:`save_ex4_weights`
rotates them back. Everything they return uses nnlearn's convention.

The three are doors: each checks its arguments once with
:mod:`nnlearn._validation`, naming itself ("The 'path' parameter of load_ex4
must be a str or os.PathLike. Got 42 instead."). What is wrong inside a file
(not a .mat file, a missing variable, a wrong shape) is reported with the
file's path instead, e.g. "ex4.mat: X has shape (3, 401), expected (m, 400)".
"""

import errno
from pathlib import Path

import numpy as np
import scipy.io

from .. import _validation as v
from .._atomic import write_atomically
from .mat5 import read_mat_variables

__all__ = ["load_ex4", "load_ex4_weights", "save_ex4_weights", "read_ex4", "read_mat_data"]

N_PIXELS = 400  # 20 x 20 images, as in the course's ex3data1.mat / ex4data1.mat
N_DIGITS = 10


def load_ex4(path):
    """Read the course's ``ex4data1.mat`` or ``ex3data1.mat``.

    Parameters
    ----------
    path : str or os.PathLike
        A MATLAB 5 ``.mat`` file with variables ``X`` of shape (m, 400) and
        ``y`` of shape (m, 1) holding labels 1..10, where 10 means digit 0.

    Returns
    -------
    X : ndarray of shape (m, 400), dtype float64
        One 20x20 image per row, in column-major pixel order.
    y : ndarray of shape (m,), dtype int64
        The digit, 0..9 (the file's label 10 becomes 0, 1..9 stay).

    Raises
    ------
    TypeError
        If ``path`` is not a str or os.PathLike.
    FileNotFoundError
        If ``path`` does not exist.
    IsADirectoryError
        If ``path`` is a directory.
    ValueError
        If the file is not a MATLAB .mat file that scipy can read (including
        a v7.3 file, a corrupt structure, or a sparse matrix, function handle
        or opaque object among its variables), lacks ``X`` or ``y``, has
        arrays of the wrong shape or type, non-finite ``X``, or labels
        outside 1..10.

    Notes
    -----
    The file is read with ``scipy.io.loadmat``, which is not hardened
    against corrupt or hostile files: a wrong type code or byte count can
    crash the process. Before it runs, the structure of a MATLAB 5 file
    (every tag, type code, byte count and dimension of ``X`` and ``y``,
    recursively through cells and structs) is checked in pure Python and an
    inconsistent file is refused with a ``ValueError``; only ``X`` and ``y``
    are inflated (32 times the file's size in all at most, 16 MiB at least,
    checked from their tags first) and given to scipy: other variables are
    skipped unread. A FIFO or a device is refused before it is read. That
    check does not make the parser safe against every hostile file: read
    only files you trust. Level 4 files go straight to scipy's pure-Python
    Level 4 reader.
    """
    return read_ex4(v.PathLike().check(path, "path", "load_ex4"))


def read_ex4(path):
    """:func:`load_ex4` for a ``path`` already checked to be a str or os.PathLike.

    For the doors that take a data name or path (:func:`nnlearn.datasets.load`):
    returns and raises as :func:`load_ex4`, but does not check ``path``'s type.
    """
    path = _existing_file(path)
    data, found = read_mat_variables(path, ("X", "y"))
    _check_keys(path, data, ("X", "y"), found)
    return _ex4_arrays(path, _numeric_matrix(path, "X", data["X"]), data["y"])


def read_mat_data(path, task=None):
    """``(X, y, info)`` from a ``.mat`` file with variables ``X`` and ``y``: the course's digits, or any numeric data.

    For :func:`nnlearn.datasets.load` (``path`` and ``task`` already
    checked). A file whose ``X`` has 400 columns is the course's
    ``ex4data1.mat``/``ex3data1.mat`` unless ``task="regression"``: it is read
    as :func:`load_ex4` reads it (labels 1..10, 10 meaning digit 0, become
    0..9; any other label is refused). Any other ``X``, a 2-D matrix of
    finite numbers, is read as it is, and ``y`` (one target per row, or an
    (m, k) matrix) by the ``task`` rule of :func:`nnlearn.datasets.load`.
    """
    from .info import DataInfo
    from .targets import array_targets, classes_of

    path = _existing_file(path)
    data, found = read_mat_variables(path, ("X", "y"))
    _check_keys(path, data, ("X", "y"), found)
    X = _numeric_matrix(path, "X", data["X"])
    if X.shape[1] == N_PIXELS and task != "regression":
        X, y = _ex4_arrays(path, X, data["y"])
        info = DataInfo(
            name=str(path), kind="classification", family="digits", n_samples=X.shape[0], n_features=N_PIXELS,
            n_classes=N_DIGITS, image_shape=(20, 20), pixel_order="F",
            class_names=tuple(str(k) for k in range(N_DIGITS)),
            source=f"the course's digits file {path.name} (labels 1..10, 10 meaning digit 0, read as 0..9)",
            options=(("task", "classification"),), format="mat",
        )
        return X, y, info
    y, task = array_targets(str(path), np.asarray(data["y"]), X.shape[0], task)
    n_classes, class_names, n_outputs = classes_of(y, task)
    info = DataInfo(
        name=str(path), kind=task, family="tabular", n_samples=X.shape[0], n_features=X.shape[1],
        n_classes=n_classes, n_outputs=n_outputs, class_names=class_names,
        source=f"mat file {path.name}", options=(("task", task),), format="mat",
    )
    return X, y, info


def _ex4_arrays(path, X, y):
    """The course's ``X`` (checked numeric) and ``y`` (as read) checked and mapped to nnlearn's labels."""
    if X.shape[1] != N_PIXELS:
        raise ValueError(
            f"{path}: X has shape {X.shape}, expected (m, {N_PIXELS}): "
            f"one 20x20 image per row."
        )
    m = X.shape[0]
    y = np.asarray(y)
    if y.ndim != 2 or y.size != m or (m > 1 and y.shape[1] != 1):
        raise ValueError(
            f"{path}: y has shape {y.shape}, expected ({m}, 1) "
            f"(one label per row of X, which has {m} rows)."
        )
    y = y.ravel()
    if y.dtype.kind not in "uif":
        raise ValueError(
            f"{path}: y must hold integer labels 1..10; found dtype {y.dtype}."
        )
    bad = y[~np.isfinite(y) | (y != np.round(y)) | (y < 1) | (y > N_DIGITS)]
    if bad.size:
        raise ValueError(
            f"{path}: y must hold integer labels 1..10 (10 means digit 0); "
            f"found {_some(bad)}."
        )
    y = y.astype(np.int64) % N_DIGITS  # the course's label 10 is digit 0; (m,)
    return X, y


def load_ex4_weights(path):
    """Read the course's ``ex4weights.mat`` into nnlearn's convention.

    Parameters
    ----------
    path : str or os.PathLike
        A MATLAB 5 ``.mat`` file with ``Theta1`` of shape (s2, 1 + s1) and
        ``Theta2`` of shape (10, 1 + s2), bias weights in column 0 (the
        course's file has s1 = 400, s2 = 25). Row k of the file's ``Theta2``
        is the output unit for label k + 1, so its last row is digit 0.

    Returns
    -------
    Thetas : list of 2 ndarrays, dtype float64
        ``[Theta1, Theta2]`` with ``Theta1`` of shape (s2, 1 + s1) unchanged
        and ``Theta2`` of shape (10, 1 + s2) whose row k predicts digit k:
        ``np.roll(file_Theta2, 1, axis=0)``.

    Raises
    ------
    TypeError
        If ``path`` is not a str or os.PathLike.
    FileNotFoundError
        If ``path`` does not exist.
    IsADirectoryError
        If ``path`` is a directory.
    ValueError
        If the file is not a MATLAB .mat file that scipy can read (see
        :func:`load_ex4`), lacks ``Theta1`` or ``Theta2``, or holds arrays of
        the wrong shape, type or non-finite values.

    See Also
    --------
    save_ex4_weights : the inverse.
    """
    path = _existing_file(v.PathLike().check(path, "path", "load_ex4_weights"))
    data, found = read_mat_variables(path, ("Theta1", "Theta2"))
    _check_keys(path, data, ("Theta1", "Theta2"), found)
    Theta1 = _numeric_matrix(path, "Theta1", data["Theta1"])
    Theta2 = _numeric_matrix(path, "Theta2", data["Theta2"])
    _check_theta_shapes(path, Theta1, Theta2)
    # The course's output unit k is label k + 1, and label 10 is digit 0:
    # moving the last row to the front makes row k predict digit k.
    return [Theta1, np.roll(Theta2, 1, axis=0)]


def save_ex4_weights(path, thetas):
    """Write weights as the course's ``ex4weights.mat``.

    The inverse of :func:`load_ex4_weights`: Octave's ``predict.m`` reads
    the file and gets the course's convention (the last output unit is
    digit 0). The file is written atomically: to a temporary file in the
    same directory, then renamed over ``path``.

    Parameters
    ----------
    path : str or os.PathLike
        Where to write the MATLAB 5 ``.mat`` file. Its directory must exist.
        An existing file is replaced (keeping its permission bits).
    thetas : sequence of 2 array_like
        ``[Theta1, Theta2]`` in nnlearn's convention, ``Theta1`` of shape
        (s2, 1 + s1) and ``Theta2`` of shape (10, 1 + s2), row k of
        ``Theta2`` predicting digit k.

    Raises
    ------
    TypeError
        If ``path`` is not a str or os.PathLike, ``thetas`` is not a list or
        tuple, or a matrix is not numeric.
    FileNotFoundError
        If the directory of ``path`` does not exist.
    IsADirectoryError
        If ``path`` is a directory.
    ValueError
        If ``thetas`` does not hold exactly two finite 2-D arrays of
        consistent shapes.
    """
    door = "save_ex4_weights"
    path = Path(v.PathLike().check(path, "path", door))
    rule = "a list or tuple [Theta1, Theta2] (the course's network has one hidden layer)"
    if not isinstance(thetas, (list, tuple)):
        raise TypeError(v.message("thetas", door, rule, v.describe(thetas)))
    if len(thetas) != 2:
        raise ValueError(v.message("thetas", door, rule, f"{len(thetas)} matrices"))
    Thetas = []
    for l, Theta in enumerate(thetas):
        name, matrix = f"thetas[{l}]", "a 2-D array of finite numbers"
        Theta = v.check_array(Theta, name, door, matrix)
        if Theta.ndim != 2:
            raise ValueError(v.message(name, door, matrix, f"an array of shape {Theta.shape}"))
        if not np.all(np.isfinite(Theta)):
            raise ValueError(v.message(name, door, matrix, "an array containing NaN or infinity"))
        Thetas.append(Theta.astype(np.float64))
    Theta1, Theta2 = Thetas
    if Theta1.shape[1] < 2:
        raise ValueError(v.message(
            "thetas[0]", door, "a Theta1 of shape (s2, 1 + s1): the bias column and s1 >= 1 input weights per "
            "hidden unit (the course: (25, 401))", f"an array of shape {Theta1.shape}",
        ))
    expected = (N_DIGITS, Theta1.shape[0] + 1)
    if Theta2.shape != expected:
        raise ValueError(v.message(
            "thetas[1]", door, f"a Theta2 of shape {expected}: {N_DIGITS} output units, each with the bias and "
            f"the {Theta1.shape[0]} hidden units of thetas[0] (shape {Theta1.shape})", f"an array of shape {Theta2.shape}",
        ))
    _refuse_directory(path)
    contents = {
        "Theta1": Theta1,
        # Inverse of the roll in load_ex4_weights: digit 0 goes back last.
        "Theta2": np.roll(Theta2, -1, axis=0),
    }
    write_atomically(path, lambda f: scipy.io.savemat(f, contents, format="5"))


def _existing_file(path):
    """``path`` as a Path, if it exists and is not a directory."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(errno.ENOENT, "No such file", str(path))
    return _refuse_directory(path)


def _refuse_directory(path):
    if path.is_dir():
        raise IsADirectoryError(
            errno.EISDIR, "Expected a .mat file, got a directory", str(path)
        )
    return path


def _check_keys(path, data, expected, found):
    found = sorted(found)
    missing = [k for k in expected if k not in data]
    if missing:
        raise ValueError(
            f"{path} has no {', '.join(map(repr, missing))}: "
            f"found keys {found}, expected keys {list(expected)}."
        )


def _numeric_matrix(where, name, value):
    """The file's variable ``name`` as a finite float64 matrix (``where``: the file, for the message)."""
    value = np.asarray(value)
    if value.dtype.kind not in "uif" or value.ndim != 2:
        raise ValueError(
            f"{where}: {name} must be a 2-D numeric matrix; "
            f"found dtype {value.dtype} and shape {value.shape}."
        )
    value = value.astype(np.float64, copy=False)  # scipy's array is ours: no copy when it is float64
    low, high = (float(value.min()), float(value.max())) if value.size else (0.0, 0.0)
    if not (np.isfinite(low) and np.isfinite(high)):  # NaN propagates through min and max
        i, j = np.argwhere(~np.isfinite(value))[0]
        raise ValueError(
            f"{where}: {name} must be finite; found "
            f"{np.count_nonzero(~np.isfinite(value))} NaN or infinite values, "
            f"the first {name}[{i}, {j}] (row {i}, column {j})."
        )
    return value


def _check_theta_shapes(path, Theta1, Theta2):
    """Refuse the file's Theta1 and Theta2 unless their shapes are those of a one-hidden-layer digit network."""
    where = f"{path}: "
    if Theta1.shape[1] < 2:
        raise ValueError(
            f"{where}Theta1 has shape {Theta1.shape}, expected (s2, 1 + s1) "
            f"with s1 >= 1 inputs plus the bias column (the course: (25, 401))."
        )
    expected = (N_DIGITS, Theta1.shape[0] + 1)
    if Theta2.shape != expected:
        raise ValueError(
            f"{where}Theta2 has shape {Theta2.shape}, expected {expected}: "
            f"{N_DIGITS} output units and 1 + {Theta1.shape[0]} columns for "
            f"the bias and the {Theta1.shape[0]} hidden units of Theta1 "
            f"(shape {Theta1.shape})."
        )


def _some(values, limit=5):
    """Format up to ``limit`` distinct offending values for a message."""
    unique = np.unique(values)
    shown = ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in unique[:limit])
    more = f" and {unique.size - limit} more" if unique.size > limit else ""
    return f"[{shown}]{more}"

