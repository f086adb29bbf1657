"""How fast the playground trains and draws: ``python -m nnlearn.playground.bench [--seconds S]``.

The issue's case: a 2-8-8-1 tanh network on 500 spiral points (all for
training), full-batch gradient descent.

- ``steps/s``: gradient steps a session makes with nothing else to do
  (the loss curve recorded as in the page);
- ``frame ms``: computing one frame (100 x 100 surface, every unit's map,
  curves, metrics), median;
- ``served``: the real server on a free port and a WebSocket client that
  acknowledges each frame as a page does: page updates per second and
  training steps per second while it streams.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

from .session import Session
from .settings import Settings

__all__ = ["BENCH_SETTINGS", "measure_steps", "measure_frames", "measure_served", "main"]

BENCH_SETTINGS = {"data": "spirals", "points": 500, "test": 0, "hidden": [8, 8], "act": ["tanh", "tanh"],
                  "method": "gd", "lr": 0.5}


def _session():
    return Session(Settings().update(BENCH_SETTINGS))


def measure_steps(seconds=2.0):
    """Gradient steps per second of a session alone."""
    session = _session()
    session.train_steps(200)  # warm up
    start, steps = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        steps += session.train_steps(10**9, time.perf_counter() + 0.1)[0]
    return steps / (time.perf_counter() - start)


def measure_frames(n=200):
    """Median and 95th percentile milliseconds to compute one frame."""
    session = _session()
    session.train_steps(2000)
    times = []
    for i in range(n):
        start = time.perf_counter()
        session.frame(i)
        times.append(1e3 * (time.perf_counter() - start))
    times.sort()
    return statistics.median(times), times[int(0.95 * len(times))]


def measure_served(seconds=3.0):
    """(page updates per second, training steps per second) through the real server and a WebSocket.

    The server runs in its own process (``python -m nnlearn.playground``), as for a
    learner; this process is the page: it receives each frame, decodes it and
    acknowledges it.
    """
    import subprocess
    import sys

    import websockets

    from .frames import decode

    process = subprocess.Popen([sys.executable, "-m", "nnlearn.playground", "--port", "0", "--no-browser"],
                               stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
        if "http://" not in line:
            raise RuntimeError(f"the playground did not start: {line.strip()}")
        host = line.split("http://")[1].split("/")[0]

        async def client():
            async with websockets.connect(f"ws://{host}/ws", origin=f"http://{host}", max_size=2**24) as ws:
                await ws.send(json.dumps({"type": "configure", "settings": BENCH_SETTINGS}))
                frames, first, last = 0, None, None
                await ws.send(json.dumps({"type": "play"}))
                start = time.perf_counter()
                while time.perf_counter() - start < seconds:
                    message = await ws.recv()
                    if isinstance(message, bytes):
                        header, _ = decode(message)
                        await ws.send(json.dumps({"type": "ack", "number": header["number"]}))
                        if header.get("status") == "running":
                            frames += 1
                            first = first or (time.perf_counter(), header["iteration"])
                            last = (time.perf_counter(), header["iteration"])
                await ws.send(json.dumps({"type": "pause"}))
                elapsed = last[0] - first[0]
                return (frames - 1) / elapsed, (last[1] - first[1]) / elapsed

        return asyncio.run(client())
    finally:
        process.terminate()
        process.wait(timeout=10)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m nnlearn.playground.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per measurement (default: %(default)s)")
    args = parser.parse_args(argv)
    from ..core import threads
    from .launch import BLAS_THREADS

    with threads.numpy_blas_limited(BLAS_THREADS):  # as the server runs
        return _report(args)


def _report(args):
    print("2-8-8-1 tanh, 500 spiral points, full-batch gradient descent")
    print(f"steps/s, training alone:        {measure_steps(args.seconds):8.0f}")
    median, p95 = measure_frames()
    print(f"frame compute time, ms:         {median:8.2f} (median), {p95:.2f} (95th percentile)")
    try:
        fps, steps = measure_served(args.seconds)
    except ImportError as exc:
        print(f"served: skipped ({exc})")
        return 0
    print(f"page updates/s while training:  {fps:8.1f} (real server, WebSocket client acknowledging each frame)")
    print(f"steps/s while streaming frames: {steps:8.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
