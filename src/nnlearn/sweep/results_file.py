"""The JSON-lines results file of a sweep: one writer, whole lines, torn tails set aside.

The format is described in :mod:`nnlearn.sweep`. :class:`ResultsFile` is the
writer's side: an exclusive ``flock`` (where the file system has locks), one
``write`` plus ``fsync`` per line, and on opening a last line without its
newline is either completed (a whole record) or moved to ``<name>.torn`` (a
torn write). :func:`load_results` is the reader's side.
"""

from __future__ import annotations

import json
import math
import os
import stat
import warnings
from pathlib import Path

from .._atomic import fsync_directory
from .._files import kind_of_mode, read_regular

try:  # POSIX: one writer per results file
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

__all__ = ["ResultsFile", "load_results", "from_json"]

_METRICS = ("train_accuracy", "test_accuracy", "train_r2", "test_r2", "train_rmse", "test_rmse", "final_cost")
_REQUIRED_FIELDS = ("id", "final_cost", "seconds")
_TRAIN_SCORE = {"classification": "train_accuracy", "regression": "train_r2"}  # by the record's task
MAX_RESULTS_BYTES = 1 << 30  # a results file nnlearn reads back (about two million runs)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# The fields a sweep reads back and prints: name -> (test, what it must be). Others are kept as they are.
_FIELD_TYPES = {
    "id": (lambda x: isinstance(x, str), "a str"),
    **{metric: (lambda x: x is None or _is_number(x), "a number or null") for metric in _METRICS},
    "seconds": (_is_number, "a number"),
    "n_iter": (lambda x: x is None or isinstance(x, int) and not isinstance(x, bool), "an int or null"),
    "error": (lambda x: x is None or isinstance(x, str), "a str or null"),
    "weights": (lambda x: x is None or isinstance(x, str), "a str or null"),
}


def _no_constant(name):
    raise ValueError(f"it holds {name}, which a results file never holds")


def _parse_line(line, where):
    try:
        record = json.loads(line, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError(f"{where} is not a JSON record (nested too deeply).") from None
    except ValueError as err:
        raise ValueError(f"{where} is not a JSON record ({err}).") from None
    required = _REQUIRED_FIELDS
    if isinstance(record, dict):  # records without a task are classification runs (written before regression)
        required = (required[0], _TRAIN_SCORE.get(record.get("task"), "train_accuracy"), *required[1:])
    if not isinstance(record, dict) or any(key not in record for key in required):
        missing = [k for k in required if not isinstance(record, dict) or k not in record]
        raise ValueError(f"{where} is not a sweep record: it lacks {missing}.")
    for key, (test, expected) in _FIELD_TYPES.items():
        if key in record and not test(record[key]):
            raise ValueError(f"{where} is not a sweep record: {key!r} is {str(record[key])[:60]!r}, expected "
                             f"{expected}.")
        if _is_number(record.get(key)) and not math.isfinite(record[key]):
            raise ValueError(f"{where} is not a sweep record: {key!r} is {record[key]}, not a finite number.")
    return record


def from_json(record):
    """The in-memory form of a stored record: null metrics become NaN."""
    for key in _METRICS:
        if key in record and record[key] is None:
            record[key] = float("nan")
    return record


def load_results(path):
    """Read a sweep's results file.

    Parameters
    ----------
    path : str or path-like
        A JSON-lines file written by :func:`run`.

    Returns
    -------
    records : list of dict
        One per line, in file order; ``null`` metrics are NaN. A last line
        without its newline (a torn write by another program) is left out
        with a warning.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If a complete line is not a sweep record (the message gives its line number).
    """
    data = read_regular(path, MAX_RESULTS_BYTES, "sweep results", directory_message="Expected a results file, "
                        "got a directory")  # a FIFO or a device is refused unread
    records, torn = _parse_content(data, Path(path))
    if torn.strip():
        warnings.warn(f"{path} ends with a torn line of {len(torn)} bytes (no newline); it was left out.", UserWarning, stacklevel=2)
    return [from_json(r) for r in records]


def _parse_content(data, path):
    """``(records, torn_tail_bytes)`` of a results file's bytes."""
    body, newline, tail = data.rpartition(b"\n")
    if not newline:
        body, tail = b"", data
    records = []
    for number, raw in enumerate(body.split(b"\n") if body or newline else [], start=1):
        if not raw.strip():
            continue
        records.append(_parse_line(raw.decode("utf-8", errors="replace"), f"{path} line {number}"))
    return records, tail


class ResultsFile:
    """The append-only JSON-lines file of one sweep, locked against a second writer."""

    def __init__(self, path, resume):
        self.path = Path(path)
        if self.path.is_dir():
            raise IsADirectoryError(f"results_path {str(self.path)!r} is a directory; give a file such as results.jsonl.")
        if not self.path.parent.is_dir():
            raise FileNotFoundError(f"the directory of results_path {str(self.path)!r} does not exist.")
        if not resume and self.path.exists() and self.path.stat().st_size > 0:
            raise FileExistsError(
                f"{self.path} already holds sweep results; pass resume=True (nnlearn sweep --resume) to continue it, "
                "or choose another file."
            )
        if self.path.is_symlink() and not self.path.exists():
            raise ValueError(f"results_path {str(self.path)!r} is a symbolic link to {os.path.realpath(self.path)}, "
                             "which does not exist; nnlearn does not write through a dangling link.")
        created = not self.path.exists()
        # Without blocking: a FIFO cannot hold the open; it is refused just below.
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_NONBLOCK", 0), 0o644)
        try:
            mode = os.fstat(self.fd).st_mode
            if not stat.S_ISREG(mode):
                raise ValueError(f"results_path {str(self.path)!r} is {kind_of_mode(mode)}, not a regular file; the "
                                 "results of a sweep go to a regular file (resume reads them back).")
            if hasattr(os, "set_blocking"):
                os.set_blocking(self.fd, True)
            if fcntl is not None:
                try:
                    fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise BlockingIOError(
                        f"another sweep is writing {self.path}; wait for it or use another file."
                    ) from None
                except OSError:  # a file system without locks: go on unlocked
                    pass
            if created:
                fsync_directory(self.path.parent)
            self.records = self._read()
        except BaseException:
            os.close(self.fd)
            raise

    def _read(self):
        size = os.fstat(self.fd).st_size
        if size > MAX_RESULTS_BYTES:
            raise ValueError(f"{self.path} has {size} bytes, more than the {MAX_RESULTS_BYTES} nnlearn reads back "
                             "from a results file; continue the sweep in a new file.")
        data = os.pread(self.fd, size, 0) if size else b""
        records, tail = _parse_content(data, self.path)
        if tail.strip():
            try:
                record = _parse_line(tail.decode("utf-8", errors="replace"), "the last line")
            except ValueError:
                record = None
            if record is not None:  # a whole record that only lacks its newline: keep it
                self._write(b"\n")
                records.append(record)
            else:  # a torn write: set it aside, never append after it
                torn_path = self.path.with_name(self.path.name + ".torn")
                with open(torn_path, "ab") as f:
                    f.write(tail + b"\n")
                    f.flush()
                    os.fsync(f.fileno())
                os.ftruncate(self.fd, size - len(tail))
                os.fsync(self.fd)
                warnings.warn(
                    f"{self.path} ended with a torn line of {len(tail)} bytes (not a complete record); "
                    f"it was moved to {torn_path} and its run, if it is in the grid, runs again.",
                    UserWarning,
                    stacklevel=4,  # _read, __init__, run, the caller of run
                )
        elif tail:  # whitespace without a newline
            os.ftruncate(self.fd, size - len(tail))
        return records

    def _write(self, data):
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]
        os.fsync(self.fd)

    def append(self, line):
        """Append one complete line (``line`` holds no newline) and make it durable."""
        self._write(line.encode("utf-8") + b"\n")

    def close(self):
        os.close(self.fd)
