"""What a sweep returns: :class:`SweepResults`, and records as a plain-text table (:func:`format_table`)."""

from __future__ import annotations

import json

import numpy as np

from ..text import format_number
from .grid import PARAM_NAMES

__all__ = ["SweepResults", "format_table", "label", "cell"]


class SweepResults(list):
    """The records of a sweep (a list of dicts, in grid order) and what the sweep did.

    Attributes
    ----------
    varying : list of str
        Parameters that take more than one value in the grid.
    metric : str
        ``"test_accuracy"`` when a held-out set exists, else ``"train_accuracy"``.
    results_path : pathlib.Path or None
    n_run, n_resumed, n_failed : int
        Runs done by this call, runs taken from the results file, failed runs.
    seconds : float
        Wall time of the call.
    """

    def __init__(self, records, varying, metric, results_path, n_run, n_resumed, seconds):
        super().__init__(records)
        self.varying = list(varying)
        self.metric = metric
        self.results_path = results_path
        self.n_run = n_run
        self.n_resumed = n_resumed
        self.n_failed = sum(1 for r in records if r.get("error"))
        self.seconds = seconds

    def best(self, metric=None):
        """The record with the highest ``metric`` (default :attr:`metric`); None if every run failed."""
        metric = metric or self.metric
        scored = [r for r in self if np.isfinite(r.get(metric, np.nan))]
        return max(scored, key=lambda r: r[metric]) if scored else None

    def describe(self, record):
        """The varying parameters of ``record`` as text, e.g. ``"alpha 1, max_iter 50"``."""
        return ", ".join(f"{label(p)} {cell(p, record[p])}" for p in self.varying)

    def table(self):
        """A plain-text table of the runs: see :func:`format_table`."""
        return format_table(self, columns=self.varying)


def label(name):
    """The short column name of a parameter (``hidden`` for ``hidden_layer_sizes``, ``seed`` for ``random_state``)."""
    return {"hidden_layer_sizes": "hidden", "random_state": "seed", "max_iter": "max_iter"}.get(name, name)


def cell(name, value):
    """A parameter value as table text (``"64-32"`` for hidden layers, ``%g`` for floats)."""
    if name == "hidden_layer_sizes" and isinstance(value, list):
        return "-".join(map(str, value)) or "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def format_table(records, columns=None):
    """A plain-text table of sweep records, one row per run.

    Parameters
    ----------
    records : sequence of dict
        Records returned by :func:`run` or read by :func:`load_results`.
    columns : list of str, optional
        Parameter columns; default ``alpha``, ``max_iter`` and every parameter
        whose value differs between records.

    Returns
    -------
    text : str
        Parameter columns, then train accuracy (%), held-out accuracy (%) when
        any record has one, final cost, iterations and seconds; a failed run
        shows its error instead of metrics.
    """
    records = list(records)
    if columns is None:
        columns = [p for p in PARAM_NAMES if p in ("alpha", "max_iter") or len({json.dumps(r.get(p)) for r in records}) > 1]
    for must in ("max_iter", "alpha"):
        if must not in columns:
            columns = [must, *columns]
    held_out = any("test_accuracy" in r for r in records)
    header = [label(c) for c in columns] + ["train %"] + (["held-out %"] if held_out else []) + ["cost", "iters", "seconds"]
    rows, notes = [], []
    for r in records:
        row = [cell(c, r.get(c)) for c in columns]
        if r.get("error"):  # no metrics: the error takes their place, outside the aligned columns
            notes.append("failed: " + str(r["error"]).splitlines()[0][:80])
        else:
            notes.append(None)
            row += [f"{100 * r['train_accuracy']:.2f}"]
            if held_out:
                row += [f"{100 * r['test_accuracy']:.2f}" if "test_accuracy" in r else "-"]
            row += [format_number(r["final_cost"], 4), str(r.get("n_iter", "-")), f"{r['seconds']:.2f}"]
        rows.append(row)
    widths = [max([len(h)] + [len(row[i]) for row in rows if i < len(row)]) for i, h in enumerate(header)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths))]
    for row, note in zip(rows, notes):
        cells = [c.rjust(w) for c, w in zip(row, widths)]
        lines.append("  ".join(cells + ([note] if note else [])))
    return "\n".join(lines)
