r"""Training, the door: check the arguments once, then minimize with :mod:`nnlearn.core.optimizers`.

:func:`train` minimizes a network's regularized cost; :func:`minimize` and
:func:`fmincg` minimize any ``fun(theta) -> (J, grad)`` on flat vectors. Every
method reports the same history: ``cost_history[0] = J(theta0)`` and
``cost_history[k]`` is J after k iterations, where an iteration is one
optimizer step (scipy), one line search (fmincg), one gradient step (gd) or one
pass over the data (sgd, adam with mini-batches; with ``pass_cost="batches"``,
the mean of the pass's batch costs, and for ``[0]`` the first batch's cost).
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np

from . import _validation as v
from .core import fmincg as _fmincg
from .core import kernel, threads
from .core import optimizers as core
from .core.optimizers import (
    DEFAULT_LEARNING_RATES,
    METHODS,
    TrainingDiverged,
    TrainingInterrupted,
    TrainResult,
)

__all__ = [
    "train",
    "minimize",
    "fmincg",
    "TrainResult",
    "TrainingInterrupted",
    "TrainingDiverged",
    "METHODS",
    "DEFAULT_LEARNING_RATES",
]


def check_training(door, n_params, m, method, max_iter, learning_rate=None, batch_size=None, momentum=0.0,
                   tol=None, callback=None, random_state=None, method_name="method", shuffle=True, pass_cost="exact"):
    """The optimizer's arguments checked for a problem of ``n_params`` parameters and ``m`` examples.

    Returns a dict of keyword arguments for :func:`nnlearn.core.optimizers.minimize`
    (method resolved to its canonical name; ``batch_size`` above ``m`` clamped to
    ``m`` with a warning). Doors that train (``train``, the estimators) call it
    before they change anything.
    """
    method = v.check_method(method, n_params, door, name=method_name)
    max_iter, learning_rate, batch_size, momentum, tol, callback, random_state, shuffle = v.check(
        door, max_iter=max_iter, learning_rate=learning_rate, batch_size=batch_size, momentum=momentum, tol=tol,
        callback=callback, random_state=random_state, shuffle=shuffle,
    )
    pass_cost = v.Option(core.PASS_COSTS).check(pass_cost, "pass_cost", door)
    if batch_size is not None and m is not None and batch_size > m:
        warnings.warn(f"batch_size={batch_size} is larger than the {m} samples; using batch_size={m}.",
                      UserWarning, stacklevel=3)
        batch_size = m
    return dict(method=method, max_iter=max_iter, learning_rate=learning_rate, batch_size=batch_size,
                momentum=momentum, tol=tol, callback=callback, random_state=random_state, shuffle=shuffle,
                pass_cost=pass_cost)


def network_objective(net, X, Y, alpha, sample_weight=None):
    """``fun(theta, rows=None) -> (J, grad)`` of ``net`` on checked ``X``, ``Y``, for :func:`core.minimize`.

    With ``rows`` (sgd, adam) it is the objective of those examples, with the
    regularization term scaled by their share of the m examples, so that a pass
    over the data follows the gradient of the full J. With ``sample_weight``
    (checked, shape (m,)) the share is the batch's share of the total weight
    S, and a batch whose weights are all 0 contributes nothing (J 0, gradient 0).
    Mini-batches are taken from data prepared once (:class:`nnlearn.core.kernel.Objective`);
    ``fun.cost(theta)`` is J alone, the same number without the backward pass; ``fun.dtype``
    is X's (float32 keeps sgd's and adam's state in float32).
    """
    m = X.shape[0]
    S = None if sample_weight is None else float(np.sum(sample_weight))
    objective = kernel.Objective(X, Y, net.spec, sample_weight)

    def fun(theta, rows=None):
        if rows is None:
            return objective(theta, alpha)
        if sample_weight is None:
            return objective(theta, alpha * len(rows) / m, rows)
        S_rows = float(np.sum(sample_weight[rows]))
        if S_rows == 0:
            return 0.0, np.zeros_like(theta)
        return objective(theta, alpha * S_rows / S, rows)

    fun.cost = lambda theta: objective.cost(theta, alpha)  # J alone (the end of an sgd or adam pass)
    fun.dtype = X.dtype  # float32 X: gradients of float32's precision, sgd's and adam's state in float32
    return fun


def train(
    net,
    theta0,
    X,
    y,
    alpha=0.0,
    method="CG",
    max_iter=50,
    learning_rate=None,
    batch_size=None,
    momentum=0.0,
    callback=None,
    random_state=None,
    tol=None,
    sample_weight=None,
    shuffle=True,
    progress=False,
    pass_cost="exact",
):
    r"""Minimize the regularized cost of ``net`` starting from ``theta0``.

    Parameters
    ----------
    net : nnlearn.Network
    theta0 : ndarray of shape (n_params,), not modified
    X : ndarray of shape (m, s_1)
    y : ndarray of shape (m,) class indices or (m, K) 0/1 targets; real targets
        of shape (m,) or (m, K) for the identity output
    alpha : float >= 0, the course's lambda
    method : str
        ``"CG"``, ``"L-BFGS-B"`` (alias ``"lbfgs"``), ``"TNC"``, ``"BFGS"`` (networks
        of at most 2000 parameters): ``scipy.optimize.minimize`` with the analytic
        gradient. ``"fmincg"``: nnlearn's implementation of the course's conjugate
        gradient optimizer (an iteration is a line search). ``"gd"``: full-batch
        gradient descent. ``"sgd"``: mini-batch gradient descent with optional
        momentum. ``"adam"``: Adam (full batch unless ``batch_size`` is given).
        Names match in any case.
    max_iter : int in [0, 10**8]
        Iterations (epochs for sgd, and for adam with mini-batches).
    learning_rate : float > 0, optional
        Step size of gd/sgd/adam; defaults ``{"gd": 1.0, "sgd": 0.1, "adam": 0.001}``.
    batch_size : int >= 1, optional
        Mini-batch size for sgd (default ``min(200, m)``) and adam; clamped to m with a warning.
    momentum : float in [0, 1)
        Momentum of sgd (classical, :math:`v \leftarrow \mu v - \eta \nabla J`).
    callback : callable, optional
        ``callback(iteration, theta, cost)`` after every iteration; returning
        True stops training.
    random_state : None, int or Generator
        Shuffling of mini-batches.
    tol : float >= 0, optional
        Gradient tolerance passed to scipy (``gtol``); ``None`` keeps scipy's default.
    sample_weight : ndarray of shape (m,), optional
        Weights >= 0 of the examples: the weighted J of
        :meth:`nnlearn.Network.cost_and_gradient` is minimized.
    shuffle : bool, default=True
        sgd and adam shuffle the examples before each pass; False takes them in order.
    progress : bool or None, default=False
        Show a progress bar (iterations, cost) while training: a widget in
        Jupyter, a text bar on stderr in a terminal (``tqdm.auto``). None shows
        it in an interactive session only (Jupyter, IPython, Python's prompt).
    pass_cost : {"exact", "batches"}, default="exact"
        What sgd and adam with several batches per pass record as the cost of a
        pass (``cost_history``, the callback's cost): J of all examples after the
        pass (one more forward pass over the data, a third of a pass's work), or
        ``"batches"``, the mean of the pass's batch costs, each at the weights
        before its step (free; scikit-learn's ``loss_curve_`` is recorded so),
        and for ``cost_history[0]`` the first batch's cost at ``theta0``: the run
        then never evaluates all examples at once.

    Returns
    -------
    TrainResult
        Its repr is one line; in Jupyter it shows a summary with a learning-curve sparkline.

    Raises
    ------
    ValueError, TypeError
        For a bad argument (checked before any work), or if the cost at ``theta0`` is not finite.
    TrainingDiverged
        A FloatingPointError raised if the cost or the weights become non-finite;
        it names the iteration and carries the last finite weights.

    Notes
    -----
    Ctrl-C during training returns the weights of the last finished iteration
    with a :class:`TrainingInterrupted` warning instead of losing the run.
    """
    from .network import Network

    if not isinstance(net, Network):
        raise TypeError(v.message("net", "train", "an nnlearn.Network", v.describe(net)))
    theta0, X, Y, alpha = net.check_inputs(theta0, X, y, alpha, door="train", theta_name="theta0")
    sample_weight = v.check_sample_weight(sample_weight, X.shape[0], "train")
    options = check_training("train", net.n_params, X.shape[0], method, max_iter, learning_rate, batch_size,
                             momentum, tol, callback, random_state, shuffle=shuffle, pass_cost=pass_cost)
    from .progress import PROGRESS

    progress = PROGRESS.check(progress, "progress", "train")
    with _progress_bar(options, progress, f"train ({options['method']})"):
        return run_training(net, theta0, X, Y, alpha, options, sample_weight)


@contextlib.contextmanager
def _progress_bar(options, progress, desc):
    """A progress bar of ``options["max_iter"]`` iterations, advanced by a callback put in front of the user's."""
    from . import progress as bars

    if not bars.resolve(progress):
        yield
        return
    user_callback = options["callback"]
    with bars.bar(options["max_iter"], desc, unit="it", leave=True) as bar:
        def callback(iteration, theta, cost):
            bar.set_postfix(cost=f"{cost:.6g}", refresh=False)
            bar.update(1)  # draws the new postfix too
            return user_callback(iteration, theta, cost) if user_callback is not None else None

        options["callback"] = callback
        yield


def run_training(net, theta0, X, Y, alpha, options, sample_weight=None, state=None):
    """:func:`nnlearn.core.optimizers.minimize` of ``net``'s cost on checked inputs (``options`` from :func:`check_training`).

    ``sample_weight`` (checked) weights the examples; ``state`` (a
    :class:`~nnlearn.core.optimizers.MinibatchState`) continues sgd's or adam's
    state. A non-finite cost at ``theta0`` becomes a ValueError that says which input is too large.
    NumPy's BLAS stays on one thread for the run (the kernel brings its own threads and
    sets the same limit for each evaluation; held once, it costs nothing per step).
    """
    try:
        with threads.numpy_blas_limited(1):
            return core.minimize(network_objective(net, X, Y, alpha, sample_weight), theta0, n_samples=X.shape[0],
                                 state=state, **options)
    except TrainingDiverged as err:
        raise _with_hint(err, divergence_hint(options["method"], options["learning_rate"], alpha, X)) from None
    except ValueError as err:
        if not str(err).startswith("the cost at theta0"):
            raise
        raise ValueError(
            f"{err}: theta0 or X is too large for float64 (largest |theta0| {np.max(np.abs(theta0)):.3g}, "
            f"largest |X| {np.max(np.abs(X)):.3g}); scale the features or start from smaller weights."
        ) from None


def divergence_hint(method, learning_rate, alpha, X):
    """What to try after a diverged training, from the values that ran (never "a larger alpha" when it is large).

    gd, sgd and adam: a smaller learning_rate, and a smaller alpha too when
    ``alpha / m >= 1`` (each gradient step multiplies the weights by about
    ``1 - learning_rate * alpha / m`` through the regularization term alone,
    which diverges once that product exceeds 2). The other methods overflow
    only with large weights or features: scale features larger than
    :data:`nnlearn._validation.LARGE_FEATURE`, use a smaller alpha when it is
    above 1e3, else a larger one (it keeps the weights small).
    """
    tips = []
    m = X.shape[0]
    if method in DEFAULT_LEARNING_RATES:
        lr = DEFAULT_LEARNING_RATES[method] if learning_rate is None else learning_rate
        tips.append(f"a smaller learning_rate (it was {lr:.3g})")
        if alpha / m >= 1:
            tips.append(f"a smaller alpha (it was {alpha:.3g}: each step scales the weights by about 1 - "
                        f"learning_rate * alpha / m, which must stay between -1 and 1)")
    else:
        if alpha > 1e3:
            tips.append(f"a smaller alpha (it was {alpha:.3g})")
        scale = float(np.max(np.abs(X))) if X.size else 0.0
        if scale > v.LARGE_FEATURE:
            tips.append(f"scaled features (the largest |X| is {scale:.3g})")
        if alpha <= 1e3 and not tips:
            tips.append(f"a larger alpha (it was {alpha:.3g}; it keeps the weights small)")
    return "Try " + " and ".join(tips) + "."


def _with_hint(err, hint):
    """``err`` (a TrainingDiverged) with ``hint`` appended to its message, its attributes kept."""
    return TrainingDiverged(f"{err} {hint}", iteration=err.iteration, theta=err.theta, cost_history=err.cost_history)


def minimize(fun, theta0, method="CG", max_iter=50, *, n_samples=None, learning_rate=None, batch_size=None,
             momentum=0.0, tol=None, callback=None, random_state=None, shuffle=True, pass_cost="exact"):
    r"""Minimize any ``fun(theta) -> (J, grad)`` on flat vectors with one of :func:`train`'s methods.

    Parameters
    ----------
    fun : callable
        ``fun(theta) -> (J, grad)``, ``theta`` of shape (n,). For ``"sgd"`` and
        ``"adam"``, ``fun(theta, rows)`` must give the objective of the examples
        ``rows`` (an index array into ``range(n_samples)``).
    theta0 : array-like of shape (n,), finite
    method, max_iter, learning_rate, batch_size, momentum, tol, callback, random_state, shuffle, pass_cost
        As in :func:`train`.
    n_samples : int >= 1, required by ``"sgd"`` and ``"adam"``

    Returns
    -------
    TrainResult
    """
    door = "minimize"
    fun = v.Function(allow_none=False).check(fun, "fun", door)
    theta0 = v.check_theta(theta0, None, door, name="theta0")
    n_samples = v.Int(1, allow_none=True).check(n_samples, "n_samples", door)
    options = check_training(door, theta0.size, n_samples, method, max_iter, learning_rate, batch_size, momentum,
                             tol, callback, random_state, shuffle=shuffle, pass_cost=pass_cost)
    if options["method"] in core.MINIBATCH_METHODS and n_samples is None:
        raise ValueError(v.message("n_samples", door, f"an int >= 1 for method={options['method']!r}", "None"))
    try:
        return core.minimize(fun, theta0, n_samples=n_samples, **options)
    except TrainingDiverged as err:
        if options["method"] not in DEFAULT_LEARNING_RATES:
            raise
        lr = options["learning_rate"] or DEFAULT_LEARNING_RATES[options["method"]]
        raise _with_hint(err, f"Try a smaller learning_rate (it was {lr:.3g}).") from None


def fmincg(fun, x0, max_iter=100, callback=None):
    """The course's conjugate-gradient minimizer; see :func:`nnlearn.core.fmincg.fmincg`.

    Checks ``fun`` and ``callback`` (callables), ``x0`` (a finite non-empty 1-D
    array of numbers) and ``max_iter`` (an int in [0, 10**8]), then calls the core.
    """
    door = "fmincg"
    fun = v.Function(allow_none=False).check(fun, "fun", door)
    callback, max_iter = v.check(door, callback=callback, max_iter=max_iter)
    x0 = v.check_theta(x0, None, door, name="x0")
    return _fmincg.fmincg(fun, x0, max_iter=max_iter, callback=callback)

