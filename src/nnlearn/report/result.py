"""What :func:`~nnlearn.report.build_report` returns: the page's path, which shows the page in Jupyter."""

from __future__ import annotations

from html import escape
from pathlib import Path

__all__ = ["ReportPath"]

# The height of the inline view; the page scrolls inside it.
IFRAME_HEIGHT = 640


class ReportPath(type(Path())):
    """The path of a written report: a :class:`pathlib.Path` that Jupyter shows as the page itself.

    Everything a Path does works (``open``, ``read_text``, ``resolve().as_uri()``,
    ``os.fspath``); as the last expression of a notebook cell it renders the
    page inline, in an ``<iframe>`` whose ``srcdoc`` is the page (self-contained:
    its figures are embedded PNGs, it has no script and fetches nothing). The
    file is read when the cell is displayed, so the view is the page on disk;
    a path that is no readable text file (a derived ``path.parent``, a deleted
    page) shows as its text repr.
    """

    def _repr_html_(self):
        try:
            page = self.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):  # moved or deleted since, or a path derived from it (its parent)
            return None  # Jupyter shows the text repr instead
        return (f'<iframe srcdoc="{escape(page, quote=True)}" title="nnlearn report {escape(str(self))}" '
                f'sandbox="" style="width: 100%; height: {IFRAME_HEIGHT}px; border: 1px solid #ccc"></iframe>')
