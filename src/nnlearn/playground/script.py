"""The page's "Export Python": a short script using nnlearn that reproduces the run to the last bit.

It makes the same data, split and features, the same initial weights (the
weights seed), and replays the run's log: each stretch of training with its
settings (:class:`~nnlearn.playground.training.Segment`) and each weight set
by hand, so its ``theta`` equals the page's.
"""

from __future__ import annotations

from .. import __version__
from . import data as pdata
from .settings import DATASETS, FIRST_ORDER, FULL_BATCH

__all__ = ["render"]


def _data_lines(session):
    s, ds = session.settings, session.dataset
    label = DATASETS[s.data][0]
    if s.data == "csv":
        name = session.table.name
        return ["from pathlib import Path", "", "from nnlearn.playground.data import make_dataset, parse_csv",
                "from nnlearn.playground.settings import Settings"], [
            f"# The data: the file you uploaded, {name!r} (keep it beside this script); {s.test}% held out for",
            f"# testing by the data seed {s.seed}; columns standardized with the training rows' mean and std.",
            f"table = parse_csv(Path({name!r}).read_bytes(), {name!r})",
            f"ds = make_dataset(Settings(data='csv', test={s.test}, seed={s.seed}), table)",
            "X, y, train, test = ds.X, ds.y, ds.train, ds.test",
            f"F_train = features(X[train], FEATURES, ds.scaler)  # inputs: {', '.join(pdata.feature_names(s.features, ds.columns))}",
            "F_test = features(X[test], FEATURES, ds.scaler)",
        ]
    if ds.task == "regression":
        function = "make_plane" if s.data == "plane" else "make_bumps"
        imports = [f"from nnlearn.playground.data import {function}"]
        call = f"X, y = {function}({s.points}, noise={s.noise!r}, seed={s.seed})"
    else:
        function, kwargs = pdata.generator_call(s.data, s.points, s.noise, s.seed)
        imports = [f"from nnlearn.datasets import {function}"]
        call = f"X, y = {function}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"
    return imports, [
        f"# The data: {label}, {s.points} points, noise {s.noise:g}, data seed {s.seed}; {s.test}% held out for testing.",
        call,
        f"train, test = split(len(X), {s.test}, {s.seed})  # row indices: a permutation by the data seed",
        "F_train, F_test = features(X[train], FEATURES), features(X[test], FEATURES)  # inputs: "
        + ", ".join(pdata.feature_names(s.features, ds.columns)),
    ]


def _log(session):
    lines = []
    for segment in session.segments:
        if segment.kind == "edit":
            lines.append(f"    ('edit', {segment.edit!r}),  # a weight set by hand: (layer, row, column, value)")
        elif segment.kind in FULL_BATCH:
            lines.append(f"    ({segment.kind!r}, {segment.alpha!r}, {segment.steps}),  # (method, alpha, iterations)")
        else:
            lines.append(f"    ({segment.kind!r}, {segment.alpha!r}, {segment.steps}, {segment.lr!r}, {segment.batch}, "
                         f"{segment.momentum!r}, {segment.fresh}),")
    return lines


def render(session):
    """The script's text for ``session`` (a :class:`~nnlearn.playground.session.Session` with a network)."""
    s, ds, spec = session.settings, session.dataset, session.spec
    imports, data_lines = _data_lines(session)
    K = spec.layer_sizes[-1]
    if spec.output == "identity":
        targets = ["Y_train, Y_test = y[train].reshape(-1, 1), y[test].reshape(-1, 1)  # regression targets"]
        score = ["residual = np.sum((kernel.forward(theta, F_test, spec)[:, 0] - y[test]) ** 2)",
                 "print(f'test R^2 {1 - residual / np.sum((y[test] - y[test].mean()) ** 2):.4f}')"]
    else:
        targets = [f"Y_train, Y_test = one_hot(y[train], {K}), one_hot(y[test], {K})  # 0/1 targets, {K} output unit{'s' if K > 1 else ''}"]
        score = ["predicted = kernel.predict(kernel.forward(theta, F_test, spec))",
                 "print(f'test accuracy {np.mean(predicted == y[test]):.4f}')"]
    if not len(ds.test):
        score = ["# (no test split)"]
    activation = spec.activation
    save = []
    if not isinstance(activation, tuple):
        save = ["", "# Save it as an nnlearn model file (the page's Export model gives the same weights):",
                "# import nnlearn",
                f"# nnlearn.save_model('model.npz', nnlearn.Network({list(spec.layer_sizes)}, activation={activation!r}, "
                f"output={spec.output!r}), theta)"]
    needs_first_order = any(segment.kind in FIRST_ORDER for segment in session.segments)
    lines = [
        '"""An nnlearn playground run, reproduced to the last bit.',
        "",
        f"{DATASETS[s.data][0]}; network {'-'.join(map(str, spec.layer_sizes))} "
        f"({', '.join(g.name for g in spec.gs) or 'no hidden layer'}, {spec.output} output); "
        f"{session.iteration} iterations.",
        f"Made by the playground of nnlearn {__version__}. Run it: python {_file_name(session)}",
        '"""',
        "",
        "import numpy as np",
        "",
        *sorted(set(imports) - {"from pathlib import Path"}),
        "from nnlearn.core import kernel, optimizers, params",
        "from nnlearn.core.losses import one_hot",
        "from nnlearn.playground.data import features" + (", split" if s.data != "csv" else ""),
        *(["from nnlearn.playground.training import FirstOrder  # gd, sgd (momentum) and adam, one step at a time"]
          if needs_first_order else []),
        *(["from pathlib import Path"] if s.data == "csv" else []),
        "",
        f"FEATURES = {list(s.features)!r}",
        *data_lines,
        *targets,
        "",
        f"# The network: layer sizes, hidden activation{'s (one per layer)' if isinstance(activation, tuple) else ''}, "
        "output and its loss.",
        f"spec = kernel.Spec({tuple(spec.layer_sizes)!r}, {activation!r}, {spec.output!r})",
        f"theta = params.init_weights(spec.layer_sizes, 'glorot', random_state={s.init})  # the weights seed",
        "m = len(F_train)",
        "",
        "",
        "def objective(theta, alpha, rows=None):",
        '    """J and its gradient on the training rows, or on a mini-batch (its share of the regularization)."""',
        "    if rows is None:",
        "        return kernel.cost_and_gradient(theta, F_train, Y_train, alpha, spec)",
        "    return kernel.cost_and_gradient(theta, F_train[rows], Y_train[rows], alpha * len(rows) / m, spec)",
        "",
        "",
        "# The run, as the page did it: each stretch of training with its settings, and each weight set by hand.",
        "# gd, sgd, adam: (method, alpha, steps, learning rate, batch size, momentum, fresh optimizer state)",
        "RUN = [",
        *_log(session),
        "]",
        "starts = 0  # fresh optimizer starts so far (they seed the mini-batch order)",
        "for method, *settings in RUN:",
        "    if method == 'edit':",
        "        (layer, row, column, value), = settings",
        "        theta = theta.copy()",
        "        params.unpack(theta, spec.layer_sizes)[layer][row, column] = value",
        "        continue",
        "    alpha, steps = settings[:2]",
        "    if method in ('CG', 'L-BFGS-B', 'fmincg'):",
        "        starts += 1",
        "        theta = optimizers.minimize(lambda t: objective(t, alpha), theta, method, max_iter=steps).theta",
        "        continue",
        "    lr, batch, momentum, fresh = settings[2:]",
        "    if fresh:",
        "        starts += 1",
        f"        stepper = FirstOrder(method, m, [{s.init}, starts])",
        "    for _ in range(steps):",
        "        _, grad = objective(theta, alpha, stepper.rows(min(batch, m) if method != 'gd' else m))",
        "        theta = stepper.update(theta, grad, lr, momentum)",
        "",
        "J_train = kernel.cost(theta, F_train, Y_train, 0.0, spec)",
        "J_test = kernel.cost(theta, F_test, Y_test, 0.0, spec) if len(F_test) else float('nan')",
        "print(f'train loss {J_train:.6f}, test loss {J_test:.6f}')",
        *score,
        *save,
        "",
    ]
    return "\n".join(lines)


def _file_name(session):
    return f"playground_{session.settings.data}.py"


def file_name(session):
    """The name the page saves the script under."""
    return _file_name(session)
