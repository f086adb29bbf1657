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
checks every member's size and the zip's CRC-32 checksums, and validates
every shape against the header.

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
import warnings
import zipfile
import zlib
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._atomic import write_atomically
from . import _validation as v
from .core.params import layer_shapes

__all__ = ["save_model", "load_model", "read_header", "write_atomically", "FORMAT", "FORMAT_VERSION"]

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


class _NotAModel(ValueError):
    """A file that is not a readable nnlearn model file (raised with the full message)."""


# -- writing ---------------------------------------------------------------------


def save_model(path, model, theta=None):
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
        "activation": net.activation,
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
    saved, not_saved = {}, {}
    for name, value in clf.get_params(deep=False).items():
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
        "alpha": _json_value(clf.alpha),
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
    return _read_header(path, _read_members(path))


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
    from .network import Network

    path = _check_path(path, "load_model")
    members = _read_members(path)
    header = _read_header(path, members)
    where = f"{path} (nnlearn model file)"
    try:
        net = Network(header["layer_sizes"], activation=header["activation"], output=header["output"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{where} has an invalid header: {_exc_text(exc)}") from None
    Thetas = []
    for l, shape in enumerate(layer_shapes(net.layer_sizes)):
        name = f"theta_{l}"
        if name not in members:
            raise ValueError(f"{where} is missing the array {name!r} for layer {l} (shape {shape}).")
        T = members[name]
        if T.shape != shape or T.dtype.kind != "f":
            raise ValueError(
                f"{where}: {name} has shape {T.shape} and dtype {T.dtype}, but layer_sizes "
                f"{list(net.layer_sizes)} need a float array of shape {shape}."
            )
        Thetas.append(np.ascontiguousarray(T, dtype=np.float64))
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


def _read_header(path, members):
    header_array = members.get("header")
    if header_array is None:
        found = sorted(members)
        raise _NotAModel(
            f"{path} is not an nnlearn model file (a NumPy .npz archive, but it has no 'header' array; "
            f"it holds {found[:8]}{' ...' if len(found) > 8 else ''})."
        )
    if header_array.dtype != np.uint8 or header_array.ndim != 1:
        raise _NotAModel(
            f"{path} is not an nnlearn model file (its 'header' is a {header_array.dtype} array of shape "
            f"{header_array.shape}, not UTF-8 JSON bytes)."
        )
    try:
        header = json.loads(header_array.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _NotAModel(f"{path} is not an nnlearn model file (its 'header' is not JSON: {exc}).") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        found = header.get("format") if isinstance(header, dict) else type(header).__name__
        raise _NotAModel(f"{path} is not an nnlearn model file (its header has format {found!r}, not {FORMAT!r}).")
    version = header.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"{path} has an invalid header: format_version is {version!r}, expected an integer >= 1.")
    if version > FORMAT_VERSION:
        from . import __version__

        by = header.get("nnlearn_version")
        raise ValueError(
            f"{path} is an nnlearn model file of format version {version}"
            f"{f' (written by nnlearn {by})' if isinstance(by, str) else ''}, but this nnlearn "
            f"({__version__}) reads format version {FORMAT_VERSION} only; upgrade nnlearn to load it."
        )
    if header.get("kind") not in _KINDS:
        raise ValueError(f"{path} has an invalid header: kind is {header.get('kind')!r}, expected one of {list(_KINDS)}.")
    return header


def _read_members(path):
    """Every ``.npy`` member of the zip at ``path``: name (without ``.npy``) -> ndarray. Never unpickles."""
    if not path.exists() and path.suffix != ".npz" and path.with_name(path.name + ".npz").is_file():
        raise FileNotFoundError(errno.ENOENT, f"No such file (but {path.name}.npz exists)", str(path))
    with open(path, "rb") as f:  # FileNotFoundError / IsADirectoryError / PermissionError propagate
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
            with zipfile.ZipFile(f) as archive:
                members = {}
                for info in archive.infolist():
                    if not info.filename.endswith(".npy"):
                        raise _NotAModel(
                            f"{path} is not an nnlearn model file (it holds {info.filename!r}, which is not a "
                            "NumPy .npy array)."
                        )
                    members[info.filename[: -len(".npy")]] = _read_npy(path, archive, info)
        except _NotAModel:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, KeyError, OverflowError,
                NotImplementedError, RuntimeError, OSError, MemoryError) as exc:
            if isinstance(exc, (PermissionError, IsADirectoryError)):
                raise
            raise _NotAModel(
                f"{path} is not an nnlearn model file (truncated or corrupted .npz archive: {_exc_text(exc)})."
            ) from None
    return members


def _read_npy(path, archive, info):
    with archive.open(info) as fp:
        version = np.lib.format.read_magic(fp)
        if version == (1, 0):
            shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(fp)
        elif version == (2, 0):
            shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(fp)
        else:
            raise _NotAModel(
                f"{path} is not an nnlearn model file ({info.filename} uses .npy format version {version}, "
                "which nnlearn does not read)."
            )
        if dtype.hasobject:
            raise _NotAModel(
                f"{path} is not an nnlearn model file: {info.filename} holds pickled Python objects "
                f"(dtype {dtype}), which nnlearn refuses to load (it never unpickles)."
            )
        n_bytes = math.prod(shape) * dtype.itemsize
        if fp.tell() + n_bytes != info.file_size:
            raise _NotAModel(
                f"{path} is not an nnlearn model file (truncated or corrupted: {info.filename} declares "
                f"{n_bytes} bytes of data for shape {shape}, but holds {info.file_size - fp.tell()})."
            )
        data = fp.read(n_bytes)
        if len(data) != n_bytes or fp.read(1):  # reading to the end also checks the CRC-32
            raise _NotAModel(f"{path} is not an nnlearn model file (truncated: {info.filename} is short).")
    if fortran_order:
        array = np.frombuffer(data, dtype=dtype).reshape(shape[::-1]).T
    else:
        array = np.frombuffer(data, dtype=dtype).reshape(shape)
    return np.array(array, dtype=dtype.newbyteorder("="), order="C")  # native byte order, writable copy


# -- shared ----------------------------------------------------------------------


def _check_path(path, door):
    return Path(v.PathLike().check(path, "path", door))


def _exc_text(exc):
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
