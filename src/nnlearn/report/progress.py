"""Progress of the report: one bar per section (:func:`nnlearn.progress.bar`: a widget in Jupyter, else stderr)."""

from __future__ import annotations

import sys

from .settings import SECTION_TITLES


class Stages:
    """One tqdm bar per section; a section's bar stays open until its figures are drawn too."""

    def __init__(self, enabled):
        self.enabled = enabled
        self.n = len(SECTION_TITLES)
        self.current = None

    def bar(self, index, total=1, unit="step"):
        from ..progress import bar

        self.finish()
        title = SECTION_TITLES[index - 1].split(". ", 1)[1]
        self.current = bar(total, f"[{index}/{self.n}] {title}", unit=unit, enabled=self.enabled, file=sys.stderr,
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
