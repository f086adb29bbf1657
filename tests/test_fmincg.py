"""Tests for fmincg: nnlearn.core.fmincg and its checked door nnlearn.optimize.fmincg."""

import numpy as np
import pytest
from scipy.optimize import minimize, rosen, rosen_der
from scipy.special import expit, log_expit

from nnlearn.core.fmincg import (
    LINE_SEARCH_FAILED,
    MAX,
    MAX_ITER_REACHED,
    STOPPED_BY_CALLBACK,
    ZERO_GRADIENT,
    FmincgResult,
)
from nnlearn.optimize import fmincg


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def quadratic(A, b):
    """f(x) = ½ xᵀA x − bᵀx and its gradient A x − b."""
    return lambda x: (0.5 * x @ A @ x - b @ x, A @ x - b)


def rosenbrock(x):
    return rosen(x), rosen_der(x)


def spd_problem(rng, n=20):
    M = rng.standard_normal((n, n))
    return M @ M.T + n * np.eye(n), rng.standard_normal(n)


def test_quadratic_converges_like_cg(rng):
    n = 20
    A, b = spd_problem(rng, n)
    result = fmincg(quadratic(A, b), np.zeros(n), max_iter=n + 5)
    # Stops early (line search fails once nothing is left to decrease) or runs out of iterations.
    assert result.n_iter <= n + 5
    np.testing.assert_allclose(result.x, np.linalg.solve(A, b), rtol=0, atol=1e-8)


def test_quadratic_hand_worked_first_iteration():
    # f(x) = x²/2 from x0 = 2: g0 = 2, s = -2, φ'(0) = -4, first trial t = 1/(1 + 4) = 0.2.
    # t = 0.2: x = 1.6, f = 1.28, φ' = -3.2; decrease holds, but φ' <= σφ'(0) = -2: extrapolate.
    # The cubic through (0, 2, -4) and (0.2, 1.28, -3.2) is φ itself, minimum at t = 1,
    # beyond EXT * 0.2 = 0.6, so t = 0.6: x = 0.8, f = 0.32, φ' = -1.6 in (-2, 2]: accept.
    result = fmincg(lambda x: (0.5 * x @ x, x.copy()), np.array([2.0]), max_iter=1)
    assert result.x == pytest.approx([0.8], abs=1e-15)
    np.testing.assert_allclose(result.cost_history, [2.0, 0.32], rtol=1e-14)
    assert result.n_evaluations == 3
    assert result.n_iter == 1


@pytest.mark.parametrize("x0", [np.array([-1.2, 1.0]), np.full(5, -1.0), np.zeros(10)])
def test_rosenbrock_reaches_minimum(x0):
    result = fmincg(rosenbrock, x0, max_iter=800)
    np.testing.assert_allclose(result.x, np.ones_like(x0), rtol=0, atol=1e-6)
    assert result.fun < 1e-12


def test_cost_history_is_consistent_and_decreasing():
    result = fmincg(rosenbrock, np.array([-1.2, 1.0]), max_iter=25)
    assert isinstance(result, FmincgResult)
    assert result.cost_history.shape == (result.n_iter + 1,)
    assert result.cost_history[0] == rosen(np.array([-1.2, 1.0]))
    assert result.cost_history[-1] == result.fun
    assert result.fun == rosen(result.x)
    assert np.all(np.diff(result.cost_history) < 0)  # only decreases are accepted


def test_max_iter_reached_and_evaluation_count():
    calls = []

    def fun(x):
        calls.append(x)
        return rosenbrock(x)

    result = fmincg(fun, np.array([-1.2, 1.0]), max_iter=10)
    assert result.message == MAX_ITER_REACHED and result.success
    assert result.n_iter == 10
    assert result.n_evaluations == len(calls)
    assert result.n_evaluations <= 1 + 10 * (1 + MAX)


def test_callback_called_each_iteration(rng):
    seen = []
    result = fmincg(rosenbrock, np.array([-1.2, 1.0]), max_iter=15,
                    callback=lambda k, x, f: seen.append((k, x, f)))
    assert [k for k, _, _ in seen] == list(range(1, result.n_iter + 1))
    np.testing.assert_array_equal([f for _, _, f in seen], result.cost_history[1:])
    np.testing.assert_array_equal(seen[-1][1], result.x)
    seen[-1][1][:] = 99.0  # the callback gets a copy
    assert np.all(result.x != 99.0)


def test_callback_returning_true_stops():
    result = fmincg(rosenbrock, np.array([-1.2, 1.0]), max_iter=100, callback=lambda k, x, f: k == 3)
    assert result.n_iter == 3
    assert result.message == STOPPED_BY_CALLBACK and result.success
    assert len(result.cost_history) == 4


def test_max_iter_zero_returns_x0():
    x0 = np.array([3, -1])  # ints become float64
    result = fmincg(rosenbrock, x0, max_iter=0)
    assert result.x.dtype == np.float64
    np.testing.assert_array_equal(result.x, [3.0, -1.0])
    np.testing.assert_array_equal(result.cost_history, [rosen(np.array([3.0, -1.0]))])
    assert result.n_iter == 0 and result.n_evaluations == 1
    assert result.message == MAX_ITER_REACHED


def test_x0_not_mutated_and_x_is_float64(rng):
    x0 = np.array([-1.2, 1.0])
    result = fmincg(rosenbrock, x0, max_iter=5)
    np.testing.assert_array_equal(x0, [-1.2, 1.0])
    assert result.x.dtype == np.float64
    assert not np.shares_memory(result.x, x0)


def test_zero_gradient_stops_immediately():
    result = fmincg(rosenbrock, np.ones(3), max_iter=10)
    assert result.message == ZERO_GRADIENT and result.success
    assert result.n_iter == 0 and result.n_evaluations == 1


def test_logistic_regression_matches_lbfgs(rng):
    m, n, lam = 300, 6, 1.0
    X = np.column_stack([np.ones(m), rng.standard_normal((m, n - 1))])
    y = (X @ rng.standard_normal(n) + rng.standard_normal(m) > 0).astype(float)

    def cost(theta):
        z = X @ theta
        reg = lam / (2 * m) * theta[1:] @ theta[1:]
        f = -(y @ log_expit(z) + (1 - y) @ log_expit(-z)) / m + reg
        grad = X.T @ (expit(z) - y) / m + lam / m * np.r_[0.0, theta[1:]]
        return f, grad

    result = fmincg(cost, np.zeros(n), max_iter=200)
    reference = minimize(cost, np.zeros(n), jac=True, method="L-BFGS-B",
                         options={"ftol": 1e-15, "gtol": 1e-12})
    assert result.fun == pytest.approx(reference.fun, abs=1e-6)
    assert result.fun <= reference.fun + 1e-12
    np.testing.assert_allclose(result.x, reference.x, atol=1e-4)


def test_non_finite_values_during_search_are_backed_off():
    # Log barrier on (0, 2)^n with minimum at x = 1; outside the box fun returns inf.
    outside = []

    def barrier(x):
        if np.any(x <= 0) or np.any(x >= 2):
            outside.append(x)
            return np.inf, np.full_like(x, np.nan)
        return -np.sum(np.log(x) + np.log(2 - x)), -1 / x + 1 / (2 - x)

    result = fmincg(barrier, np.full(3, 1e-3), max_iter=100)
    assert outside, "the test should make the line search step outside the domain"
    np.testing.assert_allclose(result.x, np.ones(3), atol=1e-6)
    assert np.all(np.isfinite(result.cost_history))


def test_line_search_fails_twice_then_stops():
    x0 = np.array([1.0, 2.0])

    def fun(x):  # finite only at x0: every trial step gives NaN
        if np.array_equal(x, x0):
            return 1.0, np.array([1.0, 1.0])
        return np.nan, np.array([np.nan, np.nan])

    result = fmincg(fun, x0, max_iter=10)
    assert result.message == LINE_SEARCH_FAILED and not result.success
    np.testing.assert_array_equal(result.x, x0)
    assert result.n_iter == 0
    # The first direction already is steepest descent, so one failed search ends the run.
    assert result.n_evaluations == 1 + (1 + MAX)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"max_iter": 2.5}, TypeError, "max_iter"),
        ({"max_iter": True}, TypeError, "max_iter"),
        ({"max_iter": -1}, ValueError, "max_iter"),
        ({"x0": np.zeros((2, 2))}, ValueError, r"The 'x0' parameter of fmincg must be a non-empty 1-D array of finite numbers. Got a 2-D array"),
        ({"x0": np.array([])}, ValueError, r"'x0' .* non-empty 1-D array .* Got a 1-D array of shape \(0,\) instead"),
        ({"x0": [0.0, np.nan]}, ValueError, r"'x0' .* finite numbers. Got an array containing NaN or infinity instead"),
        ({"x0": ["a", "b"]}, TypeError, r"'x0' .* Got an array of dtype <U1 instead"),
        ({"x0": [[1.0], [1.0, 2.0]]}, ValueError, r"'x0' .* It could not be converted to an array"),
        ({"callback": 3}, TypeError, r"The 'callback' parameter of fmincg must be a callable or None. Got 3 instead"),
        ({"fun": "rosen"}, TypeError, r"The 'fun' parameter of fmincg must be a callable. Got 'rosen' instead"),
        ({"fun": lambda x: rosen(x)}, TypeError, r"fun must return a pair \(f, grad\)"),
        ({"fun": lambda x: (x, x)}, ValueError, "scalar cost"),
        ({"fun": lambda x: (1.0, x[:1])}, ValueError, r"gradient of shape \(1,\), but x has shape \(2,\)"),
        ({"fun": lambda x: (np.inf, x)}, ValueError, r"fun\(x0\) must return a finite"),
    ],
)
def test_errors(kwargs, error, match):
    args = {"fun": rosenbrock, "x0": np.array([-1.2, 1.0]), **kwargs}
    with pytest.raises(error, match=match):
        fmincg(**args)
