"""Measure the performance ideas of issue 5 one at a time, as a ladder of kernels.

Each step adds one idea to the previous one; every step computes the same J and
gradient (checked here to 1e-12) for the course's 400-25-10 sigmoid network on
the 5000 bundled digits, alpha 1. Two measurements per step, interleaved and
repeated, medians:

- CPU ms, one thread (NumPy's BLAS limited to 1 thread; nnlearn's kernel with its
  own threads, whose CPU time adds up): the work a step does. This stays
  meaningful on a loaded machine.
- wall ms as users run it (BLAS with its default threads, nnlearn's threads chosen).

Both are timed by :func:`nnlearn.bench.time_interleaved` (rounds in rotating order).

    python scripts/perf_ideas.py [--seconds 30]

The steps before the current kernel are written out here (they are not part of
nnlearn); the last steps call nnlearn's own kernel.
"""

import argparse
import os
import time

import numpy as np
from scipy.special import expit
from threadpoolctl import threadpool_limits

import nnlearn
from nnlearn.core import kernel, params
from nnlearn.bench import time_interleaved
from nnlearn.datasets import load_digits20
from nnlearn.core.losses import sigmoid_cross_entropy
from nnlearn.core.reference import cost_and_gradient_plain


def textbook(net, theta, X, Y, alpha, X1=None, sigmoid=expit):
    """The course's vectorized backpropagation: a1 = [ones X], ... (X1: the bias-augmented X built once)."""
    m = X.shape[0]
    Theta1, Theta2 = params.unpack(theta, net.layer_sizes)
    a1 = np.hstack([np.ones((m, 1)), X]) if X1 is None else X1  # (m, 401)
    a2 = np.hstack([np.ones((m, 1)), sigmoid(a1 @ Theta1.T)])  # (m, 26)
    z3 = a2 @ Theta2.T  # (m, 10)
    J = sigmoid_cross_entropy(z3, Y) / m
    J += alpha / (2 * m) * (np.sum(Theta1[:, 1:] ** 2) + np.sum(Theta2[:, 1:] ** 2))
    d3 = sigmoid(z3) - Y
    d2 = (d3 @ Theta2)[:, 1:] * a2[:, 1:] * (1 - a2[:, 1:])
    grad1, grad2 = d2.T @ a1 / m, d3.T @ a2 / m
    grad1[:, 1:] += alpha / m * Theta1[:, 1:]
    grad2[:, 1:] += alpha / m * Theta2[:, 1:]
    return J, params.pack([grad1, grad2])


def no_ones_column(net, theta, X, Y, alpha, sigmoid=expit, block_rows=None, reuse=False):
    """W/b split (no ones column), rows as examples; optional blocks and reused buffers."""
    m = X.shape[0]
    Thetas = params.unpack(theta, net.layer_sizes)
    W = [np.ascontiguousarray(T[:, 1:]) for T in Thetas]
    b = [T[:, 0].copy() for T in Thetas]
    rows = min(m, block_rows or m)
    buffers = (np.empty((rows, 25)), np.empty((rows, 10)), np.empty((rows, 25))) if reuse else None
    gW = [np.zeros(w.shape) for w in W]
    gb = [np.zeros(v.shape) for v in b]
    J_sum = 0.0
    for start in range(0, m, rows):
        Xb, Yb = X[start:start + rows], Y[start:start + rows]
        mb = Xb.shape[0]
        if reuse:
            Z2 = np.matmul(Xb, W[0].T, out=buffers[0][:mb])
            Z2 += b[0]
            A2 = sigmoid(Z2, out=Z2)
            Z3 = np.matmul(A2, W[1].T, out=buffers[1][:mb])
            Z3 += b[1]
        else:
            A2 = sigmoid(Xb @ W[0].T + b[0])
            Z3 = A2 @ W[1].T + b[1]
        J_sum += sigmoid_cross_entropy(Z3, Yb)
        d3 = sigmoid(Z3, out=Z3) if reuse else sigmoid(Z3)
        d3 -= Yb
        gW[1] += d3.T @ A2
        gb[1] += d3.sum(axis=0)
        d2 = np.matmul(d3, W[1], out=buffers[2][:mb]) if reuse else d3 @ W[1]
        d2 *= A2
        d2 *= 1 - A2
        gW[0] += d2.T @ Xb
        gb[0] += d2.sum(axis=0)
    J = J_sum / m
    grads = []
    for T, g, gbias in zip(Thetas, gW, gb):
        J += alpha / (2 * m) * np.sum(T[:, 1:] ** 2)
        grads.append(np.column_stack([gbias / m, g / m + alpha / m * T[:, 1:]]))
    return J, params.pack(grads)


def fast_sigmoid(Z, out=None):
    """1 / (1 + e^{-z}) with NumPy's vectorized exp (nnlearn.core.activations.sigmoid_inplace)."""
    out = np.negative(Z, out=out)
    with np.errstate(over="ignore"):
        np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def nnlearn_kernel(net, theta, X, Y, alpha, block_work=None, threads=None):
    """nnlearn's kernel with blocks of about ``block_work`` multiply-adds (None: its default) on ``threads`` threads
    (None: chosen per evaluation, as users run it)."""
    saved = kernel.BLOCK_WORK, kernel.BLAS_THREADS
    kernel.BLOCK_WORK = block_work or saved[0]
    kernel.BLAS_THREADS = threads
    try:
        return kernel.cost_and_gradient(theta, X, Y, alpha, net.spec)
    finally:
        kernel.BLOCK_WORK, kernel.BLAS_THREADS = saved


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="time budget of each of the two measurements")
    args = parser.parse_args()
    X, y = load_digits20()
    Y = np.eye(10)[y]
    X1 = np.hstack([np.ones((X.shape[0], 1)), X])
    X32 = X.astype(np.float32)
    net = nnlearn.Network([400, 25, 10])
    theta = net.init_weights(random_state=0)
    steps = {
        "0 textbook: a1 = [ones X] per call, expit": lambda: textbook(net, theta, X, Y, 1.0),
        "1 + bias-augmented X built once per fit": lambda: textbook(net, theta, X, Y, 1.0, X1=X1),
        "1' no ones column at all (W a + b), expit": lambda: no_ones_column(net, theta, X, Y, 1.0),
        "2 + sigmoid by NumPy exp instead of expit": lambda: no_ones_column(net, theta, X, Y, 1.0, fast_sigmoid),
        "3a + blocks of 1024 rows": lambda: no_ones_column(net, theta, X, Y, 1.0, fast_sigmoid, 1024),
        "3b + blocks reuse their buffers": lambda: no_ones_column(net, theta, X, Y, 1.0, fast_sigmoid, 1024, True),
        "4 + one example per column, bias rows, fused loss (nnlearn), one block": lambda: nnlearn_kernel(
            net, theta, X, Y, 1.0, block_work=2**40),
        "5 + blocks of ~2^25 multiply-adds: 6 of 833 (nnlearn)": lambda: nnlearn_kernel(net, theta, X, Y, 1.0),
        "6 float32 X (nnlearn; 4 blocks)": lambda: nnlearn_kernel(net, theta, X32, Y, 1.0),
    }
    J_plain, grad_plain = cost_and_gradient_plain(theta, X, Y, 1.0, net.spec)
    for name, step in steps.items():
        J, grad = step()
        tolerance = 1e-5 if "float32" in name else 1e-12
        assert abs(J - J_plain) <= tolerance * J_plain, name
        assert np.max(np.abs(grad - grad_plain)) <= tolerance * np.max(np.abs(grad_plain)), name

    def measure(clock, seconds):
        times = time_interleaved(steps, budget=seconds, min_repeats=5, clock=clock)
        return {name: 1e3 * float(np.median(t)) for name, t in times.items()}, len(times[next(iter(steps))])

    with threadpool_limits(limits=1, user_api="blas"):
        cpu, rounds_cpu = measure(time.process_time, args.seconds)
    wall, rounds_wall = measure(time.perf_counter, args.seconds)
    print(f"load {os.getloadavg()[0]:.2f}; {rounds_cpu} and {rounds_wall} rounds")
    print(f"{'step':52s} {'CPU ms, 1 thread':>17s} {'wall ms':>9s}")
    for name in steps:
        print(f"{name:52s} {cpu[name]:17.2f} {wall[name]:9.2f}")


if __name__ == "__main__":
    main()
