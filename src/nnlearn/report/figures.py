"""The report's own figures: the network's architecture, the cost's two terms, the sigmoid, the gradient check,
grids of decision boundaries and of hidden units, points in the plane and a histogram of the targets (the
single figures come from :mod:`nnlearn.plots`).

Each function returns a new :class:`matplotlib.figure.Figure` (no pyplot); matplotlib is imported inside.
"""

from __future__ import annotations

import numpy as np


def _new_figure(figsize):
    from matplotlib.figure import Figure

    return Figure(figsize=figsize)


def architecture_figure(layer_sizes):
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
        ax.text(l, -0.02, f"{name}\n{s} unit{'s' if s != 1 else ''}", ha="center", va="top", fontsize=9)
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


def cost_figure(alphas, data_terms, reg_terms, data_label="data term (cross-entropy)"):
    """Stacked bars: J(λ) = data term + regularization term."""
    fig = _new_figure((5, 3.2))
    ax = fig.add_subplot()
    x = np.arange(len(alphas))
    ax.bar(x, data_terms, color="tab:blue", label=data_label)
    ax.bar(x, reg_terms, bottom=data_terms, color="tab:orange", label="regularization term")
    for xi, total in zip(x, np.add(data_terms, reg_terms)):
        ax.text(xi, total, f"{total:.6f}" if total < 1e4 else f"{total:.6g}", ha="center", va="bottom", fontsize=9)
    ax.set_xticks(x, [f"λ = {a:g}" for a in alphas])
    ax.set_ylabel("cost J")
    ax.set_ylim(0, 1.18 * max(np.add(data_terms, reg_terms)))
    ax.legend(loc="upper left", fontsize=8)
    return fig


def sigmoid_figure(points):
    from ..core.activations import sigmoid, sigmoid_gradient

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


def gradcheck_figure(checks):
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


def _grid_figure(titles, n_cols, cell_size, draw):
    """One panel per title in rows of ``n_cols``, each ``cell_size`` (width, height) inches; ``draw(ax, i)`` fills panel i."""
    n_rows = -(-len(titles) // n_cols)
    fig = _new_figure((cell_size[0] * n_cols, cell_size[1] * n_rows))
    for i, title in enumerate(titles):
        ax = fig.add_subplot(n_rows, n_cols, i + 1)
        draw(ax, i)
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig


def boundary_grid_figure(models, X, y, titles, n_cols):
    """The decision boundary of each model over the points ``X`` (m, 2), ``y`` (m,); only panel 0 keeps its legend."""
    from .. import plots

    def draw(ax, i):
        plots.decision_boundary(models[i], X, y, ax=ax, resolution=150)
        ax.set_xlabel("")
        ax.set_ylabel("")
        legend = ax.get_legend()
        if legend is not None and i > 0:
            legend.remove()

    return _grid_figure(titles, n_cols, (3.4, 3.0), draw)


def hidden_units_grid_figure(thetas1_list, titles, n_cols, order="F"):
    """The hidden units of each ``Theta1`` (s_2, 1 + n) in ``thetas1_list`` as images (:func:`nnlearn.plots.hidden_units`),
    the inputs' pixels in ``order``."""
    from .. import plots

    return _grid_figure(titles, n_cols, (3.0, 3.2), lambda ax, i: plots.hidden_units(thetas1_list[i], order=order, ax=ax))


def points_figure(X, y, class_names):
    """The points ``X`` (m, 2) in the plane, one color per class index of ``y`` (m,), named by ``class_names``."""
    import matplotlib

    fig = _new_figure((5, 4.2))
    ax = fig.add_subplot()
    cmap = matplotlib.colormaps["tab10"]
    for k, name in enumerate(class_names):
        mask = y == k
        ax.scatter(X[mask, 0], X[mask, 1], s=16, color=cmap(k % 10), edgecolors="k", linewidths=0.4, label=name)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(title="class", loc="best", fontsize=8)
    return fig


def targets_figure(y):
    """A histogram of the regression targets ``y`` (m,) or (m, k), one per output."""
    fig = _new_figure((5, 3.2))
    ax = fig.add_subplot()
    Y = y.reshape(y.shape[0], -1)
    for j in range(Y.shape[1]):
        ax.hist(Y[:, j], bins=30, alpha=0.7, label=f"output {j}" if Y.shape[1] > 1 else None)
    ax.set_xlabel("target value")
    ax.set_ylabel("samples")
    if Y.shape[1] > 1:
        ax.legend(fontsize=8)
    return fig
