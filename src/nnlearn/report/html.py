"""The page's HTML pieces: paragraphs, tables, number lists and figures as PNG data URIs.

Every piece of text goes through :func:`html.escape`.
"""

from __future__ import annotations

import base64
import io
from html import escape


def escaped(value):
    return escape(str(value), quote=True)


def p(text):
    return f"<p>{escaped(text)}</p>"


def p_class(text, css_class):
    return f'<p class="{escaped(css_class)}">{escaped(text)}</p>'


def pct(fraction):
    return f"{100 * fraction:.2f}%"


def table(header, rows, caption=None, numeric_from=1):
    """An HTML table; cells from column ``numeric_from`` on are right-aligned."""
    out = ["<table>"]
    if caption:
        out.append(f"<caption>{escaped(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{escaped(h)}</th>" for h in header) + "</tr></thead><tbody>")
    for row in rows:
        cells = []
        for j, cell in enumerate(row):
            tag = "th" if j == 0 else "td"
            cls = ' class="num"' if j >= numeric_from else ""
            cells.append(f"<{tag}{cls}>{escaped(cell)}</{tag}>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def number_list(pairs):
    """A definition list of (name, value, explanation) rows."""
    out = ['<dl class="numbers">']
    for name, value, note in pairs:
        out.append(f"<dt>{escaped(name)}</dt><dd><b>{escaped(value)}</b>")
        if note:
            out.append(f' <span class="note">{escaped(note)}</span>')
        out.append("</dd>")
    out.append("</dl>")
    return "".join(out)


def _png(fig, dpi=90):
    """The figure as base64 PNG text."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def figure(fig, alt, caption, css_class="", dpi=90):
    cls = f' class="{escaped(css_class)}"' if css_class else ""
    return (
        f"<figure{cls}><img src=\"data:image/png;base64,{_png(fig, dpi)}\" alt=\"{escaped(alt)}\">"
        f"<figcaption>{escaped(caption)}</figcaption></figure>"
    )
