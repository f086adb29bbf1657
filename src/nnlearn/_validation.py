"""Every argument check of nnlearn's public doors, and every message, in one shape.

A door (a public function or method, the estimators, the command line) checks
each argument once, here, and then calls the core, which trusts it. Every
mistake is reported in scikit-learn's shape, naming the argument and the door::

    The 'alpha' parameter of train must be a float in the range [0.0, inf). Got -1 instead.
    The '--alpha' option of nnlearn train must be a float in the range [0.0, inf). Got -1.0 instead.

A bad value raises ValueError, a value of the wrong type TypeError. The rules
for the named hyperparameters live in one table, :data:`RULES`, so the same
mistake reads the same wherever it enters; :func:`check` applies them.
"""

from __future__ import annotations

import numbers
import os
import warnings

import numpy as np

__all__ = [
    "RULES",
    "MAX_ITER",
    "Int",
    "Real",
    "Bool",
    "Option",
    "RandomState",
    "PathLike",
    "Function",
    "HiddenSizes",
    "LayerSizes",
    "Activations",
    "check",
    "message",
    "describe",
    "check_X",
    "check_targets",
    "check_sample_weight",
    "check_theta",
    "check_method",
    "check_array",
    "check_result",
    "warn_large_features",
    "MAX_PARAMS",
    "GRADCHECK_MAX_WORK",
    "n_params_of",
    "check_gradcheck_size",
]

# Features this large make sigmoid/tanh units saturate at any reasonable weight scale.
LARGE_FEATURE = 1e4
# The most iterations any door accepts: more than any run needs, and what every solver can count
# (TNC counts up to 20 evaluations per iteration in a C int).
MAX_ITER = 10**8
# The most parameters a network may have: 400 MB of float64 weights, and several times that while
# training (gradient, optimizer state). A layer of 10^12 units is refused at the door, not by a MemoryError.
MAX_PARAMS = 50_000_000
# The most work of a command-line gradient check, m * n_params**2: 2 n_params cost evaluations of
# m samples each (about 10 s on a 2-core machine for 400-25-10 at m = 20).
GRADCHECK_MAX_WORK = 2 * 10**9


def describe(value):
    """``repr(value)``, shortened to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def message(name, door, rule, got):
    """``The 'name' parameter of door must be rule. Got got instead.`` (``option`` for a ``--flag``)."""
    what = "option" if str(name).startswith("--") else "parameter"
    return f"The '{name}' {what} of {door} must be {rule}. Got {got} instead."


def _fail(error, name, door, rule, got, hint=""):
    raise error(message(name, door, rule, got) + (f" {hint}" if hint else ""))


# -- rules for scalars ----------------------------------------------------------


class Rule:
    """A constraint on one argument: ``rule.check(value, name, door)`` returns the value to use."""

    allow_none = False

    def text(self):
        """The requirement, as it reads after "must be"."""
        raise NotImplementedError

    def _text(self, name=""):
        # A command-line flag cannot be given None: its rule is said without "or None".
        return self.text() + (" or None" if self.allow_none and not str(name).startswith("--") else "")

    def check(self, value, name, door):
        raise NotImplementedError


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


class Int(Rule):
    """An int in ``[low, high]`` (``high=None``: no upper bound), or None when ``allow_none``."""

    def __init__(self, low=None, high=None, allow_none=False):
        self.low, self.high, self.allow_none = low, high, allow_none

    def text(self):
        low = "-inf" if self.low is None else self.low
        high = "inf)" if self.high is None else f"{self.high}]"
        return f"an int in the range [{low}, {high}" if (self.low, self.high) != (None, None) else "an int"

    def check(self, value, name, door):
        if value is None and self.allow_none:
            return None
        if not _is_int(value):
            _fail(TypeError, name, door, self._text(name), describe(value))
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            _fail(ValueError, name, door, self._text(name), describe(value))
        return int(value)


class Real(Rule):
    """A finite float between ``low`` and ``high``; ``open`` names the open ends ("low", "high", "both")."""

    def __init__(self, low=None, high=None, open="", allow_none=False):
        self.low, self.high, self.open, self.allow_none = low, high, open, allow_none

    def text(self):
        left = "(" if self.low is None or self.open in ("low", "both") else "["
        right = ")" if self.high is None or self.open in ("high", "both") else "]"
        low = "-inf" if self.low is None else float(self.low)
        high = "inf" if self.high is None else float(self.high)
        return f"a float in the range {left}{low}, {high}{right}"

    def check(self, value, name, door):
        if value is None and self.allow_none:
            return None
        if not _is_real(value):
            _fail(TypeError, name, door, self._text(name), describe(value))
        x = float(value)
        low_ok = self.low is None or (x > self.low if self.open in ("low", "both") else x >= self.low)
        high_ok = self.high is None or (x < self.high if self.open in ("high", "both") else x <= self.high)
        if not (np.isfinite(x) and low_ok and high_ok):
            _fail(ValueError, name, door, self._text(name), describe(value))
        return x


class Bool(Rule):
    """True or False (NumPy's bools too)."""

    def text(self):
        return "a bool (True or False)"

    def check(self, value, name, door):
        if not isinstance(value, (bool, np.bool_)):
            _fail(TypeError, name, door, self.text(), describe(value))
        return bool(value)


class Option(Rule):
    """One of a table of names: ``names`` maps every accepted spelling to the value returned.

    ``fold_case`` matches in any case (the solver names); otherwise exactly.
    """

    def __init__(self, names, fold_case=False, allow_none=False):
        self.names = dict(names) if isinstance(names, dict) else {n: n for n in names}
        self.fold_case, self.allow_none = fold_case, allow_none

    def text(self):
        return f"a str among {list(self.names)}"

    def check(self, value, name, door):
        if value is None and self.allow_none:
            return None
        if not isinstance(value, str):
            _fail(TypeError, name, door, self._text(name), describe(value))
        key = value.lower() if self.fold_case else value
        table = {k.lower(): v for k, v in self.names.items()} if self.fold_case else self.names
        if key not in table:
            _fail(ValueError, name, door, self._text(name), describe(value))
        return table[key]


class RandomState(Rule):
    """None, an int >= 0 or a ``numpy.random.Generator`` (anything ``np.random.default_rng`` takes)."""

    def text(self):
        return "None, an int >= 0 or a numpy.random.Generator"

    def check(self, value, name, door):
        if isinstance(value, (bool, np.bool_, float, str, bytes)):
            _fail(TypeError, name, door, self.text(), describe(value))
        try:
            np.random.default_rng(value)
        except (TypeError, ValueError) as exc:
            _fail(type(exc), name, door, self.text(), describe(value))
        return value


class PathLike(Rule):
    """A str or os.PathLike (or None when ``allow_none``); returned unchanged."""

    def __init__(self, allow_none=False):
        self.allow_none = allow_none

    def text(self):
        return "a str or os.PathLike"

    def check(self, value, name, door):
        if value is None and self.allow_none:
            return None
        if not isinstance(value, (str, os.PathLike)):
            _fail(TypeError, name, door, self._text(name), describe(value))
        return value


class Function(Rule):
    """A callable (or None when ``allow_none``)."""

    def __init__(self, allow_none=True):
        self.allow_none = allow_none

    def text(self):
        return "a callable"

    def check(self, value, name, door):
        if value is None and self.allow_none:
            return None
        if not callable(value):
            _fail(TypeError, name, door, self._text(name), describe(value))
        return value


def n_params_of(layer_sizes, stop=None):
    """The number of parameters of a network of ``layer_sizes``: sum of (s_l + 1) s_{l+1}.

    With ``stop``, the sum ends as soon as it exceeds ``stop`` (a huge network is refused without adding up
    every layer) and returns that partial sum.
    """
    total = 0
    for fan_in, fan_out in zip(layer_sizes, layer_sizes[1:]):
        total += (fan_in + 1) * fan_out
        if stop is not None and total > stop:
            break
    return total


def _too_many_params(name, door, rule_text, value, n_params, what="That network"):
    _fail(ValueError, name, door, f"{rule_text} with at most {MAX_PARAMS} parameters", describe(value),
          f"{what} has {'more than ' if n_params > MAX_PARAMS else ''}{n_params:.3g} parameters; nnlearn's limit is "
          f"{MAX_PARAMS} ({MAX_PARAMS * 8 // 10**6} MB of float64 weights).")


class HiddenSizes(Rule):
    """Units per hidden layer: an int or a sequence of ints >= 1; returned as a tuple.

    ``()`` (no hidden layer: logistic or softmax regression) is allowed unless ``min_layers`` is 1.
    The smallest network with these hidden layers (one input, one output) must have at most
    :data:`MAX_PARAMS` parameters.
    """

    def __init__(self, min_layers=0):
        self.min_layers = min_layers

    def text(self):
        some = "a non-empty tuple" if self.min_layers else "a tuple"
        return f"an int or {some} of ints >= 1 such as (25,) or (64, 32)"

    def check(self, value, name, door):
        sizes = (value,) if _is_int(value) else value
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, (tuple, list, np.ndarray)):
            _fail(TypeError, name, door, self.text(), describe(value))
        sizes = tuple(sizes)
        if not all(_is_int(s) for s in sizes):
            _fail(TypeError, name, door, self.text(), describe(value))
        if len(sizes) < self.min_layers or any(s < 1 for s in sizes):
            _fail(ValueError, name, door, self.text(), describe(value))
        sizes = tuple(int(s) for s in sizes)
        if sizes:
            smallest = n_params_of((1, *sizes, 1), stop=MAX_PARAMS)
            if smallest > MAX_PARAMS:
                _too_many_params(name, door, self.text(), value, smallest,
                                 "Even with one input and one output, that network")
        return sizes


class LayerSizes(Rule):
    """All layer sizes ``[s_1, ..., s_L]``, inputs and outputs included: L >= 2 ints >= 1; a tuple."""

    def text(self):
        return "a sequence of at least 2 ints >= 1 such as [400, 25, 10]"

    def check(self, value, name, door):
        if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list, np.ndarray)):
            _fail(TypeError, name, door, self.text(), describe(value))
        sizes = tuple(value)
        if not all(_is_int(s) for s in sizes):
            _fail(TypeError, name, door, self.text(), describe(value))
        if len(sizes) < 2 or any(s < 1 for s in sizes):
            _fail(ValueError, name, door, self.text(), describe(value))
        sizes = tuple(int(s) for s in sizes)
        n_params = n_params_of(sizes, stop=MAX_PARAMS)
        if n_params > MAX_PARAMS:
            _too_many_params(name, door, self.text(), value, n_params)
        return sizes


class Activations(Rule):
    """A hidden activation for every hidden layer (a str), or one per hidden layer (a list or tuple of str).

    Returns the canonical name, or a tuple of canonical names (the door checks
    the length against the network).
    """

    def text(self):
        return f"a str among {list(_activations())} or a list of them, one per hidden layer"

    def check(self, value, name, door):
        names = _activations()
        if isinstance(value, str) and value in names:
            return names[value]
        if isinstance(value, (list, tuple)) and value and all(isinstance(a, str) and a in names for a in value):
            return tuple(names[a] for a in value)
        _fail(ValueError if isinstance(value, (str, list, tuple)) else TypeError, name, door, self.text(),
              describe(value))


def _activations():
    from .core.activations import ACTIVATION_NAMES

    return ACTIVATION_NAMES


def _outputs():
    from .core.losses import OUTPUT_NAMES

    return OUTPUT_NAMES


def _methods():
    from .core.optimizers import METHODS

    return METHODS


def _inits():
    from .core.params import INIT_METHODS

    return INIT_METHODS


# The one table of hyperparameter rules: every door that takes one of these names checks it here.
RULES = {
    "alpha": Real(0.0),
    "max_iter": Int(0, MAX_ITER),
    "learning_rate": Real(0.0, open="low", allow_none=True),
    "batch_size": Int(1, allow_none=True),
    "momentum": Real(0.0, 1.0, open="high"),
    "tol": Real(0.0, allow_none=True),
    "epsilon": Real(0.0),
    "epsilon_init": Real(0.0),
    "eps": Real(0.0, open="low"),
    "random_state": RandomState(),
    "callback": Function(),
    "hidden_layer_sizes": HiddenSizes(),
    "layer_sizes": LayerSizes(),
    "test_size": Real(0.0, 1.0, open="high"),
    "verbose": Bool(),
    "progress": Bool(),
    "early_stopping": Bool(),
    "validation_fraction": Real(0.0, 1.0, open="both"),
    "n_iter_no_change": Int(1, MAX_ITER),
    "warm_start": Bool(),
    "shuffle": Bool(),
}
# Rules built from the core's registries, looked up on first use (no import cycle).
_OPTION_RULES = {
    "activation": lambda: Option(_activations()),
    "output": lambda: Option(_outputs()),
    "method": lambda: Option(_methods(), fold_case=True),
    "solver": lambda: Option(_methods(), fold_case=True),
    "init": lambda: Option(_inits()),
}


def rule(name):
    """The :class:`Rule` of the hyperparameter ``name`` (a ``--flag`` uses its parameter's rule)."""
    key = str(name).lstrip("-").replace("-", "_")
    if key in RULES:
        return RULES[key]
    return _OPTION_RULES[key]()


def check(door, **values):
    """Check each ``name=value`` by its rule in :data:`RULES`; return the checked values in order.

    One value is returned as itself, several as a tuple. Names may be CLI flags
    given through ``**{"--max-iter": 5}``.
    """
    checked = tuple(rule(name).check(value, name, door) for name, value in values.items())
    return checked[0] if len(checked) == 1 else checked


def check_gradcheck_size(m, n_params, door, name="m"):
    """``m`` if a gradient check of ``m`` samples on ``n_params`` parameters is within :data:`GRADCHECK_MAX_WORK`.

    A central-difference check evaluates the cost ``2 n_params`` times on the
    ``m`` samples, each evaluation about ``m n_params`` multiply-adds: the work
    grows as ``m n_params**2``, and is refused above the limit with the
    largest ``m`` that fits.
    """
    largest = max(1, GRADCHECK_MAX_WORK // max(1, n_params) ** 2)
    if m > largest:
        _fail(ValueError, name, door, f"an int in the range [1, {largest}] for a network of {n_params} parameters",
              describe(m), f"A gradient check evaluates the cost 2 x {n_params} times on m samples; nnlearn's limit "
              f"is m * n_params**2 <= {GRADCHECK_MAX_WORK:.0e}.")
    return m


def check_method(method, n_params, door, name="method"):
    """The canonical method name (see :data:`nnlearn.core.optimizers.METHODS`), refusing BFGS on a big network."""
    from .core.optimizers import DENSE_HESSIAN_MAX_PARAMS

    method = rule(name).check(method, name, door)
    if method == "BFGS" and n_params > DENSE_HESSIAN_MAX_PARAMS:
        _fail(
            ValueError, name, door, f"a method other than 'BFGS' for a network of more than {DENSE_HESSIAN_MAX_PARAMS} "
            "parameters", f"'BFGS' with {n_params} parameters",
            f"BFGS keeps a dense {n_params} x {n_params} Hessian approximation ({n_params ** 2 * 8 / 2**30:.1f} GiB); "
            "use 'L-BFGS-B', 'CG' or 'fmincg'.",
        )
    return method


# -- arrays ------------------------------------------------------------------------


def _shape_text(arr):
    return f"a {arr.ndim}-D array of shape {arr.shape}"


def check_array(value, name, door, what="an array of numbers"):
    """``value`` as a NumPy array of bools, ints or floats."""
    try:
        arr = np.asarray(value)
    except Exception:  # ragged lists and other things NumPy cannot hold
        _fail(ValueError, name, door, what, describe(value), "It could not be converted to an array (ragged rows?).")
    if arr.dtype.kind not in "biuf":
        got = describe(value) if arr.ndim == 0 else f"an array of dtype {arr.dtype}"
        _fail(TypeError, name, door, what, got)
    return arr


def check_X(X, door, n_features=None, name="X", feature_source="layer_sizes[0]"):
    """``X`` as a finite, C-contiguous float array of shape (m, n), m >= 1.

    float32 input stays float32 (the kernel computes in float32); anything else
    numeric becomes float64. With ``n_features`` the columns must match it
    (``feature_source`` says where the number comes from). Features larger than
    :data:`LARGE_FEATURE` warn that sigmoid and tanh units saturate.
    """
    X = check_array(X, name, door, "a 2-D array of numbers of shape (m, n)")
    if X.ndim != 2:
        _fail(ValueError, name, door, "a 2-D array of shape (m, n)", _shape_text(X),
              "Reshape a single sample with X.reshape(1, -1)." if X.ndim == 1 else "")
    if X.shape[0] == 0:
        _fail(ValueError, name, door, "a 2-D array with at least 1 row", _shape_text(X))
    if X.dtype != np.float32:
        X = X.astype(np.float64, copy=False)
    # Two reductions and no m x n temporaries: NaN propagates through min and max,
    # and an infinity is the minimum or the maximum.
    low, high = (float(X.min()), float(X.max())) if X.size else (0.0, 0.0)
    if not (np.isfinite(low) and np.isfinite(high)):
        bad = "NaN" if np.isnan(low) or np.isnan(high) else "infinity"
        _fail(ValueError, name, door, "finite (no NaN or infinity)", f"an array containing {bad}")
    if n_features is not None and X.shape[1] != n_features:
        _fail(ValueError, name, door, f"an array with {n_features} features ({feature_source})",
              f"{X.shape[1]} features")
    warn_large_features(max(-low, high), name)
    return np.ascontiguousarray(X)


def warn_large_features(scale, name="X"):
    """Warn when the largest ``|X|``, ``scale``, exceeds :data:`LARGE_FEATURE`: sigmoid and tanh units saturate."""
    if scale > LARGE_FEATURE:
        warnings.warn(
            f"{name} has features as large as {scale:.3g}; sigmoid and tanh units saturate on such "
            "inputs. Scale the features (e.g. sklearn.preprocessing.StandardScaler) before training.",
            UserWarning,
            stacklevel=4,
        )


def check_targets(y, m, K, output, door, name="y"):
    """The target matrix ``Y`` of shape (m, K), float64, from ``y``.

    For the classification outputs (sigmoid, softmax) ``y`` is either 1-D class
    indices ``0..K-1`` (for K == 1: 0/1 targets) or a 2-D (m, K) 0/1 matrix,
    and for a softmax output every row must hold one 1. For the identity output
    (regression) ``y`` holds finite real numbers: shape (m,) when K == 1, or (m, K).
    """
    from .core.losses import OUTPUTS, one_hot

    if OUTPUTS[output].regression:
        return _real_targets(y, m, K, door, name)

    y = check_array(y, name, door, "class indices of shape (m,) or 0/1 targets of shape (m, K)")
    if y.ndim == 2 and y.shape[1] == 1 and K != 1:
        y = y.ravel()
    n_classes = max(K, 2)
    if y.ndim == 1:
        rule = f"{m} class indices in 0..{n_classes - 1} (one per row of X; the network has {K} output unit{'s' if K != 1 else ''})"
        if y.shape[0] != m:
            _fail(ValueError, name, door, rule, f"{y.shape[0]} entries")
        if not np.all(np.isfinite(y)) or np.any(y != np.round(y)):
            _fail(ValueError, name, door, rule, "non-integer values")
        outside = (y < 0) | (y >= n_classes)
        if np.any(outside):
            _fail(ValueError, name, door, rule, f"class index {y[outside][0]:g}")
        return one_hot(y.astype(np.intp), K)
    if y.ndim == 2:
        rule = f"a 0/1 target matrix of shape ({m}, {K}) (one row per row of X, one column per output unit)"
        if y.shape != (m, K):
            _fail(ValueError, name, door, rule, _shape_text(y))
        if not np.all((y == 0) | (y == 1)):
            _fail(ValueError, name, door, rule, "values other than 0 and 1")
        Y = y.astype(np.float64)
        ones = Y.sum(axis=1)
        if output == "softmax" and not np.all(ones == 1):
            row = int(np.flatnonzero(ones != 1)[0])
            _fail(ValueError, name, door, rule + " with exactly one 1 per row (one-hot) for a softmax output",
                  f"row {row} with {int(ones[row])} ones")
        return Y
    _fail(ValueError, name, door, "class indices of shape (m,) or 0/1 targets of shape (m, K)", _shape_text(y))


def _real_targets(y, m, K, door, name):
    """Real-valued targets of an identity output as a float64 (m, K) array."""
    shape = f"({m},) or ({m}, 1)" if K == 1 else f"({m}, {K})"
    rule = f"finite real targets of shape {shape} (one row per row of X, one column per output unit)"
    y = check_array(y, name, door, rule)
    if y.shape != (m, K) and not (K == 1 and y.shape == (m,)):
        _fail(ValueError, name, door, rule, _shape_text(y))
    Y = y.astype(np.float64).reshape(m, K)
    if not np.all(np.isfinite(Y)):
        _fail(ValueError, name, door, rule, "an array containing NaN or infinity")
    return Y


def check_sample_weight(sample_weight, m, door, name="sample_weight"):
    """``sample_weight`` as a float64 array of shape (m,): finite, >= 0, with a positive sum; None stays None."""
    if sample_weight is None:
        return None
    rule = f"None or {m} finite weights >= 0 (one per row of X) with a positive sum"
    w = check_array(sample_weight, name, door, rule)
    if w.ndim == 0:
        w = np.full(m, float(w))  # one number weights every row alike, as scikit-learn accepts
    if w.shape != (m,):
        _fail(ValueError, name, door, rule, _shape_text(w))
    w = w.astype(np.float64)
    if not np.all(np.isfinite(w)):
        _fail(ValueError, name, door, rule, "an array containing NaN or infinity")
    if np.any(w < 0):
        _fail(ValueError, name, door, rule, f"the negative weight {w[w < 0][0]:g}")
    with np.errstate(over="ignore"):  # an overflowing sum is reported below
        total = float(w.sum())
    if not total > 0:
        _fail(ValueError, name, door, rule, "weights that are all zero")
    if not np.isfinite(total):
        _fail(ValueError, name, door, rule, "weights whose sum overflows float64")
    return w


def check_theta(theta, n_params, door, name="theta"):
    """``theta`` as a finite 1-D float64 array of length ``n_params`` (None: any length >= 1)."""
    rule = f"a 1-D array of {n_params} finite numbers" if n_params is not None else "a non-empty 1-D array of finite numbers"
    theta = check_array(theta, name, door, rule)
    if theta.ndim != 1 or theta.size != (n_params if n_params is not None else max(theta.size, 1)):
        hint = "Flatten it with Network.pack." if n_params is not None and theta.size == n_params else ""
        _fail(ValueError, name, door, rule, _shape_text(theta), hint)
    theta = theta.astype(np.float64, copy=False)
    if not np.all(np.isfinite(theta)):
        _fail(ValueError, name, door, rule, "an array containing NaN or infinity")
    return theta


def check_result(compute, what, door, theta, X):
    """``compute()``, the kernel's answer for a door, if it is all finite; else a FloatingPointError.

    ``compute`` runs without NumPy's overflow warnings: non-finite numbers in
    what a door returns (a cost, a gradient, output activations) mean the
    network's units overflow float64 with these weights and inputs, and that is
    reported once, as an error naming the overflow, never returned as a result.
    ``theta`` is the flat weights or the list ``Thetas``. A tuple result is
    checked item by item.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        value = compute()
    if all(np.all(np.isfinite(item)) for item in (value if isinstance(value, tuple) else (value,))):
        return value
    largest = max(float(np.max(np.abs(T))) for T in (theta if isinstance(theta, list) else [theta]))
    raise FloatingPointError(
        f"{door}: the {what} overflowed float64: the network's units overflow with these weights (largest |theta| "
        f"{largest:.3g}) and inputs (largest |X| {float(np.max(np.abs(X))):.3g}); "
        "use smaller weights or scale the features."
    )
