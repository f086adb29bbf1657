r"""Model files: save a trained network to one ``.npz`` file and load it back.

A model file is a NumPy ``.npz`` archive (a zip of ``.npy`` arrays) that any
NumPy reads with ``np.load(path, allow_pickle=False)``:

``header``
    uint8 array of shape (n_bytes,): UTF-8 JSON text describing the model
    (see "Header" below). ``bytes(np.load(path)["header"]).decode()`` shows it.
``theta_0``, ``theta_1``, ...
    float64 arrays, ``theta_l`` of shape (s_{l+1}, s_l + 1): the course's
    (Octave) layout, column 0 the bias weights. The flat ``theta`` of
    :class:`nnlearn.Network` is their row-major concatenation.
``loss_curve``
    float64 array of shape (n_iter + 1,), the cost after each iteration
    (estimator files only).
``validation_loss_curve``
    float64 array of shape (n_iter + 1,), the validation loss beside it
    (estimator files of fits with early stopping only; NaN where an earlier
    warm-started fit had no validation set).
``training_rows``, ``held_out_rows``
    uint64 arrays: the sorted fingerprints of the rows the model was trained
    on and of the rows held out (files saved with ``training_data`` only;
    see :mod:`nnlearn.provenance`).

Header (format version 1), a JSON object with the fields

``format`` (``"nnlearn-model"``), ``format_version`` (1), ``kind``
(``"MLPClassifier"``, ``"MLPRegressor"`` or ``"Network"``), ``nnlearn_version``, ``created``
(UTC, ISO 8601), ``layout`` (a sentence describing ``theta_l``),
``layer_sizes``, ``activation``, ``output`` (``"identity"`` for regression); for the two estimators also
``n_features_in``, ``feature_names_in`` (list of str or null),
``hyperparameters`` (``get_params()``), ``hyperparameters_not_saved``
(parameters whose values JSON cannot hold, such as a ``Generator``
``random_state``: name -> type; they load as their defaults) and
``training`` (``solver``, ``alpha``, ``n_iter``, ``n_evaluations``,
``initial_cost``, ``final_cost``, ``elapsed`` in seconds, ``message``,
``converged``, ``interrupted``, ``loss``, ``best_loss``,
``best_validation_loss``; unknown entries are null); and for
``"MLPClassifier"`` ``classes`` (``{"dtype": "<i8", "values": [...]}``: the
labels and their NumPy dtype, so ``predict`` returns labels of the same type)
and ``multilabel`` (true when fitted on a 0/1 indicator matrix).
Optional, in files saved with ``training_data`` (``nnlearn train --save``
always gives it): ``training_data``, what the model was trained on
(``data``: the name or path; ``options``; ``task``; ``test_size`` and
``split_seed`` of the held-out split; ``n_train``, ``n_held_out``;
``fingerprint``, 16 hex digits identifying the training rows;
``row_fingerprint``, how a row's fingerprint is made), read back by
:func:`read_training_data`. Files without it load as before.

Files of earlier nnlearn versions (classifiers without ``multilabel``,
``loss``, ``best_loss``, ``best_validation_loss`` or ``validation_loss_curve``)
load as single-label classifiers whose ``loss_`` is the last entry of
``loss_curve`` and ``best_loss_`` its minimum. sgd's and adam's state (velocity,
moments) is not saved: ``partial_fit`` after loading starts it afresh.

Compatibility: readers ignore header fields and arrays they do not know, so
later nnlearn versions may add them without changing ``format_version``; a
change that older readers would misread raises ``format_version``, and an
nnlearn that finds a newer version refuses the file with a ValueError saying
which version it found and which it reads.

Safety: loading never unpickles. The reader parses the zip and each ``.npy``
header itself, refuses object (pickled) arrays before reading their data,
checks the CRC-32 checksum of every member it reads, and validates every
shape against the header.

Bounds (a small crafted file cannot make the reader allocate much more than
the file, or work for long): the file must be a regular file (a FIFO or a
device is refused before it is read); at most :data:`MAX_MEMBERS` arrays
(1000), each with a ``.npy`` header of at most :data:`NPY_HEADER_MAX_BYTES`
(1 KiB), stored or deflated; the JSON header at most
:data:`HEADER_MAX_BYTES` (4 MiB) with at most :data:`HEADER_MAX_CONTAINERS`
arrays and objects, without NaN or infinite numbers, and its fields of the
right types (the message names the file and the field); the labels at most
:data:`CLASSES_MAX_BYTES` (64 MiB) as an array; every array's declared shape
and dtype are checked against the header before its data are read, and only
the arrays the model needs are read (others are never inflated); deflated
members may inflate to at most :func:`nnlearn._files.inflation_budget` of
the file's size (32 times, 16 MiB at least); the network at most
:data:`nnlearn._validation.MAX_PARAMS` parameters.

Atomic writes: a model is written to a temporary file
``.<name>.tmp-XXXXXXXX`` in the target's directory, flushed and fsync'ed,
then renamed over the target with :func:`os.replace`. Readers therefore see
the old file or the new one, never a mixture. If writing fails or is
interrupted (an exception, Ctrl-C), the temporary file is removed and an
existing file at ``path`` is untouched. A process that is killed outright
(SIGKILL, power loss) cannot clean up: its ``.<name>.tmp-*`` file stays behind,
is never read by nnlearn, and can be deleted. The writer,
:func:`write_atomically`, lives in :mod:`nnlearn._atomic` and serves every file
nnlearn writes whole.
"""

from __future__ import annotations

import errno
import json
import math
import numbers
import os
import reprlib
import warnings
import zipfile
import zlib
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._atomic import write_atomically
from ._files import inflation_budget, open_regular
from . import _validation as v
from .core.params import layer_shapes

__all__ = ["save_model", "load_model", "read_header", "read_training_data", "write_atomically", "FORMAT",
           "FORMAT_VERSION", "MAX_MEMBERS", "HEADER_MAX_BYTES", "HEADER_MAX_CONTAINERS", "CLASSES_MAX_BYTES",
           "NPY_HEADER_MAX_BYTES"]

FORMAT = "nnlearn-model"
FORMAT_VERSION = 1
LAYOUT = (
    "theta_l: float64 matrix of shape (s_{l+1}, s_l + 1) mapping layer l to layer l+1, "
    "column 0 the bias weights (Octave layout); flat theta = row-major concatenation of theta_0, theta_1, ..."
)
_KINDS = ("MLPClassifier", "MLPRegressor", "Network")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with members / an empty zip
_NPY_MAGIC = b"\x93NUMPY"
# Label dtypes a model file can hold: bool, int, uint, float, str, and object arrays of those.
_CLASS_KINDS = "biufUO"
# Bounds of the reader (see "Bounds" in the module docstring).
MAX_MEMBERS = 1000  # arrays in one model file: theta_l of networks of up to 997 layers, and a few more
HEADER_MAX_BYTES = 4 << 20  # the JSON header
# JSON objects and arrays in the header (counted as '{' and '[' bytes, an upper bound): the JSON parser
# makes a Python object of each, and 4 MiB of "[]," would be 1.4 million lists (90 MB, more than a second).
HEADER_MAX_CONTAINERS = 100_000
CLASSES_MAX_BYTES = 64 << 20  # the labels as a NumPy array


class _NotAModel(ValueError):
    """A file that is not a readable nnlearn model file (raised with the full message)."""


# -- writing ---------------------------------------------------------------------


def save_model(path, model, theta=None, training_data=None):
    """Save a fitted :class:`~nnlearn.MLPClassifier` or :class:`~nnlearn.MLPRegressor`, or a Network and its
    weights, to one ``.npz`` file.

    The file is written atomically (temporary file, fsync, rename): an
    interrupted save leaves the previous file at ``path`` intact. ``path`` is
    used exactly as given; unlike ``np.savez`` no ``.npz`` is appended.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write (conventionally ``*.npz``); its directory must exist.
        An existing file is replaced.
    model : MLPClassifier, MLPRegressor, Network or tuple (Network, theta)
        A fitted estimator, or a network whose weights are ``theta``.
    theta : ndarray of shape (n_params,), optional
        The weights when ``model`` is a :class:`~nnlearn.Network`.
    training_data : nnlearn.provenance.TrainingData, optional
        What the model was trained on (data, options, held-out split, row
        fingerprints): stored so that ``nnlearn predict`` can say whether the
        rows it predicts include training rows (:func:`read_training_data`).

    Raises
    ------
    TypeError
        If ``path`` is not a str or os.PathLike, ``model`` is of another type,
        a Network comes without ``theta``, or the classes are not ints, floats,
        bools or strings.
    sklearn.exceptions.NotFittedError
        If the estimator is not fitted (a ValueError).
    ValueError
        If the weights do not match the network or are not finite.
    FileNotFoundError, IsADirectoryError
        If the directory does not exist, or ``path`` is a directory.

    Examples
    --------
    >>> clf = nnlearn.MLPClassifier(max_iter=50).fit(X, y)       # doctest: +SKIP
    >>> nnlearn.save_model("digits.npz", clf)                     # doctest: +SKIP
    >>> nnlearn.save_model("net.npz", net, theta)                 # doctest: +SKIP
    """
    from .estimator import MLPClassifier, MLPRegressor
    from .network import Network

    door = "save_model"
    path = _check_path(path, door)
    if isinstance(model, tuple) and len(model) == 2 and isinstance(model[0], Network) and theta is None:
        model, theta = model
    if isinstance(model, (MLPClassifier, MLPRegressor)):
        if theta is not None:
            kind = type(model).__name__
            raise TypeError(v.message("theta", door, f"None for an {kind} (it is saved with its own thetas_)",
                                      v.describe(theta)))
        header, arrays = _estimator_contents(model)
    elif isinstance(model, Network):
        if theta is None:
            raise TypeError(v.message("theta", door, f"the weights of the Network ({model.n_params} numbers)", "None"))
        theta = v.check_theta(theta, model.n_params, door)
        header = _base_header("Network", model)
        arrays = _theta_arrays(model, theta)
    else:
        raise TypeError(v.message(
            "model", door, "a fitted nnlearn.MLPClassifier or MLPRegressor, an nnlearn.Network (with theta) or a "
            "tuple (Network, theta)",
            f"{type(model).__module__}.{type(model).__qualname__}",
        ))
    if training_data is not None:
        from .provenance import TrainingData

        if not isinstance(training_data, TrainingData):
            raise TypeError(v.message("training_data", door, "None or an nnlearn.provenance.TrainingData",
                                      v.describe(training_data)))
        header["training_data"] = training_data.header()
        arrays = {**arrays, "training_rows": training_data.training_rows, "held_out_rows": training_data.held_out_rows}
    text = json.dumps(header, indent=1, allow_nan=False, ensure_ascii=False).encode("utf-8")
    members = {"header": np.frombuffer(text, dtype=np.uint8), **arrays}
    write_atomically(path, lambda f: np.savez(f, **members))


def _base_header(kind, net):
    from . import __version__

    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kind": kind,
        "nnlearn_version": __version__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "layout": LAYOUT,
        "layer_sizes": list(net.layer_sizes),
        "activation": list(net.activation) if isinstance(net.activation, tuple) else net.activation,
        "output": net.output,
    }


def _estimator_contents(clf):
    from .estimator import MLPClassifier

    check_is_fitted(clf)
    net = clf.network_
    theta = v.check_theta(net.pack(clf.thetas_), net.n_params, "save_model", name="model.thetas_")
    header = _base_header(type(clf).__name__, net)
    if isinstance(clf, MLPClassifier):
        header["classes"] = _classes_to_json(clf.classes_)
        header["multilabel"] = bool(clf.multilabel_)
    header["n_features_in"] = int(clf.n_features_in_)
    names = getattr(clf, "feature_names_in_", None)
    header["feature_names_in"] = None if names is None else [str(n) for n in names]
    # The parameters of the fit that produced the weights: set_params followed by a fit that failed leaves
    # the new values in get_params() and the old fit's weights; the file describes the weights.
    current = clf.get_params(deep=False)
    fitted = getattr(clf, "fitted_params_", None) or current
    changed = sorted(name for name in current if name in fitted and not _same_value(current[name], fitted[name]))
    if changed:
        warnings.warn(f"save_model: the parameters {changed} of this {type(clf).__name__} were changed after its last "
                      "successful fit; the file records the values of that fit, which produced its weights.",
                      UserWarning, stacklevel=3)
    saved, not_saved = {}, {}
    for name, value in fitted.items():
        plain = _json_value(value)
        if plain is _UNSAVED:
            not_saved[name] = type(value).__name__
        else:
            saved[name] = plain
    header["hyperparameters"] = saved
    header["hyperparameters_not_saved"] = not_saved
    loss_curve = np.asarray(clf.loss_curve_, dtype=np.float64)
    result = getattr(clf, "train_result_", None)
    header["training"] = {
        "solver": result.method if result is not None and result.method else _json_value(clf.solver),
        "alpha": _json_value(fitted.get("alpha", clf.alpha)),
        "n_iter": int(clf.n_iter_),
        "n_evaluations": None if result is None else int(result.n_evaluations),
        "initial_cost": _finite_or_none(loss_curve[0]) if loss_curve.size else None,
        "final_cost": _finite_or_none(loss_curve[-1]) if loss_curve.size else None,
        "elapsed": None if result is None else _finite_or_none(result.elapsed),
        "message": None if result is None else str(result.message),
        "converged": None if result is None else bool(result.converged),
        "interrupted": None if result is None else bool(result.interrupted),
        "loss": _finite_or_none(clf.loss_),
        "best_loss": None if clf.best_loss_ is None else _finite_or_none(clf.best_loss_),
        "best_validation_loss": None if clf.best_validation_loss_ is None else _finite_or_none(clf.best_validation_loss_),
    }
    arrays = _theta_arrays(net, theta)
    arrays["loss_curve"] = loss_curve
    if clf.validation_loss_curve_ is not None:
        arrays["validation_loss_curve"] = np.asarray(clf.validation_loss_curve_, dtype=np.float64)
    return header, arrays


def _same_value(a, b):
    """Whether two parameter values are the same (the same object, or equal plain values)."""
    if a is b:
        return True
    plain_a, plain_b = _json_value(a), _json_value(b)
    return plain_a is not _UNSAVED and plain_a == plain_b


def _theta_arrays(net, theta):
    """The members ``theta_0``, ``theta_1``, ...: the layer matrices of the flat ``theta``."""
    return {f"theta_{l}": np.ascontiguousarray(T) for l, T in enumerate(net.unpack(theta))}


_UNSAVED = object()


def _json_value(value):
    """``value`` as plain JSON data (tuples become lists), or ``_UNSAVED`` if JSON cannot hold it."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        return value if math.isfinite(value) else _UNSAVED
    if isinstance(value, (list, tuple)):
        items = [_json_value(v) for v in value]
        return _UNSAVED if any(v is _UNSAVED for v in items) else items
    return _UNSAVED


def _finite_or_none(value):
    value = float(value)
    return value if math.isfinite(value) else None


def _classes_to_json(classes):
    classes = np.asarray(classes)
    if classes.ndim != 1 or classes.dtype.kind not in _CLASS_KINDS:
        raise TypeError(v.message("model.classes_", "save_model", "a 1-D array of ints, floats, bools or strings",
                                  f"an array of dtype {classes.dtype} and shape {classes.shape}"))
    values = []
    for c in classes.tolist():
        plain = _json_value(c)
        if plain is _UNSAVED or isinstance(plain, list):
            raise TypeError(v.message("model.classes_", "save_model", "labels that are ints, finite floats, bools or strings",
                                      f"the label {v.describe(c)} of type {type(c).__name__}"))
        values.append(plain)
    return {"dtype": classes.dtype.str, "values": values}


# -- reading ---------------------------------------------------------------------


def read_header(path):
    """The JSON header of a model file as a dict, without building the model.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    header : dict
        See the module docstring for the fields.

    Raises
    ------
    TypeError, FileNotFoundError, IsADirectoryError, ValueError
        As :func:`load_model`.
    """
    path = _check_path(path, "read_header")
    with _read_members(path) as members:
        return _read_header(path, members)


def read_training_data(path):
    """What the model in the file at ``path`` was trained on, or None if the file does not say.

    Parameters
    ----------
    path : str or os.PathLike
        A model file (see :func:`load_model`).

    Returns
    -------
    training_data : nnlearn.provenance.TrainingData or None
        None for a file saved without ``training_data`` (by earlier versions,
        or by :func:`save_model` without it).

    Raises
    ------
    TypeError, FileNotFoundError, IsADirectoryError, ValueError
        As :func:`read_header`; ValueError also if the record is malformed.
    """
    from .provenance import TrainingData

    path = _check_path(path, "read_training_data")
    where = f"{path} (nnlearn model file)"
    with _read_members(path) as members:  # one open file, read within the reader's bounds
        header = _read_header(path, members)
        record = header.get("training_data")
        if record is None:
            return None
        arrays = []
        for name in ("training_rows", "held_out_rows"):
            if name not in members:
                arrays.append(None)
                continue
            shape, dtype = members.declared(name)
            if len(shape) != 1 or dtype != np.uint64:  # refused before the data are read
                raise ValueError(f"{where}: the array {name!r} of its training data must be 1-D uint64 (dtype "
                                 f"{dtype}, shape {shape}).")
            arrays.append(members[name])
    return TrainingData.from_header(record, *arrays, where=where)


def load_model(path):
    """Load a model file written by :func:`save_model`.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    model : MLPClassifier, MLPRegressor or tuple (Network, ndarray of shape (n_params,))
        For a saved estimator, one ready to predict: the hyperparameters and
        the fitted attributes ``thetas_``, ``classes_`` and ``multilabel_``
        (classifier; the labels with their values and dtype),
        ``n_features_in_``, ``feature_names_in_`` (if it was fitted on named
        features), ``network_``, ``loss_curve_``, ``validation_loss_curve_``,
        ``n_iter_``, ``loss_``, ``best_loss_``, ``best_validation_loss_`` and
        ``train_result_`` (its ``theta`` the saved weights, timing and message
        as saved) are restored. Its predictions are bitwise identical to the
        saved estimator's. For a saved Network, the pair ``(net, theta)``.

    Raises
    ------
    TypeError
        If ``path`` is not a str or os.PathLike.
    FileNotFoundError
        If there is no file at ``path``.
    IsADirectoryError
        If ``path`` is a directory.
    ValueError
        If the file is not an nnlearn model file (not a zip/npz archive,
        truncated, corrupted, another program's npz, pickled objects inside),
        or was written in a newer format version than this nnlearn reads.

    Notes
    -----
    Loading never unpickles: the reader refuses object arrays before reading
    their data, so a file crafted to run code when unpickled is rejected
    without running anything.
    """
    path = _check_path(path, "load_model")
    with _read_members(path) as members:
        return _load_from(path, members)


def _load_from(path, members):
    """:func:`load_model` on the open archive ``members`` of ``path``."""
    from .network import Network

    header = _read_header(path, members)
    where = f"{path} (nnlearn model file)"
    try:
        activation = header["activation"]
        net = Network(header["layer_sizes"], activation=tuple(activation) if isinstance(activation, list) else activation,
                      output=header["output"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{where} has an invalid header: {_exc_text(exc)}") from None
    # Every array's declared shape and dtype are checked before any array's data are read.
    shapes = layer_shapes(net.layer_sizes)
    for l, shape in enumerate(shapes):
        name = f"theta_{l}"
        if name not in members:
            raise ValueError(f"{where} is missing the array {name!r} for layer {l} (shape {shape}).")
        declared, dtype = members.declared(name)
        if declared != shape or dtype.kind != "f":
            raise ValueError(
                f"{where}: {name} has shape {declared} and dtype {dtype}, but layer_sizes "
                f"{list(net.layer_sizes)} need a float array of shape {shape}."
            )
    if header["kind"] != "Network":
        _check_loss_curve_declared(where, header, members)
    Thetas = [np.ascontiguousarray(members[f"theta_{l}"], dtype=np.float64) for l in range(len(shapes))]
    theta = net.pack(Thetas)
    if not np.all(np.isfinite(theta)):
        raise ValueError(f"{where} holds weights that are NaN or infinite.")
    if header["kind"] == "Network":
        return net, theta
    return _estimator_from(where, header, members, net, Thetas, theta)


def _estimator_from(where, header, members, net, Thetas, theta):
    from .estimator import MLPClassifier, MLPRegressor
    from .optimize import TrainResult

    estimator = MLPClassifier if header["kind"] == "MLPClassifier" else MLPRegressor

    def field(name, types):
        value = header.get(name)
        if not isinstance(value, types) or isinstance(value, bool) and bool not in types:
            raise ValueError(f"{where} has an invalid header: {name!r} is {value!r}.")
        return value

    known = estimator().get_params(deep=False)
    hyper = field("hyperparameters", (dict,))
    unknown = sorted(set(hyper) - set(known))
    if unknown:
        warnings.warn(
            f"{where} stores hyperparameters this nnlearn does not know: {unknown}; they are ignored.",
            UserWarning,
            stacklevel=3,
        )
    kwargs = {name: value for name, value in hyper.items() if name in known}
    if isinstance(kwargs.get("hidden_layer_sizes"), list):
        kwargs["hidden_layer_sizes"] = tuple(kwargs["hidden_layer_sizes"])
    clf = estimator(**kwargs)

    n_features = field("n_features_in", (int,))
    if estimator is MLPClassifier:
        classes = _classes_from_json(where, header.get("classes"))
        multilabel = field("multilabel", (bool,)) if "multilabel" in header else False  # absent in earlier files
        K = net.n_outputs
        expected_K = classes.size if multilabel else 1 if classes.size == 2 and net.output == "sigmoid" else classes.size
        if (n_features != net.layer_sizes[0] or K != expected_K or classes.size < (1 if multilabel else 2)
                or net.output == "identity" or multilabel and net.output != "sigmoid"):
            raise ValueError(
                f"{where} is inconsistent: {classes.size} {'labels' if multilabel else 'classes'} and {n_features} "
                f"features, but layer_sizes {list(net.layer_sizes)} with a {net.output} output."
            )
        clf.classes_ = classes
        clf.multilabel_ = multilabel
    elif n_features != net.layer_sizes[0] or net.output != "identity":
        raise ValueError(
            f"{where} is inconsistent: an MLPRegressor of {n_features} features, but layer_sizes "
            f"{list(net.layer_sizes)} with a {net.output} output."
        )
    names = header.get("feature_names_in")
    if names is not None:
        if not isinstance(names, list) or len(names) != n_features or not all(isinstance(n, str) for n in names):
            raise ValueError(f"{where} has an invalid header: 'feature_names_in' must be {n_features} strings.")
        clf.feature_names_in_ = np.array(names, dtype=object)

    loss_curve = members.get("loss_curve")
    if loss_curve is None or loss_curve.ndim != 1 or loss_curve.dtype.kind != "f" or loss_curve.size < 1:
        raise ValueError(f"{where} is missing the array 'loss_curve' (1-D float) of an {header['kind']}.")
    validation_curve = members.get("validation_loss_curve")
    if validation_curve is not None and (validation_curve.shape != loss_curve.shape or validation_curve.dtype.kind != "f"):
        raise ValueError(f"{where}: 'validation_loss_curve' has shape {validation_curve.shape} and dtype "
                         f"{validation_curve.dtype}, but it must be a float array shaped like 'loss_curve' {loss_curve.shape}.")
    training = field("training", (dict,))

    def number(name, default):
        value = training.get(name, default)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise ValueError(f"{where} has an invalid header: training[{name!r}] is {value!r}.")
        return None if value is None else float(value)

    clf.n_features_in_ = n_features
    clf.fitted_params_ = clf.get_params(deep=False)  # the file's hyperparameters are those of the saved fit
    clf.network_ = net
    clf.thetas_ = Thetas
    clf.loss_curve_ = [float(J) for J in loss_curve]
    clf.n_iter_ = len(clf.loss_curve_) - 1
    clf.validation_loss_curve_ = None if validation_curve is None else [float(J) for J in validation_curve]
    # Files of earlier versions lack these entries: the last cost, and the lowest.
    clf.loss_ = number("loss", clf.loss_curve_[-1])
    clf.best_loss_ = number("best_loss", min(clf.loss_curve_))
    clf.best_validation_loss_ = number("best_validation_loss", None)
    if training.get("message") is not None:
        clf.train_result_ = TrainResult(
            theta=theta.copy(),
            cost_history=list(clf.loss_curve_),
            n_iter=clf.n_iter_,
            n_evaluations=int(training.get("n_evaluations") or 0),
            message=str(training["message"]),
            elapsed=float(training["elapsed"]) if training.get("elapsed") is not None else float("nan"),
            method=str(training.get("solver") or ""),
            converged=bool(training.get("converged")),
            interrupted=bool(training.get("interrupted")),
        )
    return clf


def _classes_from_json(where, spec):
    try:
        dtype = np.dtype(spec["dtype"])
        values = spec["values"]
        if dtype.kind not in _CLASS_KINDS or not isinstance(values, list):
            raise ValueError(f"dtype {dtype} / values of type {type(values).__name__}")
        classes = np.array(values, dtype=dtype)
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise ValueError(
            f"{where} has an invalid header: 'classes' must be {{'dtype': ..., 'values': [...]}} "
            f"({_exc_text(exc)})."
        ) from None
    if classes.ndim != 1:
        raise ValueError(f"{where} has an invalid header: 'classes' must be a flat list.")
    return classes


def _check_loss_curve_declared(where, header, members):
    """The estimator's ``loss_curve``, from its declared shape: 1-D float, as many entries as the header says."""
    if "loss_curve" in members:
        shape, dtype = members.declared("loss_curve")
        if len(shape) == 1 and dtype.kind == "f" and shape[0] >= 1:
            n_iter = header["training"].get("n_iter")
            if n_iter is not None and n_iter != shape[0] - 1:
                raise ValueError(f"{where} is inconsistent: training.n_iter is {n_iter}, but 'loss_curve' holds "
                                 f"{shape[0]} costs (n_iter + 1).")
            if "validation_loss_curve" in members:
                other, other_dtype = members.declared("validation_loss_curve")
                if other != shape or other_dtype.kind != "f":
                    raise ValueError(f"{where}: 'validation_loss_curve' has shape {other} and dtype {other_dtype}, but "
                                     f"it must be a float array shaped like 'loss_curve' {shape}.")
            return
    raise ValueError(f"{where} is missing the array 'loss_curve' (1-D float) of an {header['kind']}.")


def _read_header(path, members):
    if "header" not in members:
        found = sorted(members.names)
        raise _NotAModel(
            f"{path} is not an nnlearn model file (a NumPy .npz archive, but it has no 'header' array; "
            f"it holds {found[:8]}{' ...' if len(found) > 8 else ''})."
        )
    shape, dtype = members.declared("header")
    if dtype != np.uint8 or len(shape) != 1:
        raise _NotAModel(
            f"{path} is not an nnlearn model file (its 'header' is a {dtype} array of shape "
            f"{shape}, not UTF-8 JSON bytes)."
        )
    if shape[0] > HEADER_MAX_BYTES:
        raise _NotAModel(f"{path} is not an nnlearn model file (its 'header' has {shape[0]} bytes, more than the "
                         f"{HEADER_MAX_BYTES} of a model's JSON header).")
    header_array = members["header"]
    containers = header_array.tobytes().count(b"[") + header_array.tobytes().count(b"{")
    if containers > HEADER_MAX_CONTAINERS:
        raise _NotAModel(f"{path} is not an nnlearn model file (its 'header' holds {containers} JSON arrays and "
                         f"objects, more than the {HEADER_MAX_CONTAINERS} of a model's header).")
    try:
        header = json.loads(header_array.tobytes().decode("utf-8"), parse_constant=_no_constant,
                            parse_float=_finite_float)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _NotAModel(f"{path} is not an nnlearn model file (its 'header' is not JSON: {exc}).") from None
    except RecursionError:
        raise _NotAModel(f"{path} is not an nnlearn model file (its 'header' is JSON nested too deeply).") from None
    except ValueError as exc:  # NaN, Infinity, 1e400, an int of more than 4300 digits
        raise ValueError(f"{path} has an invalid header: {exc}.") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        found = header.get("format") if isinstance(header, dict) else type(header).__name__
        raise _NotAModel(f"{path} is not an nnlearn model file (its header has format {_shown(found)}, "
                         f"not {FORMAT!r}).")
    version = header.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"{path} has an invalid header: format_version is {_shown(version)}, expected an integer >= 1.")
    if version > FORMAT_VERSION:
        from . import __version__

        by = header.get("nnlearn_version")
        raise ValueError(
            f"{path} is an nnlearn model file of format version {version}"
            f"{f' (written by nnlearn {_shown(by)[1:-1]})' if isinstance(by, str) else ''}, but this nnlearn "
            f"({__version__}) reads format version {FORMAT_VERSION} only; upgrade nnlearn to load it."
        )
    if header.get("kind") not in _KINDS:
        raise ValueError(f"{path} has an invalid header: kind is {_shown(header.get('kind'))}, expected one of "
                         f"{list(_KINDS)}.")
    _check_header(f"{path} (nnlearn model file)", header)
    return header


def _no_constant(name):
    raise ValueError(f"it holds {name}, which a model file's JSON never holds")


def _finite_float(text):
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"it holds the number {text[:40]}, which overflows float64")
    return value


_REPR = reprlib.Repr()
_REPR.maxstring, _REPR.maxother, _REPR.maxlist, _REPR.maxdict, _REPR.maxlevel = 60, 60, 8, 6, 3


def _shown(value):
    """``repr(value)``, bounded in length and depth whatever the header holds."""
    return _REPR.repr(value)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# Types of the entries of the header's "training" object: name -> (test, what). Unknown entries are ignored.
_TRAINING_FIELDS = {
    "solver": (lambda x: isinstance(x, str), "a str"),
    "alpha": (_is_number, "a number"),
    "n_iter": (lambda x: _is_int(x) and x >= 0, "an int >= 0"),
    "n_evaluations": (lambda x: _is_int(x) and x >= 0, "an int >= 0"),
    "initial_cost": (_is_number, "a number"),
    "final_cost": (_is_number, "a number"),
    "elapsed": (lambda x: _is_number(x) and x >= 0, "a number >= 0"),
    "message": (lambda x: isinstance(x, str), "a str"),
    "converged": (lambda x: isinstance(x, bool), "true or false"),
    "interrupted": (lambda x: isinstance(x, bool), "true or false"),
    "loss": (_is_number, "a number"),
    "best_loss": (_is_number, "a number"),
    "best_validation_loss": (_is_number, "a number"),
}


def _check_header(where, header):
    """Refuse a header whose known fields have the wrong types or disagree with each other; name the field.

    Checked here, before any array is read: the network (``layer_sizes``,
    ``activation``, ``output``, by the rules of :class:`~nnlearn.Network`),
    the informational strings, and for an estimator ``n_features_in``,
    ``feature_names_in``, ``hyperparameters`` (its network agreeing with
    ``layer_sizes``, ``activation`` and ``output``),
    ``hyperparameters_not_saved``, every known entry of ``training`` and
    ``classes`` (see :func:`_check_classes`). What depends on the arrays is
    checked where they are read.
    """
    def invalid(name, value, expected):
        return ValueError(f"{where} has an invalid header: {name!r} is {_shown(value)}, expected {expected}.")

    try:
        layer_sizes = v.LayerSizes().check(header.get("layer_sizes"), "layer_sizes", "Network")
        activation = v.Activations().check(header.get("activation"), "activation", "Network")
        v.rule("output").check(header.get("output"), "output", "Network")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where} has an invalid header: {_exc_text(exc)}") from None
    for name in ("nnlearn_version", "created", "layout"):
        if header.get(name) is not None and not isinstance(header[name], str):
            raise invalid(name, header[name], "a str")
    if header["kind"] == "Network":
        return
    n_features = header.get("n_features_in")
    if not _is_int(n_features) or n_features < 1:
        raise invalid("n_features_in", n_features, "an int >= 1")
    names = header.get("feature_names_in")
    if names is not None and not (isinstance(names, list) and all(isinstance(n, str) for n in names)):
        raise invalid("feature_names_in", names, "null or a list of str")
    hyper = header.get("hyperparameters")
    if not isinstance(hyper, dict):
        raise invalid("hyperparameters", hyper, "an object (the estimator's get_params())")
    hidden = hyper.get("hidden_layer_sizes")
    if hidden is not None:
        hidden = [hidden] if _is_int(hidden) else hidden
        if hidden != list(layer_sizes[1:-1]):
            raise ValueError(f"{where} is inconsistent: hyperparameters.hidden_layer_sizes is {_shown(hidden)}, but "
                             f"layer_sizes {list(layer_sizes)} have the hidden layers {list(layer_sizes[1:-1])}.")
    for name, canonical, rule in (("activation", activation, v.Activations()),
                                  ("output", header["output"], v.rule("output"))):
        if name in hyper and not _same_setting(hyper[name], canonical, rule, len(layer_sizes) - 2):
            raise ValueError(f"{where} is inconsistent: hyperparameters.{name} is {_shown(hyper[name])}, but the "
                             f"network's {name} is {_shown(header[name])}.")
    not_saved = header.get("hyperparameters_not_saved")
    if not_saved is not None and not (isinstance(not_saved, dict) and all(isinstance(t, str) for t in not_saved.values())):
        raise invalid("hyperparameters_not_saved", not_saved, "an object of parameter name -> type name")
    training = header.get("training")
    if not isinstance(training, dict):
        raise invalid("training", training, "an object")
    for name, (test, expected) in _TRAINING_FIELDS.items():
        value = training.get(name)
        if value is not None and not test(value):
            raise invalid(f"training.{name}", value, f"{expected} or null")
    if "multilabel" in header and not isinstance(header["multilabel"], bool):
        raise invalid("multilabel", header["multilabel"], "true or false")
    if header["kind"] == "MLPClassifier":
        _check_classes(where, header.get("classes"))


def _same_setting(value, canonical, rule, n_hidden):
    """Whether a hyperparameter's ``value`` names the network's ``canonical`` setting (``"logistic"`` is
    ``"sigmoid"``; one name for every hidden layer is the tuple of it)."""
    try:
        value = rule.check(tuple(value) if isinstance(value, list) else value, "value", "model file")
    except (TypeError, ValueError):
        return False
    def per_layer(x):
        return tuple(x) if isinstance(x, tuple) else (x,) * n_hidden
    return value == canonical or per_layer(value) == per_layer(canonical)


def _check_classes(where, spec):
    """Refuse labels that the estimator could not have stored: see the Notes.

    Notes
    -----
    ``classes`` is ``{"dtype": ..., "values": [...]}``: a NumPy dtype of a
    kind among bool, int, uint, float, str and object (no subarray or record
    dtype), at most :data:`CLASSES_MAX_BYTES` as an array (a 2 KB header
    declaring ``<U100000000`` is refused before anything is allocated), and
    values of one JSON type that fits the dtype, sorted and distinct (as
    ``np.unique`` in ``fit`` leaves them).
    """
    def invalid(problem):
        return ValueError(f"{where} has an invalid header: 'classes' {problem}.")

    if not isinstance(spec, dict) or not isinstance(spec.get("values"), list) or not isinstance(spec.get("dtype"), str):
        raise invalid(f"must be {{'dtype': ..., 'values': [...]}}, not {_shown(spec)}")
    text, values = spec["dtype"], spec["values"]
    try:
        dtype = np.dtype(text) if len(text) <= 32 else None
    except (TypeError, ValueError, OverflowError, SyntaxError):  # np.dtype parses strings such as '(2,3)f8'
        dtype = None
    if dtype is None or dtype.kind not in _CLASS_KINDS or dtype.shape or dtype.fields is not None:
        raise invalid(f"must be {{'dtype': ..., 'values': [...]}} with a dtype of labels (bool, int, float or str), "
                      f"not {_shown(text)}")
    if dtype.itemsize * len(values) > CLASSES_MAX_BYTES:
        raise invalid(f"declare {len(values)} labels of dtype {dtype} ({dtype.itemsize * len(values)} bytes), "
                      f"more than the {CLASSES_MAX_BYTES} nnlearn reads")
    types = {type(value) for value in values}
    fits = {
        "b": types <= {bool},
        "i": types <= {int}, "u": types <= {int},
        "f": types <= {int, float},
        "U": types <= {str} and all(len(value) <= dtype.itemsize // 4 for value in values),
        "O": len(types) <= 1 and types <= {str, int, float, bool},
    }[dtype.kind]
    if not fits:
        raise invalid(f"holds values of types {sorted(t.__name__ for t in types)} that dtype {dtype} cannot hold "
                      "as labels of one kind")
    try:
        classes = np.array(values, dtype=dtype)
    except (TypeError, ValueError, OverflowError) as exc:  # an int outside the dtype's range
        raise invalid(f"values do not fit dtype {dtype} ({_exc_text(exc)})") from None
    if classes.size and (classes.size != np.unique(classes).size or not np.all(np.unique(classes) == classes)):
        raise invalid(f"must be sorted and distinct (as MLPClassifier.fit stores them), not {_shown(values)}")


class _Members:
    """The ``.npy`` members of a model archive, read on demand: name (without ``.npy``) -> ndarray.

    Opening parses the zip's directory and every member's ``.npy`` header (a
    few hundred bytes each; object arrays are refused there, before any data
    are read). ``members[name]`` reads one member's data, checking its
    declared size, its compression and the CRC-32; members never asked for
    are never inflated. Use as a context manager.
    """

    def __init__(self, path, f):
        self.path, self._f = path, f
        self._size = os.fstat(f.fileno()).st_size
        self._budget = inflation_budget(self._size)
        self._archive = zipfile.ZipFile(f)
        infos = self._archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise _NotAModel(f"{path} is not an nnlearn model file (it holds {len(infos)} arrays, more than the "
                             f"{MAX_MEMBERS} nnlearn reads).")
        self._infos, self._headers = {}, {}
        for info in infos:
            if not info.filename.endswith(".npy"):
                raise _NotAModel(
                    f"{path} is not an nnlearn model file (it holds {info.filename!r}, which is not a "
                    "NumPy .npy array)."
                )
            name = info.filename[: -len(".npy")]
            self._infos[name] = info
            header = _read_npy_header(path, self._archive, info)  # every member: pickles are refused unread
            if _is_known_member(name):
                self._headers[name] = header
        self.names = frozenset(self._infos)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        self._archive.close()
        self._f.close()

    def __contains__(self, name):
        return name in self._infos

    def declared(self, name):
        """``(shape, dtype)`` of the member ``name``, from its ``.npy`` header (nothing else is read)."""
        shape, _, dtype, _ = self._header(name)
        return shape, dtype

    def _header(self, name):
        if name not in self._headers:  # a member of a later format: its header was checked, not kept
            self._headers[name] = _read_npy_header(self.path, self._archive, self._infos[name])
        return self._headers[name]

    def get(self, name, default=None):
        return self[name] if name in self._infos else default

    def __getitem__(self, name):
        info = self._infos[name]
        if info.compress_type != zipfile.ZIP_STORED:
            if info.file_size > self._budget:
                raise _NotAModel(
                    f"{self.path} is not an nnlearn model file ({info.filename} inflates to {info.file_size} bytes "
                    f"from {info.compress_size}; nnlearn inflates at most {self._budget} bytes from a file of "
                    f"{self._size} bytes).")
            self._budget -= info.file_size
        return _read_npy(self.path, self._archive, info, self._header(name))


def _read_members(path):
    """The model archive at ``path`` as :class:`_Members` (a context manager). Never unpickles."""
    if not path.exists() and path.suffix != ".npz" and path.with_name(path.name + ".npz").is_file():
        raise FileNotFoundError(errno.ENOENT, f"No such file (but {path.name}.npz exists)", str(path))
    # FileNotFoundError / IsADirectoryError / PermissionError propagate; a FIFO or a device is refused unread.
    f = open_regular(path, "a model", "Is a directory, not a model file")
    try:
        start = f.read(8)
        if not start:
            raise _NotAModel(f"{path} is not an nnlearn model file (the file is empty).")
        if start.startswith(_NPY_MAGIC):
            raise _NotAModel(f"{path} is not an nnlearn model file (it is a single NumPy .npy array, not a .npz archive).")
        if not start.startswith(_ZIP_MAGIC):
            raise _NotAModel(
                f"{path} is not an nnlearn model file (not a .npz/zip archive: it starts with {start[:4]!r})."
            )
        f.seek(0)
        try:
            return _Members(path, f)
        except _NotAModel:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, KeyError, OverflowError,
                NotImplementedError, RuntimeError, OSError, MemoryError) as exc:
            if isinstance(exc, (PermissionError, IsADirectoryError)):
                raise
            raise _NotAModel(
                f"{path} is not an nnlearn model file (truncated or corrupted .npz archive: {_exc_text(exc)})."
            ) from None
    except BaseException:
        f.close()
        raise


# dtypes a member may hold: bools, numbers, str; never objects (pickles), records or subarrays.
_MEMBER_KINDS = "biufcU"
# The longest .npy header read (nnlearn writes about 128 bytes): parsing one costs time in its length.
NPY_HEADER_MAX_BYTES = 1024


def _is_known_member(name):
    """The members this reader may read: header, theta_0, theta_1, ..., loss_curve, validation_loss_curve,
    training_rows, held_out_rows."""
    return name in ("header", "loss_curve", "validation_loss_curve", "training_rows", "held_out_rows") or (
        name.startswith("theta_") and name[6:].isdigit())


def _read_npy_header(path, archive, info):
    """``(shape, fortran_order, dtype, offset)`` of a member, from its ``.npy`` header; its data are not read."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _NotAModel(f"{path} is not an nnlearn model file ({info.filename} is compressed with zip method "
                         f"{info.compress_type}; nnlearn reads stored or deflated members).")
    with archive.open(info) as fp:
        try:
            version = np.lib.format.read_magic(fp)
            if version == (1, 0):
                shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(fp, NPY_HEADER_MAX_BYTES)
            elif version == (2, 0):
                shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(fp, NPY_HEADER_MAX_BYTES)
            else:
                raise _NotAModel(
                    f"{path} is not an nnlearn model file ({info.filename} uses .npy format version {version}, "
                    "which nnlearn does not read)."
                )
        except (ValueError, EOFError, SyntaxError, TypeError) as exc:
            if isinstance(exc, _NotAModel):
                raise
            raise _NotAModel(f"{path} is not an nnlearn model file ({info.filename} has no valid .npy header: "
                             f"{_exc_text(exc)}).") from None
        offset = fp.tell()
    if dtype.hasobject:
        raise _NotAModel(
            f"{path} is not an nnlearn model file: {info.filename} holds pickled Python objects "
            f"(dtype {dtype}), which nnlearn refuses to load (it never unpickles)."
        )
    if dtype.kind not in _MEMBER_KINDS or dtype.shape or dtype.fields is not None:
        raise _NotAModel(f"{path} is not an nnlearn model file ({info.filename} holds dtype {dtype}; a model's "
                         "arrays hold numbers or text).")
    n_bytes = math.prod(shape) * dtype.itemsize
    if offset + n_bytes != info.file_size:
        raise _NotAModel(
            f"{path} is not an nnlearn model file (truncated or corrupted: {info.filename} declares "
            f"{n_bytes} bytes of data for shape {shape}, but holds {info.file_size - offset})."
        )
    return shape, fortran_order, dtype, offset


_CHUNK = 1 << 20


def _read_npy(path, archive, info, npy_header):
    """The data of a member whose header :func:`_read_npy_header` gave, read into one array (native byte order)."""
    shape, fortran_order, dtype, offset = npy_header
    array = np.empty(shape[::-1] if fortran_order else shape, dtype=dtype)
    view = memoryview(array.reshape(-1).view(np.uint8)) if array.size else memoryview(b"")
    try:
        with archive.open(info) as fp:
            fp.read(offset)
            done = 0
            while done < len(view):
                chunk = fp.read(min(_CHUNK, len(view) - done))
                if not chunk:
                    raise _NotAModel(f"{path} is not an nnlearn model file (truncated: {info.filename} is short).")
                view[done:done + len(chunk)] = chunk
                done += len(chunk)
            if fp.read(1):  # reading to the end also checks the CRC-32
                raise _NotAModel(f"{path} is not an nnlearn model file ({info.filename} is longer than declared).")
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise _NotAModel(
            f"{path} is not an nnlearn model file (truncated or corrupted .npz archive: {_exc_text(exc)})."
        ) from None
    if fortran_order:
        array = array.T
    if not dtype.isnative:
        array = array.byteswap().view(dtype.newbyteorder("="))
    return np.ascontiguousarray(array)


# -- shared ----------------------------------------------------------------------


def _check_path(path, door):
    return Path(v.PathLike().check(path, "path", door))


def _exc_text(exc):
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
