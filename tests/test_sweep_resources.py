"""Issue 14, class 6: a sweep leaves no process behind and starts no more workers than it can use.

After ``kill -9`` of ``nnlearn sweep --jobs 2`` its workers (and loky's
resource trackers, which exit with them) are gone within seconds: each worker
watches its parent from its start (nnlearn.sweep.fit.watch_parent, the pool's
initializer). ``--jobs`` is capped by the runs to do and the cores, with a
warning when an explicit value is lowered.
"""

import os
import re
import signal
import subprocess
import sys
import time
import warnings

import numpy as np
import pytest

from nnlearn import sweep
from nnlearn.cli import main
from nnlearn.core.threads import available_cores
from nnlearn.sweep.backends import local_workers
from nnlearn.sweep.fit import WATCH_INTERVAL, watch_parent

LINUX = sys.platform.startswith("linux") and os.path.isdir("/proc")


def _children(pid):
    """Live (not zombie) processes whose parent is ``pid``, from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                state, ppid = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[:2]
            except (OSError, ValueError):
                continue
            if int(ppid) == pid and state != "Z":
                found.append(int(entry))
    return found


def _cmdline(pid):
    try:
        return open(f"/proc/{pid}/cmdline", "rb").read()
    except OSError:
        return b""


def _threads(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return 0


def _alive(pid):
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not LINUX, reason="process tree read from /proc")
def test_workers_exit_within_seconds_of_a_kill_9_of_the_sweep(tmp_path):
    results = tmp_path / "results.jsonl"
    argv = ["sweep", "--data", "spirals", "--hidden", "30", "--solver", "gd", "--max-iter", "3000",
            "--seed", "0", "1", "2", "3", "4", "5", "--jobs", "2", "--results", str(results), "--no-progress"]
    process = subprocess.Popen([sys.executable, "-m", "nnlearn.cli", *argv], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    workers = []
    try:
        deadline = time.monotonic() + 120
        # Both workers fit a run, and watch their parent (a second thread), before the kill.
        while time.monotonic() < deadline:
            assert process.poll() is None, "the sweep ended before it could be killed"
            workers = [pid for pid in _children(process.pid) if b"popen_loky" in _cmdline(pid)]
            if len(workers) == 2 and all(_threads(pid) >= 2 for pid in workers):
                break
            time.sleep(0.02)
        assert len(workers) == 2 and process.poll() is None, workers
        workers += [pid for pid in _children(process.pid) if b"resource_tracker" in _cmdline(pid)]
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        killed = time.monotonic()
        while time.monotonic() - killed < 10 and any(_alive(pid) for pid in workers):
            time.sleep(0.05)
        left = [pid for pid in workers if _alive(pid)]
        assert not left, f"workers {left} outlived the sweep by 10 s"
        assert time.monotonic() - killed < 2 + 4 * WATCH_INTERVAL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for pid in workers:  # only the processes this test started
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert not results.exists() or results.read_bytes().count(b"\n") < 6  # it was killed mid-way


def test_the_watch_does_nothing_in_the_sweeps_own_process_or_for_a_stranger():
    import threading

    before = {t.name for t in threading.enumerate()}
    watch_parent(os.getpid())  # the sweep's own process
    watch_parent(1 if os.getppid() != 1 else 2)  # a process that is not this one's parent (a Dask worker's case)
    assert {t.name for t in threading.enumerate()} == before


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork")
def test_a_worker_whose_parent_dies_exits():
    """A grandchild watches its parent (a child of this test); the child is killed; the grandchild exits."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child starts the worker, reports its pid, then waits to be killed
        grandchild = os.fork()
        if grandchild == 0:
            watch_parent(os.getppid())
            time.sleep(60)
            os._exit(0)
        os.write(write, str(grandchild).encode())
        time.sleep(60)
        os._exit(0)
    os.close(write)
    grandchild = int(os.read(read, 32))
    os.close(read)
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and os.path.exists(f"/proc/{grandchild}") and _alive(grandchild):
        time.sleep(0.05)
    alive = LINUX and _alive(grandchild)
    if alive:
        os.kill(grandchild, signal.SIGKILL)
    assert not alive


@pytest.mark.parametrize("n_jobs, n_runs, cores, workers, note", [
    (64, 2, 2, 2, r"n_jobs=64: 2 worker processes started instead \(2 runs to do and 2 cores available\)\."),
    (64, 100, 4, 4, r"n_jobs=64: 4 worker processes started instead \(4 cores available\)\."),
    (8, 3, 16, 3, r"n_jobs=8: 3 worker processes started instead \(3 runs to do\)\."),
    (3, 10, 8, 3, None),
    (-1, 10, 4, 4, None),  # every core: no note
    (-2, 10, 4, 3, None),  # all but one
    (-1, 2, 16, 2, None),
    (-8, 10, 4, 1, None),
    (2, 1, 4, 1, r"n_jobs=2: 1 worker process started instead \(1 run to do\)\."),
])
def test_jobs_are_capped_by_the_runs_and_the_cores(n_jobs, n_runs, cores, workers, note):
    got, text = local_workers(n_jobs, n_runs, cores)
    assert got == workers
    assert (text is None) if note is None else re.fullmatch(note, text), text


def test_a_sweep_asked_for_64_jobs_on_2_runs_says_so_and_gives_the_same_results(capsys):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 3)), np.repeat([0, 1], 20)
    grid = {"alpha": [0.0, 1.0], "max_iter": [3], "hidden_layer_sizes": [3], "random_state": [0]}
    with pytest.warns(UserWarning, match=r"n_jobs=64: \d worker process(es)? started instead \(2 runs to do"):
        parallel = sweep.run(grid, (X, y), n_jobs=64, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        alone = sweep.run(grid, (X, y), n_jobs=1, progress=False)
    assert [r["final_cost"] for r in parallel] == [r["final_cost"] for r in alone]
    assert main(["sweep", "--data", "spirals", "--alpha", "0", "1", "--max-iter", "2", "--jobs", "64",
                 "--no-progress"]) == 0
    err = capsys.readouterr().err.splitlines()
    cores = available_cores()
    assert err == [f"nnlearn: warning: n_jobs=64: {min(2, cores)} worker process{'es' if min(2, cores) > 1 else ''} "
                   f"started instead (2 runs to do and {cores} core{'s' if cores > 1 else ''} available)."], err
