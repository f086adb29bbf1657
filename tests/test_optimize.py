import warnings

import numpy as np
import pytest

import nnlearn
from nnlearn.optimize import TrainingDiverged, TrainingInterrupted


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    y = (X[:, 0] * X[:, 1] > 0).astype(int) + (X[:, 2] > 1).astype(int)
    net = nnlearn.Network([4, 6, 3])
    return net, net.init_weights(random_state=0), X, y


METHODS = ["CG", "L-BFGS-B", "lbfgs", "TNC", "BFGS", "fmincg", "gd", "sgd", "adam"]


@pytest.mark.parametrize("method", METHODS)
def test_history_is_cost_after_each_iteration(problem, method):
    net, theta0, X, y = problem
    seen = []
    result = nnlearn.train(net, theta0, X, y, alpha=0.5, method=method, max_iter=7, random_state=0,
                           learning_rate=0.05 if method == "adam" else None,
                           callback=lambda k, theta, J: seen.append((k, theta, J)))
    assert result.cost_history[0] == net.cost(theta0, X, y, alpha=0.5)
    assert len(result.cost_history) == result.n_iter + 1 == len(seen) + 1
    assert [k for k, _, _ in seen] == list(range(1, result.n_iter + 1))
    for k, theta, J in seen:
        assert J == pytest.approx(net.cost(theta, X, y, alpha=0.5), rel=1e-12)
        assert result.cost_history[k] == J
    np.testing.assert_array_equal(result.theta, seen[-1][1])
    assert result.cost_history[-1] < result.cost_history[0]
    assert result.n_evaluations >= result.n_iter and result.elapsed > 0


def test_gd_runs_exactly_max_iter_steps_of_the_update_rule(problem):
    net, theta0, X, y = problem
    result = nnlearn.train(net, theta0, X, y, alpha=1.0, method="gd", learning_rate=0.3, max_iter=5)
    theta = theta0.copy()
    history = [net.cost(theta, X, y, alpha=1.0)]
    for _ in range(5):
        theta = theta - 0.3 * net.cost_and_gradient(theta, X, y, alpha=1.0)[1]
        history.append(net.cost(theta, X, y, alpha=1.0))
    assert len(result.cost_history) == 6
    assert result.n_evaluations == 6  # J(theta0) once, then one evaluation per step
    np.testing.assert_array_equal(result.theta, theta)
    np.testing.assert_array_equal(result.cost_history, history)


def planar_exercise_gd(X, y, n_h, learning_rate, num_iterations, W1, b1, W2, b2):
    """The planar exercise's own loop, written the way the exercise does (samples in columns)."""
    X, Y = X.T, y.reshape(1, -1)
    m = X.shape[1]
    costs = []
    for _ in range(num_iterations + 1):
        A1 = np.tanh(W1 @ X + b1)
        A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
        costs.append(float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m))
        dZ2 = A2 - Y
        dW2, db2 = dZ2 @ A1.T / m, dZ2.sum(axis=1, keepdims=True) / m
        dZ1 = (W2.T @ dZ2) * (1 - A1**2)
        dW1, db1 = dZ1 @ X.T / m, dZ1.sum(axis=1, keepdims=True) / m
        W1, b1, W2, b2 = W1 - learning_rate * dW1, b1 - learning_rate * db1, W2 - learning_rate * dW2, b2 - learning_rate * db2
    return costs


def test_gd_follows_the_planar_exercise_for_the_first_200_iterations():
    # Gradient descent at lr 1.2 on the spiral is chaotic: a 1e-14 change of the start moves
    # the cost by 0.04% at iteration 500, so two implementations are compared over 200 only.
    from nnlearn.datasets import make_spirals

    X, y = make_spirals(n_per_class=200, random_state=1)
    net = nnlearn.Network([2, 4, 1], activation="tanh")
    theta0 = net.init_weights(method="normal", random_state=2)
    T1, T2 = net.unpack(theta0)
    costs = planar_exercise_gd(X, y, 4, 1.2, 200, T1[:, 1:], T1[:, [0]], T2[:, 1:], T2[:, [0]])
    result = nnlearn.train(net, theta0, X, y, method="gd", learning_rate=1.2, max_iter=200)
    np.testing.assert_allclose(result.cost_history, costs, rtol=1e-9)


def test_callback_returning_true_stops(problem):
    net, theta0, X, y = problem
    result = nnlearn.train(net, theta0, X, y, method="CG", max_iter=50, callback=lambda k, t, J: k == 3)
    assert result.n_iter == 3 and result.message == "stopped by callback"


@pytest.mark.parametrize("method", ["CG", "fmincg", "gd"])
def test_max_iter_zero_returns_theta0(problem, method):
    net, theta0, X, y = problem
    result = nnlearn.train(net, theta0, X, y, method=method, max_iter=0)
    np.testing.assert_array_equal(result.theta, theta0)
    assert result.cost_history == [net.cost(theta0, X, y)] and result.n_iter == 0


@pytest.mark.parametrize("method", ["sgd", "adam", "CG"])
def test_same_random_state_is_bitwise_identical(problem, method):
    net, theta0, X, y = problem
    a = nnlearn.train(net, theta0, X, y, method=method, max_iter=5, batch_size=16, random_state=7)
    b = nnlearn.train(net, theta0, X, y, method=method, max_iter=5, batch_size=16, random_state=7)
    np.testing.assert_array_equal(a.theta, b.theta)
    assert a.cost_history == b.cost_history


def test_sgd_with_momentum_and_full_batch_equals_gd_with_zero_momentum(problem):
    net, theta0, X, y = problem
    gd = nnlearn.train(net, theta0, X, y, alpha=1.0, method="gd", learning_rate=0.2, max_iter=4)
    with pytest.warns(UserWarning, match="batch_size=1000 is larger than the 60 samples; using batch_size=60"):
        sgd = nnlearn.train(net, theta0, X, y, alpha=1.0, method="sgd", learning_rate=0.2, max_iter=4, batch_size=1000)
    np.testing.assert_allclose(sgd.theta, gd.theta, rtol=1e-12)


def test_ctrl_c_keeps_the_last_finished_iteration(problem):
    net, theta0, X, y = problem
    kept = {}

    def callback(k, theta, J):
        if k == 4:
            raise KeyboardInterrupt
        kept[k] = theta

    with pytest.warns(TrainingInterrupted, match="after 4 iterations"):
        result = nnlearn.train(net, theta0, X, y, method="L-BFGS-B", max_iter=50, callback=callback)
    assert result.interrupted and result.n_iter == 4
    assert len(result.cost_history) == 5
    np.testing.assert_array_equal(result.cost_history[4], net.cost(result.theta, X, y))


def test_divergence_names_the_iteration_and_keeps_finite_weights(problem):
    net, theta0, X, y = problem
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(TrainingDiverged, match=r"training diverged at iteration \d+") as info:
            nnlearn.train(net, theta0, X * 1e3, y, alpha=1.0, method="gd", learning_rate=1e305, max_iter=20)
    assert np.all(np.isfinite(info.value.theta)) and info.value.iteration >= 1


def test_bfgs_is_refused_for_large_networks():
    net = nnlearn.Network([400, 25, 10])
    with pytest.raises(ValueError, match=r"The 'method' parameter of train must be a method other than 'BFGS' for a network of more than 2000 parameters. "
                       r"Got 'BFGS' with 10285 parameters instead. BFGS keeps a dense 10285 x 10285"):
        nnlearn.train(net, net.init_weights(random_state=0), np.zeros((3, 400)), [0, 1, 2], method="BFGS")


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"method": "Nelder-Mead"}, ValueError, r"The 'method' parameter of train must be a str among \['CG', 'L-BFGS-B', 'lbfgs', 'TNC', 'BFGS', 'fmincg', 'gd', 'sgd', 'adam'\]. Got 'Nelder-Mead' instead"),
        ({"method": 3}, TypeError, r"The 'method' parameter of train must be a str among .* Got 3 instead"),
        ({"max_iter": -1}, ValueError, r"The 'max_iter' parameter of train must be an int in the range \[0, 100000000\]. Got -1 instead"),
        ({"max_iter": 2.5}, TypeError, r"'max_iter' .* must be an int .* Got 2.5 instead"),
        ({"method": "gd", "learning_rate": 0}, ValueError, r"The 'learning_rate' parameter of train must be a float in the range \(0.0, inf\) or None. Got 0 instead"),
        ({"method": "gd", "learning_rate": -1}, ValueError, r"'learning_rate' .* \(0.0, inf\) or None. Got -1 instead"),
        ({"method": "sgd", "batch_size": 0}, ValueError, r"The 'batch_size' parameter of train must be an int in the range \[1, inf\) or None. Got 0 instead"),
        ({"momentum": 1.0}, ValueError, r"The 'momentum' parameter of train must be a float in the range \[0.0, 1.0\). Got 1.0 instead"),
        ({"alpha": -2}, ValueError, r"The 'alpha' parameter of train must be a float in the range \[0.0, inf\). Got -2 instead"),
        ({"callback": 5}, TypeError, r"The 'callback' parameter of train must be a callable or None. Got 5 instead"),
        ({"tol": -1}, ValueError, r"The 'tol' parameter of train must be a float in the range \[0.0, inf\) or None. Got -1 instead"),
    ],
)
def test_bad_training_arguments(problem, kwargs, error, match):
    net, theta0, X, y = problem
    with pytest.raises(error, match=match):
        nnlearn.train(net, theta0, X, y, **kwargs)


def test_theta0_is_checked_and_not_modified(problem):
    net, theta0, X, y = problem
    with pytest.raises(ValueError, match=r"The 'theta0' parameter of train must be a 1-D array of 51 finite numbers. Got a 1-D array of shape \(5,\)"):
        nnlearn.train(net, np.zeros(5), X, y)
    before = theta0.copy()
    nnlearn.train(net, theta0, X, y, method="gd", max_iter=3)
    np.testing.assert_array_equal(theta0, before)


# -- sample weights, batch order and the state of sgd and adam (issue 11) -----------------------


def test_train_minimizes_the_weighted_cost(problem):
    net, theta0, X, y = problem
    w = np.random.default_rng(3).uniform(0.0, 2.0, X.shape[0])
    result = nnlearn.train(net, theta0, X, y, alpha=1.0, method="L-BFGS-B", max_iter=20, sample_weight=w)
    assert result.cost_history[0] == net.cost(theta0, X, y, alpha=1.0, sample_weight=w)
    assert result.cost_history[-1] == net.cost(result.theta, X, y, alpha=1.0, sample_weight=w)
    with pytest.raises(ValueError, match=r"The 'sample_weight' parameter of train must be None or"):
        nnlearn.train(net, theta0, X, y, sample_weight=-w)


def test_without_shuffling_sgd_takes_the_batches_in_order(problem):
    from nnlearn.core import kernel

    net, theta0, X, y = problem
    _, X_, Y, _ = net.check_inputs(theta0, X, y)
    result = nnlearn.train(net, theta0, X, y, method="sgd", max_iter=1, batch_size=4, learning_rate=0.2, shuffle=False)
    theta, m = theta0.copy(), X.shape[0]
    for start in range(0, m, 4):  # θ ← θ - η ∇J_batch, batches 0..3, 4..7, ... in order
        rows = np.arange(start, min(start + 4, m))
        theta = theta - 0.2 * kernel.cost_and_gradient(theta, X_[rows], Y[rows], 0.0, net.spec)[1]
    np.testing.assert_array_equal(result.theta, theta)


@pytest.mark.parametrize("method", ["sgd", "adam"])
def test_the_state_of_sgd_and_adam_goes_on_where_it_stopped(problem, method):
    from nnlearn.core.optimizers import MinibatchState, minimize
    from nnlearn.optimize import network_objective

    net, theta0, X, y = problem
    _, X_, Y, alpha = net.check_inputs(theta0, X, y, 0.5)
    fun = network_objective(net, X_, Y, alpha)
    options = dict(method=method, n_samples=X.shape[0], batch_size=4, momentum=0.9, shuffle=False, learning_rate=0.05)
    once = minimize(fun, theta0, max_iter=4, **options)
    first = minimize(fun, theta0, max_iter=2, **options)
    state = first.state.copy()
    second = minimize(fun, first.theta, max_iter=2, state=first.state, **options)
    np.testing.assert_array_equal(second.theta, once.theta)  # 2 + 2 passes = 4, to the bit
    for name in ("velocity", "first", "second"):
        np.testing.assert_array_equal(getattr(first.state, name), getattr(state, name))  # not modified
    assert isinstance(once.state, MinibatchState) and once.state.step == (4 * 15 if method == "adam" else 0)  # 4 passes of 15 batches
    assert minimize(fun, theta0, method="CG", max_iter=2).state is None
