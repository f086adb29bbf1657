"""Checks of :func:`~nnlearn.sweep.run`'s execution options, made before any run starts."""

from __future__ import annotations

import numbers

import numpy as np

from .._validation import _describe

__all__ = ["check_n_jobs", "check_bool", "check_int_at_least", "check_blas_threads", "check_scheduler"]


def check_n_jobs(n_jobs):
    """``n_jobs`` as an int (None is 1)."""
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral):
        raise TypeError(f"n_jobs must be an int (-1 for every core) or None; got {type(n_jobs).__name__} {_describe(n_jobs)}.")
    if n_jobs == 0:
        raise ValueError("n_jobs must be a positive int, or negative to count back from the number of cores (-1: all); got 0.")
    return int(n_jobs)


def check_bool(value, name):
    """``value`` as a bool (numpy bools accepted)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {type(value).__name__} {_describe(value)}.")
    return bool(value)


def check_int_at_least(value, name, minimum, allow_none=False):
    """``value`` as an int >= ``minimum`` (or None with ``allow_none``); TypeError for a non-int, ValueError below."""
    if value is None and allow_none:
        return None
    message = f"{name} must be an int >= {minimum}{' or None' if allow_none else ''}; got {_describe(value)}."
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(message)
    if value < minimum:
        raise ValueError(message)
    return int(value)


def check_blas_threads(blas_threads):
    """Refuse a ``blas_threads`` that is neither None nor an int >= 1."""
    check_int_at_least(blas_threads, "blas_threads", 1, allow_none=True)


def check_scheduler(scheduler, n_jobs):
    """Refuse a ``scheduler`` that is neither None, an address nor a Client, or one given with ``n_jobs`` != 1."""
    if scheduler is None:
        return
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
