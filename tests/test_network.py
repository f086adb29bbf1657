import warnings

import numpy as np
import pytest

import nnlearn
from nnlearn.core import kernel
from nnlearn.gradcheck import debug_problem


def test_attributes_of_the_course_network():
    net = nnlearn.Network(layer_sizes=[400, 25, 10], activation="sigmoid", output="sigmoid")
    assert net.layer_sizes == (400, 25, 10)
    assert isinstance(net.layer_sizes, tuple)
    assert net.n_params == 10285


def test_hand_worked_example():
    # 1-1-1 network, Theta1 = [0 1], Theta2 = [0 2], x = 0, y = 1, alpha = 1, m = 1.
    # a2 = g(0) = 0.5;  z3 = 2 * 0.5 = 1;  h = g(1) = 0.7310585786300049
    # J = -log(h) + alpha/2 * (1^2 + 2^2) = 0.31326168751822286 + 2.5
    # delta3 = h - 1 = -0.2689414213699951
    # dTheta2 = delta3 * [1, a2] + alpha * [0, 2] = [-0.26894142, -0.13447071 + 2]
    # delta2 = 2 * delta3 * g'(0) = 2 * -0.26894142 * 0.25 = -0.13447071
    # dTheta1 = delta2 * [1, x] + alpha * [0, 1] = [-0.13447071, 0 + 1]
    net = nnlearn.Network([1, 1, 1])
    theta = net.pack([np.array([[0.0, 1.0]]), np.array([[0.0, 2.0]])])
    J, grad = net.cost_and_gradient(theta, np.array([[0.0]]), np.array([1]), alpha=1.0)
    assert J == pytest.approx(0.31326168751822286 + 2.5, rel=1e-15)
    d3 = 0.7310585786300049 - 1
    np.testing.assert_allclose(grad, [d3 * 2 * 0.25, 1.0, d3, d3 * 0.5 + 2.0], rtol=1e-14)


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_index_and_one_hot_targets_give_identical_results(rng, output):
    net = nnlearn.Network([4, 6, 3], output=output)
    theta = net.init_weights(epsilon=1.0, random_state=0)
    X = rng.normal(size=(11, 4))
    y = rng.integers(0, 3, 11)
    J1, g1 = net.cost_and_gradient(theta, X, y, alpha=2.0)
    J2, g2 = net.cost_and_gradient(theta, X, np.eye(3)[y], alpha=2.0)
    assert J1 == J2
    np.testing.assert_array_equal(g1, g2)
    assert net.cost(theta, X, y, alpha=2.0) == J1


def test_binary_network_with_one_output_unit(rng):
    net = nnlearn.Network([2, 4, 1])
    theta = net.init_weights(epsilon=1.0, random_state=0)
    X = rng.normal(size=(9, 2))
    y = rng.integers(0, 2, 9)
    h = net.predict_proba(theta, X)
    assert h.shape == (9, 1)
    expected = -np.mean(y * np.log(h[:, 0]) + (1 - y) * np.log(1 - h[:, 0]))
    assert net.cost(theta, X, y) == pytest.approx(expected, rel=1e-13)
    np.testing.assert_array_equal(net.predict(theta, X), (h[:, 0] >= 0.5).astype(int))


def test_cost_is_the_course_formula(rng):
    net = nnlearn.Network([5, 4, 3, 3])
    theta = net.init_weights(epsilon=0.8, random_state=1)
    X = rng.normal(size=(7, 5))
    y = rng.integers(0, 3, 7)
    Y = np.eye(3)[y]
    H = net.predict_proba(theta, X)
    reg = sum(np.sum(T[:, 1:] ** 2) for T in net.unpack(theta))
    expected = np.sum(-Y * np.log(H) - (1 - Y) * np.log(1 - H)) / 7 + 1.5 / (2 * 7) * reg
    assert net.cost(theta, X, y, alpha=1.5) == pytest.approx(expected, rel=1e-13)


def test_softmax_probabilities_sum_to_one(rng):
    net = nnlearn.Network([3, 5, 4], output="softmax")
    P = net.predict_proba(net.init_weights(epsilon=2.0, random_state=0), rng.normal(size=(6, 3)))
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-14)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_saturated_units_stay_finite_without_warnings(rng, activation, output):
    net = nnlearn.Network([4, 5, 3], activation=activation, output=output)
    theta = 1000 * net.init_weights(epsilon=1.0, random_state=0)
    X = rng.normal(size=(8, 4))
    y = rng.integers(0, 3, 8)
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        J, grad = net.cost_and_gradient(theta, X, y, alpha=1.0)
    assert np.isfinite(J) and np.all(np.isfinite(grad))
    assert J > 100  # confidently wrong units cost a lot, not log(0) = inf


def test_blocked_evaluation_equals_one_block(rng, monkeypatch):
    net = nnlearn.Network([6, 7, 3])
    theta = net.init_weights(epsilon=1.0, random_state=0)
    X = rng.normal(size=(50, 6))
    y = rng.integers(0, 3, 50)
    J_one, g_one = net.cost_and_gradient(theta, X, y, alpha=0.5)
    monkeypatch.setattr(kernel, "BLOCK_ROWS", 7)
    J_blocks, g_blocks = net.cost_and_gradient(theta, X, y, alpha=0.5)
    assert J_blocks == pytest.approx(J_one, rel=1e-12)
    np.testing.assert_allclose(g_blocks, g_one, rtol=1e-12, atol=1e-15)


def test_float32_input_computes_in_float32_and_returns_float64(rng):
    net = nnlearn.Network([20, 10, 4])
    theta = net.init_weights(random_state=0)
    X = rng.random((200, 20))
    y = rng.integers(0, 4, 200)
    J64, g64 = net.cost_and_gradient(theta, X, y, alpha=1.0)
    J32, g32 = net.cost_and_gradient(theta, X.astype(np.float32), y, alpha=1.0)
    assert isinstance(J32, float) and g32.dtype == np.float64
    assert J32 == pytest.approx(J64, rel=1e-5)
    np.testing.assert_allclose(g32, g64, rtol=1e-5, atol=1e-5 * np.abs(g64).max())


def test_predict_is_argmax_of_outputs(rng):
    net = nnlearn.Network([3, 4, 5])
    theta = net.init_weights(epsilon=2.0, random_state=0)
    X = rng.normal(size=(10, 3))
    np.testing.assert_array_equal(net.predict(theta, X), np.argmax(net.predict_proba(theta, X), axis=1))


def test_course_weights_with_debug_problem_are_deterministic():
    net, theta, X, y = debug_problem()
    np.testing.assert_array_equal(y, [1, 2, 0, 1, 2])
    assert X.shape == (5, 3) and theta.shape == (38,)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"layer_sizes": [3]}, ValueError, r"The 'layer_sizes' parameter of Network must be a sequence of at least 2 ints >= 1 .* Got \[3\] instead"),
        ({"layer_sizes": [3, 0, 2]}, ValueError, r"'layer_sizes' .* at least 2 ints >= 1 .* Got \[3, 0, 2\] instead"),
        ({"layer_sizes": [3, 2.5, 2]}, TypeError, r"'layer_sizes' .* ints >= 1 .* Got \[3, 2.5, 2\] instead"),
        ({"layer_sizes": "400"}, TypeError, r"'layer_sizes' .* must be a sequence .* Got '400' instead"),
        ({"layer_sizes": [3, 2], "activation": "swish"}, ValueError, r"The 'activation' parameter of Network must be a str among \['sigmoid', 'logistic', 'tanh', 'relu'\] or a list of them, one per hidden layer\. Got 'swish' instead"),
        ({"layer_sizes": [3, 2], "output": "linear"}, ValueError, r"The 'output' parameter of Network must be a str among \['sigmoid', 'logistic', 'softmax', 'identity'\]. Got 'linear' instead"),
        ({"layer_sizes": [3, 1], "output": "softmax"}, ValueError, r"'layer_sizes' .* ending with at least 2 output units for output='softmax'. Got \[3, 1\] instead"),
    ],
)
def test_bad_networks(kwargs, error, match):
    with pytest.raises(error, match=match):
        nnlearn.Network(**kwargs)


def _net_theta_X_y():
    net = nnlearn.Network([3, 4, 2])
    return net, net.init_weights(random_state=0), np.ones((5, 3)), np.array([0, 1, 0, 1, 1])


@pytest.mark.parametrize(
    "change, error, match",
    [
        (lambda a: {**a, "theta": np.zeros(7)}, ValueError, r"The 'theta' parameter of Network.cost(_and_gradient)? must be a 1-D array of 26 finite numbers. Got a 1-D array of shape \(7,\) instead"),
        (lambda a: {**a, "X": np.ones((5, 4))}, ValueError, r"The 'X' parameter of Network.cost(_and_gradient)? must be an array with 3 features \(the network's layer_sizes\[0\]\). Got 4 features instead"),
        (lambda a: {**a, "X": np.ones(3)}, ValueError, r"'X' .* must be a 2-D array of shape \(m, n\). Got a 1-D array of shape \(3,\) instead. Reshape a single sample"),
        (lambda a: {**a, "X": np.ones((5, 3, 1))}, ValueError, r"'X' .* must be a 2-D array of shape \(m, n\). Got a 3-D array"),
        (lambda a: {**a, "X": np.ones((0, 3)), "y": np.array([], int)}, ValueError, r"'X' .* must be a 2-D array with at least 1 row. Got a 2-D array of shape \(0, 3\)"),
        (lambda a: {**a, "X": np.full((5, 3), np.nan)}, ValueError, r"'X' .* must be finite .* Got an array containing NaN instead"),
        (lambda a: {**a, "X": np.full((5, 3), np.inf)}, ValueError, r"'X' .* must be finite .* Got an array containing infinity instead"),
        (lambda a: {**a, "X": np.full((5, 3), "a")}, TypeError, r"'X' .* must be a 2-D array of numbers .* Got an array of dtype <U1 instead"),
        (lambda a: {**a, "y": np.array([0, 1])}, ValueError, r"The 'y' parameter of Network.cost(_and_gradient)? must be 5 class indices in 0..1 .* Got 2 entries instead"),
        (lambda a: {**a, "y": np.array([0, 1, 2, 1, 0])}, ValueError, r"'y' .* must be 5 class indices in 0..1 \(one per row of X; the network has 2 output units\). Got class index 2 instead"),
        (lambda a: {**a, "y": np.array([0, 1, -1, 1, 0])}, ValueError, r"'y' .* class indices in 0..1 .* Got class index -1 instead"),
        (lambda a: {**a, "y": np.array([0, 1, 0.5, 1, 0])}, ValueError, r"'y' .* class indices .* Got non-integer values instead"),
        (lambda a: {**a, "y": np.ones((5, 3))}, ValueError, r"'y' .* must be a 0/1 target matrix of shape \(5, 2\) .* Got a 2-D array of shape \(5, 3\) instead"),
        (lambda a: {**a, "y": np.full((5, 2), 0.5)}, ValueError, r"'y' .* 0/1 target matrix .* Got values other than 0 and 1 instead"),
        (lambda a: {**a, "alpha": -1.0}, ValueError, r"The 'alpha' parameter of Network.cost(_and_gradient)? must be a float in the range \[0.0, inf\). Got -1.0 instead"),
        (lambda a: {**a, "alpha": np.nan}, ValueError, r"'alpha' .* \[0.0, inf\). Got nan instead"),
        (lambda a: {**a, "alpha": "1"}, TypeError, r"'alpha' .* must be a float .* Got '1' instead"),
    ],
)
def test_bad_arrays(change, error, match):
    net, theta, X, y = _net_theta_X_y()
    args = change({"theta": theta, "X": X, "y": y, "alpha": 0.0})
    with pytest.raises(error, match=match):
        net.cost_and_gradient(**args)


def test_unpack_and_pack_errors():
    net = nnlearn.Network([3, 4, 2])
    with pytest.raises(ValueError, match=r"The 'theta' parameter of Network.unpack must be a 1-D array of 26 .* shape \(3,\)"):
        net.unpack(np.zeros(3))
    with pytest.raises(ValueError, match=r"'Thetas' .* of Network.pack must be a list of 2 matrices of shapes \[\(4, 4\), \(2, 5\)\]. Got Thetas\[1\] of shape \(3, 5\) instead"):
        net.pack([np.zeros((4, 4)), np.zeros((3, 5))])
    with pytest.raises(ValueError, match=r"'Thetas' .* list of 2 matrices .* Got 1 matrices instead"):
        net.pack([np.zeros((4, 4))])


def test_softmax_needs_one_hot_rows():
    net = nnlearn.Network([2, 3], output="softmax")
    with pytest.raises(ValueError, match=r"'y' .* exactly one 1 per row \(one-hot\) for a softmax output. Got row 0 with 2 ones instead"):
        net.cost(net.init_weights(random_state=0), np.ones((2, 2)), np.array([[1, 1, 0], [0, 1, 0]]))


# -- numerics the core owns (issue 10, item 5) --------------------------------------


def test_alpha_zero_adds_nothing_even_to_huge_weights():
    net = nnlearn.Network([3, 4, 2], activation="tanh")
    theta = net.init_weights(random_state=0) * 1e155  # the squared weights overflow float64
    X, y = np.random.default_rng(1).normal(size=(6, 3)), np.arange(6) % 2
    J, grad = net.cost_and_gradient(theta, X, y, alpha=0.0)
    assert np.isfinite(J) and np.all(np.isfinite(grad)) and net.cost(theta, X, y) == J
    with pytest.raises(FloatingPointError, match=r"Network.cost: the cost overflowed float64: .*largest \|theta\| 1.\d+e\+154"):
        net.cost(theta, X, y, alpha=1.0)  # alpha/(2m) * sum(theta^2) is beyond float64: said, not returned


def test_overflowing_units_raise_a_clear_error_never_nan():
    net = nnlearn.Network([4, 5, 6, 7, 3], activation="relu", output="softmax")
    theta = net.init_weights(random_state=0) * 1e80
    X, y = np.random.default_rng(2).normal(size=(6, 4)), np.arange(6) % 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one error, no RuntimeWarning on the way
        for call in (lambda: net.predict_proba(theta, X), lambda: net.predict(theta, X),
                     lambda: net.cost(theta, X, y), lambda: net.cost_and_gradient(theta, X, y)):
            with pytest.raises(FloatingPointError, match=r"overflowed float64: the network's units overflow"):
                call()
    # Sigmoid units of huge logits are representable (0 or 1): those are answered.
    net = nnlearn.Network([4, 5, 3], activation="relu")
    H = net.predict_proba(net.init_weights(random_state=0) * 1e160, X)
    assert np.all((H == 0) | (H == 1))


@pytest.mark.parametrize("activation, output", [("sigmoid", "softmax"), ("relu", "sigmoid"), ("relu", "softmax")])
def test_float32_beyond_its_range_is_computed_in_float64(activation, output):
    net = nnlearn.Network([4, 5, 3], activation=activation, output=output)
    theta = net.init_weights(random_state=0) * 1e40  # beyond float32's 3.4e38
    X = np.random.default_rng(3).normal(size=(6, 4))
    y = np.arange(6) % 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        H32, H64 = net.predict_proba(theta, X.astype(np.float32)), net.predict_proba(theta, X.astype(np.float32).astype(np.float64))
        J32, grad32 = net.cost_and_gradient(theta, X.astype(np.float32), y)
    J64, grad64 = net.cost_and_gradient(theta, X.astype(np.float32).astype(np.float64), y)
    np.testing.assert_allclose(H32, H64, rtol=1e-12)
    assert J32 == pytest.approx(J64, rel=1e-12)
    np.testing.assert_allclose(grad32, grad64, rtol=1e-12)


# -- regression: the identity output (issue 11) ----------------------------------------------


def test_identity_network_cost_is_half_the_mean_squared_error_plus_the_penalty(rng):
    net = nnlearn.Network([3, 4, 2], activation="tanh", output="identity")
    theta = net.init_weights(epsilon=1.0, random_state=0)
    X, Y = rng.normal(size=(9, 3)), rng.normal(scale=3.0, size=(9, 2))
    H = net.predict_proba(theta, X)
    W = [T[:, 1:] for T in net.unpack(theta)]
    expected = np.sum((H - Y) ** 2) / (2 * 9) + 0.7 / (2 * 9) * sum(np.sum(w**2) for w in W)
    assert net.cost(theta, X, Y, alpha=0.7) == pytest.approx(expected, rel=1e-14)
    # predict is h itself, (m, K), the same as predict_proba
    np.testing.assert_array_equal(net.predict(theta, X), H)
    Thetas = net.unpack(theta)
    np.testing.assert_allclose(H, np.tanh(X @ Thetas[0][:, 1:].T + Thetas[0][:, 0]) @ Thetas[1][:, 1:].T + Thetas[1][:, 0],
                               rtol=1e-14)


def test_identity_targets_are_real_numbers_of_shape_m_or_m_k(rng):
    one = nnlearn.Network([2, 1], output="identity")
    theta = one.init_weights(random_state=0)
    X, y = rng.normal(size=(5, 2)), rng.normal(size=5)
    assert one.cost(theta, X, y) == one.cost(theta, X, y.reshape(-1, 1))
    assert one.cost(theta, X, y.astype(np.float32)) == pytest.approx(one.cost(theta, X, y), rel=1e-6)
    two = nnlearn.Network([2, 2], output="identity")
    theta2 = two.init_weights(random_state=0)
    rule = r"The 'y' parameter of Network.cost must be finite real targets of shape \(5, 2\) \(one row per row of X, one column per output unit\)"
    with pytest.raises(ValueError, match=rule + r". Got a 1-D array of shape \(5,\) instead"):
        two.cost(theta2, X, y)
    with pytest.raises(ValueError, match=rule + ". Got an array containing NaN or infinity instead"):
        two.cost(theta2, X, np.full((5, 2), np.inf))
    with pytest.raises(ValueError, match=r"finite real targets of shape \(5,\) or \(5, 1\) .* Got a 1-D array of shape \(4,\)"):
        one.cost(theta, X, y[:4])
    with pytest.raises(TypeError, match=r"finite real targets .* Got an array of dtype <U1 instead"):
        one.cost(theta, X, np.array(list("abcde")))
    # For the classification outputs the rules stay: real targets are refused.
    with pytest.raises(ValueError, match="class indices in 0..1 .* Got non-integer values instead"):
        nnlearn.Network([2, 1]).cost(theta, X, y)


def test_train_fits_a_line_with_the_identity_output():
    # No hidden layer and alpha = 0: least squares; the exact line y = 2x - 1 is found.
    X = np.linspace(-1, 1, 11).reshape(-1, 1)
    net = nnlearn.Network([1, 1], output="identity")
    result = nnlearn.train(net, np.zeros(2), X, 2 * X[:, 0] - 1, method="BFGS", max_iter=50, tol=1e-12)
    np.testing.assert_allclose(result.theta, [-1.0, 2.0], atol=1e-8)


@pytest.mark.parametrize(
    "sample_weight, error, match",
    [
        (np.ones(4), ValueError, r"The 'sample_weight' parameter of Network.cost must be None or 5 finite weights >= 0 "
                                 r"\(one per row of X\) with a positive sum. Got a 1-D array of shape \(4,\) instead"),
        (np.array([1.0, -1.0, 1.0, 1.0, 1.0]), ValueError, "Got the negative weight -1 instead"),
        (np.zeros(5), ValueError, "Got weights that are all zero instead"),
        (np.array([1.0, np.nan, 1.0, 1.0, 1.0]), ValueError, "Got an array containing NaN or infinity instead"),
        (np.full(5, 1e308), ValueError, "Got weights whose sum overflows float64 instead"),
        ("ones", TypeError, r"Got 'ones' instead"),
    ],
)
def test_bad_sample_weights_at_the_network_door(sample_weight, error, match):
    net, theta, X, y = _net_theta_X_y()
    with pytest.raises(error, match=match):
        net.cost(theta, X, y, sample_weight=sample_weight)


def test_one_number_as_sample_weight_weights_every_row_alike():
    # Weight 3 on every row is every row three times (S = 15: the penalty weighs a third as much).
    net, theta, X, y = _net_theta_X_y()
    J, grad = net.cost_and_gradient(theta, X, y, 0.5, sample_weight=3.0)
    J_full, grad_full = net.cost_and_gradient(theta, X, y, 0.5, sample_weight=np.full(5, 3.0))
    assert J == J_full
    np.testing.assert_array_equal(grad, grad_full)
    J_3, grad_3 = net.cost_and_gradient(theta, np.tile(X, (3, 1)), np.tile(y, 3), 0.5)
    assert J == pytest.approx(J_3, rel=1e-14)
    np.testing.assert_allclose(grad, grad_3, rtol=1e-13)


def test_one_activation_per_hidden_layer():
    net = nnlearn.Network([3, 4, 5, 2], activation=["tanh", "logistic"])
    assert net.activation == ("tanh", "sigmoid")
    theta = net.init_weights(random_state=0)
    X, y = np.random.default_rng(0).normal(size=(6, 3)), np.arange(6) % 2
    assert nnlearn.gradient_check(net, theta, X, y, alpha=0.5).relative_difference < 1e-9
    same = nnlearn.Network([3, 4, 5, 2], activation="tanh")
    np.testing.assert_array_equal(nnlearn.Network([3, 4, 5, 2], activation=["tanh", "tanh"]).cost_and_gradient(theta, X, y)[1],
                                  same.cost_and_gradient(theta, X, y)[1])
    with pytest.raises(ValueError, match=r"The 'activation' parameter of Network must be one activation per hidden layer "
                       r"\(2 for layer_sizes \[3, 4, 5, 2\]\) or a str. Got \['tanh'\] instead"):
        nnlearn.Network([3, 4, 5, 2], activation=["tanh"])
    with pytest.raises(ValueError, match=r"The 'activation' parameter of Network must be a str among .* or a list of them"):
        nnlearn.Network([3, 4, 5, 2], activation=["tanh", "gelu"])
