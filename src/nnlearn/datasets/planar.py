r"""Planar toy data (two features, a few classes) and the linear baseline to compare a network with."""

import numpy as np

from ._checks import check_int, check_random_state, check_real

__all__ = [
    "make_spirals",
    "make_flower",
    "make_circles",
    "make_moons",
    "make_xor",
    "make_gaussians",
    "logistic_baseline",
]


def make_spirals(n_per_class=400, n_arms=2, noise=0.2, n_classes=2, random_state=None):
    r"""Interleaved spiral arms in the plane, the classic non-linear toy set.

    Parameters
    ----------
    n_per_class : int, default=400
        Points per arm, N >= 1. (With ``n_classes < n_arms`` a class gets
        several arms, hence N points per arm.)
    n_arms : int, default=2
        Number of arms, >= ``n_classes``.
    noise : float, default=0.2
        Standard deviation of the Gaussian noise added to each angle, >= 0.
    n_classes : int, default=2
        Arm j gets label ``j % n_classes``: with the default 2 and more than
        two arms the labels alternate between arms; ``n_classes=n_arms``
        gives each arm its own class.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for ``np.random.default_rng``; a Generator is used as is.

    Returns
    -------
    X : ndarray of shape (n_arms * n_per_class, 2), dtype float64
        The points, arm 0 first, then arm 1, and so on.
    y : ndarray of shape (n_arms * n_per_class,), dtype int64
        The label of each point, ``j % n_classes`` for arm j.

    Raises
    ------
    TypeError
        If a count is not an int or ``noise`` is not a real number.
    ValueError
        If a count is out of range, ``noise`` is negative or not finite, or
        ``random_state`` is not a valid seed.

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
    func = "make_spirals"
    N = check_int(n_per_class, "n_per_class", func, low=1)
    n_arms = check_int(n_arms, "n_arms", func, low=1)
    n_classes = check_int(n_classes, "n_classes", func, low=2, high=n_arms,
                           high_text="n_arms")
    noise = check_real(noise, "noise", func)
    rng = check_random_state(random_state, func)
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
        the radius, >= 0.
    radius : float, default=4.0
        The petals' maximum radius, the exercise's ``a = 4``, > 0.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for ``np.random.default_rng``; a Generator is used as is.

    Returns
    -------
    X : ndarray of shape (2 * n_per_class, 2), dtype float64
        The points, class 0 first.
    y : ndarray of shape (2 * n_per_class,), dtype int64
        0 or 1.

    Raises
    ------
    TypeError
        If ``n_per_class`` is not an int or ``noise``/``radius`` not real.
    ValueError
        If ``n_per_class < 1``, ``noise < 0``, ``radius <= 0``, a value is not
        finite, or ``random_state`` is not a valid seed.

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
    func = "make_flower"
    N = check_int(n_per_class, "n_per_class", func, low=1)
    noise = check_real(noise, "noise", func)
    radius = check_real(radius, "radius", func, positive=True)
    rng = check_random_state(random_state, func)
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
        Standard deviation of the Gaussian noise added to each coordinate, >= 0.
    factor : float, default=0.5
        Radius of the innermost ring, 0 < factor < 1; the outermost has 1.
    n_classes : int, default=2
        Number of rings, >= 2; their radii are
        ``np.linspace(1, factor, n_classes)``.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for ``np.random.default_rng``; a Generator is used as is.

    Returns
    -------
    X : ndarray of shape (n_classes * n_per_class, 2), dtype float64
        The points, outer ring (class 0) first.
    y : ndarray of shape (n_classes * n_per_class,), dtype int64
        The ring's index, 0 for the outermost.

    Raises
    ------
    TypeError
        If a count is not an int or ``noise``/``factor`` not real.
    ValueError
        If a value is out of range or ``random_state`` is not a valid seed.

    Notes
    -----
    Ring j has radius :math:`\rho_j` and points
    :math:`x_i = \rho_j (\cos\tfrac{2\pi i}{N}, \sin\tfrac{2\pi i}{N})
    + \text{noise}\,\varepsilon_i` with :math:`\varepsilon_i` standard
    normal in 2-D (one (m, 2) draw for all rings).
    """
    func = "make_circles"
    N = check_int(n_per_class, "n_per_class", func, low=1)
    n_classes = check_int(n_classes, "n_classes", func, low=2)
    noise = check_real(noise, "noise", func)
    factor = check_real(factor, "factor", func, positive=True)
    if factor >= 1:
        raise ValueError(
            f"The 'factor' parameter of {func} must be a float in the range "
            f"(0, 1). Got {factor!r} instead."
        )
    rng = check_random_state(random_state, func)
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
        Standard deviation of the Gaussian noise added to each coordinate, >= 0.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for ``np.random.default_rng``; a Generator is used as is.

    Returns
    -------
    X : ndarray of shape (2 * n_per_class, 2), dtype float64
        The points, the upper moon (class 0) first.
    y : ndarray of shape (2 * n_per_class,), dtype int64
        0 for the upper moon, 1 for the lower.

    Raises
    ------
    TypeError
        If ``n_per_class`` is not an int or ``noise`` not real.
    ValueError
        If a value is out of range or ``random_state`` is not a valid seed.

    Notes
    -----
    With :math:`t_i = \pi i / (N - 1)` (``np.linspace(0, pi, N)``), the upper
    moon is :math:`(\cos t_i, \sin t_i)` and the lower
    :math:`(1 - \cos t_i, \tfrac12 - \sin t_i)`; then
    :math:`\text{noise}\,\varepsilon` is added, one (m, 2) standard normal
    draw.
    """
    func = "make_moons"
    N = check_int(n_per_class, "n_per_class", func, low=1)
    noise = check_real(noise, "noise", func)
    rng = check_random_state(random_state, func)
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
        after labelling, so points may cross the axes, >= 0.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for ``np.random.default_rng``; a Generator is used as is.

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
        If ``n_per_class`` is not an int or ``noise`` not real.
    ValueError
        If a value is out of range or ``random_state`` is not a valid seed.

    Notes
    -----
    Point i of class j is :math:`x_i = s_i \odot u_i + \text{noise}\,
    \varepsilon_i` with :math:`u_i` uniform on :math:`(0, 1]^2` and the
    quadrant's signs :math:`s_i`: class 0 alternates (+, +) and (-, -),
    class 1 alternates (-, +) and (+, -). Draws: one (m, 2) uniform, then
    one (m, 2) standard normal.
    """
    func = "make_xor"
    N = check_int(n_per_class, "n_per_class", func, low=1)
    noise = check_real(noise, "noise", func)
    rng = check_random_state(random_state, func)
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
        Standard deviation of each blob along each axis, >= 0.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for ``np.random.default_rng``; a Generator is used as is.

    Returns
    -------
    X : ndarray of shape (n_classes * n_per_class, 2), dtype float64
        The points, class 0 first.
    y : ndarray of shape (n_classes * n_per_class,), dtype int64
        The blob's index.

    Raises
    ------
    TypeError
        If a count is not an int or ``noise`` not real.
    ValueError
        If a value is out of range or ``random_state`` is not a valid seed.

    Notes
    -----
    Blob j is centred at :math:`\mu_j = 2\sqrt2\,(\cos\phi_j, \sin\phi_j)`
    with :math:`\phi_j = \pi/4 + 2\pi j / K`; for K = 2 the centres are
    (2, 2) and (-2, -2). Points are :math:`\mu_j + \text{noise}\,
    \varepsilon_i`, one (m, 2) standard normal draw.
    """
    func = "make_gaussians"
    N = check_int(n_per_class, "n_per_class", func, low=1)
    n_classes = check_int(n_classes, "n_classes", func, low=2)
    noise = check_real(noise, "noise", func)
    rng = check_random_state(random_state, func)
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
        Samples.
    y : array_like of shape (m,)
        Class labels.
    random_state : None, int or numpy.random.RandomState, default=None
        Passed to ``LogisticRegression``; its default ``lbfgs`` solver is
        deterministic and does not use it. It is kept so a different solver
        set later on the returned estimator's class stays reproducible.

    Returns
    -------
    model : sklearn.linear_model.LogisticRegression
        Fitted with default regularization (C=1.0) and ``max_iter=1000``.

    Raises
    ------
    ValueError
        From sklearn, if ``X`` and ``y`` are not valid training data.
    """
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=1000, random_state=random_state).fit(X, y)
