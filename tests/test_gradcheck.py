import numpy as np
import pytest

import nnlearn
from nnlearn.core import kernel
from nnlearn.gradcheck import debug_problem, relative_difference


@pytest.mark.parametrize("alpha", [0.0, 3.0])
def test_course_debug_network_agrees_below_1e_9(alpha):
    net, theta, X, y = debug_problem()
    check = nnlearn.gradient_check(net, theta, X, y, alpha=alpha)
    assert check.relative_difference < 1e-9
    assert len(check.max_abs_error) == 2 and max(check.max_abs_error) < 1e-9


@pytest.mark.parametrize("activation", ["sigmoid", "logistic", "tanh", "relu"])
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
@pytest.mark.parametrize("hidden", [(), (5,), (5, 4), (4, 5, 3)])
@pytest.mark.parametrize("alpha", [0.0, 1.5])
def test_every_activation_depth_and_output(activation, output, hidden, alpha):
    rng = np.random.default_rng(len(hidden))
    net = nnlearn.Network([3, *hidden, 3], activation=activation, output=output)
    theta = net.init_weights(method="uniform", epsilon=1.0, random_state=1)
    X = rng.normal(size=(6, 3))
    y = np.arange(6) % 3
    if activation == "relu":
        # Keep every pre-activation away from the kink at 0 so differences are smooth.
        Thetas = net.unpack(theta)
        A = X
        for T in Thetas[:-1]:
            Z = A @ T[:, 1:].T + T[:, 0]
            T[:, 0] += np.where(np.abs(Z).min(axis=0) < 0.05, 0.2, 0.0)
            A = np.maximum(A @ T[:, 1:].T + T[:, 0], 0)
    check = nnlearn.gradient_check(net, theta, X, y, alpha=alpha)
    assert check.relative_difference < 1e-8


def test_a_wrong_layer_is_named(monkeypatch):
    net, theta, X, y = debug_problem()
    right = kernel.cost_and_gradient

    def broken(*args):
        J, grad = right(*args)
        grad = grad.copy()
        grad[-1] += 1e-3  # corrupt one entry of Thetas[1]
        return J, grad

    monkeypatch.setattr(kernel, "cost_and_gradient", broken)
    check = nnlearn.gradient_check(net, theta, X, y)
    assert check.relative_difference > 1e-5
    assert check.worst_layer == 1
    assert check.max_abs_error[0] < 1e-9
    assert "Theta[1] 3x6" in str(check)


def test_numerical_gradient_of_a_quadratic_and_of_a_pair():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    f = lambda t: 0.5 * t @ A @ t  # noqa: E731
    t = np.array([1.0, -2.0])
    np.testing.assert_allclose(nnlearn.numerical_gradient(f, t), A @ t, rtol=1e-9)
    np.testing.assert_allclose(nnlearn.numerical_gradient(lambda t: (f(t), None), t), A @ t, rtol=1e-9)
    np.testing.assert_array_equal(t, [1.0, -2.0])  # not modified


def test_relative_difference_of_zeros():
    assert relative_difference(np.zeros(3), np.zeros(3)) == 0.0


def test_numerical_gradient_errors():
    with pytest.raises(ValueError, match=r"The 'eps' parameter of numerical_gradient must be a float in the range \(0.0, inf\). Got 0 instead"):
        nnlearn.numerical_gradient(lambda t: 0.0, np.zeros(2), eps=0)
    with pytest.raises(ValueError, match=r"The 'theta' parameter of numerical_gradient must be a non-empty 1-D array .* Got a 2-D array of shape \(2, 2\)"):
        nnlearn.numerical_gradient(lambda t: 0.0, np.zeros((2, 2)))


def test_relative_difference_of_huge_vectors_does_not_overflow():
    a = np.random.default_rng(0).normal(size=50) * 1e155
    b = a * (1 + 5e-6)  # |a - b| / |a + b| = 5e-6 / (2 + 5e-6)
    assert relative_difference(a, b) == pytest.approx(2.5e-6, rel=1e-5)
    assert relative_difference(np.zeros(3), np.zeros(3)) == 0.0


def test_debug_problem_checks_its_sizes():
    with pytest.raises(ValueError, match=r"The 'm' parameter of debug_problem must be an int in the range \[1, inf\). Got 0 instead"):
        debug_problem(m=0)
    with pytest.raises(TypeError, match=r"The 'num_labels' parameter of debug_problem must be an int .* Got 2.5 instead"):
        debug_problem(num_labels=2.5)
    with pytest.raises(ValueError, match=r"The 'output' parameter of debug_problem must be a str among"):
        debug_problem(output="linear")


# -- regression (identity output) and sample weights (issue 11) -------------------------------


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("hidden", [(), (5,), (5, 4)])
@pytest.mark.parametrize("K", [1, 3])
@pytest.mark.parametrize("alpha", [0.0, 1.5])
def test_identity_output_with_and_without_alpha(activation, hidden, K, alpha):
    rng = np.random.default_rng(K + len(hidden))
    net = nnlearn.Network([3, *hidden, K], activation=activation, output="identity")
    theta = net.init_weights(method="debug")  # the course's sin-based weights
    X = rng.normal(size=(6, 3))
    y = rng.normal(scale=2.0, size=(6, K)) if K > 1 else rng.normal(scale=2.0, size=6)
    check = nnlearn.gradient_check(net, theta, X, y, alpha=alpha, eps=1e-5)  # truncation error ~ eps^2
    assert check.relative_difference < 1e-9


@pytest.mark.parametrize("output, K", [("sigmoid", 3), ("sigmoid", 1), ("softmax", 3), ("identity", 2)])
@pytest.mark.parametrize("alpha", [0.0, 1.5])
def test_sample_weights_central_differences(output, K, alpha):
    rng = np.random.default_rng(7)
    net = nnlearn.Network([3, 5, K], activation="tanh", output=output)
    theta = net.init_weights(method="debug")
    X = rng.normal(size=(7, 3))
    y = rng.normal(size=(7, K)) if output == "identity" else np.arange(7) % max(K, 2)
    w = np.array([0.5, 2.0, 0.0, 1.0, 3.0, 0.25, 1.5])  # a zero weight too
    _, analytical = net.cost_and_gradient(theta, X, y, alpha, sample_weight=w)
    numerical = nnlearn.numerical_gradient(lambda t: net.cost(t, X, y, alpha, sample_weight=w), theta, eps=1e-5)
    assert relative_difference(numerical, analytical) < 1e-9
    # The weights matter: the unweighted gradient is far from it.
    assert relative_difference(net.cost_and_gradient(theta, X, y, alpha)[1], analytical) > 1e-3
