"""One run of a sweep: fit one combination and measure it, wherever the backend executes it.

Joblib and Dask pickle :func:`fit_one` by reference (``nnlearn.sweep.fit.fit_one``),
so every worker needs nnlearn installed.
"""

from __future__ import annotations

import os
import threading
import time
import warnings

from ..core import threads
from ..estimator import MLPClassifier, MLPRegressor
from ..metrics import scores
from ..optimize import TrainingInterrupted
from .grid import estimator_params

__all__ = ["fit_one", "scores_of", "watch_parent", "WATCH_INTERVAL"]

# Seconds between two looks of a worker process at its parent (see watch_parent).
WATCH_INTERVAL = 0.5
_watched = None  # the parent this process watches, once it does


def watch_parent(pid):
    """In a worker process whose parent is the sweep's process ``pid``: exit soon after that process dies.

    The pool's initializer calls it when a worker starts, and :func:`fit_one`
    at each run. A daemon thread looks at ``os.getppid()`` every :data:`WATCH_INTERVAL`
    seconds; once the parent is gone (killed with ``kill -9``, so it could
    not stop its workers) the worker exits at once, instead of finishing its
    fit for nobody and waiting for more. Nothing happens in the sweep's own
    process, in a process that is not its child (a Dask worker), or if the
    thread already runs.
    """
    global _watched
    if _watched == pid or os.getpid() == pid or os.getppid() != pid:
        return
    _watched = pid

    def watch():
        while os.getppid() == pid:
            time.sleep(WATCH_INTERVAL)
        os._exit(1)  # the sweep is gone: nothing to clean up for it

    threading.Thread(target=watch, name="nnlearn-sweep-parent-watch", daemon=True).start()


def fit_one(index, params, data, blas_threads, parent=None):
    """Fit one combination; returns ``(index, outcome, model)``, model None on failure.

    ``data`` is ``(X_train, y_train, X_test, y_test)`` and optionally the task,
    ``"classification"`` (an MLPClassifier, scored by accuracy; the default)
    or ``"regression"`` (an MLPRegressor, scored by R^2 and RMSE).
    Failures of the fit are returned, not raised, like ``GridSearchCV(error_score=nan)``.
    ``parent`` is the pid of the sweep's process, given to the worker
    processes it starts (see :func:`watch_parent`).
    """
    from sklearn.exceptions import ConvergenceWarning

    if parent is not None:
        watch_parent(parent)

    X_train, y_train, X_test, y_test, *rest = data
    task = rest[0] if rest else "classification"
    # Every BLAS pool of the process, reference-counted: runs in threads of one process (a Dask worker with
    # several threads) share the limit instead of lifting it when the first of them ends (nnlearn.core.threads).
    limit = threads.every_blas_limited(blas_threads)
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
