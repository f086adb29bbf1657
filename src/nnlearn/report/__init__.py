r"""The report: train, check and explain a network on the digits (or any data), as one web page.

:func:`build_report` walks through the exercise (the data, the model, the cost,
the sigmoid gradient, the gradient check, training, the hidden layer, a
regularization x iterations experiment, the planar data and the mistakes) and
writes ``out_dir/index.html``: a single self-contained file (every figure is an
embedded PNG, there is no script and nothing is fetched from the network) that
opens from disk in any browser. On other data than the course's digits the
sections follow the data (see :mod:`.sections`): images and hidden units for
square image data, a decision boundary for classes in the plane, a confusion
matrix for classes, predictions against the true values and residuals for
regression, the experiment for all.

The page is written atomically (a temporary file in ``out_dir``, then a
rename), so a crash or Ctrl-C never leaves half a report: either the new page
is there, or the previous one is untouched.

:func:`build_report` is the door: it checks every argument once, with
:mod:`nnlearn._validation`, before any work; the modules behind it trust what
it checked. One job each: :mod:`.settings` (titles, grids and the sections'
settings), :mod:`.data` (the digits, the weights, the split), :mod:`.outdir`
(the output directory), :mod:`.progress` (one bar per section),
:mod:`.figures` (the report's own figures), :mod:`.html` (escaped HTML
pieces), :mod:`.context`, :mod:`.sections` and :mod:`.experiments` (the ten
sections), :mod:`.page` (the whole page) and :mod:`.result` (the returned
path, which shows the page in Jupyter).
"""

from __future__ import annotations

import datetime
import os
import time

import numpy as np

from .. import _validation as v
from .._atomic import write_text
from .context import Context
from .data import describe, encode_classes, load_data, load_weights, split
from .outdir import prepare_out_dir, remove_empty
from .page import Section, command_line, render
from ..progress import PROGRESS
from ..progress import resolve as resolve_progress
from .progress import Stages
from .result import ReportPath
from .sections import BUILDERS, plan, titles
from .settings import (  # noqa: F401 - every setting stays reachable as nnlearn.report.NAME, as before the split
    COST_ALPHAS,
    COURSE_SECTIONS,
    TITLES,
    COURSE_COSTS,
    DEFAULT_GRID,
    GRADCHECK_THRESHOLD,
    INIT_EPSILON,
    N_MISCLASSIFIED,
    PLANAR_ALPHA,
    PLANAR_COMPARE_HIDDEN,
    PLANAR_HIDDEN_SIZES,
    PLANAR_MAX_ITER,
    PLANAR_SOLVER,
    QUICK_GRID,
    SECTION_TITLES,
    SEED_MAX,
    SIGMOID_GRADIENT_AT,
    SOLVER_DESCRIPTIONS,
    TEST_SIZE,
)

__all__ = [
    "build_report",
    "ReportPath",
    "SECTION_TITLES",
    "TITLES",
    "DEFAULT_GRID",
    "QUICK_GRID",
    "PLANAR_HIDDEN_SIZES",
    "SIGMOID_GRADIENT_AT",
]


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
    progress=None,
    grid=None,
    task=None,
    data_options=None,
):
    r"""Train, check and explain a network on the digits (or any data); write ``out_dir/index.html``.

    Parameters
    ----------
    out_dir : str or os.PathLike, default="report"
        Directory of the report; made (with its parents) if missing. Only
        ``index.html`` is written there, atomically; a previous report is
        replaced only when the new one is complete.
    data : str or os.PathLike, default="digits20"
        Anything :func:`nnlearn.datasets.load` takes: ``"digits20"`` (the
        bundled 5000 digits, X of shape (5000, 400)) or the course's
        ``ex4data1.mat``/``ex3data1.mat`` give the course's ten sections; any
        other name (``"iris"``, ``"moons"``, ``"diabetes"``,
        ``"fashion-mnist"``, ...) or file (CSV, TSV, ``.npz``, ``.mat``) gives
        the sections that fit it. Classes need at least 2 samples each (the
        held-out split is stratified); multi-label targets are not reported.
    weights : str or os.PathLike, optional
        The course's ``ex4weights.mat`` (digits data only): section 3 then gives the cost of these
        weights at λ = 0, 1, 3 and their accuracy, and section 7 shows their
        hidden units too. Without it section 3 uses the initial weights.
    hidden : int or sequence of int, default=25
        Hidden layer sizes of the network trained in sections 6-8 and 10; at
        least one hidden layer (section 7 shows its units).
    alpha : float >= 0, default=1.0
        Regularization strength of section 6 (the course's λ).
    max_iter : int >= 0, default=50
        Iterations of the optimizer in section 6 (0: the initial weights, untrained).
    solver : str, default="CG"
        Any method of :func:`nnlearn.train` (sections 6 and 8), in any case;
        "BFGS" only for a network of at most 2000 weights.
    quick : bool, default=False
        Use the smaller experiment grid :data:`QUICK_GRID` in section 8
        instead of :data:`DEFAULT_GRID`.
    seed : int in [0, 2**32 - 1], default=0
        Seeds the digits shown, the held-out split, the initial weights and
        the spiral data.
    progress : bool or None, default=None
        Show one progress bar per section (``tqdm.auto``: a widget in Jupyter,
        text on stderr elsewhere). None shows them in an interactive session
        (Jupyter, IPython, Python's prompt) and not in scripts.
    grid : dict, optional
        ``{"alpha": [...], "max_iter": [...]}`` for section 8; overrides ``quick``.
        Each value follows the rule of :func:`nnlearn.train`'s argument of the
        same name (alpha >= 0, max_iter >= 0).
    task : {None, "classification", "regression"}, default=None
        What the network learns; None: the data's kind (see :func:`nnlearn.datasets.load_task`).
        Regression trains identity outputs on the squared error and reports R² and RMSE.
    data_options : dict, optional
        The data's options (``{"target": "species"}``, ``{"noise": 0.3}``, ...; see
        :func:`nnlearn.datasets.load`).

    Returns
    -------
    path : ReportPath
        The written ``out_dir/index.html``: a :class:`pathlib.Path` that, as
        the last expression of a Jupyter cell, shows the page inline.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If an argument is out of range, the data are unknown or bad, an option
        does not apply to them, the weights do not fit the data or are given
        for data other than the course's digits. Every argument is checked
        before any work (the data's contents once they are read), with messages
        such as "The 'alpha' parameter of build_report must be a float in the
        range [0.0, inf). Got -1 instead."
    FileNotFoundError
        If ``data`` or ``weights`` names a missing file.
    NotADirectoryError
        If ``out_dir`` exists and is not a directory.
    IsADirectoryError
        If ``out_dir/index.html`` is a directory.

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
    from .. import datasets

    door = "build_report"
    hidden = v.HiddenSizes(min_layers=1).check(hidden, "hidden", door)  # section 7 shows the hidden units
    alpha, max_iter = v.check(door, alpha=alpha, max_iter=max_iter)
    data = datasets.DataName().check(data, "data", door)
    task = v.Option(("classification", "regression"), allow_none=True).check(task, "task", door)
    if (data_options is not None and not isinstance(data_options, dict)) or "task" in (data_options or {}):
        raise TypeError(v.message("data_options", door, "None or a dict of data options (the task is the argument "
                                  "task)", v.describe(data_options)))
    data_options = {k: x for k, x in datasets.check_options(data, data_options or {}, door).items() if k != "task"}
    solver = v.check_method(solver, _n_params(hidden, *_known_shape(data, task, data_options)), door, name="solver")
    quick = v.Bool().check(quick, "quick", door)
    # An int, not any random state: the seed is printed on the page and in the command line, and
    # scikit-learn's split and every section start from it again (a Generator would be shared).
    seed = v.Int(0, SEED_MAX).check(seed, "seed", door)
    progress = resolve_progress(PROGRESS.check(progress, "progress", door))
    grid = _checked_grid(QUICK_GRID if quick else DEFAULT_GRID, door) if grid is None else _checked_grid(grid, door)
    v.PathLike(allow_none=True).check(weights, "weights", door)
    if weights is not None and datasets.kind_of(data) != "digits":
        raise ValueError(v.message("weights", door, "None for data other than the course's digits (the weights are "
                                   "the course's 400-25-10 network)", v.describe(weights)))
    v.PathLike().check(out_dir, "out_dir", door)

    started = datetime.datetime.now()
    t_start = time.perf_counter()
    X, y, info = load_data(data, task, data_options, door)
    course = info.family == "digits" and info.images and info.kind == "classification"
    if weights is not None and not course:
        raise ValueError(v.message("weights", door, "None for data other than the course's digits (the weights are "
                                   "the course's 400-25-10 network)", v.describe(weights)))
    if y.ndim != 1 and info.kind == "classification":
        raise ValueError(v.message("data", door, "data with one label per row (the report does not cover multi-label "
                                   "targets)", f"{v.describe(os.fsdecode(data))} with y of shape {y.shape}"))
    if info.kind == "classification":
        _check_classes(y, door, "digit" if course else "class")
        y, class_names = encode_classes(y, info, course)
    else:
        class_names = ()
    if info.kind == "classification":
        n_outputs = 1 if len(class_names) == 2 and not course else len(class_names)  # as Context.K
    else:
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
    solver = v.check_method(solver, _n_params(hidden, X.shape[1], n_outputs), door, name="solver")
    weights_net = weights_theta = None
    if weights is not None:
        weights_net, weights_theta = load_weights(weights)
        n_inputs = weights_net.layer_sizes[0]
        if n_inputs != X.shape[1]:
            raise ValueError(v.message(
                "weights", door, f"the weights of a network with {X.shape[1]} inputs, one per feature of the data",
                f"weights for {n_inputs} inputs (Theta1 has shape ({weights_net.layer_sizes[1]}, {n_inputs + 1}))",
            ))
    X_train, X_test, y_train, y_test = split(X, y, seed, stratify=info.kind == "classification")
    out_dir, created = prepare_out_dir(out_dir)
    ctx = Context(X=X, y=y, data_description=describe(data, X, info), X_train=X_train, X_test=X_test, y_train=y_train,
                  y_test=y_test, data=data, hidden=hidden, alpha=alpha, max_iter=max_iter, solver=solver, seed=seed,
                  grid=grid, weights=weights, weights_net=weights_net, weights_theta=weights_theta, info=info,
                  task=info.kind, course=course, class_names=class_names, data_options=data_options)
    ctx.sections = plan(ctx)
    headings = titles(ctx.sections)
    stages = Stages(progress, headings)
    sections = []
    try:
        for i, (key, title) in enumerate(zip(ctx.sections, headings), start=1):
            t0 = time.perf_counter()
            stages.begin(i)
            parts = BUILDERS[key](ctx, stages)
            stages.finish()
            sections.append(Section(title, parts, time.perf_counter() - t0))
        total = time.perf_counter() - t_start
        command = command_line(data, weights, hidden, alpha, max_iter, solver, quick, seed, task, data_options)
        page = render(sections, ctx, command, started, total)
        path = ReportPath(out_dir / "index.html")
        write_text(path, page)
    except BaseException:
        stages.finish()
        remove_empty(created)
        raise
    return path


def _n_params(hidden, n_inputs, n_outputs):
    """The number of weights of the report's network of ``n_inputs`` inputs and ``n_outputs`` outputs."""
    from ..core.params import n_params

    return n_params([n_inputs, *hidden, n_outputs])


def _known_shape(data, task, options):
    """``(inputs, outputs)`` of the report's network when known without reading a file (built-in sets; the
    course's 400 pixels and 10 digits otherwise, the shape BFGS is first checked against)."""
    from .. import datasets
    from ..datasets.course import N_DIGITS, N_PIXELS

    if isinstance(data, str) and data in datasets.BUILTIN:
        info = datasets.describe(data, **options)
        if (task or info.kind) == "regression":
            return info.n_features, 1
        n_classes = info.n_classes or 2
        return info.n_features, (1 if n_classes == 2 and info.family != "digits" else n_classes)
    return N_PIXELS, N_DIGITS


def _checked_grid(grid, door):
    """``grid`` as ``{"alpha": [float, ...], "max_iter": [int, ...]}``: both keys, non-empty lists, sorted."""
    rule = "a dict with exactly the keys 'alpha' and 'max_iter', each a non-empty list"
    if not isinstance(grid, dict):
        raise TypeError(v.message("grid", door, rule, v.describe(grid)))
    if set(grid) != {"alpha", "max_iter"}:
        raise ValueError(v.message("grid", door, rule, f"the keys {sorted(map(str, grid))}"))
    checked = {}
    for key in ("alpha", "max_iter"):
        values, name = grid[key], f"grid[{key!r}]"
        if isinstance(values, (str, bytes, dict)) or not isinstance(values, (list, tuple, range)):
            raise TypeError(v.message(name, door, "a non-empty list", v.describe(values)))
        if len(values) == 0:
            raise ValueError(v.message(name, door, "a non-empty list", v.describe(values)))
        rule_of_key = v.RULES[key]  # the same rule as train's alpha and max_iter
        checked[key] = sorted({rule_of_key.check(value, f"{name}[{i}]", door) for i, value in enumerate(values)})
    return checked


def _check_classes(y, door, klass):
    """The held-out split is stratified: the data need 2 samples of every class (digit)."""
    labels, counts = np.unique(y, return_counts=True)
    if counts.min() < 2:
        plural = "digits" if klass == "digit" else "data"
        raise ValueError(v.message(
            "data", door, f"{plural} with at least 2 samples of every {klass} (for the stratified held-out split)",
            f"only {counts.min()} sample of {klass} {labels[np.argmin(counts)]}",
        ))
