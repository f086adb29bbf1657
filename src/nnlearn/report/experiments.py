"""The report's experiments: a grid of λ x max_iter on the data, the planar exercise on the spirals (the course's
digits' report), and the decision boundary of data in the plane."""

from __future__ import annotations

import time
import warnings

import numpy as np

from .figures import boundary_grid_figure, hidden_units_grid_figure
from .html import figure, number_list, p, pct, table
from .settings import PLANAR_ALPHA, PLANAR_COMPARE_HIDDEN, PLANAR_HIDDEN_SIZES, PLANAR_MAX_ITER, PLANAR_SOLVER


def _fmt_pct(value):
    return "failed" if value is None or not np.isfinite(value) else pct(value)


def _fmt_r2(value):
    return "failed" if value is None or not np.isfinite(value) else f"{value:.4f}"


def section_experiments(ctx, stages):
    from .. import plots, sweep

    alphas, iters = ctx.grid["alpha"], ctx.grid["max_iter"]
    data = (ctx.X_train, ctx.y_train, ctx.X_test, ctx.y_test)  # the split of the training section
    records = []
    with stages.bar(total=len(alphas) * len(iters), unit="run") as bar:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a failed run is recorded in its record and shown in the table
            for a in alphas:
                for it in iters:
                    cell = {"alpha": [a], "max_iter": [it], "hidden_layer_sizes": [ctx.hidden],
                            "solver": [ctx.solver], "random_state": [ctx.seed]}
                    records.extend(sweep.run(cell, data, progress=False, task=ctx.task))
                    bar.update(1)
                    bar.set_postfix_str(f"alpha={a:g} max_iter={it}", refresh=False)
    score, fmt = ("r2", _fmt_r2) if ctx.regression else ("accuracy", _fmt_pct)
    what = "R²" if ctx.regression else "accuracy"
    figs = [
        figure(plots.sweep_heatmap(records, metric=f"train_{score}"),
               f"heatmap of training {what} over lambda and max_iter", f"Training {what}.", "half"),
        figure(plots.sweep_heatmap(records, metric=f"test_{score}"),
               f"heatmap of held-out {what} over lambda and max_iter", f"Held-out {what}.", "half"),
    ]
    by_cell = {(float(r["alpha"]), int(r["max_iter"])): r for r in records}
    rows = []
    for a in alphas:
        for it in iters:
            r = by_cell[(a, it)]
            train_value, test_value = r[f"train_{score}"], r[f"test_{score}"]
            ok = r.get("error") is None
            gap = (100 * (train_value - test_value) if not ctx.regression else train_value - test_value) if ok else None
            rows.append((
                f"{a:g}", it, r["n_iter"] if ok else "-", f"{r['final_cost']:.4f}" if ok else "-",
                fmt(train_value), fmt(test_value),
                (f"{gap:+.2f}" if not ctx.regression else f"{gap:+.4f}") if ok else str(r.get("error")),
                f"{r['seconds']:.2f}",
            ))
    header = ["λ (alpha)", "max_iter", "iterations done", "final cost", f"training {what}", f"held-out {what}",
              "gap (points)" if not ctx.regression else "gap", "time (s)"]

    # Hidden units of a few cells: the extremes of λ at the most iterations, and the middle λ early on.
    hidden_fig = hidden_text = ""
    middle = alphas[len(alphas) // 2]
    picks = [(alphas[0], iters[-1]), (middle, iters[-1]), (alphas[-1], iters[-1]), (middle, iters[0])]
    chosen = []
    for cell in picks:
        if ctx.images and cell not in chosen and by_cell[cell].get("thetas") is not None:
            chosen.append(cell)
    if chosen:
        Theta1s = [np.asarray(by_cell[c]["thetas"][0]) for c in chosen]
        norms = [float(np.linalg.norm(T[:, 1:], axis=1).mean()) for T in Theta1s]
        fig_h = hidden_units_grid_figure(
            Theta1s, [f"λ = {a:g}, max_iter = {it}\nmean ||Θ(1)_j|| = {n:.2f}" for (a, it), n in zip(chosen, norms)],
            n_cols=len(chosen), order=ctx.pixel_order,
        )
        hidden_fig = figure(fig_h, "hidden units for a few cells of the grid", "Hidden units of a few runs of the grid.")
        hidden_text = p(
            "What to look for in the hidden units: regularization shrinks the weights (the mean norm of a unit's "
            "weights is "
            + ", ".join(f"{n:.2f} at λ = {a:g}, max_iter = {it}" for (a, it), n in zip(chosen, norms))
            + "), which smooths the images; with little regularization and many iterations units can pick up "
            f"speckled, pixel-level detail that fits the training {ctx.noun} only; too few iterations leave them close "
            "to their random start."
        )
    finished = [r for r in records if r.get("error") is None]
    notes = []
    if finished:
        best = max(finished, key=lambda r: r[f"test_{score}"])
        fit = max(finished, key=lambda r: r[f"train_{score}"] - r[f"test_{score}"])
        gap = fit[f"train_{score}"] - fit[f"test_{score}"]
        notes = [
            (f"best held-out {what}", fmt(best[f"test_{score}"]), f"at λ = {best['alpha']:g}, max_iter = {best['max_iter']}"),
            ("largest gap", f"{100 * gap:.2f} points" if not ctx.regression else f"{gap:.4f}",
             f"training minus held-out {what} at λ = {fit['alpha']:g}, max_iter = {fit['max_iter']}: the most overfitting"),
        ]
    guess_text = ""
    if not ctx.regression:
        chance = 1.0 / ctx.n_classes
        guessing = [r for r in finished if r["test_accuracy"] <= chance + 0.02]
        if guessing:
            worst_alphas = sorted({float(r["alpha"]) for r in guessing})
            guess_text = (
                f" In this grid λ = {', '.join(f'{a:g}' for a in worst_alphas)} leaves the network no better than "
                f"guessing (about 1/K = {100 * chance:.0f}% held-out accuracy)."
            )
    else:
        constant = [r for r in finished if r["test_r2"] <= 0.02]
        if constant:
            worst_alphas = sorted({float(r["alpha"]) for r in constant})
            guess_text = (f" In this grid λ = {', '.join(f'{a:g}' for a in worst_alphas)} leaves the network no better "
                          "than predicting a constant (held-out R² about 0 or below).")
    return [
        p(
            f"The same {'-'.join(map(str, ctx.net.layer_sizes))} network trained {len(records)} times with nnlearn.sweep, "
            f"once for every pair of λ in {{{', '.join(f'{a:g}' for a in alphas)}}} and max_iter in "
            f"{{{', '.join(map(str, iters))}}} ({ctx.solver}, the initial weights of seed {ctx.seed}, the same training "
            f"and held-out {ctx.noun} as section {ctx.number('training')})."
        ),
        p(
            "Read the table as the course's lesson on bias and variance. With little regularization and many "
            f"iterations the network fits its training {ctx.noun} closely, and the gap between training and held-out "
            f"{what} measures overfitting. A large λ pulls the weights towards 0: training and held-out {what} "
            "drop together, which is underfitting. Too few iterations also underfit, whatever λ is." + guess_text
        ),
        '<div class="row">' + "".join(figs) + "</div>",
        table(header, rows, caption="Every run of the grid"),
        number_list(notes) if notes else "",
        hidden_fig,
        hidden_text,
    ]


def _planar_models(X_tr, y_tr, seed, bar):
    """The logistic baseline and a tanh network per size of :data:`PLANAR_HIDDEN_SIZES` fitted on the training points."""
    from ..datasets import logistic_baseline
    from ..estimator import MLPClassifier

    logistic = logistic_baseline(X_tr, y_tr, random_state=seed)
    bar.update(1)
    networks = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: the table reports the iterations
        for h in PLANAR_HIDDEN_SIZES:
            t0 = time.perf_counter()
            clf = MLPClassifier(hidden_layer_sizes=(h,), activation="tanh", alpha=PLANAR_ALPHA,
                                solver=PLANAR_SOLVER, max_iter=PLANAR_MAX_ITER, random_state=seed)
            clf.fit(X_tr, y_tr)
            networks[h] = (clf, time.perf_counter() - t0)
            bar.update(1)
    return logistic, networks


def _planar_comparison(logistic, networks, X_tr, y_tr, X_te, y_te):
    """Scores, figures and the table of the planar comparison: logistic regression against tanh networks."""
    logistic_train, logistic_test = logistic.score(X_tr, y_tr), logistic.score(X_te, y_te)
    train_accs = [networks[h][0].score(X_tr, y_tr) for h in PLANAR_HIDDEN_SIZES]
    test_accs = [networks[h][0].score(X_te, y_te) for h in PLANAR_HIDDEN_SIZES]
    compare_train = train_accs[PLANAR_HIDDEN_SIZES.index(PLANAR_COMPARE_HIDDEN)]
    fig_compare = boundary_grid_figure(
        [logistic, networks[PLANAR_COMPARE_HIDDEN][0]], X_tr, y_tr,
        [f"logistic regression: {pct(logistic_train)}",
         f"tanh network, {PLANAR_COMPARE_HIDDEN} hidden units: {pct(compare_train)}"], n_cols=2,
    )
    fig_sizes = boundary_grid_figure(
        [networks[h][0] for h in PLANAR_HIDDEN_SIZES], X_tr, y_tr,
        [f"{h} hidden unit{'s' if h > 1 else ''}: {pct(a)}" for h, a in zip(PLANAR_HIDDEN_SIZES, train_accs)], n_cols=4,
    )
    rows = [("logistic regression", "-", pct(logistic_train), pct(logistic_test), "-")]
    for h, train_acc, test_acc in zip(PLANAR_HIDDEN_SIZES, train_accs, test_accs):
        clf, seconds = networks[h]
        rows.append((f"{h} hidden unit{'s' if h > 1 else ''}", clf.n_iter_, pct(train_acc), pct(test_acc), f"{seconds:.2f}"))
    enough = next(h for h, a in zip(PLANAR_HIDDEN_SIZES, train_accs) if a >= max(train_accs) - 0.01)
    largest = PLANAR_HIDDEN_SIZES[-1]
    closing = p(
        f"Here 1 hidden unit reaches {pct(train_accs[0])} of the training points (the straight line of logistic "
        f"regression: {pct(logistic_train)}); {enough} hidden unit{'s are' if enough > 1 else ' is'} the smallest layer within 1 point of the best "
        f"training accuracy ({pct(max(train_accs))}); with {largest} units the network reaches "
        f"{pct(train_accs[-1])} on the training points and {pct(test_accs[-1])} on the held-out ones. "
        "A larger layer can bend the boundary more; the held-out column shows whether the extra bends generalize."
    )
    figures = [
        figure(fig_compare, "decision boundaries of logistic regression and a tanh network", "Logistic regression beside the tanh network."),
        figure(fig_sizes, "decision boundaries for 1, 2, 3, 4, 5, 20 and 50 hidden units", "The network's boundary as the hidden layer grows."),
        table(["model", "iterations", "training accuracy", "held-out accuracy", "time (s)"], rows, caption="Planar data: accuracy by model"),
    ]
    return (logistic_train, compare_train), figures, closing


def section_planar(ctx, stages):
    """The course's planar exercise beside the digits: the spirals, logistic regression against tanh networks."""
    from sklearn.model_selection import train_test_split

    from ..datasets import make_spirals

    with stages.bar(total=len(PLANAR_HIDDEN_SIZES) + 1, unit="model") as bar:
        X, y = make_spirals(random_state=ctx.seed)
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=ctx.seed, stratify=y)
        logistic, networks = _planar_models(X_tr, y_tr, ctx.seed, bar)
    (logistic_train, compare_train), figures, closing = _planar_comparison(logistic, networks, X_tr, y_tr, X_te, y_te)
    ctx.summary["planar"] = (logistic_train, compare_train)
    return [
        p(
            f"A different problem: {len(y)} points in the plane on two interleaved spiral arms (make_spirals, seed {ctx.seed}), "
            f"{len(y_tr)} for training and {len(y_te)} held out. A straight line cannot separate the arms: logistic "
            f"regression, the linear baseline, classifies {pct(logistic_train)} of the training points. "
            "A network with one hidden layer of tanh units can bend its boundary around the arms."
        ),
        p(
            f"The course trains this network by gradient descent (learning rate 1.2, 10000 iterations); here each network "
            f"is trained with {PLANAR_SOLVER} (scipy's conjugate gradient) for at most {PLANAR_MAX_ITER} iterations, "
            f"without regularization (λ = {PLANAR_ALPHA:g}), which reaches the same kind of fit much faster. "
            "Accuracies in the titles are on the training points drawn."
        ),
        *figures,
        closing,
    ]


def section_boundary(ctx, stages):
    """Data in the plane: the trained network's decision boundary, then the planar lesson on these points."""
    with stages.bar(total=len(PLANAR_HIDDEN_SIZES) + 2, unit="model") as bar:
        theta = ctx.result.theta
        trained = boundary_grid_figure([lambda X_grid: ctx.net.predict(theta, X_grid)], ctx.X_train, ctx.y_train,
                       [f"section {ctx.number('training')}'s network ({'-'.join(map(str, ctx.net.layer_sizes))})"], n_cols=1)
        bar.update(1)
        logistic, networks = _planar_models(ctx.X_train, ctx.y_train, ctx.seed, bar)
    (logistic_train, compare_train), figures, closing = _planar_comparison(
        logistic, networks, ctx.X_train, ctx.y_train, ctx.X_test, ctx.y_test)
    ctx.summary["planar"] = (logistic_train, compare_train)
    return [
        p(
            f"The inputs are points in the plane, so the network's answer for every point can be drawn: each region "
            f"takes the color of the class the trained network of section {ctx.number('training')} predicts there, "
            f"and the dots are the {len(ctx.y_train)} training points in their true classes."
        ),
        figure(trained, "decision boundary of the trained network", "The trained network's decision boundary.", "half"),
        p(
            f"How much of a network do these points need? Logistic regression, the linear baseline, draws a straight "
            f"boundary and classifies {pct(logistic_train)} of the training points; below, networks of one hidden "
            f"layer of tanh units ({', '.join(map(str, PLANAR_HIDDEN_SIZES))} units) trained with {PLANAR_SOLVER} for "
            f"at most {PLANAR_MAX_ITER} iterations without regularization, on the same training points. Accuracies "
            "in the titles are on the training points."
        ),
        *figures,
        closing,
    ]
