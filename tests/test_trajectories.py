"""gd, sgd and Adam through nnlearn.train follow the plain implementation's trajectory.

The plain implementation is written here as a textbook would: the vectorized
backpropagation of nnlearn.core.reference (ones column, all rows at once) and
each method's update rule in one line, on a fresh copy of every array. nnlearn's
fast path (the blocked kernel, kernel.Objective's prepared data, the optimizers'
in-place updates) must give the same weights and costs over the first
iterations, to 1e-12 relative to the largest weight.
"""

import numpy as np
import pytest

import nnlearn
from nnlearn.core.reference import cost_and_gradient_plain


def _plain_objective(net, X, y, alpha):
    Y = np.eye(net.layer_sizes[-1])[y] if net.layer_sizes[-1] > 1 else y[:, None].astype(float)
    m = X.shape[0]

    def fun(theta, rows=None):
        if rows is None:
            return cost_and_gradient_plain(theta, X, Y, alpha, net.spec)
        return cost_and_gradient_plain(theta, X[rows], Y[rows], alpha * len(rows) / m, net.spec)

    return fun


def plain_run(net, theta, X, y, alpha, method, learning_rate, max_iter, batch_size=None, momentum=0.0, seed=0):
    """(thetas, costs) after each iteration: gd steps, or sgd/adam passes of shuffled mini-batches."""
    fun = _plain_objective(net, X, y, alpha)
    m = X.shape[0]
    batch = m if batch_size is None else batch_size
    rng = np.random.default_rng(seed)
    velocity, first, second, t = np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta), 0
    thetas, costs = [theta], [fun(theta)[0]]
    for _ in range(max_iter):
        if method == "gd":
            theta = theta - learning_rate * fun(theta)[1]
        else:
            order = rng.permutation(m) if batch < m else np.arange(m)
            for start in range(0, m, batch):
                grad = fun(theta, order[start : start + batch])[1]
                if method == "sgd":
                    velocity = momentum * velocity - learning_rate * grad
                    theta = theta + velocity
                else:
                    t += 1
                    first = 0.9 * first + 0.1 * grad
                    second = 0.999 * second + 0.001 * grad**2
                    theta = theta - learning_rate * (first / (1 - 0.9**t)) / (np.sqrt(second / (1 - 0.999**t)) + 1e-8)
        thetas.append(theta)
        costs.append(fun(theta)[0])
    return thetas, costs


PROBLEMS = {
    # the planar exercise: 2-4-1 tanh on the spiral (its data are small: one example per column, ones row)
    "planar": lambda: (nnlearn.Network([2, 4, 1], activation="tanh"),) + nnlearn.datasets.make_spirals(random_state=0),
    # several blocks of rows, softmax, two hidden layers
    "blocks": lambda: (nnlearn.Network([20, 12, 7, 4], activation="sigmoid", output="softmax"),
                       np.random.default_rng(3).normal(size=(3000, 20)), np.random.default_rng(4).integers(0, 4, 3000)),
}


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("method, options", [
    ("gd", {"learning_rate": 1.2}),
    ("sgd", {"learning_rate": 0.3, "momentum": 0.9, "batch_size": 128}),
    ("sgd", {"learning_rate": 0.3, "momentum": 0.9, "batch_size": "all"}),  # one step per pass
    ("adam", {"learning_rate": 0.01, "batch_size": 128}),
    ("adam", {"learning_rate": 0.01}),  # full batch
])
def test_the_first_iterations_follow_the_plain_implementation(monkeypatch, problem, method, options):
    from nnlearn.core import kernel

    net, X, y = PROBLEMS[problem]()
    if problem == "blocks":
        monkeypatch.setattr(kernel, "MIN_BLOCK_ROWS", 1)
        monkeypatch.setattr(kernel, "BLOCK_WORK", 3 * net.n_params * 400)  # blocks of about 400 rows
        assert len(kernel.blocks(3000, net.spec)) > 1
    theta0 = net.init_weights(method="normal" if problem == "planar" else "uniform", random_state=1)
    options = {k: X.shape[0] if v == "all" else v for k, v in options.items()}
    result = nnlearn.train(net, theta0, X, y, alpha=0.5, method=method, max_iter=6, random_state=7, **options)
    thetas, costs = plain_run(net, theta0, X, y, 0.5, method, max_iter=6, seed=7, **options)
    scale = max(np.max(np.abs(t)) for t in thetas)
    # Adam divides each gradient entry by its root mean square plus eps = 1e-8: an entry near 0
    # moves by up to learning_rate / eps = 10^6 times its last-bit difference.
    tolerance = 1e-10 if method == "adam" else 1e-12
    np.testing.assert_allclose(result.theta, thetas[-1], rtol=0, atol=tolerance * scale)
    np.testing.assert_allclose(result.cost_history, costs, rtol=tolerance)
    assert result.n_iter == 6


def test_a_callback_sees_each_iterate_of_the_plain_trajectory():
    net, X, y = PROBLEMS["planar"]()
    theta0 = net.init_weights(method="normal", random_state=1)
    seen = []
    nnlearn.train(net, theta0, X, y, method="gd", learning_rate=1.2, max_iter=4,
                  callback=lambda i, theta, J: seen.append(theta))
    thetas, _ = plain_run(net, theta0, X, y, 0.0, "gd", 1.2, 4)
    for got, expected in zip(seen, thetas[1:]):
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-13)
    seen[0][:] = 0.0  # a callback owns its copy: the run is not disturbed
    assert not np.all(seen[1] == 0)
