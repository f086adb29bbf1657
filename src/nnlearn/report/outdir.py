"""The report's directory: made (with its parents) and probed before any work, removed again if the run fails."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def prepare_out_dir(out_dir):
    """Make ``out_dir`` (a str or os.PathLike, checked by the caller) and its parents, and check that a
    file can be written there; before any work.

    Returns ``(path, created)``: ``created`` lists the directories made here, so a
    failed run can remove them again (only if still empty).
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise NotADirectoryError(f"out_dir {str(out_dir)!r} exists and is not a directory; give a directory for index.html.")
    if (out_dir / "index.html").is_dir():
        raise IsADirectoryError(f"{str(out_dir / 'index.html')!r} is a directory; the report cannot be written there.")
    created = []
    for parent in reversed([out_dir, *out_dir.parents]):
        if not parent.exists():
            created.append(parent)
    out_dir.mkdir(parents=True, exist_ok=True)
    fd, probe = tempfile.mkstemp(prefix=".index.html.", suffix=".probe", dir=out_dir)
    os.close(fd)
    os.unlink(probe)
    return out_dir, created


def remove_empty(created):
    for directory in reversed(created):
        try:
            directory.rmdir()
        except OSError:
            break
