r"""Fashion-MNIST from Debian's ``dataset-fashion-mnist``, and the idx file parser that reads it.

Fashion-MNIST (Zalando Research, MIT license) is 70,000 grayscale 28x28
images of clothing in 10 classes: 60,000 to train and 10,000 to test,
6,000 and 1,000 of each class. Debian packages the original files
(``apt-get install dataset-fashion-mnist``) under
``/usr/share/datasets/fashion-mnist/``; nothing is downloaded at run time.

The files are in the idx format of MNIST, gzip-compressed: a magic number
(two zero bytes, a type code, the number of dimensions), each dimension as a
big-endian uint32, then the values in C order. :func:`read_idx` is nnlearn's
own parser: it checks the magic number and the sizes and inflates no more
than the header declares (plus one byte, to see that nothing follows).
"""

from __future__ import annotations

import errno
import math
import os
import zlib
from pathlib import Path

import numpy as np

from .. import _validation as v
from .._files import inflation_budget, open_regular

__all__ = [
    "load_fashion_mnist",
    "read_idx",
    "fashion_mnist_files",
    "FASHION_MNIST_DIR",
    "FASHION_MNIST_CLASSES",
    "FASHION_MNIST_SIZES",
    "IDX_IMAGES",
    "IDX_LABELS",
    "MAX_IDX_BYTES",
]

FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")
# Class index k -> name, as in Zalando's README.
FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
FASHION_MNIST_SIZES = {"train": 60000, "test": 10000}
IMAGE_SHAPE = (28, 28)
_FILE_PREFIX = {"train": "train", "test": "t10k"}
INSTALL_COMMAND = "apt-get install dataset-fashion-mnist"

IDX_IMAGES = 0x00000803  # unsigned bytes, 3 dimensions: (n, rows, cols)
IDX_LABELS = 0x00000801  # unsigned bytes, 1 dimension: (n,)
# idx type code -> the values' dtype (big-endian, as the format stores them).
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
# The most data bytes an idx file may declare: Fashion-MNIST's largest holds 47,040,000.
MAX_IDX_BYTES = 1 << 30
_CHUNK = 1 << 16
_GZIP_MAGIC = b"\x1f\x8b"

_SPLIT = v.Option(("train", "test"))
_DTYPES = {"float64": np.float64, "float32": np.float32}


class FloatDtype(v.Rule):
    """``"float64"`` or ``"float32"`` (or ``np.float64``/``np.float32``): the dtype of ``X``; returns the NumPy type."""

    def text(self):
        return "'float64' or 'float32'"

    def check(self, value, name, door):
        try:
            key = np.dtype(value).name if not isinstance(value, str) else value
        except TypeError:
            raise TypeError(v.message(name, door, self.text(), v.describe(value))) from None
        if key not in _DTYPES:
            raise (ValueError if isinstance(value, str) else TypeError)(
                v.message(name, door, self.text(), v.describe(value)))
        return _DTYPES[key]


def load_fashion_mnist(split="train", path=None, dtype="float64", n_samples=None):
    """Load Fashion-MNIST's training or test images from Debian's ``dataset-fashion-mnist``.

    Parameters
    ----------
    split : {"train", "test"}, default="train"
        ``"train"``: the 60,000 training images; ``"test"``: the 10,000 test
        images. Both hold every class equally (6,000 and 1,000 of each).
    path : str or os.PathLike, optional
        A directory holding the four original files
        (``train-images-idx3-ubyte.gz``, ``train-labels-idx1-ubyte.gz``,
        ``t10k-images-idx3-ubyte.gz``, ``t10k-labels-idx1-ubyte.gz``).
        Default: :data:`FASHION_MNIST_DIR`, ``/usr/share/datasets/fashion-mnist``,
        where Debian's package puts them.
    dtype : {"float64", "float32"}, default="float64"
        The dtype of ``X``. The training images take 376 MB as float64
        (60000 x 784 x 8 bytes) and 188 MB as float32; nnlearn's kernel
        computes in float32 when ``X`` is float32.
    n_samples : int, optional
        Return only the first ``n_samples`` images of the split (the files
        are shuffled, so every class appears about equally often). The whole
        file is still read and checked. Default: all of them.

    Returns
    -------
    X : ndarray of shape (n_samples, 784), dtype float64 (or float32)
        One image per row, intensities in [0, 1] (0 is background: the file's
        byte divided by 255). Pixels are in row-major (C) order, as in the
        file: ``X[i].reshape(28, 28)`` is image ``i`` upright. (The course's
        digits, digits20 and ``ex4data1.mat``, are column-major:
        ``X[i].reshape(20, 20, order="F")``.)
    y : ndarray of shape (n_samples,), dtype int64
        The class index 0..9; :data:`FASHION_MNIST_CLASSES` names them
        (0 T-shirt/top, 1 Trouser, ..., 9 Ankle boot).

    Raises
    ------
    TypeError, ValueError
        If an argument is of the wrong type or value (one message shape,
        naming ``load_fashion_mnist``).
    FileNotFoundError
        If a file is missing; the message gives the command that installs
        them, ``apt-get install dataset-fashion-mnist`` (as root).
    ValueError
        If a file is not a valid idx file (see :func:`read_idx`), the images
        are not (n, 28, 28), the labels are not n values in 0..9, or
        ``n_samples`` exceeds the split's size.

    Examples
    --------
    >>> from nnlearn.datasets import load_fashion_mnist, FASHION_MNIST_CLASSES
    >>> X, y = load_fashion_mnist("test")  # doctest: +SKIP
    >>> X.shape, FASHION_MNIST_CLASSES[y[0]]  # doctest: +SKIP
    ((10000, 784), 'Ankle boot')
    """
    door = "load_fashion_mnist"
    split = _SPLIT.check(split, "split", door)
    path = v.PathLike(allow_none=True).check(path, "path", door)
    dtype = FloatDtype().check(dtype, "dtype", door)
    n_samples = v.Int(1, allow_none=True).check(n_samples, "n_samples", door)
    return read_fashion_mnist(split, path, dtype, n_samples)


def read_fashion_mnist(split, path, dtype, n_samples):
    """:func:`load_fashion_mnist` on checked arguments (``dtype`` a NumPy float type)."""
    images_path, labels_path = fashion_mnist_files(split, path)
    for file in (images_path, labels_path):
        if not file.is_file():
            raise FileNotFoundError(errno.ENOENT, _missing_message(split, path, file), str(file))
    images = read_idx(images_path, magic=IDX_IMAGES)  # (n, 28, 28) uint8
    labels = read_idx(labels_path, magic=IDX_LABELS)  # (n,) uint8
    if images.shape[1:] != IMAGE_SHAPE:
        raise ValueError(f"{images_path}: holds images of {images.shape[1]}x{images.shape[2]} pixels; "
                         f"Fashion-MNIST's are 28x28.")
    if labels.shape[0] != images.shape[0]:
        raise ValueError(f"{labels_path}: holds {labels.shape[0]} labels, but {images_path.name} holds "
                         f"{images.shape[0]} images; they must match.")
    if labels.size and labels.max() >= len(FASHION_MNIST_CLASSES):
        first = int(np.flatnonzero(labels >= len(FASHION_MNIST_CLASSES))[0])
        raise ValueError(f"{labels_path}: label {labels[first]} at index {first}; Fashion-MNIST's are 0..9.")
    m = images.shape[0]
    if n_samples is not None:
        if n_samples > m:
            raise ValueError(v.message("n_samples", "load_fashion_mnist",
                                       f"an int in the range [1, {m}] (the {split} split has {m} images)",
                                       n_samples))
        m = n_samples
    pixels = images[:m].reshape(m, IMAGE_SHAPE[0] * IMAGE_SHAPE[1])  # row-major, as in the file; (m, 784)
    X = pixels.astype(dtype) / dtype(255.0)  # bytes 0..255 -> [0, 1]
    y = labels[:m].astype(np.int64)  # (m,)
    return X, y


def fashion_mnist_files(split, path=None):
    """``(images, labels)``: the paths of a split's two files in ``path`` (default :data:`FASHION_MNIST_DIR`)."""
    folder = FASHION_MNIST_DIR if path is None else Path(path)
    prefix = _FILE_PREFIX[split]
    return folder / f"{prefix}-images-idx3-ubyte.gz", folder / f"{prefix}-labels-idx1-ubyte.gz"


def _missing_message(split, path, file):
    if path is None:
        return (f"Fashion-MNIST is not installed: {file} does not exist. Install Debian's package "
                f"with `{INSTALL_COMMAND}` (as root), or pass path=, a directory holding the four original files")
    return (f"No Fashion-MNIST {split} files in {path}: {file.name} does not exist. Debian's package puts them "
            f"in {FASHION_MNIST_DIR} (`{INSTALL_COMMAND}`)")


def read_idx(path, magic=None, max_bytes=MAX_IDX_BYTES):
    r"""Read an idx file (MNIST's format), gzip-compressed or not, checking its magic number and size.

    Parameters
    ----------
    path : str or os.PathLike
        The file. A file starting with gzip's magic bytes (1f 8b) is inflated
        as it is read.
    magic : int, optional
        The magic number the file must have, e.g. :data:`IDX_IMAGES`
        (0x00000803, unsigned bytes in 3 dimensions) or :data:`IDX_LABELS`
        (0x00000801). Default: any valid one.
    max_bytes : int, default=MAX_IDX_BYTES (1 GiB)
        The most data bytes the header may declare. A gzip-compressed file
        may also declare at most :func:`nnlearn._files.inflation_budget` of
        its size (32 times, 16 MiB at least; Fashion-MNIST's inflate about
        2-fold).

    Returns
    -------
    values : ndarray of the header's shape
        The data, in the file's type (uint8 for 0x08, int8 0x09, int16 0x0B,
        int32 0x0C, float32 0x0D, float64 0x0E), big-endian for the wider
        types; writable.

    Raises
    ------
    ValueError
        Naming the file: a magic number that is not an idx one (two zero
        bytes, a known type code, at least one dimension) or not ``magic``;
        a header declaring more than ``max_bytes``; data shorter than the
        header declares (truncated); data longer than it declares, or bytes
        after the gzip stream; a corrupt gzip stream (bad data or checksum,
        or cut before its trailer).

    Notes
    -----
    The layout (LeCun et al., "THE MNIST DATABASE"): bytes 0-1 are zero,
    byte 2 the type code, byte 3 the number of dimensions d; then d
    big-endian uint32 sizes; then :math:`\prod_i \text{size}_i` values in C
    order. The declared size bounds the work: the parser inflates the data
    in chunks of at most the bytes still expected, and at the end asks for
    one byte more, which must not exist. A file cannot make it inflate more
    than it declared plus one byte.
    """
    path = Path(path)
    with open_regular(path, "an idx file", "Expected an idx file, got a directory") as f:  # a FIFO: refused unread
        gzipped = f.read(2) == _GZIP_MAGIC
        reader = _GzipReader(f, path) if gzipped else _PlainReader(f)
        f.seek(0)
        head = reader.read(4)
        if len(head) < 4:
            raise ValueError(f"{path}: truncated: {len(head)} bytes, fewer than the 4-byte idx magic number.")
        found = int.from_bytes(head, "big")
        type_code, ndim = head[2], head[3]
        if head[:2] != b"\0\0" or type_code not in _IDX_TYPES or ndim == 0:
            raise ValueError(f"{path}: magic number 0x{found:08x} is not an idx one (expected 0x0000TTDD: "
                             f"type TT in {', '.join(f'{t:02x}' for t in _IDX_TYPES)} and DD >= 1 dimensions).")
        if magic is not None and found != magic:
            raise ValueError(f"{path}: magic number 0x{found:08x}, expected 0x{magic:08x} "
                             f"({_describe_magic(magic)}).")
        dims_bytes = reader.read(4 * ndim)
        if len(dims_bytes) < 4 * ndim:
            raise ValueError(f"{path}: truncated: the header declares {ndim} dimensions, "
                             f"but the file ends within their sizes.")
        shape = tuple(int.from_bytes(dims_bytes[4 * i:4 * i + 4], "big") for i in range(ndim))
        dtype = np.dtype(_IDX_TYPES[type_code])
        declared = math.prod(shape) * dtype.itemsize
        if declared > max_bytes:
            raise ValueError(f"{path}: the header declares {shape} values ({declared} bytes), more than "
                             f"the {max_bytes} bytes nnlearn reads from an idx file.")
        size = os.fstat(f.fileno()).st_size
        if gzipped and declared > inflation_budget(size):
            raise ValueError(f"{path}: the header declares {shape} values ({declared} bytes), more than the "
                             f"{inflation_budget(size)} bytes nnlearn inflates from a gzip file of {size} bytes.")
        data = reader.read(declared)
        if len(data) < declared:
            raise ValueError(f"{path}: truncated: the header declares {shape} values ({declared} bytes of data), "
                             f"but the file holds only {len(data)}.")
        if reader.read(1):
            raise ValueError(f"{path}: holds more data than its header declares ({shape} values, "
                             f"{declared} bytes).")
        reader.finish()
    return np.frombuffer(data, dtype=dtype).reshape(shape)


def _describe_magic(magic):
    type_code, ndim = (magic >> 8) & 0xFF, magic & 0xFF
    kind = np.dtype(_IDX_TYPES.get(type_code, "u1")).name
    return f"{kind} values in {ndim} dimension{'s' if ndim != 1 else ''}"


class _PlainReader:
    """An uncompressed idx file: reads return fewer bytes only at the end of the file."""

    def __init__(self, f):
        self.f = f

    def read(self, n):
        data = bytearray()
        while len(data) < n:
            chunk = self.f.read(min(n - len(data), _CHUNK))
            if not chunk:
                break
            data += chunk
        return data

    def finish(self):
        pass


class _GzipReader:
    """A gzip stream inflated on demand: ``read(n)`` inflates at most n bytes (zlib's ``max_length``)."""

    def __init__(self, f, path):
        self.f, self.path = f, path
        self.inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip header and trailer (CRC-32, size)

    def read(self, n):
        data = bytearray()
        try:
            while len(data) < n and not self.inflater.eof:
                compressed = self.inflater.unconsumed_tail or self.f.read(_CHUNK)
                # With no input left, b"" still flushes output zlib holds back for lack of room.
                chunk = self.inflater.decompress(compressed, n - len(data))
                if not chunk and not compressed:
                    break  # the file ends before the gzip stream does; finish() reports it
                data += chunk
        except zlib.error as exc:
            raise ValueError(f"{self.path}: not a valid gzip stream ({exc}).") from None
        return data

    def finish(self):
        """Refuse a stream cut before its trailer, or bytes after it (another gzip member)."""
        if not self.inflater.eof:
            raise ValueError(f"{self.path}: truncated: the gzip stream ends before its trailer.")
        if self.inflater.unused_data or self.f.read(1):
            raise ValueError(f"{self.path}: holds bytes after the end of its gzip stream.")
