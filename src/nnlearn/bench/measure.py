"""Measuring tools of the benchmark: tables, in-process interleaved timing, memory, the machine's description."""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import platform
import resource
import sys
import threading
import time
import tracemalloc
from dataclasses import dataclass, field

import numpy as np

from ..core import kernel, optimizers, threads

__all__ = [
    "Table",
    "time_interleaved",
    "peak_extra_bytes",
    "rss_during",
    "parallel_speedup",
    "machine_info",
    "load_line",
    "load_text",
    "format_table",
    "version_of",
]


@dataclass
class Table:
    """A rendered-ready result: ``rows`` of cells (str, int, float or None) under ``columns``."""

    title: str
    columns: list
    rows: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def time_interleaved(candidates, budget=5.0, min_repeats=5, max_repeats=1000, max_repeats_of=None, groups=None,
                     settle=0.0, wake=True, clock=time.perf_counter):
    """Time each callable in ``candidates`` (dict name -> f) by interleaved rounds, in this process.

    Every round calls each candidate once, in an order rotated from round to
    round, after one untimed warm-up call each. Rounds continue until every
    candidate has ``min_repeats`` timings and ``budget`` seconds have passed,
    or every candidate has its maximum (``max_repeats_of[name]`` for slow ones).

    ``groups`` (dict name -> label) keeps candidates that use different thread
    pools apart: within a round each group runs as a unit, after a pause of
    ``settle`` seconds and (if ``wake``) one untimed call. (Candidates of
    different libraries belong in different processes:
    :func:`nnlearn.bench.workers.time_workers`.)

    ``clock`` times each call: wall time by default, ``time.process_time`` for
    the CPU time of the process. The budget is always wall time.

    Returns
    -------
    dict name -> ndarray of shape (n_repeats,), times of ``clock`` in seconds
    """
    names = list(candidates)
    groups = groups or {}
    labels = list(dict.fromkeys(groups.get(name) for name in names))
    limit = repeat_limits(names, max_repeats, max_repeats_of)
    times = {name: [] for name in names}
    for name in names:
        candidates[name]()
    for round_, open_ in rounds(times, limit, min_repeats, budget):
        for label in labels[round_ % len(labels):] + labels[:round_ % len(labels)]:
            members = [name for name in open_ if groups.get(name) == label]
            if not members:
                continue
            if len(labels) > 1:
                time.sleep(settle)
                if wake:
                    candidates[members[0]]()  # wakes this group's threads; not timed
            shift = round_ % len(members)
            for name in members[shift:] + members[:shift]:
                t0 = clock()
                candidates[name]()
                times[name].append(clock() - t0)
    return {name: np.array(values) for name, values in times.items()}


def repeat_limits(names, max_repeats, max_repeats_of=None):
    """The most timed calls of each candidate: ``max_repeats_of[name]`` for slow ones, else ``max_repeats`` (>= 1)."""
    return {name: max(1, (max_repeats_of or {}).get(name, max_repeats)) for name in names}


def rounds(times, limit, min_repeats, budget):
    """The rounds of an interleaved timing: yields ``(round number, names still open)`` from 0 on.

    ``times`` (dict name -> list) holds each candidate's timings so far, appended by the
    caller during a round; ``limit`` is :func:`repeat_limits`'. The rounds end when every
    candidate has its limit, or when each has ``min(min_repeats, limit)`` timings and
    ``budget`` seconds (wall time, from the first round) have passed.
    """
    start = time.perf_counter()
    round_ = 0
    while True:
        open_ = [name for name in times if len(times[name]) < limit[name]]
        enough = all(len(times[name]) >= min(min_repeats, limit[name]) for name in times)
        if not open_ or (enough and time.perf_counter() - start >= budget):
            return
        yield round_, open_
        round_ += 1


def peak_extra_bytes(f):
    """Peak bytes allocated (and not yet freed) while ``f()`` runs, by ``tracemalloc``.

    NumPy reports its array buffers to tracemalloc, so this is the extra memory
    of the arrays ``f`` creates, including its result; memory that existed
    before the call (the data) is not counted.
    """
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    try:
        f()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        if not was_tracing:
            tracemalloc.stop()


def _status_kib(field_name):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    raise OSError(f"no {field_name} in /proc/self/status")


def can_reset_peak_rss():
    """Whether Linux lets this process reset its peak RSS (``echo 5 > /proc/self/clear_refs``)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        _status_kib("VmHWM")
    except OSError:
        return False
    return True


def rss_during(f):
    """``(rss_before, peak_rss)`` in bytes around one call ``f()``.

    On Linux the peak (VmHWM) is reset to the current RSS just before the
    call, so ``peak_rss`` is the high-water mark during ``f``. Elsewhere it is
    the process's peak so far (``ru_maxrss``), which may predate the call.
    """
    if can_reset_peak_rss():  # resets VmHWM to the current RSS
        before = 1024 * _status_kib("VmRSS")
        f()
        return before, 1024 * _status_kib("VmHWM")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    f()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    scale = 1 if sys.platform == "darwin" else 1024
    return usage.ru_maxrss * scale, peak * scale


def parallel_speedup(seconds=0.3):
    """How many times more work ``available_cores()`` threads do than 1 in the same time.

    Each thread repeats ``exp``/``log1p`` on its own small array (in cache, so the
    memory bandwidth is not measured); NumPy releases the GIL in those loops. On a
    quiet machine this is close to the number of cores; when other processes (or
    the host of a virtual machine) take the cores, it is lower.
    """
    n = threads.available_cores()
    arrays = [np.random.default_rng(i).random(20000) for i in range(n)]

    def work(a, repeats):
        for _ in range(repeats):
            np.log1p(np.exp(a, out=a), out=a)

    t0 = time.perf_counter()
    work(arrays[0], 20)
    repeats = max(20, int(20 * (seconds / 2) / max(time.perf_counter() - t0, 1e-6)))
    t0 = time.perf_counter()
    for a in arrays:
        work(a, repeats)
    serial = time.perf_counter() - t0
    workers = [threading.Thread(target=work, args=(a, repeats)) for a in arrays]
    t0 = time.perf_counter()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return serial / (time.perf_counter() - t0)


def version_of(distribution):
    """The installed version of ``distribution`` (e.g. "torch"), or None; nothing is imported."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def load_text(when):
    """``"1.02 1.40 1.61 (1, 5, 15 min averages <when>), 2 tasks running or ready"`` ("" where unknown)."""
    if not hasattr(os, "getloadavg"):
        return ""
    running = ""
    with contextlib.suppress(OSError, IndexError, ValueError):
        with open("/proc/loadavg") as loadavg:
            running = f", {int(loadavg.read().split()[3].split('/')[0])} tasks running or ready"
    return "{:.2f} {:.2f} {:.2f} (1, 5, 15 min averages {}){}".format(*os.getloadavg(), when, running)


def load_line(when):
    """The ``load`` line of :func:`machine_info`: ``"load      " + load_text(when)`` ("" where unknown)."""
    text = load_text(when)
    return f"load      {text}" if text else ""


def machine_info():
    """Lines describing the machine and the libraries: CPU, cores, load, versions, threads."""
    import scipy
    from threadpoolctl import threadpool_info

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        with open("/proc/cpuinfo") as cpuinfo:
            models = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")]
            cpu = models[0] if models else cpu
    quota = threads.cgroup_cpu_limit()
    lines = [
        f"machine   {cpu}, {os.cpu_count()} logical cores, {platform.system()} {platform.release()}",
        f"cpus      {threads.available_cores()} available to this process (affinity, cgroup quota "
        f"{'none' if quota is None else f'{quota:g} cores'})",
    ]
    if load_line("at start"):
        lines.append(load_line("at start"))
    versions = [f"Python {platform.python_version()}", f"NumPy {np.__version__}", f"SciPy {scipy.__version__}"]
    for distribution, name in (("scikit-learn", "scikit-learn"), ("torch", "PyTorch")):
        version = version_of(distribution)
        versions.append(f"{name} {version}" if version else f"{name} not installed")
    lines.append("versions  " + ", ".join(versions))
    lines.append(f"parallel  {parallel_speedup():.2f}x: what {threads.available_cores()} threads compute in the time of 1 "
                 "(a compute-bound NumPy probe; about the core count on a quiet machine)")
    chosen = "chosen per evaluation" if kernel.BLAS_THREADS is None else f"{kernel.BLAS_THREADS}"
    lines.append(
        f"nnlearn   kernel threads {chosen} (its own, over blocks of rows; NumPy's BLAS at 1 thread inside); "
        f"SciPy's BLAS at {optimizers.SCIPY_BLAS_THREADS} thread in scipy.optimize.minimize"
    )
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            owner = os.path.basename(os.path.dirname(pool["filepath"]))
            lines.append(
                f"BLAS      {pool['internal_api']} {pool.get('version') or ''} in {owner}/: {pool['num_threads']} threads"
            )
    return lines


# -- rendering -------------------------------------------------------------------------


def _cell(value):
    if value is None:
        return "-"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, float):
        if value == 0:
            return "0"
        if abs(value) < 1e-3:
            return f"{value:.1e}"
        return f"{value:.2f}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def format_table(table, markdown=False):
    """The table as aligned text (or a GitHub markdown table), with its title and notes."""
    cells = [[_cell(v) for v in row] for row in table.rows]
    if markdown:
        lines = [f"**{table.title}**", "", "| " + " | ".join(table.columns) + " |",
                 "|" + "|".join([":---"] + ["---:"] * (len(table.columns) - 1)) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in cells]
        lines += [""] + [f"{note}  " for note in table.notes]
        return "\n".join(lines)
    widths = [max(len(str(c)) for c in column) for column in zip(table.columns, *cells)]

    def line(row):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))

    lines = [table.title, line(table.columns), line(["-" * w for w in widths])]
    lines += [line(row) for row in cells]
    lines += [f"  {note}" for note in table.notes]
    return "\n".join(lines)
