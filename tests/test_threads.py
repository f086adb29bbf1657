"""nnlearn._threads: NumPy's and SciPy's BLAS told apart, and the shared thread limits."""

import threading

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


def test_available_cores_is_positive():
    assert _threads.available_cores() >= 1


def test_numpy_blas_limit_applies_inside_and_is_restored():
    before = _blas_threads()
    with _threads.numpy_blas_limited(1):
        inside = _blas_threads()
    assert _blas_threads() == before
    for path, n in inside.items():
        assert n == (1 if path in _numpy_paths() else before[path])


def test_a_thread_leaving_does_not_lift_the_limit_of_another():
    before = _blas_threads()
    seen = {}

    def other():
        with _threads.numpy_blas_limited(1):
            seen["other"] = _blas_threads()

    with _threads.numpy_blas_limited(1):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join(10)
        seen["after"] = _blas_threads()  # the other thread has left; this one is still inside
    for threads in (seen["other"], seen["after"]):
        assert all(threads[path] == 1 for path in _numpy_paths())
    assert _blas_threads() == before
