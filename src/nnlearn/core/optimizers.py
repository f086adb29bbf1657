r"""Optimizers on flat vectors: :func:`minimize` knows nothing about networks.

Every method reports the same history: ``cost_history[0] = J(theta0)`` and
``cost_history[k]`` is J after k iterations, where an iteration is one
optimizer step (scipy), one line search (fmincg), one gradient step (gd) or one
pass over the data (sgd, adam with mini-batches; with ``pass_cost="batches"``,
the mean of the pass's batch costs, and for ``[0]`` the first batch's cost).

Nothing here validates: :func:`nnlearn.train` and :func:`nnlearn.optimize.minimize`
check the arguments and resolve the method name through :data:`METHODS`.
"""

from __future__ import annotations

import functools
import math
import time
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.optimize

from . import threads
from .fmincg import fmincg

__all__ = [
    "minimize",
    "TrainResult",
    "MinibatchState",
    "TrainingInterrupted",
    "TrainingDiverged",
    "METHODS",
    "DEFAULT_LEARNING_RATES",
    "MINIBATCH_METHODS",
    "DENSE_HESSIAN_MAX_PARAMS",
    "DIVERGENCE_FACTOR",
    "PASS_COSTS",
    "sgd_update",
    "adam_update",
    "ADAM_BETA1",
    "ADAM_BETA2",
    "ADAM_EPS",
]

# The one table of method names: every spelling a door accepts (matched in any case) -> the method.
# CG, L-BFGS-B, TNC and BFGS are scipy.optimize.minimize's, with the analytic gradient.
METHODS = {
    "CG": "CG",
    "L-BFGS-B": "L-BFGS-B",
    "lbfgs": "L-BFGS-B",
    "TNC": "TNC",
    "BFGS": "BFGS",
    "fmincg": "fmincg",
    "gd": "gd",
    "sgd": "sgd",
    "adam": "adam",
}
SCIPY_METHODS = ("CG", "L-BFGS-B", "TNC", "BFGS")
MINIBATCH_METHODS = ("sgd", "adam")
# BFGS keeps a dense n x n inverse Hessian: fine for small nets, hopeless for 10^4 parameters.
DENSE_HESSIAN_MAX_PARAMS = 2000
DEFAULT_LEARNING_RATES = {"gd": 1.0, "sgd": 0.1, "adam": 0.001}
ADAM_BETA1, ADAM_BETA2, ADAM_EPS = 0.9, 0.999, 1e-8  # Kingma and Ba's defaults, scikit-learn's and PyTorch's
# What sgd and adam with several batches per pass record as a pass's cost (minimize's pass_cost):
# "exact": J of all examples at the pass's end weights, one more forward pass over the data (on
# Fashion-MNIST's 784-100-10 in float32, 90 ms against 280 ms for the pass's 235 steps of 256);
# "batches": the mean of the pass's batch costs, each at the weights before its step, which the
# steps computed anyway (scikit-learn's MLP records its loss_curve_ so), and for J(theta0) the
# first batch's cost: such a run never evaluates all examples at once.
PASS_COSTS = ("exact", "batches")


class TrainingInterrupted(UserWarning):
    """Training was stopped by Ctrl-C; the weights of the last finished iteration were kept."""


# The divergence rule: a cost above DIVERGENCE_FACTOR * max(J(theta0), 1) ends training (TrainingDiverged).
# No descent method gets there on purpose; gd at learning_rate 1e6 went 6.78 -> 1.4e100 and stayed finite.
DIVERGENCE_FACTOR = 1e6


class TrainingDiverged(FloatingPointError):
    """The cost or the weights became non-finite during training, or the cost grew beyond the divergence rule.

    The rule: after an iteration, a cost ``J > DIVERGENCE_FACTOR * max(J(theta0), 1)``
    (a million times the cost at the start, or a million when it started below 1)
    is divergence, even while J is finite.

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
class MinibatchState:
    """What sgd and adam carry from one step to the next, so that a later run can go on with it.

    Attributes
    ----------
    velocity : ndarray of shape (n,), sgd's momentum velocity v
    first, second : ndarray of shape (n,), Adam's moment estimates m_t and v_t
    step : int, Adam's step count t (its bias corrections divide by 1 - beta^t)

    The arrays' dtype (float64, or float32 for an objective computed in float32)
    is the one the updates compute in; the weights stay float64.
    """

    velocity: np.ndarray
    first: np.ndarray
    second: np.ndarray
    step: int = 0

    @classmethod
    def zeros(cls, n, dtype=np.float64):
        """The state before the first step: everything zero, in ``dtype``."""
        return cls(np.zeros(n, dtype), np.zeros(n, dtype), np.zeros(n, dtype), 0)

    def copy(self):
        return MinibatchState(self.velocity.copy(), self.first.copy(), self.second.copy(), self.step)


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
    state : MinibatchState or None, sgd's and adam's state after the last iteration (None for
        the other methods and after Ctrl-C); pass it to :func:`minimize` to go on from there
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
    state: MinibatchState | None = None

    # -- display: a short repr (never the whole history), a readable print(), an HTML summary --

    def __repr__(self):
        first, last = self.cost_history[0], self.cost_history[-1]
        return (f"TrainResult(method={self.method!r}, n_iter={self.n_iter}, n_evaluations={self.n_evaluations}, "
                f"cost={first:.6g} -> {last:.6g}, elapsed={self.elapsed:.3g}s, message={self.message[:80]!r})")

    def __str__(self):
        first, last = self.cost_history[0], self.cost_history[-1]
        return "\n".join([
            f"{self.method or 'training'}: {self.n_iter} iterations, {self.n_evaluations} evaluations, "
            f"{self.elapsed:.2f} s",
            f"cost {first:.6f} -> {last:.6f}",
            f"stopped: {self.message}" + (" (interrupted)" if self.interrupted else ""),
        ])

    def _repr_html_(self):
        from ..display import seconds, sparkline_svg, summary_html

        first, last = self.cost_history[0], self.cost_history[-1]
        pairs = [
            ("method", self.method or "-"),
            ("iterations", f"{self.n_iter} ({self.n_evaluations} evaluations)"),
            ("cost J", f"{first:.6f} → {last:.6f}"),
            ("time", seconds(self.elapsed)),
            ("stopped", self.message + (" (interrupted)" if self.interrupted else "")),
        ]
        curve = sparkline_svg(self.cost_history, title=f"cost J over {self.n_iter} iterations")
        caption = f'<div style="color: #555; font-size: 11px">cost J, iterations 0 to {self.n_iter}</div>'
        return summary_html("TrainResult", pairs, extra=caption + curve)


class _StopTraining(Exception):
    """Raised inside an optimizer's callback to end the run."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class _Tracker:
    """Counts evaluations, keeps the history and the last finished iterate, and runs the callback."""

    def __init__(self, objective, theta0, max_iter, callback, cost_only=False, deferred=False):
        self.objective = objective
        self.max_iter = max_iter
        self.callback = callback
        self.n_evaluations = 0
        self._last_x = self._last_J = self._last_grad = None
        self.theta = theta0.copy()
        # deferred: J(theta0) comes from the optimizer's first evaluation (start_at)
        self.cost_history = [] if deferred else [self.cost(theta0) if cost_only else self.fun(theta0)[0]]
        self.n_iter = 0

    def fun(self, theta):
        """(J, grad) at theta; a repeat of the last point (scipy starts at theta0 again) is not recomputed."""
        if self._last_x is not None and (theta is self._last_x or np.array_equal(theta, self._last_x)):
            return self._last_J, self._last_grad.copy()
        J, grad = self.objective(theta)
        self.n_evaluations += 1
        self._last_x, self._last_J, self._last_grad = theta.copy(), J, grad
        return J, grad

    def cost(self, theta):
        """J alone at ``theta``: ``objective.cost(theta)`` if the objective offers it, else its J."""
        self.n_evaluations += 1
        cost = getattr(self.objective, "cost", None)
        return cost(theta) if cost is not None else self.objective(theta)[0]

    def evaluate(self, theta):
        """(J, grad) at a new ``theta`` that the caller will not modify (gd, sgd, adam): kept, not copied."""
        J, grad = self.objective(theta)
        self.n_evaluations += 1
        self._last_x, self._last_J, self._last_grad = theta, J, grad
        return J, grad

    def cost_at(self, theta):
        """J at an iterate the optimizer reports; reuses the last evaluation when it was there."""
        if self._last_x is not None and np.array_equal(theta, self._last_x):
            return self._last_J
        return self.fun(theta)[0]

    def start_at(self, J0):
        """Record ``J0`` as the cost at theta0 (a deferred start); a non-finite one is a ValueError."""
        if not np.isfinite(J0):
            raise ValueError(f"the cost at theta0 is {J0}")
        self.cost_history.append(float(J0))

    def iteration_done(self, theta, J, owned=False):
        """Record iterate ``theta`` of cost J (``owned``: a new array nobody modifies, kept without a copy)."""
        if not math.isfinite(J) or not np.isfinite(theta).all():
            raise TrainingDiverged(
                f"training diverged at iteration {self.n_iter + 1}: the cost or the weights became "
                "non-finite; the weights of the last finite iteration are kept.",
                iteration=self.n_iter + 1,
                theta=self.theta.copy(),
                cost_history=list(self.cost_history),
            )
        J0 = self.cost_history[0]
        if J > DIVERGENCE_FACTOR * max(J0, 1.0):  # finite, but the run has left any useful region
            raise TrainingDiverged(
                f"training diverged at iteration {self.n_iter + 1}: the cost grew from {J0:.6g} to {J:.6g}, more "
                f"than {DIVERGENCE_FACTOR:.0e} times its start; the weights of iteration {self.n_iter} are kept.",
                iteration=self.n_iter + 1,
                theta=self.theta.copy(),
                cost_history=list(self.cost_history),
            )
        if not owned:
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


def minimize(
    fun,
    theta0,
    method="CG",
    max_iter=50,
    *,
    n_samples=None,
    learning_rate=None,
    batch_size=None,
    momentum=0.0,
    tol=None,
    callback=None,
    random_state=None,
    shuffle=True,
    state=None,
    pass_cost="exact",
):
    r"""Minimize ``fun`` from ``theta0`` with ``method``; nothing is validated.

    Parameters
    ----------
    fun : callable
        ``fun(theta) -> (J, grad)`` on a float64 vector of shape (n,). For
        ``"sgd"`` and ``"adam"``, ``fun(theta, rows)`` gives the objective of the
        examples ``rows`` (an index array into ``n_samples``), whose gradient
        averaged over a pass is the full-batch gradient. If ``fun`` has an
        attribute ``cost``, ``fun.cost(theta) -> J`` (the same J), sgd and adam
        with several batches per pass use it where they need J alone: at
        ``theta0`` and at the end of each pass. If it has an attribute ``dtype``
        (float32: its gradients have float32's precision), sgd's and adam's state
        is kept and updated in that dtype when it starts from zeros.
    theta0 : ndarray of shape (n,), float64, not modified
    method : str, a value of :data:`METHODS`
    max_iter : int >= 0
    n_samples : int, the number of examples (sgd and adam only)
    learning_rate : float > 0 or None (gd, sgd, adam; None: :data:`DEFAULT_LEARNING_RATES`)
    batch_size : int in [1, n_samples] or None (sgd: ``min(200, n_samples)``, adam: full batch)
    momentum : float in [0, 1), of sgd
    tol : float >= 0 or None, scipy's ``gtol``
    callback : callable or None, ``callback(iteration, theta, J)``; True stops
    random_state : None, int or Generator, the mini-batch order
    shuffle : bool, sgd and adam draw a new order of the examples each pass
        (True) or take them in order 0..n_samples-1 every pass (False)
    state : MinibatchState or None, sgd's velocity and Adam's moments and step
        count to start from (None: zeros); not modified (the run works on a copy)
    pass_cost : str in :data:`PASS_COSTS`, sgd and adam with several batches per pass:
        ``cost_history[k]`` (and the callback's J) for k >= 1 is J of all examples
        after pass k (``"exact"``, one more forward pass over the data each pass) or
        the mean of pass k's batch costs weighted by their sizes, each at the
        weights before its step (``"batches"``, free: the steps computed them;
        then ``cost_history[0]`` is the first batch's cost at theta0, and the
        divergence rule and the check of a finite start use it). One batch per
        pass (or ``max_iter=0``) always records the exact J.

    Returns
    -------
    TrainResult

    Raises
    ------
    ValueError
        If ``fun(theta0)`` is not finite.
    TrainingDiverged
        If the cost or the weights become non-finite during training.

    Notes
    -----
    Ctrl-C during training returns the weights of the last finished iteration
    with a :class:`TrainingInterrupted` warning instead of losing the run.
    """
    if learning_rate is None:
        learning_rate = DEFAULT_LEARNING_RATES.get(method)
    start = time.perf_counter()
    if method in MINIBATCH_METHODS:
        batch = batch_size if batch_size is not None else (min(200, n_samples) if method == "sgd" else n_samples)
    several_batches = method in MINIBATCH_METHODS and batch < n_samples  # J alone at the start of a pass
    batch_costs = several_batches and pass_cost == "batches" and max_iter > 0  # J(theta0): the first batch's
    with np.errstate(over="ignore", invalid="ignore"):  # a non-finite J is reported as a ValueError below
        tracker = _Tracker(fun, theta0, max_iter, callback, cost_only=several_batches, deferred=batch_costs)
    if not batch_costs and not np.isfinite(tracker.cost_history[0]):
        raise ValueError(f"the cost at theta0 is {tracker.cost_history[0]}")
    message, converged, interrupted = f"reached max_iter={max_iter}", False, False
    if method in MINIBATCH_METHODS:
        state = MinibatchState.zeros(theta0.size, getattr(fun, "dtype", np.float64)) if state is None else state.copy()
    try:
        if max_iter == 0:
            raise _StopTraining("max_iter=0: no training")
        if method == "fmincg":
            message = _run_fmincg(tracker, theta0, max_iter)
        elif method == "gd":
            message = _run_gd(tracker, theta0, learning_rate, max_iter)
        elif method in MINIBATCH_METHODS:
            message = _run_minibatch(tracker, fun, theta0, n_samples, method, learning_rate, batch, momentum,
                                     random_state, shuffle, state, batch_costs)
        else:
            message, converged = _run_scipy(tracker, theta0, method, max_iter, tol)
    except _StopTraining as stop:
        message = stop.message
    except KeyboardInterrupt:
        if not tracker.cost_history:  # before the first batch of a deferred start: nothing to keep
            raise
        interrupted = True
        del tracker.cost_history[tracker.n_iter + 1 :]  # an entry appended just before the interrupt
        message = f"interrupted by the user after {tracker.n_iter} iterations"
        warnings.warn(
            f"Training interrupted (Ctrl-C) after {tracker.n_iter} iterations; "
            "keeping the weights of the last finished iteration.",
            TrainingInterrupted,
            stacklevel=3,
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
        state=state if method in MINIBATCH_METHODS and not interrupted else None,
    )


# Threads of SciPy's own BLAS library while scipy.optimize.minimize runs (None: leave it alone).
# Its pool would fight NumPy's for the cores: see nnlearn.core.threads. On 2 cores, 50 L-BFGS-B
# iterations on the course's digits ran about 4x slower without this limit.
SCIPY_BLAS_THREADS = 1


@_nonfinite_is_checked
def _run_scipy(tracker, theta0, method, max_iter, tol):
    options = {"maxiter": max_iter} if method != "TNC" else {"maxfun": max(100, 20 * max_iter)}
    if tol is not None:
        options["gtol"] = tol

    def on_iteration(xk):
        tracker.iteration_done(xk, tracker.cost_at(xk))

    with threads.scipy_blas_limited(SCIPY_BLAS_THREADS):  # SciPy's BLAS must not fight NumPy's for the cores
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
    # The iterates alternate between two arrays: the tracker keeps the last one, the
    # next is written into the other (and an objective that prepares views of the
    # weights, kernel.Objective's, finds them made).
    iterates = (np.empty_like(theta), np.empty_like(theta))
    while True:
        step = np.multiply(learning_rate, grad, out=grad)  # (the objective's gradient is new at each call)
        theta = np.subtract(theta, step, out=iterates[tracker.n_iter % 2])  # θ ← θ - η ∇J(θ)
        J, grad = tracker.evaluate(theta)
        tracker.iteration_done(theta, J, owned=True)


def sgd_update(theta, grad, state, learning_rate, momentum, out, scratch):
    r"""One step of sgd with momentum, :math:`v \leftarrow \mu v - \eta g`, :math:`\theta \leftarrow \theta + v`.

    ``state.velocity`` is updated in place; the new ``theta`` is written into ``out``
    (which may be ``theta``) and returned; ``scratch`` is a vector of the state's size
    and dtype for the intermediate result. Each operation rounds as the textbook
    expression ``v = momentum * v - learning_rate * grad; theta + v`` does.
    """
    velocity = state.velocity
    velocity *= momentum
    velocity -= np.multiply(grad, learning_rate, out=scratch)
    return np.add(theta, velocity, out=out)


def adam_update(theta, grad, state, learning_rate, out, scratch, step):
    r"""One Adam step: ``state``'s moments and step count updated in place, the new ``theta`` in ``out``.

    .. math::
        m_t = \beta_1 m_{t-1} + (1 - \beta_1) g, \qquad v_t = \beta_2 v_{t-1} + (1 - \beta_2) g^2, \qquad
        \theta \leftarrow \theta - \eta \frac{m_t / c_1}{\sqrt{v_t / c_2} + \epsilon}
        = \theta - \frac{\eta \sqrt{c_2}}{c_1} \, \frac{m_t}{\sqrt{v_t} + \epsilon \sqrt{c_2}}

    with the bias corrections :math:`c_1 = 1 - \beta_1^t`, :math:`c_2 = 1 - \beta_2^t` folded
    into two scalars (Kingma and Ba, section 2): the same step with two passes over the
    weights fewer. ``scratch`` and ``step`` are vectors of the state's size and dtype for
    the intermediate results; ``out`` may be ``theta``. Returns the new ``theta``.
    """
    state.step += 1
    t, first, second = state.step, state.first, state.second
    first *= ADAM_BETA1  # m_t = β1 m_{t-1} + (1 - β1) g
    first += np.multiply(grad, 1 - ADAM_BETA1, out=scratch)
    second *= ADAM_BETA2  # v_t = β2 v_{t-1} + (1 - β2) g²
    scratch = np.multiply(grad, 1 - ADAM_BETA2, out=scratch)
    scratch *= grad
    second += scratch
    c1, c2 = 1 - ADAM_BETA1**t, 1 - ADAM_BETA2**t  # the bias corrections
    denominator = np.sqrt(second, out=scratch)
    denominator += ADAM_EPS * math.sqrt(c2)  # √v_t + ε √c2
    step = np.divide(first, denominator, out=step)
    step *= learning_rate * math.sqrt(c2) / c1
    return np.subtract(theta, step, out=out)  # θ ← θ - η m̂_t / (√v̂_t + ε)


@_nonfinite_is_checked
def _run_minibatch(tracker, fun, theta, m, method, learning_rate, batch_size, momentum, random_state, shuffle,
                   state, batch_costs=False):
    r"""Mini-batch sgd (with momentum) or Adam; one iteration = one pass over the data.

    ``fun(theta, rows)`` spreads the regularization term over batches in proportion
    to their size, so a full pass follows the gradient of the same J as the batch methods.
    The rows are shuffled each pass when ``shuffle`` (and there is more than one batch).
    With ``batch_costs`` (and several batches) a pass records the mean of its batch costs
    instead of J at its end, and the first batch's cost is recorded as J(theta0).
    ``state`` (sgd's velocity, Adam's moments) is updated in place, step by step, with
    two vectors allocated once per run for the intermediate results. With several
    batches per pass the weights are updated in place too (``fun`` must not keep the
    ``theta`` it is given), and each pass ends with a copy for the history.

    Each step is :func:`sgd_update`'s or :func:`adam_update`'s (the playground's stepper,
    :class:`nnlearn.playground.training.FirstOrder`, takes its steps with them too). The updates compute in the state's dtype: float32 state takes each gradient in
    float32 (one conversion), and its step is added to the float64 weights; on
    Fashion-MNIST's 79,510 weights an Adam update took 0.11 ms so, 0.21 ms in float64.
    """
    rng = np.random.default_rng(random_state)
    one_batch = batch_size >= m  # a pass is one step on all rows, in order: at the J of the pass before
    if one_batch:
        # A pass's gradient is the one evaluated with J at the pass before (J(theta0)'s at first), and
        # its iterates alternate between two arrays, as gd's: the tracker keeps the last one.
        _, grad = tracker.fun(theta)
        iterates = (np.empty_like(theta), np.empty_like(theta))
    else:
        theta = theta.copy()  # this run's weights, updated step by step
    dtype = state.first.dtype  # the updates' (float64, or float32: see MinibatchState)
    scratch, step = np.empty(theta.size, dtype), np.empty(theta.size, dtype)  # intermediate vectors, reused
    grad_in_dtype = np.empty(theta.size, dtype) if dtype != theta.dtype else None
    batch_costs = batch_costs and not one_batch
    while True:
        order = rng.permutation(m) if shuffle and not one_batch else np.arange(m)
        pass_sum = 0.0  # Σ |B| J_B over the pass's batches B
        for start in range(0, m, batch_size):
            if not one_batch:
                rows = order[start : start + batch_size]
                J_batch, grad = fun(theta, rows)
                if not tracker.cost_history:  # batch costs: the first batch's cost stands for J(theta0)
                    tracker.start_at(J_batch)
                pass_sum += len(rows) * J_batch
                tracker.n_evaluations += len(rows) / m
            if grad_in_dtype is not None:  # g in the state's dtype
                np.copyto(grad_in_dtype, grad, casting="same_kind")
                grad = grad_in_dtype
            out = iterates[tracker.n_iter % 2] if one_batch else theta  # where the step's θ goes
            if method == "sgd":
                theta = sgd_update(theta, grad, state, learning_rate, momentum, out, scratch)
            else:
                theta = adam_update(theta, grad, state, learning_rate, out, scratch, step)
        if one_batch:
            J, grad = tracker.evaluate(theta)  # with the next step's gradient
        else:
            J = pass_sum / m if batch_costs else tracker.cost(theta)  # the batches' mean, or J alone
        tracker.iteration_done(theta if one_batch else theta.copy(), J, owned=True)
