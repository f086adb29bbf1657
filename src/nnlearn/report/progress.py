"""Progress of the report: one bar per section (:func:`nnlearn.progress.bar`: a widget in Jupyter, else stderr)."""

from __future__ import annotations

import sys


class Stages:
    """One tqdm bar per section, ``[i/n] title``; a section's bar stays open until its figures are drawn too.

    The report calls :meth:`begin` before each section; the section's builder
    then opens its bar with :meth:`bar`.
    """

    def __init__(self, enabled, titles):
        self.enabled = enabled
        self.titles = list(titles)  # "1. The data", ...
        self.n = len(self.titles)
        self.index = 1
        self.current = None

    def begin(self, index):
        """Section ``index`` (from 1) starts: the next :meth:`bar` is its bar."""
        self.finish()
        self.index = index

    def bar(self, total=1, unit="step"):
        from ..progress import bar

        self.finish()
        title = self.titles[self.index - 1].split(". ", 1)[1]
        self.current = bar(total, f"[{self.index}/{self.n}] {title}", unit=unit, enabled=self.enabled, file=sys.stderr,
                           leave=True)
        return _OpenBar(self.current)

    def finish(self):
        if self.current is not None:
            self.current.close()
            self.current = None


class _OpenBar:
    """A tqdm bar as a context manager that leaves the bar open (``Stages.finish`` closes it)."""

    def __init__(self, bar):
        self._bar = bar

    def __enter__(self):
        return self._bar

    def __exit__(self, *exc):
        return False
