"""Progress bars that fit where they run: a widget in Jupyter, a text bar in a terminal, nothing when off.

Every progress bar of nnlearn (:func:`nnlearn.train`, :func:`nnlearn.sweep.run`,
:func:`nnlearn.report.build_report`, the estimators' ``verbose``) is a
``tqdm.auto`` bar made by :func:`bar`. ``progress=None`` means "show it in an
interactive session" (:func:`interactive`): a Jupyter or IPython session, or
Python's interactive prompt; never in a script, a test or a pipe.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np

from . import _validation as v

__all__ = ["interactive", "resolve", "bar", "PROGRESS"]


class ShowProgress(v.Rule):
    """The ``progress`` argument of the doors that train: True, False or None (show when interactive)."""

    allow_none = True

    def text(self):
        return "a bool (True or False)"

    def check(self, value, name, door):
        if value is None:
            return None
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(v.message(name, door, self._text(name), v.describe(value)))
        return bool(value)


PROGRESS = ShowProgress()


def interactive():
    """True in Jupyter, IPython or Python's interactive prompt (``python -i`` or the bare REPL)."""
    ipython = sys.modules.get("IPython")
    if ipython is not None:
        get_ipython = getattr(ipython, "get_ipython", None)
        if get_ipython is not None and get_ipython() is not None:
            return True
    return hasattr(sys, "ps1") or bool(sys.flags.interactive)


def resolve(progress):
    """``progress`` (a checked bool or None) as a bool: None is :func:`interactive`."""
    return interactive() if progress is None else bool(progress)


def _tqdm():
    from tqdm import TqdmWarning

    with warnings.catch_warnings():
        # In a kernel without ipywidgets, tqdm.auto warns once ("IProgress not found") and falls
        # back to the text bar on stderr: the text bar is the right thing there, the warning noise.
        warnings.simplefilter("ignore", TqdmWarning)
        from tqdm.auto import tqdm
    return tqdm


def bar(total, desc, unit="it", enabled=True, **kwargs):
    """A ``tqdm.auto`` bar of ``total`` steps; disabled (it draws nothing) when ``enabled`` is False.

    Use it as a context manager or close it; ``kwargs`` go to tqdm (``initial``, ``leave``, ...).
    """
    kwargs.setdefault("dynamic_ncols", True)
    return _tqdm()(total=total, desc=desc, unit=unit, disable=not enabled, **kwargs)
