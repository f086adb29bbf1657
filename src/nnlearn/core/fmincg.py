r"""Conjugate-gradient minimizer in the style of the course's ``fmincg``.

The algorithm is Carl Edward Rasmussen's: Polak-Ribiere conjugate directions,
and along each direction a line search that brackets a step satisfying the
strong Wolfe-Powell conditions by quadratic and cubic interpolation and cubic
extrapolation. It needs only ``fun(x) -> (f, grad)`` on a flat vector, which is
exactly what ``Network.cost_and_gradient`` provides. This function trusts its
arguments (``fun`` callable, ``x0`` a finite non-empty 1-D float array,
``max_iter`` an int >= 0); :func:`nnlearn.optimize.fmincg` is the checked door.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np


__all__ = ["fmincg", "FmincgResult"]

RHO = 0.01  # sufficient-decrease constant (ρ) of the Wolfe-Powell conditions
SIG = 0.5  # curvature constant (σ) of the Wolfe-Powell conditions
INT = 0.1  # stay at least this fraction of the bracket away from its ends
EXT = 3.0  # extrapolate to at most EXT times the current step
MAX = 20  # function evaluations per line search after the first trial step
RATIO = 100.0  # largest growth of the initial step from one line search to the next

MAX_ITER_REACHED = "maximum number of iterations reached"
LINE_SEARCH_FAILED = "line search failed"
STOPPED_BY_CALLBACK = "stopped by callback"
ZERO_GRADIENT = "gradient is zero"


@dataclass(frozen=True)
class FmincgResult:
    """Outcome of :func:`fmincg`.

    Attributes
    ----------
    x : ndarray of shape (n,)
        Best point found (float64). It is always the point of the last
        successful line search, or ``x0`` if there was none.
    fun : float
        ``f(x)``; equal to ``cost_history[-1]``.
    cost_history : ndarray of shape (n_iter + 1,)
        ``cost_history[0]`` is ``f(x0)`` and ``cost_history[k]`` is ``f`` after
        ``k`` successful line searches. It is strictly decreasing.
    n_iter : int
        Number of successful line searches.
    n_evaluations : int
        Number of calls to ``fun``, the one at ``x0`` included.
    success : bool
        False only when the run ended because the line search failed twice in
        a row (see ``message``).
    message : str
        Why the run stopped: ``"maximum number of iterations reached"``,
        ``"line search failed"``, ``"stopped by callback"`` or
        ``"gradient is zero"``.
    """

    x: np.ndarray
    fun: float
    cost_history: np.ndarray
    n_iter: int
    n_evaluations: int
    success: bool
    message: str


@dataclass(frozen=True)
class _LineSearchOutcome:
    success: bool
    step: float
    x: Optional[np.ndarray]
    f: float
    grad: Optional[np.ndarray]
    n_evaluations: int


def fmincg(
    fun: Callable[[np.ndarray], tuple],
    x0,
    max_iter: int = 100,
    callback: Optional[Callable[[int, np.ndarray, float], Optional[bool]]] = None,
) -> FmincgResult:
    r"""Minimize a smooth function with nonlinear conjugate gradients.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> (f, grad)`` with ``x`` an ndarray of shape (n,) (float64),
        ``f`` a scalar and ``grad`` array-like of shape (n,). ``fun`` receives
        a fresh array on every call.
    x0 : array-like of shape (n,)
        Starting point; finite. It is not modified.
    max_iter : int, default=100
        Maximum number of line searches (the course's ``MaxIter``). A failed
        line search that is followed by a steepest-descent restart counts too.
        ``0`` evaluates ``fun(x0)`` once and returns ``x0``.
    callback : callable or None, default=None
        ``callback(iteration, x, f)`` is called after every successful line
        search, with ``iteration`` counted from 1, ``x`` a copy of the new
        point (shape (n,)) and ``f`` its cost. Returning True stops the run.

    Returns
    -------
    result : FmincgResult
        Fields ``x`` (ndarray of shape (n,)), ``fun``, ``cost_history``
        (ndarray of shape (n_iter + 1,)), ``n_iter``, ``n_evaluations``,
        ``success`` and ``message``.

    Raises
    ------
    TypeError
        If ``fun`` does not return a pair ``(f, grad)``.
    ValueError
        If ``grad`` does not have the shape of ``x``, ``f`` is not a scalar,
        or ``fun(x0)`` is not finite.

    Notes
    -----
    **Directions.** Let :math:`g_k = \nabla f(x_k)`. The first direction is
    steepest descent, :math:`s_0 = -g_0`. After a successful line search the
    Polak-Ribiere update gives the next conjugate direction

    .. math::

        \beta_{k+1} = \frac{g_{k+1}^\top (g_{k+1} - g_k)}{g_k^\top g_k},
        \qquad
        s_{k+1} = \beta_{k+1} s_k - g_{k+1},

    and if the slope :math:`g_{k+1}^\top s_{k+1}` is not negative the
    direction is reset to steepest descent, :math:`s_{k+1} = -g_{k+1}`.

    **Step acceptance.** Along :math:`s` write
    :math:`\phi(t) = f(x + t s)`, so :math:`\phi'(t) = \nabla f(x + t s)^\top s`
    and :math:`\phi'(0) < 0`. A step :math:`t` is accepted when it meets the
    strong Wolfe-Powell conditions

    .. math::

        \phi(t) \le \phi(0) + \rho\, t\, \phi'(0)
        \quad\text{(sufficient decrease)},
        \qquad
        |\phi'(t)| \le -\sigma\, \phi'(0)
        \quad\text{(curvature)},

    with :math:`\rho = 0.01` (``RHO``) and :math:`\sigma = 0.5` (``SIG``).
    The first keeps the cost going down by a fraction of what the slope
    promises; the second stops at a point where the slope has flattened,
    which is what keeps the conjugate directions useful. Accepted steps
    therefore strictly decrease ``f``.

    **Line search.** The search keeps a trailing point :math:`t_3` (the
    origin at first) and the current trial :math:`t`. While :math:`t` is too
    long (sufficient decrease fails, or :math:`\phi'(t) > -\sigma\phi'(0)`)
    it moves back into :math:`[t_3, t]`: to the minimizer of the quadratic
    through :math:`\phi(t_3), \phi'(t_3), \phi(t)` if
    :math:`\phi(t) > \phi(0)`, else of the cubic through both values and
    slopes, clipped to stay ``INT`` = 0.1 of the interval away from either
    end. While :math:`t` is acceptable but the slope is still steep
    (:math:`\phi'(t) \le \sigma\phi'(0)`) it extrapolates with the cubic,
    to at most ``EXT`` = 3 times :math:`t`, or halfway to the shortest step
    already known to be too long. Each line search makes at most
    ``1 + MAX`` = 21 evaluations. If ``fun`` returns an infinite or NaN value
    at a trial point, that step counts as too long and the trial is moved
    halfway back towards :math:`t_3` and retried.

    The first trial step is :math:`t = 1 / (1 + g_0^\top g_0)`; later ones
    are the previous accepted step times
    :math:`\min(\mathrm{RATIO}, \phi_{k}'(0) / \phi_{k+1}'(0))`, ``RATIO`` = 100.

    **Failures.** If a line search fails, ``x`` goes back to where it
    started and the next one uses steepest descent with the initial step
    rule. If that one fails too (or the very first one fails, which already
    was steepest descent) the run stops with ``"line search failed"``. This
    often just means no further decrease is possible at floating-point
    precision, e.g. at the minimum. If the gradient is exactly zero the run
    stops with ``"gradient is zero"``.

    Examples
    --------
    >>> import numpy as np
    >>> from nnlearn.optimize import fmincg
    >>> A = np.array([[3.0, 1.0], [1.0, 2.0]])
    >>> b = np.array([1.0, 1.0])
    >>> result = fmincg(lambda x: (0.5 * x @ A @ x - b @ x, A @ x - b), np.zeros(2))
    >>> np.allclose(result.x, np.linalg.solve(A, b))
    True
    """
    x = np.array(x0, dtype=np.float64)  # a copy: x0 is not modified

    f, g = _evaluate(fun, x)
    if not (np.isfinite(f) and np.all(np.isfinite(g))):
        raise ValueError(f"fun(x0) must return a finite cost and gradient; got f = {f!r}, "
                         f"{np.count_nonzero(~np.isfinite(g))} non-finite gradient entries.")
    n_evaluations = 1
    cost_history = [f]
    n_iter = 0
    message = MAX_ITER_REACHED

    s = -g  # search direction; (n,)
    slope = -(s @ s)  # φ'(0) = gᵀs
    step = 1.0 / (1.0 - slope)  # first trial step
    after_restart = True  # the first direction already is steepest descent

    for _ in range(max_iter):
        if slope == 0.0:  # only when g == 0: x is a stationary point
            message = ZERO_GRADIENT
            break
        search = _line_search(fun, x, f, slope, s, step)
        n_evaluations += search.n_evaluations

        if not search.success:
            if after_restart:
                message = LINE_SEARCH_FAILED
                break
            s = -g  # restart from the same x with steepest descent
            slope = -(s @ s)
            step = 1.0 / (1.0 - slope)
            after_restart = True
            continue

        g_new = search.grad
        beta = (g_new @ g_new - g @ g_new) / (g @ g)  # β = g₁ᵀ(g₁ − g₀) / g₀ᵀg₀ (Polak-Ribiere)
        s = beta * s - g_new  # s₁ = β s₀ − g₁; (n,)
        slope_new = g_new @ s  # φ₁'(0) = g₁ᵀs₁
        if slope_new >= 0.0:  # not a descent direction
            s = -g_new
            slope_new = -(s @ s)
        step = search.step * min(RATIO, slope / (slope_new - np.finfo(float).tiny))  # t₁ = t₀ min(RATIO, φ₀'/φ₁')
        x, f, g, slope = search.x, search.f, g_new, slope_new
        after_restart = False
        n_iter += 1
        cost_history.append(f)
        if callback is not None and callback(n_iter, x.copy(), f):
            message = STOPPED_BY_CALLBACK
            break

    return FmincgResult(
        x=x,
        fun=f,
        cost_history=np.array(cost_history),
        n_iter=n_iter,
        n_evaluations=n_evaluations,
        success=message != LINE_SEARCH_FAILED,
        message=message,
    )


def _evaluate(fun, x):
    """Call ``fun`` and return ``(float f, float64 grad of shape x.shape)``."""
    out = fun(x)
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise TypeError(f"fun must return a pair (f, grad); got {type(out).__name__}.")
    f, grad = out
    f = np.asarray(f, dtype=np.float64)
    if f.size != 1:
        raise ValueError(f"fun must return a scalar cost f; got an array of shape {f.shape}.")
    grad = np.asarray(grad, dtype=np.float64)
    if grad.shape != x.shape:
        raise ValueError(f"fun returned a gradient of shape {grad.shape}, but x has shape {x.shape}.")
    return float(f.reshape(())), grad


def _probe(fun, x, s, t, t_back, budget):
    """Evaluate at ``x + t s``; while the result is not finite, halve the way back to ``t_back``.

    Returns ``(t, x_t, f, grad, n_calls, t_bad)`` where ``t_bad`` is the
    shortest step that gave a non-finite result (inf if none). ``f`` is NaN if
    the budget ran out before a finite value was found.
    """
    t_bad = np.inf
    for n_calls in range(1, budget + 1):
        x_t = x + t * s
        f, grad = _evaluate(fun, x_t)
        if np.isfinite(f) and np.all(np.isfinite(grad)):
            return t, x_t, f, grad, n_calls, t_bad
        t_bad = t
        t = t_back + 0.5 * (t - t_back)
    return t, None, np.nan, None, budget, t_bad


def _quadratic_minimizer(t_a, f_a, d_a, t_b, f_b):
    """Minimizer of the parabola with value ``f_a``, slope ``d_a`` at ``t_a`` and value ``f_b`` at ``t_b``."""
    h = t_b - t_a
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return t_a - d_a * h * h / (2.0 * (f_b - f_a - d_a * h))


def _cubic_minimizer(t_a, f_a, d_a, t_b, f_b, d_b):
    """Local minimizer of the cubic matching values and slopes at ``t_a`` and ``t_b`` (NaN/inf if none)."""
    h = t_b - t_a
    # p(u) = f_a + d_a u + (B / h²) u² + (A / 3h²) u³ in u = t - t_a; p'(u) = 0 at A u² + 2 B u + d_a h² = 0.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        A = 6.0 * (f_a - f_b) / h + 3.0 * (d_a + d_b)
        B = 3.0 * (f_b - f_a) - h * (d_b + 2.0 * d_a)
        discriminant = B * B - A * d_a * h * h
        if not discriminant >= 0.0:  # complex roots (or NaN): no local minimum
            return np.nan
        root = np.sqrt(discriminant)
        # The root with p'' > 0; pick the form without cancellation.
        u = -d_a * h * h / (B + root) if B >= 0.0 else (root - B) / A
        return t_a + u


def _line_search(fun, x, f0, d0, s, t):
    """Find ``t`` meeting the strong Wolfe-Powell conditions along ``s`` from ``x``.

    ``f0`` and ``d0 < 0`` are the value and slope at ``x``; ``t`` is the first
    trial step. Returns a ``_LineSearchOutcome``.
    """
    remaining = MAX + 1  # evaluations left; MAX + 1 - remaining have been made
    t3, f3, d3 = 0.0, f0, d0  # trailing end of the bracket: the origin at first
    limit = np.inf  # shortest step known to be too long (inf: none yet)
    t_new = t

    while True:
        t, x_t, f, g, used, t_bad = _probe(fun, x, s, t_new, t3, remaining)
        remaining -= used
        limit = min(limit, t_bad)
        if x_t is None:
            break  # out of evaluations before a finite value
        d = g @ s

        if f > f0 + RHO * t * d0 or d > -SIG * d0:
            # Too long: interpolate back into [t3, t] until both conditions could hold.
            if remaining == 0:
                break
            limit = t
            if f > f0:
                t_new = _quadratic_minimizer(t3, f3, d3, t, f)
            else:
                t_new = _cubic_minimizer(t3, f3, d3, t, f, d)
            if not np.isfinite(t_new):
                t_new = 0.5 * (t3 + t)
            width = t - t3
            t_new = min(max(t_new, t3 + INT * width), t - INT * width)
            continue

        if d > SIG * d0:  # |φ'(t)| <= -σ φ'(0) as well: accept
            return _LineSearchOutcome(True, t, x_t, f, g, MAX + 1 - remaining)
        if remaining == 0:
            break

        # Sufficient decrease but still steeply downhill: extrapolate.
        t_new = _cubic_minimizer(t3, f3, d3, t, f, d)
        if not np.isfinite(t_new) or t_new < t:
            t_new = EXT * t if np.isinf(limit) else 0.5 * (t + limit)
        elif np.isfinite(limit) and t_new > limit:
            t_new = 0.5 * (t + limit)
        elif np.isinf(limit) and t_new > EXT * t:
            t_new = EXT * t
        elif t_new < t + INT * (t - t3):  # too close to the current point
            t_new = t + INT * (t - t3)
        elif np.isfinite(limit) and t_new > limit - INT * (limit - t):  # too close to the limit
            t_new = limit - INT * (limit - t)
        t3, f3, d3 = t, f, d

    return _LineSearchOutcome(False, np.nan, None, np.nan, None, MAX + 1 - remaining)
