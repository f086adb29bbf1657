r"""The report: train, check and explain a network on the digits, as one web page.

:func:`build_report` walks through the exercise (the data, the model, the cost,
the sigmoid gradient, the gradient check, training, the hidden layer, a
regularization x iterations experiment, the planar data and the mistakes) and
writes ``out_dir/index.html``: a single self-contained file (every figure is an
embedded PNG, there is no script and nothing is fetched from the network) that
opens from disk in any browser.

The page is written atomically (a temporary file in ``out_dir``, then a
rename), so a crash or Ctrl-C never leaves half a report: either the new page
is there, or the previous one is untouched.
"""

from __future__ import annotations

import base64
import datetime
import html
import io
import numbers
import os
import shlex
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._atomic import write_text
from ._validation import check_alpha, check_int

__all__ = [
    "build_report",
    "SECTION_TITLES",
    "DEFAULT_GRID",
    "QUICK_GRID",
    "PLANAR_HIDDEN_SIZES",
    "SIGMOID_GRADIENT_AT",
]

# The headings of the report's sections, in order (tests look for each of them).
SECTION_TITLES = (
    "1. The data",
    "2. Model representation",
    "3. Cost",
    "4. Sigmoid gradient",
    "5. Gradient check",
    "6. Training",
    "7. Hidden layer",
    "8. Experiments: regularization and iterations",
    "9. Planar data",
    "10. Confusion matrix and mistakes",
)

# Section 8's grid of alpha (the course's lambda) x max_iter; --quick uses the smaller one.
DEFAULT_GRID = {"alpha": [0.0, 0.5, 1.0, 100.0, 1000.0], "max_iter": [10, 30, 200]}
QUICK_GRID = {"alpha": [0.0, 1.0, 100.0], "max_iter": [10, 30]}

SIGMOID_GRADIENT_AT = (-1.0, -0.5, 0.0, 0.5, 1.0)
COST_ALPHAS = (0.0, 1.0, 3.0)  # the course evaluates the cost at lambda 0, 1 and 3
# The course's cost of ex4weights.mat on ex4data1.mat, for comparison (ex4.m).
COURSE_COSTS = {0.0: 0.287629, 1.0: 0.383770, 3.0: 0.576051}

# Section 9: the planar exercise. The course trains by gradient descent (learning
# rate 1.2, 10000 iterations); conjugate gradient reaches the same fit in a few
# hundred iterations, which keeps the report fast.
PLANAR_HIDDEN_SIZES = (1, 2, 3, 4, 5, 20, 50)
PLANAR_COMPARE_HIDDEN = 4
PLANAR_SOLVER = "CG"
PLANAR_MAX_ITER = 1000
PLANAR_ALPHA = 0.0

SOLVER_DESCRIPTIONS = {
    "CG": "scipy's nonlinear conjugate gradient",
    "L-BFGS-B": "scipy's limited-memory BFGS",
    "lbfgs": "scipy's limited-memory BFGS",
    "TNC": "scipy's truncated Newton method",
    "BFGS": "scipy's BFGS quasi-Newton method",
    "fmincg": "nnlearn's version of the course's fmincg conjugate gradient",
    "gd": "full-batch gradient descent",
    "sgd": "mini-batch stochastic gradient descent",
    "adam": "the Adam optimizer",
}

TEST_SIZE = 0.2  # fraction of the digits held out in sections 6 and 10
INIT_EPSILON = 0.12  # the course's epsilon_init
N_MISCLASSIFIED = 36
GRADCHECK_THRESHOLD = 1e-9


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


def _check_path_like(value, name, allow_none=False):
    if value is None and allow_none:
        return None
    if not isinstance(value, (str, os.PathLike)):
        none = " or None" if allow_none else ""
        raise TypeError(f"{name} must be a str or os.PathLike{none}; got {type(value).__name__} {value!r}.")
    return value


def _check_bool(value, name):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {type(value).__name__} {value!r}.")
    return bool(value)


def _check_hidden(hidden):
    """``hidden`` as a tuple of ints >= 1: an int or a non-empty sequence of ints."""
    if isinstance(hidden, numbers.Integral) and not isinstance(hidden, bool):
        hidden = (hidden,)
    if isinstance(hidden, (str, bytes)) or not hasattr(hidden, "__iter__"):
        raise TypeError(f"hidden must be an int or a sequence of ints such as (25,); got {type(hidden).__name__} {hidden!r}.")
    sizes = tuple(hidden)
    if not sizes:
        raise ValueError("hidden must name at least one hidden layer (the report shows its units as images); got ().")
    for i, s in enumerate(sizes):
        if isinstance(s, bool) or not isinstance(s, numbers.Integral):
            raise TypeError(f"hidden[{i}] must be an int; got {type(s).__name__} {s!r}.")
        if s < 1:
            raise ValueError(f"hidden[{i}] must be >= 1 unit; got {s}.")
    return tuple(int(s) for s in sizes)


def _check_solver(solver):
    from .optimize import METHODS

    if not isinstance(solver, str):
        raise TypeError(f"solver must be a str, one of {list(METHODS)}; got {type(solver).__name__} {solver!r}.")
    for name in METHODS:
        if solver.lower() == name.lower():
            return name
    raise ValueError(f"solver must be one of {list(METHODS)}; got {solver!r}.")


def _check_grid(grid):
    """``grid`` as ``{"alpha": [float, ...], "max_iter": [int, ...]}``, both non-empty."""
    if not isinstance(grid, dict):
        raise TypeError(f"grid must be a dict with keys 'alpha' and 'max_iter'; got {type(grid).__name__}.")
    if set(grid) != {"alpha", "max_iter"}:
        raise ValueError(f"grid must have exactly the keys 'alpha' and 'max_iter'; got {sorted(map(str, grid))}.")
    alphas = grid["alpha"]
    iters = grid["max_iter"]
    for key, values in (("alpha", alphas), ("max_iter", iters)):
        if isinstance(values, (str, bytes)) or not hasattr(values, "__len__") or len(values) == 0:
            raise ValueError(f"grid[{key!r}] must be a non-empty list; got {values!r}.")
    alphas = [check_alpha(a, name="grid['alpha'] entry") for a in alphas]
    iters = [check_int(i, "grid['max_iter'] entry", minimum=1) for i in iters]
    return {"alpha": sorted(set(alphas)), "max_iter": sorted(set(iters))}


def _check_seed(seed):
    seed = check_int(seed, "seed", minimum=0)
    return seed


def _prepare_out_dir(out_dir):
    """Make ``out_dir`` (and parents) and check that a file can be written there; before any work.

    Returns ``(path, created)``: ``created`` lists the directories made here, so a
    failed run can remove them again (only if still empty).
    """
    out_dir = Path(_check_path_like(out_dir, "out_dir"))
    if out_dir.exists() and not out_dir.is_dir():
        raise NotADirectoryError(f"out_dir {str(out_dir)!r} exists and is not a directory; give a directory for index.html.")
    if (out_dir / "index.html").is_dir():
        raise IsADirectoryError(f"{str(out_dir / 'index.html')!r} is a directory; the report cannot be written there.")
    created = []
    for parent in reversed([out_dir, *out_dir.parents]):
        if not parent.exists():
            created.append(parent)
    out_dir.mkdir(parents=True, exist_ok=True)
    fd, probe = tempfile.mkstemp(prefix=".index.html.", suffix=".probe", dir=out_dir)
    os.close(fd)
    os.unlink(probe)
    return out_dir, created


def _remove_empty(created):
    for directory in reversed(created):
        try:
            directory.rmdir()
        except OSError:
            break


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


def _check_data(data):
    """``data`` if it names digit data (see :func:`nnlearn.datasets.kind_of`): "digits20" or a .mat path."""
    from . import datasets

    _check_path_like(data, "data")
    try:
        kind = datasets.kind_of(data)
    except ValueError:
        kind = None
    if kind != "digits":
        raise ValueError(
            f"data must be 'digits20' or a path to the course's ex4data1.mat/ex3data1.mat (a .mat file); "
            f"got {os.fspath(data)!r}."
        )
    return data


def _load_digits(data):
    """``(X, y, description)`` for "digits20" or a path to the course's .mat file."""
    from . import datasets

    X, y = datasets.load(data)
    if isinstance(data, str) and data == "digits20":
        return X, y, "digits20: 5000 handwritten digits (MNIST, resampled to 20x20 pixels) bundled with nnlearn"
    return X, y, f"{Path(data).name}: the course's digits file ({X.shape[0]} images of 20x20 pixels)"


def _load_weights(weights, n_features):
    from . import datasets
    from .network import Network

    Thetas = datasets.load_ex4_weights(weights)
    sizes = [Thetas[0].shape[1] - 1, Thetas[0].shape[0], Thetas[1].shape[0]]
    if sizes[0] != n_features:
        raise ValueError(
            f"weights {str(weights)!r} are for {sizes[0]} inputs (Theta1 has shape {Thetas[0].shape}), "
            f"but the data have {n_features} features."
        )
    net = Network(sizes)
    return net, net.pack(Thetas)


def _split(X, y, seed):
    from sklearn.model_selection import train_test_split

    labels, counts = np.unique(y, return_counts=True)
    if counts.min() < 2:
        raise ValueError(
            f"the data have only {counts.min()} sample of digit {labels[np.argmin(counts)]}; the held-out "
            "split needs at least 2 samples of every digit."
        )
    return train_test_split(X, y, test_size=TEST_SIZE, random_state=seed, stratify=y)


# ---------------------------------------------------------------------------
# HTML pieces (every piece of text goes through html.escape)
# ---------------------------------------------------------------------------


def _e(value):
    return html.escape(str(value), quote=True)


def _p(text):
    return f"<p>{_e(text)}</p>"


def _pct(fraction):
    return f"{100 * fraction:.2f}%"


def _table(header, rows, caption=None, numeric_from=1):
    """An HTML table; cells from column ``numeric_from`` on are right-aligned."""
    out = ["<table>"]
    if caption:
        out.append(f"<caption>{_e(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in header) + "</tr></thead><tbody>")
    for row in rows:
        cells = []
        for j, cell in enumerate(row):
            tag = "th" if j == 0 else "td"
            cls = ' class="num"' if j >= numeric_from else ""
            cells.append(f"<{tag}{cls}>{_e(cell)}</{tag}>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _numbers(pairs):
    """A definition list of (name, value, explanation) rows."""
    out = ['<dl class="numbers">']
    for name, value, note in pairs:
        out.append(f"<dt>{_e(name)}</dt><dd><b>{_e(value)}</b>")
        if note:
            out.append(f' <span class="note">{_e(note)}</span>')
        out.append("</dd>")
    out.append("</dl>")
    return "".join(out)


def _png(fig, dpi=90):
    """The figure as base64 PNG text."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure(fig, alt, caption, css_class="", dpi=90):
    cls = f' class="{_e(css_class)}"' if css_class else ""
    return (
        f"<figure{cls}><img src=\"data:image/png;base64,{_png(fig, dpi)}\" alt=\"{_e(alt)}\">"
        f"<figcaption>{_e(caption)}</figcaption></figure>"
    )


@dataclass
class _Section:
    title: str
    parts: list = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def anchor(self):
        return "s" + self.title.split(".")[0]


# ---------------------------------------------------------------------------
# Progress: one tqdm bar per stage on stderr
# ---------------------------------------------------------------------------


class _Stages:
    """One tqdm bar per section; a section's bar stays open until its figures are drawn too."""

    def __init__(self, enabled):
        self.enabled = enabled
        self.n = len(SECTION_TITLES)
        self.current = None

    def bar(self, index, total=1, unit="step"):
        from tqdm.auto import tqdm

        self.finish()
        title = SECTION_TITLES[index - 1].split(". ", 1)[1]
        self.current = tqdm(total=total, desc=f"[{index}/{self.n}] {title}", unit=unit, disable=not self.enabled,
                            file=sys.stderr, leave=True, dynamic_ncols=True)
        return _OpenBar(self.current)

    def finish(self):
        if self.current is not None:
            self.current.close()
            self.current = None


class _OpenBar:
    """A tqdm bar as a context manager that leaves the bar open (``_Stages.finish`` closes it)."""

    def __init__(self, bar):
        self._bar = bar

    def __enter__(self):
        return self._bar

    def __exit__(self, *exc):
        return False


# ---------------------------------------------------------------------------
# Figures drawn here (the rest come from nnlearn.plots)
# ---------------------------------------------------------------------------


def _new_figure(figsize):
    from matplotlib.figure import Figure

    return Figure(figsize=figsize)


def _architecture_figure(layer_sizes):
    """Layers as columns of units (at most 6 drawn per layer), bias units '+1', Theta shapes between."""
    fig = _new_figure((1.9 * len(layer_sizes) + 1, 3.6))
    ax = fig.add_subplot()
    ax.set_axis_off()
    L = len(layer_sizes)
    shown = 6
    positions = []
    for l, s in enumerate(layer_sizes):
        k = min(s, shown)
        ys = np.linspace(0.8, 0.1, k) if k > 1 else np.array([0.45])
        positions.append(ys)
        for i, yy in enumerate(ys):
            if s > shown and i == shown - 2:
                ax.text(l, yy, "⋮", ha="center", va="center", fontsize=14)
                continue
            ax.add_patch(_circle((l, yy), "tab:blue" if 0 < l < L - 1 else ("tab:gray" if l == 0 else "tab:orange")))
        if l < L - 1:
            ax.add_patch(_circle((l, 0.95), "white"))
            ax.text(l, 0.95, "+1", ha="center", va="center", fontsize=7)
        name = "input" if l == 0 else ("output" if l == L - 1 else f"hidden {l}")
        ax.text(l, -0.02, f"{name}\n{s} units", ha="center", va="top", fontsize=9)
    for l in range(L - 1):
        for y0 in [0.95, *positions[l]]:
            for y1 in positions[l + 1]:
                ax.plot([l, l + 1], [y0, y1], color="0.75", linewidth=0.4, zorder=0)
        ax.text(l + 0.5, 1.04, f"Θ({l + 1}): {layer_sizes[l + 1]}×{layer_sizes[l] + 1}", ha="center", fontsize=9)
    ax.set_xlim(-0.5, L - 0.5)
    ax.set_ylim(-0.2, 1.1)
    return fig


def _circle(center, color):
    from matplotlib.patches import Circle

    return Circle(center, 0.035, facecolor=color, edgecolor="k", linewidth=0.6, zorder=2)


def _cost_figure(alphas, data_terms, reg_terms):
    """Stacked bars: J(λ) = data term + regularization term."""
    fig = _new_figure((5, 3.2))
    ax = fig.add_subplot()
    x = np.arange(len(alphas))
    ax.bar(x, data_terms, color="tab:blue", label="data term (cross-entropy)")
    ax.bar(x, reg_terms, bottom=data_terms, color="tab:orange", label="regularization term")
    for xi, total in zip(x, np.add(data_terms, reg_terms)):
        ax.text(xi, total, f"{total:.6f}", ha="center", va="bottom", fontsize=9)
    ax.set_xticks(x, [f"λ = {a:g}" for a in alphas])
    ax.set_ylabel("cost J")
    ax.set_ylim(0, 1.18 * max(np.add(data_terms, reg_terms)))
    ax.legend(loc="upper left", fontsize=8)
    return fig


def _sigmoid_figure(points):
    from .activations import sigmoid, sigmoid_gradient

    fig = _new_figure((5.5, 3.2))
    ax = fig.add_subplot()
    z = np.linspace(-6, 6, 400)
    ax.plot(z, sigmoid(z), label="g(z) = 1 / (1 + e^(-z))")
    ax.plot(z, sigmoid_gradient(z), label="g'(z) = g(z)(1 - g(z))")
    ax.scatter(points, sigmoid_gradient(np.asarray(points)), color="tab:red", zorder=3, label="the five values")
    ax.set_xlabel("z")
    ax.axhline(0.25, color="0.7", linewidth=0.6, linestyle="--")
    ax.legend(fontsize=8)
    return fig


def _gradcheck_figure(checks):
    fig = _new_figure((4.6 * len(checks), 3.6))
    for i, (alpha, check) in enumerate(checks):
        ax = fig.add_subplot(1, len(checks), i + 1)
        lo = min(check.numerical.min(), check.analytical.min())
        hi = max(check.numerical.max(), check.analytical.max())
        ax.plot([lo, hi], [lo, hi], color="0.7", linewidth=1, zorder=0)
        ax.scatter(check.numerical, check.analytical, s=14)
        ax.set_xlabel("numerical (central differences)")
        ax.set_ylabel("analytical (backpropagation)")
        ax.set_title(f"λ = {alpha:g}: relative difference {check.relative_difference:.2e}", fontsize=9)
    fig.tight_layout()
    return fig


def _boundary_grid_figure(models, X, y, titles, n_cols):
    from . import plots

    n_rows = -(-len(models) // n_cols)
    fig = _new_figure((3.4 * n_cols, 3.0 * n_rows))
    for i, (model, title) in enumerate(zip(models, titles)):
        ax = fig.add_subplot(n_rows, n_cols, i + 1)
        plots.decision_boundary(model, X, y, ax=ax, resolution=150)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("")
        ax.set_ylabel("")
        legend = ax.get_legend()
        if legend is not None and i > 0:
            legend.remove()
    fig.tight_layout()
    return fig


def _hidden_units_grid_figure(thetas1_list, titles, n_cols):
    from . import plots

    n_rows = -(-len(thetas1_list) // n_cols)
    fig = _new_figure((3.0 * n_cols, 3.2 * n_rows))
    for i, (theta1, title) in enumerate(zip(thetas1_list, titles)):
        ax = fig.add_subplot(n_rows, n_cols, i + 1)
        plots.hidden_units(theta1, ax=ax)
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------
# The sections
# ---------------------------------------------------------------------------


@dataclass
class _Context:
    X: np.ndarray
    y: np.ndarray
    data_description: str
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    data: object
    hidden: tuple
    alpha: float
    max_iter: int
    solver: str
    seed: int
    grid: dict
    weights: object = None
    weights_net: object = None
    weights_theta: object = None
    net: object = None
    theta0: object = None
    result: object = None
    summary: dict = field(default_factory=dict)

    @property
    def K(self):
        return max(int(self.y.max()) + 1, 2)


def _section_data(ctx, stages):
    from . import plots

    with stages.bar(1) as bar:
        X, y = ctx.X, ctx.y
        fig = plots.digits_grid(X, n=100, random_state=ctx.seed)
        bar.update(1)
    labels = np.arange(ctx.K)
    counts = [(y == k).sum() for k in labels]
    rows = [
        (str(k), int(c), int((ctx.y_train == k).sum()), int((ctx.y_test == k).sum()))
        for k, c in zip(labels, counts)
    ]
    rows.append(("all", len(y), len(ctx.y_train), len(ctx.y_test)))
    side = int(round(np.sqrt(X.shape[1])))
    return [
        _p(f"Data set: {ctx.data_description}."),
        _p(
            f"Each row of X is one {side}x{side} grey-scale image unrolled into {X.shape[1]} numbers "
            f"(column by column, as in the course's ex4data1.mat); y holds the digit it shows. "
            f"The figure shows 100 rows picked at random (seed {ctx.seed}), each scaled to its own brightest pixel."
        ),
        _figure(fig, "a grid of 100 random digit images", "100 random digits from the data set.", "half"),
        _numbers(
            [
                ("X", f"shape {X.shape}, {X.dtype}", f"m = {X.shape[0]} samples, n = {X.shape[1]} features (pixels)"),
                ("y", f"shape {y.shape}, labels {int(y.min())}..{int(y.max())}", "the digit itself; output unit k stands for digit k"),
                ("pixel values", f"{X.min():.3g} to {X.max():.3g}", "0 is background"),
                (
                    "split",
                    f"{len(ctx.y_train)} training / {len(ctx.y_test)} held-out",
                    f"a stratified {100 * (1 - TEST_SIZE):.0f}/{100 * TEST_SIZE:.0f} split (seed {ctx.seed}); "
                    "the network learns from the training rows only, the held-out rows measure how well it generalizes",
                ),
            ]
        ),
        _table(["digit", "samples", "training", "held-out"], rows, caption="Labels per class"),
    ]


def _section_model(ctx, stages):
    from . import params
    from .network import Network

    with stages.bar(2) as bar:
        ctx.net = Network([ctx.X.shape[1], *ctx.hidden, ctx.K], activation="sigmoid", output="sigmoid")
        ctx.theta0 = ctx.net.init_weights(method="uniform", epsilon=INIT_EPSILON, random_state=ctx.seed)
        fig = _architecture_figure(ctx.net.layer_sizes)
        bar.update(1)
    sizes = ctx.net.layer_sizes
    shapes = params.layer_shapes(sizes)
    rows = [(f"Θ({l + 1})", f"{r} × {c}", f"{r} × ({c - 1} + 1)", r * c) for l, (r, c) in enumerate(shapes)]
    rows.append(("total", "", "", ctx.net.n_params))
    arithmetic = " + ".join(f"{r}·{c}" for r, c in shapes)
    return [
        _p(
            "The network has an input layer (one unit per pixel), "
            + ("one hidden layer" if len(sizes) == 3 else f"{len(sizes) - 2} hidden layers")
            + f" of sigmoid units and an output layer of {sizes[-1]} sigmoid units, one per digit. "
            "Each layer l computes a(l+1) = g(Θ(l) [1; a(l)]): the 1 is the bias unit, so Θ(l) has one more "
            "column than layer l has units, and column 0 holds the bias weights. "
            "The prediction is the digit whose output unit is largest."
        ),
        _figure(fig, "diagram of the network's layers", f"The {'-'.join(map(str, sizes))} network (at most 6 units drawn per layer)."),
        _numbers(
            [
                ("layer sizes", "-".join(map(str, sizes)), "inputs, hidden units, outputs"),
                ("parameters", f"{ctx.net.n_params}", f"{arithmetic} = {ctx.net.n_params}"),
            ]
        ),
        _table(["matrix", "shape", "(units × (inputs + bias))", "entries"], rows, caption="Weight matrices"),
    ]


def _section_cost(ctx, stages):
    with stages.bar(3, total=len(COST_ALPHAS)) as bar:
        if ctx.weights is not None:
            net, theta = ctx.weights_net, ctx.weights_theta
        else:
            net, theta = ctx.net, ctx.theta0
        costs = []
        for a in COST_ALPHAS:
            costs.append(net.cost(theta, ctx.X, ctx.y, alpha=a))
            bar.update(1)
        accuracy = float(np.mean(net.predict(theta, ctx.X) == ctx.y))
    data_term = costs[0]
    reg_terms = [c - data_term for c in costs]
    fig = _cost_figure(COST_ALPHAS, [data_term] * len(COST_ALPHAS), reg_terms)
    sum_sq = sum(float(np.sum(T[:, 1:] ** 2)) for T in net.unpack(theta))
    m, K = ctx.X.shape[0], net.n_outputs
    if ctx.weights is not None:
        intro = [
            _p(
                f"These are the course's pretrained weights from {Path(ctx.weights).name} "
                f"(a {'-'.join(map(str, net.layer_sizes))} network), evaluated on all {m} samples."
            ),
            _p(
                "For comparison, on the course's own ex4data1.mat these weights cost "
                + ", ".join(f"{v:.6f} at λ = {a:g}" for a, v in COURSE_COSTS.items())
                + " (the values ex4.m prints); on other digits the numbers differ a little."
            ),
        ]
        ctx.summary["pretrained accuracy"] = accuracy
    else:
        intro = [
            _p(
                f"No pretrained weights were given (use --weights ex4weights.mat for the course's), so this is the cost "
                f"at the random initial weights of section 6, drawn uniformly from [-{INIT_EPSILON}, {INIT_EPSILON}] "
                f"(seed {ctx.seed}), on all {m} samples."
            ),
            _p(
                f"With such small weights every output unit is close to 0.5, and each of the K = {K} units costs "
                f"about ln 2 per sample, so J is about K·ln 2 = {K * np.log(2):.4f}; "
                f"the accuracy is near chance (1/K = {100 / K:.0f}%)."
            ),
        ]
    rows = [(f"{a:g}", f"{c:.6f}", f"{data_term:.6f}", f"{r:.6f}") for a, c, r in zip(COST_ALPHAS, costs, reg_terms)]
    return [
        *intro,
        _p(
            "The cost is the cross-entropy of the K output units averaged over the m samples, plus the "
            "regularization term λ/(2m) · Σ Θ², the sum over every weight except the bias columns. "
            "In nnlearn λ is called alpha."
        ),
        _figure(fig, "bar chart of the cost at lambda 0, 1 and 3", "The cost split into its data term and its regularization term."),
        _table(["λ (alpha)", "cost J", "data term", "regularization term"], rows, caption="Cost"),
        _numbers(
            [
                ("Σ Θ² (no bias)", f"{sum_sq:.4f}", f"so the regularization term is λ · {sum_sq:.4f} / (2 · {m}) = λ · {sum_sq / (2 * m):.6f}"),
                ("accuracy", _pct(accuracy), f"of the {m} samples, the predicted digit (largest output) is right"),
            ]
        ),
    ]


def _section_sigmoid(ctx, stages):
    from .activations import sigmoid, sigmoid_gradient

    with stages.bar(4) as bar:
        z = np.asarray(SIGMOID_GRADIENT_AT)
        g, g_prime = sigmoid(z), sigmoid_gradient(z)
        fig = _sigmoid_figure(z)
        bar.update(1)
    rows = [(f"{zi:g}", f"{gi:.6f}", f"{di:.6f}") for zi, gi, di in zip(z, g, g_prime)]
    return [
        _p(
            "Backpropagation multiplies the error of each hidden unit by the slope of its activation, "
            "g'(z) = g(z)(1 - g(z)). It is largest, 1/4, at z = 0 and symmetric about it; "
            "for large |z| the unit saturates and its slope (and so its learning) goes to 0."
        ),
        _figure(fig, "the sigmoid function and its gradient", "The sigmoid g and its gradient g'; the dots are the values in the table.", "half"),
        _table(["z", "g(z)", "g'(z)"], rows, caption="Sigmoid gradient"),
    ]


def _section_gradcheck(ctx, stages):
    from .gradcheck import debug_problem, gradient_check

    alphas = (0.0, 3.0)
    checks = []
    with stages.bar(5, total=len(alphas)) as bar:
        net, theta, X, y = debug_problem()
        for a in alphas:
            checks.append((a, gradient_check(net, theta, X, y, alpha=a)))
            bar.update(1)
    fig = _gradcheck_figure(checks)
    rows = []
    for l, shape, _ in checks[0][1].table():
        rows.append((f"Θ({l + 1})", f"{shape[0]} × {shape[1]}", *[f"{c.max_abs_error[l]:.3e}" for _, c in checks]))
    worst = max(c.relative_difference for _, c in checks)
    ctx.summary["gradient check"] = worst
    ok = worst < GRADCHECK_THRESHOLD
    return [
        _p(
            f"Backpropagation is checked against central differences, (J(θ + ε e_i) - J(θ - ε e_i)) / 2ε with ε = 1e-4, "
            f"for each of the {net.n_params} parameters of the course's small debug network "
            f"({'-'.join(map(str, net.layer_sizes))}, m = {X.shape[0]}, deterministic sin-based weights), "
            f"once without and once with regularization (λ = 3, as in the course)."
        ),
        _p(
            "The relative difference ||num - ana|| / ||num + ana|| is what the course asks to be below 1e-9: "
            + (f"here it is {worst:.2e}, so backpropagation is correct." if ok else f"here it is {worst:.2e}, ABOVE 1e-9: backpropagation is wrong.")
        ),
        _figure(fig, "numerical against analytical gradient", "Each dot is one parameter; on the diagonal the two gradients agree."),
        _numbers([(f"relative difference (λ = {a:g})", f"{c.relative_difference:.3e}", "below 1e-9 passes") for a, c in checks]),
        _table(["matrix", "shape", *[f"max |num - ana|, λ = {a:g}" for a in alphas]], rows, caption="Largest difference per layer"),
    ]


def _section_training(ctx, stages):
    from . import plots
    from .optimize import train

    with stages.bar(6, total=ctx.max_iter, unit="it") as bar:

        def callback(iteration, theta, cost):
            bar.update(1)
            bar.set_postfix(cost=f"{cost:.4f}", refresh=False)

        ctx.result = result = train(
            ctx.net, ctx.theta0, ctx.X_train, ctx.y_train, alpha=ctx.alpha, method=ctx.solver,
            max_iter=ctx.max_iter, callback=callback, random_state=ctx.seed,
        )
    train_acc = float(np.mean(ctx.net.predict(result.theta, ctx.X_train) == ctx.y_train))
    test_acc = float(np.mean(ctx.net.predict(result.theta, ctx.X_test) == ctx.y_test))
    ctx.summary.update(train_accuracy=train_acc, test_accuracy=test_acc, train_time=result.elapsed)
    fig = plots.learning_curve(result.cost_history)
    ax = fig.axes[0]
    ax.set_xlabel("iterations done")
    ax.set_title(f"{ctx.solver}, λ = {ctx.alpha:g}")
    return [
        _p(
            f"The network of section 2 learns from the {len(ctx.y_train)} training digits: starting at the random "
            f"initial weights, the optimizer {ctx.solver} ({SOLVER_DESCRIPTIONS[ctx.solver]}) lowers the regularized "
            f"cost J (λ = {ctx.alpha:g}) using the gradient from backpropagation, for at most {ctx.max_iter} iterations."
        ),
        _figure(fig, "learning curve: cost against iteration", "The cost after each iteration (iteration 0 is the initial weights).", "half"),
        _numbers(
            [
                ("optimizer", f"{result.method}, {result.n_iter} iterations", f"{result.n_evaluations} cost-and-gradient evaluations; it stopped because: {result.message}"),
                ("cost", f"{result.cost_history[0]:.4f} → {result.cost_history[-1]:.4f}", "J on the training digits, including the regularization term"),
                ("training accuracy", _pct(train_acc), f"of the {len(ctx.y_train)} digits it learned from"),
                ("held-out accuracy", _pct(test_acc), f"of the {len(ctx.y_test)} digits it never saw: the honest measure"),
                ("wall time", f"{result.elapsed:.2f} s", "training only, on this machine"),
            ]
        ),
        _p(
            "More iterations usually raise the training accuracy; the gap between training and held-out accuracy "
            "shows how much the network has memorized rather than learned. Section 8 varies λ and the number of iterations."
        ),
    ]


def _section_hidden(ctx, stages):
    from . import plots

    with stages.bar(7) as bar:
        Theta1 = ctx.net.unpack(ctx.result.theta)[0]
        fig = plots.hidden_units(Theta1)
        fig.axes[0].set_title(f"trained here (λ = {ctx.alpha:g}, {ctx.result.n_iter} iterations)")
        figures = [_figure(fig, "the hidden units' input weights as images", "Each image is one hidden unit's 400 input weights.", "half")]
        if ctx.weights is not None:
            fig_w = plots.hidden_units(ctx.weights_net.unpack(ctx.weights_theta)[0])
            fig_w.axes[0].set_title("the course's pretrained weights")
            figures.append(_figure(fig_w, "the pretrained hidden units as images", "The same picture for the course's pretrained weights.", "half"))
        bar.update(1)
    norms = np.linalg.norm(Theta1[:, 1:], axis=1)
    s2 = Theta1.shape[0]
    return [
        _p(
            f"Row j of Θ(1) holds the weights from the {Theta1.shape[1] - 1} pixels into hidden unit j (the bias dropped). "
            "Shown as an image, it is the pattern of strokes the unit responds to: light pixels push the unit on, "
            "dark pixels push it off. Each image is scaled to its own largest weight."
            + (" Only the first hidden layer is shown; deeper layers do not see pixels." if len(ctx.hidden) > 1 else "")
        ),
        '<div class="row">' + "".join(figures) + "</div>",
        _numbers(
            [
                ("hidden units", f"{s2}", "one image each"),
                ("weight norm per unit", f"{norms.min():.2f} to {norms.max():.2f} (mean {norms.mean():.2f})",
                 "||Θ(1)_j|| without the bias; regularization (larger λ) shrinks it"),
            ]
        ),
    ]


def _fmt_pct(value):
    return "failed" if value is None or not np.isfinite(value) else _pct(value)


def _section_experiments(ctx, stages):
    from . import plots, sweep

    alphas, iters = ctx.grid["alpha"], ctx.grid["max_iter"]
    data = (ctx.X_train, ctx.y_train, ctx.X_test, ctx.y_test)  # the split of section 6
    records = []
    with stages.bar(8, total=len(alphas) * len(iters), unit="run") as bar:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a failed run is recorded in its record and shown in the table
            for a in alphas:
                for it in iters:
                    cell = {"alpha": [a], "max_iter": [it], "hidden_layer_sizes": [ctx.hidden],
                            "solver": [ctx.solver], "random_state": [ctx.seed]}
                    records.extend(sweep.run(cell, data, progress=False))
                    bar.update(1)
                    bar.set_postfix_str(f"alpha={a:g} max_iter={it}", refresh=False)
    figs = [
        _figure(plots.sweep_heatmap(records, metric="train_accuracy"),
                "heatmap of training accuracy over lambda and max_iter", "Training accuracy.", "half"),
        _figure(plots.sweep_heatmap(records, metric="test_accuracy"),
                "heatmap of held-out accuracy over lambda and max_iter", "Held-out accuracy.", "half"),
    ]
    by_cell = {(float(r["alpha"]), int(r["max_iter"])): r for r in records}
    rows = []
    for a in alphas:
        for it in iters:
            r = by_cell[(a, it)]
            train_acc, test_acc = r["train_accuracy"], r["test_accuracy"]
            ok = r.get("error") is None
            rows.append((
                f"{a:g}", it, r["n_iter"] if ok else "-", f"{r['final_cost']:.4f}" if ok else "-",
                _fmt_pct(train_acc), _fmt_pct(test_acc),
                f"{100 * (train_acc - test_acc):+.2f}" if ok else str(r.get("error")),
                f"{r['seconds']:.2f}",
            ))
    header = ["λ (alpha)", "max_iter", "iterations done", "final cost", "training accuracy", "held-out accuracy",
              "gap (points)", "time (s)"]

    # Hidden units of a few cells: the extremes of λ at the most iterations, and the middle λ early on.
    middle = alphas[len(alphas) // 2]
    picks = [(alphas[0], iters[-1]), (middle, iters[-1]), (alphas[-1], iters[-1]), (middle, iters[0])]
    chosen = []
    for cell in picks:
        if cell not in chosen and by_cell[cell].get("thetas") is not None:
            chosen.append(cell)
    hidden_fig = hidden_text = ""
    if chosen:
        Theta1s = [np.asarray(by_cell[c]["thetas"][0]) for c in chosen]
        norms = [float(np.linalg.norm(T[:, 1:], axis=1).mean()) for T in Theta1s]
        fig_h = _hidden_units_grid_figure(
            Theta1s, [f"λ = {a:g}, max_iter = {it}\nmean ||Θ(1)_j|| = {n:.2f}" for (a, it), n in zip(chosen, norms)],
            n_cols=len(chosen),
        )
        hidden_fig = _figure(fig_h, "hidden units for a few cells of the grid", "Hidden units of a few runs of the grid.")
        hidden_text = _p(
            "What to look for in the hidden units: regularization shrinks the weights (the mean norm of a unit's "
            "weights is "
            + ", ".join(f"{n:.2f} at λ = {a:g}, max_iter = {it}" for (a, it), n in zip(chosen, norms))
            + "), which smooths the images; with little regularization and many iterations units can pick up "
            "speckled, pixel-level detail that fits the training digits only; too few iterations leave them close "
            "to their random start."
        )
    finished = [r for r in records if r.get("error") is None]
    notes = []
    if finished:
        best = max(finished, key=lambda r: r["test_accuracy"])
        fit = max(finished, key=lambda r: r["train_accuracy"] - r["test_accuracy"])
        notes = [
            ("best held-out accuracy", _pct(best["test_accuracy"]), f"at λ = {best['alpha']:g}, max_iter = {best['max_iter']}"),
            ("largest gap", f"{100 * (fit['train_accuracy'] - fit['test_accuracy']):.2f} points",
             f"training minus held-out accuracy at λ = {fit['alpha']:g}, max_iter = {fit['max_iter']}: the most overfitting"),
        ]
    chance = 1.0 / ctx.K
    guessing = [r for r in finished if r["test_accuracy"] <= chance + 0.02]
    guess_text = ""
    if guessing:
        worst_alphas = sorted({float(r["alpha"]) for r in guessing})
        guess_text = (
            f" In this grid λ = {', '.join(f'{a:g}' for a in worst_alphas)} leaves the network no better than "
            f"guessing (about 1/K = {100 * chance:.0f}% held-out accuracy)."
        )
    return [
        _p(
            f"The same {'-'.join(map(str, ctx.net.layer_sizes))} network trained {len(records)} times with nnlearn.sweep, "
            f"once for every pair of λ in {{{', '.join(f'{a:g}' for a in alphas)}}} and max_iter in "
            f"{{{', '.join(map(str, iters))}}} ({ctx.solver}, the initial weights of seed {ctx.seed}, the same training "
            "and held-out digits as section 6)."
        ),
        _p(
            "Read the table as the course's lesson on bias and variance. With little regularization and many "
            "iterations the network fits its training digits closely, and the gap between training and held-out "
            "accuracy measures overfitting. A large λ pulls the weights towards 0: training and held-out accuracy "
            "drop together, which is underfitting. Too few iterations also underfit, whatever λ is." + guess_text
        ),
        '<div class="row">' + "".join(figs) + "</div>",
        _table(header, rows, caption="Every run of the grid"),
        _numbers(notes) if notes else "",
        hidden_fig,
        hidden_text,
    ]


def _accuracy(model, X, y):
    return float(np.mean(model.predict(X) == y))


def _section_planar(ctx, stages):
    from sklearn.model_selection import train_test_split

    from .datasets import logistic_baseline, make_spirals
    from .estimator import MLPClassifier

    with stages.bar(9, total=len(PLANAR_HIDDEN_SIZES) + 1, unit="model") as bar:
        X, y = make_spirals(random_state=ctx.seed)
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=ctx.seed, stratify=y)
        logistic = logistic_baseline(X_tr, y_tr, random_state=ctx.seed)
        bar.update(1)
        networks = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ConvergenceWarning: the table reports the iterations
            for h in PLANAR_HIDDEN_SIZES:
                t0 = time.perf_counter()
                clf = MLPClassifier(hidden_layer_sizes=(h,), activation="tanh", alpha=PLANAR_ALPHA,
                                    solver=PLANAR_SOLVER, max_iter=PLANAR_MAX_ITER, random_state=ctx.seed)
                clf.fit(X_tr, y_tr)
                networks[h] = (clf, time.perf_counter() - t0)
                bar.update(1)
    compare = networks[PLANAR_COMPARE_HIDDEN][0]
    ctx.summary["planar"] = (_accuracy(logistic, X_tr, y_tr), _accuracy(compare, X_tr, y_tr))
    fig_compare = _boundary_grid_figure(
        [logistic, compare], X_tr, y_tr,
        [f"logistic regression: {_pct(_accuracy(logistic, X_tr, y_tr))}",
         f"tanh network, {PLANAR_COMPARE_HIDDEN} hidden units: {_pct(_accuracy(compare, X_tr, y_tr))}"], n_cols=2,
    )
    fig_sizes = _boundary_grid_figure(
        [networks[h][0] for h in PLANAR_HIDDEN_SIZES], X_tr, y_tr,
        [f"{h} hidden unit{'s' if h > 1 else ''}: {_pct(_accuracy(networks[h][0], X_tr, y_tr))}" for h in PLANAR_HIDDEN_SIZES], n_cols=4,
    )
    train_accs = [_accuracy(networks[h][0], X_tr, y_tr) for h in PLANAR_HIDDEN_SIZES]
    test_accs = [_accuracy(networks[h][0], X_te, y_te) for h in PLANAR_HIDDEN_SIZES]
    enough = next(h for h, a in zip(PLANAR_HIDDEN_SIZES, train_accs) if a >= max(train_accs) - 0.01)
    largest = PLANAR_HIDDEN_SIZES[-1]
    rows = [("logistic regression", "-", _pct(_accuracy(logistic, X_tr, y_tr)), _pct(_accuracy(logistic, X_te, y_te)), "-")]
    for h in PLANAR_HIDDEN_SIZES:
        clf, seconds = networks[h]
        rows.append((f"{h} hidden unit{'s' if h > 1 else ''}", clf.n_iter_, _pct(_accuracy(clf, X_tr, y_tr)), _pct(_accuracy(clf, X_te, y_te)), f"{seconds:.2f}"))
    return [
        _p(
            f"A different problem: {len(y)} points in the plane on two interleaved spiral arms (make_spirals, seed {ctx.seed}), "
            f"{len(y_tr)} for training and {len(y_te)} held out. A straight line cannot separate the arms: logistic "
            f"regression, the linear baseline, classifies {_pct(_accuracy(logistic, X_tr, y_tr))} of the training points. "
            "A network with one hidden layer of tanh units can bend its boundary around the arms."
        ),
        _p(
            f"The course trains this network by gradient descent (learning rate 1.2, 10000 iterations); here each network "
            f"is trained with {PLANAR_SOLVER} (scipy's conjugate gradient) for at most {PLANAR_MAX_ITER} iterations, "
            f"without regularization (λ = {PLANAR_ALPHA:g}), which reaches the same kind of fit much faster. "
            "Accuracies in the titles are on the training points drawn."
        ),
        _figure(fig_compare, "decision boundaries of logistic regression and a tanh network", "Logistic regression beside the tanh network."),
        _figure(fig_sizes, "decision boundaries for 1, 2, 3, 4, 5, 20 and 50 hidden units", "The network's boundary as the hidden layer grows."),
        _table(["model", "iterations", "training accuracy", "held-out accuracy", "time (s)"], rows, caption="Planar data: accuracy by model"),
        _p(
            f"Here 1 hidden unit reaches {_pct(train_accs[0])} of the training points (the straight line of logistic "
            f"regression: {_pct(_accuracy(logistic, X_tr, y_tr))}); {enough} hidden unit{'s are' if enough > 1 else ' is'} the smallest layer within 1 point of the best "
            f"training accuracy ({_pct(max(train_accs))}); with {largest} units the network reaches "
            f"{_pct(train_accs[-1])} on the training points and {_pct(test_accs[-1])} on the held-out ones. "
            "A larger layer can bend the boundary more; the held-out column shows whether the extra bends generalize."
        ),
    ]


def _section_confusion(ctx, stages):
    from . import plots

    with stages.bar(10) as bar:
        predicted = ctx.net.predict(ctx.result.theta, ctx.X_test)
        labels = np.arange(ctx.K)
        fig_cm = plots.confusion_matrix(ctx.y_test, predicted, labels=labels)
        fig_wrong = plots.misclassified(ctx.X_test, ctx.y_test, predicted, n=N_MISCLASSIFIED, random_state=ctx.seed)
        bar.update(1)
    _, counts = plots.confusion_table(ctx.y_test, predicted, labels=labels)
    n_wrong = int(np.sum(ctx.y_test != predicted))
    rows = []
    for k in labels:
        total = counts[k].sum()
        rows.append((str(k), int(total), int(counts[k, k]), _pct(counts[k, k] / total) if total else "-"))
    off = counts.copy()
    np.fill_diagonal(off, 0)
    pairs = sorted(((off[i, j], i, j) for i in labels for j in labels if off[i, j] > 0), reverse=True)[:5]
    confused = "; ".join(f"{i} read as {j}: {c} times" for c, i, j in pairs) or "none"
    return [
        _p(
            f"How the trained network of section 6 does on the {len(ctx.y_test)} held-out digits. Row i, column j of the "
            "matrix counts the digits i that the network read as j; the diagonal holds the correct answers."
        ),
        '<div class="row">'
        + _figure(fig_cm, "confusion matrix of the held-out digits", "Confusion matrix (held-out digits).", "half")
        + _figure(fig_wrong, "misclassified held-out digits", f"Up to {N_MISCLASSIFIED} misclassified held-out digits, marked true/predicted.", "half")
        + "</div>",
        _numbers(
            [
                ("mistakes", f"{n_wrong} of {len(ctx.y_test)}", f"held-out accuracy {_pct(1 - n_wrong / len(ctx.y_test))}"),
                ("most confused", confused, "true digit read as predicted digit"),
            ]
        ),
        _table(["digit", "held-out samples", "correct", "recall"], rows, caption="Per digit: how many were recognized (recall = correct / held-out samples of that digit)"),
    ]


_SECTIONS = (
    _section_data,
    _section_model,
    _section_cost,
    _section_sigmoid,
    _section_gradcheck,
    _section_training,
    _section_hidden,
    _section_experiments,
    _section_planar,
    _section_confusion,
)


# ---------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------

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


def _command_line(data, weights, hidden, alpha, max_iter, solver, quick, seed):
    parts = ["nnlearn report", f"--data {shlex.quote(os.fspath(data))}"]
    if weights is not None:
        parts.append(f"--weights {shlex.quote(os.fspath(weights))}")
    parts += [f"--hidden {' '.join(map(str, hidden))}", f"--alpha {alpha:g}", f"--max-iter {max_iter}",
              f"--solver {solver}", f"--seed {seed}"]
    if quick:
        parts.append("--quick")
    return " ".join(parts)


def _render(sections, ctx, command, started, total):
    from . import __version__

    s = ctx.summary
    summary_items = [
        f"Network {'-'.join(map(str, ctx.net.layer_sizes))} ({ctx.net.n_params} parameters) trained with {ctx.solver}, "
        f"λ = {ctx.alpha:g}, {ctx.result.n_iter} iterations in {s['train_time']:.1f} s: "
        f"training accuracy {_pct(s['train_accuracy'])}, held-out accuracy {_pct(s['test_accuracy'])}.",
        f"Gradient check: relative difference {s['gradient check']:.1e} "
        f"({'below' if s['gradient check'] < GRADCHECK_THRESHOLD else 'NOT below'} 1e-9).",
        f"Spiral arms: logistic regression {_pct(s['planar'][0])}, tanh network with {PLANAR_COMPARE_HIDDEN} hidden units "
        f"{_pct(s['planar'][1])} (training accuracy).",
    ]
    if "pretrained accuracy" in s:
        summary_items.insert(1, f"The course's pretrained weights: accuracy {_pct(s['pretrained accuracy'])} on all {len(ctx.y)} samples.")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>nnlearn report: neural networks learning</title>",
        f"<style>{_CSS}</style></head><body>",
        "<header><h1>Neural networks learning: the report</h1>",
        _p_class(f"Made by nnlearn {__version__} on {started:%Y-%m-%d %H:%M} in {total:.1f} s.", "sub"),
        '<div class="summary"><ul>' + "".join(f"<li>{_e(item)}</li>" for item in summary_items) + "</ul></div>",
        '<nav><ol>' + "".join(f'<li><a href="#{sec.anchor}">{_e(sec.title.split(". ", 1)[1])}</a></li>' for sec in sections) + "</ol></nav>",
        "</header><main>",
    ]
    for sec in sections:
        out.append(f'<section id="{sec.anchor}"><h2>{_e(sec.title)}</h2>')
        out.extend(part for part in sec.parts if part)
        out.append("</section>")
    timing_rows = [(sec.title, f"{sec.elapsed:.2f}") for sec in sections] + [("total", f"{total:.2f}")]
    out += [
        "</main><footer>",
        _p("To make this report again:"),
        f"<p><code>{_e(command)}</code></p>",
        _table(["section", "time (s)"], timing_rows, caption="Where the time went"),
        _p(f"Python {sys.version.split()[0]}, NumPy {np.__version__}. Everything on this page was computed in this run; "
           "the only numbers not computed here are the course's reference costs quoted in section 3."),
        "</footer></body></html>",
    ]
    return "\n".join(out)


def _p_class(text, css_class):
    return f'<p class="{_e(css_class)}">{_e(text)}</p>'


def build_report(
    out_dir="report",
    data="digits20",
    weights=None,
    hidden=25,
    alpha=1.0,
    max_iter=50,
    solver="CG",
    quick=False,
    seed=0,
    progress=False,
    grid=None,
):
    r"""Train, check and explain a network on the digits; write ``out_dir/index.html``.

    Parameters
    ----------
    out_dir : str or os.PathLike, default="report"
        Directory of the report; made (with its parents) if missing. Only
        ``index.html`` is written there, atomically; a previous report is
        replaced only when the new one is complete.
    data : str or os.PathLike, default="digits20"
        ``"digits20"`` (the bundled 5000 digits, X of shape (5000, 400)) or a
        path to the course's ``ex4data1.mat``/``ex3data1.mat``.
    weights : str or os.PathLike, optional
        The course's ``ex4weights.mat``: section 3 then gives the cost of these
        weights at λ = 0, 1, 3 and their accuracy, and section 7 shows their
        hidden units too. Without it section 3 uses the initial weights.
    hidden : int or sequence of int, default=25
        Hidden layer sizes of the network trained in sections 6-8 and 10.
    alpha : float >= 0, default=1.0
        Regularization strength of section 6 (the course's λ).
    max_iter : int >= 1, default=50
        Iterations of the optimizer in section 6.
    solver : str, default="CG"
        Any method of :func:`nnlearn.train` (sections 6 and 8).
    quick : bool, default=False
        Use the smaller experiment grid :data:`QUICK_GRID` in section 8
        instead of :data:`DEFAULT_GRID`.
    seed : int >= 0, default=0
        Seeds the digits shown, the held-out split, the initial weights and
        the spiral data.
    progress : bool, default=False
        Show one progress bar per section on stderr (tqdm).
    grid : dict, optional
        ``{"alpha": [...], "max_iter": [...]}`` for section 8; overrides ``quick``.

    Returns
    -------
    path : pathlib.Path
        The written ``out_dir/index.html``.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If an argument is out of range, the data are not digits20 or a .mat
        file, or the weights do not fit the data.
    FileNotFoundError
        If ``data`` or ``weights`` names a missing file.
    NotADirectoryError
        If ``out_dir`` exists and is not a directory.

    Notes
    -----
    The held-out split keeps a stratified 20% of the digits aside; sections 6,
    8 and 10 train on the other 80% and measure on it. The cost reported is the
    course's regularized cross-entropy

    .. math::
        J(\Theta) = -\frac{1}{m} \sum_{i=1}^m \sum_{k=1}^K \left[ y_k^{(i)} \log h_k^{(i)}
            + (1 - y_k^{(i)}) \log(1 - h_k^{(i)}) \right]
            + \frac{\lambda}{2m} \sum_l \sum_{j, k \ge 1} \left(\Theta^{(l)}_{jk}\right)^2
    """
    hidden = _check_hidden(hidden)
    alpha = check_alpha(alpha)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    solver = _check_solver(solver)
    quick = _check_bool(quick, "quick")
    seed = _check_seed(seed)
    progress = _check_bool(progress, "progress")
    grid = _check_grid(QUICK_GRID if quick else DEFAULT_GRID) if grid is None else _check_grid(grid)
    data = _check_data(data)
    _check_path_like(weights, "weights", allow_none=True)
    _check_path_like(out_dir, "out_dir")

    started = datetime.datetime.now()
    t_start = time.perf_counter()
    X, y, description = _load_digits(data)
    weights_net = weights_theta = None
    if weights is not None:
        weights_net, weights_theta = _load_weights(weights, X.shape[1])
    X_train, X_test, y_train, y_test = _split(X, y, seed)
    out_dir, created = _prepare_out_dir(out_dir)
    ctx = _Context(X=X, y=y, data_description=description, X_train=X_train, X_test=X_test, y_train=y_train,
                   y_test=y_test, data=data, hidden=hidden, alpha=alpha, max_iter=max_iter, solver=solver, seed=seed,
                   grid=grid, weights=weights, weights_net=weights_net, weights_theta=weights_theta)
    stages = _Stages(progress)
    sections = []
    try:
        for title, make in zip(SECTION_TITLES, _SECTIONS):
            t0 = time.perf_counter()
            parts = make(ctx, stages)
            stages.finish()
            sections.append(_Section(title, parts, time.perf_counter() - t0))
        total = time.perf_counter() - t_start
        command = _command_line(data, weights, hidden, alpha, max_iter, solver, quick, seed)
        page = _render(sections, ctx, command, started, total)
        path = out_dir / "index.html"
        write_text(path, page)
    except BaseException:
        stages.finish()
        _remove_empty(created)
        raise
    return path
