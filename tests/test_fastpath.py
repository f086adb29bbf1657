"""The kernel (nnlearn.core.kernel: cost_and_gradient, forward) computes the plain version's numbers.

The plain version is the textbook vectorized backpropagation in nnlearn.core.reference
(ones column, all rows at once, allocating activations and losses). Tolerances:
1e-12 relative in float64, 1e-5 in float32 (both sides then compute in float32).
"""

import warnings

import numpy as np
import pytest
from scipy.special import expit
from scipy.special import softmax as scipy_softmax

import nnlearn
from nnlearn.bench import peak_extra_bytes
from nnlearn.core import activations, kernel, losses
from nnlearn.core.reference import backprop_loop, cost_and_gradient_plain

M = 23  # rows: block sizes below cut it into 1, 2, 4 and 23 blocks, with ragged last blocks


def plain(net, theta, X, y, alpha, sample_weight=None):
    """The plain version on the inputs the network's door checks and prepares (Y one-hot)."""
    return cost_and_gradient_plain(*net.check_inputs(theta, X, y, alpha), net.spec, sample_weight)


def _relative(a, b):
    return np.max(np.abs(a - b)) / np.max(np.abs(b))


def _problem(sizes, activation, output, dtype=np.float64, scale=1.0, seed=0, m=M):
    rng = np.random.default_rng(seed)
    net = nnlearn.Network(sizes, activation=activation, output=output)
    theta = scale * net.init_weights(epsilon=1.0, random_state=seed)
    X = rng.normal(size=(m, sizes[0])).astype(dtype)
    if output == "identity":  # real targets, one column per output unit
        y = rng.normal(scale=2.0, size=(m, sizes[-1]))
    else:
        y = rng.integers(0, max(sizes[-1], 2), m)
    return net, theta, X, y


def _assert_same(fast, plain, tolerance):
    (J_fast, g_fast), (J_plain, g_plain) = fast, plain
    assert isinstance(J_fast, float) and g_fast.dtype == np.float64 and g_fast.shape == g_plain.shape
    assert J_fast == pytest.approx(J_plain, rel=tolerance)
    assert _relative(g_fast, g_plain) <= tolerance


@pytest.mark.parametrize("block_rows", [1, 7, M - 1, M, 4096])
@pytest.mark.parametrize("sizes", [[5, 3], [5, 7, 3], [5, 7, 6, 3]])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("output", ["sigmoid", "softmax", "identity"])
def test_fast_equals_plain_float64(monkeypatch, block_rows, sizes, activation, output):
    net, theta, X, y = _problem(sizes, activation, output)
    monkeypatch.setattr(kernel, "BLOCK_ROWS", block_rows)
    for alpha in (0.0, 1.3):
        _assert_same(net.cost_and_gradient(theta, X, y, alpha), plain(net, theta, X, y, alpha), 1e-12)


@pytest.mark.parametrize("block_rows", [1, 7, 4096])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("output", ["sigmoid", "softmax", "identity"])
def test_weighted_fast_equals_weighted_plain(monkeypatch, block_rows, activation, output):
    net, theta, X, y = _problem([5, 7, 3], activation, output)
    monkeypatch.setattr(kernel, "BLOCK_ROWS", block_rows)
    w = np.random.default_rng(9).uniform(0.0, 3.0, M)
    w[[2, 11]] = 0.0  # zero weights too
    for alpha in (0.0, 1.3):
        fast = net.cost_and_gradient(theta, X, y, alpha, sample_weight=w)
        _assert_same(fast, plain(net, theta, X, y, alpha, w), 1e-12)
        assert fast[0] == net.cost(theta, X, y, alpha, sample_weight=w)
        # and the per-example loop of the course, weighted the same way
        _assert_same(fast, backprop_loop(*net.check_inputs(theta, X, y, alpha), net.spec, w), 1e-12)
    X32 = X.astype(np.float32)
    _assert_same(net.cost_and_gradient(theta, X32, y, 1.3, sample_weight=w), plain(net, theta, X32, y, 1.3, w), 1e-5)


@pytest.mark.parametrize("output", ["sigmoid", "softmax", "identity"])
def test_weights_of_one_give_the_unweighted_numbers(output):
    # The gradient to the bit (each error times 1.0, divided by S = m); J to rounding (the weighted
    # loss sums each row first).
    net, theta, X, y = _problem([5, 7, 3], "tanh", output)
    for dtype in (np.float64, np.float32):
        J, grad = net.cost_and_gradient(theta, X.astype(dtype), y, 1.3)
        J_w, grad_w = net.cost_and_gradient(theta, X.astype(dtype), y, 1.3, sample_weight=np.ones(M))
        assert J_w == pytest.approx(J, rel=1e-14 if dtype == np.float64 else 1e-6)
        np.testing.assert_array_equal(grad_w, grad)


@pytest.mark.parametrize("block_rows", [7, 4096])
@pytest.mark.parametrize("sizes", [[5, 3], [5, 7, 3], [5, 7, 6, 3]])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("output", ["sigmoid", "softmax", "identity"])
def test_fast_equals_plain_float32(monkeypatch, block_rows, sizes, activation, output):
    net, theta, X, y = _problem(sizes, activation, output, dtype=np.float32)
    monkeypatch.setattr(kernel, "BLOCK_ROWS", block_rows)
    _assert_same(net.cost_and_gradient(theta, X, y, 1.3), plain(net, theta, X, y, 1.3), 1e-5)


def test_unaligned_input_gives_the_same_bits():
    # Arrays unpickled by Dask can sit at any byte offset; NumPy would multiply them without BLAS.
    net, theta, X, y = _problem([40, 9, 10], "sigmoid", "sigmoid", m=50)
    buffer = np.zeros(X.nbytes + 16, dtype=np.uint8)
    start = 3 + (-buffer.ctypes.data) % 8  # 3 bytes past an 8-byte boundary
    X_unaligned = np.frombuffer(buffer[start : start + X.nbytes], dtype=np.float64).reshape(X.shape)
    X_unaligned[...] = X
    assert not X_unaligned.flags.aligned
    J, grad = net.cost_and_gradient(theta, X, y, 1.0)
    J_u, grad_u = net.cost_and_gradient(theta, X_unaligned, y, 1.0)
    assert J_u == J
    np.testing.assert_array_equal(grad_u, grad)
    np.testing.assert_array_equal(net.predict_proba(theta, X_unaligned), net.predict_proba(theta, X))


def test_float32_is_really_computed_in_float32():
    # The same data in float64 gives a result that differs at float32 precision, not at 1e-16.
    net, theta, X, y = _problem([30, 20, 4], "sigmoid", "sigmoid", m=300)
    J64, g64 = net.cost_and_gradient(theta, X.astype(np.float64), y, 1.0)
    J32, g32 = net.cost_and_gradient(theta, X.astype(np.float32), y, 1.0)
    assert 1e-9 < _relative(g32, g64) < 1e-5
    assert J32 == pytest.approx(J64, rel=1e-6)


def test_course_network_on_the_bundled_digits():
    from nnlearn.datasets import load_digits20

    X, y = load_digits20()
    X, y = X[::5], y[::5]  # 1000 digits, every digit
    net = nnlearn.Network([400, 25, 10])
    theta = net.init_weights(random_state=0)
    _assert_same(net.cost_and_gradient(theta, X, y, 1.0), plain(net, theta, X, y, 1.0), 1e-12)
    X32 = X.astype(np.float32)
    _assert_same(net.cost_and_gradient(theta, X32, y, 1.0), plain(net, theta, X32, y, 1.0), 1e-5)


@pytest.mark.parametrize("block_rows", [3, 4096])
def test_binary_output_and_multilabel_targets(monkeypatch, block_rows):
    monkeypatch.setattr(kernel, "BLOCK_ROWS", block_rows)
    net, theta, X, y = _problem([4, 6, 1], "tanh", "sigmoid")
    _assert_same(net.cost_and_gradient(theta, X, y, 0.5), plain(net, theta, X, y, 0.5), 1e-12)
    # Several sigmoid units may be on at once (0/1 targets that are not one-hot).
    net, theta, X, _ = _problem([4, 6, 3], "sigmoid", "sigmoid")
    Y = np.random.default_rng(5).integers(0, 2, (M, 3))
    _assert_same(net.cost_and_gradient(theta, X, Y, 0.5), plain(net, theta, X, Y, 0.5), 1e-12)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("output", ["sigmoid", "softmax", "identity"])
def test_saturated_units_agree_and_stay_finite(activation, output):
    net, theta, X, y = _problem([4, 5, 3], activation, output, scale=300.0)
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        fast = kernel.cost_and_gradient(*net.check_inputs(theta, X, y, 1.0), net.spec)  # the kernel itself warns of nothing
    assert np.isfinite(fast[0]) and np.all(np.isfinite(fast[1]))
    _assert_same(fast, plain(net, theta, X, y, 1.0), 1e-12)


def test_inputs_are_not_modified():
    net, theta, X, y = _problem([5, 7, 3], "sigmoid", "sigmoid")
    Y = np.eye(3)[y]
    copies = theta.copy(), X.copy(), Y.copy()
    kernel.cost_and_gradient(theta, X, Y, 1.0, net.spec)
    net.predict_proba(theta, X)
    for before, after in zip(copies, (theta, X, Y)):
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("block_rows", [1, 7, 4096])
@pytest.mark.parametrize("output", ["sigmoid", "softmax", "identity"])
def test_blocked_forward_equals_the_textbook_forward(monkeypatch, block_rows, output):
    net, theta, X, _ = _problem([5, 7, 6, 3], "tanh", output)
    monkeypatch.setattr(kernel, "BLOCK_ROWS", block_rows)
    A = X
    for T in net.unpack(theta):
        Z = np.hstack([np.ones((M, 1)), A]) @ T.T  # z = Θ [1; a]
        A = np.tanh(Z)
    H = {"sigmoid": expit, "softmax": lambda Z: scipy_softmax(Z, axis=1), "identity": lambda Z: Z}[output](Z)
    P = net.predict_proba(theta, X)
    assert P.dtype == np.float64
    np.testing.assert_allclose(P, H, rtol=1e-13, atol=1e-16)


def test_memory_of_an_evaluation_is_bounded_by_the_block_not_by_m(monkeypatch):
    # tracemalloc counts the bytes NumPy allocates: no timing involved.
    monkeypatch.setattr(kernel, "BLOCK_ROWS", 64)
    monkeypatch.setattr(kernel, "BLAS_THREADS", 1)  # each further thread holds one more block
    net = nnlearn.Network([50, 20, 10])
    theta = net.init_weights(random_state=0)
    extra, plain_extra = {}, {}
    for m in (1024, 16384):
        rng = np.random.default_rng(0)
        X, Y = rng.random((m, 50)), np.eye(10)[rng.integers(0, 10, m)]
        kernel.cost_and_gradient(theta, X, Y, 1.0, net.spec)  # once first: the caches it fills stay
        extra[m] = peak_extra_bytes(lambda: kernel.cost_and_gradient(theta, X, Y, 1.0, net.spec))
        plain_extra[m] = peak_extra_bytes(lambda: cost_and_gradient_plain(theta, X, Y, 1.0, net.spec))
    # One block's activations, errors and partial sums, and the accumulated gradient.
    bound = 8 * (64 * 3 * (20 + 10 + 10) + 4 * net.n_params)
    assert extra[1024] < bound and extra[16384] < bound  # X of 0.4 MB or of 6.5 MB: the same memory
    assert extra[16384] == pytest.approx(extra[1024], abs=256)
    assert plain_extra[16384] > 16384 * 8 * 50  # the plain version copies X with its ones column


# -- the in-place forms used by the kernel ----------------------------------------


@pytest.mark.parametrize("name", sorted(activations.ACTIVATIONS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_inplace_activations_equal_their_plain_forms(name, dtype):
    act = activations.ACTIVATIONS[name]
    Z = np.random.default_rng(0).normal(scale=3.0, size=(9, 4)).astype(dtype)
    A = act.g(Z)
    buffer = Z.copy()
    assert act.g_inplace(buffer) is buffer and buffer.dtype == dtype
    np.testing.assert_array_equal(buffer, A)
    D = np.random.default_rng(1).normal(size=(9, 4)).astype(dtype)
    expected = D * act.g_prime_from_A(A)
    assert act.mul_g_prime_inplace(D, A) is D and D.dtype == dtype
    np.testing.assert_allclose(D, expected, rtol=1e-6 if dtype == np.float32 else 1e-15)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_matches_scipy_expit(dtype):
    z = np.concatenate([np.linspace(-750, 750, 3001), np.linspace(-40, 40, 8001)]).astype(dtype)
    g = activations.sigmoid(z)
    assert g.dtype == dtype
    tiny = np.finfo(dtype).tiny  # below it expit gives subnormals, 1 / (1 + inf) gives 0
    np.testing.assert_allclose(g, expit(z), rtol=4 * np.finfo(dtype).eps, atol=tiny)
    assert isinstance(activations.sigmoid(0.0), float) and activations.sigmoid(0) == 0.5


@pytest.mark.parametrize("name", sorted(losses.OUTPUTS))
def test_inplace_outputs_equal_their_plain_forms(name):
    out = losses.OUTPUTS[name]
    Z = np.random.default_rng(0).normal(scale=5.0, size=(8, 4))
    H = out.h(Z)
    expected = {"sigmoid": expit, "softmax": lambda Z: scipy_softmax(Z, axis=1), "identity": lambda Z: Z}[name](Z)
    np.testing.assert_allclose(H, expected, rtol=1e-15)
    buffer = Z.copy()
    assert out.h_inplace(buffer) is buffer
    np.testing.assert_array_equal(buffer, H)


@pytest.mark.parametrize("name", sorted(losses.OUTPUTS))
def test_losses_from_logits_match_sklearn_metrics(name):
    from sklearn.metrics import log_loss, mean_squared_error

    rng = np.random.default_rng(3)
    Z = rng.normal(scale=4.0, size=(50, 3))
    y = rng.integers(0, 3, 50)
    Y = np.eye(3)[y] if name != "identity" else rng.normal(scale=3.0, size=(50, 3))
    w = rng.uniform(0.0, 2.0, 50)
    out = losses.OUTPUTS[name]
    for weights in (None, w):
        total = 50 if weights is None else w.sum()  # sklearn's metrics are (weighted) means over samples
        if name == "softmax":
            expected = total * log_loss(y, scipy_softmax(Z, axis=1), labels=[0, 1, 2], sample_weight=weights)
        elif name == "sigmoid":  # K independent binary cross-entropies
            expected = sum(total * log_loss(Y[:, k], expit(Z[:, k]), labels=[0, 1], sample_weight=weights)
                           for k in range(3))
        else:  # half the squared error summed over the K outputs; sklearn averages over them too
            expected = 0.5 * total * 3 * mean_squared_error(Y, Z, sample_weight=weights)
        assert out.loss(Z, Y, weights) == pytest.approx(expected, rel=1e-12)


# -- the loss and delta of one pass, the blocks and the threads --------------------------------


@pytest.mark.parametrize("name", sorted(losses.OUTPUTS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
def test_loss_and_delta_equal_the_loss_and_h_minus_y(name, dtype, weighted):
    out = losses.OUTPUTS[name]
    rng = np.random.default_rng(4)
    Z = rng.normal(scale=6.0, size=(40, 3)).astype(dtype)
    Z[0, 0], Z[1, 1] = 40.0, -40.0  # saturated units, both sides
    Y = np.eye(3)[rng.integers(0, 3, 40)] if name != "identity" else rng.normal(size=(40, 3))
    if name == "sigmoid":
        Y[:5] = rng.integers(0, 2, (5, 3))  # several units on, or none: 0/1 targets, not one-hot
    Y = Y.astype(dtype)
    w = rng.uniform(0.0, 2.0, 40) if weighted else None
    J, delta = out.loss_and_delta(Z.copy(), Y, w)
    tolerance = 1e-5 if dtype == np.float32 else 1e-13
    assert J == pytest.approx(out.loss(Z, Y, w), rel=tolerance)
    assert delta.dtype == dtype and delta.shape == Z.shape
    np.testing.assert_allclose(delta, out.h(Z) - Y, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_loss_and_delta_far_on_the_wrong_side_use_the_stable_forms(dtype):
    # e^u with u = (1 - 2y) z would overflow: the loss is then z itself, finite, and nothing warns.
    Z = np.array([[1000.0, -3.0], [2.0, -800.0]], dtype=dtype)
    Y = np.array([[0.0, 1.0], [1.0, 1.0]], dtype=dtype)
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        J, delta = losses.sigmoid_cross_entropy_and_delta(Z.copy(), Y)
    assert J == pytest.approx(losses.sigmoid_cross_entropy(Z.astype(np.float64), Y), rel=1e-6)
    assert J > 1800
    np.testing.assert_allclose(delta, expit(Z.astype(np.float64)) - Y, atol=1e-7)


def test_blocks_cover_the_rows_in_equal_blocks_that_depend_on_m_and_the_sizes_only(monkeypatch):
    spec = kernel.Spec((400, 25, 10))
    parts = kernel.blocks(5000, spec)
    assert parts[0][0] == 0 and parts[-1][1] == 5000
    assert all(stop == start for (_, stop), (start, _) in zip(parts, parts[1:]))
    sizes = {stop - start for start, stop in parts}
    assert max(sizes) - min(sizes) <= 1
    per_row = 3 * (400 * 25 + 25 * 10)  # multiply-adds of one example
    assert kernel.BLOCK_WORK / 2 <= min(sizes) * per_row and max(sizes) * per_row <= kernel.BLOCK_WORK + per_row
    assert len(parts) % 2 == 0
    assert kernel.blocks(5, spec) == ((0, 5),)
    assert len(kernel.blocks(10**6, kernel.Spec((2, 4, 1)))) == 124  # tiny: the most rows, 10**6 / 8192 = 122.07: 123, even
    rows_32 = min(max(kernel.MIN_BLOCK_ROWS, 2 * kernel.BLOCK_WORK // per_row), kernel.BLOCK_ROWS)
    n_32 = -(-5000 // rows_32)
    assert len(kernel.blocks(5000, spec, np.float32)) == n_32 + n_32 % 2  # twice float64's rows, an even number
    monkeypatch.setattr(kernel, "BLOCK_ROWS", 7)
    assert {stop - start for start, stop in kernel.blocks(23, spec)} == {5, 6}  # 4 equal blocks


@pytest.mark.parametrize("sizes, activation, output", [([30, 20, 4], "sigmoid", "sigmoid"),
                                                       ([30, 16, 9, 3], "tanh", "softmax")])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_number_of_threads_changes_no_bit(monkeypatch, sizes, activation, output, dtype):
    net, theta, X, y = _problem(sizes, activation, output, dtype=dtype, m=2000)
    monkeypatch.setattr(kernel, "BLOCK_WORK", 3 * net.n_params * 150 * X.itemsize // 8)  # about 150 rows: 14 blocks
    monkeypatch.setattr(kernel, "MIN_BLOCK_ROWS", 1)
    w = np.random.default_rng(2).uniform(0.5, 2.0, 2000)
    assert len(kernel.blocks(2000, net.spec, dtype)) == 14
    results = {}
    for n_threads in (1, 2, 3, 8):
        monkeypatch.setattr(kernel, "BLAS_THREADS", n_threads)
        results[n_threads] = (net.cost_and_gradient(theta, X, y, 0.7, sample_weight=w), net.predict_proba(theta, X))
    for (J, grad), P in results.values():
        assert J == results[1][0][0]
        np.testing.assert_array_equal(grad, results[1][0][1])
        np.testing.assert_array_equal(P, results[1][1])
    _assert_same(results[2][0], plain(net, theta, X, y, 0.7, w), 1e-12 if dtype == np.float64 else 1e-5)


@pytest.mark.parametrize("blas_threads", [None, 1])
def test_the_callers_blas_threads_change_no_bit(monkeypatch, blas_threads):
    from threadpoolctl import threadpool_info, threadpool_limits

    monkeypatch.setattr(kernel, "BLAS_THREADS", blas_threads)  # nnlearn's threads chosen, or one
    net, theta, X, y = _problem([400, 30, 10], "sigmoid", "sigmoid", m=3000)
    before = [pool["num_threads"] for pool in threadpool_info()]
    J, grad = net.cost_and_gradient(theta, X, y, 1.0)
    P = net.predict_proba(theta, X)
    for n in (1, 3):
        with threadpool_limits(limits=n, user_api="blas"):
            J_n, grad_n = net.cost_and_gradient(theta, X, y, 1.0)
            P_n = net.predict_proba(theta, X)
        assert J_n == J
        np.testing.assert_array_equal(grad_n, grad)
        np.testing.assert_array_equal(P_n, P)
    assert [pool["num_threads"] for pool in threadpool_info()] == before


@pytest.mark.parametrize("m, n", [(800, 2), (3000, 40)])  # one example per column with a ones row; as they are
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
def test_an_objective_gives_cost_and_gradients_numbers_to_the_bit(m, n, dtype, weighted):
    net, theta, X, y = _problem([n, 6, 3], "tanh", "softmax", dtype=dtype, m=m)
    Y = np.eye(3)[y]
    w = np.random.default_rng(1).uniform(0.0, 2.0, m) if weighted else None
    prepared = m * (n + 1 + 3) * X.itemsize <= kernel.PREPARED_BYTES
    assert prepared == (n == 2)
    objective = kernel.Objective(X, Y, net.spec, w)
    J, grad = objective(theta, 0.4)
    J_k, grad_k = kernel.cost_and_gradient(theta, X, Y, 0.4, net.spec, w)
    assert J == J_k and objective.cost(theta, 0.4) == J_k
    np.testing.assert_array_equal(grad, grad_k)
    rows = np.random.default_rng(2).permutation(m)[:200]
    J, grad = objective(theta, 0.1, rows)
    J_k, grad_k = kernel.cost_and_gradient(theta, X[rows], Y[rows], 0.1, net.spec, None if w is None else w[rows])
    assert J == J_k and objective.cost(theta, 0.1, rows) == J_k
    np.testing.assert_array_equal(grad, grad_k)
    _assert_same((J, grad), plain(net, theta, X[rows], y[rows], 0.1, None if w is None else w[rows]),
                 1e-12 if dtype == np.float64 else 1e-5)


@pytest.mark.parametrize("sizes, activation, output", [
    ([2, 4, 1], "tanh", "sigmoid"),  # the planar exercise's network
    ([3, 8, 8, 1], "relu", "identity"),
    ([2, 5, 3], "sigmoid", "softmax"),
])
def test_an_objective_on_tiny_data_reuses_its_memory_but_never_a_returned_gradient(sizes, activation, output):
    # One block of float64 columns: the objective computes in buffers made once (kernel._Plan)
    # and keeps views of the last weights it saw. Each call still returns a new gradient, weights
    # changed in place between calls are seen, and the numbers are cost_and_gradient's to the bit.
    net, theta, X, y = _problem(sizes, activation, output, m=300)
    Y = y if output == "identity" else losses.one_hot(y, sizes[-1])
    objective = kernel.Objective(X, Y, net.spec)
    other = theta[::-1].copy()
    J1, g1 = objective(theta, 0.3)
    kept = g1.copy()
    J2, g2 = objective(other, 0.3)
    assert g2 is not g1
    np.testing.assert_array_equal(g1, kept)
    theta[:] = other  # the same array, new weights
    J3, g3 = objective(theta, 0.3)
    assert J3 == J2 and objective.cost(theta, 0.3) == J2
    np.testing.assert_array_equal(g3, g2)
    J_k, g_k = kernel.cost_and_gradient(theta, X, Y, 0.3, net.spec)
    assert J3 == J_k
    np.testing.assert_array_equal(g3, g_k)
    _assert_same((J3, g3), plain(net, theta, X, y, 0.3), 1e-12)

