"""A finished run's record: its fields, the warning for a failed fit, its weights file and line written."""

from __future__ import annotations

import json
import warnings
from datetime import datetime, timezone

from .fit import scores_of
from .results_file import from_json
from .weights import save_weights as _save_weights

__all__ = ["finish"]


def finish(outcome, model, params, run_id, context, results_file, save_weights, keep_weights, held_out):
    """Write the run's weights and line; return its in-memory record."""
    record = {"id": run_id, **context, **params}
    outcome = dict(outcome)
    outcome.pop("interrupted", None)
    names = scores_of(context.get("task", "classification"))
    for name in names:
        if not held_out:
            outcome.pop(f"test_{name}", None)
        elif outcome.get("error"):
            outcome[f"test_{name}"] = None
    if outcome.get("error"):
        from sklearn.exceptions import FitFailedWarning

        for key in (*(f"train_{name}" for name in names), "final_cost", "n_iter", "n_evaluations", "converged", "message"):
            outcome.setdefault(key, None)
        shown = {k: params[k] for k in params if k in ("alpha", "max_iter", "hidden_layer_sizes", "solver", "random_state")}
        warnings.warn(f"The run {shown} failed: {outcome['error']}", FitFailedWarning, stacklevel=3)  # run's caller
    record.update(outcome)
    record["weights"] = None
    if results_file is not None and save_weights and model is not None:
        record["weights"] = _save_weights(results_file.path, run_id, model)  # before the line that names it
    record["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    line = json.dumps(record, allow_nan=False, separators=(", ", ": "))
    if results_file is not None:
        results_file.append(line)
    record = from_json(json.loads(line))  # the record as a resumed sweep would read it back
    if keep_weights:
        record["thetas"] = [T.copy() for T in model.thetas_] if model is not None else None
    return record
