r"""``nnlearn bench``: how fast nnlearn is, next to PyTorch, scikit-learn and the floor.

Three tables, measured in one process:

1. **Cost and gradient** of the course's 400-25-10 sigmoid network on the 5000
   bundled digits (alpha 1): nnlearn's kernel in float64 and float32, the plain
   textbook vectorized version, the course's per-example loop, PyTorch autograd
   (float64 and float32) and the *floor*, the two products with X that any
   backpropagation must do (``X @ W1.T`` and ``delta2.T @ X``).
2. **Whole fit**: 50 iterations of L-BFGS-B at alpha 1 on the bundled digits,
   nnlearn's :class:`~nnlearn.MLPClassifier` against scikit-learn's
   ``MLPClassifier(solver="lbfgs", activation="logistic")`` as users run it.
3. **Scaling** in the number of samples m (784 inputs, synthetic MNIST-sized
   data): time per evaluation, and the extra memory one evaluation allocates.

Candidates are interleaved (one call of each per round, in rotating order) and
each is repeated until a time budget is spent, so that a machine whose load
changes during the run slows all of them alike; the tables give medians.
PyTorch and scikit-learn are optional: a missing one is reported and the rest
is measured. Every function here returns data; :func:`format_table` renders it
and ``nnlearn bench`` (``nnlearn.cli``) prints it.
"""

from __future__ import annotations

import contextlib
import os
import platform
import resource
import sys
import time
import tracemalloc
import warnings
from dataclasses import dataclass, field

import numpy as np

from . import _validation as v
from .core import kernel, optimizers, params, threads
from .core.kernel import cost_and_gradient
from .core.reference import backprop_loop, cost_and_gradient_plain
from .network import Network

__all__ = [
    "Table",
    "time_interleaved",
    "peak_extra_bytes",
    "rss_during",
    "parallel_speedup",
    "torch_cost_and_gradient",
    "machine_info",
    "eval_table",
    "fit_table",
    "scaling_table",
    "run",
    "format_table",
    "TABLES",
]

TABLES = ("eval", "fit", "scaling")
# Settings of a full run and of --quick (a smoke test: its figures are not for comparison).
FULL = {"eval_budget": 20.0, "eval_min_repeats": 15, "loop_repeats": 3, "fit_max_iter": 50, "fit_repeats": 3,
        "scaling_sizes": (1000, 2000, 5000, 10000, 20000, 60000), "scaling_budget": 2.0}
QUICK = {"eval_budget": 1.0, "eval_min_repeats": 3, "loop_repeats": 1, "fit_max_iter": 5, "fit_repeats": 1,
         "scaling_sizes": (1000, 2000, 4000), "scaling_budget": 0.2}
TORCH_HINT = "pip install torch==2.13.0 (the CPU build)"


@dataclass
class Table:
    """A rendered-ready result: ``rows`` of cells (str, int, float or None) under ``columns``."""

    title: str
    columns: list
    rows: list = field(default_factory=list)
    notes: list = field(default_factory=list)


# -- measuring -------------------------------------------------------------------


def time_interleaved(candidates, budget=5.0, min_repeats=5, max_repeats=1000, max_repeats_of=None, groups=None,
                     settle=0.0, wake=True, clock=time.perf_counter):
    """Time each callable in ``candidates`` (dict name -> f) by interleaved rounds.

    Every round calls each candidate once, in an order rotated from round to
    round, after one untimed warm-up call each. Rounds continue until every
    candidate has ``min_repeats`` timings and ``budget`` seconds have passed,
    or every candidate has its maximum (``max_repeats_of[name]`` for slow ones).

    ``groups`` (dict name -> label) keeps candidates that use different thread
    pools apart: within a round each group runs as a unit, after a pause of
    ``settle`` seconds and (if ``wake``) one untimed call. Idle OpenBLAS and
    OpenMP threads keep spinning for a while after their last task; without the
    pause they would slow down whichever library runs next.

    ``clock`` times each call: wall time by default, ``time.process_time`` for
    the CPU time of the process. The budget is always wall time.

    Returns
    -------
    dict name -> ndarray of shape (n_repeats,), times of ``clock`` in seconds
    """
    names = list(candidates)
    groups = groups or {}
    labels = list(dict.fromkeys(groups.get(name) for name in names))
    max_repeats_of = dict(max_repeats_of or {})
    limit = {name: max(1, max_repeats_of.get(name, max_repeats)) for name in names}
    times = {name: [] for name in names}
    for name in names:
        candidates[name]()
    start = time.perf_counter()
    round_ = 0
    while True:
        open_ = [name for name in names if len(times[name]) < limit[name]]
        enough = all(len(times[name]) >= min(min_repeats, limit[name]) for name in names)
        if not open_ or (enough and time.perf_counter() - start >= budget):
            break
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
        round_ += 1
    return {name: np.array(values) for name, values in times.items()}


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


def _can_reset_peak_rss():
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
    if _can_reset_peak_rss():  # resets VmHWM to the current RSS
        before = 1024 * _status_kib("VmRSS")
        f()
        return before, 1024 * _status_kib("VmHWM")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    f()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    scale = 1 if sys.platform == "darwin" else 1024
    return usage.ru_maxrss * scale, peak * scale


# -- optional libraries -------------------------------------------------------------


def _import_torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


def _import_sklearn_mlp():
    try:
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        return None
    return MLPClassifier


def torch_cost_and_gradient(net, X, Y, alpha, dtype="float64"):
    r"""A PyTorch autograd version of ``net``'s cost and gradient, as a function of theta.

    Parameters
    ----------
    net : nnlearn.Network
    X : ndarray of shape (m, s_1)
    Y : ndarray of shape (m, K), 0/1 targets (one-hot for softmax)
    alpha : float, the course's lambda
    dtype : {"float64", "float32"}, the precision PyTorch computes in

    Returns
    -------
    f : callable, ``f(theta)`` -> ``(J, grad)`` with grad of shape (n_params,), float64

    Notes
    -----
    The same model written the way a PyTorch user would: one leaf tensor per
    :math:`\Theta^{(l)}` (column 0 the bias), ``torch.sigmoid``/``tanh``/``relu``,
    the loss from the logits (``binary_cross_entropy_with_logits`` or
    ``cross_entropy``, summed), plus :math:`\frac{\alpha}{2m}\sum \Theta_{:,1:}^2`,
    and ``J.backward()``. X and Y are converted to tensors once, outside ``f``.
    """
    torch = _import_torch()
    if torch is None:
        raise ImportError(f"PyTorch is not installed; {TORCH_HINT}.")
    tdtype = {"float64": torch.float64, "float32": torch.float32}[dtype]
    functional = torch.nn.functional
    g = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[net.activation]
    X_t = torch.from_numpy(np.ascontiguousarray(X, dtype=dtype))
    Y_t = torch.from_numpy(np.ascontiguousarray(Y, dtype=dtype))
    labels = torch.from_numpy(np.argmax(Y, axis=1))
    m = X.shape[0]

    def f(theta):
        Thetas = [torch.tensor(T, dtype=tdtype, requires_grad=True) for T in params.unpack(theta, net.layer_sizes)]
        A = X_t
        for l, T in enumerate(Thetas):
            Z = A @ T[:, 1:].T + T[:, 0]
            A = g(Z) if l < len(Thetas) - 1 else Z
        if net.output == "sigmoid":
            loss = functional.binary_cross_entropy_with_logits(A, Y_t, reduction="sum")
        else:
            loss = functional.cross_entropy(A, labels, reduction="sum")
        J = loss / m + alpha / (2 * m) * sum((T[:, 1:] ** 2).sum() for T in Thetas)
        J.backward()
        return J.item(), params.pack([T.grad.numpy().astype(np.float64) for T in Thetas])

    return f


# -- the tables -----------------------------------------------------------------------


def machine_info():
    """Lines describing the machine and the libraries: CPU, cores, load, versions, BLAS threads."""
    import scipy
    from threadpoolctl import threadpool_info

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        with open("/proc/cpuinfo") as cpuinfo:
            models = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")]
            cpu = models[0] if models else cpu
    lines = [f"machine   {cpu}, {os.cpu_count()} logical cores, {platform.system()} {platform.release()}"]
    if hasattr(os, "getloadavg"):
        lines.append("load      {:.2f} {:.2f} {:.2f} (1, 5, 15 min averages at start)".format(*os.getloadavg()))
    versions = [f"Python {platform.python_version()}", f"NumPy {np.__version__}", f"SciPy {scipy.__version__}"]
    sklearn_mlp = _import_sklearn_mlp()
    if sklearn_mlp is not None:
        import sklearn

        versions.append(f"scikit-learn {sklearn.__version__}")
    torch = _import_torch()
    versions.append(f"PyTorch {torch.__version__} ({torch.get_num_threads()} threads)" if torch else "PyTorch not installed")
    lines.append("versions  " + ", ".join(versions))
    lines.append(f"parallel  {parallel_speedup():.2f}x: what {threads.available_cores()} threads compute in the time of 1 "
                 "(a compute-bound NumPy probe; about the core count on a quiet machine)")
    blas = "its own threads" if kernel.BLAS_THREADS is None else f"{kernel.BLAS_THREADS} thread(s)"
    lines.append(
        f"nnlearn   kernel in blocks of at most {kernel.BLOCK_ROWS} rows, NumPy's BLAS at {blas}; "
        f"SciPy's BLAS at {optimizers.SCIPY_BLAS_THREADS} thread in scipy.optimize.minimize"
    )
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            owner = os.path.basename(os.path.dirname(pool["filepath"]))
            lines.append(
                f"BLAS      {pool['internal_api']} {pool.get('version') or ''} in {owner}/: {pool['num_threads']} threads"
            )
    return lines


def _kernel_settings(f, blas_threads):
    """``f()`` with nnlearn's kernel running NumPy's BLAS at ``blas_threads`` threads."""
    saved = kernel.BLAS_THREADS
    kernel.BLAS_THREADS = blas_threads
    try:
        return f()
    finally:
        kernel.BLAS_THREADS = saved


def _one_blas_thread(f):
    with threads.numpy_blas_limited(1):
        return f()


def parallel_speedup(seconds=0.3):
    """How many times more work ``available_cores()`` threads do than 1 in the same time.

    Each thread repeats ``exp``/``log1p`` on its own small array (in cache, so the
    memory bandwidth is not measured); NumPy releases the GIL in those loops. On a
    quiet machine this is close to the number of cores; when other processes (or
    the host of a virtual machine) take the cores, it is lower.
    """
    import threading

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


def _relative_difference(a, b):
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), np.finfo(float).tiny))


def eval_table(X, y, hidden=(25,), alpha=1.0, budget=15.0, min_repeats=10, loop_repeats=3, progress=None):
    """Table 1: one cost-and-gradient evaluation of the course's network, every way.

    Parameters
    ----------
    X : ndarray of shape (m, n), float64
    y : ndarray of shape (m,), class indices 0..K-1
    hidden : tuple of int, hidden layer sizes
    alpha : float
    budget : float, seconds of interleaved timing
    min_repeats : int, timings of each candidate at least
    loop_repeats : int, timings of the slow per-example loop (1 is enough to see it)
    progress : callable, optional, ``progress(message)`` before the timing starts

    Returns
    -------
    Table with columns candidate, median ms, ratio to PyTorch (same precision),
    ratio to the floor (same precision), largest gradient difference to the plain version.
    """
    progress = progress or (lambda message: None)
    K = int(y.max()) + 1
    net = Network([X.shape[1], *hidden, K])
    theta = net.init_weights(random_state=0)
    X32 = X.astype(np.float32)
    Y = np.eye(K)[y]
    table = Table(
        title=f"Cost and gradient, {'-'.join(map(str, net.layer_sizes))} sigmoid network, "
        f"m = {X.shape[0]}, alpha = {alpha:g} (one evaluation)",
        columns=["candidate", "median ms", "x PyTorch", "x floor", "grad diff"],
    )

    # The floor: the two products with X (n x s_2 weights) that any backpropagation does.
    rng = np.random.default_rng(0)
    W1 = np.ascontiguousarray(net.unpack(theta)[0][:, 1:])
    delta2 = rng.random((X.shape[0], W1.shape[0]))
    W1_32, delta2_32 = W1.astype(np.float32), delta2.astype(np.float32)

    candidates = {
        "nnlearn float64": lambda: cost_and_gradient(theta, X, Y, alpha, net.spec),
        "nnlearn float32": lambda: cost_and_gradient(theta, X32, Y, alpha, net.spec),
        "nnlearn float64, NumPy's BLAS at 1 thread": lambda: _kernel_settings(
            lambda: cost_and_gradient(theta, X, Y, alpha, net.spec), blas_threads=1),
        "nnlearn float64, validated (cost_and_gradient)": lambda: net.cost_and_gradient(theta, X, y, alpha),
        "plain vectorized float64 (reference)": lambda: cost_and_gradient_plain(theta, X, Y, alpha, net.spec),
        "per-example loop float64 (reference)": lambda: backprop_loop(theta, X, Y, alpha, net.spec),
        "floor float64: X @ W1.T, delta2.T @ X": lambda: (X @ W1.T, delta2.T @ X),
        "floor float32": lambda: (X32 @ W1_32.T, delta2_32.T @ X32),
        "floor float64, NumPy's BLAS at 1 thread": lambda: _one_blas_thread(lambda: (X @ W1.T, delta2.T @ X)),
    }
    torch = _import_torch()
    if torch is not None:
        candidates["PyTorch autograd float64"] = lambda f=torch_cost_and_gradient(net, X, Y, alpha, "float64"): f(theta)
        candidates["PyTorch autograd float32"] = lambda f=torch_cost_and_gradient(net, X, Y, alpha, "float32"): f(theta)
    else:
        table.notes.append(f"PyTorch is not installed: its rows are left out ({TORCH_HINT} to compare).")

    _, grad_plain = cost_and_gradient_plain(theta, X, Y, alpha, net.spec)
    differences = {name: _relative_difference(f()[1], grad_plain) for name, f in candidates.items() if "floor" not in name}

    progress(f"timing {len(candidates)} candidates, interleaved, for about {budget:g} s")
    loop_name = "per-example loop float64 (reference)"
    groups = {name: ("PyTorch" if name.startswith("PyTorch") else "BLAS at 1 thread" if "1 thread" in name else "NumPy")
              for name in candidates}
    times = time_interleaved(candidates, budget=budget, min_repeats=min_repeats, max_repeats_of={loop_name: loop_repeats},
                             groups=groups, settle=0.2)
    medians = {name: 1e3 * float(np.median(t)) for name, t in times.items()}

    def ratio(name, reference):
        return medians[name] / medians[reference] if reference in medians else None

    for name in candidates:
        precision = "float32" if "float32" in name else "float64"
        table.rows.append([
            f"{name} ({len(times[name])}x)",
            medians[name],
            None if "floor" in name else ratio(name, f"PyTorch autograd {precision}"),
            ratio(name, "floor float64: X @ W1.T, delta2.T @ X" if precision == "float64" else "floor float32"),
            differences.get(name),
        ])
    table.notes.append(
        "x PyTorch / x floor: median time over the median of PyTorch autograd / of the floor (NumPy's BLAS "
        "with its default threads) in the same precision; below 1 is faster. grad diff: "
        "max |grad - grad_plain| / max |grad_plain|. Each round runs the PyTorch rows, the rows with NumPy's "
        "BLAS at 1 thread and the others as separate groups, 0.2 s apart, so that one library's idle, "
        "still-spinning threads do not slow down another's."
    )
    return table


def fit_table(X, y, max_iter=50, alpha=1.0, repeats=3, progress=None):
    """Table 2: whole fits, L-BFGS-B for ``max_iter`` iterations, nnlearn against scikit-learn.

    Parameters
    ----------
    X : ndarray of shape (m, n), float64
    y : ndarray of shape (m,), class indices 0..K-1
    max_iter : int, iterations of every fit
    alpha : float
    repeats : int, timed fits of each candidate (interleaved)
    progress : callable, optional, ``progress(message)`` before the timing starts

    Returns
    -------
    Table with columns candidate, median s, iterations, evaluations, training accuracy %, ratio to
    scikit-learn's fit as users run it.
    """
    from .estimator import MLPClassifier

    progress = progress or (lambda message: None)
    table = Table(
        title=f"Whole fit: {max_iter} iterations of L-BFGS-B, alpha = {alpha:g}, "
        f"{X.shape[1]}-25-{int(y.max()) + 1} network, m = {X.shape[0]}",
        columns=["candidate", "median s", "iterations", "evaluations", "train acc %", "x scikit-learn"],
    )
    X32 = X.astype(np.float32)
    fitted = {}

    def nnlearn_fit(name, X_fit, scipy_blas_threads=optimizers.SCIPY_BLAS_THREADS):
        def fit():
            saved = optimizers.SCIPY_BLAS_THREADS
            optimizers.SCIPY_BLAS_THREADS = scipy_blas_threads
            try:
                clf = MLPClassifier(hidden_layer_sizes=(25,), alpha=alpha, solver="L-BFGS-B", max_iter=max_iter, random_state=0)
                fitted[name] = (clf.fit(X_fit, y), X_fit)
            finally:
                optimizers.SCIPY_BLAS_THREADS = saved

        return fit

    candidates = {
        "nnlearn MLPClassifier float64": nnlearn_fit("nnlearn MLPClassifier float64", X),
        "nnlearn MLPClassifier float32": nnlearn_fit("nnlearn MLPClassifier float32", X32),
        "nnlearn float64, SciPy's BLAS left at its default threads": nnlearn_fit(
            "nnlearn float64, SciPy's BLAS left at its default threads", X, scipy_blas_threads=None
        ),
    }
    sklearn_mlp = _import_sklearn_mlp()
    baseline = "scikit-learn MLPClassifier(solver='lbfgs') as users run it"
    if sklearn_mlp is not None:

        def sklearn_fit(name, limit_scipy):
            def fit():
                clf = sklearn_mlp(hidden_layer_sizes=(25,), solver="lbfgs", activation="logistic", alpha=alpha,
                                  max_iter=max_iter, random_state=0)
                scipy_blas = threads.scipy_own_blas() if limit_scipy else None
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # ConvergenceWarning: max_iter is the point
                    with scipy_blas.limit(limits=1) if limit_scipy else contextlib.nullcontext():
                        fitted[name] = (clf.fit(X, y), X)

            return fit

        candidates[baseline] = sklearn_fit(baseline, False)
        candidates["scikit-learn, SciPy's BLAS limited to 1 thread"] = sklearn_fit(
            "scikit-learn, SciPy's BLAS limited to 1 thread", True
        )
    else:
        table.notes.append("scikit-learn is not installed: its rows are left out (pip install scikit-learn).")

    progress(f"timing {len(candidates)} fits, interleaved, {repeats} rounds")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nnlearn's ConvergenceWarning at max_iter
        times = time_interleaved(candidates, budget=0.0, min_repeats=repeats, max_repeats=repeats,
                                 groups={name: name for name in candidates}, settle=0.2, wake=False)
    medians = {name: float(np.median(t)) for name, t in times.items()}
    for name in candidates:
        clf, X_fit = fitted[name]
        if name.startswith("nnlearn"):
            n_iter, n_eval = clf.n_iter_, clf.train_result_.n_evaluations
        else:
            n_iter, n_eval = clf.n_iter_, None
        table.rows.append([
            f"{name} ({len(times[name])}x)",
            medians[name],
            n_iter,
            n_eval,
            100 * float(np.mean(clf.predict(X_fit) == y)),
            medians[name] / medians[baseline] if baseline in medians else None,
        ])
    table.notes.append(
        "scikit-learn's multiclass network has a softmax output (nnlearn's: the course's 10 sigmoid units); "
        "both regularize with alpha / (2 m) * sum(W^2). The rows naming SciPy's BLAS show the effect of the "
        "thread limit nnlearn.core.optimizers sets around scipy.optimize.minimize."
    )
    return table


def _synthetic_data(m, n, K, random_state=0):
    """MNIST-sized synthetic data: pixels uniform in [0, 1], random labels 0..K-1."""
    rng = np.random.default_rng(random_state)
    return rng.random((m, n)), rng.integers(0, K, m)


def scaling_table(sizes=(1000, 2000, 5000, 10000, 20000, 60000), n_features=784, hidden=(25,), budget=1.5,
                  min_repeats=3, progress=None):
    """Table 3: time per evaluation and memory against the number of samples m.

    Parameters
    ----------
    sizes : sequence of int, the values of m (synthetic data of each size)
    n_features : int, inputs of the network
    hidden : tuple of int, hidden layer sizes (10 outputs)
    budget : float, seconds of interleaved timing per size
    min_repeats : int, timings of each candidate at least (the plain version gets exactly this many)
    progress : callable, optional, ``progress(message)`` before each measurement

    Returns
    -------
    Table with columns m, nnlearn ms, microseconds per sample, float32 ms, plain ms, the data's MB,
    the extra MB one evaluation allocates (nnlearn, plain), the process's RSS before an nnlearn
    evaluation and its peak during it; a note gives the fitted exponent of time against m.
    """
    progress = progress or (lambda message: None)
    K = 10
    net = Network([n_features, *hidden, K])
    theta = net.init_weights(random_state=0)
    table = Table(
        title=f"Scaling in m: {'-'.join(map(str, net.layer_sizes))} sigmoid network, synthetic data, alpha = 1",
        columns=["m", "nnlearn ms", "us/sample", "float32 ms", "plain ms", "data MB", "extra MB",
                 "plain extra MB", "RSS MB", "peak RSS MB"],
    )
    MB = 2.0**20
    memory = {}
    for m in sizes:  # memory first, one m at a time: the RSS figures then hold one data set
        progress(f"memory, m = {m}")
        X, y = _synthetic_data(m, n_features, K)
        Y = np.eye(K)[y]
        extra = peak_extra_bytes(lambda: cost_and_gradient(theta, X, Y, 1.0, net.spec))
        plain_extra = peak_extra_bytes(lambda: cost_and_gradient_plain(theta, X, Y, 1.0, net.spec))
        rss, peak_rss = rss_during(lambda: cost_and_gradient(theta, X, Y, 1.0, net.spec))
        data = X.nbytes + X.nbytes // 2 + Y.nbytes + y.nbytes  # X, X in float32, Y, y as timed below
        memory[m] = [data / MB, extra / MB, plain_extra / MB, rss / MB, peak_rss / MB]
        del X, y, Y
    # Times: every m in the same interleaved rounds, so that a change of the machine's load
    # during the run touches all sizes alike instead of bending the curve.
    progress(f"timing {len(sizes)} sizes, interleaved, for about {budget * len(sizes):g} s")
    candidates = {}
    for m in sizes:
        X, y = _synthetic_data(m, n_features, K)
        X32, Y = X.astype(np.float32), np.eye(K)[y]
        candidates[m, "nnlearn"] = lambda X=X, Y=Y: cost_and_gradient(theta, X, Y, 1.0, net.spec)
        candidates[m, "float32"] = lambda X32=X32, Y=Y: cost_and_gradient(theta, X32, Y, 1.0, net.spec)
        candidates[m, "plain"] = lambda X=X, Y=Y: cost_and_gradient_plain(theta, X, Y, 1.0, net.spec)
    times = time_interleaved(candidates, budget=budget * len(sizes), min_repeats=min_repeats,
                             max_repeats_of={(m, "plain"): min_repeats for m in sizes})
    del candidates
    medians = []
    for m in sizes:
        t64, t32, t_plain = (1e3 * float(np.median(times[m, name])) for name in ("nnlearn", "float32", "plain"))
        table.rows.append([m, t64, 1e3 * t64 / m, t32, t_plain, *memory[m]])
        medians.append(t64)
    if len(sizes) >= 2:
        exponent = np.polyfit(np.log(sizes), np.log(medians), 1)[0]
        table.notes.append(f"nnlearn's time grows as m^{exponent:.2f} over m = {sizes[0]}..{sizes[-1]} (1.00 is linear).")
    table.notes.append(
        f"extra MB: the peak of the memory one evaluation allocates (tracemalloc), data excluded; nnlearn works in "
        f"blocks of {kernel.BLOCK_ROWS} rows, the plain version on all m at once. RSS / peak RSS: the "
        "process's resident memory (this m's data included) before one nnlearn evaluation and at its peak during it"
        + ("." if _can_reset_peak_rss() else " (peak so far: this system cannot reset the peak).")
    )
    return table


def run(tables=TABLES, quick=False, progress=None):
    """Run the benchmark: a list of the :class:`Table` s named in ``tables``.

    ``quick=True`` is a smoke test of a few seconds per table (fewer repeats,
    fewer iterations, smaller m); its figures are not for comparison.
    """
    from .datasets import load_digits20

    tables = [v.Option(TABLES).check(name, "tables", "bench.run") for name in tables]
    progress = progress or (lambda message: None)
    settings = QUICK if quick else FULL
    result = []
    X, y = load_digits20() if {"eval", "fit"} & set(tables) else (None, None)
    if "eval" in tables:
        progress("cost and gradient")
        result.append(eval_table(X, y, budget=settings["eval_budget"], min_repeats=settings["eval_min_repeats"],
                                 loop_repeats=settings["loop_repeats"], progress=progress))
    if "fit" in tables:
        progress("whole fit")
        result.append(fit_table(X, y, max_iter=settings["fit_max_iter"], repeats=settings["fit_repeats"],
                                progress=progress))
    if "scaling" in tables:
        progress("scaling")
        result.append(scaling_table(sizes=settings["scaling_sizes"], budget=settings["scaling_budget"],
                                    progress=progress))
    return result


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


if __name__ == "__main__":  # python -m nnlearn.bench [--quick] ... is nnlearn bench [--quick] ...
    # The command line imports this module, not the reverse: hand the process over to it.
    os.execv(sys.executable, [sys.executable, "-m", "nnlearn.cli", "bench", *sys.argv[1:]])
