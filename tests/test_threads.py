"""nnlearn.core.threads: NumPy's and SciPy's BLAS told apart, and the shared thread limits."""

import threading

from threadpoolctl import threadpool_info

from nnlearn.core import threads


def _blas_threads():
    return {pool["filepath"]: pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}


def _numpy_paths():
    return {lib.filepath for lib in threads.numpy_blas().lib_controllers}


def test_the_two_wheels_blas_are_told_apart():
    numpy_paths = _numpy_paths()
    scipy_paths = {lib.filepath for lib in threads.scipy_own_blas().lib_controllers}
    assert not numpy_paths & scipy_paths
    assert all("numpy" in path for path in numpy_paths) and all("scipy" in path for path in scipy_paths)


def test_shared_limits_restore_once_when_the_last_user_leaves():
    before = _blas_threads()
    scipy_paths = {lib.filepath for lib in threads.scipy_own_blas().lib_controllers}
    with threads.scipy_blas_limited(1):
        with threads.scipy_blas_limited(1):
            pass
        inside = _blas_threads()  # still limited: the outer user has not left
    assert all(inside[path] == 1 for path in scipy_paths)
    assert _blas_threads() == before
    with threads.scipy_blas_limited(None), threads.numpy_blas_limited(None):
        assert _blas_threads() == before


def test_available_cores_is_positive():
    assert threads.available_cores() >= 1


def test_numpy_blas_limit_applies_inside_and_is_restored():
    before = _blas_threads()
    with threads.numpy_blas_limited(1):
        inside = _blas_threads()
    assert _blas_threads() == before
    for path, n in inside.items():
        assert n == (1 if path in _numpy_paths() else before[path])


def test_a_thread_leaving_does_not_lift_the_limit_of_another():
    before = _blas_threads()
    seen = {}

    def other():
        with threads.numpy_blas_limited(1):
            seen["other"] = _blas_threads()

    with threads.numpy_blas_limited(1):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join(10)
        seen["after"] = _blas_threads()  # the other thread has left; this one is still inside
    for counts in (seen["other"], seen["after"]):
        assert all(counts[path] == 1 for path in _numpy_paths())
    assert _blas_threads() == before
