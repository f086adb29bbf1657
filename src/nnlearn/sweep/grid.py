"""The parameter grid of a sweep: checked, normalized to JSON values, expanded, and identified.

A combination is a dict of every :class:`~nnlearn.MLPClassifier` parameter
except ``verbose`` (:data:`PARAM_NAMES`; :class:`~nnlearn.MLPRegressor`'s,
:data:`REGRESSOR_PARAM_NAMES`, for regression), each a JSON value
(``hidden_layer_sizes`` a list), so that equal settings compare, hash and
serialize equally. :func:`run_id` turns one into the 16 hex digits that
``resume`` recognizes.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import numbers
from collections.abc import Mapping

import numpy as np

from .. import _validation as v
from ..estimator import MLPClassifier, MLPRegressor

__all__ = ["PARAM_NAMES", "REGRESSOR_PARAM_NAMES", "expand_grid", "check_grid", "estimator_params", "run_id"]

# Grid keys: the estimator's parameters; verbose would only draw progress bars inside workers.
PARAM_NAMES = tuple(name for name in MLPClassifier().get_params() if name != "verbose")
REGRESSOR_PARAM_NAMES = tuple(name for name in MLPRegressor().get_params() if name != "verbose")
ESTIMATORS = {"classification": MLPClassifier, "regression": MLPRegressor}
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


def _json_value(name, value):
    """A parameter value as plain JSON data, so equal settings get equal ids (1 and 1.0 are one alpha).

    Strings keep the spelling given (``"lbfgs"`` stays ``"lbfgs"``), so ids stay those of earlier sweeps.
    """
    if name == "hidden_layer_sizes":
        return [int(s) for s in ((value,) if isinstance(value, numbers.Integral) else value)]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return float(value) if name in _FLOAT_PARAMS else int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    return value  # None, bool, str


def _checked_value(key, value, name, door):
    """One grid value checked by the rule of MLPClassifier's parameter ``key``, as JSON data."""
    v.rule(key).check(value, name, door)
    if key == "random_state" and not (value is None or isinstance(value, numbers.Integral)):
        # MLPClassifier takes any seed numpy takes; a sweep writes each run's seed to JSON.
        raise TypeError(v.message(name, door, "None or an int >= 0 (a sweep writes each run's seed to JSON)",
                                  v.describe(value)))
    return _json_value(key, value)


def _check_key(key, where, door, names=PARAM_NAMES):
    rule = f"a dict whose keys are parameter names among {list(names)}"
    if not isinstance(key, str):
        raise TypeError(v.message(where, door, rule, f"the key {v.describe(key)}"))
    if key not in names:
        guess = _KEY_HINTS.get(key.lower()) or next(iter(difflib.get_close_matches(key, names, n=1)), None)
        hint = f"Did you mean {guess!r}?" if guess in names else ""
        if key == "output" and names is REGRESSOR_PARAM_NAMES:
            hint = "A regression network's output is always 'identity'."
        raise ValueError(v.message(where, door, rule, f"the key {key!r}") + (f" {hint}" if hint else ""))


def _expand_one(grid, where, door, names=PARAM_NAMES):
    """Every combination of one dict grid, last key varying fastest."""
    keys, columns = [], []
    for key, values in grid.items():
        _check_key(key, where, door, names)
        name = f"{where}[{key!r}]"
        if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, (list, tuple, range, np.ndarray)):
            raise TypeError(
                v.message(name, door, "a list of values", v.describe(values))
                + f" Wrap a single value in a list: [{values!r}]."
            )
        values = list(values)
        if not values:
            raise ValueError(v.message(name, door, "a non-empty list of values", "[]"))
        column = []
        for i, value in enumerate(values):
            value = _checked_value(key, value, f"{name}[{i}]", door)
            if value in column:
                raise ValueError(v.message(name, door, "a list of distinct values", f"{v.describe(value)} twice"))
            column.append(value)
        keys.append(key)
        columns.append(column)
    return [dict(zip(keys, combo)) for combo in itertools.product(*columns)]


def check_grid(grid, door, task="classification"):
    """The combinations of ``grid`` (see :func:`expand_grid`), every key and value checked for the door ``door``.

    Each value is checked by the rule of the :class:`~nnlearn.MLPClassifier`
    parameter of the same name (:data:`nnlearn._validation.RULES`), so a value
    the estimator refuses is refused here, before any run starts. For
    ``task="regression"`` the keys are :class:`~nnlearn.MLPRegressor`'s
    parameters (no ``output``: it is always identity).
    """
    estimator = ESTIMATORS[task]
    names = REGRESSOR_PARAM_NAMES if task == "regression" else PARAM_NAMES
    if isinstance(grid, Mapping):
        grids = [grid]
    elif isinstance(grid, (list, tuple)) and grid and all(isinstance(g, Mapping) for g in grid):
        grids = list(grid)
    else:
        raise TypeError(v.message(
            "grid", door, "a dict mapping parameter names to lists of values, or a non-empty list of such dicts",
            v.describe(grid),
        ))
    defaults = {name: _json_value(name, value) for name, value in estimator().get_params().items()
                if name in names}
    combinations, seen = [], set()
    for i, one in enumerate(grids):
        for combo in _expand_one(one, "grid" if len(grids) == 1 else f"grid[{i}]", door, names):
            params = {**defaults, **combo}
            key = json.dumps(params, sort_keys=True)
            if key not in seen:
                seen.add(key)
                combinations.append(params)
    return combinations


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
    return check_grid(grid, "sweep.expand_grid")


def estimator_params(params):
    """The keyword arguments of the estimator for a combination (``hidden_layer_sizes`` a tuple)."""
    return {**params, "hidden_layer_sizes": tuple(params["hidden_layer_sizes"])}


def run_id(params, data_id, split):
    """16 hex digits: the SHA-1 of the canonical JSON of the data fingerprint, split and parameters."""
    identity = json.dumps({"data": data_id, "params": params, "split": split}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(identity.encode()).hexdigest()[:16]
