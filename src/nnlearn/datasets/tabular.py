"""Your own data: CSV and TSV files (the standard library's csv module) and NumPy ``.npz`` archives.

:func:`read_table` and :func:`read_npz` take arguments already checked by
:func:`nnlearn.datasets.load` and return ``(X, y, info)``. What is wrong in a
file is one ``ValueError`` naming the file, the line (1-based, as an editor
counts) and the column (1-based, with its header name when there is one),
e.g. ``iris.csv, line 7, column 2 ('sepal_width'): the feature 'abc' is not a
number.``

Reading is bounded: a text file may hold at most :data:`MAX_CELLS` fields
(50 million, 400 MB as float64) in lines of at most :data:`MAX_LINE_CHARS`
characters, and an ``.npz`` array at most :data:`MAX_CELLS` values; larger
files are refused with a message before they fill the memory. A file must be
a regular file (a FIFO or a device such as ``/dev/zero`` is refused before it
is read). An ``.npz``'s ``X`` and ``y`` must be stored or deflated, hold
exactly the bytes their ``.npy`` headers declare, and inflate to at most
:func:`nnlearn._files.inflation_budget` of the file's size together (32
times, 16 MiB at least), checked before they are read; other arrays in the
archive are never read.
"""

from __future__ import annotations

import csv
import errno
import os
import zipfile
from array import array
from pathlib import Path

import numpy as np

from .._files import inflation_budget, open_regular
from .info import DataInfo
from .targets import array_targets, classes_of, text_targets

__all__ = ["read_table", "read_npz", "npz_info", "existing_file", "MAX_CELLS", "MAX_LINE_CHARS", "TABLE_SUFFIXES"]

MAX_CELLS = 50_000_000  # fields of a text file, values of an .npz array: 400 MB as float64
MAX_LINE_CHARS = 1 << 22  # 4 Mi characters on one line
TABLE_SUFFIXES = {".csv": ",", ".tsv": "\t"}


def existing_file(path):
    """``path`` as a Path, if it is an existing file (FileNotFoundError, IsADirectoryError otherwise)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(errno.ENOENT, "No such file", str(path))
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "Expected a data file, got a directory", str(path))
    return path


# -- CSV and TSV -----------------------------------------------------------------------


def read_table(path, target=-1, task=None, header=None):
    """``(X, y, info)`` from a CSV (``.csv``, commas) or TSV (``.tsv``, tabs) file; arguments already checked.

    Parameters
    ----------
    path : str or os.PathLike
    target : int or str
        The target column: a header name, or an index counted from 0
        (negative from the end; a str of digits is an index unless a column
        has that name).
    task : {None, "classification", "regression"}
    header : bool or None
        Whether line 1 is a header; None: detect it (see :func:`has_header`).

    Returns
    -------
    X : ndarray of shape (m, n), dtype float64
        The other columns, in file order.
    y : ndarray of shape (m,)
        int64 or str class labels, or float64 values (regression).
    info : DataInfo
    """
    path = existing_file(path)
    where = str(path)
    fmt = path.suffix.lower().lstrip(".")
    with open_regular(path, "data", "Expected a data file, got a directory") as f:
        lines = _Lines(f, where)
        reader = csv.reader(lines, delimiter=TABLE_SUFFIXES["." + fmt], strict=True)
        rows = _rows(reader, lines, where, fmt.upper())
        first = next(rows, None)
        if first is None:
            raise ValueError(f"{where} is empty: it holds no rows.")
        second = next(rows, None)
        header = has_header(first[1], second and second[1]) if header is None else header
        n_columns = len(first[1])
        names = tuple(first[1]) if header else None
        if n_columns < 2:
            raise ValueError(f"{where}, line {first[0]}: 1 column; a data file needs at least one feature column "
                             f"and the target column.")
        t = _target_index(where, target, names, n_columns)
        shape_from = "the header on line" if header else "line"

        def column(j):
            return f"column {j + 1}" + (f" ({names[j]!r})" if names else "")

        features, texts, line_numbers = array("d"), [], array("q")
        data_rows = ([] if header else [first]) + ([second] if second else [])
        for line, fields in _chain(data_rows, rows):
            if len(fields) != n_columns:
                raise ValueError(f"{where}, line {line}: {len(fields)} fields, but {shape_from} {first[0]} has "
                                 f"{n_columns}.")
            if (len(texts) + 1) * n_columns > MAX_CELLS:
                raise ValueError(f"{where}: more than {MAX_CELLS} fields (at line {line}), the most nnlearn reads "
                                 f"from a text file; save large data as .npz (np.savez(path, X=X, y=y)).")
            texts.append(fields[t])
            line_numbers.append(line)
            try:
                features.extend([float(text) for text in fields[:t] + fields[t + 1:]])
            except ValueError:
                j = next(j for j, text in enumerate(fields) if j != t and not _is_number(text))
                what = "is empty (a missing value?)" if fields[j] == "" else "is not a number"
                raise ValueError(f"{where}, line {line}, {column(j)}: the feature {fields[j]!r} {what}; "
                                 f"every feature must be a number.") from None
    m = len(texts)
    if m == 0:
        raise ValueError(f"{where} has a header (line {first[0]}) but no data rows.")
    X = np.frombuffer(features, dtype=np.float64).reshape(m, n_columns - 1)  # (m, n)
    if not np.all(np.isfinite(X)):
        i, j = np.argwhere(~np.isfinite(X))[0]
        j_file = j + (j >= t)  # the file's column: the target column is not in X
        raise ValueError(f"{where}, line {line_numbers[i]}, {column(j_file)}: the feature is {X[i, j]} (NaN or "
                         f"infinity); every feature must be a finite number (remove or impute missing values).")
    y, task = text_targets(where, texts, line_numbers, column(t), task)
    n_classes, class_names, _ = classes_of(y, task)
    info = DataInfo(
        name=str(path), kind=task, family="tabular",
        n_samples=m, n_features=n_columns - 1, n_classes=n_classes, class_names=class_names,
        feature_names=tuple(n for j, n in enumerate(names) if j != t) if names else None,
        target_name=names[t] if names else None,
        source=f"{fmt.upper()} file {path.name}", options=(("target", t), ("task", task), ("header", header)),
        format=fmt,
    )
    return X, y, info


def has_header(first, second):
    """Whether a text file's first row is a header, from its first two rows (lists of stripped fields).

    The first row is a header when one of its fields is not a number while
    the field below it is one (``sepal_length`` over ``5.1``; a column of
    text labels is no evidence either way). A file of one row has a header
    when none of its fields is a number. Numbers as column names are not
    detected: pass ``header=True``.
    """
    if second is None:
        return not any(_is_number(text) for text in first)
    return any(not _is_number(a) and j < len(second) and _is_number(second[j]) for j, a in enumerate(first))


def _target_index(where, target, names, n_columns):
    """The 0-based index of the target column."""
    if isinstance(target, str):
        if names is not None and target in names:
            if names.count(target) > 1:
                raise ValueError(f"{where}: {names.count(target)} columns are named {target!r}; give the target's "
                                 f"index instead.")
            return names.index(target)
        try:
            target = int(target)
        except ValueError:
            if names is None:
                raise ValueError(f"{where} has no header row, so target={target!r} names no column; give the "
                                 f"column's index (0..{n_columns - 1}, -1 for the last) or header=True.") from None
            raise ValueError(f"{where} has no column named {target!r}; its columns are {list(names)}.") from None
    if not -n_columns <= target < n_columns:
        raise ValueError(f"{where}: target={target} is out of range: the file has {n_columns} columns "
                         f"(indices 0..{n_columns - 1}, or -{n_columns}..-1 from the end).")
    return target % n_columns


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _chain(first, rest):
    yield from first
    yield from rest


def _rows(reader, lines, where, fmt):
    """``(line, fields)`` of each row that is not blank; ``line`` is where the row starts, counted from 1."""
    start = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ValueError(f"{where}, line {lines.count}: not valid {fmt} ({exc}).") from None
        line, start = start, lines.count + 1
        if fields and any(text.strip() for text in fields):
            yield line, [text.strip() for text in fields]


class _Lines:
    """The lines of a binary file as text (UTF-8, a BOM dropped), counted, each at most :data:`MAX_LINE_CHARS`."""

    def __init__(self, f, where):
        self.f, self.where, self.count = f, where, 0

    def __iter__(self):
        return self

    def __next__(self):
        raw = self.f.readline(4 * MAX_LINE_CHARS + 1)  # UTF-8 takes at most 4 bytes per character
        if not raw:
            raise StopIteration
        self.count += 1
        if len(raw) > 4 * MAX_LINE_CHARS:
            raise self._too_long()
        try:
            line = raw.decode("utf-8-sig" if self.count == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"{self.where}, line {self.count}: not UTF-8 text (byte {exc.start + 1} of the line: "
                             f"{exc.reason}).") from None
        if len(line.rstrip("\r\n")) > MAX_LINE_CHARS:
            raise self._too_long()
        return line

    def _too_long(self):
        return ValueError(f"{self.where}, line {self.count}: longer than {MAX_LINE_CHARS} characters, the most "
                          f"nnlearn reads on one line.")


# -- NumPy .npz -------------------------------------------------------------------------


def read_npz(path, task=None):
    """``(X, y, info)`` from an ``.npz`` archive with arrays ``X`` and ``y``; arguments already checked.

    ``X`` must be a 2-D array of numbers (float32 stays float32, any other
    numbers become float64), all finite. ``y`` is read by
    :func:`~nnlearn.datasets.targets.array_targets`: 1-D labels or values,
    or 2-D (m, k) outputs. Arrays are read with ``allow_pickle=False``: an
    object array is refused, never unpickled.
    """
    path = existing_file(path)
    where = str(path)
    with _open_npz(path) as archive:
        _X_header(archive, where)
        _npy_header(archive, "y", where)
        _check_inflation(archive, ("X", "y"), where)
        X = _read_member(archive, "X", where)
        y = _read_member(archive, "y", where)
    X = X.astype(np.float32 if X.dtype == np.float32 else np.float64, order="C", copy=False)
    if not np.all(np.isfinite(X)):
        i, j = np.argwhere(~np.isfinite(X))[0]
        raise ValueError(f"{where}: X[{i}, {j}] (row {i}, column {j}) is {X[i, j]}; every feature must be a finite "
                         f"number (remove or impute missing values).")
    y, task = array_targets(where, y, X.shape[0], task)
    return X, y, _array_info(path, "npz", X.shape, y, task)


def npz_info(path, task=None):
    """The :class:`DataInfo` of an ``.npz`` archive, reading ``y`` and only the header of ``X``."""
    path = existing_file(path)
    where = str(path)
    with _open_npz(path) as archive:
        X_shape = _X_header(archive, where)
        _npy_header(archive, "y", where)
        _check_inflation(archive, ("y",), where)
        y = _read_member(archive, "y", where)
    y, task = array_targets(where, y, X_shape[0], task)
    return _array_info(path, "npz", X_shape, y, task)


def _array_info(path, fmt, X_shape, y, task):
    n_classes, class_names, n_outputs = classes_of(y, task)
    return DataInfo(
        name=str(path), kind=task, family="tabular", n_samples=X_shape[0], n_features=X_shape[1],
        n_classes=n_classes, n_outputs=n_outputs, class_names=class_names,
        source=f"{fmt} file {Path(path).name}", options=(("task", task),), format=fmt,
    )


class _Npz:
    """An ``.npz`` archive read from a regular file: ``np.load``'s NpzFile and the file under it, closed together."""

    def __init__(self, f, archive):
        self.f, self.archive = f, archive
        self.size = os.fstat(f.fileno()).st_size
        self.data_bytes = {}  # key -> (bytes its .npy header declares, bytes the member holds), once read

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.archive.close()
        self.f.close()
        return False


def _open_npz(path):
    f = open_regular(path, "data", "Expected a data file, got a directory")  # a FIFO or a device: refused unread
    try:
        try:
            archive = np.load(f, allow_pickle=False)
        except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
            raise ValueError(f"{path} is not a NumPy .npz archive that nnlearn can read ({exc}).") from None
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise ValueError(f"{path} holds a single array (a .npy file); nnlearn reads an .npz archive with arrays "
                             f"X and y: np.savez(path, X=X, y=y).")
        missing = [key for key in ("X", "y") if key not in archive.files]
        if missing:
            archive.close()
            raise ValueError(f"{path} has no array {' or '.join(map(repr, missing))}: found {archive.files}, "
                             f"expected 'X' and 'y' (np.savez(path, X=X, y=y)).")
        return _Npz(f, archive)
    except BaseException:
        f.close()
        raise


def _check_inflation(npz, keys, where):
    """Before the arrays ``keys`` are read (their headers were): refuse data of another size than declared,
    members compressed otherwise than by deflate, or inflating beyond the file's budget."""
    budget = inflation_budget(npz.size)
    total = 0
    for key in keys:
        declared, held = npz.data_bytes[key]
        if declared != held:  # np.load would allocate the declared shape before finding out
            raise ValueError(f"{where}: the array {key} cannot be read: its header declares {declared} bytes of "
                             f"data, but it holds {held} (truncated or corrupted).")
        info = npz.archive.zip.getinfo(f"{key}.npy")
        if info.compress_type == zipfile.ZIP_DEFLATED:
            total += info.file_size
    if total > budget:
        raise ValueError(f"{where}: its arrays {' and '.join(keys)} would inflate to {total} bytes; nnlearn inflates "
                         f"at most {budget} bytes from a file of {npz.size} bytes (save it with np.savez, "
                         f"uncompressed).")


def _X_header(archive, where):
    """The shape of the archive's ``X``, from its header, if it is a 2-D array of numbers with a row and a column."""
    shape, dtype = _npy_header(archive, "X", where)
    if len(shape) != 2 or shape[0] < 1 or shape[1] < 1:
        raise ValueError(f"{where}: X has shape {shape}; expected (m, n) with m >= 1 rows and n >= 1 features.")
    if dtype.kind not in "biuf":
        raise ValueError(f"{where}: X has dtype {dtype}; nnlearn reads numbers (bool, int, float).")
    return shape


def _npy_header(archive, key, where):
    """``(shape, dtype)`` of an archive's array from its header alone, refusing one over :data:`MAX_CELLS` values."""
    fmt = np.lib.format
    npz, archive = archive, archive.archive
    info = archive.zip.getinfo(f"{key}.npy")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):  # refused before a byte is inflated
        raise ValueError(f"{where}: the array {key} is compressed with zip method {info.compress_type}; nnlearn "
                         f"reads stored or deflated arrays (np.savez or np.savez_compressed).")
    try:
        with archive.zip.open(info) as f:
            version = fmt.read_magic(f)
            read = {(1, 0): fmt.read_array_header_1_0, (2, 0): fmt.read_array_header_2_0}.get(version)
            if read is None:
                raise ValueError(f"format version {version[0]}.{version[1]} (nnlearn reads 1.0 and 2.0)")
            shape, _, dtype = read(f)
            offset = f.tell()
    except (ValueError, OSError, EOFError, SyntaxError, zipfile.BadZipFile) as exc:
        raise ValueError(f"{where}: the array {key} is not a .npy array that nnlearn can read ({exc}).") from None
    if dtype.hasobject:
        raise ValueError(f"{where}: {key} is an array of Python objects, which nnlearn does not read "
                         f"(allow_pickle=False); store numbers, or text labels as dtype 'U'.")
    if int(np.prod(shape, dtype=object)) > MAX_CELLS:
        raise ValueError(f"{where}: {key} has shape {shape}, more than the {MAX_CELLS} values nnlearn reads "
                         f"from one array.")
    npz.data_bytes[key] = (int(np.prod(shape, dtype=object)) * dtype.itemsize, info.file_size - offset)
    return shape, dtype


def _read_member(archive, key, where):
    try:
        return archive.archive[key]
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise ValueError(f"{where}: the array {key} cannot be read ({exc}).") from None
