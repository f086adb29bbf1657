"""How nnlearn's results show themselves: figures in Jupyter, HTML summaries, sparklines.

Jupyter shows the last expression of a cell through the object's ``_repr_*_``
methods (IPython's rich display protocol). nnlearn's figures never touch
pyplot (no global state, no GUI backend, nothing to close), so IPython has no
formatter for them; :class:`FigureDisplay` is what every
:mod:`nnlearn.plots` function returns instead of a bare Figure: it keeps the
figure and its axes as ``figure_`` and ``ax_`` (scikit-learn's Display
convention) and renders a PNG for ``_repr_png_``, so a cell ending in a plot
call, or ``display(result)``, shows the picture with no ``%matplotlib`` magic.

The helpers below build the small, self-contained HTML of the results'
``_repr_html_`` (:class:`~nnlearn.TrainResult`, :class:`~nnlearn.GradientCheck`,
:class:`~nnlearn.sweep.SweepResults`, :class:`~nnlearn.Network`): escaped text,
plain tables and inline SVG, no script and nothing fetched. Every text goes
through :func:`html.escape`.
"""

from __future__ import annotations

import io
import math
from html import escape

import numpy as np

__all__ = [
    "FigureDisplay",
    "managed_by_pyplot",
    "sparkline_svg",
    "network_svg",
    "html_table",
    "summary_html",
    "seconds",
]

# The box every HTML summary sits in: a readable width, the notebook's own font.
_BOX = ('<div class="nnlearn-repr" style="font-family: var(--jp-ui-font-family, sans-serif); '
        'font-size: 13px; line-height: 1.4; max-width: 46em">')
_CELL = "padding: 1px 8px; text-align: {align}; border: none"


def managed_by_pyplot(figure):
    """True when pyplot manages ``figure`` (it came from ``plt.subplots``/``plt.figure``).

    Such a figure is shown by pyplot's backend (Jupyter's inline backend shows it
    at the end of the cell), so a :class:`FigureDisplay` of it does not render a
    second copy.
    """
    return getattr(figure.canvas, "manager", None) is not None


class FigureDisplay:
    """A drawn figure that shows itself in Jupyter.

    Attributes
    ----------
    figure_ : matplotlib.figure.Figure
        The figure drawn on.
    ax_ : matplotlib.axes.Axes
        The axes drawn on (the one given as ``ax=``, or the new figure's only axes).

    Notes
    -----
    In Jupyter the object renders as a PNG (``_repr_png_``), unless pyplot
    manages its figure (you passed ``ax=`` from ``plt.subplots()``): then
    pyplot's inline backend shows the figure itself and the object stays text,
    so the picture appears once. Outside Jupyter nothing is shown and no window
    opens; :meth:`savefig` writes the figure to a file.
    """

    figure_ = None
    ax_ = None

    def _set_axes(self, figure, ax):
        self.figure_, self.ax_ = figure, ax
        return self

    def savefig(self, fname, **kwargs):
        """``self.figure_.savefig(fname, **kwargs)``: write the figure to a file or a binary stream."""
        self.figure_.savefig(fname, **kwargs)

    @property
    def axes(self):
        """``self.figure_.axes``: every axes of the figure (code written for a returned Figure keeps working)."""
        return self.figure_.axes

    def to_png(self, dpi=None):
        """The figure as PNG bytes (cropped to its content, as Jupyter's inline backend does)."""
        buffer = io.BytesIO()
        self.figure_.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
        return buffer.getvalue()

    def _repr_png_(self):
        if self.figure_ is None or managed_by_pyplot(self.figure_):
            return None
        return self.to_png()

    def _describe(self):
        """What the figure shows, in a few words (for the text repr)."""
        return ""

    def __repr__(self):
        what = self._describe()
        return f"<{type(self).__name__}{': ' + what if what else ''}>"


# -- HTML pieces ----------------------------------------------------------------


def sparkline_svg(values, width=160, height=36, title="cost per iteration"):
    """A small line chart of ``values`` as inline SVG (no axes, no labels).

    Parameters
    ----------
    values : sequence of float of length n >= 1
        The points, drawn left to right; non-finite values are skipped.
    width, height : int
        Size in pixels.
    title : str
        Tooltip and accessible name of the chart.

    Returns
    -------
    svg : str
        An ``<svg>`` element with one ``<polyline>`` of at most ``2 * width``
        points (longer histories are sampled evenly, always keeping the first
        and last point).
    """
    values = np.asarray(values, dtype=np.float64).ravel()
    index = np.arange(values.size)
    finite = np.isfinite(values)
    values, index = values[finite], index[finite]
    pad = 2.0
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
            f"<title>{escape(title)}</title>")
    if values.size == 0:
        return head + "</svg>"
    if values.size > 2 * width:  # enough points for the pixels
        keep = np.unique(np.linspace(0, values.size - 1, 2 * width).round().astype(int))
        values, index = values[keep], index[keep]
    lo, hi = values.min(), values.max()
    span_x = max(index[-1] - index[0], 1)
    x = pad + (index - index[0]) / span_x * (width - 2 * pad)
    y = np.full(values.shape, height / 2.0) if hi == lo else pad + (hi - values) / (hi - lo) * (height - 2 * pad)
    points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y))
    end = (f'<circle cx="{x[-1]:.1f}" cy="{y[-1]:.1f}" r="2" fill="#1f77b4"/>')
    return (head + f'<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="{points}"/>' + end
            + "</svg>")


def network_svg(layer_sizes, width_per_layer=70, height=110, shown=6):
    """A small diagram of a network: one column of units per layer, lines between.

    At most ``shown`` units are drawn per layer (a "⋮" stands for the others);
    each column is labelled with its number of units.
    """
    L = len(layer_sizes)
    width = width_per_layer * L
    top, bottom = 8.0, height - 22.0
    columns = []
    for l, s in enumerate(layer_sizes):
        k = min(s, shown)
        ys = [top + (bottom - top) * (i + 0.5) / k for i in range(k)]
        columns.append((width_per_layer * (l + 0.5), ys, s > shown))

    def units(ys, more):
        """The drawn units' heights: all but the one a "⋮" replaces."""
        return [yy for i, yy in enumerate(ys) if not (more and i == len(ys) - 2)]

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="network {"-".join(map(str, layer_sizes))}">']
    for (x0, ys0, more0), (x1, ys1, more1) in zip(columns[:-1], columns[1:]):
        for a in units(ys0, more0):
            for b in units(ys1, more1):
                out.append(f'<line x1="{x0:.1f}" y1="{a:.1f}" x2="{x1:.1f}" y2="{b:.1f}" stroke="#bbb" '
                           'stroke-width="0.6"/>')
    for l, (x, ys, more) in enumerate(columns):
        color = "#888" if l == 0 else ("#ff7f0e" if l == L - 1 else "#1f77b4")
        for i, yy in enumerate(ys):
            if more and i == len(ys) - 2:
                out.append(f'<text x="{x:.1f}" y="{yy + 4:.1f}" text-anchor="middle" font-size="12">⋮</text>')
                continue
            out.append(f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="5" fill="{color}" stroke="#333" stroke-width="0.6"/>')
        out.append(f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" font-size="11">'
                   f"{layer_sizes[l]}</text>")
    out.append("</svg>")
    return "".join(out)


def html_table(header, rows, numeric_from=1, bold_row=None):
    """A plain HTML table: ``header`` (list of str), ``rows`` (lists of cells), every cell escaped.

    Cells from column ``numeric_from`` on are right-aligned; row ``bold_row`` (an index) is bold.
    """
    def cell(tag, text, j, bold=False):
        align = "right" if j >= numeric_from else "left"
        weight = "; font-weight: bold" if bold else ""
        return f'<{tag} style="{_CELL.format(align=align)}{weight}">{escape(str(text))}</{tag}>'

    out = ['<table style="border-collapse: collapse; margin: 4px 0">', "<thead><tr>"]
    out += [cell("th", h, j) for j, h in enumerate(header)]
    out.append("</tr></thead><tbody>")
    for i, row in enumerate(rows):
        out.append("<tr>" + "".join(cell("td", c, j, bold=i == bold_row) for j, c in enumerate(row)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def summary_html(title, pairs, extra="", badge=None):
    """The box of a result's ``_repr_html_``.

    Parameters
    ----------
    title : str
        The heading (the class name).
    pairs : list of (str, str)
        Name and value rows of a small two-column table; both escaped.
    extra : str
        Trusted HTML appended below the table (a table or an SVG built here).
    badge : (str, bool) or None
        A short verdict shown after the title, green when True, red when False.
    """
    head = f"<b>{escape(title)}</b>"
    if badge is not None:
        text, good = badge
        color = "#2e7d32" if good else "#c62828"
        head += (f' <span style="color: white; background: {color}; border-radius: 3px; padding: 0 5px">'
                 f"{escape(text)}</span>")
    rows = "".join(
        f'<tr><th style="{_CELL.format(align="left")}; font-weight: normal; color: #555">{escape(name)}</th>'
        f'<td style="{_CELL.format(align="left")}">{escape(value)}</td></tr>'
        for name, value in pairs
    )
    return f'{_BOX}{head}<table style="border-collapse: collapse; margin: 4px 0">{rows}</table>{extra}</div>'


def seconds(elapsed):
    """Wall time as text: ``"0.42 s"``, ``"3.1 s"``, ``"2 min 5 s"``."""
    if not math.isfinite(elapsed):
        return str(elapsed)
    if elapsed < 10:
        return f"{elapsed:.2f} s"
    if elapsed < 120:
        return f"{elapsed:.1f} s"
    minutes, rest = divmod(int(round(elapsed)), 60)
    return f"{minutes} min {rest} s"
