"""Independent oracles: scikit-learn's MLPClassifier and MLPRegressor compute exactly the course's cost and gradient."""

import warnings

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier as SklearnMLP
from sklearn.neural_network import MLPRegressor as SklearnRegressor

import nnlearn


def sklearn_cost_and_gradient(Thetas, X, Y, alpha, estimator=SklearnMLP, activation="logistic", sample_weight=None):
    """J and the gradient at Thetas, read from one plain SGD step of a scikit-learn MLP.

    With one-hot (multi-label) targets scikit-learn's MLPClassifier uses K logistic outputs
    and the summed binary log-loss; MLPRegressor uses identity outputs and half the squared
    error. The penalty 0.5 * alpha * ||W||^2 / m is the course's lambda/(2m); with sample
    weights both the loss and the penalty are divided by the total weight instead of m.
    A full-batch SGD step with learning rate 1 and no momentum moves the weights by
    exactly -grad, and ``loss_`` is the cost at the weights before the step.
    """
    m = X.shape[0]
    hidden = tuple(T.shape[0] for T in Thetas[:-1])
    sk = estimator(hidden_layer_sizes=hidden, activation=activation, alpha=alpha, solver="sgd",
                   learning_rate_init=1.0, momentum=0.0, nesterovs_momentum=False, batch_size=m,
                   shuffle=False, max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk.fit(X, Y)  # initializes the layer structure
    sk.coefs_ = [T[:, 1:].T.copy() for T in Thetas]
    sk.intercepts_ = [T[:, 0].copy() for T in Thetas]
    before = [a.copy() for a in sk.coefs_ + sk.intercepts_]
    sk.partial_fit(X, Y, sample_weight=sample_weight)
    L = len(Thetas)
    steps = [b - a for b, a in zip(before, sk.coefs_ + sk.intercepts_)]
    grads = [np.column_stack([steps[L + l], steps[l].T]) for l in range(L)]
    return sk.loss_, grads


@pytest.mark.parametrize("hidden", [(5,), (6, 4)])
@pytest.mark.parametrize("alpha", [0.0, 0.7, 3.0])
def test_cost_and_gradient_equal_sklearn(hidden, alpha):
    rng = np.random.default_rng(0)
    m, n, K = 40, 7, 4
    X = rng.normal(size=(m, n))
    y = np.arange(m) % K
    net = nnlearn.Network([n, *hidden, K])
    theta = net.init_weights(epsilon=1.0, random_state=3)
    J, grad = net.cost_and_gradient(theta, X, y, alpha=alpha)
    J_sk, grads_sk = sklearn_cost_and_gradient(net.unpack(theta), X, np.eye(K)[y], alpha)
    assert J == pytest.approx(J_sk, rel=1e-13)
    np.testing.assert_allclose(grad, net.pack(grads_sk), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("alpha", [0.0, 0.7, 3.0])
def test_weighted_cost_and_gradient_equal_sklearn(alpha):
    rng = np.random.default_rng(1)
    m, n, K = 40, 7, 4
    X = rng.normal(size=(m, n))
    y = np.arange(m) % K
    w = rng.uniform(0.0, 3.0, m)
    w[:3] = 0.0
    net = nnlearn.Network([n, 6, K])
    theta = net.init_weights(epsilon=1.0, random_state=3)
    J, grad = net.cost_and_gradient(theta, X, y, alpha=alpha, sample_weight=w)
    J_sk, grads_sk = sklearn_cost_and_gradient(net.unpack(theta), X, np.eye(K)[y], alpha, sample_weight=w)
    assert J == pytest.approx(J_sk, rel=1e-13)
    np.testing.assert_allclose(grad, net.pack(grads_sk), rtol=1e-10, atol=1e-14)


# -- regression: the identity output with half the squared error is scikit-learn's MLPRegressor -----


@pytest.mark.parametrize("hidden", [(5,), (6, 4)])
@pytest.mark.parametrize("activation, sk_activation", [("sigmoid", "logistic"), ("tanh", "tanh")])
@pytest.mark.parametrize("alpha", [0.0, 0.7, 3.0])
@pytest.mark.parametrize("weighted", [False, True])
def test_identity_output_equals_sklearn_regressor(hidden, activation, sk_activation, alpha, weighted):
    rng = np.random.default_rng(2)
    m, n = 40, 5
    X = rng.normal(size=(m, n))
    y = X @ rng.normal(size=n) + rng.normal(scale=0.3, size=m)
    w = rng.uniform(0.0, 3.0, m) if weighted else None
    net = nnlearn.Network([n, *hidden, 1], activation=activation, output="identity")
    theta = net.init_weights(epsilon=1.0, random_state=4)
    J, grad = net.cost_and_gradient(theta, X, y, alpha=alpha, sample_weight=w)
    J_sk, grads_sk = sklearn_cost_and_gradient(net.unpack(theta), X, y, alpha, SklearnRegressor, sk_activation, w)
    assert J == pytest.approx(J_sk, rel=1e-13)
    np.testing.assert_allclose(grad, net.pack(grads_sk), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("alpha", [0.0, 0.7])
def test_multi_output_regression_gradient_equals_sklearn_and_its_loss_averages_the_outputs(alpha):
    # scikit-learn's gradient is that of the squared error summed over the K outputs (delta_L = h - y),
    # but its reported loss averages the K outputs (scikit-learn issue #8349): nnlearn's J is the
    # sum, the function that gradient belongs to. So the gradients are equal and the data terms differ by K.
    rng = np.random.default_rng(3)
    m, n, K = 30, 4, 3
    X = rng.normal(size=(m, n))
    Y = X @ rng.normal(size=(n, K))
    net = nnlearn.Network([n, 6, K], activation="tanh", output="identity")
    theta = net.init_weights(epsilon=1.0, random_state=5)
    J, grad = net.cost_and_gradient(theta, X, Y, alpha=alpha)
    J_sk, grads_sk = sklearn_cost_and_gradient(net.unpack(theta), X, Y, alpha, SklearnRegressor, "tanh")
    np.testing.assert_allclose(grad, net.pack(grads_sk), rtol=1e-10, atol=1e-14)
    penalty = net.cost(theta, X, Y, alpha) - net.cost(theta, X, Y, 0.0)
    assert J - penalty == pytest.approx(K * (J_sk - penalty), rel=1e-12)
