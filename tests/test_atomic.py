"""Tests for nnlearn._atomic: the one writer of whole files."""

import os
import stat

import pytest

from nnlearn import _atomic


def test_new_file_gets_0644_and_existing_file_keeps_its_bits(tmp_path):
    path = tmp_path / "out.bin"
    _atomic.write_atomically(path, lambda f: f.write(b"one"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    path.chmod(0o600)
    _atomic.write_atomically(path, lambda f: f.write(b"two"))
    assert path.read_bytes() == b"two"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()])
def test_failure_leaves_old_file_and_no_temp_file(tmp_path, error):
    path = tmp_path / "out.bin"
    path.write_bytes(b"old")

    def write(f):
        f.write(b"partial")
        raise error

    with pytest.raises(type(error)):
        _atomic.write_atomically(path, write)
    assert path.read_bytes() == b"old"
    assert sorted(os.listdir(tmp_path)) == ["out.bin"]


def test_write_text_encodes_utf8(tmp_path):
    path = tmp_path / "page.html"
    _atomic.write_text(path, "λ = 1")
    assert path.read_bytes() == "λ = 1".encode("utf-8")


@pytest.mark.parametrize(
    "where, error, match",
    [
        (lambda d: 3, TypeError, r"The 'path' parameter of write_atomically must be a str or os.PathLike. Got 3 instead"),
        (lambda d: d / "missing" / "out.bin", FileNotFoundError, r"Directory to save into does not exist"),
        (lambda d: d, IsADirectoryError, r"Is a directory, not a file"),
    ],
)
def test_bad_paths(tmp_path, where, error, match):
    with pytest.raises(error, match=match):
        _atomic.write_atomically(where(tmp_path), lambda f: f.write(b"x"))


def test_fsync_directory_accepts_a_directory(tmp_path):
    _atomic.fsync_directory(tmp_path)
