"""The parameter grid of a sweep: checked, normalized to JSON values, expanded, and identified.

A combination is a dict of every :class:`~nnlearn.MLPClassifier` parameter
except ``verbose`` (:data:`PARAM_NAMES`), each a JSON value
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

from .._validation import _describe
from ..estimator import MLPClassifier

__all__ = ["PARAM_NAMES", "expand_grid", "estimator_params", "run_id"]

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
                MLPClassifier(**estimator_params(params))._validate_hyperparameters()
            except (TypeError, ValueError) as err:
                raise type(err)(f"{err} (a value of the sweep grid)") from None
            combinations.append(params)
    return combinations


def estimator_params(params):
    """The keyword arguments of :class:`~nnlearn.MLPClassifier` for a combination (``hidden_layer_sizes`` a tuple)."""
    return {**params, "hidden_layer_sizes": tuple(params["hidden_layer_sizes"])}


def run_id(params, data_id, split):
    """16 hex digits: the SHA-1 of the canonical JSON of the data fingerprint, split and parameters."""
    identity = json.dumps({"data": data_id, "params": params, "split": split}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(identity.encode()).hexdigest()[:16]
