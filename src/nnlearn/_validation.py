"""Input checks shared by the public functions. Private helpers trust their inputs."""

from __future__ import annotations

import numbers
import warnings

import numpy as np

__all__ = [
    "check_X",
    "check_targets",
    "check_theta",
    "check_alpha",
    "check_int",
    "check_positive_float",
    "check_layer_sizes",
    "check_random_state",
]

# Features this large make sigmoid/tanh units saturate at any reasonable weight scale.
LARGE_FEATURE = 1e4


def _describe(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _as_numeric_array(value, name):
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and other things numpy cannot hold
        raise ValueError(f"{name} could not be converted to a numeric array: {exc}") from None
    if arr.dtype.kind not in "biuf":
        if arr.ndim == 0 and arr.dtype.kind == "O":  # None, a dict, ...: name the type, not "dtype object"
            raise TypeError(f"{name} must be an array of numbers; got {type(value).__name__} {_describe(value)}.")
        raise TypeError(
            f"{name} must hold numbers (bool, int or float); got an array of dtype {arr.dtype}."
        )
    return arr


def check_X(X, n_features=None, name="X", feature_source=None):
    """Return ``X`` as a finite 2-D float array of shape (m, n), m >= 1.

    float32 input stays float32 (the fast path computes in float32); anything
    else numeric becomes float64. ``feature_source`` completes the message
    "X has 3 features, but ..." (default: "{n_features} are expected").
    """
    X = _as_numeric_array(X, name)
    if X.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array of shape (m, n); got {X.ndim}-D array of shape {X.shape}."
            + (" Reshape a single sample with X.reshape(1, -1)." if X.ndim == 1 else "")
        )
    if X.shape[0] == 0:
        raise ValueError(f"{name} is empty: it has 0 rows (shape {X.shape}); at least 1 sample is required.")
    if X.dtype != np.float32:
        X = X.astype(np.float64, copy=False)
    # Two reductions and no m x n temporaries: NaN propagates through min and max,
    # and an infinity is the minimum or the maximum.
    low, high = (float(X.min()), float(X.max())) if X.size else (0.0, 0.0)
    if not (np.isfinite(low) and np.isfinite(high)):
        bad = "NaN" if np.isnan(low) or np.isnan(high) else "infinity"
        raise ValueError(f"{name} contains {bad}; every entry must be finite.")
    if n_features is not None and X.shape[1] != n_features:
        expected = feature_source if feature_source is not None else f"{n_features} are expected"
        raise ValueError(f"{name} has {X.shape[1]} features, but {expected}.")
    scale = max(-low, high)
    if scale > LARGE_FEATURE:
        warnings.warn(
            f"{name} has features as large as {scale:.3g}; sigmoid and tanh units saturate on such "
            "inputs. Scale the features (e.g. sklearn.preprocessing.StandardScaler) before training.",
            UserWarning,
            stacklevel=3,
        )
    return np.ascontiguousarray(X)


def check_targets(y, m, K, output="sigmoid", name="y"):
    """Return the 0/1 target matrix ``Y`` of shape (m, K), float64.

    ``y`` is either 1-D class indices ``0..K-1`` (for K == 1: 0/1 targets) or a
    2-D (m, K) 0/1 matrix. For a softmax output every row must hold one 1.
    """
    y = _as_numeric_array(y, name)
    if y.ndim == 2 and y.shape[1] == 1 and K != 1:
        y = y.ravel()
    if y.ndim == 1:
        if y.shape[0] != m:
            raise ValueError(f"{name} has {y.shape[0]} entries, but X has {m} rows; they must match.")
        if not np.all(np.isfinite(y)) or np.any(y != np.round(y)):
            raise ValueError(f"{name} must hold integer class indices; got non-integer values.")
        n_classes = max(K, 2)
        if np.any(y < 0) or np.any(y >= n_classes):
            bad = y[(y < 0) | (y >= n_classes)][0]
            raise ValueError(
                f"{name} holds class index {bad:g}, outside 0..{n_classes - 1} "
                f"(the network has {K} output unit{'s' if K != 1 else ''})."
            )
        labels = y.astype(np.intp)
        if K == 1:
            return labels.astype(np.float64).reshape(m, 1)
        Y = np.zeros((m, K))
        Y[np.arange(m), labels] = 1.0
        return Y
    if y.ndim == 2:
        if y.shape[0] != m:
            raise ValueError(f"{name} has {y.shape[0]} rows, but X has {m} rows; they must match.")
        if y.shape[1] != K:
            raise ValueError(
                f"{name} is a target matrix with {y.shape[1]} columns, but the network has {K} output units."
            )
        if not np.all((y == 0) | (y == 1)):
            raise ValueError(f"{name} as a 2-D target matrix must hold only 0 and 1.")
        Y = y.astype(np.float64)
        if output == "softmax" and not np.all(Y.sum(axis=1) == 1):
            raise ValueError(f"{name} must be one-hot (exactly one 1 per row) for a softmax output.")
        return Y
    raise ValueError(f"{name} must be 1-D class indices or a 2-D (m, K) target matrix; got shape {y.shape}.")


def check_theta(theta, n_params, name="theta"):
    """Return ``theta`` as a finite 1-D float64 array of length ``n_params``."""
    theta = _as_numeric_array(theta, name)
    if theta.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D array of length {n_params}; got a {theta.ndim}-D array of shape {theta.shape}."
            + (" Flatten it with theta.ravel() or Network.pack." if theta.size == n_params else "")
        )
    if theta.size != n_params:
        raise ValueError(
            f"{name} has {theta.size} entries (shape {theta.shape}), but the network has "
            f"{n_params} parameters; expected a 1-D array of length {n_params}."
        )
    theta = theta.astype(np.float64, copy=False)
    if not np.all(np.isfinite(theta)):
        raise ValueError(f"{name} contains NaN or infinity; every weight must be finite.")
    return theta


def check_alpha(alpha, name="alpha"):
    """Return the regularization strength as a finite float >= 0."""
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"{name} must be a real number >= 0; got {type(alpha).__name__} {_describe(alpha)}.")
    if not np.isfinite(alpha) or alpha < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {alpha!r}.")
    return float(alpha)


def check_int(value, name, minimum=None, allow_none=False):
    """Return ``value`` as an int, checking type and lower bound."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {type(value).__name__} {_describe(value)}.")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}.")
    return int(value)


def check_positive_float(value, name, allow_none=False, allow_zero=False):
    """Return ``value`` as a finite float > 0 (or >= 0 with ``allow_zero``)."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__} {_describe(value)}.")
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}; got {value!r}.")
    return float(value)


def check_random_state(random_state, name="random_state"):
    """Return ``np.random.default_rng(random_state)``, with a message naming ``name`` for bad seeds."""
    try:
        return np.random.default_rng(random_state)
    except (TypeError, ValueError) as exc:
        raise type(exc)(
            f"{name} must be None, an int >= 0 or a numpy.random.Generator; got {_describe(random_state)} ({exc})."
        ) from None


def check_layer_sizes(layer_sizes):
    """Return ``layer_sizes`` as a tuple of >= 2 positive ints."""
    if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__len__"):
        raise TypeError(
            f"layer_sizes must be a sequence of integers such as [400, 25, 10]; got {_describe(layer_sizes)}."
        )
    if len(layer_sizes) < 2:
        raise ValueError(
            f"layer_sizes needs at least 2 layers (inputs and outputs); got {len(layer_sizes)}: {list(layer_sizes)}."
        )
    sizes = []
    for i, s in enumerate(layer_sizes):
        if isinstance(s, bool) or not isinstance(s, numbers.Integral):
            raise TypeError(f"layer_sizes[{i}] must be an integer; got {type(s).__name__} {_describe(s)}.")
        if s < 1:
            raise ValueError(f"layer_sizes[{i}] must be >= 1 unit; got {s}.")
        sizes.append(int(s))
    return tuple(sizes)
