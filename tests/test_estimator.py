import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import nnlearn
from nnlearn import MLPClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@parametrize_with_checks([MLPClassifier(), MLPClassifier(output="softmax", solver="L-BFGS-B", hidden_layer_sizes=(8,))])
def test_scikit_learn_conformance(estimator, check):
    check(estimator)


def test_import_nnlearn_leaves_scikit_learn_for_first_use():
    code = (
        "import sys, nnlearn; assert 'sklearn' not in sys.modules; "
        "from nnlearn import MLPClassifier, load_model, save_model; "
        "assert MLPClassifier is nnlearn.estimator.MLPClassifier and load_model is nnlearn.model_io.load_model; "
        "assert {'MLPClassifier', 'load_model', 'save_model'} <= set(dir(nnlearn))"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_digits_reach_94_percent_after_40_cg_iterations():
    from nnlearn.datasets import load_digits20

    X, y = load_digits20()
    clf = MLPClassifier(hidden_layer_sizes=(25,), alpha=1.0, solver="CG", max_iter=40, random_state=0).fit(X, y)
    assert clf.score(X, y) >= 0.94
    assert clf.n_iter_ == 40 and len(clf.loss_curve_) == 41
    assert [T.shape for T in clf.thetas_] == [(25, 401), (10, 26)]
    assert clf.n_features_in_ == 400


def test_binary_problem_uses_one_output_unit_and_any_labels():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 2))
    y = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
    clf = MLPClassifier(hidden_layer_sizes=(3,), random_state=0).fit(X, y)
    assert clf.network_.layer_sizes == (2, 3, 1)
    np.testing.assert_array_equal(clf.classes_, ["no", "yes"])
    P = clf.predict_proba(X)
    h = clf.network_.predict_proba(nnlearn.Network.pack(clf.network_, clf.thetas_), X)[:, 0]
    np.testing.assert_allclose(P, np.column_stack([1 - h, h]))
    np.testing.assert_array_equal(clf.predict(X), np.where(h >= 0.5, "yes", "no"))
    assert clf.score(X, y) > 0.9


def test_predict_proba_normalizes_sigmoid_outputs_per_row():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 3))
    y = np.arange(60) % 3
    clf = MLPClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0).fit(X, y)
    h = clf.network_.predict_proba(clf.network_.pack(clf.thetas_), X)
    np.testing.assert_allclose(clf.predict_proba(X), h / h.sum(axis=1, keepdims=True), rtol=1e-14)
    np.testing.assert_array_equal(clf.predict(X), np.argmax(h, axis=1))


def test_same_random_state_bitwise_identical():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(50, 4))
    y = np.arange(50) % 3
    a = MLPClassifier(solver="adam", batch_size=10, max_iter=5, random_state=3).fit(X, y)
    b = MLPClassifier(solver="adam", batch_size=10, max_iter=5, random_state=3).fit(X, y)
    for Ta, Tb in zip(a.thetas_, b.thetas_):
        np.testing.assert_array_equal(Ta, Tb)
    assert a.loss_curve_ == b.loss_curve_


def test_sklearn_views_of_the_weights():
    X = np.random.default_rng(3).normal(size=(30, 4))
    clf = MLPClassifier(hidden_layer_sizes=(5,), max_iter=2, random_state=0).fit(X, np.arange(30) % 3)
    assert [c.shape for c in clf.coefs_] == [(4, 5), (5, 3)]
    np.testing.assert_array_equal(clf.intercepts_[0], clf.thetas_[0][:, 0])


def test_pipeline_and_grid_search():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X, y = X[:400], y[:400]
    pipe = make_pipeline(StandardScaler(), MLPClassifier(max_iter=20, random_state=0))
    search = GridSearchCV(pipe, {"mlpclassifier__alpha": [0.1, 1.0]}, cv=2).fit(X, y)
    assert search.best_score_ > 0.8
    assert set(search.cv_results_["param_mlpclassifier__alpha"]) == {0.1, 1.0}


def test_reaching_max_iter_is_silent_without_tol():
    """The course trains for a budget of iterations: stopping at max_iter alone warns of nothing."""
    X = np.random.default_rng(4).normal(size=(30, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for solver in ("CG", "L-BFGS-B", "fmincg", "gd", "adam"):
            clf = MLPClassifier(max_iter=3, solver=solver, random_state=0).fit(X, np.arange(30) % 2)
            assert clf.n_iter_ == 3


def test_warns_when_a_set_tol_is_not_met_by_max_iter():
    X = np.random.default_rng(4).normal(size=(30, 2))
    with pytest.warns(ConvergenceWarning, match=r"^CG stopped at max_iter=3 iterations before the gradient "
                      r"tolerance tol=1e-08 was met; increase max_iter, or set tol=None"):
        MLPClassifier(max_iter=3, tol=1e-8, random_state=0).fit(X, np.arange(30) % 2)
    with pytest.warns(ConvergenceWarning, match=r"^L-BFGS-B stopped at max_iter=3"):
        MLPClassifier(max_iter=3, tol=1e-8, solver="lbfgs", random_state=0).fit(X, np.arange(30) % 2)


def test_no_warning_when_tol_is_met_or_the_solver_has_no_tol():
    X = np.random.default_rng(4).normal(size=(30, 2))
    y = np.arange(30) % 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        met = MLPClassifier(hidden_layer_sizes=(), alpha=1.0, max_iter=500, tol=1e-4, solver="L-BFGS-B").fit(X, y)
        assert met.train_result_.converged and met.n_iter_ < 500
        for solver in ("fmincg", "gd", "sgd", "adam"):  # they ignore tol: max_iter is their only stop
            MLPClassifier(max_iter=3, tol=1e-8, solver=solver, random_state=0).fit(X, y)
        MLPClassifier(max_iter=0, tol=1e-8).fit(X, y)  # no training, nothing to converge


def test_the_rule_itself():
    from nnlearn.estimator import convergence_warning
    from nnlearn.optimize import TrainResult

    def result(method, message, converged=False, n_iter=5):
        return TrainResult(np.zeros(1), [1.0] * (n_iter + 1), n_iter, n_iter, message, 0.0, method, converged)

    assert convergence_warning(result("CG", "reached max_iter=5"), None) is None
    assert convergence_warning(result("CG", "reached max_iter=5"), 1e-6).startswith("CG stopped at max_iter=5 ")
    assert convergence_warning(result("CG", "Optimization terminated successfully.", True), 1e-6) is None
    assert convergence_warning(result("gd", "reached max_iter=5"), 1e-6) is None
    assert convergence_warning(result("TNC", "stopped by callback"), 1e-6) is None


def test_verbose_shows_a_progress_bar(capsys):
    X = np.random.default_rng(5).normal(size=(30, 2))
    MLPClassifier(max_iter=4, verbose=True).fit(X, np.arange(30) % 2)
    err = capsys.readouterr().err
    assert "MLPClassifier (CG)" in err and "4/4" in err and "cost=" in err


def test_one_class_is_refused_like_scikit_learn():
    with pytest.raises(ValueError, match="at least 2 classes.*only 1 class"):
        MLPClassifier().fit(np.ones((4, 2)), [1, 1, 1, 1])


def test_predict_before_fit_and_with_other_feature_count():
    with pytest.raises(NotFittedError):
        MLPClassifier().predict(np.ones((2, 2)))
    clf = MLPClassifier(max_iter=2).fit(np.random.default_rng(0).normal(size=(20, 3)), np.arange(20) % 2)
    with pytest.raises(ValueError, match="X has 4 features, but MLPClassifier is expecting 3 features"):
        clf.predict(np.ones((2, 4)))


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"alpha": -1}, ValueError, r"The 'alpha' parameter of MLPClassifier must be a float in the range \[0.0, inf\). Got -1 instead."),
        ({"alpha": "a"}, TypeError, "The 'alpha' parameter"),
        ({"max_iter": -3}, ValueError, r"The 'max_iter' parameter of MLPClassifier must be an int in the range \[0, 100000000\]. Got -3 instead"),
        ({"max_iter": 1.5}, TypeError, "The 'max_iter' parameter"),
        ({"learning_rate": 0.0}, ValueError, r"The 'learning_rate' parameter .* range \(0.0, inf\) or None"),
        ({"batch_size": 0}, ValueError, "The 'batch_size' parameter"),
        ({"momentum": 1.0}, ValueError, r"The 'momentum' parameter .* range \[0.0, 1.0\)"),
        ({"activation": "gelu"}, ValueError, r"The 'activation' parameter of MLPClassifier must be a str among \["),
        ({"output": "linear"}, ValueError, "The 'output' parameter"),
        ({"solver": "newton"}, ValueError, "The 'solver' parameter"),
        ({"init": "he"}, ValueError, "The 'init' parameter"),
        # Only solver names are matched in any case (as train() does); these are refused up front.
        ({"activation": "Sigmoid"}, ValueError, r"The 'activation' parameter .* Got 'Sigmoid' instead"),
        ({"output": "Softmax"}, ValueError, r"The 'output' parameter .* Got 'Softmax' instead"),
        ({"init": "Uniform"}, ValueError, r"The 'init' parameter .* Got 'Uniform' instead"),
        ({"hidden_layer_sizes": (5, 0)}, ValueError, "The 'hidden_layer_sizes' parameter .* ints >= 1"),
        ({"hidden_layer_sizes": "25"}, TypeError, r"The 'hidden_layer_sizes' parameter of MLPClassifier must be an int or a tuple of ints >= 1 .* Got '25' instead"),
    ],
)
def test_bad_hyperparameters(params, error, match):
    with pytest.raises(error, match=match):
        MLPClassifier(**params).fit(np.ones((4, 2)), [0, 1, 0, 1])


def test_solver_names_in_any_case():
    X, y = np.random.default_rng(0).normal(size=(20, 3)), np.arange(20) % 2
    clf = MLPClassifier(solver="l-bfgs-b", max_iter=2).fit(X, y)
    assert clf.train_result_.method == "L-BFGS-B"


def test_divergence_keeps_last_finite_weights():
    X = np.random.default_rng(6).normal(size=(20, 2)) * 1e3
    clf = MLPClassifier(solver="gd", learning_rate=1e305, max_iter=20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(ValueError, match="diverged at iteration") as info:
            clf.fit(X, np.arange(20) % 2)
    # The estimator stays unfitted; the error carries the weights of the last finite iteration.
    with pytest.raises(NotFittedError):
        clf.predict(X)
    assert np.all(np.isfinite(info.value.__cause__.theta))


# -- a fit checks everything before it changes anything (issue 10, item 3) -------------


def test_bfgs_on_a_big_network_is_refused_before_anything_is_fitted():
    X = np.random.default_rng(0).random((30, 400))
    clf = MLPClassifier(solver="BFGS")
    with pytest.raises(ValueError, match=r"The 'solver' parameter of MLPClassifier must be a method other than 'BFGS'"):
        clf.fit(X, np.arange(30) % 10)
    assert not any(name.endswith("_") for name in vars(clf))
    with pytest.raises(NotFittedError):
        clf.predict(X)


def test_a_failed_refit_keeps_the_old_model_whole():
    X = np.random.default_rng(6).normal(size=(20, 2))
    y = np.arange(20) % 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=5, random_state=0).fit(X, y)
    before = {name: value for name, value in vars(clf).items() if name.endswith("_")}
    thetas, result, predicted = [T.copy() for T in clf.thetas_], clf.train_result_, clf.predict(X)
    # A divergence (gd at lr 1e305 on large inputs) and a mistake found at the door:
    for change in ({"solver": "gd", "learning_rate": 1e305}, {"batch_size": 0}):
        clf.set_params(**change)
        with warnings.catch_warnings(), pytest.raises(ValueError):
            warnings.simplefilter("ignore")
            clf.fit(X * 1e3, y)
        clf.set_params(solver="CG", learning_rate=None, batch_size=None)
        assert {name: value for name, value in vars(clf).items() if name.endswith("_")}.keys() == before.keys()
        assert clf.train_result_ is result and clf.n_iter_ == result.n_iter
        assert all(np.array_equal(a, b) for a, b in zip(clf.thetas_, thetas))
        np.testing.assert_array_equal(clf.predict(X), predicted)
