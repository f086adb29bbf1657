"""Atomic file writes: a temporary file in the target's directory, fsync, then a rename.

Every file nnlearn writes whole (model files, the course's weight files, the
report's page, CSV predictions, sweep plots) goes through
:func:`write_atomically`, so readers see the old file or the new one, never a
mixture. The data go to ``.<name>.tmp-XXXXXXXX`` next to the target, are
flushed and fsync'ed, and the file is renamed over the target with
:func:`os.replace`; then the directory is fsync'ed so the rename survives a
crash. If writing fails or is interrupted (an exception, Ctrl-C), the
temporary file is removed and an existing file at the target is untouched. A
process that is killed outright (SIGKILL, power loss) cannot clean up: its
``.<name>.tmp-*`` file stays behind, is never read by nnlearn, and can be
deleted.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from . import _validation as v

__all__ = ["write_atomically", "write_text", "fsync_directory"]


def write_atomically(path, write, mode=0o644):
    """Write a file through a temporary file and an atomic rename.

    ``write(f)`` receives a binary file object open on ``.<name>.tmp-XXXXXXXX``
    in the directory of ``path``. When it returns, the data are flushed and
    fsync'ed, the file gets permission bits ``mode`` (an existing file's bits
    are kept) and is renamed over ``path`` with :func:`os.replace`. On any
    exception (including KeyboardInterrupt) the temporary file is removed,
    ``path`` is left as it was, and the exception propagates.

    Parameters
    ----------
    path : str or os.PathLike
        The file to create or replace; its directory must exist.
    write : callable
        ``write(f)`` writes the whole content to the binary file ``f``.
    mode : int, default=0o644
        Permission bits of a new file.

    Raises
    ------
    TypeError
        If ``path`` is not a str or os.PathLike.
    FileNotFoundError
        If the directory of ``path`` does not exist.
    IsADirectoryError
        If ``path`` is a directory.
    """
    path = Path(v.PathLike().check(path, "path", "write_atomically"))
    directory = path.parent
    if not directory.is_dir():
        raise FileNotFoundError(errno.ENOENT, "Directory to save into does not exist", str(directory))
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "Is a directory, not a file", str(path))
    if path.exists():
        mode = path.stat().st_mode & 0o777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=directory)
    try:
        # A plain binary file (scipy's savemat refuses NamedTemporaryFile's wrapper) whose .name is the temporary path.
        with open(tmp, "wb", opener=lambda _path, _flags: fd) as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_directory(directory)


def write_text(path, text, encoding="utf-8"):
    """Write the str ``text`` to ``path`` atomically, encoded as ``encoding`` (see :func:`write_atomically`)."""
    data = text.encode(encoding)
    write_atomically(path, lambda f: f.write(data))


def fsync_directory(directory):
    """Make a rename or a new entry in ``directory`` durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
