"""Issue 14, class 7: BLAS thread limits hold in every thread, so BLAS_THREADS = 1 gives the same bits everywhere.

threadpoolctl lets one "controlling" thread change OpenBLAS's process-wide pool;
the first thread to set a limit used to keep that role, and every other thread's
limit was silently ignored (see nnlearn.core.threads). These tests enter the
limits in the main thread first, as the kernel does, and then in other threads.
"""

import threading

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from nnlearn import Network
from nnlearn.core import kernel, threads
from nnlearn.core.losses import one_hot


def _numpy_pool_threads():
    paths = {lib.filepath for lib in threads.numpy_blas().lib_controllers}
    return [pool["num_threads"] for pool in threadpool_info() if pool["filepath"] in paths]


def _in_thread(function):
    box = {}

    def run():
        try:
            box["value"] = function()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            box["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    assert not thread.is_alive()
    if "error" in box:
        raise box["error"]
    return box["value"]


LIMITS = {
    "numpy": (threads.numpy_blas_limited, threads.numpy_blas),
    "scipy": (threads.scipy_blas_limited, threads.scipy_own_blas),
}
if hasattr(threads, "every_blas_limited"):
    LIMITS["every"] = (threads.every_blas_limited, threads.every_blas)


@pytest.mark.parametrize("which", sorted(LIMITS))
def test_a_limit_entered_in_a_worker_thread_holds_after_the_main_thread_used_one(which):
    limited, select = LIMITS[which]
    with limited(1):  # the main thread sets and restores a limit first
        pass

    def inside():
        with limited(1):
            return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    before = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    seen = _in_thread(inside)
    selected = {lib.filepath for lib in select().lib_controllers}
    pools = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    for pool, count in zip(pools, seen):
        if pool["filepath"] in selected:
            assert count == 1, (pool["filepath"], seen)
    assert [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"] == before


def test_a_limit_raised_back_from_a_worker_thread_is_restored():
    before = _numpy_pool_threads()
    with threads.numpy_blas_limited(1):  # entered by the main thread ...
        started = threading.Event()
        release = threading.Event()

        def holder():
            with threads.numpy_blas_limited(1):
                started.set()
                release.wait(30)

        thread = threading.Thread(target=holder)
        thread.start()
        assert started.wait(30)
    release.set()  # ... the main thread leaves first, the worker last: the worker restores the pool
    thread.join(30)
    assert _numpy_pool_threads() == before


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_blas_threads_1_gives_the_same_bits_in_a_worker_thread_as_in_the_main_thread(monkeypatch, dtype):
    monkeypatch.setattr(kernel, "BLAS_THREADS", 1)
    rng = np.random.default_rng(0)
    net = Network([400, 25, 10])
    X = rng.normal(size=(5000, 400)).astype(dtype)
    Y = one_hot(rng.integers(0, 10, 5000), 10)
    theta = net.init_weights(random_state=0)
    J, grad = kernel.cost_and_gradient(theta, X, Y, 1.0, net.spec)  # the main thread first
    H = kernel.forward(theta, X, net.spec)
    J_w, grad_w = _in_thread(lambda: kernel.cost_and_gradient(theta, X, Y, 1.0, net.spec))
    H_w = _in_thread(lambda: kernel.forward(theta, X, net.spec))
    assert J_w == J
    np.testing.assert_array_equal(grad_w, grad)
    np.testing.assert_array_equal(H_w, H)


def test_the_limit_is_held_while_the_worker_computes(monkeypatch):
    monkeypatch.setattr(kernel, "BLAS_THREADS", 1)
    net = Network([30, 40, 2])  # products large enough for BLAS threads (40 x 31 x 200 multiply-adds)
    theta = net.init_weights(random_state=0)
    X = np.ones((200, 30))
    Y = one_hot(np.arange(200) % 2, 2)
    assert 40 * 31 * 200 > kernel.ONE_THREAD_PRODUCT
    kernel.cost_and_gradient(theta, X, Y, 0.0, net.spec)
    seen = []
    real = kernel.block_sums

    def spy(*args, **kwargs):
        seen.append(_numpy_pool_threads())
        return real(*args, **kwargs)

    monkeypatch.setattr(kernel, "block_sums", spy)
    _in_thread(lambda: kernel.cost_and_gradient(theta, X, Y, 0.0, net.spec))
    assert seen and all(counts and set(counts) == {1} for counts in seen), seen


def test_a_tiny_evaluation_leaves_the_pool_alone(monkeypatch):
    # Products of at most ONE_THREAD_PRODUCT multiply-adds run on one BLAS thread anyway:
    # the kernel does not spend microseconds setting and restoring the pool for them.
    net = Network([2, 4, 1], activation="tanh")
    theta = net.init_weights(random_state=0)
    X = np.random.default_rng(0).normal(size=(800, 2))
    Y = (X[:, :1] > 0).astype(float)
    assert 4 * 3 * 800 <= kernel.ONE_THREAD_PRODUCT
    seen = []
    real = kernel.block_sums

    def spy(*args, **kwargs):
        seen.append(_numpy_pool_threads())
        return real(*args, **kwargs)

    before = _numpy_pool_threads()
    if not before or set(before) == {1}:
        pytest.skip("NumPy's BLAS pool has one thread here: a limit would not show")
    monkeypatch.setattr(kernel, "block_sums", spy)
    J, grad = kernel.cost_and_gradient(theta, X, Y, 0.0, net.spec)
    kernel.Objective(X, Y, net.spec)(theta, 0.0)
    assert seen == [before, before]
    with threadpool_limits(limits=1, user_api="blas"):
        J_1, grad_1 = kernel.cost_and_gradient(theta, X, Y, 0.0, net.spec)
    assert J_1 == J
    np.testing.assert_array_equal(grad_1, grad)
