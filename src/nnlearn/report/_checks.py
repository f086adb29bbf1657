"""Checks of :func:`nnlearn.report.build_report`'s arguments, all made before any work."""

from __future__ import annotations

import numbers
import os

from .._validation import check_alpha, check_int


def _check_path_like(value, name, allow_none=False):
    if value is None and allow_none:
        return None
    if not isinstance(value, (str, os.PathLike)):
        none = " or None" if allow_none else ""
        raise TypeError(f"{name} must be a str or os.PathLike{none}; got {type(value).__name__} {value!r}.")
    return value


def _check_hidden(hidden):
    """``hidden`` as a tuple of ints >= 1: an int or a non-empty sequence of ints."""
    if isinstance(hidden, numbers.Integral) and not isinstance(hidden, bool):
        hidden = (hidden,)
    if isinstance(hidden, (str, bytes)) or not hasattr(hidden, "__iter__"):
        raise TypeError(f"hidden must be an int or a sequence of ints such as (25,); got {type(hidden).__name__} {hidden!r}.")
    sizes = tuple(hidden)
    if not sizes:
        raise ValueError("hidden must name at least one hidden layer (the report shows its units as images); got ().")
    for i, s in enumerate(sizes):
        if isinstance(s, bool) or not isinstance(s, numbers.Integral):
            raise TypeError(f"hidden[{i}] must be an int; got {type(s).__name__} {s!r}.")
        if s < 1:
            raise ValueError(f"hidden[{i}] must be >= 1 unit; got {s}.")
    return tuple(int(s) for s in sizes)


def _check_solver(solver):
    from ..optimize import METHODS

    if not isinstance(solver, str):
        raise TypeError(f"solver must be a str, one of {list(METHODS)}; got {type(solver).__name__} {solver!r}.")
    for name in METHODS:
        if solver.lower() == name.lower():
            return name
    raise ValueError(f"solver must be one of {list(METHODS)}; got {solver!r}.")


def _check_grid(grid):
    """``grid`` as ``{"alpha": [float, ...], "max_iter": [int, ...]}``, both non-empty."""
    if not isinstance(grid, dict):
        raise TypeError(f"grid must be a dict with keys 'alpha' and 'max_iter'; got {type(grid).__name__}.")
    if set(grid) != {"alpha", "max_iter"}:
        raise ValueError(f"grid must have exactly the keys 'alpha' and 'max_iter'; got {sorted(map(str, grid))}.")
    alphas = grid["alpha"]
    iters = grid["max_iter"]
    for key, values in (("alpha", alphas), ("max_iter", iters)):
        if isinstance(values, (str, bytes)) or not hasattr(values, "__len__") or len(values) == 0:
            raise ValueError(f"grid[{key!r}] must be a non-empty list; got {values!r}.")
    alphas = [check_alpha(a, name="grid['alpha'] entry") for a in alphas]
    iters = [check_int(i, "grid['max_iter'] entry", minimum=1) for i in iters]
    return {"alpha": sorted(set(alphas)), "max_iter": sorted(set(iters))}


def _check_data(data):
    """``data`` if it names digit data (see :func:`nnlearn.datasets.kind_of`): "digits20" or a .mat path."""
    from .. import datasets

    _check_path_like(data, "data")
    try:
        kind = datasets.kind_of(data)
    except ValueError:
        kind = None
    if kind != "digits":
        raise ValueError(
            f"data must be 'digits20' or a path to the course's ex4data1.mat/ex3data1.mat (a .mat file); "
            f"got {os.fspath(data)!r}."
        )
    return data
