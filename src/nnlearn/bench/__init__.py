r"""``nnlearn bench``: how fast nnlearn is, next to the planar exercise's loop, PyTorch, scikit-learn and the floor.

Tables (``TABLES``; ``DEFAULT_TABLES`` run by default):

1. ``eval``: **one cost-and-gradient evaluation** of the course's 400-25-10
   sigmoid network on the 5000 bundled digits (alpha 1): nnlearn's kernel in
   float64 and float32, the plain textbook vectorized version, the course's
   per-example loop, PyTorch autograd (float64 and float32) and the *floor*,
   the two products with X that any backpropagation must do (``X @ W1.T`` and
   ``delta2.T @ X``); as users run them and all on one thread.
2. ``fit``: **whole fits**, 50 iterations of L-BFGS-B at alpha 1 on the digits,
   nnlearn's :class:`~nnlearn.MLPClassifier` against scikit-learn's
   ``MLPClassifier(solver="lbfgs", activation="logistic")``.
3. ``scaling``: time per evaluation and extra memory against the number of
   samples m (784 inputs, synthetic MNIST-sized data).
4. ``tiny``: **gradient steps of tiny networks**: nnlearn's gd, sgd and Adam on
   the planar exercise's 2-4-1 tanh network against the exercise's own NumPy
   loop and PyTorch, and a playground session's step loop.
5. ``load``: one evaluation and a 50-iteration fit on a quiet machine and with
   two busy processes per core (started and ended by the benchmark).
6. ``fashion`` (not run by default; minutes): training time to 85 % test
   accuracy on Fashion-MNIST, nnlearn against PyTorch and scikit-learn, with
   threads as users run them and then on one thread each, and the curves as a
   figure (:mod:`nnlearn.bench.fashion`).

Every candidate runs in a child process of its own (:mod:`nnlearn.bench.workers`):
the parent interleaves their turns in rounds of rotating order and collects
medians of wall time and of CPU time. PyTorch and scikit-learn are optional: a
missing one is reported and the rest is measured. Every function here returns
data; :func:`format_table` renders it and ``nnlearn bench`` (``nnlearn.cli``)
prints it.
"""

from __future__ import annotations

from .. import _validation as v
from .measure import (
    Table,
    format_table,
    load_line,
    load_text,
    machine_info,
    parallel_speedup,
    peak_extra_bytes,
    rss_during,
    time_interleaved,
)
from .tables import eval_table, fashion_table, fit_table, load_table, scaling_table, tiny_table
from .torch_models import TORCH_HINT, torch_cost_and_gradient
from .workers import WARM_UP, Timings, Worker, time_workers

__all__ = [
    "Table",
    "Timings",
    "WARM_UP",
    "Worker",
    "time_workers",
    "time_interleaved",
    "peak_extra_bytes",
    "rss_during",
    "parallel_speedup",
    "torch_cost_and_gradient",
    "machine_info",
    "load_line",
    "load_text",
    "eval_table",
    "fit_table",
    "scaling_table",
    "tiny_table",
    "load_table",
    "fashion_table",
    "run",
    "format_table",
    "TABLES",
    "DEFAULT_TABLES",
    "FULL",
    "QUICK",
    "TORCH_HINT",
]

TABLES = ("eval", "fit", "scaling", "tiny", "load", "fashion")
DEFAULT_TABLES = ("eval", "fit", "scaling", "tiny", "load")
# Settings of a full run and of --quick (a smoke test: its figures are not for comparison).
# digits_rows None is all 5000 digits.
FULL = {"digits_rows": None, "eval_budget": 30.0, "eval_min_repeats": 15, "loop_repeats": 3, "fit_max_iter": 50,
        "fit_repeats": 3, "scaling_sizes": (1000, 2000, 5000, 10000, 20000, 60000), "scaling_budget": 2.0,
        "tiny_steps": 200, "tiny_budget": 15.0, "load_budget": 10.0, "load_fit_repeats": 3, "fashion_seconds": 60.0,
        "fashion_epochs": 20}
QUICK = {"digits_rows": None, "eval_budget": 2.0, "eval_min_repeats": 3, "loop_repeats": 1, "fit_max_iter": 5,
         "fit_repeats": 1, "scaling_sizes": (1000, 2000, 4000), "scaling_budget": 0.2, "tiny_steps": 50,
         "tiny_budget": 1.0, "load_budget": 1.0, "load_fit_repeats": 1, "fashion_seconds": 2.0,
         "fashion_epochs": 1}


def run(tables=DEFAULT_TABLES, quick=False, progress=None, figure=None):
    """Run the benchmark: a list of the :class:`Table` s named in ``tables``.

    ``quick=True`` is a smoke test of a few seconds per table (fewer repeats,
    fewer iterations, smaller m); its figures are not for comparison.
    ``figure``: where the ``fashion`` table saves its curves (a PNG), or None.
    """
    tables = [v.Option(TABLES).check(name, "tables", "bench.run") for name in tables]
    progress = progress or (lambda message: None)
    s = QUICK if quick else FULL
    result = []
    for name in tables:
        progress(name)
        if name == "eval":
            result.append(eval_table(rows=s["digits_rows"], budget=s["eval_budget"], min_repeats=s["eval_min_repeats"],
                                     loop_repeats=s["loop_repeats"], progress=progress))
        elif name == "fit":
            result.append(fit_table(rows=s["digits_rows"], max_iter=s["fit_max_iter"], repeats=s["fit_repeats"],
                                    progress=progress))
        elif name == "scaling":
            result.append(scaling_table(sizes=s["scaling_sizes"], budget=s["scaling_budget"], progress=progress))
        elif name == "tiny":
            result.append(tiny_table(steps=s["tiny_steps"], budget=s["tiny_budget"], progress=progress))
        elif name == "load":
            result.append(load_table(rows=s["digits_rows"], max_iter=s["fit_max_iter"], budget=s["load_budget"],
                                     fit_repeats=s["load_fit_repeats"], progress=progress))
        elif name == "fashion":  # as users run them, then every system on one thread (the robust comparison)
            for threads in (None, 1):
                result.append(fashion_table(seconds=s["fashion_seconds"], epochs=s["fashion_epochs"], threads=threads,
                                            figure=figure if threads is None else None, progress=progress))
    return result
