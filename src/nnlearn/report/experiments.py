"""Sections 8 and 9 of the report, the experiments: a grid of λ x max_iter on the digits, and the planar data."""

from __future__ import annotations

import time
import warnings

import numpy as np

from .figures import boundary_grid_figure, hidden_units_grid_figure
from .html import figure, number_list, p, pct, table
from .settings import PLANAR_ALPHA, PLANAR_COMPARE_HIDDEN, PLANAR_HIDDEN_SIZES, PLANAR_MAX_ITER, PLANAR_SOLVER


def _fmt_pct(value):
    return "failed" if value is None or not np.isfinite(value) else pct(value)


def section_experiments(ctx, stages):
    from .. import plots, sweep

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
        figure(plots.sweep_heatmap(records, metric="train_accuracy"),
                "heatmap of training accuracy over lambda and max_iter", "Training accuracy.", "half"),
        figure(plots.sweep_heatmap(records, metric="test_accuracy"),
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
        fig_h = hidden_units_grid_figure(
            Theta1s, [f"λ = {a:g}, max_iter = {it}\nmean ||Θ(1)_j|| = {n:.2f}" for (a, it), n in zip(chosen, norms)],
            n_cols=len(chosen),
        )
        hidden_fig = figure(fig_h, "hidden units for a few cells of the grid", "Hidden units of a few runs of the grid.")
        hidden_text = p(
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
            ("best held-out accuracy", pct(best["test_accuracy"]), f"at λ = {best['alpha']:g}, max_iter = {best['max_iter']}"),
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
        p(
            f"The same {'-'.join(map(str, ctx.net.layer_sizes))} network trained {len(records)} times with nnlearn.sweep, "
            f"once for every pair of λ in {{{', '.join(f'{a:g}' for a in alphas)}}} and max_iter in "
            f"{{{', '.join(map(str, iters))}}} ({ctx.solver}, the initial weights of seed {ctx.seed}, the same training "
            "and held-out digits as section 6)."
        ),
        p(
            "Read the table as the course's lesson on bias and variance. With little regularization and many "
            "iterations the network fits its training digits closely, and the gap between training and held-out "
            "accuracy measures overfitting. A large λ pulls the weights towards 0: training and held-out accuracy "
            "drop together, which is underfitting. Too few iterations also underfit, whatever λ is." + guess_text
        ),
        '<div class="row">' + "".join(figs) + "</div>",
        table(header, rows, caption="Every run of the grid"),
        number_list(notes) if notes else "",
        hidden_fig,
        hidden_text,
    ]


def section_planar(ctx, stages):
    from sklearn.model_selection import train_test_split

    from ..datasets import logistic_baseline, make_spirals
    from ..estimator import MLPClassifier

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
    logistic_train, logistic_test = logistic.score(X_tr, y_tr), logistic.score(X_te, y_te)
    train_accs = [networks[h][0].score(X_tr, y_tr) for h in PLANAR_HIDDEN_SIZES]
    test_accs = [networks[h][0].score(X_te, y_te) for h in PLANAR_HIDDEN_SIZES]
    compare_train = train_accs[PLANAR_HIDDEN_SIZES.index(PLANAR_COMPARE_HIDDEN)]
    ctx.summary["planar"] = (logistic_train, compare_train)
    fig_compare = boundary_grid_figure(
        [logistic, networks[PLANAR_COMPARE_HIDDEN][0]], X_tr, y_tr,
        [f"logistic regression: {pct(logistic_train)}",
         f"tanh network, {PLANAR_COMPARE_HIDDEN} hidden units: {pct(compare_train)}"], n_cols=2,
    )
    fig_sizes = boundary_grid_figure(
        [networks[h][0] for h in PLANAR_HIDDEN_SIZES], X_tr, y_tr,
        [f"{h} hidden unit{'s' if h > 1 else ''}: {pct(a)}" for h, a in zip(PLANAR_HIDDEN_SIZES, train_accs)], n_cols=4,
    )
    enough = next(h for h, a in zip(PLANAR_HIDDEN_SIZES, train_accs) if a >= max(train_accs) - 0.01)
    largest = PLANAR_HIDDEN_SIZES[-1]
    rows = [("logistic regression", "-", pct(logistic_train), pct(logistic_test), "-")]
    for h, train_acc, test_acc in zip(PLANAR_HIDDEN_SIZES, train_accs, test_accs):
        clf, seconds = networks[h]
        rows.append((f"{h} hidden unit{'s' if h > 1 else ''}", clf.n_iter_, pct(train_acc), pct(test_acc), f"{seconds:.2f}"))
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
        figure(fig_compare, "decision boundaries of logistic regression and a tanh network", "Logistic regression beside the tanh network."),
        figure(fig_sizes, "decision boundaries for 1, 2, 3, 4, 5, 20 and 50 hidden units", "The network's boundary as the hidden layer grows."),
        table(["model", "iterations", "training accuracy", "held-out accuracy", "time (s)"], rows, caption="Planar data: accuracy by model"),
        p(
            f"Here 1 hidden unit reaches {pct(train_accs[0])} of the training points (the straight line of logistic "
            f"regression: {pct(logistic_train)}); {enough} hidden unit{'s are' if enough > 1 else ' is'} the smallest layer within 1 point of the best "
            f"training accuracy ({pct(max(train_accs))}); with {largest} units the network reaches "
            f"{pct(train_accs[-1])} on the training points and {pct(test_accs[-1])} on the held-out ones. "
            "A larger layer can bend the boundary more; the held-out column shows whether the extra bends generalize."
        ),
    ]
