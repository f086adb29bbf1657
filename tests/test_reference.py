"""The course's per-example loop (nnlearn.core.reference.backprop_loop) computes the kernel's numbers."""

import numpy as np
import pytest

import nnlearn
from nnlearn.core import kernel
from nnlearn.core.reference import backprop_loop


def _targets(rng, output, m, K):
    if output == "identity":
        return rng.normal(size=(m, K))
    return rng.integers(0, max(K, 2), m)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("output", ["sigmoid", "softmax", "identity"])
@pytest.mark.parametrize("sizes", [[4, 3], [4, 5, 3], [4, 6, 5, 3]])
def test_per_example_loop_equals_vectorized(activation, output, sizes):
    rng = np.random.default_rng(1)
    net = nnlearn.Network(sizes, activation=activation, output=output)
    theta = net.init_weights(epsilon=1.0, random_state=2)
    X = rng.normal(size=(13, sizes[0]))
    y = _targets(rng, output, 13, sizes[-1])
    args = net.check_inputs(theta, X, y, 1.3)
    J_loop, g_loop = backprop_loop(*args, net.spec)
    J_vec, g_vec = kernel.cost_and_gradient(*args, net.spec)
    assert J_loop == pytest.approx(J_vec, rel=1e-13)
    np.testing.assert_allclose(g_loop, g_vec, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("output", ["sigmoid", "identity"])
def test_per_example_loop_one_output_unit(output):
    rng = np.random.default_rng(2)
    net = nnlearn.Network([2, 4, 1], activation="tanh", output=output)
    theta = net.init_weights(epsilon=1.0, random_state=0)
    X = rng.normal(size=(9, 2))
    y = _targets(rng, output, 9, 1)[:, 0] if output == "identity" else _targets(rng, output, 9, 1)
    args = net.check_inputs(theta, X, y, 0.0)
    J_loop, g_loop = backprop_loop(*args, net.spec)
    J_vec, g_vec = net.cost_and_gradient(theta, X, y)
    assert J_loop == pytest.approx(J_vec, rel=1e-13)
    np.testing.assert_allclose(g_loop, g_vec, rtol=1e-12, atol=1e-15)


def test_identity_loop_by_hand():
    # One example, no hidden layer: h = 0.5 + 2 * 1 = 2.5, y = 1, so J = (2.5 - 1)^2 / 2 = 1.125
    # + alpha/(2m) * 2^2 = 0.5 * 4 / 2 = 1 (alpha = 0.5); dJ/db = h - y = 1.5, dJ/dw = 1.5 * 1 + 0.5 * 2 = 2.5.
    net = nnlearn.Network([1, 1], output="identity")
    args = net.check_inputs(np.array([0.5, 2.0]), np.array([[1.0]]), np.array([1.0]), 0.5)
    J, grad = backprop_loop(*args, net.spec)
    assert J == pytest.approx(1.125 + 1.0, rel=1e-15)
    np.testing.assert_allclose(grad, [1.5, 2.5], rtol=1e-15)
    assert net.cost_and_gradient(*args)[0] == pytest.approx(J, rel=1e-15)
