r"""The playground's data: planar sets, regression surfaces, uploaded CSV files, features and the plot's grid.

Every data set is ``X`` of shape (m, n) (n >= 2 columns; the plot shows the
first two) and ``y`` of shape (m,): class indices 0..K-1, or real targets for
regression. The network's inputs are the chosen features of the first two
columns (x1, x2, x1², x2², x1·x2, sin x1, sin x2) followed by any further
columns as they are; an uploaded file's columns are standardized first with
the training rows' mean and standard deviation (:class:`Scaler`).

CSV files are parsed with the standard library's :mod:`csv` module and are
bounded (:data:`MAX_UPLOAD_BYTES`, :data:`MAX_ROWS`, :data:`MAX_COLUMNS`); a
file that is not what the playground reads raises :class:`DataError` with a
message for the page, naming the line and the column.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import numpy as np

from .. import datasets
from .settings import DATASETS, FEATURES

__all__ = [
    "DataError",
    "Dataset",
    "Table",
    "Scaler",
    "make_dataset",
    "make_plane",
    "make_bumps",
    "generator_call",
    "split",
    "parse_csv",
    "features",
    "feature_names",
    "grid",
    "MAX_UPLOAD_BYTES",
    "MAX_ROWS",
    "MAX_COLUMNS",
    "MAX_CLASSES",
]

MAX_UPLOAD_BYTES = 2 * 2**20
MAX_ROWS = 10_000
MAX_COLUMNS = 21  # 20 features and the label
MAX_CLASSES = 10
LABEL_NAMES = ("label", "target", "class", "y")


class DataError(ValueError):
    """Data the playground cannot use; the message is for the page."""


@dataclass(frozen=True)
class Table:
    """A parsed CSV file: ``X`` (m, n) float64, ``labels`` (m,) str, the column names and the task.

    ``task`` is "classification" when a label is not a number or the labels are
    at most :data:`MAX_CLASSES` distinct integers, else "regression".
    """

    name: str
    X: np.ndarray
    labels: np.ndarray
    columns: tuple
    label_column: str
    task: str


@dataclass(frozen=True)
class Scaler:
    """Standardization ``(X - mean) / std`` of each column, from the training rows."""

    mean: np.ndarray
    std: np.ndarray

    def __call__(self, X):
        return (X - self.mean) / self.std


@dataclass(frozen=True)
class Dataset:
    """Data ready to train on.

    Attributes
    ----------
    task : "classification" or "regression"
    X : ndarray of shape (m, n), the points as generated or read (the plot's coordinates)
    y : ndarray of shape (m,), int64 class indices or float64 targets
    train, test : ndarray of int, row indices of the two splits (test may be empty)
    classes : tuple of str, the class names (empty for regression)
    columns : tuple of str, the column names
    scaler : Scaler or None, applied to X before the features (uploaded files)
    box : (x1_min, x1_max, x2_min, x2_max), the plot's extent
    note : str, what the page should say about the data (e.g. which columns the plot shows)
    """

    task: str
    X: np.ndarray
    y: np.ndarray
    train: np.ndarray
    test: np.ndarray
    classes: tuple
    columns: tuple
    scaler: Scaler | None
    box: tuple
    note: str = ""

    @property
    def n_classes(self):
        return len(self.classes)


# -- generated data -------------------------------------------------------------------


def make_plane(m, noise, seed):
    """A regression plane: ``y = (x1 + 2 x2) / 3 + noise ε``, points uniform in [-2, 2]²; shapes (m, 2), (m,)."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2.0, 2.0, size=(m, 2))
    return X, (X[:, 0] + 2 * X[:, 1]) / 3 + noise * rng.standard_normal(m)


def make_bumps(m, noise, seed):
    """Four Gaussian bumps: ``y = Σ_j s_j exp(-|x - c_j|² / 0.5) + noise ε``, c_j = (±1, ±1), s_j = ±1."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2.0, 2.0, size=(m, 2))
    centres = np.array([[1.0, 1.0], [-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0]])
    signs = np.array([1.0, 1.0, -1.0, -1.0])
    distance2 = ((X[:, None, :] - centres[None]) ** 2).sum(axis=2)  # (m, 4)
    return X, np.exp(-distance2 / 0.5) @ signs + noise * rng.standard_normal(m)


def generator_call(name, points, noise, seed):
    """``(function name, keyword arguments)`` of the :mod:`nnlearn.datasets` call that makes a classification set."""
    n_classes = {"spirals3": 3, "circles3": 3, "gaussians4": 4}.get(name, 2)
    common = {"n_per_class": max(1, points // n_classes), "noise": noise}
    if name in ("spirals", "spirals3"):
        return "make_spirals", {**common, "n_arms": n_classes, "n_classes": n_classes, "random_state": seed}
    if name in ("circles", "circles3", "gaussians", "gaussians4"):
        function = "make_circles" if name.startswith("circles") else "make_gaussians"
        return function, {**common, "n_classes": n_classes, "random_state": seed}
    return f"make_{name}", {**common, "random_state": seed}


def _generate(name, points, noise, seed):
    """(X, y, classes) of a generated set, from nnlearn.datasets (classification) or here (regression)."""
    if name in ("plane", "bumps"):
        make = make_plane if name == "plane" else make_bumps
        X, y = make(points, noise, seed)
        return X, y, ()
    function, kwargs = generator_call(name, points, noise, seed)
    X, y = getattr(datasets, function)(**kwargs)
    return X, y, tuple(f"class {k}" for k in range(int(y.max()) + 1))


def split(m, test_percent, seed):
    """``(train, test)`` row indices: a permutation by the data seed, its first ``round(m p / 100)`` for testing.

    At least one row stays for training.
    """
    order = np.random.default_rng(seed).permutation(m)
    n_test = min(m - 1, int(round(m * test_percent / 100)))
    return np.sort(order[n_test:]), np.sort(order[:n_test])


def make_dataset(settings, table=None):
    """The :class:`Dataset` of ``settings`` (``table``: the uploaded file when ``settings.data == "csv"``).

    Raises
    ------
    DataError
        If the settings ask for an uploaded file and there is none, or regression
        is asked for and nnlearn's core has no identity output.
    """
    from .settings import regression_available

    if settings.data == "csv":
        if table is None:
            raise DataError("This link uses an uploaded CSV file: upload it again (Data > Upload CSV) to restore the run.")
        return _from_table(table, settings)
    X, y, classes = _generate(settings.data, settings.points, settings.noise, settings.seed)
    task = DATASETS[settings.data][1]
    if task == "regression" and not regression_available():
        raise DataError("Regression needs the identity output with squared error, which this nnlearn's core "
                        "does not have yet; choose a classification data set.")
    train, test = split(len(X), settings.test, settings.seed)
    return Dataset(task, X, y, train, test, classes, ("x1", "x2"), None, _box(X))


def _from_table(table, settings):
    from .settings import regression_available

    if table.task == "regression" and not regression_available():
        raise DataError(f"The column {table.label_column!r} holds real numbers (a regression target), but this "
                        "nnlearn's core has no identity output yet; give class labels instead.")
    train, test = split(len(table.X), settings.test, settings.seed)
    X_train = table.X[train]
    std = X_train.std(axis=0)
    scaler = Scaler(X_train.mean(axis=0), np.where(std > 0, std, 1.0))
    if table.task == "classification":
        classes, y = _class_indices(table.labels)
    else:
        classes, y = (), table.labels.astype(np.float64)
    n = table.X.shape[1]
    note = f"{table.name}: {len(table.X)} rows, {n} feature columns, label column {table.label_column!r}"
    if table.task == "classification":
        note += f" ({len(classes)} classes)"
    else:
        note += " (regression target)"
    if n > 2:
        note += (f". The plot shows {table.columns[0]!r} and {table.columns[1]!r}; the other {n - 2} columns "
                 "are inputs too and are held at their training mean on the plot")
    note += ". Columns are standardized with the training rows' mean and standard deviation."
    return Dataset(table.task, table.X, y, train, test, classes, table.columns, scaler, _box(table.X), note)


def _class_indices(labels):
    """Sorted class names (numbers numerically) and each label's index."""
    names = sorted(set(labels.tolist()), key=_label_order)
    index = {name: k for k, name in enumerate(names)}
    return tuple(names), np.array([index[label] for label in labels.tolist()], dtype=np.int64)


def _label_order(text):
    number = _number(text)
    return (0, number, "") if number is not None else (1, 0.0, text)


def _box(X):
    """The plot's extent: the first two columns' range with a 10% margin, at least 0.1 wide."""
    box = []
    for j in (0, 1):
        low, high = float(X[:, j].min()), float(X[:, j].max())
        pad = max(0.1 * (high - low), 0.05)
        box += [low - pad, high + pad]
    return tuple(box)


# -- features and the grid --------------------------------------------------------------

_FEATURE_FUNCTIONS = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1sq": lambda x1, x2: x1 * x1,
    "x2sq": lambda x1, x2: x2 * x2,
    "x1x2": lambda x1, x2: x1 * x2,
    "sinx1": lambda x1, x2: np.sin(x1),
    "sinx2": lambda x1, x2: np.sin(x2),
}


def features(X, names, scaler=None):
    """The network's inputs: ``names`` of the first two columns, then the other columns; shape (m, len(names) + n - 2).

    Parameters
    ----------
    X : ndarray of shape (m, n), n >= 2
    names : sequence of keys of :data:`nnlearn.playground.settings.FEATURES`, in the order given
    scaler : Scaler or None, applied to X first
    """
    X = np.asarray(X, dtype=np.float64)
    if scaler is not None:
        X = scaler(X)
    x1, x2 = X[:, 0], X[:, 1]
    columns = [_FEATURE_FUNCTIONS[name](x1, x2) for name in names]
    return np.ascontiguousarray(np.column_stack(columns + [X[:, 2:]]))


def feature_names(names, columns):
    """Labels of the network's inputs, in :func:`features`' order."""
    return [FEATURES[name] for name in names] + list(columns[2:])


def grid(box, size, n_columns, mean=None):
    """Points of a ``size`` x ``size`` grid over ``box``, row by row from the top; shape (size², n_columns).

    Columns beyond the first two are held at ``mean`` (their training mean; 0 by default).
    """
    x1 = np.linspace(box[0], box[1], size)
    x2 = np.linspace(box[3], box[2], size)  # the top row has the largest x2
    G = np.zeros((size * size, n_columns))
    if mean is not None:
        G[:, 2:] = mean[2:]
    G[:, 0] = np.tile(x1, size)
    G[:, 1] = np.repeat(x2, size)
    return G


# -- CSV files --------------------------------------------------------------------------


def _number(text):
    """``float(text)`` if it is a finite number, else None."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_csv(data, name="upload.csv"):
    """A :class:`Table` from the bytes of a CSV file.

    The file has a header row (optional: without one the columns are named x1,
    x2, ..., label), at least 2 numeric feature columns and a label column: the
    column named label, target, class or y, else the last. Commas, semicolons
    or tabs separate the fields.

    Raises
    ------
    DataError
        If the file is too large, not UTF-8 text, ragged, has too few or too
        many rows or columns, a field that is empty or not a finite number, or
        fewer than 2 classes; the message names the line and the column.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise DataError(f"{name} has {len(data):,} bytes; the playground reads files of at most "
                        f"{MAX_UPLOAD_BYTES // 2**20} MiB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{name} is not UTF-8 text (byte {exc.start} cannot be decoded).") from None
    if "\x00" in text:
        raise DataError(f"{name} is not a text file (it holds NUL bytes).")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows, lines = [], []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(rows) > MAX_ROWS:
                raise DataError(f"{name} has more than {MAX_ROWS:,} data rows; the playground reads at most {MAX_ROWS:,}.")
            rows.append([cell.strip() for cell in row])
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise DataError(f"{name}, line {reader.line_num}: {exc}.") from None
    if not rows:
        raise DataError(f"{name} is empty.")
    header = _is_header(rows)
    n_columns = len(rows[0])
    if n_columns > MAX_COLUMNS:
        raise DataError(f"{name} has {n_columns} columns; the playground reads at most {MAX_COLUMNS} "
                        f"({MAX_COLUMNS - 1} features and a label).")
    if n_columns < 3:
        raise DataError(f"{name} has {n_columns} column{'s' if n_columns != 1 else ''} (separated by "
                        f"{_delimiter_name(delimiter)}); it needs at least 2 numeric feature columns and a label column.")
    columns = rows[0] if header else [f"x{j + 1}" for j in range(n_columns - 1)] + ["label"]
    columns = [column or f"column {j + 1}" for j, column in enumerate(columns)]
    body, body_lines = (rows[1:], lines[1:]) if header else (rows, lines)
    if len(body) > MAX_ROWS:
        raise DataError(f"{name} has more than {MAX_ROWS:,} data rows; the playground reads at most {MAX_ROWS:,}.")
    if len(body) < 4:
        raise DataError(f"{name} has {len(body)} data row{'s' if len(body) != 1 else ''}; the playground needs at least 4.")
    lowered = [column.lower() for column in columns]
    label_at = next((lowered.index(n) for n in LABEL_NAMES if n in lowered), n_columns - 1)
    feature_at = [j for j in range(n_columns) if j != label_at]
    X = np.empty((len(body), n_columns - 1))
    labels = []
    for i, (row, line) in enumerate(zip(body, body_lines)):
        if len(row) != n_columns:
            raise DataError(f"{name}, line {line}: {len(row)} fields, but the {'header' if header else 'first row'} "
                            f"has {n_columns}.")
        for k, j in enumerate(feature_at):
            if row[j] == "":
                raise DataError(f"{name}, line {line}: the column {columns[j]!r} is empty.")
            value = _number(row[j])
            if value is None:
                raise DataError(f"{name}, line {line}: the column {columns[j]!r} holds {row[j][:30]!r}, "
                                "not a finite number (features must be numbers).")
            X[i, k] = value
        if row[label_at] == "":
            raise DataError(f"{name}, line {line}: the label column {columns[label_at]!r} is empty.")
        labels.append(row[label_at])
    labels = np.array(labels, dtype=object)
    numbers = [_number(label) for label in labels]
    integral = all(n is not None and n == int(n) for n in numbers)
    distinct = len(set(labels.tolist())) if not integral else len({int(n) for n in numbers})
    if any(n is None for n in numbers) or (integral and distinct <= MAX_CLASSES):
        task = "classification"
        if integral:
            labels = np.array([str(int(n)) for n in numbers], dtype=object)
        if distinct < 2:
            raise DataError(f"{name}: the label column {columns[label_at]!r} holds one class only "
                            f"({labels[0]!r}); a classifier needs at least 2.")
        if distinct > MAX_CLASSES:
            raise DataError(f"{name}: the label column {columns[label_at]!r} holds {distinct} classes; the playground "
                            f"shows at most {MAX_CLASSES}.")
    else:
        task = "regression"
        labels = np.array(numbers, dtype=np.float64)
    return Table(name, X, labels, tuple(columns[j] for j in feature_at), columns[label_at], task)


def _is_header(rows):
    """Whether the first row names the columns: a field that is not a number above one that is."""
    if len(rows) == 1:
        return all(_number(cell) is None for cell in rows[0])
    return any(_number(top) is None and _number(below) is not None for top, below in zip(rows[0], rows[1]))


def _delimiter_name(delimiter):
    return {",": "commas", ";": "semicolons", "\t": "tabs"}.get(delimiter, repr(delimiter))
