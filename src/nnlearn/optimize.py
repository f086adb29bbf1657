r"""Training: minimize J(theta) with an optimizer that sees only flat vectors.

Every method reports the same history: ``cost_history[0] = J(theta0)`` and
``cost_history[k]`` is J after k iterations, where an iteration is one
optimizer step (scipy), one line search (fmincg), one gradient step (gd) or one
pass over the data (sgd, adam with mini-batches).
"""

from __future__ import annotations

import functools
import time
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.optimize

from . import _threads
from ._validation import (
    check_alpha,
    check_int,
    check_positive_float,
    check_random_state,
    check_targets,
    check_theta,
    check_X,
)
from .fmincg import fmincg

__all__ = ["train", "TrainResult", "TrainingInterrupted", "TrainingDiverged", "METHODS", "DEFAULT_LEARNING_RATES"]

# Gradient-based scipy.optimize.minimize methods that need only J and its gradient.
SCIPY_METHODS = {"cg": "CG", "l-bfgs-b": "L-BFGS-B", "lbfgs": "L-BFGS-B", "tnc": "TNC", "bfgs": "BFGS"}
# BFGS keeps a dense n x n inverse Hessian: fine for small nets, hopeless for 10^4 parameters.
DENSE_HESSIAN_MAX_PARAMS = 2000
OWN_METHODS = ("fmincg", "gd", "sgd", "adam")
METHODS = ("CG", "L-BFGS-B", "lbfgs", "TNC", "BFGS", *OWN_METHODS)
DEFAULT_LEARNING_RATES = {"gd": 1.0, "sgd": 0.1, "adam": 0.001}


class TrainingInterrupted(UserWarning):
    """Training was stopped by Ctrl-C; the weights of the last finished iteration were kept."""


class TrainingDiverged(FloatingPointError):
    """The cost or the weights became non-finite during training.

    Attributes
    ----------
    iteration : int, the iteration that produced non-finite values
    theta : ndarray of shape (n_params,), the weights of the last finite iteration
    cost_history : list of float, the history up to that iteration
    """

    def __init__(self, message, iteration, theta, cost_history):
        super().__init__(message)
        self.iteration = iteration
        self.theta = theta
        self.cost_history = cost_history


@dataclass
class TrainResult:
    """What :func:`train` returns.

    Attributes
    ----------
    theta : ndarray of shape (n_params,), the trained weights
    cost_history : list of float, ``cost_history[k]`` = J after k iterations (``[0]`` = J(theta0))
    n_iter : int, iterations done
    n_evaluations : int, cost-and-gradient evaluations (full-batch equivalents for sgd/adam)
    message : str, why training stopped
    elapsed : float, wall time in seconds
    method : str, the resolved method name (e.g. ``"L-BFGS-B"`` for ``"lbfgs"``)
    converged : bool, True when a scipy method reports success; False for the others
    interrupted : bool, True when Ctrl-C ended training
    """

    theta: np.ndarray
    cost_history: list
    n_iter: int
    n_evaluations: int
    message: str
    elapsed: float
    method: str = ""
    converged: bool = False
    interrupted: bool = False


class _StopTraining(Exception):
    """Raised inside an optimizer's callback to end the run."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class _Tracker:
    """Counts evaluations, keeps the history and the last finished iterate, and runs the callback."""

    def __init__(self, objective, theta0, max_iter, callback):
        self.objective = objective
        self.max_iter = max_iter
        self.callback = callback
        self.n_evaluations = 0
        self._last_x = self._last_J = self._last_grad = None
        self.theta = theta0.copy()
        self.cost_history = [self.fun(theta0)[0]]
        self.n_iter = 0

    def fun(self, theta):
        """(J, grad) at theta; a repeat of the last point (scipy starts at theta0 again) is not recomputed."""
        if self._last_x is not None and np.array_equal(theta, self._last_x):
            return self._last_J, self._last_grad.copy()
        J, grad = self.objective(theta)
        self.n_evaluations += 1
        self._last_x, self._last_J, self._last_grad = theta.copy(), J, grad
        return J, grad

    def cost_at(self, theta):
        """J at an iterate the optimizer reports; reuses the last evaluation when it was there."""
        if self._last_x is not None and np.array_equal(theta, self._last_x):
            return self._last_J
        return self.fun(theta)[0]

    def iteration_done(self, theta, J):
        if not np.isfinite(J) or not np.all(np.isfinite(theta)):
            raise TrainingDiverged(
                f"training diverged at iteration {self.n_iter + 1}: the cost or the weights became "
                "non-finite; the weights of the last finite iteration are kept. "
                "Try a smaller learning_rate or a larger alpha.",
                iteration=self.n_iter + 1,
                theta=self.theta.copy(),
                cost_history=list(self.cost_history),
            )
        theta = np.array(theta, dtype=np.float64, copy=True)
        self.cost_history.append(float(J))
        # Stored together after the append: a Ctrl-C between two statements finds either
        # iteration k or k + 1 finished (train() trims a history entry appended ahead).
        self.theta, self.n_iter = theta, self.n_iter + 1
        if self.callback is not None and self.callback(self.n_iter, self.theta.copy(), float(J)):
            raise _StopTraining("stopped by callback")
        if self.n_iter >= self.max_iter:
            raise _StopTraining(f"reached max_iter={self.max_iter}")


# Overflow and invalid operations inside the optimizer loops (a diverging run) are not
# warned about: _Tracker.iteration_done checks every iterate and raises TrainingDiverged.
def _nonfinite_is_checked(run):
    @functools.wraps(run)
    def quiet(*args, **kwargs):
        with np.errstate(over="ignore", invalid="ignore"):  # a fresh errstate per call: thread-safe
            return run(*args, **kwargs)

    return quiet


def _resolve_method(method, n_params):
    if not isinstance(method, str):
        raise TypeError(f"method must be a string, one of {list(METHODS)}; got {type(method).__name__} {method!r}.")
    key = method.lower()
    if key in OWN_METHODS:
        return key
    if key not in SCIPY_METHODS:
        raise ValueError(f"Unknown method {method!r}; valid methods are {list(METHODS)}.")
    name = SCIPY_METHODS[key]
    if name == "BFGS" and n_params > DENSE_HESSIAN_MAX_PARAMS:
        raise ValueError(
            f"method 'BFGS' keeps a dense {n_params} x {n_params} Hessian approximation "
            f"({n_params ** 2 * 8 / 2**30:.1f} GiB); it is refused above {DENSE_HESSIAN_MAX_PARAMS} parameters. "
            "Use 'L-BFGS-B', 'CG' or 'fmincg' instead."
        )
    return name


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
):
    r"""Minimize the regularized cost of ``net`` starting from ``theta0``.

    Parameters
    ----------
    net : nnlearn.Network
    theta0 : ndarray of shape (n_params,), not modified
    X : ndarray of shape (m, s_1)
    y : ndarray of shape (m,) class indices or (m, K) 0/1 targets
    alpha : float >= 0, the course's lambda
    method : str
        ``"CG"``, ``"L-BFGS-B"`` (alias ``"lbfgs"``), ``"TNC"``, ``"BFGS"`` (small
        networks only): ``scipy.optimize.minimize`` with the analytic gradient.
        ``"fmincg"``: nnlearn's implementation of the course's conjugate
        gradient optimizer (an iteration is a line search). ``"gd"``: full-batch
        gradient descent. ``"sgd"``: mini-batch gradient descent with optional
        momentum. ``"adam"``: Adam (full batch unless ``batch_size`` is given).
    max_iter : int >= 0
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

    Returns
    -------
    TrainResult

    Raises
    ------
    TrainingDiverged
        A FloatingPointError raised if the cost or the weights become non-finite;
        it names the iteration and carries the last finite weights.

    Notes
    -----
    Ctrl-C during training returns the weights of the last finished iteration
    with a :class:`TrainingInterrupted` warning instead of losing the run.
    """
    theta0 = check_theta(theta0, net.n_params, name="theta0")
    X = check_X(X, net.n_features, feature_source=f"the network expects {net.n_features} (layer_sizes[0])")
    Y = check_targets(y, X.shape[0], net.n_outputs, net.output)
    alpha = check_alpha(alpha)
    method = _resolve_method(method, net.n_params)
    max_iter = check_int(max_iter, "max_iter", minimum=0)
    momentum = check_positive_float(momentum, "momentum", allow_zero=True)
    if momentum >= 1:
        raise ValueError(f"momentum must be in [0, 1); got {momentum!r}.")
    tol = check_positive_float(tol, "tol", allow_none=True, allow_zero=True)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None; got {type(callback).__name__}.")
    m = X.shape[0]
    learning_rate = check_positive_float(learning_rate, "learning_rate", allow_none=True)  # checked for every method
    if method in ("gd", "sgd", "adam") and learning_rate is None:
        learning_rate = DEFAULT_LEARNING_RATES[method]
    check_random_state(random_state)
    batch_size = check_int(batch_size, "batch_size", minimum=1, allow_none=True)
    if batch_size is not None and batch_size > m:
        warnings.warn(f"batch_size={batch_size} is larger than the {m} samples; using batch_size={m}.", UserWarning, stacklevel=2)
        batch_size = m

    objective = lambda theta: net._cost_and_gradient(theta, X, Y, alpha)  # noqa: E731
    start = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore"):  # a non-finite J is reported as a ValueError below
        tracker = _Tracker(objective, theta0, max_iter, callback)
    if not np.isfinite(tracker.cost_history[0]):
        raise ValueError(
            f"the cost at theta0 is {tracker.cost_history[0]}: theta0 or X is too large for float64 "
            f"(largest |theta0| {np.max(np.abs(theta0)):.3g}, largest |X| {np.max(np.abs(X)):.3g}); "
            "scale the features or start from smaller weights."
        )
    message, converged, interrupted = f"reached max_iter={max_iter}", False, False
    try:
        if max_iter == 0:
            raise _StopTraining("max_iter=0: no training")
        if method == "fmincg":
            message = _run_fmincg(tracker, theta0, max_iter)
        elif method == "gd":
            message = _run_gd(tracker, theta0, learning_rate, max_iter)
        elif method in ("sgd", "adam"):
            batch = batch_size if batch_size is not None else (min(200, m) if method == "sgd" else m)
            message = _run_minibatch(
                tracker, net, theta0, X, Y, alpha, method, learning_rate, batch, momentum, random_state
            )
        else:
            message, converged = _run_scipy(tracker, theta0, method, max_iter, tol)
    except _StopTraining as stop:
        message = stop.message
    except KeyboardInterrupt:
        interrupted = True
        del tracker.cost_history[tracker.n_iter + 1 :]  # an entry appended just before the interrupt
        message = f"interrupted by the user after {tracker.n_iter} iterations"
        warnings.warn(
            f"Training interrupted (Ctrl-C) after {tracker.n_iter} iterations; "
            "keeping the weights of the last finished iteration.",
            TrainingInterrupted,
            stacklevel=2,
        )
    return TrainResult(
        theta=tracker.theta,
        cost_history=tracker.cost_history,
        n_iter=tracker.n_iter,
        n_evaluations=int(round(tracker.n_evaluations)),
        message=message,
        elapsed=time.perf_counter() - start,
        method=method,
        converged=converged,
        interrupted=interrupted,
    )


# Threads of SciPy's own BLAS library while scipy.optimize.minimize runs (None: leave it alone).
# Its pool would fight NumPy's for the cores: see nnlearn._threads. On 2 cores, 50 L-BFGS-B
# iterations on the course's digits ran about 4x slower without this limit.
SCIPY_BLAS_THREADS = 1


@_nonfinite_is_checked
def _run_scipy(tracker, theta0, method, max_iter, tol):
    options = {"maxiter": max_iter} if method != "TNC" else {"maxfun": max(100, 20 * max_iter)}
    if tol is not None:
        options["gtol"] = tol

    def on_iteration(xk):
        tracker.iteration_done(xk, tracker.cost_at(xk))

    with _threads.scipy_blas_limited(SCIPY_BLAS_THREADS):  # SciPy's BLAS must not fight NumPy's for the cores
        result = scipy.optimize.minimize(
            tracker.fun, theta0.copy(), jac=True, method=method, callback=on_iteration, options=options
        )
    # A converged optimizer may end between callbacks; its final point is the last iterate.
    if not np.array_equal(result.x, tracker.theta) and np.isfinite(result.fun) and result.fun <= tracker.cost_history[-1]:
        if tracker.n_iter < max_iter:
            tracker.iteration_done(result.x, result.fun)
    message = result.message if isinstance(result.message, str) else str(result.message)
    return message, bool(result.success)


@_nonfinite_is_checked
def _run_fmincg(tracker, theta0, max_iter):
    result = fmincg(
        tracker.fun, theta0, max_iter=max_iter, callback=lambda i, x, J: tracker.iteration_done(x, J)
    )
    return result.message


@_nonfinite_is_checked
def _run_gd(tracker, theta, learning_rate, max_iter):
    _, grad = tracker.fun(theta)  # J(theta0) was just evaluated by the tracker: reuse the point
    while True:
        theta = theta - learning_rate * grad  # θ ← θ - η ∇J(θ)
        J, grad = tracker.fun(theta)
        tracker.iteration_done(theta, J)


@_nonfinite_is_checked
def _run_minibatch(tracker, net, theta, X, Y, alpha, method, learning_rate, batch_size, momentum, random_state):
    r"""Mini-batch sgd (with momentum) or Adam; one iteration = one pass over shuffled data.

    The regularization term is spread over batches in proportion to their size,
    so a full pass follows the gradient of the same J as the batch methods.
    """
    rng = np.random.default_rng(random_state)
    m = X.shape[0]
    velocity = np.zeros_like(theta)  # sgd momentum
    first, second = np.zeros_like(theta), np.zeros_like(theta)  # Adam moments
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    step = 0
    while True:
        order = rng.permutation(m) if batch_size < m else np.arange(m)
        for start in range(0, m, batch_size):
            rows = order[start : start + batch_size]
            _, grad = net._cost_and_gradient(theta, X[rows], Y[rows], alpha * len(rows) / m)
            tracker.n_evaluations += len(rows) / m
            if method == "sgd":
                velocity = momentum * velocity - learning_rate * grad  # v ← μ v - η ∇J
                theta = theta + velocity
            else:
                step += 1
                first = beta1 * first + (1 - beta1) * grad  # m_t
                second = beta2 * second + (1 - beta2) * grad * grad  # v_t
                m_hat = first / (1 - beta1**step)
                v_hat = second / (1 - beta2**step)
                theta = theta - learning_rate * m_hat / (np.sqrt(v_hat) + eps)
        J = tracker.fun(theta)[0]
        tracker.iteration_done(theta, J)
