"""The page: its style sheet, the summary, the table of contents, the sections in order and the footer.

The result is one self-contained HTML file: every figure is an embedded PNG,
there is no script and nothing is fetched from the network.
"""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass, field

import numpy as np

from .html import escaped, p, p_class, pct, table
from .settings import GRADCHECK_THRESHOLD, PLANAR_COMPARE_HIDDEN


@dataclass
class Section:
    title: str
    parts: list = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def anchor(self):
        return "s" + self.title.split(".")[0]


_CSS = """
body { font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; line-height: 1.5;
       max-width: 62rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; color: #222; background: #fff; }
h1 { margin-bottom: 0.2rem; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; margin-top: 2.5rem; }
nav ol { columns: 2; } .sub { color: #666; margin-top: 0; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figure.half { display: inline-block; max-width: 48%; vertical-align: top; margin-right: 1%; }
figcaption { font-size: 0.9rem; color: #555; }
.row { display: flex; flex-wrap: wrap; gap: 1rem; } .row figure.half { flex: 1 1 22rem; max-width: none; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.92rem; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
thead th { background: #f4f4f4; }
dl.numbers { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 1rem; }
dl.numbers dt { font-weight: bold; } dl.numbers dd { margin: 0; } .note { color: #555; }
.summary { background: #f6f8fa; border: 1px solid #e1e4e8; padding: 0.5rem 1rem; border-radius: 6px; }
footer { margin-top: 3rem; font-size: 0.85rem; color: #666; } code { background: #f4f4f4; padding: 0 0.2rem; }
"""


def command_line(data, weights, hidden, alpha, max_iter, solver, quick, seed, task=None, data_options=None):
    """The ``nnlearn report`` command that makes the report again."""
    from ..cli_data import FLAG_NAMES

    parts = ["nnlearn report", f"--data {shlex.quote(os.fspath(data))}"]
    for name, value in {**(data_options or {}), "task": task}.items():
        if value is None:
            continue
        if isinstance(value, bool):
            parts.append(FLAG_NAMES[name] if value else f"--no-{FLAG_NAMES[name][2:]}")
        else:
            parts.append(f"{FLAG_NAMES[name]} {shlex.quote(str(value))}")
    if weights is not None:
        parts.append(f"--weights {shlex.quote(os.fspath(weights))}")
    parts += [f"--hidden {' '.join(map(str, hidden))}", f"--alpha {alpha:g}", f"--max-iter {max_iter}",
              f"--solver {solver}", f"--seed {seed}"]
    if quick:
        parts.append("--quick")
    return " ".join(parts)


def render(sections, ctx, command, started, total):
    from .. import __version__

    s = ctx.summary
    if ctx.regression:
        scores = (f"training R² {s['train_accuracy'][0]:.4f}, held-out R² {s['test_accuracy'][0]:.4f} "
                  f"(RMSE {s['test_accuracy'][1]:.4g})")
    else:
        scores = f"training accuracy {pct(s['train_accuracy'])}, held-out accuracy {pct(s['test_accuracy'])}"
    summary_items = [
        f"Network {'-'.join(map(str, ctx.net.layer_sizes))} ({ctx.net.n_params} parameters) trained with {ctx.solver}, "
        f"λ = {ctx.alpha:g}, {ctx.result.n_iter} iterations in {s['train_time']:.1f} s: {scores}.",
        f"Gradient check: relative difference {s['gradient check']:.1e} "
        f"({'below' if s['gradient check'] < GRADCHECK_THRESHOLD else 'NOT below'} 1e-9).",
    ]
    if "planar" in s:
        summary_items.append(
            f"{'Spiral arms' if ctx.course else 'Points in the plane'}: logistic regression {pct(s['planar'][0])}, "
            f"tanh network with {PLANAR_COMPARE_HIDDEN} hidden units {pct(s['planar'][1])} (training accuracy).")
    if "pretrained accuracy" in s:
        summary_items.insert(1, f"The course's pretrained weights: accuracy {pct(s['pretrained accuracy'])} on all {len(ctx.y)} samples.")
    quoted = ("the only numbers not computed here are the course's reference costs quoted in section 3."
              if ctx.course else "nothing is quoted from elsewhere.")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>nnlearn report: neural networks learning</title>",
        f"<style>{_CSS}</style></head><body>",
        "<header><h1>Neural networks learning: the report</h1>",
        p_class(f"Made by nnlearn {__version__} on {started:%Y-%m-%d %H:%M} in {total:.1f} s.", "sub"),
        '<div class="summary"><ul>' + "".join(f"<li>{escaped(item)}</li>" for item in summary_items) + "</ul></div>",
        '<nav><ol>' + "".join(f'<li><a href="#{sec.anchor}">{escaped(sec.title.split(". ", 1)[1])}</a></li>' for sec in sections) + "</ol></nav>",
        "</header><main>",
    ]
    for sec in sections:
        out.append(f'<section id="{sec.anchor}"><h2>{escaped(sec.title)}</h2>')
        out.extend(part for part in sec.parts if part)
        out.append("</section>")
    timing_rows = [(sec.title, f"{sec.elapsed:.2f}") for sec in sections] + [("total", f"{total:.2f}")]
    out += [
        "</main><footer>",
        p("To make this report again:"),
        f"<p><code>{escaped(command)}</code></p>",
        table(["section", "time (s)"], timing_rows, caption="Where the time went"),
        p(f"Python {sys.version.split()[0]}, NumPy {np.__version__}. Everything on this page was computed in this run; "
          + quoted),
        "</footer></body></html>",
    ]
    return "\n".join(out)
