"""Reading the files nnlearn is given: regular files only, opened without blocking, read within bounds.

Every reader of a file nnlearn did not write itself (model files, data files,
the course's weights, Fashion-MNIST's idx files) opens it with
:func:`open_regular`: the file is opened with ``O_NONBLOCK`` (opening a FIFO
then returns at once instead of waiting for a writer), checked with ``fstat``
to be a regular file (a FIFO, ``/dev/zero``, a terminal or a socket is
refused with a message naming what it is, before a byte is read), and only
then read, in blocking mode. Symbolic links are followed: what counts is the
file they lead to.

Compressed contents are bounded by the size of the file that holds them:
:func:`inflation_budget` is the most a file of a given size may inflate to,
``max(MIN_INFLATION_BUDGET, MAX_INFLATION * size)`` bytes (16 MiB, or 32 times
the file). A zip member, ``.mat`` variable or gzip stream that declares more
is refused before it is inflated, so a small crafted file cannot make nnlearn
allocate gigabytes; uncompressed data are bounded by the file's own size.
"""

from __future__ import annotations

import errno
import os
import stat

__all__ = ["open_regular", "read_regular", "kind_of_mode", "inflation_budget", "MAX_INFLATION",
           "MIN_INFLATION_BUDGET"]

# The most a compressed file's contents may inflate to: 32 times the file (MNIST's pixels as
# float64 compress about 25-fold; the course's ex4data1.mat 2-fold), and 16 MiB whatever its size.
MAX_INFLATION = 32
MIN_INFLATION_BUDGET = 16 << 20

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISREG, "a regular file"),
)


def kind_of_mode(mode):
    """What a ``st_mode`` is, in words: ``"a regular file"``, ``"a FIFO (named pipe)"``, ``"a character device"``, ..."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "a special file"


def inflation_budget(file_size):
    """The most bytes the compressed contents of a file of ``file_size`` bytes may inflate to."""
    return max(MIN_INFLATION_BUDGET, MAX_INFLATION * int(file_size))


def open_regular(path, what="data", directory_message="Expected a file, got a directory"):
    """Open ``path`` for reading in binary mode if it is a regular file (after following symbolic links).

    The file is opened without blocking and checked with ``fstat`` before
    anything is read: a FIFO cannot make the open wait for a writer, and a
    device (``/dev/zero``, ``/dev/urandom``, a terminal) cannot be read
    forever.

    Parameters
    ----------
    path : str or os.PathLike
    what : str
        What nnlearn reads from the file, for the message ("data", "a model").
    directory_message : str
        The text of the IsADirectoryError when ``path`` is a directory.

    Returns
    -------
    file : io.BufferedReader
        Open in blocking mode; the caller closes it.

    Raises
    ------
    FileNotFoundError, PermissionError, OSError
        As ``open`` raises them.
    IsADirectoryError
        If ``path`` is a directory.
    ValueError
        If ``path`` is not a regular file:
        ``"/dev/zero is a character device, not a regular file; nnlearn reads data from regular files only."``
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, directory_message, os.fsdecode(path))
        if not stat.S_ISREG(mode):
            raise ValueError(f"{os.fsdecode(path)} is {kind_of_mode(mode)}, not a regular file; nnlearn reads "
                             f"{what} from regular files only.")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path, max_bytes, what="data", too_large=None, directory_message="Expected a file, got a directory"):
    """The whole content of the regular file ``path`` (see :func:`open_regular`), if it has at most ``max_bytes``.

    Reads the size ``fstat`` reported when the file was opened, not "until
    the end": a file that grows while it is read cannot make the read go on.
    ``too_large(size)`` gives the message of the ValueError for a larger file.
    """
    with open_regular(path, what, directory_message) as f:
        size = os.fstat(f.fileno()).st_size
        if size > max_bytes:
            raise ValueError(too_large(size) if too_large else
                             f"{os.fsdecode(path)} has {size} bytes, more than the {max_bytes} nnlearn reads.")
        contents = f.read(size)
    if len(contents) != size:
        raise ValueError(f"{os.fsdecode(path)} shrank while it was read ({len(contents)} of {size} bytes).")
    return contents
