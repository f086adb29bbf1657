"""Mini-batch training reuses its arrays (issue 15, part 4): the numbers stay the plain ones.

An Objective gathers each batch's rows into per-thread scratch buffers, casts the
weights to float32 into one, and keeps the L2 term in one; sgd and Adam update the
weights in place within a pass. Oracles: kernel.cost_and_gradient on freshly
indexed rows (the same bits), and the optimizers' own results on fresh arrays.
"""

import threading

import numpy as np
import pytest

import nnlearn
from nnlearn.core import kernel, optimizers


def _problem(dtype, m=3000, n=40, seed=0):
    rng = np.random.default_rng(seed)
    net = nnlearn.Network([n, 6, 3], activation="relu", output="softmax")
    theta = net.init_weights(epsilon=1.0, random_state=seed)
    X = rng.normal(size=(m, n)).astype(dtype)
    Y = np.eye(3)[rng.integers(0, 3, m)]
    return net, theta, X, Y


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
def test_batches_of_changing_sizes_give_cost_and_gradients_bits(dtype, weighted):
    net, theta, X, Y = _problem(dtype)
    assert X.shape[0] * (X.shape[1] + 4) * X.itemsize > kernel.PREPARED_BYTES  # rows as they are: gathered
    w = np.random.default_rng(1).uniform(0.0, 2.0, X.shape[0]) if weighted else None
    objective = kernel.Objective(X, Y, net.spec, w)
    order = np.random.default_rng(2).permutation(X.shape[0])
    results = []
    for size in (500, 96, 700, 500, 3):  # larger, smaller, larger again: views of one buffer
        rows = order[:size]
        order = np.roll(order, 17)
        J, grad = objective(theta, 0.3, rows)
        J_k, grad_k = kernel.cost_and_gradient(theta, X[rows], Y[rows], 0.3, net.spec, None if w is None else w[rows])
        assert J == J_k and objective.cost(theta, 0.3, rows) == J_k
        np.testing.assert_array_equal(grad, grad_k)
        results.append((grad, grad.copy()))
    for grad, kept in results:  # the gradients returned are the caller's: later batches change none of them
        np.testing.assert_array_equal(grad, kept)


def test_negative_row_indices_count_from_the_end_as_in_indexing():
    net, theta, X, Y = _problem(np.float32)
    rows = np.array([-1, -3000, 5, 2999])
    J, grad = kernel.Objective(X, Y, net.spec)(theta, 0.1, rows)
    J_k, grad_k = kernel.cost_and_gradient(theta, X[rows], Y[rows], 0.1, net.spec)
    assert J == J_k
    np.testing.assert_array_equal(grad, grad_k)


@pytest.mark.parametrize("data", ["mini-batches", "tiny"])
def test_threads_sharing_an_objective_get_their_own_numbers(data):
    # Mini-batches: each thread gathers its rows into its own scratch buffers. Tiny data: all rows
    # are computed in one set of buffers made once (kernel._Plan), which the threads take in turns.
    if data == "mini-batches":
        net, theta, X, Y = _problem(np.float32)
        calls = [(theta, np.random.default_rng(seed).permutation(X.shape[0])[:400 + 50 * seed]) for seed in range(4)]
        repeats = 30
    else:
        net, theta, X, Y = _problem(np.float64, m=400, n=2)
        calls = [(theta * (1 + 0.1 * k), None) for k in range(4)]
        repeats = 300
    objective = kernel.Objective(X, Y, net.spec)
    assert (objective.plan is not None) == (data == "tiny")
    expected = [kernel.cost_and_gradient(t, X if rows is None else X[rows], Y if rows is None else Y[rows], 0.2,
                                         net.spec) for t, rows in calls]
    failures = []

    def work(i):
        theta_i, rows = calls[i]
        for _ in range(repeats):
            J, grad = objective(theta_i, 0.2, rows)
            if J != expected[i][0] or not np.array_equal(grad, expected[i][1]):
                failures.append(i)

    team = [threading.Thread(target=work, args=(i,)) for i in range(len(calls))]
    for thread in team:
        thread.start()
    for thread in team:
        thread.join()
    assert failures == []


def test_a_batch_larger_than_the_scratch_bound_is_allocated_anew(monkeypatch):
    net, theta, X, Y = _problem(np.float64)
    monkeypatch.setattr(kernel, "SCRATCH_BYTES", 1000)  # every array of this problem is above it
    rows = np.arange(0, 3000, 3)
    J, grad = kernel.Objective(X, Y, net.spec)(theta, 0.5, rows)
    J_k, grad_k = kernel.cost_and_gradient(theta, X[rows], Y[rows], 0.5, net.spec)
    assert J == J_k
    np.testing.assert_array_equal(grad, grad_k)


@pytest.mark.parametrize("method, options", [("adam", {}), ("sgd", {"momentum": 0.9})])
def test_in_place_passes_leave_theta0_and_every_reported_iterate_alone(method, options):
    net, theta0, X, Y = _problem(np.float64, m=600)
    y = Y.argmax(axis=1)
    before = theta0.copy()
    seen = []
    result = nnlearn.train(net, theta0, X, y, alpha=0.1, method=method, batch_size=64, max_iter=3, random_state=0,
                           learning_rate=0.01, callback=lambda i, theta, J: seen.append(theta), **options)
    np.testing.assert_array_equal(theta0, before)
    np.testing.assert_array_equal(seen[-1], result.theta)
    assert not np.array_equal(seen[0], seen[1])
    for k in (1, 2):  # each pass's iterate: a run stopped there ends on the same weights
        shorter = nnlearn.train(net, theta0, X, y, alpha=0.1, method=method, batch_size=64, max_iter=k,
                                random_state=0, learning_rate=0.01, **options)
        np.testing.assert_array_equal(shorter.theta, seen[k - 1])


def test_adams_folded_bias_corrections_give_the_textbook_step():
    # One step from zero moments is -lr * g / (|g| + eps) (m̂ = g, v̂ = g²), for any t-th first step.
    rng = np.random.default_rng(0)
    g = rng.normal(size=50) * np.logspace(-6, 3, 50)
    theta0 = rng.normal(size=50)

    def fun(theta, rows=None):  # a linear objective: its gradient is g everywhere
        return float(g @ theta), g.copy()

    result = optimizers.minimize(fun, theta0, "adam", 1, n_samples=10, batch_size=5, learning_rate=0.01,
                                 shuffle=False)
    # two steps with the same gradient: m̂ = g and v̂ = g² after each, so each moves by lr g / (|g| + eps)
    np.testing.assert_allclose(result.theta, theta0 - 2 * 0.01 * g / (np.abs(g) + 1e-8), rtol=1e-14, atol=1e-15)


# -- pass_cost: what a pass of sgd or adam records -----------------------------------------------


def _counting_objective(net, X, Y, alpha, log):
    """network_objective's fun, logging (len(rows), J_B) of every batch and counting J-alone calls."""
    from nnlearn.optimize import network_objective

    inner = network_objective(net, X, Y, alpha)

    def fun(theta, rows=None):
        J, grad = inner(theta, rows)
        if rows is not None:
            log["batches"].append((len(rows), J))
        return J, grad

    def cost(theta):
        log["cost calls"] += 1
        return inner.cost(theta)

    fun.cost = cost
    return fun


@pytest.mark.parametrize("method", ["adam", "sgd"])
def test_batch_costs_record_each_passs_mean_batch_cost_on_the_same_weights(method):
    net, theta0, X, Y = _problem(np.float64, m=650)  # batches of 100: the last of each pass has 50 rows
    runs = {}
    for pass_cost in ("exact", "batches"):
        log = {"batches": [], "cost calls": 0}
        fun = _counting_objective(net, X, Y, 0.2, log)
        result = optimizers.minimize(fun, theta0, method, 3, n_samples=650, learning_rate=0.01, batch_size=100,
                                     momentum=0.5, random_state=4, pass_cost=pass_cost)
        runs[pass_cost] = (result, log)
    (exact, exact_log), (batches, batches_log) = runs["exact"], runs["batches"]
    np.testing.assert_array_equal(batches.theta, exact.theta)  # the same steps
    assert exact.cost_history[0] == kernel.cost(theta0, X, Y, 0.2, net.spec)
    assert batches.cost_history[0] == batches_log["batches"][0][1]  # the first batch's cost at theta0
    assert (exact_log["cost calls"], batches_log["cost calls"]) == (4, 0)  # J(theta0) and each pass's end; none
    assert len(batches_log["batches"]) == 21  # the first batch was not evaluated twice
    per_pass = [batches_log["batches"][7 * k : 7 * (k + 1)] for k in range(3)]
    assert [len(b) for b in per_pass] == [7, 7, 7] and per_pass[0][-1][0] == 50
    means = [sum(size * J for size, J in batches) / 650 for batches in per_pass]
    assert batches.cost_history[1:] == pytest.approx(means, rel=1e-15)
    assert batches.cost_history[1:] != pytest.approx(exact.cost_history[1:], rel=1e-6)  # an estimate, not J


def test_with_one_batch_per_pass_batch_costs_are_the_exact_costs():
    net, theta0, X, Y = _problem(np.float64, m=300)
    y = Y.argmax(axis=1)
    exact, batches = (nnlearn.train(net, theta0, X, y, alpha=0.1, method="adam", max_iter=3, learning_rate=0.01,
                                    pass_cost=pass_cost) for pass_cost in ("exact", "batches"))
    assert batches.cost_history == exact.cost_history
    np.testing.assert_array_equal(batches.theta, exact.theta)


def test_pass_cost_is_checked_at_the_doors():
    net, theta0, X, Y = _problem(np.float64, m=50)
    y = Y.argmax(axis=1)
    with pytest.raises(ValueError, match=r"The 'pass_cost' parameter of train must be a str among "
                                         r"\['exact', 'batches'\]. Got 'mean' instead."):
        nnlearn.train(net, theta0, X, y, method="adam", pass_cost="mean")
    with pytest.raises(TypeError, match=r"The 'pass_cost' parameter of minimize must be a str"):
        nnlearn.optimize.minimize(lambda theta, rows=None: (0.0, 0 * theta), theta0, "sgd", n_samples=50,
                                  pass_cost=None)


# -- float32 state for float32 data ---------------------------------------------------------------


@pytest.mark.parametrize("method, options", [("adam", {}), ("sgd", {"momentum": 0.9})])
def test_float32_data_keep_the_state_in_float32_on_the_float64_trajectory(method, options):
    from nnlearn.optimize import network_objective

    net, theta0, X, Y = _problem(np.float32, m=600)
    fun = network_objective(net, X, Y, 0.2)
    assert fun.dtype == np.float32
    run = dict(n_samples=600, learning_rate=0.01, batch_size=64, random_state=3, **options)
    single = optimizers.minimize(fun, theta0, method, 4, **run)
    double = optimizers.minimize(fun, theta0, method, 4, state=optimizers.MinibatchState.zeros(theta0.size), **run)
    assert single.theta.dtype == np.float64 and single.state.first.dtype == np.float32
    assert double.state.first.dtype == np.float64
    scale = np.max(np.abs(double.theta))
    np.testing.assert_allclose(single.theta, double.theta, rtol=0, atol=1e-5 * scale)
    assert not np.array_equal(single.theta, double.theta)  # really computed in float32
    np.testing.assert_allclose(single.cost_history, double.cost_history, rtol=1e-5)
    # and the run goes on from its float32 state as one longer run does
    first = optimizers.minimize(fun, theta0, method, 2, **run)
    second = optimizers.minimize(fun, first.theta, method, 2, state=first.state,
                                 **{**run, "random_state": np.random.default_rng(5)})
    assert second.state.first.dtype == np.float32 and second.state.step == (0 if method == "sgd" else 40)


def test_batch_costs_check_the_first_batchs_cost_and_max_iter_0_keeps_the_exact_start():
    net, theta0, X, Y = _problem(np.float64, m=300)
    y = Y.argmax(axis=1)
    zero = nnlearn.train(net, theta0, X, y, alpha=0.1, method="adam", batch_size=50, max_iter=0, pass_cost="batches")
    assert zero.cost_history == [kernel.cost(theta0, X, Y, 0.1, net.spec)] and zero.n_iter == 0

    def fun(theta, rows=None):  # overflowing on the rows of the first batch
        return float("inf"), np.zeros_like(theta)

    with pytest.raises(ValueError, match="the cost at theta0 is inf"):
        optimizers.minimize(fun, theta0, "adam", 2, n_samples=300, batch_size=50, pass_cost="batches")
    with pytest.raises(ValueError, match=r"the cost at theta0 is (inf|nan): theta0 or X is too large"):  # the door's
        nnlearn.train(net, np.full_like(theta0, 1e300), X, y, method="adam", batch_size=50, pass_cost="batches")
