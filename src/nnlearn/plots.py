"""Figures for inspecting data, networks and training runs.

Every drawing function either creates a new :class:`matplotlib.figure.Figure`
(no pyplot, so no global state, no GUI backend and nothing to close) or
draws on the ``ax`` it is given. Either way it returns the figure the axes
belong to and never calls ``show``. matplotlib is imported inside the
functions, so ``import nnlearn.plots`` stays cheap.

The array-building parts are pure functions that tests can check directly:
:func:`rows_to_images`, :func:`image_grid`, :func:`confusion_table` and
:func:`sweep_table`.
"""

import math
import numbers
from collections.abc import Mapping

import numpy as np

from ._validation import check_int, check_positive_float, check_random_state

_ORDERS = {"F": "F", "C": "C"}


# ---------------------------------------------------------------- validation
def _as_float_array(a, name):
    try:
        return np.asarray(a, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers; got {type(a).__name__}.") from exc


def _check_2d(X, name="X"):
    X = _as_float_array(X, name)
    if X.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D of shape (m, n); got {X.ndim}-D with shape {X.shape}. "
            f"Use {name}.reshape(1, -1) for a single sample."
        )
    return X


def _check_labels(y, name, m):
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-D of shape (m,); got shape {y.shape}.")
    if y.shape[0] != m:
        raise ValueError(f"{name} has {y.shape[0]} entries, but X has {m} rows.")
    return y


def _check_order(order):
    if order not in _ORDERS:
        raise ValueError(f"order must be one of {sorted(_ORDERS)}; got {order!r}.")
    return _ORDERS[order]


def _figure_and_axes(ax, figsize):
    """Return ``(fig, ax)``: a new Figure with one Axes, or ``ax`` and its figure."""
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    if ax is None:
        fig = Figure(figsize=figsize)
        return fig, fig.add_subplot()
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None; got {type(ax).__name__}.")
    return ax.figure, ax


# ------------------------------------------------------------ pure functions
def rows_to_images(X, order="F"):
    """Reshape each row of ``X`` into a square image.

    Parameters
    ----------
    X : array-like of shape (m, n)
        One flattened image per row; ``n`` must be a perfect square.
    order : {"F", "C"}, default="F"
        How a row was flattened. ``"F"`` (column-major) is the course's
        ex4data1.mat layout: the row is ``image.ravel(order="F")``, so
        ``row.reshape(side, side).T`` is the upright image. ``"C"`` is
        row-major (scikit-learn's 8x8 digits, MNIST 28x28).

    Returns
    -------
    images : ndarray of shape (m, side, side)
        Upright images, ``side = sqrt(n)``.

    Raises
    ------
    ValueError
        If ``X`` is not 2-D, ``n`` is not a perfect square, or ``order`` is
        not "F" or "C".
    TypeError
        If ``X`` is not numeric.
    """
    X = _check_2d(X)
    order = _check_order(order)
    m, n = X.shape
    side = math.isqrt(n)
    if n == 0 or side * side != n:
        raise ValueError(
            f"X must have a square number of features (side * side) to show as "
            f"images; got {n} features."
        )
    images = X.reshape(m, side, side)  # row-major reading of each row
    if order == "F":
        images = images.transpose(0, 2, 1)  # row.reshape(side, side).T
    return images


def _grid_shape(m):
    """Grid of the course's displayData: floor(sqrt(m)) rows, enough columns."""
    n_rows = max(math.isqrt(m), 1)
    return n_rows, math.ceil(m / n_rows)


def image_grid(images, pad=1, pad_value=-1.0):
    r"""Tile images into one array, each scaled to its own maximum magnitude.

    This is the pixel array of the course's ``displayData``: the grid has
    ``floor(sqrt(m))`` rows and ``ceil(m / rows)`` columns, filled row by row;
    every image is divided by its own largest absolute value, so its pixels
    lie in [-1, 1]; images are separated (and surrounded) by ``pad`` pixels
    of ``pad_value``, and grid cells without an image are all ``pad_value``.

    Parameters
    ----------
    images : array-like of shape (m, h, w)
        The images (a list of equally shaped 2-D arrays works too).
    pad : int, default=1
        Width of the border between and around the images, in pixels.
    pad_value : float, default=-1.0
        Value of the border pixels (-1 is black with ``vmin=-1``).

    Returns
    -------
    grid : ndarray of shape (pad + rows * (h + pad), pad + cols * (w + pad))
        Image ``k`` occupies rows ``pad + r*(h+pad)`` to ``+ h`` and columns
        ``pad + c*(w+pad)`` to ``+ w``, where ``r, c = divmod(k, cols)``.

    Raises
    ------
    ValueError
        If ``images`` is not 3-D or is empty, or ``pad`` is negative.
    TypeError
        If ``pad`` is not an int or ``images`` is not numeric.

    Notes
    -----
    An image that is all zeros stays all zeros (the course would divide by
    zero).

    .. math:: \text{patch}_k = x_k / \max_{ij} |x_{k,ij}|
    """
    images = _as_float_array(images, "images")
    if images.ndim != 3:
        raise ValueError(
            f"images must be 3-D of shape (m, h, w); got shape {images.shape}."
        )
    m, h, w = images.shape
    if m == 0:
        raise ValueError("images must contain at least one image; got 0.")
    pad = check_int(pad, "pad", minimum=0)
    n_rows, n_cols = _grid_shape(m)
    scale = np.abs(images).max(axis=(1, 2))  # (m,)
    scale[scale == 0] = 1.0
    patches = images / scale[:, None, None]  # (m, h, w), each in [-1, 1]
    grid = np.full((pad + n_rows * (h + pad), pad + n_cols * (w + pad)), float(pad_value))
    for k in range(m):
        r, c = divmod(k, n_cols)
        top, left = pad + r * (h + pad), pad + c * (w + pad)
        grid[top:top + h, left:left + w] = patches[k]
    return grid


def confusion_table(y_true, y_pred, labels=None):
    """Count how often each true label was predicted as each label.

    Parameters
    ----------
    y_true : array-like of shape (m,)
        True labels.
    y_pred : array-like of shape (m,)
        Predicted labels.
    labels : array-like of shape (K,), default=None
        Labels giving the row and column order. Default: the sorted union of
        ``y_true`` and ``y_pred``. Samples whose true or predicted label is not
        in ``labels`` are not counted (as in ``sklearn.metrics.confusion_matrix``).

    Returns
    -------
    labels : ndarray of shape (K,)
        The labels, in row/column order.
    counts : ndarray of shape (K, K), dtype int
        ``counts[i, j]`` is the number of samples with true label ``labels[i]``
        predicted as ``labels[j]``.

    Raises
    ------
    ValueError
        If the inputs are not 1-D, their lengths differ, or ``labels`` is empty
        or has duplicates.
    """
    y_true = np.asarray(y_true)
    if y_true.ndim != 1:
        raise ValueError(f"y_true must be 1-D of shape (m,); got shape {y_true.shape}.")
    y_pred = np.asarray(y_pred)
    if y_pred.ndim != 1:
        raise ValueError(f"y_pred must be 1-D of shape (m,); got shape {y_pred.shape}.")
    if y_pred.shape[0] != y_true.shape[0]:
        raise ValueError(
            f"y_pred has {y_pred.shape[0]} entries, but y_true has {y_true.shape[0]}."
        )
    if labels is None:
        labels = np.unique(np.concatenate([y_true, y_pred]))
        if labels.size == 0:
            raise ValueError("y_true and y_pred are empty; there are no labels to count.")
    else:
        labels = np.asarray(labels)
        if labels.ndim != 1 or labels.size == 0:
            raise ValueError(
                f"labels must be a non-empty 1-D array; got shape {labels.shape}."
            )
        if np.unique(labels).size != labels.size:
            raise ValueError(f"labels must not contain duplicates; got {labels.tolist()}.")
    index = {label: i for i, label in enumerate(labels.tolist())}
    counts = np.zeros((labels.size, labels.size), dtype=int)
    for t, p in zip(y_true.tolist(), y_pred.tolist()):
        if t in index and p in index:
            counts[index[t], index[p]] += 1
    return labels, counts


def _check_real(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r}.")
    return value


def sweep_table(results, metric="train_accuracy"):
    """Average a metric over the records of a hyperparameter sweep.

    Parameters
    ----------
    results : sequence of dict
        One record per run, each with at least the keys ``"alpha"``,
        ``"max_iter"`` and ``metric``. Records with the same
        ``(alpha, max_iter)`` (e.g. different seeds) are averaged.
    metric : str, default="train_accuracy"
        Key of the value to tabulate.

    Returns
    -------
    alphas : ndarray of shape (A,)
        Sorted unique ``alpha`` values (the rows).
    max_iters : ndarray of shape (I,)
        Sorted unique ``max_iter`` values (the columns).
    matrix : ndarray of shape (A, I)
        Mean of ``metric`` for each cell; NaN where no record has that pair.

    Raises
    ------
    ValueError
        If ``results`` is empty or a record lacks a required key.
    TypeError
        If ``results`` or a record has the wrong type, or a value is not a number.
    """
    if isinstance(results, (str, bytes, Mapping)) or not hasattr(results, "__iter__"):
        raise TypeError(
            f"results must be a sequence of dicts; got {type(results).__name__}."
        )
    results = list(results)
    if not results:
        raise ValueError("results must contain at least one record; got 0.")
    cells = {}
    for i, record in enumerate(results):
        if not isinstance(record, Mapping):
            raise TypeError(
                f"results[{i}] must be a dict; got {type(record).__name__}."
            )
        for key in ("alpha", "max_iter", metric):
            if key not in record:
                raise ValueError(
                    f"results[{i}] has no key {key!r}; its keys are {sorted(map(str, record))}."
                )
        alpha = _check_real(record["alpha"], f"results[{i}]['alpha']")
        max_iter = _check_real(record["max_iter"], f"results[{i}]['max_iter']")
        value = _check_real(record[metric], f"results[{i}][{metric!r}]")
        cells.setdefault((alpha, max_iter), []).append(float(value))
    alphas = np.array(sorted({a for a, _ in cells}))
    max_iters = np.array(sorted({it for _, it in cells}))
    row = {a: i for i, a in enumerate(alphas.tolist())}
    col = {it: j for j, it in enumerate(max_iters.tolist())}
    matrix = np.full((alphas.size, max_iters.size), np.nan)
    for (alpha, max_iter), values in cells.items():
        matrix[row[alpha], col[max_iter]] = np.mean(values)
    return alphas, max_iters, matrix


# ------------------------------------------------------------------- figures
def _show_grid(ax, grid, title):
    ax.imshow(grid, cmap="gray", vmin=-1.0, vmax=1.0, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)


def digits_grid(X, n=100, random_state=None, order="F", ax=None):
    """Show ``n`` random rows of ``X`` as a grid of images (the course's displayData).

    Parameters
    ----------
    X : array-like of shape (m, n_features)
        One flattened square image per row (20x20 = 400 features for
        ex4data1.mat; 8x8 and 28x28 work too).
    n : int, default=100
        How many images to show, picked at random without replacement. If
        ``n >= m`` all rows are shown in their original order.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for the pick, passed to ``np.random.default_rng``.
    order : {"F", "C"}, default="F"
        Pixel order of a row; see :func:`rows_to_images`. "F" for the
        course's data, "C" for scikit-learn's digits and MNIST.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new Figure is made if None.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure; its axes shows :func:`image_grid` of the picked images
        with the gray colormap over [-1, 1].

    Raises
    ------
    ValueError
        If ``X`` is not 2-D or empty, its feature count is not a perfect
        square, ``n < 1`` or ``order`` is invalid.
    TypeError
        If ``X`` is not numeric, ``n`` is not an int or ``ax`` is not an Axes.
    ValueError, TypeError
        If ``random_state`` is not a valid seed (checked only when ``n < m``).
    """
    images = rows_to_images(X, order)
    m = images.shape[0]
    if m == 0:
        raise ValueError("X must have at least one row; got 0.")
    n = check_int(n, "n", minimum=1)
    if n < m:
        rng = check_random_state(random_state)
        images = images[rng.choice(m, size=n, replace=False)]
    fig, ax = _figure_and_axes(ax, (6, 6))
    _show_grid(ax, image_grid(images), None)
    return fig


def hidden_units(theta1, order="F", ax=None):
    """Show each hidden unit's input weights as an image: what each unit looks for.

    Parameters
    ----------
    theta1 : array-like of shape (s2, n + 1)
        First-layer weights; column 0 holds the bias weights and is dropped.
        ``n`` must be a perfect square (400 for 20x20 inputs).
    order : {"F", "C"}, default="F"
        Pixel order of the inputs the weights connect to; use the order of
        the training data (see :func:`rows_to_images`).
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new Figure is made if None.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure; its axes shows :func:`image_grid` of the ``s2`` weight
        images, each scaled to its own largest absolute weight.

    Raises
    ------
    ValueError
        If ``theta1`` is not 2-D, has no weight columns besides the bias, or
        ``n`` is not a perfect square.
    TypeError
        If ``theta1`` is not numeric or ``ax`` is not an Axes.
    """
    theta1 = _check_2d(theta1, "theta1")
    if theta1.shape[0] == 0 or theta1.shape[1] < 2:
        raise ValueError(
            f"theta1 must have shape (s2, n + 1) with s2 >= 1 and n >= 1; "
            f"got {theta1.shape}."
        )
    n = theta1.shape[1] - 1
    if math.isqrt(n) ** 2 != n:
        raise ValueError(
            f"theta1 must have 1 + side * side columns to show its weights as "
            f"images; got {theta1.shape[1]} columns (n = {n} input weights)."
        )
    fig, ax = _figure_and_axes(ax, (6, 6))
    _show_grid(ax, image_grid(rows_to_images(theta1[:, 1:], order)), "hidden units")
    return fig


def _as_runs(cost_history):
    """Normalise one sequence or a list of sequences to a list of 1-D arrays."""
    if isinstance(cost_history, np.ndarray):
        if cost_history.ndim == 1:
            runs = [cost_history]
        elif cost_history.ndim == 2:
            runs = list(cost_history)
        else:
            raise ValueError(
                f"cost_history must be 1-D (one run) or 2-D (one run per row); "
                f"got shape {cost_history.shape}."
            )
    else:
        try:
            items = list(cost_history)
        except TypeError as exc:
            raise TypeError(
                f"cost_history must be a sequence of numbers or a list of them; "
                f"got {type(cost_history).__name__}."
            ) from exc
        if items and all(np.ndim(item) == 0 for item in items):
            runs = [items]
        else:
            runs = items
    if not runs:
        raise ValueError("cost_history must contain at least one run; got none.")
    out = []
    for i, run in enumerate(runs):
        run = _as_float_array(run, f"cost_history[{i}]")
        if run.ndim != 1 or run.size == 0:
            raise ValueError(
                f"cost_history[{i}] must be a non-empty 1-D sequence; got shape {run.shape}."
            )
        out.append(run)
    return out


def learning_curve(cost_history, labels=None, log=False, ax=None):
    """Plot the cost against the iteration number for one or several runs.

    Parameters
    ----------
    cost_history : sequence of float, or list of such sequences
        One run (e.g. ``MLPClassifier.loss_curve_``) or several runs, which
        may have different lengths; a 2-D array is read as one run per row.
        Entry ``k`` of a run is drawn at iteration ``k``: nnlearn's histories
        start with the cost at the initial weights (iteration 0).
    labels : sequence of str, default=None
        One legend label per run; a legend is drawn only when given.
    log : bool, default=False
        Draw the cost on a logarithmic y axis.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new Figure is made if None.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure, with one line per run.

    Raises
    ------
    ValueError
        If a run is empty or not 1-D, the number of labels differs from the
        number of runs, or ``log`` is set and a cost is not positive.
    TypeError
        If ``cost_history`` is not a sequence of numbers.
    """
    runs = _as_runs(cost_history)
    if labels is not None:
        if isinstance(labels, str):
            labels = [labels]
        labels = list(labels)
        if len(labels) != len(runs):
            raise ValueError(
                f"labels has {len(labels)} entries, but cost_history has {len(runs)} runs."
            )
    if log:
        for i, run in enumerate(runs):
            if np.any(run <= 0):
                raise ValueError(
                    f"log=True needs positive costs, but cost_history[{i}] has "
                    f"minimum {run.min():g}."
                )
    from matplotlib.ticker import MaxNLocator

    fig, ax = _figure_and_axes(ax, (6, 4))
    for i, run in enumerate(runs):
        label = None if labels is None else str(labels[i])
        ax.plot(np.arange(run.size), run, label=label)  # entry k: cost after k iterations
    if log:
        ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("iteration")
    ax.set_ylabel("cost")
    if labels is not None:
        ax.legend()
    return fig


def _class_colors(K):
    import matplotlib

    if K <= 10:
        return [matplotlib.colormaps["tab10"](k) for k in range(K)]
    cmap = matplotlib.colormaps["viridis"].resampled(K)
    return [cmap(k) for k in range(K)]


def decision_boundary(model, X, y, ax=None, resolution=200, padding=0.1):
    """Fill the plane with a 2-D classifier's predictions and draw the data on top.

    Parameters
    ----------
    model : estimator with ``predict``, or callable
        Anything with ``predict(X_grid) -> labels`` (nnlearn's or scikit-learn's
        classifiers), or a plain function ``f(X_grid) -> labels``, where
        ``X_grid`` has shape (resolution**2, 2).
    X : array-like of shape (m, 2)
        The samples.
    y : array-like of shape (m,)
        Their labels; each class gets one color in both the regions and the points.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new Figure is made if None.
    resolution : int, default=200
        Grid points along each axis.
    padding : float, default=0.1
        Margin added on each side of the data's bounding box, as a fraction of
        the box's width (x) and height (y). On an axis where all samples share
        one value ``v``, the box spans ``v - 0.5`` to ``v + 0.5``.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure: a filled contour with one color per class over the padded
        bounding box (the axes limits are exactly that box), one scatter per
        class present in ``y`` in the same color, and a legend of those classes.

    Raises
    ------
    ValueError
        If ``X`` is not (m, 2) with m >= 1, ``y`` does not match, ``resolution < 2``,
        ``padding`` is negative or not finite, or the model returns the wrong
        number of predictions.
    TypeError
        If ``model`` has no ``predict`` and is not callable, ``X`` is not
        numeric, ``resolution`` is not an int, ``padding`` is not a real
        number, or ``ax`` is not an Axes.
    """
    X = _check_2d(X)
    if X.shape[1] != 2 or X.shape[0] == 0:
        raise ValueError(
            f"X must have shape (m, 2) with m >= 1 for a 2-D decision boundary; "
            f"got {X.shape}."
        )
    y = _check_labels(y, "y", X.shape[0])
    predict = getattr(model, "predict", None)
    if not callable(predict):
        if not callable(model):
            raise TypeError(
                f"model must have a predict method or be callable; got {type(model).__name__}."
            )
        predict = model
    resolution = check_int(resolution, "resolution", minimum=2)
    padding = check_positive_float(padding, "padding", allow_zero=True)

    lo, hi = X.min(axis=0), X.max(axis=0)  # (2,)
    flat = hi == lo  # an axis where all samples share one value
    lo, hi = np.where(flat, lo - 0.5, lo), np.where(flat, hi + 0.5, hi)
    span = hi - lo
    lo, hi = lo - padding * span, hi + padding * span
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))  # (r, r) each
    X_grid = np.column_stack([xx.ravel(), yy.ravel()])  # (r*r, 2)
    Z = np.asarray(predict(X_grid)).ravel()
    if Z.size != X_grid.shape[0]:
        raise ValueError(
            f"model returned {Z.size} predictions for {X_grid.shape[0]} grid points."
        )
    classes = np.unique(np.concatenate([y, Z]))
    colors = _class_colors(classes.size)

    from matplotlib.colors import ListedColormap

    fig, ax = _figure_and_axes(ax, (6, 5))
    Z_idx = np.searchsorted(classes, Z).reshape(xx.shape)
    ax.contourf(xx, yy, Z_idx, levels=np.arange(classes.size + 1) - 0.5,
                cmap=ListedColormap(colors), alpha=0.3)
    y_idx = np.searchsorted(classes, y)
    for k in range(classes.size):
        mask = y_idx == k
        if mask.any():
            ax.scatter(X[mask, 0], X[mask, 1], color=colors[k], edgecolors="k",
                       linewidths=0.5, s=20, label=str(y[mask][0]))
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(title="class", loc="best")
    return fig


def confusion_matrix(y_true, y_pred, labels=None, ax=None):
    """Show the confusion matrix as an image with the counts written in the cells.

    Parameters
    ----------
    y_true : array-like of shape (m,)
        True labels (rows).
    y_pred : array-like of shape (m,)
        Predicted labels (columns).
    labels : array-like of shape (K,), default=None
        Row/column order; see :func:`confusion_table`.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new Figure is made if None.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure; ``ax.images[0]`` holds the (K, K) counts of
        :func:`confusion_table`, and one text per cell holds its count.

    Raises
    ------
    ValueError
        As :func:`confusion_table`.
    """
    labels, counts = confusion_table(y_true, y_pred, labels)
    fig, ax = _figure_and_axes(ax, (5, 5))
    ax.imshow(counts, cmap="Blues", vmin=0, interpolation="nearest")
    # Blues is dark at the high end: white text above half the largest count.
    for (i, j), count in np.ndenumerate(counts):
        ax.text(j, i, str(count), ha="center", va="center",
                color="white" if count > counts.max() / 2 else "black")
    ticks = np.arange(labels.size)
    ax.set_xticks(ticks, [str(label) for label in labels.tolist()])
    ax.set_yticks(ticks, [str(label) for label in labels.tolist()])
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    return fig


def misclassified(X, y_true, y_pred, n=25, order="F", random_state=None, ax=None):
    """Show the wrongly classified images, each marked "true/predicted".

    Parameters
    ----------
    X : array-like of shape (m, n_features)
        One flattened square image per row.
    y_true : array-like of shape (m,)
        True labels.
    y_pred : array-like of shape (m,)
        Predicted labels.
    n : int, default=25
        At most this many mistakes are shown. If there are more, ``n`` of them
        are picked at random (then kept in sample order), since data sorted by
        class would otherwise show one class only.
    order : {"F", "C"}, default="F"
        Pixel order of a row; see :func:`rows_to_images`.
    random_state : None, int or numpy.random.Generator, default=None
        Seed for the pick, passed to ``np.random.default_rng``.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new Figure is made if None.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure: one :func:`image_grid` of the shown mistakes, with a text
        ``"{true}/{pred}"`` in the top-left corner of each image, in grid order.
        With no mistakes, the axes holds only the text "no misclassified samples".

    Raises
    ------
    ValueError
        If ``X`` is not 2-D, its feature count is not a perfect square, the
        label arrays do not match ``X``, ``n < 1`` or ``order`` is invalid.
    TypeError
        If ``X`` is not numeric, ``n`` is not an int or ``ax`` is not an Axes.
    ValueError, TypeError
        If ``random_state`` is not a valid seed (checked only when there are
        more than ``n`` mistakes).
    """
    images = rows_to_images(X, order)
    m = images.shape[0]
    y_true = _check_labels(y_true, "y_true", m)
    y_pred = _check_labels(y_pred, "y_pred", m)
    n = check_int(n, "n", minimum=1)
    wrong = np.flatnonzero(y_true != y_pred)
    if wrong.size > n:
        rng = check_random_state(random_state)
        wrong = np.sort(rng.choice(wrong, size=n, replace=False))
    fig, ax = _figure_and_axes(ax, (6, 6))
    if wrong.size == 0:
        ax.set_axis_off()
        ax.text(0.5, 0.5, "no misclassified samples", ha="center", va="center",
                transform=ax.transAxes)
        return fig
    _show_grid(ax, image_grid(images[wrong]), "true/predicted")
    h, w = images.shape[1:]
    _, n_cols = _grid_shape(wrong.size)
    for k, i in enumerate(wrong):
        r, c = divmod(k, n_cols)
        ax.text(1 + c * (w + 1), 1 + r * (h + 1), f"{y_true[i]}/{y_pred[i]}",
                ha="left", va="top", fontsize="x-small", color="yellow",
                bbox={"facecolor": "black", "alpha": 0.5, "pad": 0.5, "linewidth": 0})
    return fig


def sweep_heatmap(results, metric="train_accuracy", ax=None):
    """Show a sweep's mean metric over alpha (rows) and max_iter (columns).

    Parameters
    ----------
    results : sequence of dict
        Sweep records; see :func:`sweep_table`.
    metric : str, default="train_accuracy"
        Key of the value to show.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new Figure is made if None.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure; ``ax.images[0]`` holds the matrix of :func:`sweep_table`,
        each cell is annotated with its value (3 significant digits, "n/a"
        for a pair with no record), tick labels are the sorted unique values,
        and a colorbar labelled ``metric`` is added next to the axes.

    Raises
    ------
    ValueError, TypeError
        As :func:`sweep_table`.
    """
    alphas, max_iters, matrix = sweep_table(results, metric)
    fig, ax = _figure_and_axes(ax, (6, 5))
    image = ax.imshow(matrix, cmap="viridis", aspect="auto", interpolation="nearest")
    finite = matrix[np.isfinite(matrix)]
    middle = (finite.min() + finite.max()) / 2 if finite.size else np.inf
    # viridis is dark at the low end: white text below the middle.
    for (i, j), value in np.ndenumerate(matrix):
        text = "n/a" if np.isnan(value) else f"{value:.3g}"
        ax.text(j, i, text, ha="center", va="center",
                color="white" if value < middle else "black")
    ax.set_xticks(np.arange(max_iters.size), [f"{v:g}" for v in max_iters.tolist()])
    ax.set_yticks(np.arange(alphas.size), [f"{v:g}" for v in alphas.tolist()])
    ax.set_xlabel("max_iter")
    ax.set_ylabel("alpha")
    fig.colorbar(image, ax=ax, label=metric)
    return fig
