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

The package's modules, one job each: :mod:`.settings` (titles, grids and the
sections' settings), :mod:`._checks` (the arguments), :mod:`.data` (the digits,
the weights, the split), :mod:`.outdir` (the output directory), :mod:`.progress`
(one bar per section), :mod:`.figures` (the report's own figures), :mod:`.html`
(escaped HTML pieces), :mod:`.context`, :mod:`.sections` and :mod:`.experiments`
(the ten sections) and :mod:`.page` (the whole page).
"""

from __future__ import annotations

import datetime
import time

from .._atomic import write_text
from .._validation import check_alpha, check_int
from ._checks import _check_data, _check_grid, _check_hidden, _check_path_like, _check_solver
from .context import _Context
from .data import _load_digits, _load_weights, _split
from .outdir import _prepare_out_dir, _remove_empty
from .page import _command_line, _render, _Section
from .progress import _Stages
from .sections import _SECTIONS
from .settings import (  # every setting stays reachable as nnlearn.report.NAME, as before the split
    COST_ALPHAS,
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
    SIGMOID_GRADIENT_AT,
    SOLVER_DESCRIPTIONS,
    TEST_SIZE,
)

__all__ = [
    "build_report",
    "SECTION_TITLES",
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
    from ..sweep.options import check_bool  # here: importing nnlearn.sweep imports scikit-learn

    hidden = _check_hidden(hidden)
    alpha = check_alpha(alpha)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    solver = _check_solver(solver)
    quick = check_bool(quick, "quick")
    seed = check_int(seed, "seed", minimum=0)
    progress = check_bool(progress, "progress")
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
