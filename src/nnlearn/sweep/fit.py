"""One run of a sweep: fit one combination and measure it, wherever the backend executes it.

Joblib and Dask pickle :func:`fit_one` by reference (``nnlearn.sweep.fit.fit_one``),
so every worker needs nnlearn installed.
"""

from __future__ import annotations

import time
import warnings
from contextlib import nullcontext

from ..estimator import MLPClassifier, MLPRegressor
from ..metrics import scores
from ..optimize import TrainingInterrupted
from .grid import estimator_params

__all__ = ["fit_one", "scores_of"]


def fit_one(index, params, data, blas_threads):
    """Fit one combination; returns ``(index, outcome, model)``, model None on failure.

    ``data`` is ``(X_train, y_train, X_test, y_test)`` and optionally the task,
    ``"classification"`` (an MLPClassifier, scored by accuracy; the default)
    or ``"regression"`` (an MLPRegressor, scored by R^2 and RMSE).
    Failures of the fit are returned, not raised, like ``GridSearchCV(error_score=nan)``.
    """
    from sklearn.exceptions import ConvergenceWarning

    X_train, y_train, X_test, y_test, *rest = data
    task = rest[0] if rest else "classification"
    if blas_threads is None:
        limit = nullcontext()
    else:
        from threadpoolctl import threadpool_limits

        limit = threadpool_limits(limits=blas_threads)
    model = (MLPRegressor if task == "regression" else MLPClassifier)(**estimator_params(params))
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
        outcome = {f"train_{name}": value for name, value in scores(task, y_train, model.predict(X_train)).items()}
        test = {} if X_test is None else scores(task, y_test, model.predict(X_test))
        outcome.update({f"test_{name}": test.get(name) for name in scores_of(task)})
        outcome.update({
            "final_cost": float(model.loss_curve_[-1]),
            "n_iter": int(model.n_iter_),
            "n_evaluations": int(result.n_evaluations),
            "converged": bool(result.converged),
            "message": str(result.message),
            "interrupted": bool(result.interrupted),
            "seconds": seconds,
            "error": None,
        })
    return index, outcome, model


def scores_of(task):
    """The names of the scores of a run: ``("accuracy",)``, or ``("r2", "rmse")`` for regression."""
    return ("r2", "rmse") if task == "regression" else ("accuracy",)
