"""The model files of a sweep (``save_weights=True``): ``<results stem>.weights/<id>.npz`` beside the results file.

A resumed sweep reads back only files it made: the name a record gives must be
exactly ``<results stem>.weights/<its id>.npz`` (no other folder, no ``..``,
no absolute path, a str), and the file is read by
:func:`nnlearn.model_io.load_model`, which refuses a FIFO or a device unread
and bounds what a crafted file can make it allocate.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
import warnings
from pathlib import Path

from ..model_io import load_model, save_model

__all__ = ["load_weights", "save_weights", "stored_thetas", "weights_folder", "check_weights_folder"]

_RUN_ID = re.compile(r"[0-9a-f]{16}")


def weights_folder(results_path):
    """The folder of the weight files of the sweep whose results file is ``results_path``."""
    results_path = Path(results_path)
    return results_path.with_name(results_path.stem + ".weights")


def check_weights_folder(results_path):
    """Refuse, before any run, a weights folder that cannot hold the sweep's model files.

    The folder ``<results stem>.weights`` must not be the results file itself
    (``--results x.weights``), must be a directory if it exists, and must be
    writable (a temporary file is created and removed in it, or in the
    results file's directory when it does not exist yet).

    Raises
    ------
    ValueError, NotADirectoryError, OSError
        With a ``reason`` attribute saying what is wrong in words.
    """
    results_path = Path(results_path)
    folder = weights_folder(results_path)
    if os.path.abspath(folder) == os.path.abspath(results_path):
        raise _refusal(ValueError, f"its weights folder {folder.name} would be the results file itself; name the "
                       "results file *.jsonl", results_path)
    if folder.exists() and not folder.is_dir():
        raise _refusal(NotADirectoryError, f"its weights folder {folder} exists and is not a directory",
                       results_path, errno.ENOTDIR)
    where = folder if folder.is_dir() else results_path.parent
    try:
        fd, probe = tempfile.mkstemp(prefix=".nnlearn-probe-", dir=where)
    except OSError as exc:
        raise _refusal(type(exc), f"the weights cannot be written in {where} ({exc.strerror or exc})",
                       results_path, exc.errno) from None
    os.close(fd)
    os.unlink(probe)


def _refusal(cls, reason, path, code=errno.EINVAL):
    exc = cls(code, reason, str(path)) if issubclass(cls, OSError) else cls(f"{path}: {reason}")
    exc.reason = reason
    return exc


def save_weights(results_path, run_id, model):
    """Save the fitted ``model`` of the run ``run_id`` atomically; return its path relative to the results file's directory."""
    folder = weights_folder(results_path)
    folder.mkdir(exist_ok=True)
    save_model(folder / f"{run_id}.npz", model)  # atomically
    return f"{folder.name}/{run_id}.npz"


def load_weights(path):
    """The weight matrices of a run saved with ``save_weights=True``.

    Parameters
    ----------
    path : str or path-like
        The ``.npz`` file; a record's ``"weights"`` is relative to the results
        file's directory: ``Path(results_path).parent / record["weights"]``.

    Returns
    -------
    thetas : list of ndarray, ``thetas[l]`` of shape (s_{l+1}, s_l + 1), column 0 the biases

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If the file is not an nnlearn model file (see
        :func:`nnlearn.model_io.load_model`): it then holds no weight matrices.
    """
    try:
        model = load_model(path)
    except ValueError as err:
        raise ValueError(f"{path} holds no weight matrices (theta_0, theta_1, ...) that nnlearn reads: {err}") from None
    if isinstance(model, tuple):  # a Network file
        net, theta = model
        return [T.copy() for T in net.unpack(theta)]
    return [T.copy() for T in model.thetas_]


def stored_thetas(record, results_path):
    """The saved weight matrices of a resumed ``record``, or None if it has none or they cannot be read.

    Only the file this sweep would have made for the record is read; a
    record naming anything else gets None and a warning.
    """
    name = record.get("weights")
    if name is None or name == "":
        return None
    run_id = record.get("id")
    folder = weights_folder(results_path)
    if not (isinstance(run_id, str) and _RUN_ID.fullmatch(run_id) and name == f"{folder.name}/{run_id}.npz"):
        warnings.warn(f"{results_path}: the record of run {str(run_id)[:16]!r} names the weights {str(name)[:80]!r}, "
                      f"not {folder.name}/<id>.npz that the sweep writes; they are not read.", UserWarning, stacklevel=3)
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. hyperparameters of a newer nnlearn: the weights are what is read
            return load_weights(folder / f"{run_id}.npz")
    except (OSError, ValueError):
        return None
