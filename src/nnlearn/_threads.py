"""Threads: NumPy's and SciPy's BLAS thread pools, and nnlearn's own pool for blocks of rows.

NumPy and SciPy wheels each bundle an OpenBLAS that starts one thread per core,
and its idle threads spin while they wait for work. Two consequences on a
small machine:

- Inside ``scipy.optimize.minimize`` the optimizer's vector operations wake
  SciPy's pool, whose threads then spin while NumPy's compute the cost and
  gradient; the two pools fight for the cores (4x slower fits were measured on
  2 cores). :func:`scipy_blas_limited` keeps SciPy's own pool at 1 thread.
- A multi-threaded BLAS call waits for its slowest thread; when another process
  holds a core, that is a whole scheduler time slice. nnlearn's kernel
  therefore runs NumPy's BLAS single-threaded (:data:`numpy_blas_limited`) and
  splits the rows into blocks evaluated by its own threads
  (:func:`map_in_order`), which parallelizes the elementwise work too. NumPy
  releases the GIL in BLAS calls and in ufunc loops, so the threads compute at
  the same time. A bonus: how a multi-threaded BLAS splits a product changes
  its last bits, so with BLAS at 1 thread the results do not depend on how
  many threads anything has.

Limits are reference-counted: concurrent users share one limit, the first to
enter sets it and the last to leave restores the original number of threads.
"""

from __future__ import annotations

import collections
import concurrent.futures
import os
import threading
from concurrent.futures import ThreadPoolExecutor

__all__ = ["available_cores", "map_in_order", "numpy_blas_limited", "scipy_blas_limited"]


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

_pool, _pool_size = None, 0
_pool_lock = threading.Lock()


def _executor(n_threads):
    """nnlearn's thread pool, with at least ``n_threads`` workers (started on first use)."""
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None or _pool_size < n_threads:
            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool, _pool_size = ThreadPoolExecutor(max_workers=n_threads, thread_name_prefix="nnlearn"), n_threads
        return _pool


def _after_fork_in_child():
    # The parent's threads do not exist in a forked child: start afresh there.
    global _pool, _pool_size, _pool_lock
    _pool, _pool_size, _pool_lock = None, 0, threading.Lock()
    scipy_blas_limited.reset_after_fork()
    numpy_blas_limited.reset_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def map_in_order(f, items, n_threads):
    """Yield ``f(item)`` for each item of the sequence ``items`` (a ``range``, say), in order.

    With ``n_threads`` > 1 and more than one item, the calls run on nnlearn's
    thread pool, at most ``2 * n_threads`` of them submitted ahead of the one
    being yielded (so the results held at once do not grow with the number of
    items). Otherwise they run one after the other in the calling thread. The
    order of the results never depends on the threads: sums over them are
    reproducible to the last bit.
    """
    if n_threads <= 1 or len(items) <= 1:
        for item in items:
            yield f(item)
        return
    executor = _executor(n_threads)
    pending = collections.deque()
    try:
        for item in items:
            pending.append(executor.submit(f, item))
            if len(pending) >= 2 * n_threads:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:  # an exception or Ctrl-C: start nothing more, and let the running calls end here, not later
        for future in pending:
            future.cancel()
        concurrent.futures.wait(pending)
