"""Threads: BLAS's pools (NumPy's and SciPy's, told apart and limited on demand) and the kernel's own.

NumPy and SciPy wheels each bundle an OpenBLAS that starts one thread per core,
and its threads wait for work by spinning. Consequences measured on a 2-core
virtual machine:

- Inside ``scipy.optimize.minimize`` the optimizer's vector operations wake
  SciPy's pool, whose threads then spin while NumPy's compute the cost and
  gradient; the two pools fight for the cores (50 L-BFGS-B iterations took
  about 3x longer). :data:`scipy_blas_limited` keeps SciPy's own pool at 1 thread.
- When other processes keep the cores busy, a multi-threaded BLAS call waits
  for its slowest thread, often a whole scheduler time slice: one evaluation of
  the course's network took 10x longer or worse than on 1 thread, a
  50-iteration fit 17.4 s instead of 0.44 s.
- The last bits of a product depend on the number of BLAS threads (OpenBLAS
  0.3.31 splits some products differently for 2 threads than for 1, 3 or 4).

So the kernel (:mod:`nnlearn.core.kernel`) runs NumPy's BLAS at 1 thread
(:data:`numpy_blas_limited`) and brings its own threads: the rows are cut into
blocks whose number depends only on the problem, a :func:`run_tasks` team of
threads takes the blocks one by one (NumPy releases the GIL in BLAS calls and
in ufunc loops), and the blocks' sums are added in block order. The numbers
are therefore the same to the last bit whatever the number of threads, and
:func:`choose_threads` may pick it per evaluation from what the machine offers
right now: the CPUs this process may use (:func:`available_cores`: affinity and
cgroup quota) less those other processes keep busy (:func:`busy_cores`). A
thread that the system takes off its core delays only its own block; the
others go on with the rest.

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

import itertools
import math
import os
import queue
import threading
import time

__all__ = [
    "available_cores",
    "cgroup_cpu_limit",
    "busy_cores",
    "choose_threads",
    "run_tasks",
    "numpy_blas",
    "numpy_blas_limited",
    "scipy_blas_limited",
    "scipy_own_blas",
    "every_blas",
    "every_blas_limited",
    "LOAD_REFRESH",
]

# Seconds a reading of the machine's load is reused by choose_threads (reading /proc/loadavg
# takes about 15 microseconds; an evaluation that uses threads takes milliseconds).
LOAD_REFRESH = 0.05


def _affinity_cores():
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def _read(path):
    try:
        with open(path) as file:
            return file.read()
    except OSError:
        return None


def cgroup_cpu_limit(root="/sys/fs/cgroup"):
    """The CPU quota of this process's cgroup in cores (e.g. 1.5), or None when there is none.

    cgroup v2: the smallest ``cpu.max`` (quota period) of the process's cgroup and its
    parents; cgroup v1: ``cpu/cpu.cfs_quota_us`` over ``cpu/cpu.cfs_period_us`` (-1: none).
    """
    limits = []
    own = _read("/proc/self/cgroup") or ""
    for line in own.splitlines():
        hierarchy, _, path = line.partition("::")
        if hierarchy == "0" and path:  # cgroup v2: "0::/a/b"
            parts = [part for part in path.strip().split("/") if part]
            for depth in range(len(parts), -1, -1):
                text = _read(os.path.join(root, *parts[:depth], "cpu.max"))
                fields = text.split() if text else []
                if len(fields) == 2 and fields[0] != "max":
                    limits.append(int(fields[0]) / int(fields[1]))
    quota, period = _read(os.path.join(root, "cpu", "cpu.cfs_quota_us")), _read(os.path.join(root, "cpu", "cpu.cfs_period_us"))
    if quota and period and int(quota) > 0 and int(period) > 0:
        limits.append(int(quota) / int(period))
    return min(limits) if limits else None


_cores_cache = {}


def available_cores():
    """The number of cores this process may use: its CPU affinity, bounded by its cgroup quota; at least 1.

    A fractional quota counts down (1.5 cores: 1), because a second thread would be
    throttled for the rest of each quota period. Computed once per process.
    """
    pid = os.getpid()
    if pid not in _cores_cache:
        limit = cgroup_cpu_limit()
        cores = _affinity_cores()
        _cores_cache.clear()
        _cores_cache[pid] = max(1, min(cores, math.floor(limit))) if limit is not None else cores
    return _cores_cache[pid]


def busy_cores():
    """How many of this process's cores other tasks are running on now, estimated from ``/proc/loadavg``.

    Its fourth field counts the tasks of the whole machine that are running or ready to
    run at this instant, the calling thread included; the others are shared out over
    the machine's cores, of which this process may use :func:`available_cores`. 0.0
    where ``/proc/loadavg`` does not exist.
    """
    text = _read("/proc/loadavg")
    if not text:
        return 0.0
    running = int(text.split()[3].split("/")[0])
    others = max(0, running - 1)
    return others * available_cores() / max(os.cpu_count() or 1, available_cores())


_load = {"time": -math.inf, "idle": 1}


def choose_threads(n_tasks):
    """Threads for ``n_tasks`` tasks of the kernel: the cores available and not busy now, at most ``n_tasks``.

    One task needs no team. The reading of the load is reused for :data:`LOAD_REFRESH`
    seconds. On a quiet 2-core machine this is 2; with other processes running on
    both cores, 1.
    """
    if n_tasks <= 1:
        return 1
    now = time.monotonic()
    if now - _load["time"] > LOAD_REFRESH:
        _load["idle"] = max(1, math.floor(available_cores() - busy_cores() + 1e-9))
        _load["time"] = now
    return min(n_tasks, _load["idle"])


# -- the kernel's team ------------------------------------------------------------------------


class _Job:
    """``f(0) .. f(n - 1)`` for several threads: each takes the next index until none is left.

    With ``fold``, results are folded in index order as they arrive (a result that
    arrives early waits for its turn), so at most about one result per thread is held.
    """

    def __init__(self, f, n, fold=None):
        self.f, self.n, self.fold = f, n, fold
        self.results = [None] * n if fold is None else {}
        self.folded, self.n_folded = None, 0
        self.error = None
        self._next = itertools.count()
        self._lock = threading.Lock()
        self.finished = threading.Semaphore(0)  # released by each helper when it is done

    def work(self):
        while self.error is None:
            with self._lock:
                i = next(self._next)
            if i >= self.n:
                return
            try:
                result = self.f(i)
                if self.fold is None:
                    self.results[i] = result
                else:
                    with self._lock:
                        self.results[i] = result
                        while self.n_folded in self.results:
                            part = self.results.pop(self.n_folded)
                            self.folded = part if self.n_folded == 0 else self.fold(self.folded, part)
                            self.n_folded += 1
            except BaseException as error:  # noqa: BLE001 - raised again in the caller's thread
                self.error = self.error or error

    def help(self):
        try:
            self.work()
        finally:
            self.finished.release()


class _Team:
    """Helper threads started on demand, each waiting on its own queue for jobs."""

    def __init__(self):
        self.busy = threading.Lock()  # one job at a time uses the helpers
        self.inboxes = []

    def helpers(self, k):
        while len(self.inboxes) < k:
            inbox = queue.SimpleQueue()
            threading.Thread(target=_helper_loop, args=(inbox,), name=f"nnlearn-kernel-{len(self.inboxes) + 1}",
                             daemon=True).start()
            self.inboxes.append(inbox)
        return self.inboxes[:k]


def _helper_loop(inbox):
    while True:
        inbox.get().help()


_team = _Team()


def run_tasks(f, n_tasks, n_threads, fold=None):
    """``[f(0), ..., f(n_tasks - 1)]``, computed by the calling thread and ``n_threads - 1`` helpers.

    Tasks are taken in index order by whichever thread is free, so a thread that
    the system takes off its core holds up one task, not a share of all of them.
    If another call is using the helpers (another thread of the program), or
    ``n_threads`` is 1, the caller computes every task itself. An error in a task
    is raised here, once every thread has stopped.

    With ``fold`` (a function of two results), the result is
    ``fold(...fold(fold(f(0), f(1)), f(2))..., f(n_tasks - 1))``, folded in this
    order whatever the number of threads, as the results arrive.
    """
    if n_threads <= 1 or n_tasks <= 1 or not _team.busy.acquire(blocking=False):
        if fold is None:
            return [f(i) for i in range(n_tasks)]
        folded = f(0)
        for i in range(1, n_tasks):
            folded = fold(folded, f(i))
        return folded
    job = _Job(f, n_tasks, fold)
    try:
        helpers = _team.helpers(min(n_threads, n_tasks) - 1)
        for inbox in helpers:
            inbox.put(job)
        job.work()  # an error in a task stops every thread after its current task
        for _ in helpers:
            job.finished.acquire()
    except BaseException as error:  # Ctrl-C while waiting: the helpers stop after their current task
        job.error = job.error or error
        raise
    finally:
        _team.busy.release()
    if job.error is not None:
        raise job.error
    return job.results if fold is None else job.folded


# -- BLAS pools ---------------------------------------------------------------------------------


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
    """A reference-counted thread limit on the BLAS libraries that ``select()`` returns.

    The libraries are found once (scanning the loaded libraries takes milliseconds)
    and their thread counts set directly, so that entering and leaving costs a few
    microseconds (a nested user only counts itself in and out).
    """

    def __init__(self, select):
        self._select = select
        self._libraries = None
        self._lock = threading.Lock()
        self._users = 0
        self._original = None

    def __call__(self, n_threads):
        return _LimitContext(self, n_threads)

    def enter(self, n_threads):
        with self._lock:
            if self._users == 0:
                if self._libraries is None:
                    self._libraries = list(self._select().lib_controllers)

                def limit():
                    self._original = [lib.num_threads for lib in self._libraries]
                    for lib in self._libraries:
                        lib.set_num_threads(n_threads)

                _change_pool(limit)
            self._users += 1

    def exit(self):
        with self._lock:
            self._users -= 1
            if self._users == 0:
                def restore():
                    for lib, n in zip(self._libraries, self._original):
                        lib.set_num_threads(n)

                _change_pool(restore)
                self._original = None

    def reset_after_fork(self):
        self._lock = threading.Lock()
        self._users = 0
        self._original = None


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
    # A lock held by another thread at the fork would stay locked forever in the child,
    # and the team's helper threads do not exist there.
    global _CHANGE_LOCK, _team
    _CHANGE_LOCK = threading.Lock()
    scipy_blas_limited.reset_after_fork()
    numpy_blas_limited.reset_after_fork()
    every_blas_limited.reset_after_fork()
    _team = _Team()
    _load["time"] = -math.inf


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
