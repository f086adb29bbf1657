import numpy as np
import pytest

import nnlearn
from nnlearn.core.reference import backprop_loop


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
@pytest.mark.parametrize("sizes", [[4, 3], [4, 5, 3], [4, 6, 5, 3]])
def test_per_example_loop_equals_vectorized(activation, output, sizes):
    rng = np.random.default_rng(1)
    net = nnlearn.Network(sizes, activation=activation, output=output)
    theta = net.init_weights(epsilon=1.0, random_state=2)
    X = rng.normal(size=(13, sizes[0]))
    y = rng.integers(0, sizes[-1], 13)
    J_loop, g_loop = backprop_loop(*net.check_inputs(theta, X, y, 1.3), net.spec)
    J_vec, g_vec = net.cost_and_gradient(theta, X, y, alpha=1.3)
    assert J_loop == pytest.approx(J_vec, rel=1e-13)
    np.testing.assert_allclose(g_loop, g_vec, rtol=1e-12, atol=1e-15)


def test_per_example_loop_binary_output():
    rng = np.random.default_rng(2)
    net = nnlearn.Network([2, 4, 1], activation="tanh")
    theta = net.init_weights(epsilon=1.0, random_state=0)
    X = rng.normal(size=(9, 2))
    y = rng.integers(0, 2, 9)
    J_loop, g_loop = backprop_loop(*net.check_inputs(theta, X, y), net.spec)
    J_vec, g_vec = net.cost_and_gradient(theta, X, y)
    assert J_loop == pytest.approx(J_vec, rel=1e-13)
    np.testing.assert_allclose(g_loop, g_vec, rtol=1e-12, atol=1e-15)
