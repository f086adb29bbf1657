"""The progress bar of a sweep (:func:`nnlearn.progress.bar`): runs done / total and the best run so far."""

from __future__ import annotations

import numpy as np

from .results import cell, label

__all__ = ["Progress"]


class Progress:
    """Progress bar: done / total and the running best."""

    def __init__(self, total, initial, metric, varying, enabled):
        self.metric = metric
        self.varying = varying
        self.best = None
        self.bar = None
        if enabled:
            from ..progress import bar

            self.bar = bar(total, "sweep", unit="run", initial=initial)
            self._show()

    def consider(self, record):
        value = record.get(self.metric, float("nan"))
        if np.isfinite(value) and (self.best is None or value > self.best[self.metric]):
            self.best = record

    def _show(self):
        if self.bar is None or self.best is None:
            return
        where = " ".join(f"{label(p)}={cell(p, self.best[p])}" for p in self.varying)
        which = "held-out" if self.metric.startswith("test_") else "train"
        value = self.best[self.metric]
        score = f"R^2 {value:.4f}" if self.metric.endswith("r2") else f"{100 * value:.2f}%"
        self.bar.set_postfix_str(f"best {which} {score} {where}".rstrip())

    def update(self, record):
        self.consider(record)
        if self.bar is not None:
            self._show()
            self.bar.update(1)

    def close(self):
        if self.bar is not None:
            self.bar.close()
