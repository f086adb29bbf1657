"""Figures for inspecting data, networks and training runs, that show themselves in Jupyter.

Every drawing function either creates a new :class:`matplotlib.figure.Figure`
(no pyplot, so no global state, no GUI backend and nothing to close) or
draws on the ``ax`` it is given, and never calls ``show``. It returns a
Display (scikit-learn's convention, e.g. ``ConfusionMatrixDisplay``): an
object that keeps the figure and the axes as ``figure_`` and ``ax_``, the
data it drew, and the artists (``lines_``, ``im_``, ...), and that renders
itself as a PNG in Jupyter, so a cell ending in ``plots.learning_curve(...)``
shows the picture with no ``%matplotlib`` magic, and so does
``display(...)``. ``display.savefig(path)`` writes the figure. Outside
Jupyter nothing opens a window. Every Display can draw again on other axes
with ``display.plot(ax=...)``. matplotlib is imported inside the functions,
so ``import nnlearn.plots`` stays cheap.

The array-building parts are pure functions that tests can check directly:
:func:`rows_to_images`, :func:`image_grid`, :func:`confusion_table` and
:func:`sweep_table`.

Every public function is a door: it checks its arguments once with
:mod:`nnlearn._validation` (the rules below add the kinds of argument only
figures take) and names itself in the message, e.g. "The 'n' parameter of
digits_grid must be an int in the range [1, inf). Got 0 instead." A
Display's constructor takes the data its function computed and checked;
make Displays with the functions.
"""

import math
import numbers
from collections.abc import Mapping

import numpy as np

from . import _validation as v
from .display import FigureDisplay

__all__ = [
    "rows_to_images",
    "image_grid",
    "confusion_table",
    "sweep_table",
    "digits_grid",
    "hidden_units",
    "learning_curve",
    "decision_boundary",
    "confusion_matrix",
    "misclassified",
    "sweep_heatmap",
    "ImageGridDisplay",
    "LearningCurveDisplay",
    "DecisionBoundaryDisplay",
    "ConfusionMatrixDisplay",
    "MisclassifiedDisplay",
    "SweepHeatmapDisplay",
    "predicted_vs_true",
    "residuals",
    "PredictedVsTrueDisplay",
    "ResidualsDisplay",
]


# ------------------------------------------------------------ argument rules
def _shape(arr):
    return f"a {arr.ndim}-D array of shape {arr.shape}"


class AxesOrNone(v.Rule):
    """A matplotlib Axes to draw on, or None for a new Figure."""

    def text(self):
        return "a matplotlib Axes or None"

    def check(self, value, name, door):
        from matplotlib.axes import Axes

        if value is not None and not isinstance(value, Axes):
            raise TypeError(v.message(name, door, self.text(), v.describe(value)))
        return value


class ImageRows(v.Rule):
    """Flattened square images, one per row: a numeric (m, side * side) array, side >= 1; returned as float64."""

    def __init__(self, min_rows=0):
        self.min_rows = min_rows

    def text(self):
        rows = f" with at least {self.min_rows} row{'s' if self.min_rows != 1 else ''}" if self.min_rows else ""
        return f"a 2-D array of numbers of shape (m, side * side){rows}: one flattened square image per row"

    def check(self, value, name, door):
        X = v.check_array(value, name, door, self.text())
        if X.ndim != 2:
            hint = f" Reshape a single image with {name}.reshape(1, -1)." if X.ndim == 1 else ""
            raise ValueError(v.message(name, door, self.text(), _shape(X)) + hint)
        side = math.isqrt(X.shape[1])
        if X.shape[1] == 0 or side * side != X.shape[1]:
            raise ValueError(v.message(name, door, self.text(), f"{X.shape[1]} features, not a square number"))
        if X.shape[0] < self.min_rows:
            raise ValueError(v.message(name, door, self.text(), _shape(X)))
        return X.astype(np.float64)


class Labels(v.Rule):
    """Labels of any type (ints, strs, ...): a 1-D array, of ``m`` entries if ``m`` is given (one per ``per``)."""

    def __init__(self, m=None, per="row of X"):
        self.m, self.per = m, per

    def text(self):
        return "a 1-D array of labels" if self.m is None else f"a 1-D array of {self.m} labels (one per {self.per})"

    def check(self, value, name, door):
        try:
            y = np.asarray(value)  # any dtype: labels may be strings
        except ValueError:  # ragged
            raise ValueError(v.message(name, door, self.text(), v.describe(value))) from None
        if y.ndim != 1:
            raise ValueError(v.message(name, door, self.text(), _shape(y)))
        if self.m is not None and y.shape[0] != self.m:
            raise ValueError(v.message(name, door, self.text(), f"{y.shape[0]} labels"))
        return y


class LabelOrder(v.Rule):
    """The row and column order of a confusion matrix: None, or a non-empty 1-D array of distinct labels."""

    def text(self):
        return "a non-empty 1-D array of distinct labels or None"

    def check(self, value, name, door):
        if value is None:
            return None
        labels = Labels().check(value, name, door)
        if labels.size == 0:
            raise ValueError(v.message(name, door, self.text(), "an empty array"))
        if np.unique(labels).size != labels.size:
            raise ValueError(v.message(name, door, self.text(), f"{v.describe(labels.tolist())} (with duplicates)"))
        return labels


class CostHistory(v.Rule):
    """One run (a sequence of numbers) or several (a list of sequences, or a 2-D array with one run per row).

    Returns the runs as a list of non-empty 1-D float arrays.
    """

    def text(self):
        return "a sequence of numbers (one run), or a list of them or a 2-D array (one run per row)"

    def check(self, value, name, door):
        if isinstance(value, np.ndarray):
            if value.ndim not in (1, 2):
                raise ValueError(v.message(name, door, self.text(), _shape(value)))
            runs = [value] if value.ndim == 1 else list(value)
        elif isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            raise TypeError(v.message(name, door, self.text(), v.describe(value)))
        else:
            items = list(value)
            one_run = items and all(np.isscalar(item) or getattr(item, "ndim", None) == 0 for item in items)
            runs = [items] if one_run else items
        if not runs:
            raise ValueError(v.message(name, door, self.text() + " with at least one run", "an empty sequence"))
        checked = []
        for i, run in enumerate(runs):
            rule = "a non-empty 1-D sequence of numbers (one run)"
            run = v.check_array(run, f"{name}[{i}]", door, rule)
            if run.ndim != 1 or run.size == 0:
                raise ValueError(v.message(f"{name}[{i}]", door, rule, _shape(run)))
            checked.append(run.astype(np.float64))
        return checked


class SweepRecords(v.Rule):
    """A sweep's records: a non-empty sequence of dicts whose ``alpha``, ``max_iter`` and ``metric`` are real numbers.

    NaN is allowed (a failed run's metric); returns the records as a list.
    """

    def __init__(self, metric):
        self.metric = metric

    def text(self):
        return f"a non-empty sequence of dicts with the keys 'alpha', 'max_iter' and {self.metric!r}"

    def check(self, value, name, door):
        if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
            raise TypeError(v.message(name, door, self.text(), v.describe(value)))
        records = list(value)
        if not records:
            raise ValueError(v.message(name, door, self.text(), "an empty sequence"))
        keys = ("alpha", "max_iter", self.metric)
        for i, record in enumerate(records):
            if not isinstance(record, Mapping):
                raise TypeError(v.message(f"{name}[{i}]", door, "a dict", v.describe(record)))
            for key in keys:
                if key not in record:
                    raise ValueError(v.message(
                        f"{name}[{i}]", door, f"a dict with the keys {list(keys)}",
                        f"a dict without {key!r} (its keys are {sorted(map(str, record))})",
                    ))
                entry = record[key]
                if isinstance(entry, (bool, np.bool_)) or not isinstance(entry, numbers.Real):
                    raise TypeError(v.message(f"{name}[{i}][{key!r}]", door, "a real number", v.describe(entry)))
        return records


class RecordKey(v.Rule):
    """A str: the key of a record's value (the metric of a sweep)."""

    def text(self):
        return "a str (a key of the records)"

    def check(self, value, name, door):
        if not isinstance(value, str):
            raise TypeError(v.message(name, door, self.text(), v.describe(value)))
        return value


AXES = AxesOrNone()
ORDER = v.Option(["F", "C"])  # how a row was flattened; see rows_to_images
METRIC = RecordKey()


def _figure_and_axes(ax, figsize):
    """Return ``(fig, ax)``: a new Figure with one Axes, or ``ax`` (checked by :data:`AXES`) and its figure."""
    from matplotlib.figure import Figure

    if ax is None:
        fig = Figure(figsize=figsize)
        return fig, fig.add_subplot()
    return ax.figure, ax


# ------------------------------------- pure functions (doors) and their unchecked helpers
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
        If ``X`` is not numeric or ``order`` not a str.
    """
    door = "rows_to_images"
    X = ImageRows().check(X, "X", door)
    order = ORDER.check(order, "order", door)
    return _upright(X, order)


def _upright(X, order):
    """The rows of ``X`` (m, side * side) as upright images (m, side, side)."""
    m, n = X.shape
    side = math.isqrt(n)
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
        If ``images`` is not 3-D or is empty, ``pad`` is negative, or
        ``pad_value`` is not finite.
    TypeError
        If ``pad`` is not an int, ``pad_value`` not a real number, or
        ``images`` is not numeric.

    Notes
    -----
    An image that is all zeros stays all zeros (the course would divide by
    zero).

    .. math:: \text{patch}_k = x_k / \max_{ij} |x_{k,ij}|
    """
    door = "image_grid"
    rule = "a 3-D array of numbers of shape (m, h, w) with m >= 1"
    images = v.check_array(images, "images", door, rule)
    if images.ndim != 3 or images.shape[0] == 0:
        raise ValueError(v.message("images", door, rule, _shape(images)))
    pad = v.Int(0).check(pad, "pad", door)
    pad_value = v.Real().check(pad_value, "pad_value", door)
    return _tile(images.astype(np.float64), pad, pad_value)


def _tile(images, pad=1, pad_value=-1.0):
    """:func:`image_grid` of checked ``images`` (m, h, w), m >= 1."""
    m, h, w = images.shape
    n_rows, n_cols = _grid_shape(m)
    scale = np.abs(images).max(axis=(1, 2))  # (m,)
    scale[scale == 0] = 1.0
    patches = images / scale[:, None, None]  # (m, h, w), each in [-1, 1]
    grid = np.full((pad + n_rows * (h + pad), pad + n_cols * (w + pad)), pad_value)
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
        If the inputs are not 1-D, their lengths differ, both are empty while
        ``labels`` is None, or ``labels`` is empty or has duplicates.
    """
    door = "confusion_table"
    y_true = Labels().check(y_true, "y_true", door)
    y_pred = Labels(y_true.shape[0], per="entry of y_true").check(y_pred, "y_pred", door)
    labels = LabelOrder().check(labels, "labels", door)
    if labels is None and y_true.size == 0:
        raise ValueError(v.message("y_true", door, "a non-empty array of labels when labels is None", "an empty array"))
    return _count(y_true, y_pred, labels)


def _count(y_true, y_pred, labels):
    """:func:`confusion_table` of checked arguments."""
    if labels is None:
        labels = np.unique(np.concatenate([y_true, y_pred]))
    index = {label: i for i, label in enumerate(labels.tolist())}
    counts = np.zeros((labels.size, labels.size), dtype=int)
    for t, p in zip(y_true.tolist(), y_pred.tolist()):
        if t in index and p in index:
            counts[index[t], index[p]] += 1
    return labels, counts


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
        If ``results`` or a record has the wrong type, a value is not a real
        number (NaN is one: a failed run), or ``metric`` is not a str.
    """
    door = "sweep_table"
    metric = METRIC.check(metric, "metric", door)
    return _tabulate(SweepRecords(metric).check(results, "results", door), metric)


def _tabulate(records, metric):
    """:func:`sweep_table` of checked records."""
    cells = {}
    for record in records:
        cells.setdefault((record["alpha"], record["max_iter"]), []).append(float(record[metric]))
    alphas = np.array(sorted({a for a, _ in cells}))
    max_iters = np.array(sorted({it for _, it in cells}))
    row = {a: i for i, a in enumerate(alphas.tolist())}
    col = {it: j for j, it in enumerate(max_iters.tolist())}
    matrix = np.full((alphas.size, max_iters.size), np.nan)
    for (alpha, max_iter), values in cells.items():
        matrix[row[alpha], col[max_iter]] = np.mean(values)
    return alphas, max_iters, matrix


# ------------------------------------------------------------------- displays
class ImageGridDisplay(FigureDisplay):
    """Images tiled by :func:`image_grid` (the course's displayData): made by :func:`digits_grid` and :func:`hidden_units`.

    Parameters
    ----------
    images : ndarray of shape (m, h, w), m >= 1
        Upright images, already checked (the functions of this module make them).
    title : str or None
        Title of the axes.

    Attributes
    ----------
    image_ : matplotlib.image.AxesImage
        The tiled pixels, gray over [-1, 1].
    figure_, ax_
        See :class:`nnlearn.display.FigureDisplay`.
    """

    figsize = (6, 6)

    def __init__(self, images, title=None):
        self.images = images
        self.title = title

    def plot(self, ax=None):
        """Draw on ``ax`` (a new Figure when None); returns self."""
        ax = AXES.check(ax, "ax", f"{type(self).__name__}.plot")
        fig, ax = _figure_and_axes(ax, self.figsize)
        self.image_ = _show_grid(ax, _tile(self.images), self.title)
        return self._set_axes(fig, ax)

    def _describe(self):
        m, h, w = self.images.shape
        return f"{m} image{'s' if m != 1 else ''} of {h}x{w}"


class LearningCurveDisplay(FigureDisplay):
    """Cost against iteration, one line per run: made by :func:`learning_curve`.

    Parameters
    ----------
    runs : list of ndarray of shape (n_k,)
        The checked runs; entry k of a run is drawn at iteration k.
    labels : list of str or None
        One legend label per run; a legend is drawn only when given.
    log : bool
        Logarithmic y axis.

    Attributes
    ----------
    lines_ : list of matplotlib.lines.Line2D
        One line per run.
    """

    figsize = (6, 4)

    def __init__(self, runs, labels=None, log=False):
        self.runs, self.labels, self.log = runs, labels, log

    def plot(self, ax=None):
        """Draw on ``ax`` (a new Figure when None); returns self."""
        ax = AXES.check(ax, "ax", f"{type(self).__name__}.plot")
        from matplotlib.ticker import MaxNLocator

        fig, ax = _figure_and_axes(ax, self.figsize)
        self.lines_ = []
        for i, run in enumerate(self.runs):
            label = None if self.labels is None else str(self.labels[i])
            self.lines_ += ax.plot(np.arange(run.size), run, label=label)  # entry k: cost after k iterations
        if self.log:
            ax.set_yscale("log")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("iteration")
        ax.set_ylabel("cost")
        if self.labels is not None:
            ax.legend()
        return self._set_axes(fig, ax)

    def _describe(self):
        if len(self.runs) == 1:
            run = self.runs[0]
            return f"{run.size - 1} iterations, cost {run[0]:.6g} -> {run[-1]:.6g}"
        return f"{len(self.runs)} runs"


class DecisionBoundaryDisplay(FigureDisplay):
    """A 2-D classifier's regions with the data on top: made by :func:`decision_boundary`.

    Parameters
    ----------
    xx, yy : ndarray of shape (r, r)
        The grid (``np.meshgrid``).
    response : ndarray of shape (r, r), int
        Index into ``classes`` of the prediction at each grid point.
    classes : ndarray of shape (K,)
        Every label of the data and of the predictions, sorted.
    X : ndarray of shape (m, 2)
    y : ndarray of shape (m,)

    Attributes
    ----------
    contour_ : matplotlib.contour.QuadContourSet
        The filled regions.
    scatters_ : list of matplotlib.collections.PathCollection
        One scatter per class present in ``y``.
    """

    figsize = (6, 5)

    def __init__(self, xx, yy, response, classes, X, y):
        self.xx, self.yy, self.response, self.classes, self.X, self.y = xx, yy, response, classes, X, y

    def plot(self, ax=None):
        """Draw on ``ax`` (a new Figure when None); returns self."""
        ax = AXES.check(ax, "ax", f"{type(self).__name__}.plot")
        from matplotlib.colors import ListedColormap

        fig, ax = _figure_and_axes(ax, self.figsize)
        K = self.classes.size
        colors = _class_colors(K)
        self.contour_ = ax.contourf(self.xx, self.yy, self.response, levels=np.arange(K + 1) - 0.5,
                                    cmap=ListedColormap(colors), alpha=0.3)
        y_idx = np.searchsorted(self.classes, self.y)
        self.scatters_ = []
        for k in range(K):
            mask = y_idx == k
            if mask.any():
                self.scatters_.append(ax.scatter(self.X[mask, 0], self.X[mask, 1], color=colors[k], edgecolors="k",
                                                 linewidths=0.5, s=20, label=str(self.y[mask][0])))
        ax.set_xlim(self.xx[0, 0], self.xx[0, -1])
        ax.set_ylim(self.yy[0, 0], self.yy[-1, 0])
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.legend(title="class", loc="best")
        return self._set_axes(fig, ax)

    def _describe(self):
        return f"{self.classes.size} classes, {self.X.shape[0]} points"


class ConfusionMatrixDisplay(FigureDisplay):
    """The confusion matrix as an image with the counts in the cells: made by :func:`confusion_matrix`.

    Parameters
    ----------
    labels : ndarray of shape (K,)
        Row and column order.
    counts : ndarray of shape (K, K), int
        ``counts[i, j]``: samples of true label ``labels[i]`` predicted as ``labels[j]``.

    Attributes
    ----------
    im_ : matplotlib.image.AxesImage
        The (K, K) counts.
    text_ : ndarray of shape (K, K), dtype object
        The matplotlib Text of each cell.
    """

    figsize = (5, 5)

    def __init__(self, labels, counts):
        self.labels, self.counts = labels, counts

    def plot(self, ax=None):
        """Draw on ``ax`` (a new Figure when None); returns self."""
        ax = AXES.check(ax, "ax", f"{type(self).__name__}.plot")
        fig, ax = _figure_and_axes(ax, self.figsize)
        counts = self.counts
        self.im_ = ax.imshow(counts, cmap="Blues", vmin=0, interpolation="nearest")
        # Blues is dark at the high end: white text above half the largest count.
        self.text_ = np.empty(counts.shape, dtype=object)
        for (i, j), count in np.ndenumerate(counts):
            self.text_[i, j] = ax.text(j, i, str(count), ha="center", va="center",
                                       color="white" if count > counts.max() / 2 else "black")
        ticks = np.arange(self.labels.size)
        names = [str(label) for label in self.labels.tolist()]
        ax.set_xticks(ticks, names)
        ax.set_yticks(ticks, names)
        ax.set_xlabel("predicted label")
        ax.set_ylabel("true label")
        return self._set_axes(fig, ax)

    def _describe(self):
        total, right = int(self.counts.sum()), int(np.trace(self.counts))
        return f"{self.labels.size} labels, {right} of {total} on the diagonal"


class MisclassifiedDisplay(FigureDisplay):
    """The wrongly classified images, each marked "true/predicted": made by :func:`misclassified`.

    Parameters
    ----------
    images : ndarray of shape (k, h, w)
        The shown mistakes (k may be 0).
    y_true, y_pred : ndarray of shape (k,)
        Their true and predicted labels.

    Attributes
    ----------
    image_ : matplotlib.image.AxesImage or None
        The tiled images (None without mistakes).
    """

    figsize = (6, 6)

    def __init__(self, images, y_true, y_pred):
        self.images, self.y_true, self.y_pred = images, y_true, y_pred

    def plot(self, ax=None):
        """Draw on ``ax`` (a new Figure when None); returns self."""
        ax = AXES.check(ax, "ax", f"{type(self).__name__}.plot")
        fig, ax = _figure_and_axes(ax, self.figsize)
        self.image_ = None
        if self.images.shape[0] == 0:
            ax.set_axis_off()
            ax.text(0.5, 0.5, "no misclassified samples", ha="center", va="center", transform=ax.transAxes)
            return self._set_axes(fig, ax)
        self.image_ = _show_grid(ax, _tile(self.images), "true/predicted")
        k, h, w = self.images.shape
        _, n_cols = _grid_shape(k)
        for i in range(k):
            r, c = divmod(i, n_cols)
            ax.text(1 + c * (w + 1), 1 + r * (h + 1), f"{self.y_true[i]}/{self.y_pred[i]}",
                    ha="left", va="top", fontsize="x-small", color="yellow",
                    bbox={"facecolor": "black", "alpha": 0.5, "pad": 0.5, "linewidth": 0})
        return self._set_axes(fig, ax)

    def _describe(self):
        return f"{self.images.shape[0]} mistakes shown"


class SweepHeatmapDisplay(FigureDisplay):
    """A sweep's mean metric over alpha (rows) and max_iter (columns): made by :func:`sweep_heatmap`.

    Parameters
    ----------
    alphas : ndarray of shape (A,)
    max_iters : ndarray of shape (I,)
    matrix : ndarray of shape (A, I)
        NaN where no record has the pair.
    metric : str
        The colorbar's label.

    Attributes
    ----------
    im_ : matplotlib.image.AxesImage
        The matrix.
    colorbar_ : matplotlib.colorbar.Colorbar
    """

    figsize = (6, 5)

    def __init__(self, alphas, max_iters, matrix, metric):
        self.alphas, self.max_iters, self.matrix, self.metric = alphas, max_iters, matrix, metric

    def plot(self, ax=None):
        """Draw on ``ax`` (a new Figure when None); returns self."""
        ax = AXES.check(ax, "ax", f"{type(self).__name__}.plot")
        fig, ax = _figure_and_axes(ax, self.figsize)
        matrix = self.matrix
        self.im_ = ax.imshow(matrix, cmap="viridis", aspect="auto", interpolation="nearest")
        finite = matrix[np.isfinite(matrix)]
        middle = (finite.min() + finite.max()) / 2 if finite.size else np.inf
        # viridis is dark at the low end: white text below the middle.
        for (i, j), value in np.ndenumerate(matrix):
            text = "n/a" if np.isnan(value) else f"{value:.3g}"
            ax.text(j, i, text, ha="center", va="center", color="white" if value < middle else "black")
        ax.set_xticks(np.arange(self.max_iters.size), [f"{v:g}" for v in self.max_iters.tolist()])
        ax.set_yticks(np.arange(self.alphas.size), [f"{v:g}" for v in self.alphas.tolist()])
        ax.set_xlabel("max_iter")
        ax.set_ylabel("alpha")
        self.colorbar_ = fig.colorbar(self.im_, ax=ax, label=self.metric)
        return self._set_axes(fig, ax)

    def _describe(self):
        return f"{self.metric} over {self.alphas.size} alphas x {self.max_iters.size} max_iters"


# ------------------------------------------------------------------- figures
def _show_grid(ax, grid, title):
    image = ax.imshow(grid, cmap="gray", vmin=-1.0, vmax=1.0, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return image


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
        Seed for the pick (an int >= 0), passed to ``np.random.default_rng``.
    order : {"F", "C"}, default="F"
        Pixel order of a row; see :func:`rows_to_images`. "F" for the
        course's data, "C" for scikit-learn's digits and MNIST.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new Figure is made if None.

    Returns
    -------
    display : ImageGridDisplay
        Shows itself in Jupyter; ``display.ax_`` shows :func:`image_grid` of
        the picked images (``display.images``) with the gray colormap over [-1, 1].

    Raises
    ------
    ValueError
        If ``X`` is not 2-D or empty, its feature count is not a perfect
        square, ``n < 1``, ``order`` is invalid, or ``random_state`` is a
        negative int.
    TypeError
        If ``X`` is not numeric, ``n`` is not an int, ``random_state`` not a
        seed, or ``ax`` is not an Axes.
    """
    door = "digits_grid"
    X = ImageRows(min_rows=1).check(X, "X", door)
    n = v.Int(1).check(n, "n", door)
    random_state = v.check(door, random_state=random_state)
    order = ORDER.check(order, "order", door)
    ax = AXES.check(ax, "ax", door)
    images = _upright(X, order)
    m = images.shape[0]
    if n < m:
        images = images[np.random.default_rng(random_state).choice(m, size=n, replace=False)]
    return ImageGridDisplay(images).plot(ax=ax)


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
    display : ImageGridDisplay
        Shows itself in Jupyter; ``display.ax_`` shows :func:`image_grid` of
        the ``s2`` weight images, each scaled to its own largest absolute weight.

    Raises
    ------
    ValueError
        If ``theta1`` is not 2-D, has no rows or no weight columns besides the
        bias, ``n`` is not a perfect square, or ``order`` is invalid.
    TypeError
        If ``theta1`` is not numeric or ``ax`` is not an Axes.
    """
    door = "hidden_units"
    rule = ("a 2-D array of numbers of shape (s2, 1 + side * side) with s2 >= 1: the bias column, then each "
            "hidden unit's input weights")
    theta1 = v.check_array(theta1, "theta1", door, rule)
    if theta1.ndim != 2 or theta1.shape[0] == 0 or theta1.shape[1] < 2:
        raise ValueError(v.message("theta1", door, rule, _shape(theta1)))
    n = theta1.shape[1] - 1
    if math.isqrt(n) ** 2 != n:
        raise ValueError(v.message("theta1", door, rule, f"{theta1.shape[1]} columns (n = {n} input weights)"))
    order = ORDER.check(order, "order", door)
    ax = AXES.check(ax, "ax", door)
    return ImageGridDisplay(_upright(theta1[:, 1:].astype(np.float64), order), "hidden units").plot(ax=ax)


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
    display : LearningCurveDisplay
        Shows itself in Jupyter; ``display.lines_`` holds one line per run.

    Raises
    ------
    ValueError
        If a run is empty or not 1-D, the number of labels differs from the
        number of runs, or ``log`` is set and a cost is not positive.
    TypeError
        If ``cost_history`` is not a sequence of numbers, ``labels`` not a
        sequence, ``log`` not a bool, or ``ax`` not an Axes.
    """
    door = "learning_curve"
    runs = CostHistory().check(cost_history, "cost_history", door)
    if labels is not None:
        rule = f"None, a str or a sequence of {len(runs)} labels (one per run of cost_history)"
        if isinstance(labels, str):
            labels = [labels]
        if isinstance(labels, bytes) or not hasattr(labels, "__iter__"):
            raise TypeError(v.message("labels", door, rule, v.describe(labels)))
        labels = list(labels)
        if len(labels) != len(runs):
            raise ValueError(v.message("labels", door, rule, f"{len(labels)} labels"))
    log = v.Bool().check(log, "log", door)
    if log:
        for i, run in enumerate(runs):
            if np.any(run <= 0):
                raise ValueError(v.message("cost_history", door, "positive costs for log=True",
                                           f"cost_history[{i}] with minimum {run.min():g}"))
    ax = AXES.check(ax, "ax", door)
    return LearningCurveDisplay(runs, labels, log).plot(ax=ax)


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
    display : DecisionBoundaryDisplay
        Shows itself in Jupyter: a filled contour (``display.contour_``) with
        one color per class over the padded bounding box (the axes limits are
        exactly that box), one scatter per class present in ``y`` in the same
        color (``display.scatters_``), and a legend of those classes.

    Raises
    ------
    ValueError
        If ``X`` is not (m, 2) with m >= 1 or not finite, ``y`` does not
        match, ``resolution < 2``, ``padding`` is negative or not finite, or
        the model returns the wrong number of predictions.
    TypeError
        If ``model`` has no ``predict`` and is not callable, ``X`` is not
        numeric, ``resolution`` is not an int, ``padding`` is not a real
        number, or ``ax`` is not an Axes.
    """
    door = "decision_boundary"
    predict = getattr(model, "predict", None)
    if not callable(predict):
        if not callable(model):
            raise TypeError(v.message("model", door, "an estimator with a predict method, or a callable",
                                      v.describe(model)))
        predict = model
    rule = "a 2-D array of finite numbers of shape (m, 2) with m >= 1: points in the plane"
    X = v.check_array(X, "X", door, rule)
    if X.ndim != 2 or X.shape[1] != 2 or X.shape[0] == 0:
        raise ValueError(v.message("X", door, rule, _shape(X)))
    X = X.astype(np.float64)
    if not np.all(np.isfinite(X)):
        raise ValueError(v.message("X", door, rule, "an array containing NaN or infinity"))
    y = Labels(X.shape[0]).check(y, "y", door)
    ax = AXES.check(ax, "ax", door)
    resolution = v.Int(2).check(resolution, "resolution", door)
    padding = v.Real(0.0).check(padding, "padding", door)

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
        raise ValueError(v.message("model", door, "a classifier that returns one label per point it is given",
                                   f"{Z.size} labels for {X_grid.shape[0]} grid points"))
    classes = np.unique(np.concatenate([y, Z]))
    response = np.searchsorted(classes, Z).reshape(xx.shape)
    return DecisionBoundaryDisplay(xx, yy, response, classes, X, y).plot(ax=ax)


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
    display : ConfusionMatrixDisplay
        Shows itself in Jupyter; ``display.im_`` holds the (K, K) counts of
        :func:`confusion_table` (also ``display.counts``), and ``display.text_``
        the text of each cell.

    Raises
    ------
    ValueError
        As :func:`confusion_table`.
    TypeError
        If ``ax`` is not an Axes.
    """
    door = "confusion_matrix"
    y_true = Labels().check(y_true, "y_true", door)
    y_pred = Labels(y_true.shape[0], per="entry of y_true").check(y_pred, "y_pred", door)
    labels = LabelOrder().check(labels, "labels", door)
    if labels is None and y_true.size == 0:
        raise ValueError(v.message("y_true", door, "a non-empty array of labels when labels is None", "an empty array"))
    ax = AXES.check(ax, "ax", door)
    labels, counts = _count(y_true, y_pred, labels)
    return ConfusionMatrixDisplay(labels, counts).plot(ax=ax)


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
        Seed for the pick (an int >= 0), passed to ``np.random.default_rng``.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new Figure is made if None.

    Returns
    -------
    display : MisclassifiedDisplay
        Shows itself in Jupyter: one :func:`image_grid` of the shown mistakes,
        with a text ``"{true}/{pred}"`` in the top-left corner of each image, in
        grid order. With no mistakes, the axes holds only the text "no
        misclassified samples".

    Raises
    ------
    ValueError
        If ``X`` is not 2-D, its feature count is not a perfect square, the
        label arrays do not match ``X``, ``n < 1``, ``order`` is invalid, or
        ``random_state`` is a negative int.
    TypeError
        If ``X`` is not numeric, ``n`` is not an int, ``random_state`` not a
        seed, or ``ax`` is not an Axes.
    """
    door = "misclassified"
    X = ImageRows().check(X, "X", door)
    m = X.shape[0]
    y_true = Labels(m).check(y_true, "y_true", door)
    y_pred = Labels(m).check(y_pred, "y_pred", door)
    n = v.Int(1).check(n, "n", door)
    order = ORDER.check(order, "order", door)
    random_state = v.check(door, random_state=random_state)
    ax = AXES.check(ax, "ax", door)
    images = _upright(X, order)
    wrong = np.flatnonzero(y_true != y_pred)
    if wrong.size > n:
        wrong = np.sort(np.random.default_rng(random_state).choice(wrong, size=n, replace=False))
    return MisclassifiedDisplay(images[wrong], y_true[wrong], y_pred[wrong]).plot(ax=ax)


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
    display : SweepHeatmapDisplay
        Shows itself in Jupyter; ``display.im_`` holds the matrix of
        :func:`sweep_table`, each cell is annotated with its value (3
        significant digits, "n/a" for a pair with no record), tick labels are
        the sorted unique values, and a colorbar labelled ``metric``
        (``display.colorbar_``) is added next to the axes.

    Raises
    ------
    ValueError, TypeError
        As :func:`sweep_table`; TypeError also if ``ax`` is not an Axes.
    """
    door = "sweep_heatmap"
    metric = METRIC.check(metric, "metric", door)
    records = SweepRecords(metric).check(results, "results", door)
    ax = AXES.check(ax, "ax", door)
    alphas, max_iters, matrix = _tabulate(records, metric)
    return SweepHeatmapDisplay(alphas, max_iters, matrix, metric).plot(ax=ax)


# ------------------------------------------------------- regression figures
class RealTargets(v.Rule):
    """Real targets or predictions: a numeric (m,) or (m, k) array of finite values, m >= 1, as float64 (m, k).

    With ``shape``, the array must have it (the shape of ``y_true``).
    """

    def __init__(self, shape=None):
        self.shape = shape

    def text(self):
        if self.shape is None:
            return "a 1-D or 2-D array of finite numbers of shape (m,) or (m, k) with m >= 1"
        return f"an array of finite numbers of shape {self.shape} (the shape of y_true)"

    def check(self, value, name, door):
        y = v.check_array(value, name, door, self.text())
        if (self.shape is not None and y.shape != self.shape) or y.ndim not in (1, 2) or y.shape[0] == 0:
            raise ValueError(v.message(name, door, self.text(), _shape(y)))
        y = y.astype(np.float64)
        if not np.all(np.isfinite(y)):
            raise ValueError(v.message(name, door, self.text(), "an array containing NaN or infinity"))
        return y


def _regression_pair(y_true, y_pred, door):
    """``(Y_true, Y_pred)`` of shape (m, k) each, checked: the same shape, finite."""
    y_true = RealTargets().check(y_true, "y_true", door)
    y_pred = RealTargets(y_true.shape).check(y_pred, "y_pred", door)
    return y_true.reshape(y_true.shape[0], -1), y_pred.reshape(y_pred.shape[0], -1)


_NOTE_BOX = {"facecolor": "white", "alpha": 0.8, "edgecolor": "none"}  # a corner note readable over the points


def _output_label(j, k):
    return f"output {j}" if k > 1 else None


def predicted_vs_true(y_true, y_pred, ax=None):
    r"""Plot a regressor's predictions against the true values, with the diagonal of perfect predictions.

    Parameters
    ----------
    y_true : array-like of shape (m,) or (m, k)
        True targets (k outputs: one color per output).
    y_pred : array-like of the shape of ``y_true``
        Predicted targets.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new Figure is made if None.

    Returns
    -------
    display : PredictedVsTrueDisplay
        Keeps ``figure_`` and ``ax_`` and shows itself in Jupyter: one scatter per output with points (true, predicted)
        (``ax.collections[j].get_offsets()``), the dashed diagonal
        predicted = true over the range of both (``ax.lines[0]``), equal
        limits on both axes, and the text ``R^2 = ...`` (scikit-learn's
        ``r2_score``, averaged over the outputs) in the upper left corner.

    Raises
    ------
    ValueError
        If ``y_true`` is not 1-D or 2-D with at least one row, ``y_pred`` has
        another shape, or either holds NaN or infinity.
    TypeError
        If either is not numeric, or ``ax`` is not an Axes.

    Notes
    -----
    .. math:: R^2 = 1 - \frac{\sum_i (y_i - \hat y_i)^2}{\sum_i (y_i - \bar y)^2}
    """
    return _regression_display(PredictedVsTrueDisplay, y_true, y_pred, ax, "predicted_vs_true")


def _regression_display(display, y_true, y_pred, ax, door):
    """The door of the regression figures: check the targets and ``ax`` once, then draw ``display``."""
    Y, H = _regression_pair(y_true, y_pred, door)
    ax = AXES.check(ax, "ax", door)
    return display(Y, H).plot(ax=ax)


class _RegressionDisplay(FigureDisplay):
    """A figure of true and predicted targets ``Y``, ``H`` (m, k); subclasses draw it in :meth:`_draw`."""

    def __init__(self, Y, H):
        self.Y, self.H = Y, H

    def plot(self, ax=None):
        """Draw on ``ax`` (a new Figure when None); returns self."""
        ax = AXES.check(ax, "ax", f"{type(self).__name__}.plot")
        fig, ax = _figure_and_axes(ax, self.figsize)
        self._draw(ax, self.Y, self.H)
        return self._set_axes(fig, ax)


class PredictedVsTrueDisplay(_RegressionDisplay):
    """Predictions against true values, with the diagonal: made by :func:`predicted_vs_true`.

    Parameters
    ----------
    Y, H : ndarray of shape (m, k), the true and predicted targets
    """

    figsize = (5, 5)

    def _draw(self, ax, Y, H):
        from sklearn.metrics import r2_score

        lo, hi = min(Y.min(), H.min()), max(Y.max(), H.max())
        pad = 0.05 * (hi - lo) if hi > lo else 0.5
        lo, hi = lo - pad, hi + pad
        ax.plot([lo, hi], [lo, hi], color="0.5", linestyle="--", linewidth=1, label="predicted = true")
        k = Y.shape[1]
        for j in range(k):
            ax.scatter(Y[:, j], H[:, j], s=14, alpha=0.7, edgecolors="none", label=_output_label(j, k))
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        ax.set_aspect("equal")
        ax.set_xlabel("true value")
        ax.set_ylabel("predicted value")
        ax.text(0.03, 0.97, f"R^2 = {r2_score(Y, H):.3f}", transform=ax.transAxes, ha="left", va="top", bbox=_NOTE_BOX)
        ax.legend(loc="lower right")


def residuals(y_true, y_pred, ax=None):
    """Plot a regressor's residuals, true minus predicted, against the predicted values.

    Parameters
    ----------
    y_true : array-like of shape (m,) or (m, k)
        True targets (k outputs: one color per output).
    y_pred : array-like of the shape of ``y_true``
        Predicted targets.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new Figure is made if None.

    Returns
    -------
    display : ResidualsDisplay
        Keeps ``figure_`` and ``ax_`` and shows itself in Jupyter: one scatter per output with points (predicted, true -
        predicted) (``ax.collections[j].get_offsets()``), a horizontal line at
        0 (``ax.lines[0]``), and the text ``RMSE = ...`` (the root of the mean
        squared residual over every entry) in the upper left corner. A good
        fit leaves a band around 0 without a trend.

    Raises
    ------
    ValueError, TypeError
        As :func:`predicted_vs_true`.
    """
    return _regression_display(ResidualsDisplay, y_true, y_pred, ax, "residuals")


class ResidualsDisplay(_RegressionDisplay):
    """Residuals (true - predicted) against the predictions: made by :func:`residuals`.

    Parameters
    ----------
    Y, H : ndarray of shape (m, k), the true and predicted targets
    """

    figsize = (6, 4)

    def _draw(self, ax, Y, H):
        R = Y - H  # residuals, (m, k)
        ax.axhline(0.0, color="0.5", linestyle="--", linewidth=1)
        k = Y.shape[1]
        for j in range(k):
            ax.scatter(H[:, j], R[:, j], s=14, alpha=0.7, edgecolors="none", label=_output_label(j, k))
        ax.set_xlabel("predicted value")
        ax.set_ylabel("residual (true - predicted)")
        ax.text(0.03, 0.97, f"RMSE = {np.sqrt(np.mean(R**2)):.4g}", transform=ax.transAxes, ha="left", va="top",
                bbox=_NOTE_BOX)
        if k > 1:
            ax.legend(loc="lower right")
