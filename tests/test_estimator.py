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
from sklearn.utils.estimator_checks import check_sample_weight_equivalence_on_dense_data

from nnlearn import MLPClassifier, MLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# scikit-learn's check fits once with integer weights and once with the rows repeated (in another
# order): the costs then agree to the last bits only, and CG amplifies those last bits over its 50
# line searches into differences of 6e-7 (classifier) and 5e-3 (regressor) in the predictions, on
# its problem of 15 rows and 30 features. scikit-learn too runs this check on its MLPs with other
# parameters than their defaults (lbfgs, sgd). test_weight_equivalence_check_passes_for_steady_solvers
# runs it on solvers it suits; the weighted cost and gradient equal those of repeated rows to 1e-13
# (tests/test_estimator_base.py) and scikit-learn's (tests/test_oracles.py).
CG_WEIGHT_CHECK = {"check_sample_weight_equivalence_on_dense_data": "CG amplifies last-bit differences of the costs"}


@parametrize_with_checks(
    [
        MLPClassifier(),
        MLPClassifier(output="softmax", solver="L-BFGS-B", hidden_layer_sizes=(8,)),
        MLPClassifier(solver="sgd"),  # partial_fit
        MLPRegressor(),
        MLPRegressor(solver="L-BFGS-B", activation="tanh", hidden_layer_sizes=(8,)),
        MLPRegressor(solver="sgd", max_iter=200),  # partial_fit
    ],
    expected_failed_checks=lambda estimator: CG_WEIGHT_CHECK if estimator.solver == "CG" else {},
)
def test_scikit_learn_conformance(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", [MLPClassifier, MLPRegressor])
@pytest.mark.parametrize("solver", ["L-BFGS-B", "gd", "sgd", "adam"])
def test_weight_equivalence_check_passes_for_steady_solvers(estimator, solver):
    check_sample_weight_equivalence_on_dense_data(estimator.__name__, estimator(solver=solver))


def test_import_nnlearn_leaves_scikit_learn_for_first_use():
    code = (
        "import sys, nnlearn; assert 'sklearn' not in sys.modules; "
        "from nnlearn import MLPClassifier, MLPRegressor, load_model, save_model; "
        "assert MLPClassifier is nnlearn.estimator.MLPClassifier and load_model is nnlearn.model_io.load_model; "
        "assert MLPRegressor is nnlearn.estimator.MLPRegressor; "
        "assert {'MLPClassifier', 'MLPRegressor', 'load_model', 'save_model'} <= set(dir(nnlearn))"
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


# -- the fitted attributes users of scikit-learn expect (issue 11) ---------------------------------


def test_fitted_attributes_of_the_classifier():
    X = np.random.default_rng(7).normal(size=(40, 3))
    clf = MLPClassifier(hidden_layer_sizes=(5, 4), max_iter=6, random_state=0).fit(X, np.arange(40) % 3)
    assert (clf.n_layers_, clf.n_outputs_, clf.out_activation_) == (4, 3, "logistic")
    assert clf.loss_ == clf.loss_curve_[-1] and clf.best_loss_ == min(clf.loss_curve_)
    assert clf.validation_loss_curve_ is None and clf.best_validation_loss_ is None and not clf.multilabel_
    softmax = MLPClassifier(output="softmax", max_iter=2).fit(X, np.arange(40) % 2)
    assert (softmax.n_layers_, softmax.n_outputs_, softmax.out_activation_) == (3, 2, "softmax")
    assert MLPClassifier(max_iter=2).fit(X, np.arange(40) % 2).n_outputs_ == 1


def test_predict_log_proba_is_the_log_of_predict_proba():
    X = np.random.default_rng(8).normal(size=(30, 2))
    for output, y in (("sigmoid", np.arange(30) % 2), ("sigmoid", np.arange(30) % 3), ("softmax", np.arange(30) % 3)):
        clf = MLPClassifier(hidden_layer_sizes=(3,), output=output, max_iter=5, random_state=0).fit(X, y)
        np.testing.assert_array_equal(clf.predict_log_proba(X), np.log(clf.predict_proba(X)))
    # Probabilities that underflow to 0 give -inf, without a warning.
    clf = MLPClassifier(hidden_layer_sizes=(), alpha=0.0, max_iter=200, solver="L-BFGS-B").fit(
        np.array([[-1.0], [1.0]]) * np.ones((2, 1)), [0, 1])
    with warnings.catch_warnings(), pytest.warns(UserWarning, match="Scale the features"):
        warnings.simplefilter("error", RuntimeWarning)
        log_p = clf.predict_log_proba(np.array([[-1e6]]))
    assert log_p[0, 1] == -np.inf and log_p[0, 0] == 0.0


# -- multi-label targets: the course's own model, one sigmoid unit per label -------------------------


def multilabel_problem():
    rng = np.random.default_rng(9)
    X = rng.normal(size=(60, 4))
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0, X[:, 0] + X[:, 2] > 0]).astype(int)  # rows with 0 to 3 ones
    return X, Y


def test_multilabel_is_the_course_network_on_the_indicator_matrix():
    X, Y = multilabel_problem()
    clf = MLPClassifier(hidden_layer_sizes=(5,), solver="L-BFGS-B", max_iter=30, random_state=0).fit(X, Y)
    assert clf.multilabel_ and list(clf.classes_) == [0, 1, 2] and clf.n_outputs_ == 3
    # the same fit by hand: Network with 3 sigmoid units, the same initial weights, train()
    net = nnlearn.Network([4, 5, 3])
    theta0 = net.init_weights(method="uniform", epsilon=0.12, random_state=0)
    result = nnlearn.train(net, theta0, X, Y, alpha=1.0, method="L-BFGS-B", max_iter=30)
    np.testing.assert_array_equal(net.pack(clf.thetas_), result.theta)
    h = net.predict_proba(result.theta, X)
    np.testing.assert_array_equal(clf.predict_proba(X), h)  # each label's probability; rows need not sum to 1
    np.testing.assert_array_equal(clf.predict(X), (h >= 0.5).astype(int))
    assert clf.predict(X).shape == (60, 3) and clf.score(X, Y) > 0.75  # subset accuracy: all 3 labels right
    assert np.any(clf.predict(X).sum(axis=1) > 1)


def test_multilabel_needs_sigmoid_outputs_and_0_1_columns():
    X, Y = multilabel_problem()
    with pytest.raises(ValueError, match=r"The 'output' parameter of MLPClassifier must be 'sigmoid' for multi-label y"):
        MLPClassifier(output="softmax").fit(X, Y)
    with pytest.raises(ValueError, match=r"The 'y' parameter of MLPClassifier must be labels of shape \(m,\), or a 0/1 indicator "
                                         r"matrix of shape \(m, n_labels\) \(multi-label\). Got a 2-D y of type 'multiclass-multioutput'"):
        MLPClassifier().fit(X, Y + Y[:, [1, 2, 0]])  # values 0, 1, 2
    with pytest.raises(ValueError, match=r"The 'y' parameter of MLPClassifier must be a 0/1 target matrix of shape "
                                         r"\(60, 3\) .* Got values other than 0 and 1 instead"):
        MLPClassifier().fit(X, Y * 2 + 1)  # two values: scikit-learn calls it multi-label
    clf = MLPClassifier(max_iter=2, warm_start=True).fit(X, Y)
    with pytest.raises(ValueError, match="the fitted model is multi-label"):
        clf.fit(X, Y[:, 0])


# -- MLPRegressor -------------------------------------------------------------------------------


def test_regressor_predicts_the_identity_outputs_in_the_shape_of_y():
    rng = np.random.default_rng(10)
    X = rng.normal(size=(50, 3))
    y = np.sin(X[:, 0]) + X[:, 1]
    reg = MLPRegressor(hidden_layer_sizes=(8,), activation="tanh", alpha=0.01, max_iter=200, random_state=0).fit(X, y)
    net, theta = reg.network_, reg.network_.pack(reg.thetas_)
    assert net.output == "identity" and net.layer_sizes == (3, 8, 1)
    assert (reg.n_layers_, reg.n_outputs_, reg.out_activation_) == (3, 1, "identity")
    prediction = reg.predict(X)
    assert prediction.shape == (50,)
    np.testing.assert_array_equal(prediction, net.predict(theta, X)[:, 0])  # h itself
    assert reg.score(X, y) > 0.95  # R^2 of RegressorMixin
    assert reg.loss_ == reg.loss_curve_[-1] == pytest.approx(net.cost(theta, X, y, alpha=0.01), rel=1e-15)
    Y = np.column_stack([y, -2 * y, X[:, 2]])  # multi-output
    multi = MLPRegressor(hidden_layer_sizes=(8,), activation="tanh", alpha=0.01, max_iter=300, random_state=0).fit(X, Y)
    assert multi.predict(X).shape == (50, 3) and multi.n_outputs_ == 3 and multi.score(X, Y) > 0.9


def test_regressor_in_a_pipeline_and_grid_search():
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), TransformedTargetRegressor(
        MLPRegressor(hidden_layer_sizes=(10,), activation="tanh", max_iter=100, random_state=0),
        transformer=StandardScaler()))
    search = GridSearchCV(pipe, {"transformedtargetregressor__regressor__alpha": [1.0, 30.0]}, cv=3).fit(X, y)
    assert search.best_score_ > 0.4  # R^2 on held-out folds (linear regression reaches about 0.48)
    assert set(search.cv_results_["param_transformedtargetregressor__regressor__alpha"]) == {1.0, 30.0}


def test_regressor_refuses_targets_that_are_not_numbers():
    with pytest.raises(TypeError, match=r"The 'y' parameter of MLPRegressor must be finite real targets of shape "
                                        r"\(3,\) or \(3, 1\) .* Got an array of dtype <U1 instead"):
        MLPRegressor().fit(np.ones((3, 2)), ["a", "b", "c"])
    with pytest.raises(ValueError, match="NaN"):
        MLPRegressor().fit(np.ones((3, 2)), [1.0, np.nan, 2.0])
