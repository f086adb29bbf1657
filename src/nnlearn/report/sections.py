"""The report's sections, one builder each, and :func:`plan`: which sections the data call for, in order.

A builder takes the :class:`~nnlearn.report.context.Context` and the progress
:class:`~nnlearn.report.progress.Stages`, may record results in the context for
later sections, and returns the section's HTML pieces.

On the course's digits the report has the course's ten sections
(:data:`~nnlearn.report.settings.COURSE_SECTIONS`). Other data get the sections
that fit them: the hidden units as images only for square image data, a
decision boundary only for classes in the plane, a confusion matrix for
classes (with the misclassified images for image data), predictions against
the true values and the residuals for regression; the lambda x iterations
experiment for all. What only the course's digits have (the pretrained
weights, the course's reference costs, the spiral demo) stays with them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .experiments import section_boundary, section_experiments, section_planar
from .figures import architecture_figure, cost_figure, gradcheck_figure, points_figure, sigmoid_figure, targets_figure
from .html import figure, number_list, p, pct, table
from .settings import (
    COST_ALPHAS,
    COURSE_COSTS,
    COURSE_SECTIONS,
    GRADCHECK_THRESHOLD,
    INIT_EPSILON,
    N_FEATURES_SHOWN,
    N_MISCLASSIFIED,
    N_WORST_SHOWN,
    SCALE_WARNING,
    SIGMOID_GRADIENT_AT,
    SOLVER_DESCRIPTIONS,
    TEST_SIZE,
    TITLES,
)


def plan(ctx):
    """The section keys of ``ctx``'s report, in order (see the module docstring)."""
    if ctx.course:
        return COURSE_SECTIONS
    keys = ["data", "model", "cost", "sigmoid", "gradcheck", "training"]
    if ctx.images:
        keys.append("hidden")
    keys.append("experiments")
    if ctx.planar:
        keys.append("boundary")
    if ctx.regression:
        keys.append("regression")
    else:
        keys.append("confusion" if ctx.images else "confusion only")
    return tuple(keys)


def titles(keys):
    """The numbered headings of the sections ``keys``: ``("1. The data", ...)``."""
    return tuple(f"{i}. {TITLES[key]}" for i, key in enumerate(keys, start=1))


def scores(ctx, y, predicted):
    """Accuracy, or ``(R^2, RMSE)`` for regression, of ``predicted`` against ``y``."""
    from ..metrics import accuracy, r2, rmse

    if ctx.regression:
        return r2(y, predicted), rmse(y, predicted)
    return accuracy(y, predicted)


def predictions(ctx, theta, X, net=None):
    """The network's (default ``ctx.net``) class indices (m,), or its outputs for regression ((m,) for one target,
    else (m, K))."""
    predicted = (net or ctx.net).predict(theta, X)
    if ctx.regression and ctx.y.ndim == 1:
        return predicted[:, 0]
    return predicted


# -- 1. the data ---------------------------------------------------------------------------------------------------


def _section_data(ctx, stages):
    if ctx.course:
        return _section_course_data(ctx, stages)
    from .. import plots

    X, y, info = ctx.X, ctx.y, ctx.info
    with stages.bar() as bar:
        fig = None
        if ctx.images:
            fig = plots.digits_grid(X, n=100, random_state=ctx.seed, order=ctx.pixel_order)
            what = ("a grid of 100 random images", "100 random images from the data set.")
        elif X.shape[1] == 2 and not ctx.regression:
            fig = points_figure(X, y, ctx.class_names)
            what = ("the points in the plane, colored by class", f"The {X.shape[0]} points, colored by class.")
        elif ctx.regression:
            fig = targets_figure(y)
            what = ("histogram of the targets", "How the targets are spread.")
        bar.update(1)
    m, n = X.shape
    if ctx.images:
        h, w = info.image_shape
        order = "row by row" if ctx.pixel_order == "C" else "column by column"
        rows = (f"Each row of X is one {h}x{w} grey-scale image unrolled into {n} numbers ({order}); y holds the "
                f"class it shows. The figure shows 100 rows picked at random (seed {ctx.seed}), each scaled to its own "
                "brightest pixel.")
    elif n == 2:
        rows = f"Each row of X is a point (x1, x2) in the plane; y holds its {'target' if ctx.regression else 'class'}."
    else:
        named = f" ({', '.join(info.feature_names[:8])}{', ...' if n > 8 else ''})" if info.feature_names else ""
        rows = f"Each row of X holds {n} numeric features{named}; y holds its {'target' if ctx.regression else 'class'}."
    parts = [p(f"Data set: {ctx.data_description}."), p(rows)]
    spread = X.std(axis=0)
    spread = spread[spread > 0]
    if spread.size and spread.max() / spread.min() > SCALE_WARNING and not ctx.images:
        parts.append(p(
            f"The features' spreads differ a lot (standard deviations from {spread.min():.3g} to {spread.max():.3g}). "
            "This report trains on the data as given; a sigmoid network learns better from features of similar "
            "scale, so standardize them (e.g. scikit-learn's StandardScaler, fitted on the training rows) for a "
            "better fit."
        ))
    if fig is not None:
        parts.append(figure(fig, what[0], what[1], "half"))
    split = (f"a stratified {100 * (1 - TEST_SIZE):.0f}/{100 * TEST_SIZE:.0f} split (seed {ctx.seed})" if not ctx.regression
             else f"a shuffled {100 * (1 - TEST_SIZE):.0f}/{100 * TEST_SIZE:.0f} split (seed {ctx.seed})")
    if ctx.regression:
        target = ("y", f"shape {y.shape}, values {y.min():.4g} to {y.max():.4g}",
                  f"mean {y.mean():.4g}, standard deviation {y.std():.4g}: the network's output units are linear")
    else:
        target = ("y", f"shape {y.shape}, {len(ctx.class_names)} classes",
                  f"class index k is output unit k: {', '.join(ctx.class_names[:10])}"
                  f"{', ...' if len(ctx.class_names) > 10 else ''}")
    parts.append(number_list([
        ("X", f"shape {X.shape}, {X.dtype}", f"m = {m} samples, n = {n} features"),
        target,
        ("feature values", f"{X.min():.3g} to {X.max():.3g}", "over every feature"),
        ("split", f"{len(ctx.y_train)} training / {len(ctx.y_test)} held-out",
         f"{split}; the network learns from the training rows only, the held-out rows measure how well it generalizes"),
    ]))
    if not ctx.regression:
        counts = [(name, int((y == k).sum()), int((ctx.y_train == k).sum()), int((ctx.y_test == k).sum()))
                  for k, name in enumerate(ctx.class_names)]
        counts.append(("all", m, len(ctx.y_train), len(ctx.y_test)))
        parts.append(table(["class", "samples", "training", "held-out"], counts, caption="Labels per class"))
    if not ctx.images:
        names = info.feature_names or tuple(f"x{j + 1}" for j in range(n))
        rows = [(names[j], f"{X[:, j].min():.4g}", _mean_text(X[:, j]), f"{X[:, j].max():.4g}",
                 f"{X[:, j].std():.4g}") for j in range(min(n, N_FEATURES_SHOWN))]
        more = f" (the first {N_FEATURES_SHOWN} of {n})" if n > N_FEATURES_SHOWN else ""
        parts.append(table(["feature", "min", "mean", "max", "std"], rows, caption=f"Features{more}"))
    return parts


def _mean_text(column):
    """The mean of a feature as text; 0 when it is 0 up to rounding (a centered feature's 1e-17 reads as 0)."""
    mean, scale = float(column.mean()), float(np.abs(column).max())
    return "0" if abs(mean) <= 1e-12 * scale else f"{mean:.4g}"


def _section_course_data(ctx, stages):
    from .. import plots

    with stages.bar() as bar:
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


# -- 2. the model --------------------------------------------------------------------------------------------------


def _section_model(ctx, stages):
    from ..core import params
    from ..network import Network

    with stages.bar() as bar:
        output = "identity" if ctx.regression else "sigmoid"
        ctx.net = Network([ctx.X.shape[1], *ctx.hidden, ctx.K], activation="sigmoid", output=output)
        ctx.theta0 = ctx.net.init_weights(method="uniform", epsilon=INIT_EPSILON, random_state=ctx.seed)
        fig = architecture_figure(ctx.net.layer_sizes)
        bar.update(1)
    sizes = ctx.net.layer_sizes
    shapes = params.layer_shapes(sizes)
    rows = [(f"Θ({l + 1})", f"{r} × {c}", f"{r} × ({c - 1} + 1)", r * c) for l, (r, c) in enumerate(shapes)]
    rows.append(("total", "", "", ctx.net.n_params))
    arithmetic = " + ".join(f"{r}·{c}" for r, c in shapes)
    if ctx.regression:
        outputs = (f"an output layer of {sizes[-1]} linear (identity) unit{'s' if sizes[-1] > 1 else ''}, one per "
                   "target. ")
        prediction = "The prediction is the output itself, h = Θ(L-1) [1; a(L-1)], a real number per target."
    else:
        outputs = f"an output layer of {sizes[-1]} sigmoid units, one per {ctx.klass}. "
        prediction = f"The prediction is the {ctx.klass} whose output unit is largest."
    return [
        p(
            f"The network has an input layer (one unit per {ctx.unit}), "
            + ("one hidden layer" if len(sizes) == 3 else f"{len(sizes) - 2} hidden layers")
            + " of sigmoid units and " + outputs
            + "Each layer l computes a(l+1) = g(Θ(l) [1; a(l)]): the 1 is the bias unit, so Θ(l) has one more "
            "column than layer l has units, and column 0 holds the bias weights. " + prediction
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


# -- 3. the cost ---------------------------------------------------------------------------------------------------


def _section_cost(ctx, stages):
    with stages.bar(total=len(COST_ALPHAS)) as bar:
        if ctx.weights is not None:
            net, theta = ctx.weights_net, ctx.weights_theta
        else:
            net, theta = ctx.net, ctx.theta0
        costs = []
        for a in COST_ALPHAS:
            costs.append(net.cost(theta, ctx.X, ctx.y, alpha=a))
            bar.update(1)
        score = scores(ctx, ctx.y, predictions(ctx, theta, ctx.X, net))
    data_term = costs[0]
    reg_terms = [c - data_term for c in costs]
    label = "data term (squared error)" if ctx.regression else "data term (cross-entropy)"
    fig = cost_figure(COST_ALPHAS, [data_term] * len(COST_ALPHAS), reg_terms, label)
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
        ctx.summary["pretrained accuracy"] = score
    else:
        given = ("No pretrained weights were given (use --weights ex4weights.mat for the course's), so this is the cost"
                 if ctx.course else "This is the cost")
        intro = [
            p(
                f"{given} at the random initial weights of section {ctx.number('training')}, drawn uniformly from "
                f"[-{INIT_EPSILON}, {INIT_EPSILON}] (seed {ctx.seed}), on all {m} samples."
            ),
        ]
        if ctx.regression:
            mean_square = float(np.mean(np.sum(ctx.y.reshape(m, -1) ** 2, axis=1))) / 2
            intro.append(p(
                "With such small weights every output is close to 0, so the data term is close to half the mean "
                f"squared target, Σ y² / 2m = {mean_square:.6g}; R² is near 0 or below it (predicting a constant)."
            ))
        else:
            chance = "1/K" if K == ctx.n_classes else f"1/{ctx.n_classes}, one unit for two classes"
            intro.append(p(
                f"With such small weights every output unit is close to 0.5, and each of the K = {K} units costs "
                f"about ln 2 per sample, so J is about K·ln 2 = {K * np.log(2):.4f}; "
                f"the accuracy is near chance ({chance} = {100 / ctx.n_classes:.0f}%)."
            ))
    rows = [(f"{a:g}", f"{c:.6f}", f"{data_term:.6f}", f"{r:.6f}") for a, c, r in zip(COST_ALPHAS, costs, reg_terms)]
    if ctx.regression:
        what = ("The cost is half the squared error of the output units, summed over the targets and averaged over "
                "the m samples,")
        numbers = [("R²", f"{score[0]:.4f}", f"on the {m} samples (RMSE {score[1]:.4g})")]
    else:
        what = "The cost is the cross-entropy of the K output units averaged over the m samples,"
        numbers = [("accuracy", pct(score), f"of the {m} samples, the predicted {ctx.klass} (largest output) is right")]
    return [
        *intro,
        p(
            f"{what} plus the regularization term λ/(2m) · Σ Θ², the sum over every weight except the bias columns. "
            "In nnlearn λ is called alpha."
        ),
        figure(fig, "bar chart of the cost at lambda 0, 1 and 3", "The cost split into its data term and its regularization term."),
        table(["λ (alpha)", "cost J", "data term", "regularization term"], rows, caption="Cost"),
        number_list(
            [
                ("Σ Θ² (no bias)", f"{sum_sq:.4f}", f"so the regularization term is λ · {sum_sq:.4f} / (2 · {m}) = λ · {sum_sq / (2 * m):.6f}"),
                *numbers,
            ]
        ),
    ]


# -- 4. the sigmoid gradient, 5. the gradient check ----------------------------------------------------------------


def _section_sigmoid(ctx, stages):
    from ..core.activations import sigmoid, sigmoid_gradient

    with stages.bar() as bar:
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
    from ..core import params
    from ..gradcheck import debug_problem, gradient_check

    alphas = (0.0, 3.0)
    checks = []
    with stages.bar(total=len(alphas)) as bar:
        if ctx.regression:  # identity outputs and real targets: the squared-error cost of this report
            net, theta, X, _ = debug_problem(output="identity")
            y = params.debug_weights(X.shape[0], net.n_outputs - 1)  # (m, K) sin-based real targets
        else:
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
    network = ("the course's small debug network" if not ctx.regression else
               "the course's small debug network with identity outputs and real (sin-based) targets, the squared-error "
               "cost of this report's network")
    return [
        p(
            f"Backpropagation is checked against central differences, (J(θ + ε e_i) - J(θ - ε e_i)) / 2ε with ε = 1e-4, "
            f"for each of the {net.n_params} parameters of {network} "
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


# -- 6. training, 7. the hidden layer ------------------------------------------------------------------------------


def _section_training(ctx, stages):
    from .. import plots
    from ..optimize import train

    with stages.bar(total=ctx.max_iter, unit="it") as bar:

        def callback(iteration, theta, cost):
            bar.update(1)
            bar.set_postfix(cost=f"{cost:.4f}", refresh=False)

        ctx.result = result = train(
            ctx.net, ctx.theta0, ctx.X_train, ctx.y_train, alpha=ctx.alpha, method=ctx.solver,
            max_iter=ctx.max_iter, callback=callback, random_state=ctx.seed,
        )
    train_score = scores(ctx, ctx.y_train, predictions(ctx, result.theta, ctx.X_train))
    test_score = scores(ctx, ctx.y_test, predictions(ctx, result.theta, ctx.X_test))
    ctx.summary.update(train_accuracy=train_score, test_accuracy=test_score, train_time=result.elapsed)
    fig = plots.learning_curve(result.cost_history)
    ax = fig.ax_
    ax.set_xlabel("iterations done")
    ax.set_title(f"{ctx.solver}, λ = {ctx.alpha:g}")
    noun = ctx.noun
    if ctx.regression:
        numbers = [
            ("training R²", f"{train_score[0]:.4f}", f"RMSE {train_score[1]:.4g} on the {len(ctx.y_train)} {noun} it learned from"),
            ("held-out R²", f"{test_score[0]:.4f}", f"RMSE {test_score[1]:.4g} on the {len(ctx.y_test)} {noun} it never saw: "
             "the honest measure"),
        ]
        lesson = ("More iterations usually raise the training R²; the gap between training and held-out R² shows how "
                  "much the network has memorized rather than learned.")
    else:
        numbers = [
            ("training accuracy", pct(train_score), f"of the {len(ctx.y_train)} {noun} it learned from"),
            ("held-out accuracy", pct(test_score), f"of the {len(ctx.y_test)} {noun} it never saw: the honest measure"),
        ]
        lesson = ("More iterations usually raise the training accuracy; the gap between training and held-out accuracy "
                  "shows how much the network has memorized rather than learned.")
    return [
        p(
            f"The network of section 2 learns from the {len(ctx.y_train)} training {noun}: starting at the random "
            f"initial weights, the optimizer {ctx.solver} ({SOLVER_DESCRIPTIONS[ctx.solver]}) lowers the regularized "
            f"cost J (λ = {ctx.alpha:g}) using the gradient from backpropagation, for at most {ctx.max_iter} iterations."
            + (" With max_iter = 0 it keeps the initial weights: an untrained baseline." if ctx.max_iter == 0 else "")
        ),
        figure(fig, "learning curve: cost against iteration", "The cost after each iteration (iteration 0 is the initial weights).", "half"),
        number_list(
            [
                ("optimizer", f"{result.method}, {result.n_iter} iterations", f"{result.n_evaluations} cost-and-gradient evaluations; it stopped because: {result.message}"),
                ("cost", f"{result.cost_history[0]:.4f} → {result.cost_history[-1]:.4f}",
                 f"J on the training {noun}, including the regularization term"),
                *numbers,
                ("wall time", f"{result.elapsed:.2f} s", "training only, on this machine"),
            ]
        ),
        p(f"{lesson} Section {ctx.number('experiments')} varies λ and the number of iterations."),
    ]


def _section_hidden(ctx, stages):
    from .. import plots

    with stages.bar() as bar:
        Theta1 = ctx.net.unpack(ctx.result.theta)[0]
        fig = plots.hidden_units(Theta1, order=ctx.pixel_order)
        fig.ax_.set_title(f"trained here (λ = {ctx.alpha:g}, {ctx.result.n_iter} iterations)")
        figures = [figure(fig, "the hidden units' input weights as images",
                          f"Each image is one hidden unit's {Theta1.shape[1] - 1} input weights.", "half")]
        if ctx.weights is not None:
            fig_w = plots.hidden_units(ctx.weights_net.unpack(ctx.weights_theta)[0])
            fig_w.ax_.set_title("the course's pretrained weights")
            figures.append(figure(fig_w, "the pretrained hidden units as images", "The same picture for the course's pretrained weights.", "half"))
        bar.update(1)
    norms = np.linalg.norm(Theta1[:, 1:], axis=1)
    s2 = Theta1.shape[0]
    strokes = "the pattern of strokes" if ctx.course else "the pattern"
    return [
        p(
            f"Row j of Θ(1) holds the weights from the {Theta1.shape[1] - 1} pixels into hidden unit j (the bias dropped). "
            f"Shown as an image, it is {strokes} the unit responds to: light pixels push the unit on, "
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


# -- the last section: confusion matrix and mistakes, or predictions and residuals -------------------------------


def _section_confusion(ctx, stages):
    from .. import plots

    with stages.bar() as bar:
        predicted = ctx.net.predict(ctx.result.theta, ctx.X_test)
        labels = np.arange(ctx.n_classes)
        fig_cm = plots.confusion_matrix(ctx.y_test, predicted, labels=labels)
        if not ctx.course:
            names = list(ctx.class_names)
            ax = fig_cm.axes[0]
            ax.set_xticks(labels, names, rotation=45 if max(map(len, names)) > 3 else 0, ha="right"
                          if max(map(len, names)) > 3 else "center")
            ax.set_yticks(labels, names)
        fig_wrong = None
        if ctx.images:
            fig_wrong = plots.misclassified(ctx.X_test, ctx.y_test, predicted, n=N_MISCLASSIFIED, random_state=ctx.seed,
                                            order=ctx.pixel_order)
        bar.update(1)
    _, counts = plots.confusion_table(ctx.y_test, predicted, labels=labels)
    n_wrong = int(np.sum(ctx.y_test != predicted))
    names = [str(k) for k in labels] if ctx.course else list(ctx.class_names)
    rows = []
    for k in labels:
        total = counts[k].sum()
        rows.append((names[k], int(total), int(counts[k, k]), pct(counts[k, k] / total) if total else "-"))
    off = counts.copy()
    np.fill_diagonal(off, 0)
    pairs = sorted(((off[i, j], i, j) for i in labels for j in labels if off[i, j] > 0), reverse=True)[:5]
    confused = "; ".join(f"{names[i]} read as {names[j]}: {c} times" for c, i, j in pairs) or "none"
    noun, klass = ctx.noun, ctx.klass
    if ctx.course:
        matrix_text = (f"How the trained network of section 6 does on the {len(ctx.y_test)} held-out digits. Row i, column j of the "
                       "matrix counts the digits i that the network read as j; the diagonal holds the correct answers.")
    else:
        matrix_text = (f"How the trained network of section {ctx.number('training')} does on the {len(ctx.y_test)} held-out "
                       f"{noun}. Row i, column j of the matrix counts the {noun} of class i that the network read as "
                       "class j; the diagonal holds the correct answers.")
    matrix = figure(fig_cm, f"confusion matrix of the held-out {noun}", f"Confusion matrix (held-out {noun}).", "half")
    if fig_wrong is not None:
        wrong = figure(fig_wrong, f"misclassified held-out {noun}",
                       f"Up to {N_MISCLASSIFIED} misclassified held-out {noun}, marked true/predicted.", "half")
        row = '<div class="row">' + matrix + wrong + "</div>"
    else:
        row = '<div class="row">' + matrix + "</div>"
    return [
        p(matrix_text),
        row,
        number_list(
            [
                ("mistakes", f"{n_wrong} of {len(ctx.y_test)}", f"held-out accuracy {pct(1 - n_wrong / len(ctx.y_test))}"),
                ("most confused", confused, f"true {klass} read as predicted {klass}"),
            ]
        ),
        table([klass, "held-out samples", "correct", "recall"], rows,
              caption=f"Per {klass}: how many were recognized (recall = correct / held-out samples of that {klass})"),
    ]


def _section_regression(ctx, stages):
    from .. import plots

    with stages.bar() as bar:
        predicted = predictions(ctx, ctx.result.theta, ctx.X_test)
        fig_pvt = plots.predicted_vs_true(ctx.y_test, predicted)
        fig_res = plots.residuals(ctx.y_test, predicted)
        bar.update(1)
    r2, rmse = scores(ctx, ctx.y_test, predicted)
    Y, H = ctx.y_test.reshape(len(ctx.y_test), -1), predicted.reshape(len(ctx.y_test), -1)
    residual = Y - H
    worst = np.argsort(-np.abs(residual).max(axis=1), kind="stable")[:N_WORST_SHOWN]
    rows = [(str(i), ", ".join(f"{t:.4g}" for t in Y[i]), ", ".join(f"{h:.4g}" for h in H[i]),
             ", ".join(f"{r:+.4g}" for r in residual[i])) for i in worst]
    baseline = float(np.sqrt(np.mean((Y - ctx.y_train.reshape(len(ctx.y_train), -1).mean(axis=0)) ** 2)))
    return [
        p(
            f"How the trained network of section {ctx.number('training')} does on the {len(ctx.y_test)} held-out "
            f"{ctx.noun}. On the left each point is one held-out row, its prediction against its true target: on the "
            "dashed diagonal the prediction is exact. On the right the residual, true minus predicted, against the "
            "prediction: a good fit leaves a band around 0 without a trend; a curve or a funnel shows what the network "
            "misses."
        ),
        '<div class="row">'
        + figure(fig_pvt, "predicted against true targets of the held-out rows", "Predicted against true (held-out rows).", "half")
        + figure(fig_res, "residuals against predictions of the held-out rows", "Residuals (held-out rows).", "half")
        + "</div>",
        number_list(
            [
                ("held-out R²", f"{r2:.4f}", "1 is a perfect fit, 0 the fit of predicting the mean"),
                ("held-out RMSE", f"{rmse:.4g}", f"in the targets' units; predicting the training mean gives {baseline:.4g}"),
            ]
        ),
        table(["held-out row", "true", "predicted", "residual"], rows,
              caption=f"The {len(rows)} held-out rows with the largest residuals"),
    ]


BUILDERS = {
    "data": _section_data,
    "model": _section_model,
    "cost": _section_cost,
    "sigmoid": _section_sigmoid,
    "gradcheck": _section_gradcheck,
    "training": _section_training,
    "hidden": _section_hidden,
    "experiments": section_experiments,
    "planar": section_planar,
    "boundary": section_boundary,
    "confusion": _section_confusion,
    "confusion only": _section_confusion,
    "regression": _section_regression,
}
# The builders of the report on the course's digits, in order.
SECTIONS = tuple(BUILDERS[key] for key in COURSE_SECTIONS)
