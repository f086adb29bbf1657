"""The kernel's per-layer activations (``Spec(activation=("tanh", "relu"))``), added for the playground.

Oracles: the same network with one activation given as a str (bit-identical),
a textbook forward pass and loss written here layer by layer, central
differences, and PyTorch's autograd when it is installed.
"""

import numpy as np
import pytest

from nnlearn.core import kernel, params
from nnlearn.core.activations import ACTIVATIONS
from nnlearn.core.losses import OUTPUTS, one_hot


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def _problem(rng, sizes, output, m=7, dtype=np.float64):
    K = sizes[-1]
    theta = params.debug_weights(1, params.n_params(sizes) - 1).ravel() * 7  # deterministic, not tiny
    X = rng.standard_normal((m, sizes[0])).astype(dtype)
    Y = one_hot(rng.integers(0, max(K, 2), m), K)
    return theta, X, Y


def _textbook(theta, X, Y, alpha, sizes, activations, output):
    """J and h, one layer after the other with the ones column, as in the course."""
    Thetas = params.unpack(theta, sizes)
    A = X.astype(np.float64)
    for l, T in enumerate(Thetas):
        Z = np.column_stack([np.ones(len(A)), A]) @ T.T  # z(l+2) = Θ(l+1) [1; a(l+1)]
        A = ACTIVATIONS[activations[l]].g(Z) if l < len(Thetas) - 1 else Z
    h = OUTPUTS[output].h(A)
    m = X.shape[0]
    J = OUTPUTS[output].loss(A, Y) / m + alpha / (2 * m) * sum(float(np.sum(T[:, 1:] ** 2)) for T in Thetas)
    return J, h


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_one_activation_as_a_tuple_gives_the_same_bits(rng, name, dtype):
    sizes = (3, 6, 5, 4, 2)
    theta, X, Y = _problem(rng, sizes, "softmax", m=23, dtype=dtype)
    as_str = kernel.Spec(sizes, name, "softmax")
    as_tuple = kernel.Spec(sizes, (name,) * 3, "softmax")
    J_str, grad_str = kernel.cost_and_gradient(theta, X, Y, 0.5, as_str)
    J_tuple, grad_tuple = kernel.cost_and_gradient(theta, X, Y, 0.5, as_tuple)
    assert J_str == J_tuple
    assert np.array_equal(grad_str, grad_tuple)
    assert np.array_equal(kernel.forward(theta, X, as_str), kernel.forward(theta, X, as_tuple))
    assert as_str.gs == as_tuple.gs == (ACTIVATIONS[name],) * 3


@pytest.mark.parametrize("activations", [("tanh", "sigmoid"), ("sigmoid", "tanh"), ("relu", "tanh"), ("tanh", "relu")])
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_mixed_activations_match_the_textbook_forward_pass(rng, activations, output):
    sizes = (3, 5, 4, 3)
    theta, X, Y = _problem(rng, sizes, output)
    spec = kernel.Spec(sizes, activations, output)
    J_book, h_book = _textbook(theta, X, Y, 0.7, sizes, activations, output)
    assert kernel.cost(theta, X, Y, 0.7, spec) == pytest.approx(J_book, rel=1e-12)
    np.testing.assert_allclose(kernel.forward(theta, X, spec), h_book, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("activations", [("tanh", "sigmoid"), ("sigmoid", "tanh")])
@pytest.mark.parametrize("alpha", [0.0, 1.3])
def test_mixed_activations_gradient_matches_central_differences(rng, activations, alpha):
    sizes = (3, 5, 4, 3)
    theta, X, Y = _problem(rng, sizes, "sigmoid", m=5)
    spec = kernel.Spec(sizes, activations, "sigmoid")
    _, grad = kernel.cost_and_gradient(theta, X, Y, alpha, spec)
    eps = 1e-5
    numerical = np.array([
        (kernel.cost(theta + eps * e, X, Y, alpha, spec) - kernel.cost(theta - eps * e, X, Y, alpha, spec)) / (2 * eps)
        for e in np.eye(theta.size)
    ])
    assert np.linalg.norm(numerical - grad) / np.linalg.norm(numerical + grad) < 1e-9


def test_mixed_activations_gradient_matches_torch(rng):
    torch = pytest.importorskip("torch")
    sizes = (2, 6, 5, 4, 3)
    activations = ("relu", "tanh", "sigmoid")
    theta, X, Y = _problem(rng, sizes, "softmax", m=11)
    spec = kernel.Spec(sizes, activations, "softmax")
    J, grad = kernel.cost_and_gradient(theta, X, Y, 0.4, spec)

    t = torch.tensor(theta, requires_grad=True)
    Thetas = [t[start:end].reshape(shape) for start, end, shape in params.layer_offsets(sizes)]
    A = torch.tensor(X)
    g = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}
    for l, T in enumerate(Thetas):
        Z = A @ T[:, 1:].T + T[:, 0]
        A = g[activations[l]](Z) if l < len(Thetas) - 1 else Z
    m = X.shape[0]
    loss = -(torch.tensor(Y) * torch.log_softmax(A, dim=1)).sum() / m
    loss = loss + 0.4 / (2 * m) * sum((T[:, 1:] ** 2).sum() for T in Thetas)
    loss.backward()
    assert J == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(grad, t.grad.numpy(), rtol=1e-10, atol=1e-13)


def test_mixed_activations_in_float32_blocks(rng, monkeypatch):
    """Several row blocks and float32 give the float64 numbers to float32 precision."""
    sizes = (4, 7, 6, 1)
    spec = kernel.Spec(sizes, ("relu", "sigmoid"), "sigmoid")
    theta, X, Y = _problem(rng, sizes, "sigmoid", m=50)
    J64, grad64 = kernel.cost_and_gradient(theta, X, Y, 0.1, spec)
    monkeypatch.setattr(kernel, "BLOCK_ROWS", 16)
    J32, grad32 = kernel.cost_and_gradient(theta, X.astype(np.float32), Y, 0.1, spec)
    assert J32 == pytest.approx(J64, rel=1e-5)
    np.testing.assert_allclose(grad32, grad64, rtol=1e-3, atol=1e-5)
    np.testing.assert_allclose(kernel.forward(theta, X.astype(np.float32), spec), kernel.forward(theta, X, spec),
                               rtol=1e-5, atol=1e-6)
