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

Limits set from any thread hold. OpenBLAS's pthreads pool is one per process,
so threadpoolctl (3.6 and later) lets only one "controlling" thread change it:
the first thread that sets a limit outside a ``with threadpool_limits()``
block keeps that role for good, and the calls of every other thread are
silently ignored. A worker thread's ``BLAS_THREADS = 1`` used to be ignored
that way once the main thread had evaluated the kernel, and its results then
differed from the main thread's in the last bits. Every change made here
(setting a limit, restoring it) runs under one lock and hands the role back
(``OpenBLASController.clear_controlling_thread``) before and after it, so a
limit entered in a worker thread is the limit, and results computed with
``BLAS_THREADS = 1`` are bitwise the same in every thread.

Where the reproducibility does not reach: the pool being one per process,
a limit holds for every thread while one user is inside it, including
threads that compute without asking for one (they run on 1 thread too); and
a thread that changes the pool outside nnlearn (``threadpool_limits`` from
another library, ``openblas_set_num_threads``) while nnlearn computes in
another thread changes that computation's thread count, and so its last bits.
"""

from __future__ import annotations

import os
import threading

__all__ = [
    "available_cores",
    "numpy_blas",
    "numpy_blas_limited",
    "scipy_blas_limited",
    "scipy_own_blas",
    "every_blas",
    "every_blas_limited",
]


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


# One lock for every change nnlearn makes to a BLAS pool (all _SharedLimit instances): a change and
# the hand-back of threadpoolctl's controlling-thread role around it happen as one step.
_CHANGE_LOCK = threading.Lock()


def _release_control():
    """Leave no thread in threadpoolctl's controlling role for OpenBLAS (see the module docstring)."""
    try:
        from threadpoolctl import OpenBLASController
    except ImportError:  # pragma: no cover - threadpoolctl without per-thread control
        return
    release = getattr(OpenBLASController, "clear_controlling_thread", None)
    if release is not None:
        release(force=True)


def _change_pool(change):
    """Run ``change()`` (a set or a restore of thread counts) so that it holds whichever thread runs it."""
    with _CHANGE_LOCK:
        _release_control()  # a role kept by another thread would make the change a silent no-op
        try:
            return change()
        finally:
            _release_control()  # and this thread does not keep it either


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
                self._limiter = _change_pool(lambda: self._controller.limit(limits=n_threads))
            self._users += 1

    def exit(self):
        with self._lock:
            self._users -= 1
            if self._users == 0:
                _change_pool(self._limiter.restore_original_limits)
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


def every_blas():
    """threadpoolctl controller of every BLAS library loaded in this process (NumPy's, SciPy's, a shared one)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController().select(user_api="blas")


# ``with scipy_blas_limited(1):`` / ``with numpy_blas_limited(1):`` / ``with every_blas_limited(1):``;
# None leaves the pools alone.
scipy_blas_limited = _SharedLimit(scipy_own_blas)
numpy_blas_limited = _SharedLimit(numpy_blas)
every_blas_limited = _SharedLimit(every_blas)


def _after_fork_in_child():
    # A lock held by another thread at the fork would stay locked forever in the child.
    global _CHANGE_LOCK
    _CHANGE_LOCK = threading.Lock()
    scipy_blas_limited.reset_after_fork()
    numpy_blas_limited.reset_after_fork()
    every_blas_limited.reset_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
