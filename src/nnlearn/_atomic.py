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

What a target is decides how it is written (:func:`check_target`, which the
command line runs on every output flag before any work):

* no file yet, or a regular file: replaced atomically as above. A regular
  file that is read-only (no write permission) is refused, not replaced.
* a symbolic link to a regular file: the file it leads to is replaced
  atomically, and the link stays. A link to nothing (dangling) is refused, as
  ``cp`` refuses to write through one.
* this process's standard output or error (``/dev/stdout``,
  ``/proc/self/fd/1``, or the file stdout is redirected to): written through
  that stream, after what was printed before.
* a character device (``/dev/null``, a terminal) or a FIFO: written through,
  not atomically (there is no file to rename); writing to a FIFO waits for a
  reader, as ``cp`` does.
* a directory, a block device, a socket: refused.

Before anything is written, the directory is tried with a temporary file of
the same name pattern (created and removed at once): an unwritable or
read-only directory fails the check, not the write after the work. The
temporary name is shortened when the target's name is so long that the
suffix would exceed the file system's limit.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple, Optional

from . import _validation as v
from ._files import kind_of_mode

__all__ = ["write_atomically", "write_text", "fsync_directory", "check_target", "Target"]

_TMP_SUFFIX = ".tmp-XXXXXXXX"  # mkstemp's suffix: 8 random characters


class Target(NamedTuple):
    """Where :func:`write_atomically` writes: see :func:`check_target`.

    ``path`` is the file written (the one a symbolic link leads to);
    ``kind`` is ``"file"`` (replaced atomically) or ``"stream"`` (written
    through); ``fd`` is 1 or 2 when the stream is this process's stdout or
    stderr, else None.
    """

    path: Path
    kind: str
    fd: Optional[int] = None


def _refusal(cls, code, reason, path, message=None, filename=None):
    """An exception for an unwritable target; ``.reason`` says why in words (the CLI shows it after the path).

    An OSError gets ``message`` (default ``reason``) as its strerror and ``filename`` (default ``path``).
    """
    if issubclass(cls, OSError):
        exc = cls(code, message or reason, str(filename if filename is not None else path))
    else:
        exc = cls(f"{path}: {reason}")
    exc.reason = reason
    return exc


def _same_file_as_stream(st):
    """1 or 2 if ``st`` (an os.stat result) is the file open as this process's stdout or stderr, else None."""
    for fd in (1, 2):
        try:
            other = os.fstat(fd)
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino):
            return fd
    return None


def _name_max(directory):
    try:
        return os.pathconf(directory, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):  # pragma: no cover - no pathconf
        return 255


def _temp_prefix(name, directory):
    """``.<name>.tmp-``, with ``name`` shortened so the whole temporary name fits the file system's limit."""
    room = _name_max(directory) - len(os.fsencode(f"..{_TMP_SUFFIX}"))
    while len(os.fsencode(name)) > room and name:
        name = name[:-1]
    return f".{name}.tmp-"


def check_target(path, probe=True, door="check_target"):
    """Check that ``path`` can be written, without writing it; say where and how it would be written.

    Parameters
    ----------
    path : str or os.PathLike
    probe : bool, default=True
        For a target replaced atomically, create and remove a temporary file
        in its directory, so that an unwritable directory fails here.
    door : str
        The caller, named in the TypeError for a ``path`` of another type.

    Returns
    -------
    Target
        See the module docstring for the kinds of target.

    Raises
    ------
    TypeError
        If ``path`` is not a str or os.PathLike.
    FileNotFoundError
        If the directory does not exist.
    NotADirectoryError
        If a parent of ``path`` is not a directory.
    IsADirectoryError
        If ``path`` is a directory.
    PermissionError
        If ``path`` is a read-only file, or its directory is not writable.
    OSError
        If the temporary file cannot be created for another reason (a
        read-only file system, a name too long).
    ValueError
        If ``path`` is a dangling symbolic link, a block device or a socket.

    Every exception has a ``reason`` attribute: what is wrong, in words.
    """
    path = Path(v.PathLike().check(path, "path", door))
    try:
        link = stat.S_ISLNK(os.lstat(path).st_mode)
    except FileNotFoundError:
        link = False
    except NotADirectoryError:
        raise _refusal(NotADirectoryError, errno.ENOTDIR, f"{_first_non_directory(path)} is not a directory",
                       path) from None
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            raise
        raise _refusal(OSError, errno.ENAMETOOLONG, f"the file name is too long for the file system "
                       f"({len(os.fsencode(path.name))} bytes)", path) from None
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if link:
            raise _refusal(ValueError, errno.ENOENT, f"a symbolic link to {os.path.realpath(path)}, which does not "
                           "exist; nnlearn does not write through a dangling link", path) from None
        st = None
    if st is None:  # a new file
        directory = path.parent
        if not directory.exists():
            raise _refusal(FileNotFoundError, errno.ENOENT, f"directory {directory} does not exist", path,
                           "Directory to save into does not exist", directory)
        if not directory.is_dir():
            raise _refusal(NotADirectoryError, errno.ENOTDIR, f"{directory} is not a directory", path)
        target = Target(path, "file")
    elif stat.S_ISDIR(st.st_mode):
        raise _refusal(IsADirectoryError, errno.EISDIR, "which is a directory", path, "Is a directory, not a file")
    elif _same_file_as_stream(st) is not None:
        return Target(path, "stream", _same_file_as_stream(st))
    elif stat.S_ISREG(st.st_mode):
        resolved = Path(os.path.realpath(path)) if link else path
        if not os.access(resolved, os.W_OK) or not st.st_mode & 0o222:
            raise _refusal(PermissionError, errno.EACCES, f"a read-only file (mode {stat.S_IMODE(st.st_mode):04o}); "
                           "nnlearn does not replace a file that is not writable", path)
        target = Target(resolved, "file")
    elif stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        return Target(path, "stream")
    else:
        raise _refusal(ValueError, errno.EINVAL, f"{kind_of_mode(st.st_mode)}; nnlearn writes regular files, "
                       "character devices (such as /dev/null) and FIFOs only", path)
    if probe:
        _probe_directory(target.path)
    return target


def _first_non_directory(path):
    for parent in reversed(path.parents):
        if parent.exists() and not parent.is_dir():
            return parent
    return path.parent


def _probe_directory(path):
    """Create and remove a temporary file beside ``path``, as the write will: fail now rather than after the work."""
    directory = path.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path.name, directory), dir=directory)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            reason = f"the directory {directory} is not writable"
        elif exc.errno == errno.EROFS:
            reason = f"the directory {directory} is on a read-only file system"
        elif exc.errno == errno.ENAMETOOLONG:
            reason = f"the file name is too long for the file system ({len(os.fsencode(path.name))} bytes)"
        else:
            reason = f"a file cannot be created in {directory} ({exc.strerror or exc})"
        raise _refusal(type(exc), exc.errno, reason, path) from None
    os.close(fd)
    os.unlink(tmp)


def write_atomically(path, write, mode=0o644):
    """Write a file through a temporary file and an atomic rename (or through a stream: see :func:`check_target`).

    ``write(f)`` receives a binary file object open on ``.<name>.tmp-XXXXXXXX``
    in the directory of ``path``. When it returns, the data are flushed and
    fsync'ed, the file gets permission bits ``mode`` (an existing file's bits
    are kept) and is renamed over ``path`` with :func:`os.replace`. On any
    exception (including KeyboardInterrupt) the temporary file is removed,
    ``path`` is left as it was, and the exception propagates.

    A symbolic link to a regular file is kept: the file it leads to is
    replaced. For a target written through (this process's stdout or stderr,
    a character device, a FIFO), ``write(f)`` writes to memory and the bytes
    are then written to the target in one go.

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
    TypeError, FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError, OSError, ValueError
        As :func:`check_target`: the directory does not exist, ``path`` is a
        directory, a read-only file, a dangling link, a block device or a
        socket, or the directory is not writable.
    """
    target = check_target(path, probe=False, door="write_atomically")
    if target.kind == "stream":
        _write_through(target, write)
        return
    path = target.path
    directory = path.parent
    if path.exists():
        mode = path.stat().st_mode & 0o777
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path.name, directory), dir=directory)
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


def _write_through(target, write):
    """Write the content to a stream target: this process's stdout/stderr, a character device or a FIFO."""
    buffer = io.BytesIO()  # some writers (np.savez, savemat) seek; a pipe cannot
    write(buffer)
    data = memoryview(buffer.getvalue())
    if target.fd is not None:
        stream = sys.stdout if target.fd == 1 else sys.stderr
        if stream is not None:
            stream.flush()  # what was printed before comes first
        fd, close = target.fd, False
    else:
        # Blocking: a FIFO waits for its reader, as cp does (Ctrl-C interrupts the wait).
        fd, close = os.open(target.path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0)), True
    try:
        while data:
            data = data[os.write(fd, data):]
    finally:
        if close:
            os.close(fd)


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
