"""Issue 14, class 3: no small file and no argument can make nnlearn allocate gigabytes or run for an hour.

Every crafted file below is under 5 MB and built in tmp_path (tests/crafted.py).
Each is read in a fresh process by the door a user reaches (load_model,
read_header, load_ex4, datasets.load as --data does, read_idx), measuring
the peak of Python's and NumPy's allocations (tracemalloc), the growth of the
process's resident memory (ru_maxrss) and the time; the bound is 200 MB and
2 s, whether the file is refused (most are) or read (a valid model with an
unneeded 1 GiB member, a .mat with unneeded 512 MiB variables).
"""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import scipy.io

import nnlearn
from nnlearn import Network, _validation as v
from nnlearn.cli import main
from nnlearn.datasets import make_circles, make_gaussians, make_spirals

from crafted import (MAT_HEADER, array_member, gzip_of, header_member, mat_variable, npy_header, zip_file)
from crafted import good_model_members as _good_model_members
from crafted import model_header as _model_header
from crafted import thetas as _thetas

MB = 1 << 20
MEMORY_BOUND = 200 * MB
TIME_BOUND = 2.0
FILE_BOUND = 5 * MB


# Each case: file name -> (bytes maker, door, expected outcome: "ok" or a pattern of the ValueError).
def _model_cases():
    big = (5000, 5000, 1)  # 25 million parameters: valid sizes, 200 MB of theta_0
    return {
        "model_extra_member_1GiB.npz": (
            lambda: zip_file([*_good_model_members(), ("junk.npy", npy_header((2**27,)), 2**30, 8)]),
            "load_model", "ok"),
        "model_extra_member_1GiB_header.npz": (
            lambda: zip_file([*_good_model_members(), ("junk.npy", npy_header((2**27,)), 2**30, 8)]),
            "read_header", "ok"),
        "model_theta_inflates_200MB.npz": (
            lambda: zip_file([header_member(_model_header(big, hyperparameters={"hidden_layer_sizes": [5000]},
                                                          n_features_in=5000)),
                              ("theta_0.npy", npy_header((5000, 5001)), 5000 * 5001 * 8, 8),
                              ("theta_1.npy", npy_header((1, 5001)), 5001 * 8, 8),
                              array_member("loss_curve", np.zeros(4))]),
            "load_model", r"theta_0\.npy inflates to 200040128 bytes from \d+; nnlearn inflates at most 16777216 bytes"),
        "model_loss_curve_inflates_800MB.npz": (
            lambda: zip_file([header_member(_model_header(training={"n_iter": None})), *_thetas(),
                              ("loss_curve.npy", npy_header((10**8,)), 8 * 10**8, 8)]),
            "load_model", r"loss_curve\.npy inflates to 800000128 bytes"),
        "model_class_dtype_U100000000.npz": (
            lambda: zip_file([header_member(_model_header(classes={"dtype": "<U100000000", "values": ["a", "b"]})),
                              *_thetas(), array_member("loss_curve", np.zeros(4))]),
            "load_model", r"'classes' declare 2 labels of dtype <U100000000 \(800000000 bytes\), more than the 67108864"),
        "model_header_64MiB.npz": (
            lambda: zip_file([("header.npy", npy_header((64 * MB,), "|u1") + b'{"format": "nnlearn-model"}',
                               64 * MB - 27, 8), *_thetas()]),
            "read_header", r"its 'header' has 67108864 bytes, more than the 4194304 of a model's JSON header"),
        "model_member_bzip2.npz": (
            lambda: zip_file([*_good_model_members()[:-1], ("loss_curve.npy", npy_header((4,)), 32, 12)]),
            "load_model", r"loss_curve\.npy is compressed with zip method 12; nnlearn reads stored or deflated"),
        "model_20000_members.npz": (
            lambda: zip_file([*_good_model_members(), *[(f"m{i}.npy", b"", 0, 0) for i in range(20000)]]),
            "load_model", r"it holds 20004 arrays, more than the 1000 nnlearn reads"),
        "model_1000_members_of_1KiB_headers.npz": (  # the most members, each header the longest parsed
            lambda: zip_file([*_good_model_members(), *[(f"m{i}.npy", npy_header((1,) * 300), 8, 8)
                                                        for i in range(996)]]),
            "load_model", "ok"),
        "model_npy_header_4KiB.npz": (
            lambda: zip_file([*_good_model_members(), ("m.npy", npy_header((1,) * 1400), 8, 8)]),
            "read_header", r"m\.npy has no valid \.npy header: ValueError: Header info length \(\d+\) is large"),
        "model_header_1.4M_lists.npz": (
            lambda: zip_file([header_member(_json_padded(lambda room: ",".join(["[]"] * (room // 3)))), *_thetas(),
                              array_member("loss_curve", np.zeros(4))]),
            "load_model", r"its 'header' holds 139\d{4} JSON arrays and objects, more than the 100000"),
        "model_header_4MiB_of_strings.npz": (  # accepted: the most Python objects a header can make
            lambda: zip_file([header_member(_json_padded(lambda room: ",".join(
                ["[]"] * 99000 + ['"ab"'] * ((room - 3 * 99000) // 5)))), *_thetas(),
                array_member("loss_curve", np.zeros(4))]),
            "load_model", "ok"),
        "model_declares_1e12_values.npz": (
            lambda: zip_file([header_member(_model_header()), ("theta_0.npy", npy_header((10**6, 10**6)), 0, 0),
                              *_thetas()[1:], array_member("loss_curve", np.zeros(4))]),
            "load_model", r"theta_0\.npy declares 8000000000000 bytes of data for shape \(1000000, 1000000\), but holds 0"),
        "model_layer_of_1e12_units.npz": (
            lambda: zip_file([header_member(_model_header((2, 10**12, 1), hyperparameters={})), *_thetas(),
                              array_member("loss_curve", np.zeros(4))]),
            "load_model", r"with at most 50000000 parameters\. Got \[2, 1000000000000, 1\] instead"),
        "model_labels_4GB.npz": (
            lambda: zip_file([header_member(_model_header(classes={"dtype": "<U1000", "values": ["a"] * 10**5})),
                              *_thetas(), array_member("loss_curve", np.zeros(4))]),
            "load_model", r"'classes' declare 100000 labels of dtype <U1000 \(400000000 bytes\)"),
    }


def _json_padded(junk):
    """A valid header of (nearly) 4 MiB: an unknown field ``junk`` holding ``junk(room)``, the room left."""
    base = _model_header()[:-1] + ', "junk": ['
    room = (4 << 20) - len(base) - 2
    return base + junk(room) + "]}"


def _tiny_mat_variables(n):
    """``n`` uncompressed 0 x 0 double matrices named v: 56 bytes each, the least a variable takes."""
    import struct

    flags = struct.pack("<IIII", 6, 8, 6, 0)
    dims = struct.pack("<IIii", 5, 8, 0, 0)
    name = struct.pack("<II", 1, 1) + b"v" + bytes(7)
    real = struct.pack("<II", 9, 0)
    inner = flags + dims + name + real
    return (struct.pack("<II", 14, len(inner)) + inner) * n


def _cell_of_empty_cells(name, n):
    """An uncompressed cell array of ``n`` empty elements: 8 bytes each."""
    import struct

    flags = struct.pack("<IIII", 6, 8, 1, 0)  # mxCELL_CLASS
    dims = struct.pack("<IIii", 5, 8, 1, n)
    label = struct.pack("<II", 1, len(name)) + name.encode() + bytes(-len(name) % 8)
    inner = flags + dims + label + struct.pack("<II", 14, 0) * n
    return struct.pack("<II", 14, len(inner)) + inner


def _mat_cases():
    X = np.zeros((5, 400))
    y = np.arange(1, 6).reshape(-1, 1)
    good = mat_variable("X", X) + mat_variable("y", y)
    junk = b"".join(mat_variable(f"junk{k}", dims=(8192, 8192)) for k in range(8))  # 8 x 512 MiB
    return {
        "mat_8_variables_of_512MiB.mat": (lambda: MAT_HEADER + junk[: len(junk) // 2] + good + junk[len(junk) // 2:],
                                          "load_ex4", "ok"),
        "mat_8_variables_of_512MiB_data.mat": (lambda: MAT_HEADER + good + junk, "load", "ok"),
        "mat_X_inflates_512MiB.mat": (lambda: MAT_HEADER + mat_variable("X", dims=(167772, 400)) + mat_variable("y", y),
                                      "load_ex4", r"variable 'X' \(compressed element at byte 128\): it would inflate "
                                                  r"to \d+ bytes from \d+; nnlearn inflates at most 16777216 bytes"),
        "mat_all_variables.mat": (lambda: MAT_HEADER + good + junk, "read_mat",
                                  r"variable 'junk0' .* it would inflate to 536870968 bytes"),
        "mat_47000_compressed_variables.mat": (  # each skipped after inflating its first 256 bytes
            lambda: MAT_HEADER + mat_variable("v", dims=(4096, 1)) * 47000 + good, "load_ex4", "ok"),
        "mat_80000_tiny_variables.mat": (lambda: MAT_HEADER + _tiny_mat_variables(80000) + good, "load_ex4", "ok"),
        "mat_X_a_cell_of_600000_empty_cells.mat": (
            lambda: MAT_HEADER + _cell_of_empty_cells("X", 600000) + mat_variable("y", y), "load_ex4",
            r"variable 'X' \(element at byte 128\): it is a cell array \(class 1\); nnlearn reads X as a numeric"),
    }


def _npz_data_cases():
    y = npy_header((10,), "<i8") + np.arange(10).astype("<i8").tobytes()
    return {
        "npz_X_inflates_400MB.npz": (lambda: zip_file([("X.npy", npy_header((10**7, 5)), 4 * 10**8, 8), ("y.npy", y, 0, 0)]),
                                     "load", r"its arrays X and y would inflate to 400000128 bytes; nnlearn inflates at "
                                             r"most 16777216 bytes"),
        "npz_X_bzip2.npz": (lambda: zip_file([("X.npy", npy_header((10, 5)), 400, 12), ("y.npy", y, 0, 0)]),
                            "load", r"the array X is compressed with zip method 12"),
        "npz_X_declares_50M_holds_0.npz": (lambda: zip_file([("X.npy", npy_header((10**7, 5)), 0, 0), ("y.npy", y, 0, 0)]),
                                           "load", r"the array X cannot be read: its header declares 400000000 bytes"),
        "npz_extra_member_1GiB.npz": (lambda: zip_file([("X.npy", npy_header((10, 5)), 400, 0), ("y.npy", y, 0, 0),
                                                        ("junk.npy", npy_header((2**27,)), 2**30, 8)]), "load", "ok"),
        "npz_50000_members.npz": (lambda: zip_file([("X.npy", npy_header((10, 5)), 400, 0), ("y.npy", y, 0, 0),
                                                     *[(f"j{i}.npy", b"", 0, 0) for i in range(50000)]]), "load", "ok"),
        "csv_5MB_of_fields.csv": (lambda: b"".join(b"0," * 999 + b"%d\n" % (i % 2) for i in range(2500)), "load",
                                  "ok"),
        "idx_gzip_declares_1GiB.gz": (lambda: gzip_of(b"\x00\x00\x08\x01" + (2**30).to_bytes(4, "big"), 2**30),
                                      "read_idx", r"more than the \d+ bytes nnlearn inflates from a gzip file of \d+ bytes"),
    }


ALL_CASES = {**_model_cases(), **_mat_cases(), **_npz_data_cases()}

# One fresh process per file: warm the door up on a small valid file of the same kind (so that imports
# and first-use allocations are not counted), then measure the crafted file.
_MEASURE = textwrap.dedent("""
    import json, resource, sys, time, tracemalloc, warnings
    from pathlib import Path
    import nnlearn, nnlearn.model_io
    from nnlearn import datasets
    from nnlearn.datasets import mat5

    door, path, warm = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    calls = {
        "load_model": nnlearn.model_io.load_model,
        "read_header": nnlearn.model_io.read_header,
        "load_ex4": datasets.load_ex4,
        "load": datasets.load,
        "read_mat": mat5.read_mat,
        "read_idx": datasets.read_idx,
    }
    call = calls[door]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            call(warm)
        except ValueError:
            pass
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        def run():
            try:
                call(path)
                return "ok"
            except ValueError as exc:
                return "ValueError: " + str(exc)

        start = time.perf_counter()
        outcome = run()  # timed without tracemalloc, which slows allocations down several times
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        assert run() == outcome
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    print(json.dumps({"outcome": outcome, "seconds": seconds, "peak": peak, "rss_growth": (after - before) * 1024}))
""")


def _warm_file(directory, door, name):
    """A small valid file for ``door`` (read_idx, read_mat and load of a .mat accept it too)."""
    if name.endswith(".gz"):
        path = directory / "warm.gz"
        path.write_bytes(gzip_of(b"\x00\x00\x08\x01\x00\x00\x00\x04", 4))
    elif name.endswith(".mat"):
        path = directory / "warm.mat"
        scipy.io.savemat(path, {"X": np.zeros((5, 400)), "y": np.arange(1, 6).reshape(-1, 1)})
    elif name.endswith(".csv"):
        path = directory / "warm.csv"
        path.write_text("1,0\n2,1\n3,0\n")
    elif name.startswith("npz"):
        path = directory / "warm.npz"
        np.savez(path, X=np.zeros((4, 2)), y=np.array([0, 1, 0, 1]))
    else:
        path = directory / "warm_model.npz"
        path.write_bytes(zip_file(_good_model_members()))
    return path


def measure(path, door, warm):
    done = subprocess.run([sys.executable, "-c", _MEASURE, door, str(path), str(warm)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.skipif(sys.platform == "win32", reason="resource.getrusage")
@pytest.mark.parametrize("name", sorted(ALL_CASES))
def test_a_crafted_file_under_5MB_costs_under_200MB_and_2s(tmp_path, name):
    make, door, expected = ALL_CASES[name]
    path = tmp_path / name
    path.write_bytes(make())
    assert path.stat().st_size < FILE_BOUND
    result = measure(path, door, _warm_file(tmp_path, door, name))
    if expected == "ok":
        assert result["outcome"] == "ok", result["outcome"]
    else:
        assert result["outcome"].startswith("ValueError: "), result["outcome"]
        assert str(path) in result["outcome"]
        assert __import__("re").search(expected, result["outcome"]), result["outcome"]
    assert result["peak"] < MEMORY_BOUND, result
    assert result["rss_growth"] < MEMORY_BOUND, result
    assert result["seconds"] < TIME_BOUND, result


def test_unneeded_members_and_variables_are_not_read(tmp_path):
    """The 1 GiB member and the 512 MiB variables load fine and give the valid parts."""
    model = tmp_path / "model.npz"
    model.write_bytes(zip_file([*_good_model_members(), ("junk.npy", npy_header((2**27,)), 2**30, 8)]))
    clf = nnlearn.load_model(model)
    assert clf.n_iter_ == 3 and clf.classes_.tolist() == [0, 1]
    mat = tmp_path / "data.mat"
    mat.write_bytes(MAT_HEADER + mat_variable("junk", dims=(8192, 8192)) + mat_variable("X", np.ones((5, 400)))
                    + mat_variable("y", np.arange(1, 6).reshape(-1, 1)))
    X, y = nnlearn.datasets.load_ex4(mat)
    assert X.shape == (5, 400) and y.tolist() == [1, 2, 3, 4, 5]
    with pytest.raises(ValueError, match=r"has no 'Theta1', 'Theta2': found keys \['X', 'junk', 'y'\]"):
        nnlearn.datasets.load_ex4_weights(mat)


# -- files that are not regular files ------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="/dev/zero")
@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".npz", ".mat"])
def test_data_linked_to_dev_zero_is_refused_unread(tmp_path, suffix):
    link = tmp_path / f"zero{suffix}"
    os.symlink("/dev/zero", link)
    with pytest.raises(ValueError, match=rf"zero\{suffix} is a character device, not a regular file; nnlearn reads "
                                         r"data from regular files only"):
        nnlearn.datasets.load(link)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="/dev/zero")
def test_model_and_idx_linked_to_dev_zero_are_refused_unread(tmp_path):
    for name, call in (("m.npz", nnlearn.load_model), ("m2.npz", nnlearn.model_io.read_header),
                       ("i.gz", nnlearn.datasets.read_idx), ("w.mat", nnlearn.datasets.load_ex4_weights)):
        os.symlink("/dev/zero", tmp_path / name)
        with pytest.raises(ValueError, match="is a character device, not a regular file"):
            call(tmp_path / name)


# -- arguments -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("call, match", [
    (lambda: Network([400, 10**12, 10]), r"with at most 50000000 parameters\. Got \[400, 1000000000000, 10\]"),
    (lambda: Network([1] * 10**5 + [10**4, 10**4]), r"That network has more than [\d.e+]+ parameters"),
    (lambda: nnlearn.MLPClassifier(hidden_layer_sizes=(10**12,)).fit(np.zeros((2, 1)), [0, 1]),
     r"The 'hidden_layer_sizes' parameter of MLPClassifier must be .* with at most 50000000 parameters"),
    (lambda: nnlearn.MLPClassifier(hidden_layer_sizes=(8000, 8000)).fit(np.zeros((2, 1)), [0, 1]),
     r"Even with one input and one output, that network has more than [\d.e+]+ parameters"),
    (lambda: make_spirals(n_arms=10**9), r"The 'n_arms' parameter of make_spirals must be an int in the range \[2, 10000000\]"),
    (lambda: make_spirals(n_per_class=10**7), r"must be an int in the range \[1, 5000000\] \(2 arms"),
    (lambda: make_gaussians(n_classes=10**4, n_per_class=10**4), r"must be an int in the range \[1, 1000\]"),
    (lambda: make_circles(n_per_class=6 * 10**6), r"at most 10000000 points"),
    (lambda: nnlearn.datasets.make_moons(n_per_class=10**12), r"at most 10000000 points"),
    (lambda: nnlearn.train(Network([2, 1]), np.zeros(3), np.zeros((2, 2)), [0, 1], max_iter=10**8 + 1),
     r"The 'max_iter' parameter of train must be an int in the range \[0, 100000000\]"),
], ids=["layer-1e12", "many-layers", "hidden-1e12", "hidden-8000x8000", "n_arms-1e9", "spiral-points",
        "gaussian-classes", "circle-points", "moons-points", "max-iter"])
def test_arguments_that_would_exhaust_memory_or_time_are_refused_at_the_door(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("method", ["TNC", "L-BFGS-B", "CG", "BFGS", "fmincg", "gd"])
def test_every_solver_accepts_the_largest_max_iter(method):
    """max_iter = 10**8 (the shared rule's ceiling) reaches scipy's C code without an OverflowError."""
    net = Network([2, 3, 2])
    X = np.random.default_rng(0).normal(size=(20, 2))
    y = (X[:, 0] > 0).astype(int)
    result = nnlearn.train(net, net.init_weights(random_state=0), X, y, method=method, max_iter=v.MAX_ITER,
                           callback=lambda k, theta, J: k >= 3)
    assert result.n_iter >= 1 and np.all(np.isfinite(result.theta))


@pytest.mark.parametrize("argv, match", [
    (["train", "--data", "spirals", "--hidden", "1000000000000"],
     r"The '--hidden' option of nnlearn train must be .*, for a network of at most 50000000 parameters\. Got "
     r"'1000000000000' instead\. Even with one input and one output, that network has more than"),
    (["gradcheck", "--m", "10000000"], r"The '--m' option of nnlearn gradcheck must be an int in the range "
                                       r"\[1, 1385041\] for a network of 38 parameters"),
    (["gradcheck", "--layers", "3", "100000", "3"],
     r"The '--m' option of nnlearn gradcheck must be an int in the range \[1, 1\] for a network of 700003 "
     r"parameters\. Got 5 instead\. A gradient check evaluates the cost 2 x 700003 times"),
    (["gradcheck", "--layers", "400", "1000000", "10"], r"The '--layers' option of nnlearn gradcheck must be"),
    (["train", "--data", "spirals", "--max-iter", "100000001"],
     r"The '--max-iter' option of nnlearn train must be an int in the range \[0, 100000000\]"),
])
def test_command_line_bounds_are_one_line_before_any_work(capsys, argv, match):
    assert main(argv) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("nnlearn: error: "), err
    assert __import__("re").search(match, err[0]), err[0]


def test_the_gradcheck_bound_lets_the_course_checks_run():
    assert v.check_gradcheck_size(5, v.n_params_of((400, 25, 10)), "t") == 5  # the course's network, m = 5
    assert v.check_gradcheck_size(5, v.n_params_of((3, 5, 3)), "t") == 5
