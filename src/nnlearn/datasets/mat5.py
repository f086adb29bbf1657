"""Reading MATLAB 5 ``.mat`` files: a pure-Python structure check, then scipy's ``loadmat``.

:func:`read_mat` is how nnlearn reads a ``.mat`` file, and
:func:`read_mat_variables` how it reads some of its variables. scipy's reader
trusts the file's structure; :func:`check_mat5_structure` walks it in pure
Python first and refuses an inconsistent file with a ``ValueError`` instead
of letting scipy's compiled reader crash the process.

Bounds: the file must be a regular file (a FIFO or ``/dev/zero`` is refused
unread) of at most :data:`MAT_MAX_FILE` bytes; compressed variables may
inflate to at most :func:`nnlearn._files.inflation_budget` of the file's size
in all (32 times, 16 MiB at least), checked from their tags before they are
inflated; and :func:`read_mat_variables` inflates, checks and hands to scipy
only the variables it is asked for (scipy's ``loadmat`` would materialise
every variable of the file): the others are skipped after their name.
"""

import io
import math
import struct
import zlib

import scipy.io
from scipy.io.matlab import MatReadError

from .._files import inflation_budget, read_regular

__all__ = ["read_mat", "read_mat_variables", "check_mat5_structure", "MAT_MAX_DEPTH", "MAT_MAX_INFLATED",
           "MAT_MAX_FILE"]


def _read_contents(path):
    """The bytes of the regular file ``path``, at most :data:`MAT_MAX_FILE` (read once: scipy parses what was checked)."""
    return read_regular(
        path, MAT_MAX_FILE, "data", directory_message="Expected a .mat file, got a directory",
        too_large=lambda size: (f"{path} has {size} bytes, more than the {MAT_MAX_FILE} nnlearn reads from a .mat "
                                f"file; save large data as .npz (np.savez(path, X=X, y=y))."),
    )


def read_mat(path):
    """Read the ``.mat`` file ``path``: check its structure, then ``scipy.io.loadmat`` the same bytes.

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    data : dict
        Variable name -> value, as ``scipy.io.loadmat`` returns them.

    Raises
    ------
    ValueError
        ``"<path> is not a MATLAB .mat file that scipy can read (...)."`` (or
        the v7.3 message of :func:`check_mat5_structure`), the file is
        larger than :data:`MAT_MAX_FILE` (1 GiB), its compressed variables
        would inflate beyond the budget, or it is not a regular file.
    """
    contents = _read_contents(path)
    check_mat5_structure(contents, path)
    return _loadmat(path, contents)


def read_mat_variables(path, names):
    """Read only the variables ``names`` of the ``.mat`` file ``path``; name every variable it holds.

    The other variables are skipped once their names are read: never
    inflated, never checked in depth, never given to scipy.

    Parameters
    ----------
    path : pathlib.Path
    names : sequence of str

    Returns
    -------
    data : dict
        Name -> value (as ``scipy.io.loadmat`` returns them) of the variables
        of ``names`` that the file holds.
    found : list of str
        The names of every variable in the file, in file order.

    Raises
    ------
    ValueError
        As :func:`read_mat`.
    """
    contents = _read_contents(path)
    elements = check_mat5_structure(contents, path, names=names)
    if elements is None:  # a Level 4 file (or fewer than 4 bytes): scipy's pure-Python reader
        data = _loadmat(path, contents, variable_names=list(names))
        try:
            found = [name for name, _, _ in scipy.io.whosmat(io.BytesIO(contents))]
        except Exception:  # noqa: BLE001 - loadmat above read the same bytes; the names are for a message
            found = sorted(k for k in data if not k.startswith("__"))
        return data, found
    wanted = b"".join(contents[start:end] for name, start, end in elements if name in names)
    return _loadmat(path, contents[:_MAT_HEADER_BYTES] + wanted), [name for name, _, _ in elements]


def _loadmat(path, contents, **kwargs):
    try:
        return scipy.io.loadmat(io.BytesIO(contents), **kwargs)
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
MAT_MAX_DEPTH = 32  # cells and structs nested deeper than this are refused
MAT_MAX_INFLATED = 1 << 30  # bytes one miCOMPRESSED element may inflate to
MAT_MAX_FILE = 1 << 30  # bytes of a .mat file (read whole before it is checked)


class _MatStructureError(Exception):
    """What is wrong in a MAT-file's structure; the caller adds the path."""


def check_mat5_structure(contents, path, names=None):
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

    With ``names``, only the variables of those names are checked in depth
    (and, compressed, inflated); of the others only the tag, the array flags,
    the dimensions and the name are read, so scipy must then be given the
    named variables alone (as :func:`read_mat_variables` does). Compressed
    variables that are checked may inflate to at most
    :func:`nnlearn._files.inflation_budget` of the file's size in all, and
    each to at most :data:`MAT_MAX_INFLATED`; their tags say how much before
    anything is inflated.

    Parameters
    ----------
    contents : bytes
        The whole file.
    path : pathlib.Path
        Where ``contents`` came from, for the message.
    names : collection of str, optional
        The variables to check in depth; default all.

    Returns
    -------
    elements : list of (str, int, int) or None
        The name, start and end (byte offsets, the tag included) of every
        top-level variable, in file order; None for a file left to scipy
        (Level 4, or fewer than 4 bytes).

    Raises
    ------
    ValueError
        ``"<path> is not a MATLAB .mat file that scipy can read (<what is
        wrong>)."``, or for a v7.3 file ``"<path> is a MATLAB v7.3 (HDF5)
        file, which scipy cannot read; ..."``.
    """
    if len(contents) < 4 or 0 in contents[:4]:
        return None
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
        budget = [inflation_budget(len(contents))]  # what compressed variables may still inflate to
        elements = []
        while pos < len(contents):
            name, end = _check_mat5_variable(contents, pos, endian, names, budget)
            elements.append((name, pos, end))
            pos = end
        return elements
    except _MatStructureError as exc:
        raise ValueError(
            f"{path} is not a MATLAB .mat file that scipy can read ({exc})."
        ) from None


# Bytes of a compressed variable inflated to read its name when it is skipped: flags (16),
# dimensions (8 + up to 128), the name's tag (8) and a name of up to 4000 bytes; first only
# _SHORT_HEAD_BYTES, enough for 2-D arrays with names of up to 200 bytes.
_HEAD_BYTES = 4200
_SHORT_HEAD_BYTES = 256
# Array classes a variable read by name (X, y, Theta1, ...) may have: char (4) and the numeric ones (6..15).
# Cells and structs are refused before scipy builds one Python object per element.
_NAMED_CLASSES = {4, *range(6, 16)}


def _check_mat5_variable(contents, pos, endian, names, budget):
    """Check the top-level element at ``pos`` (in depth if ``names`` is None or holds its name).

    Returns ``(name, end)``: the variable's name and where the next element
    starts. ``budget`` is a one-item list: the bytes compressed variables may
    still inflate to, lowered by each one checked in depth.
    """
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
        compressed = contents[start:start + nbytes]
        try:
            size, head = _inflate_mat5_matrix(compressed, endian, where, head_only=_SHORT_HEAD_BYTES)
            mclass, *_, name, _ = _mat5_matrix_head(head, 0, len(head), endian, where)
        except _MatStructureError:  # a long name, or a damaged head: look again at more of it
            size, head = _inflate_mat5_matrix(compressed, endian, where, head_only=_HEAD_BYTES)
            mclass, *_, name, _ = _mat5_matrix_head(head, 0, len(head), endian, where)
        if names is not None and name in names:
            _check_named_class(name, where, mclass)
        if names is None or name in names:
            if size > budget[0]:
                raise _MatStructureError(
                    f"variable {name!r} ({where}): it would inflate to {size} bytes from {nbytes}; nnlearn "
                    f"inflates at most {inflation_budget(len(contents))} bytes in all from a file of "
                    f"{len(contents)} bytes ({budget[0]} left)"
                )
            budget[0] -= size
            matrix = _inflate_mat5_matrix(compressed, endian, where)
            _check_mat5_matrix(matrix, 0, len(matrix), endian, where, depth=0)
    elif mdtype == _MI_MATRIX:
        if nbytes == 0:
            raise _MatStructureError(f"{where}: an empty miMATRIX element")
        mclass, *_, name, _ = _mat5_matrix_head(contents, start, start + nbytes, endian, where)
        if names is not None and name in names:
            _check_named_class(name, where, mclass)
        if names is None or name in names:
            _check_mat5_matrix(contents, start, start + nbytes, endian, where, depth=0)
    else:
        raise _MatStructureError(
            f"{where}: data type {mdtype}; a variable must be miMATRIX "
            f"({_MI_MATRIX}) or miCOMPRESSED ({_MI_COMPRESSED})"
        )
    return name, start + nbytes  # no padding between top-level elements


def _check_named_class(name, where, mclass):
    if mclass not in _NAMED_CLASSES and mclass not in _MX_REFUSED:  # those get their own message from the full check
        kind = {1: "a cell array", 2: "a struct", 3: "an object"}.get(mclass, f"array class {mclass}")
        raise _MatStructureError(
            f"variable {name!r} ({where}): it is {kind} (class {mclass}); nnlearn reads {name} as a numeric "
            f"or character matrix"
        )


def _inflate_mat5_matrix(compressed, endian, where, head_only=0):
    """Inflate an miCOMPRESSED element; return the data of the miMATRIX inside.

    With ``head_only`` (a number of bytes), return ``(size, head)``: the
    miMATRIX's byte count and its first ``head_only`` bytes at most,
    inflating no more (all of it when it is that short).
    """
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
        if nbytes > MAT_MAX_INFLATED:
            raise _MatStructureError(
                f"{where}: it would inflate to {nbytes} bytes, more than the "
                f"{MAT_MAX_INFLATED} (1 GiB) nnlearn accepts"
            )
        if head_only and nbytes > head_only:
            head = inflater.decompress(inflater.unconsumed_tail, head_only)
            if len(head) < head_only:
                raise _MatStructureError(
                    f"{where}: its miMATRIX tag announces {nbytes} bytes, but it inflates to {len(head)}"
                )
            return nbytes, head
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
    return (nbytes, matrix) if head_only else matrix


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


def _mat5_matrix_head(buf, start, end, endian, where):
    """Check and read the head of the miMATRIX ``buf[start:end]``: array flags, dimensions and name.

    Returns ``(mclass, is_complex, dims, count, name, pos)``: the array class,
    the complex flag, the dimensions, their product, the name (str) and where
    the data after the name start.
    """
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
    return mclass, is_complex, dims, count, name.decode("latin1"), pos


def _check_mat5_matrix(buf, start, end, endian, where, depth):
    """Check the contents ``buf[start:end]`` of one miMATRIX element."""
    if depth > MAT_MAX_DEPTH:
        raise _MatStructureError(
            f"{where}: cells or structs nested more than {MAT_MAX_DEPTH} levels deep"
        )
    mclass, is_complex, dims, count, name, pos = _mat5_matrix_head(buf, start, end, endian, where)
    if depth == 0:
        where = f"variable {name!r} ({where})"
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
