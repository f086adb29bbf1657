"""Independent oracles: scikit-learn's MLPClassifier computes exactly the course's cost and gradient."""

import warnings

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier as SklearnMLP

import nnlearn


def sklearn_cost_and_gradient(Thetas, X, Y, alpha):
    """J and the gradient at Thetas, read from one plain SGD step of scikit-learn's MLPClassifier.

    With one-hot (multi-label) targets scikit-learn uses K logistic outputs and the summed
    binary log-loss; its penalty 0.5 * alpha * ||W||^2 / m is the course's lambda/(2m).
    A full-batch SGD step with learning rate 1 and no momentum moves the weights by
    exactly -grad, and ``loss_`` is the cost at the weights before the step.
    """
    m = X.shape[0]
    hidden = tuple(T.shape[0] for T in Thetas[:-1])
    sk = SklearnMLP(hidden_layer_sizes=hidden, activation="logistic", alpha=alpha, solver="sgd",
                    learning_rate_init=1.0, momentum=0.0, nesterovs_momentum=False, batch_size=m,
                    shuffle=False, max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk.fit(X, Y)  # initializes the layer structure
    sk.coefs_ = [T[:, 1:].T.copy() for T in Thetas]
    sk.intercepts_ = [T[:, 0].copy() for T in Thetas]
    before = [a.copy() for a in sk.coefs_ + sk.intercepts_]
    sk.partial_fit(X, Y)
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
