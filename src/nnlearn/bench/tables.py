"""The benchmark's tables, each measured with its candidates in child processes of their own.

Every function starts its child processes (:mod:`nnlearn.bench.workers`; what
they run is in :mod:`nnlearn.bench.candidates`), times them by interleaved
rounds, checks their results against the plain textbook version where there is
one, ends them and returns a :class:`~nnlearn.bench.measure.Table`. The load at
the start and at the end of each table is in its notes.
"""

from __future__ import annotations

import numpy as np

from ..core import kernel, threads
from . import candidates as cand
from .load import busy_processes
from .measure import Table, load_text, version_of
from .workers import close_workers, start_workers, time_workers

__all__ = ["eval_table", "fit_table", "scaling_table", "tiny_table", "load_table"]

SETUP = "nnlearn.bench.candidates:"


def _threads_label(threads):
    return {None: "default", "all": "all"}.get(threads, str(threads))


def _relative_difference(a, b):
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), np.finfo(float).tiny))


def _measure(setups, progress, **timing):
    """Start the workers of ``setups`` (name -> (setup, options, key)), time them, end them.

    Returns ``(timings, results)``: name -> Timings, and name -> one call's result.
    """
    workers = start_workers({name: (SETUP + setup, options) for name, (setup, options, _) in setups.items()})
    try:
        results = {name: workers[name].result(key) for name, (_, _, key) in setups.items()}
        timings = time_workers({name: (workers[name], key) for name, (_, _, key) in setups.items()},
                               progress=progress, **timing)
    finally:
        close_workers(workers)
    return timings, results


def _load_notes(table, start):
    if start:
        table.notes.append(f"Load {start}; {load_text('at the end')}.")


def _torch_missing(table):
    if version_of("torch") is None:
        table.notes.append("PyTorch is not installed: its rows are left out (pip install torch==2.13.0, the CPU "
                           "build, to compare).")
        return True
    return False


def eval_table(rows=None, alpha=1.0, budget=20.0, min_repeats=15, loop_repeats=3, threads=(None, 1), progress=None):
    """One cost-and-gradient evaluation of the course's network, every way, each candidate in its own process.

    Parameters
    ----------
    rows : int or None, digits used (None: all 5000)
    alpha : float
    budget : float, seconds of interleaved timing
    min_repeats : int, timed calls of each candidate at least
    loop_repeats : int, timed calls of the slow per-example loop
    threads : tuple, the thread settings of the rows: None (as users run it) and 1 (everything on one thread)
    progress : callable, optional

    Returns
    -------
    Table with columns candidate, threads, wall ms, CPU ms, x PyTorch, x floor, grad diff. The ratios
    divide median wall times of the same precision and the same thread setting.
    """
    progress = progress or (lambda message: None)
    start = load_text("at start")
    X, y = cand.digits(rows)
    no_torch = version_of("torch") is None
    torch_rows = [] if no_torch else ["PyTorch float64", "PyTorch float32"]
    variants = []
    if None in threads:
        variants += [(variant, None) for variant in ("nnlearn float64", "nnlearn float32", "validated", "plain",
                                                     "loop", "floor float64", "floor float32", *torch_rows)]
    if 1 in threads:
        variants += [(variant, 1) for variant in ("nnlearn float64", "nnlearn float32", "floor float64",
                                                  "floor float32", *torch_rows)]
    names = {"validated": "nnlearn float64, validated (Network.cost_and_gradient)",
             "plain": "plain vectorized float64 (reference)", "loop": "per-example loop float64 (reference)",
             "floor float64": "floor float64: X @ W1.T, delta2.T @ X"}
    setups = {(variant, threads): ("digits_eval", {"variant": variant, "threads": threads, "rows": rows, "alpha": alpha}, "")
              for variant, threads in variants}
    progress(f"starting {len(setups)} child processes, then timing them interleaved for about {budget:g} s")
    timings, results = _measure(setups, progress, budget=budget, min_repeats=min_repeats,
                                max_repeats_of={("loop", None): loop_repeats})
    from ..core.reference import cost_and_gradient_plain
    from ..network import Network

    K = int(y.max()) + 1
    net = Network([X.shape[1], 25, K])
    _, grad_plain = cost_and_gradient_plain(net.init_weights(random_state=0), X, np.eye(K)[y], alpha, net.spec)
    wall = {key: 1e3 * float(np.median(t.wall)) for key, t in timings.items()}
    table = Table(
        title=f"Cost and gradient, {X.shape[1]}-25-{K} sigmoid network, m = {X.shape[0]}, alpha = {alpha:g} "
        "(one evaluation; each candidate in its own process)",
        columns=["candidate", "threads", "wall ms", "CPU ms", "x PyTorch", "x floor", "grad diff"],
    )
    for variant, threads in variants:
        precision = "float32" if "float32" in variant else "float64"
        torch_key, floor_key = (f"PyTorch {precision}", threads), (f"floor {precision}", threads)
        is_floor = variant.startswith("floor")
        table.rows.append([
            f"{names.get(variant, variant)} ({timings[variant, threads].n}x)",
            _threads_label(threads),
            wall[variant, threads],
            1e3 * timings[variant, threads].cpu_per_call,
            None if is_floor or torch_key not in wall else wall[variant, threads] / wall[torch_key],
            wall[variant, threads] / wall[floor_key] if floor_key in wall else None,
            None if is_floor else _relative_difference(results[variant, threads][1], grad_plain),
        ])
    if no_torch:
        _torch_missing(table)
    table.notes.append(
        "threads: default = as users run it (nnlearn chooses its own threads; NumPy's BLAS and PyTorch use one per "
        "core); 1 = everything on one thread. wall ms: the median of one call's wall time; CPU ms: its process's "
        "CPU time (all threads) over all timed calls, per call. x PyTorch / x floor: wall time over PyTorch "
        "autograd's / the floor's, same precision and threads; below 1 is faster. grad diff: max |grad - grad_plain| / max |grad_plain|. Each candidate runs "
        "in its own process; the parent interleaves their turns (0.1 s apart, each starting with 0.05 s of untimed "
        "calls)."
    )
    _load_notes(table, start)
    return table


def fit_table(rows=None, max_iter=50, alpha=1.0, repeats=3, threads=(None, 1), progress=None):
    """Whole fits, L-BFGS-B for ``max_iter`` iterations, nnlearn against scikit-learn, each in its own process.

    ``threads``: the thread settings of the rows, as in :func:`eval_table`.

    Returns
    -------
    Table with columns candidate, wall s, CPU s, iterations, evaluations, training accuracy %, ratio to
    scikit-learn's fit as users run it.
    """
    progress = progress or (lambda message: None)
    start = load_text("at start")
    X, y = cand.digits(rows)
    sklearn = version_of("scikit-learn") is not None
    baseline = ("scikit-learn", None)
    variants = []
    if None in threads:
        variants += [("nnlearn float64", None), ("nnlearn float32", None),
                     ("nnlearn float64, SciPy's BLAS at its default threads", None)]
        variants += [baseline, ("scikit-learn, SciPy's BLAS at 1 thread", None)] if sklearn else []
    if 1 in threads:
        variants += [("nnlearn float64", 1)] + ([("scikit-learn", 1)] if sklearn else [])
    setups = {key: ("digits_fit", {"variant": key[0], "threads": key[1], "rows": rows, "max_iter": max_iter,
                                   "alpha": alpha}, "") for key in variants}
    progress(f"starting {len(setups)} child processes, then {repeats} interleaved rounds of fits")
    timings, results = _measure(setups, progress, budget=0.0, min_repeats=repeats, max_repeats=repeats, turn=0.0)
    wall = {key: float(np.median(t.wall)) for key, t in timings.items()}
    table = Table(
        title=f"Whole fit: {max_iter} iterations of L-BFGS-B, alpha = {alpha:g}, {X.shape[1]}-25-{int(y.max()) + 1} "
        f"network, m = {X.shape[0]} (each candidate in its own process)",
        columns=["candidate", "threads", "wall s", "CPU s", "iterations", "evaluations", "train acc %",
                 "x scikit-learn"],
    )
    labels = {"scikit-learn": "scikit-learn MLPClassifier(solver='lbfgs')"}
    for key in variants:
        n_iter, n_eval, accuracy = results[key]
        table.rows.append([
            f"{labels.get(key[0], key[0] + (' MLPClassifier' if key[0].startswith('nnlearn float') and ',' not in key[0] else ''))}"
            f" ({timings[key].n}x)",
            _threads_label(key[1]), wall[key], timings[key].cpu_per_call, n_iter, n_eval, accuracy,
            wall[key] / wall[baseline] if baseline in wall else None,
        ])
    if not sklearn:
        table.notes.append("scikit-learn is not installed: its rows are left out (pip install scikit-learn).")
    table.notes.append(
        "scikit-learn's multiclass network has a softmax output (nnlearn's: the course's 10 sigmoid units); both "
        "regularize with alpha / (2 m) * sum(W^2). The rows naming SciPy's BLAS show the effect of the thread limit "
        "nnlearn.core.optimizers sets around scipy.optimize.minimize. x scikit-learn: wall time over scikit-learn's "
        "as users run it."
    )
    _load_notes(table, start)
    return table


def scaling_table(sizes=(1000, 2000, 5000, 10000, 20000, 60000), n_features=784, hidden=(25,), budget=1.5,
                  min_repeats=3, progress=None):
    """Time per evaluation and memory against the number of samples m (synthetic data).

    The memory is measured first in a child process of its own (one m at a time); the
    times come from three children (nnlearn float64, float32, the plain version), every
    (variant, m) pair in the same interleaved rounds.

    Returns
    -------
    Table with columns m, nnlearn ms, microseconds per sample, float32 ms, plain ms, the data's MB,
    the extra MB one evaluation allocates (nnlearn, plain), the process's RSS before an nnlearn
    evaluation and its peak during it; a note gives the fitted exponent of time against m.
    """
    progress = progress or (lambda message: None)
    start = load_text("at start")
    progress("memory, one m at a time")
    memory_worker = start_workers({"memory": (SETUP + "scaling_memory",
                                              {"sizes": tuple(sizes), "n_features": n_features, "hidden": hidden})})
    try:
        memory = memory_worker["memory"].result("")
    finally:
        close_workers(memory_worker)
    progress(f"timing {len(sizes)} sizes in 3 child processes, interleaved, for about {budget * len(sizes):g} s")
    variants = ("nnlearn float64", "nnlearn float32", "plain")
    workers = start_workers({variant: (SETUP + "scaling_eval", {"variant": variant, "sizes": tuple(sizes),
                                                                "n_features": n_features, "hidden": hidden})
                             for variant in variants})
    try:
        timings = time_workers({(variant, m): (workers[variant], m) for variant in variants for m in sizes},
                               budget=budget * len(sizes), min_repeats=min_repeats,
                               max_repeats_of={("plain", m): min_repeats for m in sizes}, settle=0.05,
                               progress=progress)
    finally:
        close_workers(workers)
    table = Table(
        title=f"Scaling in m: {n_features}-{'-'.join(map(str, hidden))}-10 sigmoid network, synthetic data, alpha = 1",
        columns=["m", "nnlearn ms", "us/sample", "float32 ms", "plain ms", "data MB", "extra MB",
                 "plain extra MB", "RSS MB", "peak RSS MB"],
    )
    medians = []
    for m in sizes:
        t64, t32, t_plain = (1e3 * float(np.median(timings[variant, m].wall)) for variant in variants)
        table.rows.append([m, t64, 1e3 * t64 / m, t32, t_plain, *memory[m]])
        medians.append(t64)
    if len(sizes) >= 2:
        exponent = np.polyfit(np.log(sizes), np.log(medians), 1)[0]
        table.notes.append(f"nnlearn's time grows as m^{exponent:.2f} over m = {sizes[0]}..{sizes[-1]} (1.00 is linear).")
    table.notes.append(
        f"extra MB: the peak of the memory one evaluation allocates (tracemalloc), data excluded; nnlearn works in "
        f"blocks of at most {kernel.BLOCK_ROWS} rows (measured on one thread; each further thread holds one more "
        "block), the plain version on all m at once. RSS / peak RSS: the "
        "memory child's resident memory (this m's data included) before one nnlearn evaluation and at its peak during it."
    )
    _load_notes(table, start)
    return table


def tiny_table(steps=200, budget=10.0, min_repeats=5, progress=None):
    """Gradient steps of tiny networks: nnlearn's gd, sgd and adam against the planar exercise's own loop.

    The exercise's 2-4-1 tanh network on 800 spiral points, full batch (sgd: momentum 0.9, one
    batch of all rows); the exercise's steps as fast as NumPy calls make them (the floor); PyTorch with the same network and loss; and a playground session's step
    loop (2-8-8-1 tanh, 500 points, gd). Each candidate makes ``steps`` steps per call.

    Returns
    -------
    Table with columns candidate, method, us/step (wall), CPU us/step, x the exercise's loop, steps/s.
    """
    progress = progress or (lambda message: None)
    start = load_text("at start")
    variants = [("exercise", "gd"), ("floor", "gd"), ("nnlearn", "gd"), ("nnlearn", "sgd"), ("nnlearn", "adam")]
    if version_of("torch") is not None:
        variants += [("PyTorch", "gd"), ("PyTorch", "sgd"), ("PyTorch", "adam")]
    variants.append(("playground", "gd"))
    setups = {key: ("planar_steps", {"variant": key[0], "method": key[1], "steps": steps}, "") for key in variants}
    progress(f"starting {len(setups)} child processes, then timing them interleaved for about {budget:g} s")
    timings, _ = _measure(setups, progress, budget=budget, min_repeats=min_repeats)
    per_step = {key: 1e6 * float(np.median(t.wall)) / steps for key, t in timings.items()}
    reference = per_step["exercise", "gd"]
    labels = {"exercise": "the planar exercise's NumPy loop (2-4-1 tanh, 800 points)",
              "floor": "its steps with every array made once, nothing checked (NumPy's floor)",
              "nnlearn": "nnlearn.train", "PyTorch": "PyTorch, torch.optim",
              "playground": "playground session step loop (2-8-8-1 tanh, 500 points)"}
    table = Table(
        title=f"Tiny networks: one gradient step, full batch, {steps} steps per call (each candidate in its own process)",
        columns=["candidate", "method", "us/step", "CPU us/step", "x exercise", "steps/s"],
    )
    for key in variants:
        table.rows.append([
            f"{labels[key[0]]} ({timings[key].n}x)", key[1], per_step[key],
            1e6 * timings[key].cpu_per_call / steps,
            per_step[key] / reference if key[0] != "playground" else None, 1e6 / per_step[key],
        ])
    if version_of("torch") is None:
        _torch_missing(table)
    table.notes.append(
        f"Learning rates: gd {cand.PLANAR_RATES['gd']}, sgd {cand.PLANAR_RATES['sgd']} (momentum "
        f"{cand.PLANAR_MOMENTUM}), adam {cand.PLANAR_RATES['adam']}. A step computes the cost and the gradient at the "
        "current weights and updates them; nnlearn.train also checks its arguments and evaluates J(theta0) once per "
        "call. x exercise: wall time per step over the exercise's loop's (below 1 is faster)."
    )
    _load_notes(table, start)
    return table


def load_table(rows=None, max_iter=50, budget=10.0, min_repeats=5, fit_repeats=3, progress=None):
    """One digits evaluation and a 50-iteration fit, on a quiet machine and with 2 busy processes per core.

    The same child processes are timed twice: first as the machine is, then while
    ``2 * available_cores()`` processes of the benchmark's own keep every core busy
    (they end by themselves after a bounded time, and are ended as soon as the
    timing is done).

    Returns
    -------
    Table with columns candidate, threads, quiet ms, x 1 thread, loaded ms, x 1 thread (loaded).
    """
    progress = progress or (lambda message: None)
    start = load_text("at start")
    cores = threads.available_cores()
    evals = [("nnlearn float64", None), ("nnlearn float64", 1), ("nnlearn float64", "all"),
             ("floor float64", None), ("floor float64", 1)]
    fits = [("nnlearn float64", None), ("nnlearn float64", 1), ("nnlearn float64", "all")]
    setups = {("eval", *key): (SETUP + "digits_eval", {"variant": key[0], "threads": key[1], "rows": rows})
              for key in evals}
    setups.update({("fit", *key): (SETUP + "digits_fit", {"variant": key[0], "threads": key[1], "rows": rows,
                                                          "max_iter": max_iter}) for key in fits})
    progress(f"starting {len(setups)} child processes")
    workers = start_workers(setups)
    phases = {}
    try:
        for phase in ("quiet", "loaded"):
            with busy_processes(2 * cores if phase == "loaded" else 0, seconds=10 * budget + 60):
                progress(f"{phase}: timing evaluations for about {budget:g} s, then {fit_repeats} rounds of fits")
                timed = time_workers({key: (workers[key], "") for key in setups if key[0] == "eval"},
                                     budget=budget, min_repeats=min_repeats, progress=progress)
                timed.update(time_workers({key: (workers[key], "") for key in setups if key[0] == "fit"},
                                          budget=0.0, min_repeats=fit_repeats, max_repeats=fit_repeats, turn=0.0,
                                          progress=progress))
                phases[phase] = ({key: 1e3 * float(np.median(t.wall)) for key, t in timed.items()},
                                 load_text("during it"))
    finally:
        close_workers(workers)
    quiet, loaded = phases["quiet"][0], phases["loaded"][0]
    table = Table(
        title=f"Under load: the digits network, quiet and with {2 * cores} busy processes on {cores} cores",
        columns=["candidate", "threads", "quiet ms", "x 1 thread", "loaded ms", "x 1 thread (loaded)"],
    )
    for key in setups:
        kind, variant, threads_ = key
        one = (kind, variant, 1)
        what = (f"one evaluation, {variant}" if kind == "eval" else f"{max_iter}-iteration L-BFGS-B fit, {variant}")
        table.rows.append([what, _threads_label(threads_), quiet[key], quiet[key] / quiet[one], loaded[key],
                           loaded[key] / loaded[one]])
    table.notes.append(
        "threads: default = as users run it (nnlearn: chosen per evaluation; the floor: NumPy's BLAS with one "
        "thread per core); all = nnlearn forced onto every core. x 1 thread: wall time over the same candidate's at "
        "1 thread in the same phase (goals: at most 2 when loaded; the default at least 0.95x as fast as all when "
        f"quiet). Quiet phase {phases['quiet'][1].strip()}; loaded phase {phases['loaded'][1].strip()}."
    )
    _load_notes(table, start)
    return table


def fashion_table(seconds=60.0, epochs=20, systems=None, threads=None, figure=None, progress=None):
    """Time to 85 % test accuracy on Fashion-MNIST: nnlearn against PyTorch and scikit-learn (:mod:`.fashion`).

    The systems run one after the other, each in its own child process (the others
    are not started yet), with ``seconds`` of training at most.

    Parameters
    ----------
    seconds : float, the most training time of a system
    epochs : int, the most epochs of a system
    systems : sequence of str, keys of :data:`nnlearn.bench.fashion.RECIPES` (None: all whose library is installed)
    threads : None (as users run them: nnlearn chooses, PyTorch one thread per core, scikit-learn NumPy's
        default) or an int, every system on that many threads
    figure : path or None, where to save the curves (PNG)
    progress : callable, optional

    Returns
    -------
    Table with columns system, s to 85 %, epochs to 85 % (iterations for L-BFGS), best test acc %, trained s,
    x fastest peer; the recipes in the notes.
    """
    from . import fashion

    progress = progress or (lambda message: None)
    start = load_text("at start")
    available = {"PyTorch": version_of("torch") is not None, "scikit-learn adam": version_of("scikit-learn") is not None,
                 "scikit-learn lbfgs": version_of("scikit-learn") is not None}
    systems = [name for name in (systems or fashion.RECIPES) if available.get(name, True)]
    results = {}
    for name in systems:
        progress(f"{name}: training for at most {seconds:g} s")
        workers = start_workers({name: (SETUP.replace("candidates", "fashion") + "fashion_race",
                                        {"system": name, "seconds": seconds, "epochs": epochs,
                                         "threads": threads})})
        try:
            results[name] = workers[name].result("")
        finally:
            close_workers(workers)
    reached = {name: fashion.time_to(result["points"]) for name, result in results.items()}
    peers = [reached[name][0] for name in results if not name.startswith("nnlearn") and reached[name][0] is not None]
    fastest = min(peers) if peers else None
    table = Table(
        title=f"Fashion-MNIST, 784-100-10 (relu, softmax), float32: training time to {100 * fashion.TARGET:g} % "
        f"test accuracy ({'threads as users run them' if threads is None else f'{threads} thread(s)'}; each system "
        "in its own process, one after the other)",
        columns=["system", f"s to {100 * fashion.TARGET:g} %", "epochs", "best test acc %", "trained s",
                 "x fastest peer"],
    )
    for name, result in results.items():
        seconds_to, epochs_to = reached[name]
        table.rows.append([name, seconds_to, epochs_to, 100 * max(p[1] for p in result["points"]),
                           result["points"][-1][0],
                           None if seconds_to is None or fastest is None else seconds_to / fastest])
    table.notes.append(
        f"Time to {100 * fashion.TARGET:g} %: training time (the clock stops while the test accuracy is measured) "
        "interpolated between the measurements around the target, after every epoch (L-BFGS: every iteration; "
        "scikit-learn's lbfgs, which has no callback: fits anew with more iterations). epochs: epochs at the "
        "target (iterations for L-BFGS). x fastest peer: over the fastest of PyTorch and scikit-learn; below 1 "
        "nnlearn is ahead. L2: alpha / (2 m) sum W^2 on the weights, alpha = 1, m = 60,000, for every system."
    )
    table.notes += [f"{name}: {result['recipe']}." for name, result in results.items()]
    if figure is not None:
        fashion.plot_curves(results, figure)
        table.notes.append(f"Curves: {figure}.")
    _load_notes(table, start)
    return table
