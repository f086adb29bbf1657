"""Argument checks shared by the data set functions, in sklearn's message shape.

"The 'noise' parameter of make_moons must be a float in the range [0, inf). Got -1.0 instead."
"""

import numbers
import os

import numpy as np

__all__ = ["check_int", "check_real", "check_random_state", "check_path_type"]


def check_int(value, name, func, low, high=None, high_text=None):
    """``value`` as an int in [low, high]; ``high_text`` names the bound in the message (e.g. "n_arms")."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"The '{name}' parameter of {func} must be an int. "
            f"Got {value!r} of type {type(value).__name__} instead."
        )
    value = int(value)
    if value < low or (high is not None and value > high):
        if high is None:
            interval = f"[{low}, inf)"
        elif high_text is None:
            interval = f"[{low}, {high}]"
        else:
            interval = f"[{low}, {high_text}] (here {high_text} = {high})"
        raise ValueError(
            f"The '{name}' parameter of {func} must be an int in the range "
            f"{interval}. Got {value!r} instead."
        )
    return value


def check_real(value, name, func, positive=False):
    """``value`` as a finite float, > 0 if ``positive`` else >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"The '{name}' parameter of {func} must be a float. "
            f"Got {value!r} of type {type(value).__name__} instead."
        )
    value = float(value)
    bad = not np.isfinite(value) or (value <= 0 if positive else value < 0)
    if bad:
        interval = "(0, inf)" if positive else "[0, inf)"
        raise ValueError(
            f"The '{name}' parameter of {func} must be a float in the range "
            f"{interval}. Got {value!r} instead."
        )
    return value


def check_random_state(random_state, func):
    """``np.random.default_rng(random_state)``, with the message naming ``func`` if the seed is invalid."""
    try:
        return np.random.default_rng(random_state)
    except (TypeError, ValueError) as exc:
        raise type(exc)(
            f"The 'random_state' parameter of {func} must be None, an int >= 0 "
            f"or a numpy.random.Generator. Got {random_state!r} instead ({exc})."
        ) from exc


def check_path_type(value, name, func):
    """``value`` itself if it is a str or os.PathLike; else a TypeError naming ``name`` and ``func``."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(
            f"The '{name}' parameter of {func} must be a str or os.PathLike. "
            f"Got {type(value).__name__} instead."
        )
    return value
