"""Sections 1-7 and 10 of the report, one builder each, and the list of all ten in order.

A builder takes the :class:`~nnlearn.report.context.Context` and the progress
:class:`~nnlearn.report.progress.Stages`, may record results in the context for
later sections, and returns the section's HTML pieces.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .experiments import section_experiments, section_planar
from .figures import architecture_figure, cost_figure, gradcheck_figure, sigmoid_figure
from .html import figure, number_list, p, pct, table
from .settings import (
    COST_ALPHAS,
    COURSE_COSTS,
    GRADCHECK_THRESHOLD,
    INIT_EPSILON,
    N_MISCLASSIFIED,
    SIGMOID_GRADIENT_AT,
    SOLVER_DESCRIPTIONS,
    TEST_SIZE,
)


def _section_data(ctx, stages):
    from .. import plots

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
        p(f"Data set: {ctx.data_description}."),
        p(
            f"Each row of X is one {side}x{side} grey-scale image unrolled into {X.shape[1]} numbers "
            f"(column by column, as in the course's ex4data1.mat); y holds the digit it shows. "
            f"The figure shows 100 rows picked at random (seed {ctx.seed}), each scaled to its own brightest pixel."
        ),
        figure(fig, "a grid of 100 random digit images", "100 random digits from the data set.", "half"),
        number_list(
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
        table(["digit", "samples", "training", "held-out"], rows, caption="Labels per class"),
    ]


def _section_model(ctx, stages):
    from ..core import params
    from ..network import Network

    with stages.bar(2) as bar:
        ctx.net = Network([ctx.X.shape[1], *ctx.hidden, ctx.K], activation="sigmoid", output="sigmoid")
        ctx.theta0 = ctx.net.init_weights(method="uniform", epsilon=INIT_EPSILON, random_state=ctx.seed)
        fig = architecture_figure(ctx.net.layer_sizes)
        bar.update(1)
    sizes = ctx.net.layer_sizes
    shapes = params.layer_shapes(sizes)
    rows = [(f"Θ({l + 1})", f"{r} × {c}", f"{r} × ({c - 1} + 1)", r * c) for l, (r, c) in enumerate(shapes)]
    rows.append(("total", "", "", ctx.net.n_params))
    arithmetic = " + ".join(f"{r}·{c}" for r, c in shapes)
    return [
        p(
            "The network has an input layer (one unit per pixel), "
            + ("one hidden layer" if len(sizes) == 3 else f"{len(sizes) - 2} hidden layers")
            + f" of sigmoid units and an output layer of {sizes[-1]} sigmoid units, one per digit. "
            "Each layer l computes a(l+1) = g(Θ(l) [1; a(l)]): the 1 is the bias unit, so Θ(l) has one more "
            "column than layer l has units, and column 0 holds the bias weights. "
            "The prediction is the digit whose output unit is largest."
        ),
        figure(fig, "diagram of the network's layers", f"The {'-'.join(map(str, sizes))} network (at most 6 units drawn per layer)."),
        number_list(
            [
                ("layer sizes", "-".join(map(str, sizes)), "inputs, hidden units, outputs"),
                ("parameters", f"{ctx.net.n_params}", f"{arithmetic} = {ctx.net.n_params}"),
            ]
        ),
        table(["matrix", "shape", "(units × (inputs + bias))", "entries"], rows, caption="Weight matrices"),
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
    fig = cost_figure(COST_ALPHAS, [data_term] * len(COST_ALPHAS), reg_terms)
    sum_sq = sum(float(np.sum(T[:, 1:] ** 2)) for T in net.unpack(theta))
    m, K = ctx.X.shape[0], net.n_outputs
    if ctx.weights is not None:
        intro = [
            p(
                f"These are the course's pretrained weights from {Path(ctx.weights).name} "
                f"(a {'-'.join(map(str, net.layer_sizes))} network), evaluated on all {m} samples."
            ),
            p(
                "For comparison, on the course's own ex4data1.mat these weights cost "
                + ", ".join(f"{v:.6f} at λ = {a:g}" for a, v in COURSE_COSTS.items())
                + " (the values ex4.m prints); on other digits the numbers differ a little."
            ),
        ]
        ctx.summary["pretrained accuracy"] = accuracy
    else:
        intro = [
            p(
                f"No pretrained weights were given (use --weights ex4weights.mat for the course's), so this is the cost "
                f"at the random initial weights of section 6, drawn uniformly from [-{INIT_EPSILON}, {INIT_EPSILON}] "
                f"(seed {ctx.seed}), on all {m} samples."
            ),
            p(
                f"With such small weights every output unit is close to 0.5, and each of the K = {K} units costs "
                f"about ln 2 per sample, so J is about K·ln 2 = {K * np.log(2):.4f}; "
                f"the accuracy is near chance (1/K = {100 / K:.0f}%)."
            ),
        ]
    rows = [(f"{a:g}", f"{c:.6f}", f"{data_term:.6f}", f"{r:.6f}") for a, c, r in zip(COST_ALPHAS, costs, reg_terms)]
    return [
        *intro,
        p(
            "The cost is the cross-entropy of the K output units averaged over the m samples, plus the "
            "regularization term λ/(2m) · Σ Θ², the sum over every weight except the bias columns. "
            "In nnlearn λ is called alpha."
        ),
        figure(fig, "bar chart of the cost at lambda 0, 1 and 3", "The cost split into its data term and its regularization term."),
        table(["λ (alpha)", "cost J", "data term", "regularization term"], rows, caption="Cost"),
        number_list(
            [
                ("Σ Θ² (no bias)", f"{sum_sq:.4f}", f"so the regularization term is λ · {sum_sq:.4f} / (2 · {m}) = λ · {sum_sq / (2 * m):.6f}"),
                ("accuracy", pct(accuracy), f"of the {m} samples, the predicted digit (largest output) is right"),
            ]
        ),
    ]


def _section_sigmoid(ctx, stages):
    from ..core.activations import sigmoid, sigmoid_gradient

    with stages.bar(4) as bar:
        z = np.asarray(SIGMOID_GRADIENT_AT)
        g, g_prime = sigmoid(z), sigmoid_gradient(z)
        fig = sigmoid_figure(z)
        bar.update(1)
    rows = [(f"{zi:g}", f"{gi:.6f}", f"{di:.6f}") for zi, gi, di in zip(z, g, g_prime)]
    return [
        p(
            "Backpropagation multiplies the error of each hidden unit by the slope of its activation, "
            "g'(z) = g(z)(1 - g(z)). It is largest, 1/4, at z = 0 and symmetric about it; "
            "for large |z| the unit saturates and its slope (and so its learning) goes to 0."
        ),
        figure(fig, "the sigmoid function and its gradient", "The sigmoid g and its gradient g'; the dots are the values in the table.", "half"),
        table(["z", "g(z)", "g'(z)"], rows, caption="Sigmoid gradient"),
    ]


def _section_gradcheck(ctx, stages):
    from ..gradcheck import debug_problem, gradient_check

    alphas = (0.0, 3.0)
    checks = []
    with stages.bar(5, total=len(alphas)) as bar:
        net, theta, X, y = debug_problem()
        for a in alphas:
            checks.append((a, gradient_check(net, theta, X, y, alpha=a)))
            bar.update(1)
    fig = gradcheck_figure(checks)
    rows = []
    for l, shape, _ in checks[0][1].table():
        rows.append((f"Θ({l + 1})", f"{shape[0]} × {shape[1]}", *[f"{c.max_abs_error[l]:.3e}" for _, c in checks]))
    worst = max(c.relative_difference for _, c in checks)
    ctx.summary["gradient check"] = worst
    ok = worst < GRADCHECK_THRESHOLD
    return [
        p(
            f"Backpropagation is checked against central differences, (J(θ + ε e_i) - J(θ - ε e_i)) / 2ε with ε = 1e-4, "
            f"for each of the {net.n_params} parameters of the course's small debug network "
            f"({'-'.join(map(str, net.layer_sizes))}, m = {X.shape[0]}, deterministic sin-based weights), "
            f"once without and once with regularization (λ = 3, as in the course)."
        ),
        p(
            "The relative difference ||num - ana|| / ||num + ana|| is what the course asks to be below 1e-9: "
            + (f"here it is {worst:.2e}, so backpropagation is correct." if ok else f"here it is {worst:.2e}, ABOVE 1e-9: backpropagation is wrong.")
        ),
        figure(fig, "numerical against analytical gradient", "Each dot is one parameter; on the diagonal the two gradients agree."),
        number_list([(f"relative difference (λ = {a:g})", f"{c.relative_difference:.3e}", "below 1e-9 passes") for a, c in checks]),
        table(["matrix", "shape", *[f"max |num - ana|, λ = {a:g}" for a in alphas]], rows, caption="Largest difference per layer"),
        p(
            "The debug network is the one of the course's Python exercise (the Octave original builds the same one). "
            "Its first parameters as the Python exercise lists them, row by row through Θ(1) (numerical, analytical, "
            "λ = 0). The command nnlearn gradcheck prints all of them (with --variant octave in the Octave order)."
        ),
        table(["parameter", "numerical", "analytical"],
              [(f"θ{i + 1}", f"{num:.8e}", f"{ana:.8e}") for i, (num, ana) in enumerate(checks[0][1].columns("python")[:6])],
              caption="The first gradient entries, as the Python exercise prints them"),
    ]


def _section_training(ctx, stages):
    from .. import plots
    from ..optimize import train

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
    ax = fig.ax_
    ax.set_xlabel("iterations done")
    ax.set_title(f"{ctx.solver}, λ = {ctx.alpha:g}")
    return [
        p(
            f"The network of section 2 learns from the {len(ctx.y_train)} training digits: starting at the random "
            f"initial weights, the optimizer {ctx.solver} ({SOLVER_DESCRIPTIONS[ctx.solver]}) lowers the regularized "
            f"cost J (λ = {ctx.alpha:g}) using the gradient from backpropagation, for at most {ctx.max_iter} iterations."
            + (" With max_iter = 0 it keeps the initial weights: an untrained baseline." if ctx.max_iter == 0 else "")
        ),
        figure(fig, "learning curve: cost against iteration", "The cost after each iteration (iteration 0 is the initial weights).", "half"),
        number_list(
            [
                ("optimizer", f"{result.method}, {result.n_iter} iterations", f"{result.n_evaluations} cost-and-gradient evaluations; it stopped because: {result.message}"),
                ("cost", f"{result.cost_history[0]:.4f} → {result.cost_history[-1]:.4f}", "J on the training digits, including the regularization term"),
                ("training accuracy", pct(train_acc), f"of the {len(ctx.y_train)} digits it learned from"),
                ("held-out accuracy", pct(test_acc), f"of the {len(ctx.y_test)} digits it never saw: the honest measure"),
                ("wall time", f"{result.elapsed:.2f} s", "training only, on this machine"),
            ]
        ),
        p(
            "More iterations usually raise the training accuracy; the gap between training and held-out accuracy "
            "shows how much the network has memorized rather than learned. Section 8 varies λ and the number of iterations."
        ),
    ]


def _section_hidden(ctx, stages):
    from .. import plots

    with stages.bar(7) as bar:
        Theta1 = ctx.net.unpack(ctx.result.theta)[0]
        fig = plots.hidden_units(Theta1)
        fig.ax_.set_title(f"trained here (λ = {ctx.alpha:g}, {ctx.result.n_iter} iterations)")
        figures = [figure(fig, "the hidden units' input weights as images", "Each image is one hidden unit's 400 input weights.", "half")]
        if ctx.weights is not None:
            fig_w = plots.hidden_units(ctx.weights_net.unpack(ctx.weights_theta)[0])
            fig_w.ax_.set_title("the course's pretrained weights")
            figures.append(figure(fig_w, "the pretrained hidden units as images", "The same picture for the course's pretrained weights.", "half"))
        bar.update(1)
    norms = np.linalg.norm(Theta1[:, 1:], axis=1)
    s2 = Theta1.shape[0]
    return [
        p(
            f"Row j of Θ(1) holds the weights from the {Theta1.shape[1] - 1} pixels into hidden unit j (the bias dropped). "
            "Shown as an image, it is the pattern of strokes the unit responds to: light pixels push the unit on, "
            "dark pixels push it off. Each image is scaled to its own largest weight."
            + (" Only the first hidden layer is shown; deeper layers do not see pixels." if len(ctx.hidden) > 1 else "")
        ),
        '<div class="row">' + "".join(figures) + "</div>",
        number_list(
            [
                ("hidden units", f"{s2}", "one image each"),
                ("weight norm per unit", f"{norms.min():.2f} to {norms.max():.2f} (mean {norms.mean():.2f})",
                 "||Θ(1)_j|| without the bias; regularization (larger λ) shrinks it"),
            ]
        ),
    ]


def _section_confusion(ctx, stages):
    from .. import plots

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
        rows.append((str(k), int(total), int(counts[k, k]), pct(counts[k, k] / total) if total else "-"))
    off = counts.copy()
    np.fill_diagonal(off, 0)
    pairs = sorted(((off[i, j], i, j) for i in labels for j in labels if off[i, j] > 0), reverse=True)[:5]
    confused = "; ".join(f"{i} read as {j}: {c} times" for c, i, j in pairs) or "none"
    return [
        p(
            f"How the trained network of section 6 does on the {len(ctx.y_test)} held-out digits. Row i, column j of the "
            "matrix counts the digits i that the network read as j; the diagonal holds the correct answers."
        ),
        '<div class="row">'
        + figure(fig_cm, "confusion matrix of the held-out digits", "Confusion matrix (held-out digits).", "half")
        + figure(fig_wrong, "misclassified held-out digits", f"Up to {N_MISCLASSIFIED} misclassified held-out digits, marked true/predicted.", "half")
        + "</div>",
        number_list(
            [
                ("mistakes", f"{n_wrong} of {len(ctx.y_test)}", f"held-out accuracy {pct(1 - n_wrong / len(ctx.y_test))}"),
                ("most confused", confused, "true digit read as predicted digit"),
            ]
        ),
        table(["digit", "held-out samples", "correct", "recall"], rows, caption="Per digit: how many were recognized (recall = correct / held-out samples of that digit)"),
    ]


SECTIONS = (
    _section_data,
    _section_model,
    _section_cost,
    _section_sigmoid,
    _section_gradcheck,
    _section_training,
    _section_hidden,
    section_experiments,
    section_planar,
    _section_confusion,
)
