"""Issue 14, class 5: no silently wrong or misleading result.

A cost that grows by orders of magnitude while staying finite is divergence
(the rule: J > 1e6 x max(J(theta0), 1)); a sweep in which every run failed
fails; a refit that fails leaves the estimator and its saved file describing
the fit that produced the weights; generated data stay finite; numbers print
in bounded width; the gradient check's threshold must be meaningful; the
divergence hint follows the values that ran.
"""

import json
import re
import warnings

import numpy as np
import pytest

import nnlearn
from nnlearn import MLPClassifier, Network, train
from nnlearn.cli import main
from nnlearn.core.optimizers import DIVERGENCE_FACTOR
from nnlearn.datasets import load_digits20, make_circles, make_flower, make_gaussians, make_moons, make_spirals, make_xor
from nnlearn.optimize import TrainingDiverged, divergence_hint, minimize
from nnlearn.sweep import format_table
from nnlearn.text import format_number


# -- the divergence rule ---------------------------------------------------------------------------------


def _quadratic(theta):
    return float(theta @ theta), 2 * theta  # J = |theta|^2


def test_a_finite_but_exploding_cost_is_divergence_at_the_first_iteration_beyond_the_rule():
    # gd with learning rate 1.5 on |theta|^2: theta <- -2 theta, J grows 4-fold per iteration from J0 = 1,
    # so 4**k passes 1e6 at k = 10: iterations 1..9 are kept, the 10th is refused.
    seen = {}
    with pytest.raises(TrainingDiverged, match=r"training diverged at iteration 10: the cost grew from 1 to 1\.04858e\+06, "
                                               r"more than 1e\+06 times its start; the weights of iteration 9 are kept\. "
                                               r"Try a smaller learning_rate \(it was 1\.5\)\.") as info:
        minimize(_quadratic, np.array([1.0]), method="gd", learning_rate=1.5, max_iter=100,
                 callback=lambda k, theta, J: seen.__setitem__(k, theta))
    assert info.value.iteration == 10 and len(info.value.cost_history) == 10
    np.testing.assert_array_equal(info.value.theta, seen[9])
    assert all(np.isfinite(info.value.cost_history))


def test_a_cost_that_oscillates_or_rises_less_is_not_divergence():
    # theta <- -theta: J stays 1 forever; and learning rate 1.2: J grows 1.96-fold, stopped by max_iter first.
    assert minimize(_quadratic, np.array([1.0]), method="gd", learning_rate=1.0, max_iter=50).n_iter == 50
    result = minimize(_quadratic, np.array([1.0]), method="gd", learning_rate=1.2, max_iter=20)
    assert result.n_iter == 20 and result.cost_history[-1] < DIVERGENCE_FACTOR


def test_a_small_start_is_measured_from_1():
    # J0 = 1e-12: growing to 1e-3 is not divergence (max(J0, 1) = 1), growing beyond 1e6 is.
    result = minimize(_quadratic, np.array([1e-6]), method="gd", learning_rate=1.5, max_iter=15)
    assert result.n_iter == 15
    with pytest.raises(TrainingDiverged, match="more than 1e\\+06 times its start"):
        minimize(_quadratic, np.array([1e-6]), method="gd", learning_rate=1.5, max_iter=100)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits20()
    rows = np.concatenate([np.flatnonzero(y == k)[:30] for k in range(10)])
    return X[rows], y[rows]


def test_the_issue_case_gd_at_learning_rate_1e6_no_longer_trains_silently(digits):
    X, y = digits
    net = Network([400, 25, 10])
    with pytest.raises(TrainingDiverged, match=r"the cost grew from 6\.\d+ to .*, more than 1e\+06 times its start"):
        train(net, net.init_weights(random_state=0), X, y, alpha=1.0, method="gd", learning_rate=1e6, max_iter=50)


def test_the_command_line_fails_on_divergence_and_saves_nothing(tmp_path, capsys):
    target = tmp_path / "model.npz"
    assert main(["train", "--data", "digits20", "--solver", "gd", "--learning-rate", "1e6", "--max-iter", "50",
                 "--save", str(target)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and re.match(r"nnlearn: error: MLPClassifier\.fit: training diverged at iteration \d+: the "
                                      r"cost grew from .* Try a smaller learning_rate \(it was 1e\+06\)\.$", err[0]), err
    assert not target.exists()


@pytest.mark.parametrize("method, learning_rate, alpha, scale, wanted, unwanted", [
    ("gd", 1e6, 1.0, 1.0, ["a smaller learning_rate (it was 1e+06)"], ["alpha"]),
    ("gd", 1.0, 1e300, 1.0, ["a smaller learning_rate", "a smaller alpha (it was 1e+300"], ["larger alpha"]),
    ("adam", None, 1e300, 1.0, ["a smaller learning_rate (it was 0.001)", "a smaller alpha"], ["larger alpha"]),
    ("CG", None, 1e300, 1.0, ["a smaller alpha (it was 1e+300)"], ["larger alpha", "learning_rate"]),
    ("CG", None, 0.1, 1e8, ["scaled features (the largest |X| is 1e+08)"], ["larger alpha", "learning_rate"]),
    ("L-BFGS-B", None, 0.1, 1.0, ["a larger alpha (it was 0.1"], ["smaller alpha", "learning_rate"]),
])
def test_the_divergence_hint_follows_the_values(method, learning_rate, alpha, scale, wanted, unwanted):
    hint = divergence_hint(method, learning_rate, alpha, np.full((100, 3), scale))
    assert hint.startswith("Try ") and hint.endswith(".")
    for text in wanted:
        assert text in hint, hint
    for text in unwanted:
        assert text not in hint, hint


def test_the_estimator_error_carries_the_hint_for_a_huge_alpha(digits):
    X, y = digits
    with pytest.raises(ValueError, match=r"Try a smaller learning_rate \(it was 1\) and a smaller alpha \(it was 1e\+300"):
        MLPClassifier(solver="gd", learning_rate=1.0, alpha=1e300, max_iter=5).fit(X, y)


# -- a sweep in which every run failed --------------------------------------------------------------------


def test_a_sweep_whose_every_run_failed_exits_2_with_one_error_line(capsys):
    status = main(["sweep", "--data", "spirals", "--solver", "gd", "--learning-rate", "1e300", "--alpha", "0", "1",
                   "--max-iter", "5", "--no-progress"])
    captured = capsys.readouterr()
    err = captured.err.splitlines()
    assert status == 2
    assert err[-1].startswith("nnlearn: error: every run of the sweep failed (2 of 2); the first: ValueError: "
                              "MLPClassifier.fit: training diverged at iteration 1"), err
    assert all(line.startswith("nnlearn: warning: The run") for line in err[:-1])  # one warning per failed run
    assert "failed: ValueError" in captured.out  # the table still says what happened


def test_a_sweep_with_some_failed_runs_still_exits_0(capsys):
    status = main(["sweep", "--data", "spirals", "--solver", "gd", "--learning-rate", "1e300", "0.1", "--max-iter", "5",
                   "--no-progress"])
    assert status == 0
    assert "1 failed" in capsys.readouterr().out


# -- a failed refit ------------------------------------------------------------------------------------------


def test_a_failed_refit_leaves_the_model_and_its_file_describing_the_fit_that_made_the_weights(tmp_path):
    X, y = make_moons(50, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = MLPClassifier(max_iter=5, alpha=0.5, random_state=0).fit(X, y)
    before = clf.network_.pack(clf.thetas_).copy(), clf.train_result_, dict(clf.fitted_params_)
    clf.set_params(solver="gd", learning_rate=1e300, alpha=2.0)
    with pytest.raises(ValueError, match="training diverged"):
        clf.fit(X, y)
    np.testing.assert_array_equal(clf.network_.pack(clf.thetas_), before[0])
    assert clf.train_result_ is before[1] and clf.fitted_params_ == before[2]
    path = tmp_path / "model.npz"
    with pytest.warns(UserWarning, match=r"the parameters \['alpha', 'learning_rate', 'solver'\] of this MLPClassifier "
                                         r"were changed after its last successful fit; the file records the values of "
                                         r"that fit"):
        nnlearn.save_model(path, clf)
    header = nnlearn.model_io.read_header(path)
    assert header["training"]["solver"] == "CG" and header["training"]["alpha"] == 0.5
    assert header["training"]["n_iter"] == 5 and header["training"]["message"] == before[1].message
    assert header["hyperparameters"]["solver"] == "CG" and header["hyperparameters"]["alpha"] == 0.5
    assert header["hyperparameters"]["learning_rate"] is None
    loaded = nnlearn.load_model(path)
    assert loaded.get_params()["solver"] == loaded.train_result_.method == "CG"
    assert loaded.fitted_params_ == loaded.get_params(deep=False)
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))


def test_an_unchanged_model_saves_without_a_warning(tmp_path):
    X, y = make_moons(50, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = MLPClassifier(max_iter=5, random_state=np.random.default_rng(0)).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nnlearn.save_model(tmp_path / "m.npz", clf)


# -- generated data, printed numbers, the gradient check's threshold -----------------------------------------


@pytest.mark.parametrize("make", [make_spirals, make_flower, make_circles, make_moons, make_xor, make_gaussians])
def test_generators_refuse_noise_that_would_overflow_and_stay_finite_at_the_limit(make):
    with pytest.raises(ValueError, match=r"The 'noise' parameter of make_\w+ must be a float in the range \[0\.0, 1000000\.0\]"):
        make(noise=1e308)
    X, y = make(noise=1e6, random_state=0)
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("x, decimals, text", [
    (0.6976354, 6, "0.697635"), (1.4e100, 6, "1.400000e+100"), (-1.4e100, 4, "-1.4000e+100"), (0.0, 4, "0.0000"),
    (2.5e-9, 4, "2.5000e-09"), (123456.7, 2, "123456.70"), (1e6, 2, "1.00e+06"), (float("nan"), 4, "nan"),
    (float("inf"), 4, "inf"),
])
def test_numbers_print_in_bounded_width(x, decimals, text):
    assert format_number(x, decimals) == text
    assert len(format_number(x, decimals)) <= decimals + 8


def test_a_sweep_table_never_prints_a_hundred_digits():
    record = {"alpha": 1.0, "max_iter": 5, "train_accuracy": 0.5, "final_cost": 1.4e100, "n_iter": 5, "seconds": 0.1}
    table = format_table([record], columns=["alpha", "max_iter"])
    assert "1.4000e+100" in table and max(len(line) for line in table.splitlines()) < 80


@pytest.mark.parametrize("threshold", ["nan", "-1", "0", "inf", "-inf", "x"])
def test_gradcheck_threshold_must_be_a_positive_finite_number(capsys, threshold):
    assert main(["gradcheck", f"--threshold={threshold}"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"nnlearn: error: The '--threshold' option of nnlearn gradcheck must be a float in the range "
                   f"(0.0, inf). Got {json.dumps(threshold) if threshold == 'x' else repr(float(threshold))} instead."
                   .replace('"x"', "'x'")]
