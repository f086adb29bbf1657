"""One run of a sweep: fit one combination and measure it, wherever the backend executes it.

Joblib and Dask pickle :func:`fit_one` by reference (``nnlearn.sweep.fit.fit_one``),
so every worker needs nnlearn installed.
"""

from __future__ import annotations

import time
import warnings

from ..core import threads
from ..estimator import MLPClassifier
from ..optimize import TrainingInterrupted
from .grid import estimator_params

__all__ = ["fit_one"]


def fit_one(index, params, data, blas_threads):
    """Fit one combination; returns ``(index, outcome, model)``, model None on failure.

    Failures of the fit are returned, not raised, like ``GridSearchCV(error_score=nan)``.
    """
    from sklearn.exceptions import ConvergenceWarning

    X_train, y_train, X_test, y_test = data
    # Every BLAS pool of the process, reference-counted: runs in threads of one process (a Dask worker with
    # several threads) share the limit instead of lifting it when the first of them ends (nnlearn.core.threads).
    limit = threads.every_blas_limited(blas_threads)
    model = MLPClassifier(**estimator_params(params))
    start = time.perf_counter()
    with limit, warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # a sweep stops at max_iter on purpose
        warnings.simplefilter("ignore", TrainingInterrupted)  # an interrupted run is dropped, see run()
        try:
            model.fit(X_train, y_train)
        except Exception as err:  # noqa: BLE001 - recorded as the run's outcome, as GridSearchCV does
            outcome = {"error": f"{type(err).__name__}: {err}", "seconds": time.perf_counter() - start}
            return index, outcome, None
        seconds = time.perf_counter() - start
        result = model.train_result_
        outcome = {
            "train_accuracy": float(model.score(X_train, y_train)),
            "test_accuracy": None if X_test is None else float(model.score(X_test, y_test)),
            "final_cost": float(model.loss_curve_[-1]),
            "n_iter": int(model.n_iter_),
            "n_evaluations": int(result.n_evaluations),
            "converged": bool(result.converged),
            "message": str(result.message),
            "interrupted": bool(result.interrupted),
            "seconds": seconds,
            "error": None,
        }
    return index, outcome, model
