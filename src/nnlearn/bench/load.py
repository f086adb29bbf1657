"""Busy processes for the under-load table: started by the benchmark, bounded in time, and ended by it."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time

__all__ = ["busy_processes"]

# Each busy process spins on the CPU until its deadline, even if the benchmark dies without ending it.
_SPIN = "import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass\n"


@contextlib.contextmanager
def busy_processes(n, seconds):
    """``n`` processes that keep a core busy each, for at most ``seconds``; ended (by pid) on leaving.

    Yields the list of their ``subprocess.Popen`` objects once all have started.
    """
    processes = []
    try:
        for _ in range(n):
            processes.append(subprocess.Popen([sys.executable, "-c", _SPIN.format(seconds=float(seconds))],
                                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL))
        time.sleep(0.5)  # the interpreters start and begin to spin
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        for process in processes:
            process.wait()
