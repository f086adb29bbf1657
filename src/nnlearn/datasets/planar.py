r"""Planar toy data (two features, a few classes) and the linear baseline to compare a network with.

Each function is a door: it checks its arguments once with
:mod:`nnlearn._validation` and names itself in the message, e.g. "The 'noise'
parameter of make_moons must be a float in the range [0.0, 1000000.0]. Got -1
instead."
"""

import numbers

import numpy as np

from .. import _validation as v

__all__ = [
    "load_planar_exercise",
    "planar_exercise_weights",
    "make_spirals",
    "make_flower",
    "make_circles",
    "make_moons",
    "make_xor",
    "make_gaussians",
    "logistic_baseline",
    "MAX_NOISE",
    "MAX_POINTS",
]

# The largest noise the generators accept. It is far beyond any useful value (the
# data lie within a few units of the origin, so noise 10 already drowns them) and
# keeps X finite: NumPy's standard normal draws stay below 15 in magnitude, so no
# coordinate exceeds about 1.5e7 (noise=1e308 would overflow to inf).
MAX_NOISE = 1e6
NOISE = v.Real(0.0, MAX_NOISE)
# The most points a generator makes (160 MB of float64 X): n_per_class times the arms or classes.
MAX_POINTS = 10_000_000
GROUPS = v.Int(2, MAX_POINTS)  # n_arms, n_classes


def _check_points(N, groups, door, what):
    """Refuse ``N`` points in each of ``groups`` groups (arms or classes) beyond :data:`MAX_POINTS` in all."""
    if N * groups > MAX_POINTS:
        raise ValueError(v.message("n_per_class", door, f"an int in the range [1, {MAX_POINTS // groups}] ({groups} "
                                   f"{what} of n_per_class points: at most {MAX_POINTS} points)", v.describe(N)))
    return N


# The planar exercise seeds NumPy's legacy global generator with 42, for its data and again for its weights.
PLANAR_EXERCISE_SEED = 42


def load_planar_exercise():
    r"""The planar exercise's spiral, point for point: 800 points in two arms.

    The exercise seeds NumPy's legacy global generator once
    (``np.random.seed(42)``) and draws both arms from it; nnlearn draws the
    same numbers from its own ``np.random.RandomState(42)`` (the legacy
    generator's stream, without touching NumPy's global state).
    :func:`make_spirals` follows the same formula with ``np.random.default_rng``,
    another stream, so no seed of it gives these points.

    Returns
    -------
    X : ndarray of shape (800, 2), dtype float64
        Arm 0 (the first 400 rows), then arm 1.
    y : ndarray of shape (800,), dtype int64
        The arm: 0 for the first 400 rows, 1 for the others.

    Notes
    -----
    For arm j in 0, 1 with N = 400, in the exercise's words::

        r = np.linspace(0.0, 1, N)                                        # radius
        t = np.linspace(j * 4.2, (j + 1) * 4.2, N) + np.random.randn(N) * 0.2  # angle
        X[N * j:N * (j + 1)] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[N * j:N * (j + 1)] = j

    A linear model gets about 66% of these points right (see
    :func:`logistic_baseline`); the exercise's 2-4-1 tanh network, trained
    from :func:`planar_exercise_weights` by gradient descent, far more.
    """
    legacy = np.random.RandomState(PLANAR_EXERCISE_SEED)  # = np.random.seed(42) and the global stream
    N = 400
    Xs, ys = [], []
    for j in range(2):
        r = np.linspace(0.0, 1, N)  # radius; (N,)
        t = np.linspace(j * 4.2, (j + 1) * 4.2, N) + legacy.randn(N) * 0.2  # angle; (N,)
        Xs.append(np.c_[r * np.sin(t), r * np.cos(t)])  # (N, 2)
        ys.append(np.full(N, j, dtype=np.int64))
    return np.concatenate(Xs), np.concatenate(ys)


def planar_exercise_weights(n_hidden=4):
    r"""The planar exercise's initial weights, in nnlearn's layout, for the network 2-``n_hidden``-1.

    The exercise seeds the legacy generator again (``np.random.seed(42)``)
    and draws ``W1 = np.random.randn(n_h, 2) * 0.01``, then
    ``W2 = np.random.randn(1, n_h) * 0.01``, with zero biases ``b1`` (n_h, 1)
    and ``b2`` (1, 1). nnlearn draws the same numbers from
    ``np.random.RandomState(42)`` (NumPy's global state is left alone) and
    puts the biases in column 0: ``Thetas[0] = [b1 | W1]`` of shape
    (n_h, 3), ``Thetas[1] = [b2 | W2]`` of shape (1, n_h + 1).

    Parameters
    ----------
    n_hidden : int >= 1, default=4
        Hidden units ``n_h`` (the exercise's 4; its hidden-size experiment
        calls the same initialization for every size).

    Returns
    -------
    theta : ndarray of shape (4 * n_hidden + 1,), float64
        ``Network([2, n_hidden, 1]).pack(Thetas)``.

    Raises
    ------
    TypeError, ValueError
        If ``n_hidden`` is not an int >= 1.
    """
    from ..core import params

    n_h = v.Int(1, (v.MAX_PARAMS - 1) // 4).check(n_hidden, "n_hidden", "planar_exercise_weights")  # 4 n_h + 1 weights
    legacy = np.random.RandomState(PLANAR_EXERCISE_SEED)
    W1 = legacy.randn(n_h, 2) * 0.01  # (n_h, n_x)
    W2 = legacy.randn(1, n_h) * 0.01  # (n_y, n_h)
    return params.pack([np.column_stack([np.zeros(n_h), W1]), np.column_stack([np.zeros(1), W2])])


def make_spirals(n_per_class=400, n_arms=2, noise=0.2, n_classes=2, random_state=None):
    r"""Interleaved spiral arms in the plane, the classic non-linear toy set.

    Parameters
    ----------
    n_per_class : int, default=400
        Points per arm, N >= 1. (With ``n_classes < n_arms`` a class gets
        several arms, hence N points per arm.)
    n_arms : int, default=2
        Number of arms, >= 2 and >= ``n_classes``.
    noise : float, default=0.2
        Standard deviation of the Gaussian noise added to each angle,
        0 <= noise <= :data:`MAX_NOISE` (1e6).
    n_classes : int, default=2
        Arm j gets label ``j % n_classes``: with the default 2 and more than
        two arms the labels alternate between arms; ``n_classes=n_arms``
        gives each arm its own class.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for ``np.random.default_rng`` (an int >= 0); a Generator is
        used as is.

    Returns
    -------
    X : ndarray of shape (n_arms * n_per_class, 2), dtype float64
        The points, arm 0 first, then arm 1, and so on.
    y : ndarray of shape (n_arms * n_per_class,), dtype int64
        The label of each point, ``j % n_classes`` for arm j.

    Raises
    ------
    TypeError
        If a count is not an int, ``noise`` is not a real number, or
        ``random_state`` is not a seed (a float, a str).
    ValueError
        If a count is out of range (``n_classes`` must lie in [2, n_arms]),
        ``noise`` is outside [0, 1e6] or not finite, or ``random_state`` is a
        negative int.

    Notes
    -----
    For arm j with N points, i = 0..N-1, and standard normal draws
    :math:`\varepsilon_i` (one vector per arm, drawn in arm order):

    .. math::

        r_i = \frac{i}{N - 1}, \qquad
        t_i = 4.2 \left(j + \frac{i}{N - 1}\right) + \text{noise}\,\varepsilon_i,
        \qquad x_i = (r_i \sin t_i,\; r_i \cos t_i)

    (``np.linspace(0, 1, N)`` and ``np.linspace(4.2 j, 4.2 (j + 1), N)``;
    with N = 1 they are 0 and 4.2 j). A linear model gets about 66% of the
    default data right (see :func:`logistic_baseline`).
    """
    door = "make_spirals"
    N = v.Int(1).check(n_per_class, "n_per_class", door)
    n_arms = GROUPS.check(n_arms, "n_arms", door)
    n_classes = GROUPS.check(n_classes, "n_classes", door)
    _check_points(N, n_arms, door, "arms")
    if n_classes > n_arms:
        raise ValueError(v.message("n_classes", door, f"an int in the range [2, n_arms] (here n_arms = {n_arms})",
                                   v.describe(n_classes)))
    noise = NOISE.check(noise, "noise", door)
    rng = np.random.default_rng(v.check(door, random_state=random_state))
    Xs, ys = [], []
    for j in range(n_arms):
        r = np.linspace(0.0, 1.0, N)  # radius; (N,)
        t = np.linspace(4.2 * j, 4.2 * (j + 1), N) + noise * rng.standard_normal(N)  # angle; (N,)
        Xs.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))  # (N, 2)
        ys.append(np.full(N, j % n_classes, dtype=np.int64))
    return np.concatenate(Xs), np.concatenate(ys)


def make_flower(n_per_class=200, noise=0.2, radius=4.0, random_state=None):
    r"""The two-class "flower" of the planar-classification exercise.

    Parameters
    ----------
    n_per_class : int, default=200
        Points per class, N >= 1 (the exercise uses 200, m = 400).
    noise : float, default=0.2
        Standard deviation of the Gaussian noise added to the angle and to
        the radius, 0 <= noise <= :data:`MAX_NOISE` (1e6).
    radius : float, default=4.0
        The petals' maximum radius, the exercise's ``a = 4``, > 0.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for ``np.random.default_rng`` (an int >= 0); a Generator is
        used as is.

    Returns
    -------
    X : ndarray of shape (2 * n_per_class, 2), dtype float64
        The points, class 0 first.
    y : ndarray of shape (2 * n_per_class,), dtype int64
        0 or 1.

    Raises
    ------
    TypeError
        If ``n_per_class`` is not an int, ``noise``/``radius`` not real, or
        ``random_state`` is not a seed.
    ValueError
        If ``n_per_class < 1``, ``noise`` is outside [0, 1e6], ``radius <= 0``,
        a value is not finite, or ``random_state`` is a negative int.

    Notes
    -----
    For class j in {0, 1} and N points, with standard normal draws
    :math:`\varepsilon` (for t) and then :math:`\eta` (for r), per class:

    .. math::

        t_i = 3.12 \left(j + \frac{i}{N - 1}\right) + \text{noise}\,\varepsilon_i,
        \qquad r_i = a \sin(4 t_i) + \text{noise}\,\eta_i,
        \qquad x_i = (r_i \sin t_i,\; r_i \cos t_i)

    The rose :math:`r = a \sin 4t` has 8 petals; each class traces 4 of them.
    """
    door = "make_flower"
    N = _check_points(v.Int(1).check(n_per_class, "n_per_class", door), 2, door, "classes")
    noise = NOISE.check(noise, "noise", door)
    radius = v.Real(0.0, open="low").check(radius, "radius", door)
    rng = np.random.default_rng(v.check(door, random_state=random_state))
    Xs, ys = [], []
    for j in range(2):
        t = np.linspace(3.12 * j, 3.12 * (j + 1), N) + noise * rng.standard_normal(N)  # angle; (N,)
        r = radius * np.sin(4 * t) + noise * rng.standard_normal(N)  # radius; (N,)
        Xs.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))  # (N, 2)
        ys.append(np.full(N, j, dtype=np.int64))
    return np.concatenate(Xs), np.concatenate(ys)


def make_circles(n_per_class=200, noise=0.1, factor=0.5, n_classes=2, random_state=None):
    r"""Concentric rings, one class per ring.

    Parameters
    ----------
    n_per_class : int, default=200
        Points per ring, N >= 1, evenly spaced in angle.
    noise : float, default=0.1
        Standard deviation of the Gaussian noise added to each coordinate,
        0 <= noise <= :data:`MAX_NOISE` (1e6).
    factor : float, default=0.5
        Radius of the innermost ring, 0 < factor < 1; the outermost has 1.
    n_classes : int, default=2
        Number of rings, >= 2; their radii are
        ``np.linspace(1, factor, n_classes)``.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for ``np.random.default_rng`` (an int >= 0); a Generator is
        used as is.

    Returns
    -------
    X : ndarray of shape (n_classes * n_per_class, 2), dtype float64
        The points, outer ring (class 0) first.
    y : ndarray of shape (n_classes * n_per_class,), dtype int64
        The ring's index, 0 for the outermost.

    Raises
    ------
    TypeError
        If a count is not an int, ``noise``/``factor`` not real, or
        ``random_state`` is not a seed.
    ValueError
        If a value is out of range (``noise`` outside [0, 1e6], ``factor``
        outside (0, 1)) or ``random_state`` is a negative int.

    Notes
    -----
    Ring j has radius :math:`\rho_j` and points
    :math:`x_i = \rho_j (\cos\tfrac{2\pi i}{N}, \sin\tfrac{2\pi i}{N})
    + \text{noise}\,\varepsilon_i` with :math:`\varepsilon_i` standard
    normal in 2-D (one (m, 2) draw for all rings).
    """
    door = "make_circles"
    N = v.Int(1).check(n_per_class, "n_per_class", door)
    n_classes = GROUPS.check(n_classes, "n_classes", door)
    _check_points(N, n_classes, door, "classes")
    noise = NOISE.check(noise, "noise", door)
    factor = v.Real(0.0, 1.0, open="both").check(factor, "factor", door)
    rng = np.random.default_rng(v.check(door, random_state=random_state))
    angle = 2 * np.pi * np.arange(N) / N  # (N,)
    unit = np.column_stack([np.cos(angle), np.sin(angle)])  # (N, 2)
    radii = np.linspace(1.0, factor, n_classes)  # (K,)
    X = np.concatenate([rho * unit for rho in radii])  # (K N, 2)
    y = np.repeat(np.arange(n_classes, dtype=np.int64), N)  # (K N,)
    return X + noise * rng.standard_normal(X.shape), y


def make_moons(n_per_class=200, noise=0.1, random_state=None):
    r"""Two interleaving half circles.

    Parameters
    ----------
    n_per_class : int, default=200
        Points per moon, N >= 1, evenly spaced in angle.
    noise : float, default=0.1
        Standard deviation of the Gaussian noise added to each coordinate,
        0 <= noise <= :data:`MAX_NOISE` (1e6).
    random_state : None, int or numpy.random.Generator, default=None
        Seed for ``np.random.default_rng`` (an int >= 0); a Generator is
        used as is.

    Returns
    -------
    X : ndarray of shape (2 * n_per_class, 2), dtype float64
        The points, the upper moon (class 0) first.
    y : ndarray of shape (2 * n_per_class,), dtype int64
        0 for the upper moon, 1 for the lower.

    Raises
    ------
    TypeError
        If ``n_per_class`` is not an int, ``noise`` not real, or
        ``random_state`` is not a seed.
    ValueError
        If a value is out of range (``noise`` outside [0, 1e6]) or
        ``random_state`` is a negative int.

    Notes
    -----
    With :math:`t_i = \pi i / (N - 1)` (``np.linspace(0, pi, N)``), the upper
    moon is :math:`(\cos t_i, \sin t_i)` and the lower
    :math:`(1 - \cos t_i, \tfrac12 - \sin t_i)`; then
    :math:`\text{noise}\,\varepsilon` is added, one (m, 2) standard normal
    draw.
    """
    door = "make_moons"
    N = _check_points(v.Int(1).check(n_per_class, "n_per_class", door), 2, door, "classes")
    noise = NOISE.check(noise, "noise", door)
    rng = np.random.default_rng(v.check(door, random_state=random_state))
    t = np.linspace(0.0, np.pi, N)  # (N,)
    upper = np.column_stack([np.cos(t), np.sin(t)])  # (N, 2)
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])  # (N, 2)
    X = np.concatenate([upper, lower])  # (2N, 2)
    y = np.repeat(np.arange(2, dtype=np.int64), N)  # (2N,)
    return X + noise * rng.standard_normal(X.shape), y


def make_xor(n_per_class=200, noise=0.0, random_state=None):
    r"""The XOR pattern: opposite quadrants share a class.

    Parameters
    ----------
    n_per_class : int, default=200
        Points per class, N >= 1, split between the class's two quadrants
        (the first quadrant of each class gets the extra point when N is odd).
    noise : float, default=0.0
        Standard deviation of the Gaussian noise added to each coordinate
        after labelling, so points may cross the axes,
        0 <= noise <= :data:`MAX_NOISE` (1e6).
    random_state : None, int or numpy.random.Generator, default=None
        Seed for ``np.random.default_rng`` (an int >= 0); a Generator is
        used as is.

    Returns
    -------
    X : ndarray of shape (2 * n_per_class, 2), dtype float64
        The points, class 0 first.
    y : ndarray of shape (2 * n_per_class,), dtype int64
        0 where :math:`x_1 x_2 > 0` before the noise (quadrants I and III),
        1 where :math:`x_1 x_2 < 0` (quadrants II and IV).

    Raises
    ------
    TypeError
        If ``n_per_class`` is not an int, ``noise`` not real, or
        ``random_state`` is not a seed.
    ValueError
        If a value is out of range (``noise`` outside [0, 1e6]) or
        ``random_state`` is a negative int.

    Notes
    -----
    Point i of class j is :math:`x_i = s_i \odot u_i + \text{noise}\,
    \varepsilon_i` with :math:`u_i` uniform on :math:`(0, 1]^2` and the
    quadrant's signs :math:`s_i`: class 0 alternates (+, +) and (-, -),
    class 1 alternates (-, +) and (+, -). Draws: one (m, 2) uniform, then
    one (m, 2) standard normal.
    """
    door = "make_xor"
    N = _check_points(v.Int(1).check(n_per_class, "n_per_class", door), 2, door, "classes")
    noise = NOISE.check(noise, "noise", door)
    rng = np.random.default_rng(v.check(door, random_state=random_state))
    quadrant_signs = np.array([[[1, 1], [-1, -1]], [[-1, 1], [1, -1]]], dtype=np.float64)
    signs = np.concatenate([quadrant_signs[j][np.arange(N) % 2] for j in range(2)])  # (2N, 2)
    u = 1.0 - rng.random((2 * N, 2))  # uniform on (0, 1]; (2N, 2)
    X = signs * u + noise * rng.standard_normal((2 * N, 2))  # (2N, 2)
    y = np.repeat(np.arange(2, dtype=np.int64), N)  # (2N,)
    return X, y


def make_gaussians(n_per_class=200, n_classes=2, noise=1.0, random_state=None):
    r"""Isotropic Gaussian blobs with centres on a circle.

    Parameters
    ----------
    n_per_class : int, default=200
        Points per blob, N >= 1.
    n_classes : int, default=2
        Number of blobs, >= 2.
    noise : float, default=1.0
        Standard deviation of each blob along each axis,
        0 <= noise <= :data:`MAX_NOISE` (1e6).
    random_state : None, int or numpy.random.Generator, default=None
        Seed for ``np.random.default_rng`` (an int >= 0); a Generator is
        used as is.

    Returns
    -------
    X : ndarray of shape (n_classes * n_per_class, 2), dtype float64
        The points, class 0 first.
    y : ndarray of shape (n_classes * n_per_class,), dtype int64
        The blob's index.

    Raises
    ------
    TypeError
        If a count is not an int, ``noise`` not real, or ``random_state`` is
        not a seed.
    ValueError
        If a value is out of range (``noise`` outside [0, 1e6]) or
        ``random_state`` is a negative int.

    Notes
    -----
    Blob j is centred at :math:`\mu_j = 2\sqrt2\,(\cos\phi_j, \sin\phi_j)`
    with :math:`\phi_j = \pi/4 + 2\pi j / K`; for K = 2 the centres are
    (2, 2) and (-2, -2). Points are :math:`\mu_j + \text{noise}\,
    \varepsilon_i`, one (m, 2) standard normal draw.
    """
    door = "make_gaussians"
    N = v.Int(1).check(n_per_class, "n_per_class", door)
    n_classes = GROUPS.check(n_classes, "n_classes", door)
    _check_points(N, n_classes, door, "classes")
    noise = NOISE.check(noise, "noise", door)
    rng = np.random.default_rng(v.check(door, random_state=random_state))
    phi = np.pi / 4 + 2 * np.pi * np.arange(n_classes) / n_classes  # (K,)
    centres = 2 * np.sqrt(2) * np.column_stack([np.cos(phi), np.sin(phi)])  # (K, 2)
    y = np.repeat(np.arange(n_classes, dtype=np.int64), N)  # (K N,)
    X = centres[y] + noise * rng.standard_normal((y.size, 2))  # (K N, 2)
    return X, y


def logistic_baseline(X, y, random_state=None):
    """Fit the linear baseline: sklearn's LogisticRegression on (X, y).

    Compare a network with it on the same data and the same metric, e.g.
    ``logistic_baseline(X, y).score(X, y)``, the training accuracy.

    Parameters
    ----------
    X : array_like of shape (m, n)
        Samples: finite numbers, m >= 1.
    y : array_like of shape (m,)
        Class labels: integers (as ints, floats or bools), at least two
        distinct ones.
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState, default=None
        Seed of ``LogisticRegression``; its default ``lbfgs`` solver is
        deterministic and does not use it. It is kept so a different solver
        set later on the returned estimator stays reproducible. None, an int
        below 2**32 and a RandomState are passed on as they are; from anything
        else ``np.random.default_rng`` takes (a Generator, a larger int) one
        int seed is drawn.

    Returns
    -------
    model : sklearn.linear_model.LogisticRegression
        Fitted with default regularization (C=1.0) and ``max_iter=1000``.

    Raises
    ------
    TypeError
        If ``X`` or ``y`` is not numeric, or ``random_state`` is not a seed.
    ValueError
        If ``X`` is not a finite 2-D array with at least one row, ``y`` does
        not hold one integer label per row of ``X`` with at least two
        classes, or ``random_state`` is a negative int.
    """
    door = "logistic_baseline"
    X = v.check_X(X, door)
    m = X.shape[0]
    rule = f"{m} integer class labels of shape ({m},) (one per row of X), at least 2 distinct"
    y = v.check_array(y, "y", door, rule)
    if y.ndim != 1 or y.shape[0] != m:
        raise ValueError(v.message("y", door, rule, f"an array of shape {y.shape}"))
    if not np.all(np.isfinite(y)) or np.any(y != np.round(y)):
        raise ValueError(v.message("y", door, rule, "non-integer values"))
    if np.unique(y).size < 2:
        raise ValueError(v.message("y", door, rule, f"only the class {y[0].item()!r}"))
    random_state = v.check(door, random_state=random_state)
    if not (random_state is None or isinstance(random_state, np.random.RandomState)
            or (isinstance(random_state, numbers.Integral) and random_state < 2**32)):
        # LogisticRegression takes None, an int below 2**32 or a RandomState only.
        random_state = int(np.random.default_rng(random_state).integers(2**32))

    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=1000, random_state=random_state).fit(X, y)
