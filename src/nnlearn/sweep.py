r"""Hyperparameter sweeps: fit a network for every combination of a grid.

The course ends by asking how accuracy and the hidden units change with the
regularization strength :math:`\lambda` (``alpha``) and the number of
iterations. :func:`run` answers it in one call: it fits one
:class:`~nnlearn.MLPClassifier` per combination of a parameter grid, one
after another, on local processes (joblib) or on a Dask cluster, and
streams every finished run to a JSON-lines file that a killed sweep resumes.

Results file
------------
One JSON object per line, one line per finished run, in the order the runs
finish. Each line is written whole with a single ``write`` followed by
``fsync``, so a crash leaves either the complete line or nothing. The fields:

``id``
    16 hex digits identifying the combination: a SHA-1 of the canonical JSON
    (sorted keys) of the run's data fingerprint, held-out split and complete
    estimator parameters. :func:`run` with ``resume=True`` skips the ids
    already in the file.
``data``, ``data_id``, ``n_train``, ``n_test``, ``test_size``, ``split_seed``
    The data set's name (``"arrays"`` for arrays), a fingerprint of its
    contents, and the split.
every parameter of :class:`~nnlearn.MLPClassifier` except ``verbose``
    ``alpha``, ``max_iter``, ``hidden_layer_sizes`` (a list), ``solver``,
    ``activation``, ``output``, ``random_state``, ...: top-level keys, so a
    record reads like a row of scikit-learn's ``GridSearchCV.cv_results_``.
``train_accuracy``, ``test_accuracy``
    Fractions in [0, 1]; ``test_accuracy`` only when a held-out set exists.
``final_cost``, ``n_iter``, ``n_evaluations``, ``converged``, ``message``
    From the run's :class:`~nnlearn.TrainResult`; ``final_cost`` is the
    regularized cost J on the training set after the last iteration.
``seconds``
    Wall time of the fit alone (not scoring, not scheduling).
``error``
    ``null``, or ``"ValueError: ..."`` when the fit raised; the metrics are
    then ``null``. Like ``GridSearchCV(error_score=nan)``, a failed run is a
    finished run: it is recorded, warned about, and not rerun by ``resume``.
``weights``
    ``null``, or the path of the run's model file relative to the results
    file's directory (``save_weights=True``), written before the line.
``finished``
    UTC time the line was written (ISO 8601).

In memory (the records :func:`run` returns) a ``null`` metric is NaN, so
:func:`nnlearn.plots.sweep_heatmap` shows a failed cell as "n/a".
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import numbers
import os
import time
import warnings
from collections.abc import Mapping
from contextlib import nullcontext
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from . import datasets
from ._atomic import fsync_directory
from ._validation import check_X
from .estimator import MLPClassifier
from .model_io import save_model
from .optimize import TrainingInterrupted

try:  # POSIX: one writer per results file
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

__all__ = ["run", "expand_grid", "SweepResults", "format_table", "load_weights", "load_results", "PARAM_NAMES", "DATA_NAMES"]

# Grid keys: the estimator's parameters; verbose would only draw progress bars inside workers.
PARAM_NAMES = tuple(name for name in MLPClassifier().get_params() if name != "verbose")
_FLOAT_PARAMS = {"alpha", "learning_rate", "momentum", "epsilon_init", "tol"}
_KEY_HINTS = {
    "lambda": "alpha",
    "lam": "alpha",
    "reg": "alpha",
    "seed": "random_state",
    "seeds": "random_state",
    "hidden": "hidden_layer_sizes",
    "hidden_units": "hidden_layer_sizes",
    "iterations": "max_iter",
    "max_iters": "max_iter",
    "method": "solver",
    "lr": "learning_rate",
}
DATA_NAMES = datasets.NAMES  # ("digits20", "spirals")
_METRICS = ("train_accuracy", "test_accuracy", "final_cost")
_REQUIRED_FIELDS = ("id", "train_accuracy", "final_cost", "seconds")


# -- the grid -----------------------------------------------------------------


def _describe(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _canonical(name, value):
    """``value`` as plain JSON data, so equal settings get equal ids (1 and 1.0 are one alpha)."""
    where = f"grid[{name!r}]"
    if name == "hidden_layer_sizes":
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            return [int(value)]
        if isinstance(value, (list, tuple, np.ndarray)) and all(
            isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in value
        ):
            return [int(s) for s in value]
        raise TypeError(
            f"{where} values must be ints or tuples of ints such as 25 or (64, 32); got {_describe(value)}."
        )
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return float(value) if name in _FLOAT_PARAMS else int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    raise TypeError(
        f"{where} values must be numbers, strings or None (results are written as JSON); "
        f"got {type(value).__name__} {_describe(value)}."
    )


def _check_key(key):
    if not isinstance(key, str):
        raise TypeError(f"grid keys must be parameter names (str); got {type(key).__name__} {_describe(key)}.")
    if key not in PARAM_NAMES:
        guess = _KEY_HINTS.get(key.lower()) or next(iter(difflib.get_close_matches(key, PARAM_NAMES, n=1)), None)
        hint = f" (did you mean {guess!r}?)" if guess else ""
        raise ValueError(f"Unknown grid key {key!r}{hint}; valid keys are {list(PARAM_NAMES)}.")


def _expand_one(grid, where):
    """Every combination of one dict grid, last key varying fastest."""
    names, columns = [], []
    for key, values in grid.items():
        _check_key(key)
        if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, (list, tuple, range, np.ndarray)):
            raise TypeError(
                f"{where}[{key!r}] must be a list of values; got {type(values).__name__} {_describe(values)}. "
                f"Wrap a single value in a list: [{values!r}]."
            )
        values = list(values)
        if not values:
            raise ValueError(f"{where}[{key!r}] is an empty list; give at least one value.")
        column = []
        for value in values:
            value = _canonical(key, value)
            if value in column:
                raise ValueError(f"{where}[{key!r}] lists {value!r} more than once; give each value once.")
            column.append(value)
        names.append(key)
        columns.append(column)
    return [dict(zip(names, combo)) for combo in itertools.product(*columns)]


def expand_grid(grid):
    """The list of parameter combinations of ``grid``, each with every estimator parameter.

    Parameters
    ----------
    grid : dict or list of dict
        Parameter name -> list of values. A list of dicts is the union of
        their combinations (as in scikit-learn's ``ParameterGrid``);
        combinations that appear in several dicts run once.

    Returns
    -------
    combinations : list of dict
        In grid order (the last key varies fastest); each dict maps every
        name of :data:`PARAM_NAMES` to a JSON value (``hidden_layer_sizes`` a list).

    Raises
    ------
    TypeError
        If ``grid`` is not a dict or list of dicts, a value is not a list, or a
        parameter value has the wrong type.
    ValueError
        If a key is unknown, a list is empty or repeats a value, or a value is
        out of range for :class:`~nnlearn.MLPClassifier`.
    """
    if isinstance(grid, Mapping):
        grids = [grid]
    elif isinstance(grid, (list, tuple)) and grid and all(isinstance(g, Mapping) for g in grid):
        grids = list(grid)
    else:
        raise TypeError(
            "grid must be a dict mapping parameter names to lists of values (or a non-empty list of such dicts); "
            f"got {type(grid).__name__} {_describe(grid)}."
        )
    defaults = {name: _canonical(name, value) for name, value in MLPClassifier().get_params().items() if name in PARAM_NAMES}
    combinations, seen = [], set()
    for i, one in enumerate(grids):
        for combo in _expand_one(one, "grid" if len(grids) == 1 else f"grid[{i}]"):
            params = {**defaults, **combo}
            key = json.dumps(params, sort_keys=True)
            if key in seen:
                continue
            seen.add(key)
            try:
                MLPClassifier(**_estimator_params(params))._validate_hyperparameters()
            except (TypeError, ValueError) as err:
                raise type(err)(f"{err} (a value of the sweep grid)") from None
            combinations.append(params)
    return combinations


def _estimator_params(params):
    return {**params, "hidden_layer_sizes": tuple(params["hidden_layer_sizes"])}


# -- the data -----------------------------------------------------------------


def _load_named(name):
    """``(X, y)`` of a data name or .mat path (:func:`nnlearn.datasets.load`), with the sweep's message for others."""
    try:
        datasets.kind_of(name)
    except ValueError:
        raise ValueError(
            f"Unknown data {name!r}; use one of {list(DATA_NAMES)}, a path to a .mat file, or an (X, y) tuple."
        ) from None
    return datasets.load(name)


def _check_labels(y, name, m):
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of labels of shape (m,); got shape {y.shape}.")
    if y.shape[0] != m:
        raise ValueError(f"{name} has {y.shape[0]} labels, but the matching X has {m} rows; they must match.")
    if np.unique(y).size < 2:
        raise ValueError(f"{name} holds only one class ({y[0]!r}); a classifier needs at least 2.")
    return y


def _resolve_data(data, test_size, split_seed):
    """``(name, (X_train, y_train, X_test, y_test), split)``; the test pair is None without a held-out set."""
    if test_size is not None:
        if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
            raise TypeError(f"test_size must be None or a float in (0, 1); got {type(test_size).__name__} {_describe(test_size)}.")
        if not 0 < test_size < 1:
            raise ValueError(f"test_size must be None or a float in (0, 1); got {test_size!r}.")
        test_size = float(test_size)
    if isinstance(split_seed, bool) or not isinstance(split_seed, numbers.Integral) or split_seed < 0:
        raise (ValueError if isinstance(split_seed, numbers.Integral) and not isinstance(split_seed, bool) else TypeError)(
            f"split_seed must be an int >= 0; got {_describe(split_seed)}."
        )
    if isinstance(data, (str, os.PathLike)):
        name = os.fspath(data)
        X, y = _load_named(name)
        parts = [X, y]
    elif isinstance(data, (tuple, list)) and len(data) in (2, 4):
        name = "arrays"
        parts = list(data)
    else:
        raise TypeError(
            f"data must be a data name ({', '.join(DATA_NAMES)} or a .mat path), an (X, y) tuple or an "
            f"(X_train, y_train, X_test, y_test) tuple; got {type(data).__name__} {_describe(data)}."
        )
    if len(parts) == 4 and test_size is not None:
        raise ValueError("data already holds a held-out set (X_train, y_train, X_test, y_test); leave test_size=None.")
    X = check_X(parts[0], name="X_train" if len(parts) == 4 else "X")
    y = _check_labels(parts[1], "y_train" if len(parts) == 4 else "y", X.shape[0])
    X_test = y_test = None
    if len(parts) == 4:
        X_test = check_X(parts[2], name="X_test")
        if X_test.shape[1] != X.shape[1]:
            raise ValueError(f"X_test has {X_test.shape[1]} features, but X_train has {X.shape[1]}; they must match.")
        y_test = _check_labels(parts[3], "y_test", X_test.shape[0])
    elif test_size is not None:
        from sklearn.model_selection import train_test_split

        X, X_test, y, y_test = train_test_split(X, y, test_size=test_size, random_state=split_seed, stratify=y)
    split = {"test_size": test_size, "split_seed": split_seed if test_size is not None else None}
    return name, (X, y, X_test, y_test), split


def _fingerprint(arrays):
    """A content hash of the data: equal arrays (values, shapes, dtypes) give equal fingerprints."""
    digest = hashlib.sha1()
    for a in arrays:
        if a is None:
            digest.update(b"none;")
            continue
        a = np.ascontiguousarray(a)
        digest.update(f"{a.dtype.str}{a.shape};".encode())
        digest.update(a.tobytes() if a.dtype.kind != "O" else repr(a.tolist()).encode())
    return digest.hexdigest()[:16]


def _run_id(params, data_id, split):
    identity = json.dumps({"data": data_id, "params": params, "split": split}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(identity.encode()).hexdigest()[:16]


# -- one run (executes wherever the backend puts it) ---------------------------


def _fit_one(index, params, data, blas_threads):
    """Fit one combination; returns ``(index, outcome, model)``, model None on failure.

    Failures of the fit are returned, not raised, like ``GridSearchCV(error_score=nan)``.
    """
    from sklearn.exceptions import ConvergenceWarning

    X_train, y_train, X_test, y_test = data
    if blas_threads is None:
        limit = nullcontext()
    else:
        from threadpoolctl import threadpool_limits

        limit = threadpool_limits(limits=blas_threads)
    model = MLPClassifier(**_estimator_params(params))
    start = time.perf_counter()
    with limit, warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # a sweep stops at max_iter on purpose
        warnings.simplefilter("ignore", TrainingInterrupted)  # an interrupted run is dropped, see run()
        try:
            model.fit(X_train, y_train)
        except Exception as err:  # noqa: BLE001 - recorded as the run's outcome, as GridSearchCV does
            outcome = {"error": f"{type(err).__name__}: {err}", "seconds": time.perf_counter() - start}
            return index, outcome, None
        seconds = time.perf_counter() - start
        result = model.train_result_
        outcome = {
            "train_accuracy": float(model.score(X_train, y_train)),
            "test_accuracy": None if X_test is None else float(model.score(X_test, y_test)),
            "final_cost": float(model.loss_curve_[-1]),
            "n_iter": int(model.n_iter_),
            "n_evaluations": int(result.n_evaluations),
            "converged": bool(result.converged),
            "message": str(result.message),
            "interrupted": bool(result.interrupted),
            "seconds": seconds,
            "error": None,
        }
    return index, outcome, model


# -- the results file ---------------------------------------------------------


def _parse_line(line, where):
    try:
        record = json.loads(line)
    except ValueError as err:
        raise ValueError(f"{where} is not a JSON record ({err}).") from None
    if not isinstance(record, dict) or any(key not in record for key in _REQUIRED_FIELDS):
        missing = [k for k in _REQUIRED_FIELDS if not isinstance(record, dict) or k not in record]
        raise ValueError(f"{where} is not a sweep record: it lacks {missing}.")
    return record


def _from_json(record):
    """The in-memory form of a stored record: null metrics become NaN."""
    for key in _METRICS:
        if key in record and record[key] is None:
            record[key] = float("nan")
    return record


def load_results(path):
    """Read a sweep's results file.

    Parameters
    ----------
    path : str or path-like
        A JSON-lines file written by :func:`run`.

    Returns
    -------
    records : list of dict
        One per line, in file order; ``null`` metrics are NaN. A last line
        without its newline (a torn write by another program) is left out
        with a warning.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If a complete line is not a sweep record (the message gives its line number).
    """
    data = Path(path).read_bytes()
    records, torn = _parse_content(data, Path(path))
    if torn.strip():
        warnings.warn(f"{path} ends with a torn line of {len(torn)} bytes (no newline); it was left out.", UserWarning, stacklevel=2)
    return [_from_json(r) for r in records]


def _parse_content(data, path):
    """``(records, torn_tail_bytes)`` of a results file's bytes."""
    body, newline, tail = data.rpartition(b"\n")
    if not newline:
        body, tail = b"", data
    records = []
    for number, raw in enumerate(body.split(b"\n") if body or newline else [], start=1):
        if not raw.strip():
            continue
        records.append(_parse_line(raw.decode("utf-8", errors="replace"), f"{path} line {number}"))
    return records, tail


class _ResultsFile:
    """The append-only JSON-lines file of one sweep, locked against a second writer."""

    def __init__(self, path, resume):
        self.path = Path(path)
        if self.path.is_dir():
            raise IsADirectoryError(f"results_path {str(self.path)!r} is a directory; give a file such as results.jsonl.")
        if not self.path.parent.is_dir():
            raise FileNotFoundError(f"the directory of results_path {str(self.path)!r} does not exist.")
        if not resume and self.path.exists() and self.path.stat().st_size > 0:
            raise FileExistsError(
                f"{self.path} already holds sweep results; pass resume=True (nnlearn sweep --resume) to continue it, "
                "or choose another file."
            )
        created = not self.path.exists()
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            if fcntl is not None:
                try:
                    fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise BlockingIOError(
                        f"another sweep is writing {self.path}; wait for it or use another file."
                    ) from None
                except OSError:  # a file system without locks: go on unlocked
                    pass
            if created:
                fsync_directory(self.path.parent)
            self.records = self._read()
        except BaseException:
            os.close(self.fd)
            raise

    def _read(self):
        size = os.fstat(self.fd).st_size
        data = os.pread(self.fd, size, 0) if size else b""
        records, tail = _parse_content(data, self.path)
        if tail.strip():
            try:
                record = _parse_line(tail.decode("utf-8", errors="replace"), "the last line")
            except ValueError:
                record = None
            if record is not None:  # a whole record that only lacks its newline: keep it
                self._write(b"\n")
                records.append(record)
            else:  # a torn write: set it aside, never append after it
                torn_path = self.path.with_name(self.path.name + ".torn")
                with open(torn_path, "ab") as f:
                    f.write(tail + b"\n")
                    f.flush()
                    os.fsync(f.fileno())
                os.ftruncate(self.fd, size - len(tail))
                os.fsync(self.fd)
                warnings.warn(
                    f"{self.path} ended with a torn line of {len(tail)} bytes (not a complete record); "
                    f"it was moved to {torn_path} and its run, if it is in the grid, runs again.",
                    UserWarning,
                    stacklevel=4,
                )
        elif tail:  # whitespace without a newline
            os.ftruncate(self.fd, size - len(tail))
        return records

    def _write(self, data):
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]
        os.fsync(self.fd)

    def append(self, line):
        """Append one complete line (``line`` holds no newline) and make it durable."""
        self._write(line.encode("utf-8") + b"\n")

    def close(self):
        os.close(self.fd)


def load_weights(path):
    """The weight matrices of a run saved with ``save_weights=True``.

    Parameters
    ----------
    path : str or path-like
        The ``.npz`` file; a record's ``"weights"`` is relative to the results
        file's directory: ``Path(results_path).parent / record["weights"]``.

    Returns
    -------
    thetas : list of ndarray, ``thetas[l]`` of shape (s_{l+1}, s_l + 1), column 0 the biases

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If the file holds no ``theta_0``.
    """
    with np.load(path, allow_pickle=False) as archive:
        names = set(archive.files)
        thetas = [archive[f"theta_{l}"] for l in range(len(names)) if f"theta_{l}" in names]
    if not thetas:
        raise ValueError(f"{path} holds no weight matrices (theta_0, theta_1, ...); its arrays are {sorted(names)}.")
    return thetas


# -- the sweep ----------------------------------------------------------------


class SweepResults(list):
    """The records of a sweep (a list of dicts, in grid order) and what the sweep did.

    Attributes
    ----------
    varying : list of str
        Parameters that take more than one value in the grid.
    metric : str
        ``"test_accuracy"`` when a held-out set exists, else ``"train_accuracy"``.
    results_path : pathlib.Path or None
    n_run, n_resumed, n_failed : int
        Runs done by this call, runs taken from the results file, failed runs.
    seconds : float
        Wall time of the call.
    """

    def __init__(self, records, varying, metric, results_path, n_run, n_resumed, seconds):
        super().__init__(records)
        self.varying = list(varying)
        self.metric = metric
        self.results_path = results_path
        self.n_run = n_run
        self.n_resumed = n_resumed
        self.n_failed = sum(1 for r in records if r.get("error"))
        self.seconds = seconds

    def best(self, metric=None):
        """The record with the highest ``metric`` (default :attr:`metric`); None if every run failed."""
        metric = metric or self.metric
        scored = [r for r in self if np.isfinite(r.get(metric, np.nan))]
        return max(scored, key=lambda r: r[metric]) if scored else None

    def describe(self, record):
        """The varying parameters of ``record`` as text, e.g. ``"alpha 1, max_iter 50"``."""
        return ", ".join(f"{_label(p)} {_cell(p, record[p])}" for p in self.varying)

    def table(self):
        """A plain-text table of the runs: see :func:`format_table`."""
        return format_table(self, columns=self.varying)


def _label(name):
    return {"hidden_layer_sizes": "hidden", "random_state": "seed", "max_iter": "max_iter"}.get(name, name)


def _cell(name, value):
    if name == "hidden_layer_sizes" and isinstance(value, list):
        return "-".join(map(str, value)) or "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def format_table(records, columns=None):
    """A plain-text table of sweep records, one row per run.

    Parameters
    ----------
    records : sequence of dict
        Records returned by :func:`run` or read by :func:`load_results`.
    columns : list of str, optional
        Parameter columns; default ``alpha``, ``max_iter`` and every parameter
        whose value differs between records.

    Returns
    -------
    text : str
        Parameter columns, then train accuracy (%), held-out accuracy (%) when
        any record has one, final cost, iterations and seconds; a failed run
        shows its error instead of metrics.
    """
    records = list(records)
    if columns is None:
        columns = [p for p in PARAM_NAMES if p in ("alpha", "max_iter") or len({json.dumps(r.get(p)) for r in records}) > 1]
    for must in ("max_iter", "alpha"):
        if must not in columns:
            columns = [must, *columns]
    held_out = any("test_accuracy" in r for r in records)
    header = [_label(c) for c in columns] + ["train %"] + (["held-out %"] if held_out else []) + ["cost", "iters", "seconds"]
    rows, notes = [], []
    for r in records:
        row = [_cell(c, r.get(c)) for c in columns]
        if r.get("error"):  # no metrics: the error takes their place, outside the aligned columns
            notes.append("failed: " + str(r["error"]).splitlines()[0][:80])
        else:
            notes.append(None)
            row += [f"{100 * r['train_accuracy']:.2f}"]
            if held_out:
                row += [f"{100 * r['test_accuracy']:.2f}" if "test_accuracy" in r else "-"]
            row += [f"{r['final_cost']:.4f}", str(r.get("n_iter", "-")), f"{r['seconds']:.2f}"]
        rows.append(row)
    widths = [max([len(h)] + [len(row[i]) for row in rows if i < len(row)]) for i, h in enumerate(header)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths))]
    for row, note in zip(rows, notes):
        cells = [c.rjust(w) for c, w in zip(row, widths)]
        lines.append("  ".join(cells + ([note] if note else [])))
    return "\n".join(lines)


def _check_n_jobs(n_jobs):
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral):
        raise TypeError(f"n_jobs must be an int (-1 for every core) or None; got {type(n_jobs).__name__} {_describe(n_jobs)}.")
    if n_jobs == 0:
        raise ValueError("n_jobs must be a positive int, or negative to count back from the number of cores (-1: all); got 0.")
    return int(n_jobs)


def _check_bool(value, name):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {type(value).__name__} {_describe(value)}.")
    return bool(value)


def run(
    grid,
    data,
    results_path=None,
    n_jobs=1,
    scheduler=None,
    resume=False,
    progress=True,
    *,
    test_size=None,
    split_seed=0,
    save_weights=False,
    keep_weights=True,
    blas_threads=1,
):
    """Fit an :class:`~nnlearn.MLPClassifier` for every combination of ``grid``.

    Parameters
    ----------
    grid : dict or list of dict
        Parameter name (any of :data:`PARAM_NAMES`: ``alpha``, ``max_iter``,
        ``hidden_layer_sizes``, ``solver``, ``activation``, ``output``,
        ``random_state``, ...) -> list of values; every combination runs once.
        Parameters not in the grid keep MLPClassifier's defaults. A list of
        dicts runs the union of their combinations. See :func:`expand_grid`.
    data : str, path-like or tuple
        ``"digits20"`` (the bundled 5000 digits), ``"spirals"``, a path to the
        course's ``.mat`` file, an ``(X, y)`` tuple with ``X`` of shape (m, n)
        and ``y`` of shape (m,), or ``(X_train, y_train, X_test, y_test)``.
    results_path : str or path-like, optional
        JSON-lines file that receives one line per finished run (see the
        module docstring). An existing non-empty file is refused unless
        ``resume`` is True. Only this process writes it, even on a cluster.
    n_jobs : int or None, default=1
        Local processes (joblib, loky backend); -1 uses every core. The data
        reach each worker once (joblib memory-maps large arrays).
    scheduler : str or distributed.Client, optional
        Address of a Dask scheduler (``"tcp://HOST:PORT"``) or a Client: the
        runs go to that cluster as futures. The data set is scattered to the
        workers once, not sent with each task. Needs ``pip install "nnlearn[dask]"``.
        Give either ``scheduler`` or ``n_jobs`` other than 1.
    resume : bool, default=False
        Read ``results_path`` first and run only the combinations it lacks.
        Its records of other combinations stay in the file and are not returned.
    progress : bool, default=True
        Show a progress bar on stderr: runs done / total and the best
        :attr:`SweepResults.metric` so far.
    test_size : float in (0, 1), optional
        Hold out this fraction (stratified by label, shuffled with
        ``split_seed``) and report ``test_accuracy`` on it. None: train on
        everything, no held-out accuracy. Must be None when ``data`` has four parts.
    split_seed : int >= 0, default=0
        Seed of the held-out split; the same seed gives the same split on every machine.
    save_weights : bool, default=False
        Save every run's fitted model as ``<results stem>.weights/<id>.npz``
        beside ``results_path`` (written atomically before the run's line);
        read them with :func:`load_weights` or :func:`nnlearn.model_io.load_model`.
    keep_weights : bool, default=True
        Keep the fitted weight matrices in each returned record as
        ``record["thetas"]`` (a list of ndarray, ``thetas[l]`` of shape
        (s_{l+1}, s_l + 1)); resumed records have them only if their weights
        were saved, else ``None``. They are never written to the JSON file.
    blas_threads : int >= 1 or None, default=1
        BLAS threads of each fit. One thread per fit makes every result
        identical whether it ran sequentially, with joblib or on Dask (the
        order of floating-point sums depends on the thread count), and uses
        the cores best when runs are parallel. None leaves BLAS as it is.

    Returns
    -------
    results : SweepResults
        A list with one record (dict, see the module docstring) per
        combination, in grid order, plus ``varying``, ``metric``, ``n_run``,
        ``n_resumed``, ``n_failed``, :meth:`~SweepResults.best` and
        :meth:`~SweepResults.table`.

    Raises
    ------
    TypeError, ValueError
        For a bad grid, data or option, before any run starts.
    FileExistsError
        If ``results_path`` already holds results and ``resume`` is False.
    BlockingIOError
        If another sweep is writing ``results_path``.
    ImportError
        If ``scheduler`` is given and the ``distributed`` package is missing.

    Warns
    -----
    sklearn.exceptions.FitFailedWarning
        For each run whose fit raised; its record holds the error.

    Notes
    -----
    A run's identity is the SHA-1 of the canonical JSON of its data
    fingerprint, split and complete estimator parameters, so ``resume``
    recognizes finished runs however the grid is ordered and whatever ran
    them. Ctrl-C stops the sweep; every run finished before it is in the file.

    Examples
    --------
    >>> from nnlearn import sweep
    >>> records = sweep.run({"alpha": [0, 1, 1000], "max_iter": [50, 200]}, "digits20",
    ...                     results_path="results.jsonl", n_jobs=2)  # doctest: +SKIP
    >>> print(records.table())  # doctest: +SKIP
    """
    started = time.perf_counter()
    combinations = expand_grid(grid)
    n_jobs = _check_n_jobs(n_jobs)
    resume = _check_bool(resume, "resume")
    progress = _check_bool(progress, "progress")
    save_weights = _check_bool(save_weights, "save_weights")
    keep_weights = _check_bool(keep_weights, "keep_weights")
    if blas_threads is not None and (isinstance(blas_threads, bool) or not isinstance(blas_threads, numbers.Integral) or blas_threads < 1):
        raise (ValueError if isinstance(blas_threads, numbers.Integral) and not isinstance(blas_threads, bool) else TypeError)(
            f"blas_threads must be an int >= 1 or None; got {_describe(blas_threads)}."
        )
    if scheduler is not None:
        if n_jobs != 1:
            raise ValueError(
                f"give either scheduler (the cluster's workers run the sweep) or n_jobs (local processes), "
                f"not both; got scheduler={_describe(scheduler)} and n_jobs={n_jobs}."
            )
        if isinstance(scheduler, str):
            if not scheduler.strip():
                raise ValueError("scheduler must be a Dask scheduler address such as 'tcp://127.0.0.1:8786'; got ''.")
        elif type(scheduler).__name__ != "Client":
            raise TypeError(
                f"scheduler must be a Dask scheduler address (str) or a distributed.Client; got {type(scheduler).__name__}."
            )
    if results_path is None and (resume or save_weights):
        raise ValueError(f"{'resume' if resume else 'save_weights'}=True needs a results_path.")
    name, parts, split = _resolve_data(data, test_size, split_seed)
    data_id = _fingerprint(parts)
    held_out = parts[2] is not None
    metric = "test_accuracy" if held_out else "train_accuracy"
    grid_keys = list(dict.fromkeys(key for one in (grid if isinstance(grid, (list, tuple)) else [grid]) for key in one))
    varying = [p for p in grid_keys if len({json.dumps(c[p]) for c in combinations}) > 1]
    ids = [_run_id(c, data_id, split) for c in combinations]
    context = {
        "data": name if name == "arrays" else str(name),
        "data_id": data_id,
        "n_train": int(parts[0].shape[0]),
        "n_test": int(parts[2].shape[0]) if held_out else 0,
        **split,
    }

    results_file = _ResultsFile(results_path, resume) if results_path is not None else None
    done = {}
    client = None
    try:
        if results_file is not None:
            wanted = set(ids)
            duplicates = 0
            for record in results_file.records:
                if record["id"] in wanted:
                    if record["id"] in done:
                        duplicates += 1
                    else:
                        done[record["id"]] = _from_json(record)
            if duplicates:
                warnings.warn(
                    f"{results_file.path} holds {duplicates} repeated line(s) of the same run; the first of each is used.",
                    UserWarning,
                    stacklevel=2,
                )
            if keep_weights:
                for record in done.values():
                    record["thetas"] = _stored_thetas(record, results_file.path)
        todo = [i for i, run_id in enumerate(ids) if run_id not in done]
        n_resumed = len(done)
        if scheduler is not None and todo:
            client = _connect(scheduler)  # before the progress bar: an unreachable cluster fails first
        bar = _Progress(len(ids), n_resumed, metric, varying, enabled=progress)
        for record in done.values():
            bar.consider(record)
        try:
            outcomes = _execute(todo, combinations, parts, n_jobs, client, blas_threads)
            for index, outcome, model in outcomes:
                if outcome.get("interrupted"):  # Ctrl-C reached the fit: the run did not finish
                    raise KeyboardInterrupt
                record = _finish(index, outcome, model, combinations[index], ids[index], context,
                                 results_file, save_weights, keep_weights, held_out)
                done[ids[index]] = record
                bar.update(record)
        finally:
            bar.close()
    finally:
        if client is not None and isinstance(scheduler, str):
            client.close()
        if results_file is not None:
            results_file.close()
    records = [done[run_id] for run_id in ids]
    return SweepResults(
        records, varying, metric, Path(results_path) if results_path is not None else None,
        n_run=len(todo), n_resumed=n_resumed, seconds=time.perf_counter() - started,
    )


def _stored_thetas(record, results_path):
    if not record.get("weights"):
        return None
    try:
        return load_weights(results_path.parent / record["weights"])
    except (OSError, ValueError):
        return None


def _finish(index, outcome, model, params, run_id, context, results_file, save_weights, keep_weights, held_out):
    """Write the run's weights and line; return its in-memory record."""
    record = {"id": run_id, **context, **params}
    outcome = dict(outcome)
    outcome.pop("interrupted", None)
    if not held_out:
        outcome.pop("test_accuracy", None)
    elif outcome.get("error"):
        outcome["test_accuracy"] = None
    if outcome.get("error"):
        from sklearn.exceptions import FitFailedWarning

        for key in ("train_accuracy", "final_cost", "n_iter", "n_evaluations", "converged", "message"):
            outcome.setdefault(key, None)
        shown = {k: params[k] for k in params if k in ("alpha", "max_iter", "hidden_layer_sizes", "solver", "random_state")}
        warnings.warn(f"The run {shown} failed: {outcome['error']}", FitFailedWarning, stacklevel=3)
    record.update(outcome)
    record["weights"] = None
    if results_file is not None:
        if save_weights and model is not None:
            folder = results_file.path.with_name(results_file.path.stem + ".weights")
            folder.mkdir(exist_ok=True)
            save_model(folder / f"{run_id}.npz", model)  # atomically
            record["weights"] = f"{folder.name}/{run_id}.npz"
        record["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        line = json.dumps(record, allow_nan=False, separators=(", ", ": "))
        results_file.append(line)
        record = json.loads(line)
    else:
        record["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        record = json.loads(json.dumps(record, allow_nan=False))
    record = _from_json(record)
    if keep_weights:
        record["thetas"] = [T.copy() for T in model.thetas_] if model is not None else None
    return record


class _Progress:
    """Progress bar on stderr: done / total and the running best."""

    def __init__(self, total, initial, metric, varying, enabled):
        self.metric = metric
        self.varying = varying
        self.best = None
        self.bar = None
        if enabled:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, initial=initial, desc="sweep", unit="run", dynamic_ncols=True)
            self._show()

    def consider(self, record):
        value = record.get(self.metric, float("nan"))
        if np.isfinite(value) and (self.best is None or value > self.best[self.metric]):
            self.best = record

    def _show(self):
        if self.bar is None or self.best is None:
            return
        where = " ".join(f"{_label(p)}={_cell(p, self.best[p])}" for p in self.varying)
        label = "held-out" if self.metric == "test_accuracy" else "train"
        self.bar.set_postfix_str(f"best {label} {100 * self.best[self.metric]:.2f}% {where}".rstrip())

    def update(self, record):
        self.consider(record)
        if self.bar is not None:
            self._show()
            self.bar.update(1)

    def close(self):
        if self.bar is not None:
            self.bar.close()


# -- backends -----------------------------------------------------------------


def _cost_estimate(params):
    """Relative cost of a run, for starting the longest runs first on parallel backends."""
    return params["max_iter"] * (1 + sum(params["hidden_layer_sizes"]))


def _execute(todo, combinations, parts, n_jobs, client, blas_threads):
    """Yield ``(index, outcome, model)`` for every index in ``todo`` as runs finish."""
    if not todo:
        return
    if client is not None:
        yield from _execute_dask(todo, combinations, parts, client, blas_threads)
        return
    if n_jobs == 1:
        for index in todo:
            yield _fit_one(index, combinations[index], parts, blas_threads)
        return
    from joblib import Parallel, delayed

    order = sorted(todo, key=lambda i: -_cost_estimate(combinations[i]))
    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered", backend="loky")
    yield from parallel(delayed(_fit_one)(i, combinations[i], parts, blas_threads) for i in order)


def _connect(scheduler):
    """A ``distributed.Client`` for a scheduler address (or the Client given)."""
    try:
        from distributed import Client
    except ImportError:
        raise ImportError(
            "a sweep on a Dask cluster needs the 'distributed' package: pip install \"nnlearn[dask]\""
        ) from None
    if isinstance(scheduler, Client):
        return scheduler
    return Client(scheduler, set_as_default=False)


def _execute_dask(todo, combinations, parts, client, blas_threads):
    from distributed import as_completed

    pending = set()
    data = None
    try:
        # The data set travels to the workers once; every task refers to the scattered copy.
        [data] = client.scatter([parts], broadcast=True)
        for index in todo:
            params = combinations[index]
            pending.add(client.submit(_fit_one, index, params, data, blas_threads,
                                      pure=False, priority=_cost_estimate(params)))
        for future in as_completed(list(pending), loop=client.loop):
            try:
                outcome = future.result()
            except ImportError as err:
                raise ImportError(
                    f"a Dask worker could not run the sweep ({err}); install nnlearn on every worker."
                ) from None
            pending.discard(future)
            future.release()
            yield outcome
    finally:
        if pending:
            client.cancel(list(pending))
        if data is not None:
            data.release()
