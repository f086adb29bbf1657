"""Properties (issue 6) checked on random small networks with hypothesis.

Random problems: 0-3 hidden layers (1-4 weight matrices), every size 1-6, each
hidden activation and each output (softmax needs K >= 2), alpha in [0, 5], m in
1-20. Structure and scalars come from hypothesis; the arrays come from a NumPy
generator seeded by hypothesis, so a failure prints a seed that reproduces it.
"""

import warnings

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnlearn import MLPClassifier, Network, numerical_gradient, params, train

ACTIVATIONS = ["sigmoid", "tanh", "relu"]
OUTPUTS = ["sigmoid", "softmax"]
EPS = 1e-4  # central-difference step

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def networks(draw, activations=ACTIVATIONS, outputs=OUTPUTS):
    activation = draw(st.sampled_from(activations))
    output = draw(st.sampled_from(outputs))
    sizes = draw(st.lists(st.integers(1, 6), min_size=1, max_size=4))  # inputs, then 0-3 hidden layers
    K = draw(st.integers(2 if output == "softmax" else 1, 6))
    return Network([*sizes, K], activation=activation, output=output)


@st.composite
def problems(draw, activations=ACTIVATIONS, outputs=OUTPUTS, scale=1.0):
    """(net, theta, X, y, alpha, seed): weights uniform in [-scale, scale], X standard normal, y indices."""
    net = draw(networks(activations, outputs))
    m = draw(st.integers(1, 20))
    alpha = draw(st.floats(0, 5))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    theta = rng.uniform(-scale, scale, net.n_params)
    X = rng.normal(size=(m, net.n_features))
    y = rng.integers(0, max(net.n_outputs, 2), m)
    return net, theta, X, y, alpha


def one_hot(net, y):
    """The 0/1 target matrix (m, K) for index labels y; for K = 1 the column of 0/1 labels."""
    if net.n_outputs == 1:
        return y.reshape(-1, 1).astype(float)
    return np.eye(net.n_outputs)[y]


def hidden_preactivations(net, theta, X):
    """z(l) of every hidden layer, computed here independently of nnlearn's kernel."""
    A, Z = X, []
    for l, Theta in enumerate(net.unpack(theta)[:-1]):
        Z.append(A @ Theta[:, 1:].T + Theta[:, 0])
        A = np.maximum(Z[-1], 0) if net.activation == "relu" else (np.tanh(Z[-1]) if net.activation == "tanh" else 1 / (1 + np.exp(-Z[-1])))
    return Z


def relu_pattern_is_constant_over_the_stencil(net, theta, X):
    """True when no relu unit changes side of its kink at any theta +- EPS e_i used by the central differences."""
    pattern = [z > 0 for z in hidden_preactivations(net, theta, X)]
    for i in range(theta.size):
        for step in (EPS, -EPS):
            shifted = theta.copy()
            shifted[i] += step
            if any(np.any((z > 0) != p) for z, p in zip(hidden_preactivations(net, shifted, X), pattern)):
                return False
    return all(np.all(np.abs(z) > 0) for z in hidden_preactivations(net, theta, X))


@SETTINGS
@given(problems())
def test_backpropagation_equals_central_differences(problem):
    net, theta, X, y, alpha = problem
    if net.activation == "relu":  # relu is not differentiable at its kink: stay away from it
        assume(relu_pattern_is_constant_over_the_stencil(net, theta, X))
    J, grad = net.cost_and_gradient(theta, X, y, alpha)
    numerical = numerical_gradient(lambda t: net.cost(t, X, y, alpha), theta, eps=EPS)
    # norm(n - a) / norm(n + a) < 1e-7; the 1e-10 floor covers round-off when every component is tiny
    assert np.linalg.norm(numerical - grad) <= 1e-7 * np.linalg.norm(numerical + grad) + 1e-10, (
        np.linalg.norm(numerical - grad) / np.linalg.norm(numerical + grad)
    )


@SETTINGS
@given(networks(), st.data())
def test_pack_and_unpack_are_inverse_bitwise(net, data):
    finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
    theta = data.draw(hnp.arrays(np.float64, net.n_params, elements=finite))
    Thetas = net.unpack(theta)
    assert [T.shape for T in Thetas] == params.layer_shapes(net.layer_sizes)
    assert all(np.shares_memory(T, theta) for T in Thetas)  # views, as documented
    assert net.pack(Thetas).tobytes() == theta.tobytes()  # bitwise, -0.0 included
    Thetas = [data.draw(hnp.arrays(np.float64, shape, elements=finite)) for shape in params.layer_shapes(net.layer_sizes)]
    for T, back in zip(Thetas, net.unpack(net.pack(Thetas))):
        assert back.tobytes() == T.tobytes()


@SETTINGS
@given(problems(), st.sampled_from([1e-3, 1.0, 30.0, 1e3]), st.sampled_from([np.float64, np.float32]))
def test_predict_proba_rows_are_probabilities(problem, scale, dtype):
    net, theta, X, y, alpha = problem
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        P = net.predict_proba(theta * scale, X.astype(dtype))
        labels = net.predict(theta * scale, X.astype(dtype))
    assert P.shape == (X.shape[0], net.n_outputs) and P.dtype == np.float64
    assert np.all((P >= 0) & (P <= 1))
    if net.output == "softmax":
        np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=0, atol=1e-6 if dtype == np.float32 else 1e-12)
    expected = (P[:, 0] >= 0.5).astype(int) if net.n_outputs == 1 else np.argmax(P, axis=1)
    np.testing.assert_array_equal(labels, expected)


@SETTINGS
@given(problems(), st.floats(0, 5), st.floats(0, 5))
def test_cost_never_decreases_when_alpha_increases(problem, a, b):
    net, theta, X, y, _ = problem
    low, high = min(a, b), max(a, b)
    J_low, J_high = net.cost(theta, X, y, low), net.cost(theta, X, y, high)
    assert J_low <= J_high
    # and the difference is exactly the course's penalty alpha / (2m) * sum of the non-bias weights squared
    penalty = sum(np.sum(T[:, 1:] ** 2) for T in net.unpack(theta)) / (2 * X.shape[0])
    np.testing.assert_allclose(J_high - J_low, (high - low) * penalty, rtol=1e-9, atol=1e-12)


@SETTINGS
@given(problems(), st.sampled_from([np.float64, np.float32]))
def test_one_hot_and_index_targets_give_identical_cost_and_gradient(problem, dtype):
    net, theta, X, y, alpha = problem
    X = X.astype(dtype)
    J_index, grad_index = net.cost_and_gradient(theta, X, y, alpha)
    J_hot, grad_hot = net.cost_and_gradient(theta, X, one_hot(net, y), alpha)
    assert J_index == J_hot and grad_index.tobytes() == grad_hot.tobytes()
    assert net.cost(theta, X, y.tolist(), alpha) == J_index  # a list of ints is the same labels
    if net.n_outputs > 1:  # a column (m, 1) of indices is the same labels too
        assert net.cost(theta, X, y.reshape(-1, 1), alpha) == J_index


@SETTINGS
@given(problems())
def test_float32_inputs_agree_with_float64(problem):
    net, theta, X, y, alpha = problem
    J64, grad64 = net.cost_and_gradient(theta, X, y, alpha)
    J32, grad32 = net.cost_and_gradient(theta, X.astype(np.float32), y, alpha)
    assert isinstance(J32, float) and grad32.dtype == np.float64
    assert abs(J32 - J64) <= 1e-5 * max(1.0, abs(J64))
    np.testing.assert_allclose(grad32, grad64, rtol=0, atol=1e-4 * max(1.0, np.abs(grad64).max()))


@SETTINGS
@given(problems(), st.data())
def test_cost_does_not_depend_on_sample_order(problem, data):
    net, theta, X, y, alpha = problem
    order = data.draw(st.permutations(range(X.shape[0])))
    J, grad = net.cost_and_gradient(theta, X, y, alpha)
    J_perm, grad_perm = net.cost_and_gradient(theta, X[order], y[order], alpha)
    np.testing.assert_allclose(J_perm, J, rtol=1e-12)
    np.testing.assert_allclose(grad_perm, grad, rtol=1e-10, atol=1e-14)


@settings(max_examples=25, deadline=None)
@given(networks(outputs=["sigmoid", "softmax"]), st.integers(0, 2**32 - 1),
       st.sampled_from(["CG", "L-BFGS-B", "fmincg", "gd", "sgd", "adam"]), st.integers(1, 20))
def test_same_random_state_gives_bitwise_identical_training(net, seed, method, m):
    rng = np.random.default_rng(seed ^ 0x5EED)
    X = rng.normal(size=(m, net.n_features))
    y = rng.integers(0, max(net.n_outputs, 2), m)
    theta_a, theta_b = net.init_weights(random_state=seed), net.init_weights(random_state=seed)
    assert theta_a.tobytes() == theta_b.tobytes()
    kwargs = dict(alpha=0.5, method=method, max_iter=4, batch_size=max(1, m // 3), random_state=seed)
    a, b = train(net, theta_a, X, y, **kwargs), train(net, theta_b, X, y, **kwargs)
    assert a.theta.tobytes() == b.theta.tobytes()
    assert a.cost_history == b.cost_history and np.all(np.isfinite(a.cost_history))


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["CG", "sgd", "adam"]), st.sampled_from(ACTIVATIONS))
def test_same_random_state_gives_bitwise_identical_estimators(seed, solver, activation):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(30, 3))
    y = rng.integers(0, 3, 30)
    assume(np.unique(y).size >= 2)
    fits = []
    for _ in range(2):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fits.append(MLPClassifier(hidden_layer_sizes=(4,), activation=activation, solver=solver, max_iter=3,
                                      batch_size=8, random_state=seed).fit(X, y))
    a, b = fits
    assert [T.tobytes() for T in a.thetas_] == [T.tobytes() for T in b.thetas_]
    assert a.loss_curve_ == b.loss_curve_
    assert a.predict_proba(X).tobytes() == b.predict_proba(X).tobytes()
