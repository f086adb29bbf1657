"""What both estimators share (nnlearn.estimator_base): early stopping, warm start, partial_fit, sample weights."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from nnlearn import MLPClassifier, MLPRegressor
from nnlearn.estimator_base import validation_split

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SOLVERS = {  # every solver, with a step size that suits the problems below
    "CG": {},
    "L-BFGS-B": {},
    "fmincg": {},
    "TNC": {},
    "BFGS": {},
    "gd": {"learning_rate": 0.5},
    "sgd": {"learning_rate": 0.1, "batch_size": 10},
    "adam": {"learning_rate": 0.01, "batch_size": 10},
}


def noisy_sine(m=60, seed=0):
    """A problem a 40-unit network overfits: 60 points of sin(3x) with noise of standard deviation 0.4."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(m, 1))
    return X, np.sin(3 * X[:, 0]) + rng.normal(scale=0.4, size=m)


def overfitting_regressor(solver, **kwargs):
    params = dict(hidden_layer_sizes=(40,), activation="tanh", alpha=0.0, solver=solver, max_iter=3000,
                  early_stopping=True, validation_fraction=0.3, n_iter_no_change=20, init="glorot", random_state=0)
    params.update(SOLVERS[solver])
    params.update(kwargs)
    return MLPRegressor(**params)


def fitted_attributes(estimator):
    return {name: value for name, value in vars(estimator).items() if name.endswith("_")}


# -- early stopping --------------------------------------------------------------------------


@pytest.mark.parametrize("solver", sorted(SOLVERS))
def test_early_stopping_restores_the_best_weights_of_a_run_that_overfits(solver):
    X, y = noisy_sine()
    reg = overfitting_regressor(solver).fit(X, y)
    curve, costs = np.array(reg.validation_loss_curve_), np.array(reg.loss_curve_)
    best = int(np.argmin(curve))
    # One validation loss per iteration, beside the training cost ([0] at the initial weights).
    assert len(curve) == len(costs) == reg.n_iter_ + 1
    # It stopped early, n_iter_no_change iterations after the last improvement ...
    assert 0 < best < reg.n_iter_ < 3000 and reg.n_iter_ - best <= 20
    assert "validation loss did not improve" in reg.train_result_.message
    # ... because it overfits: the training cost went on falling while the validation loss rose.
    assert costs[-1] < costs[best] and curve[-1] > curve[best]
    # The kept weights are the best iteration's: their validation loss, computed here on the rows
    # the same split holds out, is the curve's minimum; loss_ is the training cost there.
    train, validation = validation_split(60, 0.3, None, 0)
    theta = reg.network_.pack(reg.thetas_)
    assert reg.network_.cost(theta, X[validation], y[validation], 0.0) == pytest.approx(curve[best], rel=1e-14)
    assert reg.best_validation_loss_ == curve[best] and reg.loss_ == costs[best] and reg.best_loss_ is None
    # The last iterate (train_result_.theta) was worse on the held-out rows.
    assert reg.network_.cost(reg.train_result_.theta, X[validation], y[validation]) > curve[best]


@pytest.mark.parametrize("solver", ["CG", "L-BFGS-B", "fmincg", "gd"])
def test_early_stopping_never_trains_on_the_held_out_rows(solver):
    # The same run on the training rows alone, without early stopping, ends at the same last iterate.
    X, y = noisy_sine()
    reg = overfitting_regressor(solver).fit(X, y)
    train, _ = validation_split(60, 0.3, None, 0)
    plain = overfitting_regressor(solver, early_stopping=False, max_iter=reg.n_iter_).fit(X[train], y[train])
    np.testing.assert_array_equal(reg.train_result_.theta, plain.network_.pack(plain.thetas_))
    assert reg.loss_curve_ == plain.loss_curve_


def test_a_longer_patience_runs_on_and_keeps_the_same_best():
    X, y = noisy_sine()
    short = overfitting_regressor("L-BFGS-B", n_iter_no_change=20).fit(X, y)
    long = overfitting_regressor("L-BFGS-B", n_iter_no_change=60).fit(X, y)
    assert long.n_iter_ > short.n_iter_
    assert long.validation_loss_curve_[: short.n_iter_ + 1] == short.validation_loss_curve_
    # the 40 more iterations found nothing better: the same best weights
    assert long.best_validation_loss_ == short.best_validation_loss_
    for a, b in zip(long.thetas_, short.thetas_):
        np.testing.assert_array_equal(a, b)


def test_early_stopping_counts_iterations_without_an_improvement_larger_than_tol():
    X, y = noisy_sine()
    # With a huge tol nothing counts as an improvement: it stops after exactly n_iter_no_change iterations
    # and keeps the best weights among them.
    reg = overfitting_regressor("gd", tol=1e3, n_iter_no_change=4).fit(X, y)  # (the scipy solvers take tol as gtol too)
    assert reg.n_iter_ == 4 and len(reg.validation_loss_curve_) == 5
    assert reg.best_validation_loss_ == min(reg.validation_loss_curve_)


def test_early_stopping_classifier_holds_out_a_stratified_share():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(100, 2))
    y = np.where(np.arange(100) < 80, "common", "rare")
    train, validation = validation_split(100, 0.2, (y == "rare").astype(int), 0)
    assert len(validation) == 20 and np.sum(y[validation] == "rare") == 4  # 20% of each class
    assert np.intersect1d(train, validation).size == 0 and len(train) + len(validation) == 100
    clf = MLPClassifier(hidden_layer_sizes=(5,), early_stopping=True, validation_fraction=0.2, max_iter=30,
                        random_state=0).fit(X, y)
    assert len(clf.validation_loss_curve_) == clf.n_iter_ + 1 == len(clf.loss_curve_)
    assert clf.best_validation_loss_ == min(clf.validation_loss_curve_)


def test_without_early_stopping_there_is_no_validation_curve():
    X, y = noisy_sine()
    reg = MLPRegressor(hidden_layer_sizes=(5,), max_iter=10, random_state=0).fit(X, y)
    assert reg.validation_loss_curve_ is None and reg.best_validation_loss_ is None
    assert reg.best_loss_ == min(reg.loss_curve_) and reg.loss_ == reg.loss_curve_[-1]


def test_early_stopping_that_cannot_split_names_the_problem_and_changes_nothing():
    X, y = np.random.default_rng(0).normal(size=(10, 2)), np.arange(10) % 3
    clf = MLPClassifier(early_stopping=True, validation_fraction=0.1)
    with pytest.raises(ValueError, match=r"The 'validation_fraction' parameter of MLPClassifier.fit must be a fraction that "
                                         r"early_stopping can hold out of the 10 samples \(stratified by class\). Got 0.1 "):
        clf.fit(X, y)
    assert fitted_attributes(clf) == {}


def test_stopping_early_is_no_convergence_failure_but_reaching_max_iter_is():
    X, y = noisy_sine()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        overfitting_regressor("CG").fit(X, y)
    # Reaching max_iter warns only when a tolerance was asked for (the rule of nnlearn.estimator.convergence_warning).
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        overfitting_regressor("CG", max_iter=5, early_stopping=False).fit(X, y)
    with pytest.warns(ConvergenceWarning, match=r"CG stopped at max_iter=5 iterations before the gradient tolerance tol=1e-08"):
        overfitting_regressor("CG", max_iter=5, early_stopping=False, tol=1e-8).fit(X, y)


# -- warm start ---------------------------------------------------------------------------------


def test_warm_start_continues_the_weights_and_the_history():
    X, y = noisy_sine()
    params = dict(hidden_layer_sizes=(6,), solver="gd", learning_rate=0.5, random_state=0)
    once = MLPRegressor(max_iter=10, **params).fit(X, y)
    twice = MLPRegressor(max_iter=4, **params).fit(X, y)
    first_curve = list(twice.loss_curve_)
    twice.set_params(warm_start=True, max_iter=6).fit(X, y)
    # gd keeps no state between steps: 4 + 6 steps are the 10 steps of one fit, to the bit.
    for a, b in zip(twice.thetas_, once.thetas_):
        np.testing.assert_array_equal(a, b)
    assert twice.loss_curve_ == once.loss_curve_ and twice.loss_curve_[:5] == first_curve
    assert twice.n_iter_ == 10 and twice.train_result_.n_iter == 6


def test_warm_start_with_cg_starts_from_the_fitted_weights():
    X, y = noisy_sine()
    reg = MLPRegressor(hidden_layer_sizes=(6,), max_iter=5, random_state=0).fit(X, y)
    before = reg.network_.pack(reg.thetas_)
    reg.set_params(warm_start=True, random_state=1).fit(X, y)  # another seed would give other initial weights
    np.testing.assert_array_equal(reg.train_result_.cost_history[0], reg.loss_curve_[5])
    assert reg.network_.cost(before, X, y, alpha=1.0) == reg.loss_curve_[5]
    assert len(reg.loss_curve_) == 11 and reg.loss_curve_[10] < reg.loss_curve_[5]


def test_warm_start_with_early_stopping_continues_both_curves():
    X, y = noisy_sine()
    reg = MLPRegressor(hidden_layer_sizes=(6,), max_iter=3, random_state=0).fit(X, y)
    reg.set_params(warm_start=True, early_stopping=True, max_iter=4, n_iter_no_change=50).fit(X, y)
    assert len(reg.loss_curve_) == len(reg.validation_loss_curve_) == 8
    assert np.all(np.isnan(reg.validation_loss_curve_[:4])) and np.all(np.isfinite(reg.validation_loss_curve_[4:]))


def test_warm_start_refuses_another_network_and_keeps_the_model():
    X, y = noisy_sine()
    reg = MLPRegressor(hidden_layer_sizes=(6,), max_iter=3, random_state=0, warm_start=True).fit(X, y)
    before = fitted_attributes(reg)
    reg.set_params(hidden_layer_sizes=(7,))
    with pytest.raises(ValueError, match=r"The 'X' parameter of MLPRegressor.fit must be data for the fitted network \[1, 6, 1\] .* "
                                         r"which warm_start continues. Got data and hyperparameters asking for \[1, 7, 1\]"):
        reg.fit(X, y)
    assert fitted_attributes(reg) == before
    with pytest.raises(ValueError, match=r"The 'y' parameter of MLPRegressor must be targets of 1 output\(s\), as the fitted network has. Got 2 output\(s\) instead"):
        reg.set_params(hidden_layer_sizes=(6,)).fit(X, np.column_stack([y, y]))
    assert fitted_attributes(reg) == before


def test_warm_start_classifier_takes_labels_it_knows():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 2)), np.arange(30) % 3
    clf = MLPClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0, warm_start=True).fit(X, y)
    clf.fit(X[y < 2], y[y < 2])  # a subset of the classes is fine
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    with pytest.raises(ValueError, match=r"The 'y' parameter of MLPClassifier must be labels among the classes \[0, 1, 2\] of the fitted model. Got labels \[3\] instead"):
        clf.fit(X, y + (y == 2))


# -- partial_fit -----------------------------------------------------------------------------


def batches(X, y, size):
    return [(X[start : start + size], y[start : start + size]) for start in range(0, len(X), size)]


@pytest.mark.parametrize("estimator", [MLPRegressor, MLPClassifier])
@pytest.mark.parametrize("solver, options", [("sgd", {"momentum": 0.9}), ("adam", {})])
def test_partial_fit_over_batches_equals_fit_over_the_same_batches(estimator, solver, options):
    # fit takes the batches in order (shuffle=False); each partial_fit call gets one batch, which it
    # takes as one step. alpha/(2m) is relative to the rows a call sees: 0.125 for a batch of 10 is
    # fit's 0.5 over 40 rows, per step (numbers chosen to round exactly).
    X, y = noisy_sine(m=40)
    if estimator is MLPClassifier:
        y = (y > 0).astype(int)
    params = dict(hidden_layer_sizes=(5,), activation="tanh", solver=solver, batch_size=10, shuffle=False,
                  learning_rate=0.05, random_state=0, **options)
    fitted = estimator(alpha=0.5, max_iter=3, **params).fit(X, y)
    online = estimator(alpha=0.125, **params)
    for epoch in range(3):
        for X_b, y_b in batches(X, y, 10):
            online.partial_fit(X_b, y_b, **({"classes": [0, 1]} if estimator is MLPClassifier else {}))
    for a, b in zip(online.thetas_, fitted.thetas_):
        np.testing.assert_array_equal(a, b)
    assert online.n_iter_ == 12 and len(online.loss_curve_) == 13  # one entry per call


@pytest.mark.parametrize("shuffle", [False, True])
def test_partial_fit_on_all_rows_is_one_epoch_of_fit(shuffle):
    X, y = noisy_sine(m=40)
    params = dict(hidden_layer_sizes=(5,), solver="sgd", batch_size=8, momentum=0.5, alpha=0.7, shuffle=shuffle,
                  random_state=3)
    fitted = MLPRegressor(max_iter=1, **params).fit(X, y)
    online = MLPRegressor(**params).partial_fit(X, y)
    for a, b in zip(online.thetas_, fitted.thetas_):
        np.testing.assert_array_equal(a, b)
    assert online.loss_curve_ == fitted.loss_curve_
    if not shuffle:  # in order, two calls are two epochs, momentum carried across
        online.partial_fit(X, y)
        two = MLPRegressor(max_iter=2, **params).fit(X, y)
        for a, b in zip(online.thetas_, two.thetas_):
            np.testing.assert_array_equal(a, b)


def test_partial_fit_continues_a_fit_and_does_not_warn():
    X, y = noisy_sine()
    reg = MLPRegressor(hidden_layer_sizes=(5,), solver="adam", max_iter=3, random_state=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        reg.partial_fit(X, y)
    assert reg.n_iter_ == 4 and len(reg.loss_curve_) == 5


def test_partial_fit_is_offered_for_sgd_and_adam_only():
    assert hasattr(MLPClassifier(solver="sgd"), "partial_fit") and hasattr(MLPRegressor(solver="ADAM"), "partial_fit")
    assert not hasattr(MLPClassifier(), "partial_fit") and not hasattr(MLPRegressor(solver="lbfgs"), "partial_fit")
    with pytest.raises(AttributeError, match="has no attribute 'partial_fit'") as info:
        MLPRegressor(solver="CG").partial_fit
    assert "partial_fit is only available for the solvers 'sgd' and 'adam'" in str(info.value.__cause__)


def test_partial_fit_classes():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 2)), np.arange(20) % 3
    clf = MLPClassifier(solver="sgd")
    with pytest.raises(ValueError, match=r"The 'classes' parameter of MLPClassifier.partial_fit must be every label"):
        clf.partial_fit(X, y)
    assert fitted_attributes(clf) == {}
    clf.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])  # a batch without class 2
    assert clf.n_outputs_ == 3 and list(clf.classes_) == [0, 1, 2]
    before = fitted_attributes(clf)
    with pytest.raises(ValueError, match=r"The 'classes' parameter of MLPClassifier.partial_fit must be the classes of the previous calls, \[0, 1, 2\]. Got \[0, 1\] instead"):
        clf.partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match=r"The 'y' parameter of MLPClassifier must be labels among the classes .* Got labels \[5\] instead"):
        clf.partial_fit(X, np.where(y == 2, 5, y))
    assert fitted_attributes(clf) == before


def test_partial_fit_refuses_early_stopping():
    X, y = noisy_sine()
    with pytest.raises(ValueError, match=r"The 'early_stopping' parameter of MLPRegressor.partial_fit must be False"):
        MLPRegressor(solver="sgd", early_stopping=True).partial_fit(X, y)


# -- sample weights ----------------------------------------------------------------------------


@pytest.mark.parametrize("estimator", [MLPRegressor, MLPClassifier])
def test_integer_weights_equal_repeated_rows_and_zero_weights_dropped_rows(estimator):
    X, y = noisy_sine(m=30)
    if estimator is MLPClassifier:
        y = np.digitize(y, [-0.5, 0.5])
    w = np.random.default_rng(2).integers(0, 4, 30)
    w[:3] = (0, 2, 3)
    params = dict(hidden_layer_sizes=(5,), activation="tanh", solver="gd", learning_rate=0.3, max_iter=40,
                  random_state=0)
    weighted = estimator(**params).fit(X, y, sample_weight=w)
    repeated = estimator(**params).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    for a, b in zip(weighted.thetas_, repeated.thetas_):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-12)
    # the cost and gradient themselves, for a network of each output
    net, theta = weighted.network_, weighted.network_.pack(weighted.thetas_)
    J, grad = net.cost_and_gradient(theta, X, _Y(weighted, y), 1.0, sample_weight=w)
    J_rep, grad_rep = net.cost_and_gradient(theta, np.repeat(X, w, axis=0), np.repeat(_Y(weighted, y), w, axis=0), 1.0)
    assert J == pytest.approx(J_rep, rel=1e-13)
    np.testing.assert_allclose(grad, grad_rep, rtol=1e-11, atol=1e-15)
    # a zero weight is a dropped row
    keep = w > 0
    dropped = estimator(**params).fit(X[keep], y[keep], sample_weight=w[keep])
    for a, b in zip(weighted.thetas_, dropped.thetas_):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)


def _Y(estimator, y):
    """The target matrix the estimator's network trains on."""
    if isinstance(estimator, MLPRegressor):
        return y
    return np.searchsorted(estimator.classes_, y)


def test_weighted_fit_is_weighted_ridge_regression_without_hidden_layers():
    # With no hidden layer, J = (1/2S)(sum w_i r_i^2 + alpha sum W^2): scikit-learn's Ridge minimizes 2S J.
    from sklearn.linear_model import Ridge

    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 4))
    Y = X @ rng.normal(size=(4, 2)) + rng.normal(scale=0.5, size=(50, 2)) + 3.0
    w = rng.integers(0, 4, 50).astype(float)
    for sample_weight in (None, w):
        reg = MLPRegressor(hidden_layer_sizes=(), alpha=2.0, solver="BFGS", max_iter=500, tol=1e-12)
        reg.fit(X, Y, sample_weight=sample_weight)
        ridge = Ridge(alpha=2.0).fit(X, Y, sample_weight=sample_weight)
        np.testing.assert_allclose(reg.coefs_[0].T, ridge.coef_, atol=1e-8)
        np.testing.assert_allclose(reg.intercepts_[0], ridge.intercept_, atol=1e-8)
        np.testing.assert_allclose(reg.predict(X), ridge.predict(X), atol=1e-8)


def test_weights_split_with_the_rows_for_early_stopping():
    X, y = noisy_sine()
    w = np.random.default_rng(4).uniform(0.5, 2.0, 60)
    reg = overfitting_regressor("L-BFGS-B").fit(X, y, sample_weight=w)
    _, validation = validation_split(60, 0.3, None, 0)
    theta = reg.network_.pack(reg.thetas_)
    weighted_loss = reg.network_.cost(theta, X[validation], y[validation], 0.0, sample_weight=w[validation])
    assert weighted_loss == pytest.approx(reg.best_validation_loss_, rel=1e-14)


@pytest.mark.parametrize(
    "sample_weight, error, match",
    [
        (-np.ones(20), ValueError, r"The 'sample_weight' parameter of MLPRegressor.fit must be None or 20 finite "
                                   r"weights >= 0 \(one per row of X\) with a positive sum. Got the negative weight -1 instead"),
        (np.ones(19), ValueError, r"Got a 1-D array of shape \(19,\) instead"),
        (np.zeros(20), ValueError, "Got weights that are all zero instead"),
        (np.full(20, np.nan), ValueError, "Got an array containing NaN or infinity instead"),
        (np.array(["a"] * 20), TypeError, r"must be None or 20 finite weights .* Got an array of dtype <U1 instead"),
    ],
)
def test_bad_sample_weights(sample_weight, error, match):
    X, y = noisy_sine(m=20)
    reg = MLPRegressor()
    with pytest.raises(error, match=match):
        reg.fit(X, y, sample_weight=sample_weight)
    assert fitted_attributes(reg) == {}


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"early_stopping": "yes"}, TypeError, r"The 'early_stopping' parameter of MLPRegressor must be a bool \(True or False\). Got 'yes' instead"),
        ({"validation_fraction": 1.0}, ValueError, r"The 'validation_fraction' parameter of MLPRegressor must be a float in the range \(0.0, 1.0\). Got 1.0 instead"),
        ({"validation_fraction": 0}, ValueError, r"The 'validation_fraction' parameter .* Got 0 instead"),
        ({"n_iter_no_change": 0}, ValueError, r"The 'n_iter_no_change' parameter of MLPRegressor must be an int in the range \[1, 100000000\]. Got 0 instead"),
        ({"n_iter_no_change": 2.0}, TypeError, "The 'n_iter_no_change' parameter"),
        ({"warm_start": 1}, TypeError, r"The 'warm_start' parameter of MLPRegressor must be a bool \(True or False\). Got 1 instead"),
        ({"shuffle": None}, TypeError, "The 'shuffle' parameter"),
        ({"output": "identity"}, TypeError, "unexpected keyword argument 'output'"),
    ],
)
def test_bad_new_hyperparameters(params, error, match):
    X, y = noisy_sine(m=20)
    with pytest.raises(error, match=match):
        MLPRegressor(**params).fit(X, y)


def test_the_classifier_refuses_the_identity_output():
    with pytest.raises(ValueError, match=r"The 'output' parameter of MLPClassifier must be a str among "
                                         r"\['sigmoid', 'logistic', 'softmax'\]. Got 'identity' instead"):
        MLPClassifier(output="identity").fit(np.ones((4, 2)), [0, 1, 0, 1])


def test_a_failed_fit_of_the_regressor_leaves_it_unfitted():
    X, y = noisy_sine(m=20)
    reg = MLPRegressor(solver="gd", learning_rate=1e305)
    with warnings.catch_warnings(), pytest.raises(ValueError, match="diverged at iteration"):
        warnings.simplefilter("ignore")
        reg.fit(X * 1e3, y * 1e3)
    assert fitted_attributes(reg) == {}
    with pytest.raises(NotFittedError):
        reg.predict(X)
