import subprocess
import sys

import pytest

from nnlearn.cli import main


def test_gradcheck_passes_on_the_debug_network(capsys):
    assert main(["gradcheck", "--alpha", "3"]) == 0
    out = capsys.readouterr().out
    assert "network 3-5-3" in out and "PASS" in out
    assert "Theta[0] 5x4" in out and "Theta[1] 3x6" in out


def test_gradcheck_reports_failure_with_status_1(capsys):
    assert main(["gradcheck", "--threshold", "1e-20"]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_train_on_spirals(capsys):
    assert main(["train", "--data", "spirals", "--hidden", "4", "--solver", "L-BFGS-B",
                 "--max-iter", "200", "--alpha", "0", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "network      2-4-1 (17 parameters), tanh hidden" in out
    held_out = float(out.split("held-out acc")[1].split("%")[0])
    assert held_out > 90


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--alpha", "-1"], "The 'alpha' parameter of MLPClassifier must be a float in the range [0.0, inf)"),
        (["train", "--data", "nothere.mat"], "nothere.mat"),
        (["train", "--data", "cifar"], "unknown --data 'cifar'"),
        (["train", "--max-iter", "ten"], "argument --max-iter: invalid int value: 'ten'"),
        (["train", "--solver", "newton"], "The 'solver' parameter"),
        (["train", "--hidden", "0"], "hidden_layer_sizes"),
        (["train", "--test-size", "1.5"], "--test-size must be in [0, 1)"),
        (["gradcheck", "--layers", "3", "5"], "--layers takes 3 sizes"),
        (["gradcheck", "--activation", "gelu"], "Unknown activation 'gelu'"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_errors_are_one_line_with_status_2(capsys, argv, message):
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nnlearn: error:"), captured.err
    assert message in lines[0]
    assert "Traceback" not in captured.err


@pytest.mark.parametrize("argv", [["train", "--save", "out.npz"], ["sweep", "--plot", "out.png"]])
def test_output_flags_refuse_a_directory_with_one_message(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / argv[-1]).mkdir()
    assert main([*argv, "--data", "spirals", "--max-iter", "1"]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"nnlearn: error: {argv[1]} {argv[2]} is a directory; give a file name\n"
    assert captured.out == ""


def test_console_script_runs_and_debug_shows_traceback():
    ok = subprocess.run([sys.executable, "-m", "nnlearn.cli", "gradcheck"], capture_output=True, text=True)
    assert ok.returncode == 0 and "PASS" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "nnlearn.cli", "--debug", "train", "--alpha", "-1"],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "Traceback" in bad.stderr


def test_help_for_every_command(capsys):
    for argv in (["--help"], ["train", "--help"], ["gradcheck", "--help"]):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 0
    assert "--max-iter" in capsys.readouterr().out


def test_submodules_are_reachable_from_the_package():
    code = ("import sys, nnlearn; assert 'nnlearn.sweep' not in sys.modules; "
            "assert callable(nnlearn.sweep.run) and callable(nnlearn.datasets.load_digits20); "
            "assert callable(nnlearn.plots.digits_grid) and 'sweep' in dir(nnlearn)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
