"""Issue 14, class 4: no traceback and no hang; one ``nnlearn: error:`` line naming the file/argument, the documented status.

Families: crafted model headers (deep nesting, numbers that overflow, NaN,
wrong types, contents that disagree with each other or with the arrays);
crafted results lines; a Dask address that names no scheduler; Ctrl-C during
the start-up imports; FIFOs as --model and --data; a standard output closed
by its reader.
"""

import json
import os
import re
import subprocess
import sys
import time
import warnings

import numpy as np
import pytest

import nnlearn
from nnlearn.cli import main

from crafted import array_member, header_member, zip_file
from crafted import model_header as _model_header
from crafted import thetas as _thetas

POSIX = sys.platform != "win32"


def _one_error_line(capsys):
    captured = capsys.readouterr()
    err = captured.err.splitlines()
    assert len(err) == 1 and err[0].startswith("nnlearn: error: "), captured.err
    assert "Traceback" not in captured.err
    return err[0]


def _model(tmp_path, header_text, members=None):
    path = tmp_path / "model.npz"
    path.write_bytes(zip_file([header_member(header_text),
                               *(members if members is not None else
                                 [*_thetas(), array_member("loss_curve", np.linspace(0.7, 0.6, 4))])]))
    return path


def _edit(**changes):
    header = json.loads(_model_header())
    header.update(changes)
    return json.dumps(header)


def _with_training(**changes):
    training = json.loads(_model_header())["training"]
    training.update(changes)
    return _model_header(training=training)


def _with_hyper(**changes):
    hyper = json.loads(_model_header())["hyperparameters"]
    hyper.update(changes)
    return _model_header(hyperparameters=hyper)


def _raw(text_of_header, placeholder, raw):
    """A header whose JSON has ``raw`` (text that json.dumps would not write) in place of ``placeholder``."""
    return text_of_header.replace(json.dumps(placeholder), raw)


DEEP = "[" * 50_000 + "]" * 50_000  # deeper than the recursion limit, within the container cap
# (header JSON text, pattern of the message after the path)
BAD_HEADERS = [
    pytest.param(_raw(_edit(extra="DEEP"), "DEEP", DEEP), r"its 'header' is JSON nested too deeply", id="deep-unknown-field"),
    pytest.param(_raw(_edit(training="DEEP"), "DEEP", DEEP), r"its 'header' is JSON nested too deeply", id="deep-training"),
    pytest.param(_raw(_edit(n_features_in="BIG"), "BIG", "1e400"),
                 r"invalid header: it holds the number 1e400, which overflows float64", id="1e400-n_features_in"),
    pytest.param(_raw(_with_training(n_evaluations="BIG"), "BIG", "1e400"),
                 r"invalid header: it holds the number 1e400", id="1e400-n_evaluations"),
    pytest.param(_raw(_with_training(elapsed="INF"), "INF", "Infinity"),
                 r"invalid header: it holds Infinity, which a model file's JSON never holds", id="infinity"),
    pytest.param(_raw(_edit(classes={"dtype": "<f8", "values": ["NAN", 1.0]}), "NAN", "NaN"),
                 r"invalid header: it holds NaN", id="nan-class"),
    pytest.param(_raw(_with_training(n_iter="HUGE"), "HUGE", "1" * 5000), r"invalid header: .*digits", id="5000-digits"),
    # wrong types: the message names the field
    pytest.param(_edit(n_features_in="2"), r"invalid header: 'n_features_in' is '2', expected an int >= 1", id="n_features-str"),
    pytest.param(_edit(n_features_in=True), r"'n_features_in' is True, expected an int >= 1", id="n_features-bool"),
    pytest.param(_edit(feature_names_in="ab"), r"'feature_names_in' is 'ab', expected null or a list of str", id="names-str"),
    pytest.param(_edit(feature_names_in=[1, 2]), r"'feature_names_in' is \[1, 2\], expected null or a list of str",
                 id="names-ints"),
    pytest.param(_edit(hyperparameters=[1]), r"'hyperparameters' is \[1\], expected an object", id="hyper-list"),
    pytest.param(_edit(hyperparameters_not_saved={"random_state": 3}),
                 r"'hyperparameters_not_saved' is \{'random_state': 3\}, expected an object of parameter name",
                 id="not-saved"),
    pytest.param(_edit(training="x"), r"'training' is 'x', expected an object", id="training-str"),
    pytest.param(_with_training(n_evaluations="5"), r"'training.n_evaluations' is '5', expected an int >= 0 or null",
                 id="n_evaluations-str"),
    pytest.param(_with_training(n_evaluations=-1), r"'training.n_evaluations' is -1", id="n_evaluations-negative"),
    pytest.param(_with_training(elapsed="fast"), r"'training.elapsed' is 'fast', expected a number >= 0 or null",
                 id="elapsed-str"),
    pytest.param(_with_training(converged="yes"), r"'training.converged' is 'yes', expected true or false or null",
                 id="converged-str"),
    pytest.param(_with_training(message=5), r"'training.message' is 5, expected a str or null", id="message-int"),
    pytest.param(_with_training(alpha=[1]), r"'training.alpha' is \[1\], expected a number or null", id="alpha-list"),
    pytest.param(_edit(nnlearn_version=1), r"'nnlearn_version' is 1, expected a str", id="version-int"),
    pytest.param(_edit(multilabel="no"), r"'multilabel' is 'no', expected true or false", id="multilabel-str"),
    pytest.param(_edit(layer_sizes="2,3,1"), r"The 'layer_sizes' parameter of Network must be .* Got '2,3,1' instead",
                 id="layer_sizes-str"),
    pytest.param(_edit(activation=5), r"The 'activation' parameter of Network must be a str among", id="activation-int"),
    pytest.param(_edit(classes={"dtype": 5, "values": [0, 1]}), r"'classes' must be \{'dtype': ..., 'values'",
                 id="classes-dtype-int"),
    pytest.param(_edit(classes={"dtype": "<i8", "values": "01"}), r"'classes' must be \{'dtype': ..., 'values'",
                 id="classes-values-str"),
    pytest.param(_edit(classes={"dtype": "(2,)f8", "values": [0, 1]}), r"with a dtype of labels", id="classes-subarray"),
    pytest.param(_edit(classes={"dtype": "[('a', 'f8')]", "values": [0, 1]}), r"with a dtype of labels",
                 id="classes-record"),
    pytest.param(_edit(classes={"dtype": "x" * 100, "values": [0, 1]}), r"with a dtype of labels", id="classes-dtype-long"),
    # contents that disagree
    pytest.param(_edit(classes={"dtype": "<i8", "values": [0, 0]}), r"'classes' must be sorted and distinct", id="classes-duplicated"),
    pytest.param(_edit(classes={"dtype": "<i8", "values": [1, 0]}), r"'classes' must be sorted and distinct", id="classes-unsorted"),
    pytest.param(_edit(classes={"dtype": "|O", "values": [1, "a"]}), r"'classes' holds values of types \['int', 'str'\]",
                 id="classes-mixed-object"),
    pytest.param(_edit(classes={"dtype": "<i8", "values": [0, "a"]}), r"'classes' holds values of types",
                 id="classes-mixed-int"),
    pytest.param(_edit(classes={"dtype": "<U1", "values": ["ab", "c"]}), r"'classes' holds values", id="classes-too-long"),
    pytest.param(_edit(classes={"dtype": "|i1", "values": [0, 300]}), r"'classes' values do not fit dtype int8",
                 id="classes-out-of-range"),
    pytest.param(_edit(classes={"dtype": "|b1", "values": [0, 1]}), r"'classes' holds values of types \['int'\]",
                 id="classes-bool-ints"),
    pytest.param(_with_hyper(hidden_layer_sizes=[5]), r"is inconsistent: hyperparameters.hidden_layer_sizes is \[5\], "
                 r"but layer_sizes \[2, 3, 1\] have the hidden layers \[3\]", id="hidden-sizes"),
    pytest.param(_with_hyper(activation="relu"), r"is inconsistent: hyperparameters.activation is 'relu', but the "
                 r"network's activation is 'tanh'", id="activation"),
    pytest.param(_with_training(n_iter=99), r"is inconsistent: training.n_iter is 99, but 'loss_curve' holds 4 costs",
                 id="n_iter-vs-loss_curve"),
]


@pytest.mark.parametrize("header, message", BAD_HEADERS)
def test_a_crafted_header_is_one_error_line_naming_the_file_and_the_field(tmp_path, capsys, header, message):
    path = _model(tmp_path, header)
    with pytest.raises(ValueError) as info:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nnlearn.load_model(path)
    assert str(path) in str(info.value) and re.search(message, str(info.value)), str(info.value)
    assert main(["predict", "--model", str(path), "--data", "spirals"]) == 2
    line = _one_error_line(capsys)
    assert str(path) in line and re.search(message, line), line


def test_a_valid_crafted_header_loads(tmp_path):
    """The family's baseline: the same file with a valid header loads, so each case above fails for its change."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = nnlearn.load_model(_model(tmp_path, _model_header()))
    assert clf.classes_.tolist() == [0, 1] and clf.n_iter_ == 3


def test_a_missing_validation_curve_shape_is_checked_before_reading(tmp_path):
    path = _model(tmp_path, _model_header(), [*_thetas(), array_member("loss_curve", np.zeros(4)),
                                              array_member("validation_loss_curve", np.zeros(7))])
    with pytest.raises(ValueError, match=r"'validation_loss_curve' has shape \(7,\) and dtype float64, but it must be"):
        nnlearn.load_model(path)


# -- crafted results lines --------------------------------------------------------------------------

_RECORD = {"id": "0123456789abcdef", "train_accuracy": 0.5, "final_cost": 0.7, "seconds": 0.1, "n_iter": 3,
           "error": None, "weights": None}


@pytest.mark.parametrize("line, message", [
    (json.dumps(dict(_RECORD, x="DEEP")).replace('"DEEP"', DEEP), r"line 1 is not a JSON record \(nested too deeply\)"),
    (json.dumps(dict(_RECORD, seconds="abc")), r"line 1 is not a sweep record: 'seconds' is 'abc', expected a number"),
    (json.dumps(dict(_RECORD, weights=123)), r"line 1 is not a sweep record: 'weights' is '123', expected a str or null"),
    (json.dumps(dict(_RECORD, n_iter=1.5)), r"'n_iter' is '1.5', expected an int or null"),
    (json.dumps(dict(_RECORD, final_cost="NAN")).replace('"NAN"', "NaN"), r"line 1 is not a JSON record \(it holds NaN"),
    (json.dumps(dict(_RECORD, final_cost="BIG")).replace('"BIG"', "1e400"), r"'final_cost' is inf, not a finite number"),
], ids=["deep", "seconds-str", "weights-int", "n_iter-float", "nan", "1e400"])
def test_a_crafted_results_line_is_one_error_line(tmp_path, capsys, line, message):
    path = tmp_path / "results.jsonl"
    path.write_text(line + "\n" + json.dumps(_RECORD) + "\n")
    before = path.read_bytes()
    assert main(["sweep", "--data", "spirals", "--max-iter", "1", "--results", str(path), "--resume"]) == 2
    error = _one_error_line(capsys)
    assert str(path) in error and re.search(message, error), error
    with pytest.raises(ValueError, match=message):
        nnlearn.sweep.load_results(path)
    assert path.read_bytes() == before  # refused untouched


# -- a Dask address that names no scheduler -------------------------------------------------------------


@pytest.mark.parametrize("address, message", [
    ("foo", r"the scheduler address 'foo' is not a Dask scheduler address such as tcp://HOST:8786 \(missing port"),
    ("tcp://127.0.0.1:99999", r"\(port 99999 is not in 1..65535\)"),
    ("tcp://host:abc", r"the scheduler address 'tcp://host:abc' is not a Dask scheduler address"),
])
def test_a_bad_scheduler_address_is_one_line_and_no_hang(address, message):
    pytest.importorskip("distributed")
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "nnlearn.cli", "sweep", "--data", "spirals", "--max-iter", "1",
                           "--scheduler", address], capture_output=True, text=True, timeout=60)
    assert time.monotonic() - start < 30  # it used to wait 60 s in Client.__del__
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("nnlearn: error: ") and re.search(message, lines[0]), done.stderr


# -- Ctrl-C during the start-up imports ------------------------------------------------------------------

# A Ctrl-C at a known moment of the start-up: an import hook sends SIGINT to the process when a module is
# looked up. The entry point of the console script and of ``python -m nnlearn`` is nnlearn._entry.main.
_STARTUP = """
import os, signal, sys
class Interrupt:
    def find_spec(self, name, path, target=None):
        if name == sys.argv[1]:
            os.kill(os.getpid(), signal.SIGINT)
        return None
sys.meta_path.insert(0, Interrupt())
from nnlearn._entry import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.skipif(not POSIX, reason="SIGINT to itself")
@pytest.mark.parametrize("module", ["numpy", "scipy.optimize", "nnlearn.cli", "nnlearn.core.kernel", "sklearn"])
def test_ctrl_c_during_start_up_is_one_line_with_status_130(module):
    done = subprocess.run([sys.executable, "-c", _STARTUP, module, "train", "--data", "spirals", "--max-iter", "2"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 130, done.stderr
    assert done.stderr.splitlines() == ["nnlearn: interrupted"], done.stderr


def test_the_console_script_enters_through_the_guarded_entry_point():
    import tomllib
    from pathlib import Path

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert pyproject["project"]["scripts"]["nnlearn"] == "nnlearn._entry:main"
    done = subprocess.run([sys.executable, "-c", "import sys, nnlearn; print(sorted(m for m in sys.modules "
                           "if m.split('.')[0] in ('numpy', 'scipy', 'sklearn')))"],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]"  # import nnlearn loads nothing heavy: the guard is in place first
    done = subprocess.run([sys.executable, "-m", "nnlearn", "gradcheck"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "PASS" in done.stdout


# -- FIFOs as inputs -------------------------------------------------------------------------------------


@pytest.mark.skipif(not POSIX, reason="FIFOs")
@pytest.mark.parametrize("argv", [
    ["predict", "--model", "{fifo}.npz", "--data", "spirals"],
    ["train", "--data", "{fifo}.csv"],
    ["train", "--data", "{fifo}.mat"],
    ["train", "--data", "{fifo}.npz"],
    ["sweep", "--data", "{fifo}.csv", "--max-iter", "1"],
], ids=["model", "data-csv", "data-mat", "data-npz", "sweep-data"])
def test_a_fifo_as_input_is_refused_without_waiting_for_a_writer(tmp_path, argv):
    for suffix in (".npz", ".csv", ".mat"):
        os.mkfifo(tmp_path / f"fifo{suffix}")
    argv = [a.replace("{fifo}", str(tmp_path / "fifo")) for a in argv]
    done = subprocess.run([sys.executable, "-m", "nnlearn.cli", *argv], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and re.search(r"^nnlearn: error: .*fifo\.\w+ is a FIFO \(named pipe\), not a regular file; "
                                         r"nnlearn reads (data|a model) from regular files only\.$", lines[0]), done.stderr


# -- a standard output closed by its reader ----------------------------------------------------------------


@pytest.mark.skipif(not POSIX, reason="SIGPIPE/EPIPE of POSIX pipes")
@pytest.mark.parametrize("argv", [
    ["gradcheck"],
    ["train", "--data", "spirals", "--max-iter", "5", "--save", "{dir}/model.npz"],
    ["predict", "--model", "{dir}/model.npz", "--data", "spirals", "--output", "/dev/stdout"],
], ids=["gradcheck", "train-save", "predict-to-stdout"])
def test_a_closed_stdout_ends_quietly_with_141_after_the_work(tmp_path, argv):
    if "predict" in argv:
        subprocess.run([sys.executable, "-m", "nnlearn.cli", "train", "--data", "spirals", "--max-iter", "5",
                        "--save", str(tmp_path / "model.npz")], capture_output=True, timeout=120, check=True)
    argv = [a.replace("{dir}", str(tmp_path)) for a in argv]
    read, write = os.pipe()
    process = subprocess.Popen([sys.executable, "-m", "nnlearn.cli", *argv], stdout=write, stderr=subprocess.PIPE)
    os.close(write)
    os.close(read)  # the reader is gone before anything was written: every write meets EPIPE
    _, err = process.communicate(timeout=120)
    assert process.returncode == 141, err.decode()
    assert err == b""  # no "Broken pipe" error, no "Exception ignored" at exit
    if "--save" in argv:
        assert nnlearn.load_model(tmp_path / "model.npz").n_iter_ == 5  # the work was still saved


@pytest.mark.skipif(not POSIX, reason="a pipe to head")
def test_nnlearn_piped_to_head_prints_one_line_and_no_error(tmp_path):
    done = subprocess.run(f"{sys.executable} -m nnlearn.cli train --data spirals --max-iter 5 --save "
                          f"{tmp_path}/m.npz | head -1; echo status ${{PIPESTATUS[0]}}",
                          shell=True, executable="/bin/bash", capture_output=True, text=True, timeout=120)
    out = done.stdout.splitlines()
    assert len(out) == 2 and out[0].startswith("data ") and out[1] in ("status 0", "status 141"), done.stdout
    assert done.stderr == ""
    assert (tmp_path / "m.npz").exists()
