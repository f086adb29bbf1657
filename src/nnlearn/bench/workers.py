"""Candidates in their own processes: each child times its own calls, the parent interleaves them.

Timing several libraries in one process flatters whoever runs after a pause:
PyTorch's and OpenBLAS's idle thread pools keep spinning for a while after
their last task and slow whatever runs next, and separating groups by 0.2 s
inside one process did not remove it (issue 15). So every candidate here
lives in a child process of its own (a fresh interpreter that imports only
what its candidate needs: a PyTorch child never shares a process with a
NumPy-only one).

A child is set up by a *setup function* named ``"module:function"``, called
with keyword options in the child; it returns a dict ``key -> callable`` (the
candidates that child hosts, all in the same library and thread settings, for
instance one per problem size). The parent then asks a child to time
``n`` calls of one of them (after untimed warm-up calls) and gets back each
call's wall time (``time.perf_counter``) and the CPU time of all ``n`` calls
(``time.process_time``, all the child's threads). CPU time is read once per
turn, not per call: Linux adds a thread's time to the process's clock at the
scheduler's updates, so a reading taken while another thread computes misses
its last few milliseconds. Per call, OpenBLAS's second thread went missing from
most readings here (a float32 product read 0.55 ms CPU for 0.55 ms wall on two
busy threads); over a turn of 0.1 s the loss is a small part.

:func:`time_workers` times in rounds, the candidates in an order rotated from
round to round, with a pause before each turn so that the previous child's idle
threads go to sleep.

A turn starts with untimed calls for :data:`WARM_UP` seconds (at least one call),
so that the timed calls see a machine that has been computing, as the evaluations
of a training run do. After a pause, the first evaluations of nnlearn's
kernel threads are slow: a helper thread sleeps between evaluations, and on
this virtual machine waking it on a core that has idled for a while costs more
for the next few dozen wake-ups. (The likely cause, not verified: halt polling
that adapts to recent idle times. The guest's own idle driver does not poll
here, ``guest_halt_poll_ns`` is 0, so a wake-up goes through the host, whose
KVM halt polling grows and shrinks its window with the vCPU's idle times.)
Measured here with 0.1 s pauses before turns of 50 float32 evaluations of
the digits network, each turn started with one untimed call: the first ten
timed calls took 2.9-3.1 ms (median), the next ten 2.0-2.1 ms, the rest
1.75-1.95 ms, against 1.75-1.8 ms without the pauses. The float32 floor on
OpenBLAS's threads, which spin instead of sleeping, and nnlearn on one thread
took the same time in every position.
"""

from __future__ import annotations

import importlib
import os
import pickle
import socket
import struct
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass

import numpy as np

from .measure import repeat_limits, rounds

__all__ = ["Worker", "Timings", "time_workers", "start_workers", "close_workers", "serve", "WARM_UP"]

WARM_UP = 0.05  # seconds of untimed calls at the start of a turn (at least one call)


@dataclass
class Timings:
    """Times of the timed calls of one candidate, in seconds: each call's ``wall`` time, an array of shape (n,),
    and ``cpu``, the process's CPU time over all of them (all its threads)."""

    wall: np.ndarray
    cpu: float

    @property
    def n(self):
        return len(self.wall)

    @property
    def cpu_per_call(self):
        """The mean CPU time of one call."""
        return self.cpu / max(self.n, 1)


def _send(sock, message):
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(struct.pack("!Q", len(data)) + data)


def _receive(sock):
    def exactly(n):
        chunks, left = [], n
        while left:
            chunk = sock.recv(min(left, 1 << 20))
            if not chunk:
                raise EOFError("the other side closed the connection")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    (n,) = struct.unpack("!Q", exactly(8))
    return pickle.loads(exactly(n))


def serve(fd):
    """The child's loop on the socket ``fd``: build the candidates, then answer until the parent says stop."""
    sock = socket.socket(fileno=fd)
    try:
        setup, options = _receive(sock)
        module, function = setup.split(":")
        candidates = getattr(importlib.import_module(module), function)(**options)
        _send(sock, ("ready", list(candidates)))
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises it
        _send(sock, ("error", traceback.format_exc()))
        return
    while True:
        try:
            request, key, *args = _receive(sock)
        except EOFError:  # the parent went away
            return
        if request == "stop":
            return
        try:
            f = candidates[key]
            if request == "time":
                n, warm = args  # warm: seconds of untimed calls first, at least one
                start = time.perf_counter()
                f()
                while time.perf_counter() - start < warm:
                    f()
                wall = np.empty(n)
                c0 = time.process_time()
                for i in range(n):
                    w0 = time.perf_counter()
                    f()
                    wall[i] = time.perf_counter() - w0
                _send(sock, ("ok", (wall, time.process_time() - c0)))
            else:  # "result": one call's return value, for the parent to check
                _send(sock, ("ok", f()))
        except BaseException:  # noqa: BLE001
            _send(sock, ("error", traceback.format_exc()))


class Worker:
    """A child process hosting the candidates that ``setup(**options)`` returns.

    The child is a fresh interpreter (``python -c``, the parent's environment and
    ``sys.path``) that talks to the parent over a socket pair: it imports nothing
    of the parent's main script, so any script may start workers.

    Parameters
    ----------
    setup : str, ``"module:function"``, a function importable in a fresh interpreter
    options : dict, its keyword arguments (picklable)
    """

    def __init__(self, setup, options=None):
        self.setup, self.options = setup, dict(options or {})
        self._sock, child = socket.socketpair()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        code = "import sys; from nnlearn.bench.workers import serve; serve(int(sys.argv[1]))"
        try:
            self.process = subprocess.Popen([sys.executable, "-c", code, str(child.fileno())],
                                            pass_fds=[child.fileno()], stdin=subprocess.DEVNULL, env=env)
        finally:
            child.close()
        _send(self._sock, (setup, self.options))
        self._keys = None

    def _answer(self):
        try:
            status, value = _receive(self._sock)
        except (EOFError, OSError):
            raise RuntimeError(f"the benchmark's child process for {self.setup} {self.options} died "
                               f"(exit code {self.process.poll()})") from None
        if status == "error":
            raise RuntimeError(f"in the benchmark's child process for {self.setup} {self.options}:\n{value}")
        return value

    @property
    def keys(self):
        """The keys of the candidates this child hosts (waits until it is ready)."""
        if self._keys is None:
            self._keys = self._answer()
        return self._keys

    def time(self, key, n, warm=WARM_UP):
        """Timings of ``n`` calls of candidate ``key``, after untimed ones for ``warm`` seconds (at least one)."""
        self.keys  # noqa: B018 - wait for the setup
        _send(self._sock, ("time", key, n, warm))
        wall, cpu = self._answer()
        return Timings(wall, cpu)

    def result(self, key):
        """What one call of candidate ``key`` returns (pickled back to the parent)."""
        self.keys  # noqa: B018
        _send(self._sock, ("result", key))
        return self._answer()

    def close(self):
        """Ask the child to stop; end it (by its pid) if it does not within a few seconds."""
        if self.process.poll() is None:
            try:
                _send(self._sock, ("stop", None))
            except OSError:
                pass
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._sock.close()


def start_workers(setups):
    """``{name: Worker}`` for ``setups``, a dict ``name -> (setup, options)``; all start at once, then are awaited.

    If one fails to start, all are closed and its error is raised.
    """
    workers = {name: Worker(setup, options) for name, (setup, options) in setups.items()}
    try:
        for worker in workers.values():
            worker.keys  # noqa: B018
    except BaseException:
        close_workers(workers)
        raise
    return workers


def close_workers(workers):
    for worker in workers.values():
        worker.close()


def time_workers(candidates, budget=10.0, min_repeats=5, max_repeats_of=None, max_repeats=1000, turn=0.1,
                 settle=0.1, warm=WARM_UP, progress=None):
    """Time candidates that live in child processes by interleaved rounds.

    Parameters
    ----------
    candidates : dict name -> (Worker, key)
    budget : float, seconds of timing (wall time) after which rounds stop once every candidate has
        ``min_repeats`` timed calls
    min_repeats : int
    max_repeats_of : dict name -> int, the most timed calls of a slow candidate
    max_repeats : int, the most timed calls of any candidate
    turn : float, seconds of calls a candidate makes in one turn (at least one call): its first
        turn measures one call's time
    settle : float, seconds of pause before each turn, for the previous child's idle threads to sleep
    warm : float, seconds of untimed calls at the start of each turn (at least one call)
    progress : callable, optional, ``progress(message)`` after each round

    Returns
    -------
    dict name -> Timings

    Notes
    -----
    Each round gives every candidate one turn, in an order rotated from round to round;
    a turn is untimed calls for ``warm`` seconds (they wake the child's threads) and then timed calls. A
    machine whose load changes during the run thus slows every candidate alike.
    """
    names = list(candidates)
    limit = repeat_limits(names, max_repeats, max_repeats_of)
    walls = {name: [] for name in names}
    cpus = dict.fromkeys(names, 0.0)
    per_call = {}
    for round_, open_ in rounds(walls, limit, min_repeats, budget):
        shift = round_ % len(open_)
        for name in open_[shift:] + open_[:shift]:
            worker, key = candidates[name]
            n = 1 if name not in per_call else max(1, int(turn / max(per_call[name], 1e-6)))
            n = min(n, limit[name] - len(walls[name]))
            time.sleep(settle)
            timings = worker.time(key, n, warm=warm)
            walls[name].extend(timings.wall)
            cpus[name] += timings.cpu
            per_call[name] = float(np.median(walls[name]))
        if progress is not None:
            progress(f"round {round_ + 1}: {sum(map(len, walls.values()))} timed calls")
    return {name: Timings(np.array(walls[name]), cpus[name]) for name in names}
