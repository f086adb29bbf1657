"""BLAS thread pools: NumPy's and SciPy's, told apart and limited on demand.

NumPy and SciPy wheels each bundle an OpenBLAS that starts one thread per core,
and its threads wait for work by spinning. Consequences measured on a 2-core
virtual machine:

- Inside ``scipy.optimize.minimize`` the optimizer's vector operations wake
  SciPy's pool, whose threads then spin while NumPy's compute the cost and
  gradient; the two pools fight for the cores (50 L-BFGS-B iterations took
  about 3x longer). :data:`scipy_blas_limited` keeps SciPy's own pool at 1 thread.
- When other processes keep the cores busy, a multi-threaded BLAS call waits
  for its slowest thread, often a whole scheduler time slice: one evaluation of
  the course's network took 10x longer or worse than on 1 thread. On a quiet
  machine the threads make the products about 1.6x faster. nnlearn therefore
  leaves NumPy's BLAS alone by default; ``nnlearn.core.kernel.BLAS_THREADS = 1``
  (:data:`numpy_blas_limited`) is the setting for a busy machine.

Threads of nnlearn's own over blocks of rows (tried: NumPy releases the GIL in
BLAS calls and ufunc loops) were slower than BLAS's threads on that machine,
even when it was quiet; the tasks last milliseconds, and waking a sleeping
thread there is probably slower than BLAS's spinning threads need.

Limits are reference-counted: concurrent users share one limit, the first to
enter sets it and the last to leave restores the original number of threads.
(OpenBLAS 0.3.31 was seen to ignore a thread count raised from another thread
than the one that lowered it; then the pool stays at the limit.)
"""

from __future__ import annotations

import os
import threading

__all__ = ["available_cores", "numpy_blas", "numpy_blas_limited", "scipy_blas_limited", "scipy_own_blas"]


def available_cores():
    """The number of cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def _blas_under(package_dir):
    """A threadpoolctl controller of the BLAS libraries loaded from ``package_dir`` or ``package_dir.libs``.

    Libraries are told apart by path, because ``threadpool_info()`` lists the
    OpenBLAS of the NumPy and of the SciPy wheel with the same prefix. A BLAS
    that both share (a system OpenBLAS or MKL) lives elsewhere and is not selected.
    """
    from threadpoolctl import ThreadpoolController

    package_dir = os.path.realpath(package_dir)
    own = (package_dir + os.sep, package_dir + ".libs" + os.sep)
    controller = ThreadpoolController()
    paths = [lib.filepath for lib in controller.lib_controllers
             if lib.user_api == "blas" and os.path.realpath(lib.filepath).startswith(own)]
    return controller.select(filepath=paths)


def numpy_blas():
    """threadpoolctl controller of the BLAS bundled with NumPy (empty if NumPy uses a shared BLAS)."""
    import numpy

    return _blas_under(os.path.dirname(numpy.__file__))


def scipy_own_blas():
    """threadpoolctl controller of the BLAS bundled with SciPy (empty if SciPy uses a shared BLAS)."""
    import scipy

    return _blas_under(os.path.dirname(scipy.__file__))


class _SharedLimit:
    """A reference-counted thread limit on the BLAS libraries that ``select()`` returns."""

    def __init__(self, select):
        self._select = select
        self._controller = None  # found once: scanning the loaded libraries takes milliseconds
        self._lock = threading.Lock()
        self._users = 0
        self._limiter = None

    def __call__(self, n_threads):
        return _LimitContext(self, n_threads)

    def enter(self, n_threads):
        with self._lock:
            if self._users == 0:
                if self._controller is None:
                    self._controller = self._select()
                self._limiter = self._controller.limit(limits=n_threads)
            self._users += 1

    def exit(self):
        with self._lock:
            self._users -= 1
            if self._users == 0:
                self._limiter.restore_original_limits()
                self._limiter = None

    def reset_after_fork(self):
        self._lock = threading.Lock()
        self._users = 0
        self._limiter = None


class _LimitContext:
    def __init__(self, shared, n_threads):
        self._shared, self._n_threads = shared, n_threads

    def __enter__(self):
        if self._n_threads is not None:
            self._shared.enter(self._n_threads)
        return self

    def __exit__(self, *exc):
        if self._n_threads is not None:
            self._shared.exit()
        return False


# ``with scipy_blas_limited(1):`` / ``with numpy_blas_limited(1):``; None leaves the pool alone.
scipy_blas_limited = _SharedLimit(scipy_own_blas)
numpy_blas_limited = _SharedLimit(numpy_blas)


def _after_fork_in_child():
    # A lock held by another thread at the fork would stay locked forever in the child.
    scipy_blas_limited.reset_after_fork()
    numpy_blas_limited.reset_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
