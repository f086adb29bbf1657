import re

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


# -- the exercise's debug network, as the Python exercise and the Octave original write it ------------------


def _exercise_debug_weights(fan_out, fan_in):
    """The exercise's debugInitializeWeights as both versions write it: the Python port's
    ``np.sin(np.arange(1, 1 + (1+fan_in)*fan_out))/10.0`` reshaped ``order='F'``, which is Octave's
    ``reshape(sin(1:numel(W)), size(W)) / 10``."""
    W = np.sin(np.arange(1, 1 + (1 + fan_in) * fan_out)) / 10.0
    return W.reshape(fan_out, 1 + fan_in, order="F")


def _exercise_cost(Theta1, Theta2, X, units, lam):
    """A plain cost of the 3-layer sigmoid network, written apart from nnlearn (the exercise's nnCostFunction)."""
    m, K = X.shape[0], Theta2.shape[0]
    Y = np.eye(K)[units]
    a1 = np.c_[np.ones(m), X]
    a2 = np.c_[np.ones(m), 1 / (1 + np.exp(-a1 @ Theta1.T))]
    h = 1 / (1 + np.exp(-a2 @ Theta2.T))
    J = -np.sum(Y * np.log(h) + (1 - Y) * np.log(1 - h)) / m
    return J + lam / (2 * m) * (np.sum(Theta1[:, 1:] ** 2) + np.sum(Theta2[:, 1:] ** 2))


def _exercise_problem(variant):
    """The exercise's own checkNNGradients problem in its own unrolled order: (cost of the unrolled vector, the vector)."""
    Theta1, Theta2 = _exercise_debug_weights(5, 3), _exercise_debug_weights(3, 5)
    X = _exercise_debug_weights(5, 2)
    if variant == "python":  # y = np.arange(1, 1+m) % num_labels: output units 0..K-1; unrolled with ravel() (C)
        units, order = np.arange(1, 6) % 3, "C"
    else:  # y = 1 + mod(1:m, num_labels)': labels 1..K, label k is output unit k; unrolled with Theta(:) (F)
        units, order = (1 + np.mod(np.arange(1, 6), 3)) - 1, "F"

    def cost(p, lam):
        return _exercise_cost(p[:20].reshape(5, 4, order=order), p[20:].reshape(3, 6, order=order), X, units, lam)

    return cost, np.concatenate([Theta1.ravel(order=order), Theta2.ravel(order=order)])


def test_debug_problem_is_the_exercises():
    from nnlearn.core import params

    net, theta, X, y = debug_problem()
    Theta1, Theta2 = net.unpack(theta)
    np.testing.assert_array_equal(Theta1, _exercise_debug_weights(5, 3))
    np.testing.assert_array_equal(Theta2, _exercise_debug_weights(3, 5))
    np.testing.assert_array_equal(X, _exercise_debug_weights(5, 2))
    np.testing.assert_array_equal(y, [1, 2, 0, 1, 2])  # Python: np.arange(1, 6) % 3; Octave: 1 + mod(1:5, 3) - 1
    np.testing.assert_array_equal(params.debug_weights(4, 7), _exercise_debug_weights(4, 7))


@pytest.mark.parametrize("variant", ["python", "octave"])
@pytest.mark.parametrize("alpha", [0.0, 3.0])
def test_both_variants_against_central_differences_of_the_exercises_problem(variant, alpha):
    """Each variant's columns are the gradient of the exercise's own problem, listed in that exercise's order."""
    cost, p = _exercise_problem(variant)
    eps = 1e-4
    numgrad = np.array([(cost(p + eps * e, alpha) - cost(p - eps * e, alpha)) / (2 * eps) for e in np.eye(p.size)])
    check = nnlearn.gradient_check(*debug_problem(), alpha=alpha)
    columns = check.columns(variant)
    assert columns.shape == (38, 2)
    np.testing.assert_allclose(columns[:, 0], numgrad, rtol=0, atol=1e-11)  # the same differences, another J
    assert relative_difference(numgrad, columns[:, 1]) < 1e-9  # backpropagation, in the exercise's order
    assert np.max(np.abs(columns[:, 1] - numgrad)) < 1e-9


def test_the_columns_as_each_exercise_prints_them():
    check = nnlearn.gradient_check(*debug_problem())
    python = check.format_columns("python")
    assert python == str(np.stack([check.numerical, check.analytical], axis=1))  # print(np.stack(...)), C order
    # The numerical column's 9th digit follows the kernel's summation order (central differences amplify J's last bits).
    assert re.fullmatch(r"\[\[-9\.2782523\de-03 -9\.27825236e-03\]", python.splitlines()[0])
    assert python.splitlines()[1] == " [-3.04978931e-06 -3.04978914e-06]"  # Theta1[0, 1]: row by row
    octave = check.format_columns("octave").splitlines()
    assert len(octave) == 38
    # The first rows the Octave exercise prints (disp([numgrad grad])): Theta1(:, 1), the biases, first.
    assert octave[:5] == ["  -9.2783e-03  -9.2783e-03", "   8.8991e-03   8.8991e-03", "  -8.3601e-03  -8.3601e-03",
                          "   7.6281e-03   7.6281e-03", "  -6.7480e-03  -6.7480e-03"]
    assert octave[5] == "  -3.0498e-06  -3.0498e-06"  # Theta1(1, 2): column by column
    with pytest.raises(ValueError, match=r"^The 'variant' parameter of GradientCheck.columns must be a str among "
                                         r"\['python', 'octave'\]\. Got 'matlab' instead\.$"):
        check.columns("matlab")


def test_threshold_decides_passed():
    args = debug_problem()
    assert nnlearn.gradient_check(*args).passed
    assert not nnlearn.gradient_check(*args, threshold=1e-12).passed
    with pytest.raises(ValueError, match=r"^The 'threshold' parameter of gradient_check must be a float in the range "
                                         r"\[0\.0, inf\)\. Got -1 instead\.$"):
        nnlearn.gradient_check(*args, threshold=-1)
