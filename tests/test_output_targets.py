"""Issue 14, classes 1 and 2: no work lost to an output, and nothing written where it should not be.

Class 1: every output flag is checked before any work (a problem found after
the training would lose it), and a Ctrl-C that arrives after the work, while
its results are printed and written, is held back until they are written.
Class 2: what each kind of target gets (see nnlearn._atomic): a regular file
is replaced atomically, a symbolic link keeps pointing at the replaced file,
stdout/devices/FIFOs are written through, a dangling link, a read-only file,
a block device and a socket are refused, never replaced by a regular file.
"""

import json
import os
import re
import socket
import stat
import subprocess
import sys
import textwrap
import threading
import warnings

import numpy as np
import pytest

import nnlearn
from nnlearn import _atomic
from nnlearn.cli import main

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
POSIX = sys.platform != "win32"


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    rng = np.random.default_rng(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = nnlearn.MLPClassifier(hidden_layer_sizes=(3,), max_iter=3, random_state=0).fit(
            rng.normal(size=(30, 2)), np.arange(30) % 2)
    path = tmp_path_factory.mktemp("model") / "model.npz"
    nnlearn.save_model(path, clf)
    return path


def _one_error_line(capsys):
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("nnlearn: error: "), err
    return err[0]


def _no_work(monkeypatch):
    """Make any loading of data, training or sweeping fail the test: the checks must refuse first."""
    def work(*args, **kwargs):
        raise AssertionError("the work started before the output was checked")

    monkeypatch.setattr(nnlearn.datasets, "load", work)
    monkeypatch.setattr(nnlearn.sweep, "run", work)
    monkeypatch.setattr(nnlearn.model_io, "load_model", work)


def _block_device(tmp_path, suffix=""):
    try:
        path = tmp_path / f"block{suffix}"
        os.mknod(path, stat.S_IFBLK | 0o600, os.makedev(7, 250))
        return path
    except (OSError, AttributeError):
        for name in sorted(os.listdir("/dev")) if os.path.isdir("/dev") and not suffix else []:
            if stat.S_ISBLK(os.stat(f"/dev/{name}").st_mode):
                return f"/dev/{name}"
    pytest.skip("no block device to point at")


def _socket(tmp_path, suffix=""):
    path = tmp_path / f"sock{suffix}"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    return path


def _read_only(d, suffix=""):
    path = d / f"ro{suffix}"
    path.write_text("keep")
    os.chmod(path, 0o444)
    return path


def _directory(d, suffix=""):
    path = d / f"dir{suffix}"
    path.mkdir()
    return path


def _under_a_file(d, suffix=""):
    (d / "file").write_text("x")
    return d / "file" / f"out{suffix}"


def _dangling(d, suffix=""):
    os.symlink(d / "nowhere" / "x", d / f"link{suffix}")
    return d / f"link{suffix}"


# Each case: (make the target in a directory, with a name suffix -> path; pattern of the reason in the error line).
BAD_TARGETS = [
    pytest.param(lambda d, s: d / "missing" / f"out{s}", r"\(directory .*missing does not exist\)",
                 id="missing-directory"),
    pytest.param(_directory, r"\(which is a directory\)", id="a-directory"),
    pytest.param(_under_a_file, r"\(.*file is not a directory\)", id="parent-is-a-file"),
    pytest.param(_dangling, r"\(a symbolic link to .*nowhere/x, which does not exist; nnlearn does not write through "
                 r"a dangling link\)", id="dangling-symlink"),
    pytest.param(_read_only, r"\(a read-only file \(mode 0444\); nnlearn does not replace a file that is not writable\)",
                 id="read-only-file"),
    pytest.param(lambda d, s: d / ("n" * 300 + s), r"\(the file name is too long for the file system \(\d+ bytes\)\)",
                 id="name-too-long"),
    pytest.param(_block_device, r"\(a block device; nnlearn writes regular files, character devices", id="block-device"),
    pytest.param(_socket, r"\(a socket; nnlearn writes regular files", id="socket"),
    pytest.param(lambda d, s: "-", r"'-' \(nnlearn writes files; give /dev/stdout for standard output\)", id="dash"),
]
OUTPUT_FLAGS = [
    pytest.param(["train", "--data", "spirals", "--save"], "--save", ".npz", id="train-save"),
    pytest.param(["predict", "--model", "{model}", "--data", "spirals", "--output"], "--output", ".csv",
                 id="predict-output"),
    pytest.param(["sweep", "--data", "spirals", "--results"], "--results", ".jsonl", id="sweep-results"),
    pytest.param(["sweep", "--data", "spirals", "--plot"], "--plot", ".png", id="sweep-plot"),
]


@pytest.mark.skipif(not POSIX, reason="symbolic links, sockets and devices of POSIX")
@pytest.mark.parametrize("argv, flag, suffix", OUTPUT_FLAGS)
@pytest.mark.parametrize("make, reason", BAD_TARGETS)
def test_every_output_flag_is_checked_before_any_work(tmp_path, capsys, monkeypatch, model, argv, flag, suffix,
                                                      make, reason):
    target = str(make(tmp_path, suffix))
    if flag == "--plot" and not target.endswith(".png"):
        pytest.skip("--plot checks the image suffix first")
    _no_work(monkeypatch)
    argv = [a.replace("{model}", str(model)) for a in argv]
    assert main([*argv, target]) == 2
    line = _one_error_line(capsys)
    assert f"The '{flag}' option of nnlearn " in line
    assert re.search(reason, line), line
    if os.path.lexists(target):
        assert not any(p.name.startswith(".") and ".tmp-" in p.name for p in tmp_path.iterdir())


def _as_unprivileged(function):
    """Run ``function()`` in a forked child without root's override of permissions; return (ok, message)."""
    if not ROOT:
        try:
            function()
            return True, ""
        except Exception as exc:  # noqa: BLE001 - the outcome is the test's subject
            return False, str(exc)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        try:
            os.setgid(65534)
            os.setuid(65534)
            try:
                function()
                message = b"ok"
            except Exception as exc:  # noqa: BLE001
                message = b"error:" + str(exc).encode()
            os.write(write, message)
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        message = f.read().decode()
    os.waitpid(pid, 0)
    return message == "ok", message.removeprefix("error:")


@pytest.fixture
def open_directory():
    """A directory everyone may enter (pytest's tmp_path is private to its owner), removed afterwards."""
    import shutil
    import tempfile

    path = tempfile.mkdtemp(prefix="nnlearn-targets-")
    os.chmod(path, 0o755)
    yield __import__("pathlib").Path(path)
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.skipif(not POSIX, reason="POSIX permissions")
@pytest.mark.parametrize("existing", [False, True], ids=["new-file", "existing-file"])
def test_an_unwritable_directory_is_found_by_the_check_not_after_the_work(open_directory, existing):
    directory = open_directory / "readonly"
    directory.mkdir()
    if existing:
        (directory / "model.npz").write_text("old")
        os.chmod(directory / "model.npz", 0o666)  # the file is writable, its directory is not
    os.chmod(directory, 0o555)
    ok, message = _as_unprivileged(lambda: _atomic.check_target(directory / "model.npz"))
    assert not ok and f"the directory {directory} is not writable" in message, message
    assert sorted(p.name for p in directory.iterdir()) == (["model.npz"] if existing else [])  # the probe left nothing
    os.chmod(directory, 0o777)
    ok, message = _as_unprivileged(lambda: _atomic.check_target(directory / "model.npz"))
    assert ok, message


def test_a_name_just_short_enough_is_written_although_the_temporary_suffix_would_not_fit(tmp_path, model):
    name = "m" * 250 + ".npz"  # 254 bytes: '.' + name + '.tmp-XXXXXXXX' would be 268
    target = tmp_path / name
    _atomic.check_target(target)
    nnlearn.save_model(target, nnlearn.load_model(model))
    assert nnlearn.load_model(target).n_iter_ == nnlearn.load_model(model).n_iter_
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temporary file left


@pytest.mark.parametrize("argv", [
    ["sweep", "--data", "spirals", "--results", "{d}/x.weights", "--save-weights"],
    ["sweep", "--data", "spirals", "--results", "{d}/r.jsonl", "--save-weights"],
], ids=["results-is-the-weights-folder", "weights-folder-is-a-file"])
def test_the_weights_folder_is_checked_before_any_run(tmp_path, capsys, monkeypatch, argv):
    (tmp_path / "r.weights").write_text("a file, not a folder")
    _no_work(monkeypatch)
    assert main([a.replace("{d}", str(tmp_path)) for a in argv]) == 2
    line = _one_error_line(capsys)
    assert "The '--results' option of nnlearn sweep must be a results file whose weights folder" in line
    assert ("would be the results file itself" in line) or ("exists and is not a directory" in line), line
    monkeypatch.undo()
    with pytest.raises(ValueError, match="would be the results file itself"):
        nnlearn.sweep.run({"max_iter": [1]}, "spirals", results_path=tmp_path / "y.weights", save_weights=True,
                          progress=False)


@pytest.mark.skipif(not POSIX, reason="FIFOs and /dev/null")
@pytest.mark.parametrize("kind", ["fifo", "devnull"])
def test_results_must_be_a_regular_file(tmp_path, capsys, monkeypatch, kind):
    if kind == "fifo":
        target = tmp_path / "fifo"
        os.mkfifo(target)
    else:
        target = "/dev/null"
    _no_work(monkeypatch)
    assert main(["sweep", "--data", "spirals", "--results", str(target)]) == 2
    assert "The '--results' option of nnlearn sweep must be a regular file (it is read back)" in _one_error_line(capsys)
    monkeypatch.undo()
    with pytest.raises(ValueError, match=r"is a (FIFO \(named pipe\)|character device), not a regular file"):
        nnlearn.sweep.run({"max_iter": [1]}, "spirals", results_path=target, progress=False)


# -- a Ctrl-C after the work: held back until the results are written ---------------------------

# The child patches a public function of nnlearn so that a SIGINT arrives at a known moment: when the
# training's scores are computed, when the model is being saved, or twice while it is saved.
_CHILD = """
import os, signal, sys, time
import nnlearn.model_io, nnlearn.estimator, nnlearn._atomic, nnlearn.plots
from nnlearn.cli import main

where, argv = sys.argv[1], sys.argv[2:]

def interrupt(times=1):
    for _ in range(times):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the handler runs between the two

def patch(module, name, times=1):
    real = getattr(module, name)
    calls = []
    def patched(*args, **kwargs):
        if not calls:  # the first call only: one Ctrl-C
            calls.append(1)
            interrupt(times)
        return real(*args, **kwargs)
    setattr(module, name, patched)

if where == "scoring":
    patch(nnlearn.estimator.MLPClassifier, "predict")  # the scores are computed from the predictions
elif where == "saving":
    patch(nnlearn.model_io, "save_model")
elif where == "saving-twice":
    real_write = nnlearn._atomic.write_atomically
    def write_twice(path, write, mode=0o644):
        def interrupted(f):
            f.write(b"partial")
            interrupt(2)
            write(f)
        return real_write(path, interrupted, mode)
    nnlearn.model_io.write_atomically = write_twice
elif where == "writing-csv":
    patch(nnlearn._atomic, "write_text")
elif where == "plotting":
    patch(nnlearn.plots, "sweep_heatmap")
sys.exit(main(argv))
"""


def _child(where, argv, tmp_path):
    done = subprocess.run([sys.executable, "-c", _CHILD, where, *argv], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path)
    return done.returncode, done.stdout, done.stderr


@pytest.mark.skipif(not POSIX, reason="SIGINT to itself")
@pytest.mark.parametrize("where", ["scoring", "saving"])
def test_ctrl_c_after_training_still_saves_the_model(tmp_path, model, where):
    target = tmp_path / "model.npz"
    target.write_bytes(model.read_bytes())  # an older model: it must be replaced, not kept
    status, out, err = _child(where, ["train", "--data", "spirals", "--max-iter", "7", "--hidden", "3",
                                      "--save", str(target)], tmp_path)
    assert status == 130, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == (
        f"nnlearn: interrupted: Ctrl-C after the training had finished; the results above and the model saved to "
        f"{target} are complete")
    assert f"saved        {target}" in out and "train acc" in out
    assert nnlearn.load_model(target).n_iter_ == 7  # the new model, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.npz"]


@pytest.mark.skipif(not POSIX, reason="SIGINT to itself")
def test_a_second_ctrl_c_while_saving_stops_and_keeps_the_old_file(tmp_path, model):
    target = tmp_path / "model.npz"
    target.write_bytes(model.read_bytes())
    status, out, err = _child("saving-twice", ["train", "--data", "spirals", "--max-iter", "7", "--hidden", "3",
                                               "--save", str(target)], tmp_path)
    assert status == 130 and err.strip().splitlines()[-1] == "nnlearn: interrupted", err
    assert target.read_bytes() == model.read_bytes()  # the user insisted: the old file, untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.npz"]  # no temporary file


@pytest.mark.skipif(not POSIX, reason="SIGINT to itself")
def test_ctrl_c_while_predictions_are_written_still_writes_them(tmp_path, model):
    target = tmp_path / "labels.csv"
    status, out, err = _child("writing-csv", ["predict", "--model", str(model), "--data", "moons",
                                              "--output", str(target)], tmp_path)
    assert status == 130, err
    assert err.strip().splitlines()[-1].startswith("nnlearn: interrupted: Ctrl-C after the predictions were made")
    assert target.read_text().splitlines()[0] == "index,predicted,true" and len(target.read_text().splitlines()) == 401


@pytest.mark.skipif(not POSIX, reason="SIGINT to itself")
def test_ctrl_c_while_the_sweep_plot_is_drawn_still_writes_it(tmp_path):
    plot = tmp_path / "sweep.png"
    status, out, err = _child("plotting", ["sweep", "--data", "spirals", "--alpha", "0", "1", "--max-iter", "3",
                                           "--hidden", "3", "--plot", str(plot), "--no-progress"], tmp_path)
    assert status == 130, err
    assert plot.read_bytes().startswith(b"\x89PNG")
    assert f"plot         {plot}" in out


# -- class 2: each kind of target ------------------------------------------------------------------


@pytest.mark.skipif(not POSIX, reason="symbolic links")
def test_a_symbolic_link_keeps_pointing_at_the_replaced_file(tmp_path, model):
    real = tmp_path / "elsewhere" / "real.npz"
    real.parent.mkdir()
    real.write_text("old")
    os.chmod(real, 0o600)
    link = tmp_path / "link.npz"
    os.symlink(real, link)
    assert _atomic.check_target(link) == _atomic.Target(real, "file")
    nnlearn.save_model(link, nnlearn.load_model(model))
    assert os.path.islink(link) and os.readlink(link) == str(real)
    assert nnlearn.load_model(link).n_iter_ == nnlearn.load_model(model).n_iter_
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o600  # the file's permission bits kept
    assert sorted(p.name for p in real.parent.iterdir()) == ["real.npz"]


@pytest.mark.skipif(not POSIX, reason="POSIX targets")
@pytest.mark.parametrize("make, error", [
    (_dangling, ValueError),
    (_read_only, PermissionError),
    (_socket, ValueError),
    (_block_device, ValueError),
], ids=["dangling-symlink", "read-only-file", "socket", "block-device"])
def test_the_library_writer_refuses_them_too_and_changes_nothing(tmp_path, make, error):
    target = make(tmp_path, "")
    before = os.lstat(target) if os.path.lexists(target) else None
    with pytest.raises(error):
        _atomic.write_atomically(target, lambda f: f.write(b"new"))
    after = os.lstat(target)
    assert (stat.S_IFMT(after.st_mode), after.st_ino, after.st_size) == (
        stat.S_IFMT(before.st_mode), before.st_ino, before.st_size)
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())


@pytest.mark.skipif(not POSIX, reason="FIFOs")
def test_a_fifo_is_written_through_not_replaced(tmp_path, model, capsys):
    fifo = tmp_path / "labels.fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert main(["predict", "--model", str(model), "--data", "moons", "--output", str(fifo)]) == 0
    reader.join(30)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    lines = received[0].decode().splitlines()
    assert lines[0] == "index,predicted,true" and len(lines) == 401


@pytest.mark.skipif(not POSIX, reason="/dev/null")
def test_dev_null_is_written_through_and_stays_a_device(model):
    assert _atomic.check_target("/dev/null").kind == "stream"
    nnlearn.save_model("/dev/null", nnlearn.load_model(model))
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


_PREDICT_TO_STDOUT = textwrap.dedent("""
    import sys
    from nnlearn.cli import main
    sys.exit(main(["predict", "--model", sys.argv[1], "--data", "moons", "--output", sys.argv[2]]))
""")


@pytest.mark.skipif(not (POSIX and os.path.exists("/dev/stdout")), reason="/dev/stdout")
@pytest.mark.parametrize("stdout_kind", ["pipe", "regular-file"])
@pytest.mark.parametrize("name", ["/dev/stdout", "/proc/self/fd/1"])
def test_dev_stdout_is_this_process_output_never_replaced(tmp_path, model, stdout_kind, name):
    if not os.path.exists(name):
        pytest.skip(f"no {name}")
    link_before = os.readlink("/dev/stdout") if os.path.islink("/dev/stdout") else None
    command = [sys.executable, "-c", _PREDICT_TO_STDOUT, str(model), name]
    if stdout_kind == "pipe":
        done = subprocess.run(command, capture_output=True, timeout=120)
        out = done.stdout.decode()
    else:
        path = tmp_path / "out.txt"
        with open(path, "wb") as f:
            done = subprocess.run(command, stdout=f, stderr=subprocess.PIPE, timeout=120)
        out = path.read_text()
        assert path.stat().st_nlink == 1 and stat.S_ISREG(path.stat().st_mode)
    assert done.returncode == 0, done.stderr
    # The report first, then the CSV after it, in the same stream: nothing was replaced.
    assert out.index("accuracy") < out.index("index,predicted,true") < out.index(f"wrote        {name}")
    assert (os.readlink("/dev/stdout") if os.path.islink("/dev/stdout") else None) == link_before


def test_check_target_says_how_each_kind_is_written(tmp_path):
    assert _atomic.check_target(tmp_path / "new.npz") == _atomic.Target(tmp_path / "new.npz", "file")
    (tmp_path / "old.npz").write_text("x")
    assert _atomic.check_target(tmp_path / "old.npz").kind == "file"
    if POSIX:
        os.mkfifo(tmp_path / "f")
        assert _atomic.check_target(tmp_path / "f").kind == "stream"


# -- a resumed sweep reads only the weights it wrote -------------------------------------------------------


@pytest.mark.skipif(not POSIX, reason="FIFOs")
def test_a_resumed_sweep_reads_only_the_weight_files_it_made(tmp_path, monkeypatch):
    X = np.random.default_rng(0).normal(size=(40, 3))
    y = np.repeat([0, 1], 20)
    grid = {"alpha": [0.0, 1.0, 2.0, 3.0], "max_iter": [2], "hidden_layer_sizes": [2], "random_state": [0]}
    results = tmp_path / "sweep" / "results.jsonl"
    results.parent.mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        records = nnlearn.sweep.run(grid, (X, y), results_path=results, save_weights=True, progress=False)
    elsewhere = tmp_path / "elsewhere.npz"
    elsewhere.write_bytes((results.parent / records[0]["weights"]).read_bytes())
    os.mkfifo(results.parent / "results.weights" / "fifo.npz")
    os.replace(results.parent / records[3]["weights"], tmp_path / "moved.npz")
    os.mkfifo(results.parent / records[3]["weights"])  # the name it made is now a FIFO: refused unread
    lines = results.read_text().splitlines()
    edited = [json.loads(line) for line in lines]
    edited[0]["weights"] = "../elsewhere.npz"
    edited[1]["weights"] = str(elsewhere)
    edited[2]["weights"] = "results.weights/fifo.npz"
    results.write_text("".join(json.dumps(r) + "\n" for r in edited))
    opened = []
    real = nnlearn.sweep.weights.load_model
    monkeypatch.setattr(nnlearn.sweep.weights, "load_model", lambda path: opened.append(str(path)) or real(path))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        again = nnlearn.sweep.run(grid, (X, y), results_path=results, resume=True, progress=False)
    named = sorted(re.search(r"names the weights '(.*)', not results\.weights/<id>\.npz that the sweep writes; they "
                             r"are not read", str(w.message)).group(1) for w in caught)
    assert named == sorted(["../elsewhere.npz", str(elsewhere), "results.weights/fifo.npz"])
    assert again.n_run == 0
    assert [r["thetas"] for r in again] == [None, None, None, None]
    assert opened == [str(results.parent / records[3]["weights"])]  # the only name it made; refused as a FIFO


def test_a_non_string_weights_name_refuses_the_results_file(tmp_path):
    results = tmp_path / "results.jsonl"
    record = {"id": "0123456789abcdef", "train_accuracy": 0.5, "final_cost": 0.7, "seconds": 0.1, "weights": ["x"]}
    results.write_text(json.dumps(record) + "\n")
    with pytest.raises(ValueError, match=r"line 1 is not a sweep record: 'weights' is \"\['x'\]\", expected a str or null"):
        nnlearn.sweep.run({"max_iter": [1]}, "spirals", results_path=results, resume=True, progress=False)
