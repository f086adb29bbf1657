"""The model files of a sweep (``save_weights=True``): ``<results stem>.weights/<id>.npz`` beside the results file."""

from __future__ import annotations

import numpy as np

from ..model_io import save_model

__all__ = ["load_weights", "save_weights", "stored_thetas"]


def save_weights(results_path, run_id, model):
    """Save the fitted ``model`` of the run ``run_id`` atomically; return its path relative to the results file's directory."""
    folder = results_path.with_name(results_path.stem + ".weights")
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
        If the file holds no ``theta_0``.
    """
    with np.load(path, allow_pickle=False) as archive:
        names = set(archive.files)
        thetas = [archive[f"theta_{l}"] for l in range(len(names)) if f"theta_{l}" in names]
    if not thetas:
        raise ValueError(f"{path} holds no weight matrices (theta_0, theta_1, ...); its arrays are {sorted(names)}.")
    return thetas


def stored_thetas(record, results_path):
    """The saved weight matrices of a resumed ``record``, or None if it has none or they cannot be read."""
    if not record.get("weights"):
        return None
    try:
        return load_weights(results_path.parent / record["weights"])
    except (OSError, ValueError):
        return None
