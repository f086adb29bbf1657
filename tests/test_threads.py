"""nnlearn._threads: the ordered thread map of the kernel and the shared BLAS thread limits."""

import multiprocessing
import threading
import time

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from nnlearn import _threads


def _blas_threads():
    return {pool["filepath"]: pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}


def _numpy_paths():
    return {lib.filepath for lib in _threads.numpy_blas().lib_controllers}


def test_the_two_wheels_blas_are_told_apart():
    numpy_paths = _numpy_paths()
    scipy_paths = {lib.filepath for lib in _threads.scipy_own_blas().lib_controllers}
    assert not numpy_paths & scipy_paths
    assert all("numpy" in path for path in numpy_paths) and all("scipy" in path for path in scipy_paths)


@pytest.mark.parametrize("n_threads", [1, 2, 3])
def test_map_in_order_yields_in_order(n_threads):
    assert list(_threads.map_in_order(lambda i: i * i, range(20), n_threads)) == [i * i for i in range(20)]
    assert list(_threads.map_in_order(lambda i: i, range(0), n_threads)) == []


def test_map_in_order_submits_at_most_twice_the_threads_ahead():
    lock, started = threading.Lock(), []

    def f(i):
        with lock:
            started.append(i)
        return i

    for k, value in enumerate(_threads.map_in_order(f, range(40), 2)):
        assert value == k
        with lock:
            assert len(started) <= k + 1 + 2 * 2


def test_an_exception_in_a_task_propagates_after_the_running_calls_end():
    running, lock = [], threading.Lock()

    def f(i):
        with lock:
            running.append(i)
        try:
            if i == 5:
                raise ValueError("block 5 failed")
            time.sleep(0.01)
            return i
        finally:
            with lock:
                running.remove(i)

    with pytest.raises(ValueError, match="block 5 failed"):
        list(_threads.map_in_order(f, range(30), 2))
    assert running == []  # nothing still computing once the error is raised
    assert list(_threads.map_in_order(lambda i: i, range(4), 2)) == [0, 1, 2, 3]  # the pool still works


def test_shared_limits_restore_once_when_the_last_user_leaves():
    before = _blas_threads()
    scipy_paths = {lib.filepath for lib in _threads.scipy_own_blas().lib_controllers}
    with _threads.scipy_blas_limited(1):
        with _threads.scipy_blas_limited(1):
            pass
        inside = _blas_threads()  # still limited: the outer user has not left
    assert all(inside[path] == 1 for path in scipy_paths)
    assert _blas_threads() == before
    with _threads.scipy_blas_limited(None), _threads.numpy_blas_limited(None):
        assert _blas_threads() == before


def _child_evaluates(queue):
    queue.put(list(_threads.map_in_order(lambda i: float(np.ones((50, 50)).sum()) + i, range(6), 2)))


def test_pool_works_in_a_forked_child():
    list(_threads.map_in_order(lambda i: i, range(4), 2))  # the parent's pool threads exist
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork on this platform")
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child_evaluates, args=(queue,))
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0, "the forked child hung or failed"
    assert queue.get(timeout=5) == [2500.0 + i for i in range(6)]


def test_available_cores_is_positive():
    assert _threads.available_cores() >= 1


def test_numpy_blas_limit_applies_inside_and_is_restored():
    before = _blas_threads()
    with _threads.numpy_blas_limited(1):
        inside = _blas_threads()
    assert _blas_threads() == before
    for path, n in inside.items():
        assert n == (1 if path in _numpy_paths() else before[path])
