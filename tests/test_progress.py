"""nnlearn.progress: progress bars where they help (interactive sessions), nothing elsewhere."""

import sys

import pytest

import nnlearn
from nnlearn import progress, sweep
from nnlearn.gradcheck import debug_problem


@pytest.fixture
def interactive_prompt(monkeypatch):
    """Python's interactive prompt: ``sys.ps1`` exists only there."""
    monkeypatch.setattr(sys, "ps1", ">>> ", raising=False)


def test_a_test_run_is_not_interactive():
    assert progress.interactive() is False
    assert progress.resolve(None) is False and progress.resolve(True) is True and progress.resolve(False) is False


def test_the_prompt_and_ipython_are_interactive(interactive_prompt):
    assert progress.interactive() is True and progress.resolve(None) is True


def test_an_ipython_shell_is_interactive():
    InteractiveShell = pytest.importorskip("IPython.core.interactiveshell").InteractiveShell
    prompts = {name: getattr(sys, name) for name in ("ps1", "ps2") if hasattr(sys, name)}
    InteractiveShell.instance()  # get_ipython() returns it
    try:
        for name in ("ps1", "ps2"):  # IPython sets sys.ps1 too: check get_ipython() alone
            if hasattr(sys, name):
                delattr(sys, name)
        assert progress.interactive() is True
    finally:
        InteractiveShell.clear_instance()
        for name in ("ps1", "ps2"):
            if name in prompts:
                setattr(sys, name, prompts[name])
            elif hasattr(sys, name):
                delattr(sys, name)
    assert progress.interactive() is False


@pytest.mark.parametrize("value, error", [(1, TypeError), ("yes", TypeError), (0.0, TypeError)])
def test_progress_rule(value, error):
    with pytest.raises(error, match=r"^The 'progress' parameter of train must be a bool \(True or False\) or None\. "
                                    rf"Got {value!r} instead\.$"):
        nnlearn.train(*debug_problem()[:4], progress=value)


def _train(progress_value, **kwargs):
    net, theta, X, y = debug_problem()
    return nnlearn.train(net, theta, X, y, max_iter=5, progress=progress_value, **kwargs)


def test_train_progress_true_draws_a_bar_on_stderr(capsys):
    result = _train(True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "train (CG)" in captured.err and "5/5" in captured.err
    assert f"cost={result.cost_history[-1]:.6g}" in captured.err  # the last iteration's cost


@pytest.mark.parametrize("value", [False, None])
def test_train_progress_off_or_not_interactive_draws_nothing(capsys, value):
    _train(value)
    assert capsys.readouterr().err == ""


def test_train_progress_none_in_an_interactive_session(capsys, interactive_prompt):
    _train(None)
    assert "train (CG)" in capsys.readouterr().err


def test_the_bar_keeps_the_callback_and_its_stop(capsys):
    seen = []
    result = _train(True, callback=lambda i, theta, cost: seen.append(i) or i == 3)
    assert seen == [1, 2, 3] and result.n_iter == 3 and result.message == "stopped by callback"
    assert "3/5" in capsys.readouterr().err


def test_sweep_shows_progress_by_default_only_when_interactive(capsys, monkeypatch):
    grid = {"alpha": [0.0], "max_iter": [1, 2]}
    sweep.run(grid, "spirals")
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(sys, "ps1", ">>> ", raising=False)
    sweep.run(grid, "spirals")
    err = capsys.readouterr().err
    assert "sweep" in err and "2/2" in err
