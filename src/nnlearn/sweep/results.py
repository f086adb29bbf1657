"""What a sweep returns: :class:`SweepResults` (a list of records that displays itself), and records as a plain-text table (:func:`format_table`)."""

from __future__ import annotations

import json

import numpy as np

from ..text import format_number
from .grid import PARAM_NAMES

__all__ = ["SweepResults", "format_table", "table_rows", "label", "cell"]


class SweepResults(list):
    """The records of a sweep (a list of dicts, in grid order) and what the sweep did.

    Attributes
    ----------
    varying : list of str
        Parameters that take more than one value in the grid.
    metric : str
        ``"test_accuracy"`` when a held-out set exists, else ``"train_accuracy"``
        (``"test_r2"``, ``"train_r2"`` for regression).
    task : str
        ``"classification"`` or ``"regression"``.
    results_path : pathlib.Path or None
    n_run, n_resumed, n_failed : int
        Runs done by this call, runs taken from the results file, failed runs.
    seconds : float
        Wall time of the call.
    """

    def __init__(self, records, varying, metric, results_path, n_run, n_resumed, seconds, task="classification"):
        super().__init__(records)
        self.varying = list(varying)
        self.metric = metric
        self.task = task
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

    def to_pandas(self):
        """The records as a :class:`pandas.DataFrame`, one row per run, in grid order.

        Every field of the records except the weight matrices (``thetas``,
        which stay in the records); ``hidden_layer_sizes`` becomes a tuple so
        the column can be grouped on.

        Raises
        ------
        ImportError
            If pandas is not installed (``pip install pandas``).
        """
        try:
            import pandas
        except ImportError as err:
            raise ImportError("SweepResults.to_pandas needs pandas, which is not installed: pip install pandas. "
                              "The records are plain dicts (list(results)) without it.") from err
        rows = [{key: tuple(value) if key == "hidden_layer_sizes" and isinstance(value, list) else value
                 for key, value in record.items() if key != "thetas"} for record in self]
        return pandas.DataFrame(rows)

    # -- display: a short repr (never the records), print() the table, an HTML table in Jupyter --

    def _best_text(self):
        best = self.best()
        if best is None:
            return "no successful run"
        which = "held-out" if self.metric == "test_accuracy" else "train"
        return f"best {which} accuracy {100 * best[self.metric]:.2f}% at {self.describe(best) or 'the only run'}"

    def __repr__(self):
        over = " x ".join(label(p) for p in self.varying) or "one combination"
        failed = f", {self.n_failed} failed" if self.n_failed else ""
        return f"<SweepResults: {len(self)} runs over {over}{failed}; {self._best_text()}>"

    def __str__(self):
        return f"{self.table()}\n{self._best_text()}" if len(self) else "SweepResults: no runs"

    def _repr_html_(self):
        from ..display import html_table, seconds, summary_html

        header, rows, notes = table_rows(self, columns=self.varying)
        best = self.best()
        best_row = next((i for i, r in enumerate(self) if r is best), None)
        rows = [row + ([note] if note else []) for row, note in zip(rows, notes)]
        width = max(len(header), *(len(row) for row in rows)) if rows else len(header)
        rows = [row + [""] * (width - len(row)) for row in rows]
        header = header + [""] * (width - len(header))
        pairs = [
            ("runs", f"{len(self)}: {self.n_run} run now, {self.n_resumed} resumed, {self.n_failed} failed"),
            ("varying", ", ".join(label(p) for p in self.varying) or "-"),
            ("best", self._best_text().removeprefix("best ")),
            ("time", seconds(self.seconds)),
        ]
        return summary_html("SweepResults", pairs, extra=html_table(header, rows, numeric_from=0, bold_row=best_row))


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


def table_rows(records, columns=None):
    """The cells of :func:`format_table`: ``(header, rows, notes)``, all text.

    ``rows[i]`` holds the parameter cells of run i, then its metrics (none for
    a failed run); ``notes[i]`` is ``"failed: <error>"`` for a failed run, else None.
    Regression records (``task`` ``"regression"``) have R^2 and RMSE cells instead of the accuracies.
    """
    records = list(records)
    if columns is None:
        columns = [p for p in PARAM_NAMES if p in ("alpha", "max_iter") or len({json.dumps(r.get(p)) for r in records}) > 1]
    for must in ("max_iter", "alpha"):
        if must not in columns:
            columns = [must, *columns]
    regression = any(r.get("task") == "regression" for r in records)
    test_key = "test_r2" if regression else "test_accuracy"
    held_out = any(test_key in r for r in records)
    if regression:
        scores = [("train R^2", "train_r2")] + ([("held-out R^2", "test_r2"), ("held-out RMSE", "test_rmse")]
                                              if held_out else [("train RMSE", "train_rmse")])
    else:
        scores = [("train %", "train_accuracy")] + ([("held-out %", "test_accuracy")] if held_out else [])
    header = [label(c) for c in columns] + [name for name, _ in scores] + ["cost", "iters", "seconds"]
    rows, notes = [], []
    for r in records:
        row = [cell(c, r.get(c)) for c in columns]
        if r.get("error"):  # no metrics: the error takes their place, outside the aligned columns
            notes.append("failed: " + str(r["error"]).splitlines()[0][:80])
        else:
            notes.append(None)
            for _, key in scores:
                row.append(_score_cell(key, r[key]) if key in r else "-")
            row += [format_number(r["final_cost"], 4), str(r.get("n_iter", "-")), f"{r['seconds']:.2f}"]
        rows.append(row)
    return header, rows, notes


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
        shows its error instead of metrics. Regression records (``task``
        ``"regression"``) show train R^2 and, with a held-out set, held-out
        R^2 and RMSE (else train RMSE) instead of the accuracies.
    """
    header, rows, notes = table_rows(records, columns)
    widths = [max([len(h)] + [len(row[i]) for row in rows if i < len(row)]) for i, h in enumerate(header)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths))]
    for row, note in zip(rows, notes):
        cells = [c.rjust(w) for c, w in zip(row, widths)]
        lines.append("  ".join(cells + ([note] if note else [])))
    return "\n".join(lines)


def _score_cell(key, value):
    """A score as table text: accuracies in percent, R^2 to 4 decimals, RMSE to 4 significant digits."""
    if key.endswith("accuracy"):
        return f"{100 * value:.2f}"
    return format_number(value, 4) if key.endswith("r2") else f"{value:.4g}"  # R^2 can be -1e100
