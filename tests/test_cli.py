"""The ``nnlearn`` command: one grammar for shared flags, every flag checked before any work, one error line.

Most tests call ``main([...])`` in this process; the few that start ``python -m
nnlearn.cli`` inherit PYTHONPATH, so they run this checkout's code.
"""

import io
import re
import subprocess
import sys

import pytest

from nnlearn.cli import main, parse_args

ALPHA_RULE = "must be a float in the range [0.0, inf). Got -1.0 instead."
HIDDEN_SYNTAX = "units per hidden layer joined by commas such as 25 or 64,32, or none for no hidden layer"


def one_error_line(capsys):
    """The one ``nnlearn: error:`` line on stderr (nothing on stdout, no traceback), without its prefix."""
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("nnlearn: error: "), captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""  # refused before any work
    return lines[0][len("nnlearn: error: "):]


# -- commands that run ---------------------------------------------------------


def test_gradcheck_passes_on_the_debug_network(capsys):
    assert main(["gradcheck", "--alpha", "3"]) == 0
    out = capsys.readouterr().out
    assert "network 3-5-3" in out and "PASS" in out
    assert "Theta[0] 5x4" in out and "Theta[1] 3x6" in out


def test_gradcheck_lists_the_gradients_as_the_exercise_does(capsys):
    assert main(["gradcheck"]) == 0  # --variant python: the Python exercise's print(np.stack([numgrad, grad], 1))
    lines = capsys.readouterr().out.splitlines()
    # The numerical column's 9th digit follows the kernel's summation order (central differences amplify J's last bits).
    assert re.fullmatch(r"\[\[-9\.2782523\de-03 -9\.27825236e-03\]", lines[1]) and lines[2] == " [-3.04978931e-06 -3.04978914e-06]"
    assert lines[39].startswith("(left: numerical gradient, right: analytical gradient")
    assert lines[40].startswith("Relative Difference: ") and float(lines[40].split()[-1]) < 1e-9
    assert main(["gradcheck", "--variant", "octave"]) == 0  # the Octave original: disp([numgrad grad]), Theta(:)
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:3] == ["  -9.2783e-03  -9.2783e-03", "   8.8991e-03   8.8991e-03"]
    assert "in the order of the octave exercise" in lines[39]


def test_gradcheck_reports_failure_with_status_1(capsys):
    assert main(["gradcheck", "--threshold", "1e-20"]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_train_on_spirals(capsys):
    assert main(["train", "--data", "spirals", "--hidden", "4", "--solver", "L-BFGS-B",
                 "--max-iter", "200", "--alpha", "0", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "network      2-4-1 (17 parameters), tanh hidden" in out
    held_out = float(out.split("held-out acc")[1].split("%")[0])  # --test-size 0.2 by default
    assert held_out > 90
    assert "on 160 samples" in out  # 20% of the 800 spiral points


def test_train_hidden_with_a_comma_builds_two_hidden_layers(capsys):
    assert main(["train", "--data", "spirals", "--hidden", "6,4", "--max-iter", "5"]) == 0
    assert "network      2-6-4-1 (51 parameters), tanh hidden" in capsys.readouterr().out


def test_train_hidden_none_has_no_hidden_layer(capsys):
    assert main(["train", "--data", "spirals", "--hidden", "none", "--max-iter", "5", "--test-size", "0"]) == 0
    out = capsys.readouterr().out
    assert "network      2-1 (3 parameters), no hidden layer, sigmoid output" in out
    assert "held-out acc" not in out  # --test-size 0: no held-out set


# -- one grammar for --hidden ------------------------------------------------------


@pytest.mark.parametrize("command", ["train", "report"])
@pytest.mark.parametrize("text, sizes", [("25", (25,)), ("64,32", (64, 32)), (" 8 , 4 ,2", (8, 4, 2))])
def test_one_network_commands_read_hidden_the_same_way(command, text, sizes):
    assert parse_args([command, "--hidden", text]).hidden == sizes
    assert parse_args([command]).hidden == (25,)


def test_sweep_reads_each_hidden_value_as_one_network():
    assert parse_args(["sweep", "--hidden", "25", "64,32", "none"]).hidden == [(25,), (64, 32), ()]
    assert parse_args(["sweep"]).hidden == [(25,)]


@pytest.mark.parametrize("text", ["none", "None", "NONE"])
def test_hidden_none_is_no_hidden_layer(text):
    assert parse_args(["train", "--hidden", text]).hidden == ()


@pytest.mark.parametrize("command", ["train", "report"])
def test_hidden_with_two_values_is_an_error_in_one_network_commands(command, capsys):
    assert main([command, "--hidden", "64", "32"]) == 2
    assert one_error_line(capsys) == (
        f"The '--hidden' option of nnlearn {command} must be one network: units per hidden layer joined by commas "
        f"such as 25 or 64,32{', or none for no hidden layer' if command == 'train' else ' (at least 1 hidden layer)'}. "
        f"Got '64 32' instead. Write --hidden 64,32 for 2 hidden layers; only nnlearn sweep takes several networks."
    )


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--hidden"], f"The '--hidden' option of nnlearn train must be one network: {HIDDEN_SYNTAX}. "
                                "Got nothing instead."),
        (["train", "--hidden", ""], f"The '--hidden' option of nnlearn train must be {HIDDEN_SYNTAX}. Got '' instead."),
        (["train", "--hidden", "25,"], f"The '--hidden' option of nnlearn train must be {HIDDEN_SYNTAX}. Got '25,' instead."),
        (["train", "--hidden", "0"], f"The '--hidden' option of nnlearn train must be {HIDDEN_SYNTAX}. Got '0' instead."),
        (["report", "--hidden"], "The '--hidden' option of nnlearn report must be one network: units per hidden "
                                 "layer joined by commas such as 25 or 64,32 (at least 1 hidden layer). Got nothing instead."),
        (["report", "--hidden", "none"], "The '--hidden' option of nnlearn report must be units per hidden layer "
                                         "joined by commas such as 25 or 64,32 (at least 1 hidden layer). Got 'none' instead."),
        (["sweep", "--hidden"], f"The '--hidden' option of nnlearn sweep must be one or more networks, each {HIDDEN_SYNTAX}. "
                                "Got nothing instead."),
        (["sweep", "--hidden", "25", "25,x"], f"The '--hidden' option of nnlearn sweep must be {HIDDEN_SYNTAX}. "
                                              "Got '25,x' instead."),
    ],
)
def test_empty_or_bad_hidden_is_an_error_never_a_network_without_hidden_layer(argv, message, capsys):
    assert main(argv) == 2
    assert one_error_line(capsys) == message


# -- the same progress and --test-size in every command -------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("command", ["train", "sweep", "report", "bench"])
def test_progress_flags_and_default_are_the_same_in_every_command(command, monkeypatch):
    assert parse_args([command, "--progress"]).progress is True
    assert parse_args([command, "--no-progress"]).progress is False
    assert parse_args([command]).progress is False  # stderr is not a terminal under pytest
    monkeypatch.setattr(sys, "stderr", _Terminal())
    assert parse_args([command]).progress is True


@pytest.mark.parametrize("command", ["train", "sweep"])
def test_test_size_has_one_default_and_one_range(command, capsys):
    assert parse_args([command]).test_size == 0.2
    assert parse_args([command, "--test-size", "0"]).test_size == 0.0
    for bad in ("1", "-0.1", "nan"):
        assert main([command, "--test-size", bad]) == 2
        assert one_error_line(capsys).startswith(
            f"The '--test-size' option of nnlearn {command} must be a float in the range [0.0, 1.0). Got ")


def test_flags_become_checked_values():
    args = parse_args(["train", "--alpha", "0.5", "--max-iter", "7", "--solver", "l-bfgs-b", "--seed", "3",
                       "--learning-rate", "0.1", "--activation", "relu", "--output", "softmax"])
    assert (args.alpha, args.max_iter, args.solver, args.seed, args.learning_rate) == (0.5, 7, "L-BFGS-B", 3, 0.1)
    assert (args.activation, args.output, args.kind) == ("relu", "softmax", "digits")
    sweep = parse_args(["sweep", "--alpha", "0", "1e3", "--max-iter", "5", "20", "--solver", "cg", "adam"])
    assert (sweep.alpha, sweep.max_iter, sweep.solver) == ([0.0, 1000.0], [5, 20], ["CG", "adam"])


# -- every flag checked before any work, naming the flag and the command -------------------------------


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--alpha", "-1"], f"The '--alpha' option of nnlearn train {ALPHA_RULE}"),
        (["sweep", "--alpha", "0", "-1"], f"The '--alpha' option of nnlearn sweep {ALPHA_RULE}"),
        (["report", "--alpha", "-1"], f"The '--alpha' option of nnlearn report {ALPHA_RULE}"),
        (["gradcheck", "--alpha", "-1"], f"The '--alpha' option of nnlearn gradcheck {ALPHA_RULE}"),
        (["train", "--max-iter", "ten"],
         "The '--max-iter' option of nnlearn train must be an int in the range [0, 100000000]. Got 'ten' instead."),
        (["train", "--solver", "newton"], "The '--solver' option of nnlearn train must be a str among ['CG', "),
        (["sweep", "--solver", "CG", "newton"], "The '--solver' option of nnlearn sweep must be a str among ['CG', "),
        (["train", "--activation", "gelu"], "The '--activation' option of nnlearn train must be a str among ['sigmoid', "),
        (["gradcheck", "--activation", "gelu"], "The '--activation' option of nnlearn gradcheck must be a str among "),
        # identity is an output (regression), but not of a classifier: the digits are classes
        (["train", "--output", "identity"], "The '--output' option of nnlearn train must be a str among ['sigmoid', 'logistic', "
                                            "'softmax'] for classification (identity is the output of regression: --task "
                                            "regression). Got 'identity' instead."),
        (["train", "--data", "diabetes", "--output", "softmax"],
         "The '--output' option of nnlearn train must be 'identity' for regression"),
        (["sweep", "--data", "diabetes", "--metric", "test_accuracy"], "The '--metric' option of nnlearn sweep must be a str "
                                                                        "among ['train_r2', 'test_r2', 'train_rmse', "),
        (["train", "--learning-rate", "0"],
         "The '--learning-rate' option of nnlearn train must be a float in the range (0.0, inf). Got 0.0 instead."),
        (["train", "--seed", "-1"], "The '--seed' option of nnlearn train must be an int in the range [0, inf). Got -1 instead."),
        (["sweep", "--split-seed", "x"], "The '--split-seed' option of nnlearn sweep must be an int in the range [0, inf). "
                                         "Got 'x' instead."),
        (["sweep", "--jobs", "two"], "The '--jobs' option of nnlearn sweep must be an int. Got 'two' instead."),
        (["sweep", "--metric", "speed"], "The '--metric' option of nnlearn sweep must be a str among ['train_accuracy', "
                                         "'test_accuracy', 'final_cost']. Got 'speed' instead."),
        (["sweep", "--test-size", "0", "--metric", "test_accuracy"],
         "The '--test-size' option of nnlearn sweep must be a fraction in (0.0, 1.0) with --metric test_accuracy"),
        (["sweep", "--resume"], "The '--resume' option of nnlearn sweep must be given with --results FILE.jsonl"),
        (["sweep", "--save-weights"], "The '--save-weights' option of nnlearn sweep must be given with --results FILE.jsonl"),
        (["train", "--data", "cifar"], "The '--data' option of nnlearn train must be one of ['digits20', 'spirals', "),
        (["predict", "--model", "m.npz", "--data", "cifar"], "The '--data' option of nnlearn predict must be one of "),
        (["gradcheck", "--layers", "3", "5"], "The '--layers' option of nnlearn gradcheck must be 3 ints >= 1 (input, "
                                              "hidden and output units) such as 3 5 3. Got '3 5' instead."),
        (["gradcheck", "--layers", "3", "0", "3"], "The '--layers' option of nnlearn gradcheck must be 3 ints >= 1"),
        (["gradcheck", "--m", "0"], "The '--m' option of nnlearn gradcheck must be an int in the range [1, inf). Got 0 instead."),
        (["gradcheck", "--variant", "matlab"],
         "The '--variant' option of nnlearn gradcheck must be a str among ['python', 'octave']. Got 'matlab' instead."),
        (["gradcheck", "--eps", "0"], "The '--eps' option of nnlearn gradcheck must be a float in the range (0.0, inf)."),
        (["gradcheck", "--threshold", "x"], "The '--threshold' option of nnlearn gradcheck must be a float in the range (0.0, inf)."),
        (["sweep", "--plot", "heat.bmpx"], "The '--plot' option of nnlearn sweep must be an image file name ending in one of "),
        (["frobnicate"], "argument COMMAND: invalid choice: 'frobnicate'"),
        (["train", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_flag_errors_name_the_flag_and_the_command(capsys, argv, message):
    assert main(argv) == 2
    assert one_error_line(capsys).startswith(message)


def test_a_missing_data_file_is_one_line(capsys, tmp_path):
    assert main(["train", "--data", str(tmp_path / "nothere.mat")]) == 2
    assert "nothere.mat" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["train", "--data", "spirals", "--save", "out.npz"],
        ["predict", "--model", "model.npz", "--data", "spirals", "--output", "out.csv"],
        ["sweep", "--data", "spirals", "--plot", "out.png"],
        ["sweep", "--data", "spirals", "--results", "out.jsonl"],
    ],
    ids=["train --save", "predict --output", "sweep --plot", "sweep --results"],
)
def test_output_flags_are_checked_before_any_work(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    flag, target = argv[-2], argv[-1]
    (tmp_path / target).mkdir()
    assert main(argv) == 2
    command = argv[0]
    rule = "must be the name of a file to write in an existing directory"
    assert one_error_line(capsys) == f"The '{flag}' option of nnlearn {command} {rule}. Got '{target}' (which is a directory) instead."
    argv[-1] = "no/such/dir/" + target
    assert main(argv) == 2
    assert one_error_line(capsys).endswith(f"Got '{argv[-1]}' (directory no/such/dir does not exist) instead.")
    assert sorted(p.name for p in tmp_path.iterdir()) == [target]  # nothing written


# -- the process -------------------------------------------------------------------------------------


def test_console_script_runs_and_debug_shows_traceback():
    ok = subprocess.run([sys.executable, "-m", "nnlearn.cli", "gradcheck"], capture_output=True, text=True)
    assert ok.returncode == 0 and "PASS" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "nnlearn.cli", "train", "--hidden", "64", "32"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.startswith("nnlearn: error: The '--hidden' option of nnlearn train") and bad.stderr.count("\n") == 1
    bad = subprocess.run([sys.executable, "-m", "nnlearn.cli", "--debug", "train", "--alpha", "-1"],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "Traceback" in bad.stderr


def test_help_for_every_command(capsys):
    for argv in (["--help"], ["train", "--help"], ["gradcheck", "--help"], ["predict", "--help"], ["sweep", "--help"],
                 ["report", "--help"], ["bench", "--help"]):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "--max-iter" in out and "--no-progress" in out and "64,32" in out


def test_no_command_prints_help_with_status_2(capsys):
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_submodules_are_reachable_from_the_package():
    code = ("import sys, nnlearn; assert 'nnlearn.sweep' not in sys.modules; "
            "assert callable(nnlearn.sweep.run) and callable(nnlearn.datasets.load_digits20); "
            "assert callable(nnlearn.plots.digits_grid) and 'sweep' in dir(nnlearn)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
