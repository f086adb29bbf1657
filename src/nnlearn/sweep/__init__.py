r"""Hyperparameter sweeps: fit a network for every combination of a grid.

The course ends by asking how accuracy and the hidden units change with the
regularization strength :math:`\lambda` (``alpha``) and the number of
iterations. :func:`run` answers it in one call: it fits one
:class:`~nnlearn.MLPClassifier` (an :class:`~nnlearn.MLPRegressor` for
regression data) per combination of a parameter grid, one
after another, on local processes (joblib) or on a Dask cluster, and
streams every finished run to a JSON-lines file that a killed sweep resumes.

Results file
------------
One JSON object per line, one line per finished run, in the order the runs
finish. Each line is written whole with a single ``write`` followed by
``fsync``, so a crash leaves either the complete line or nothing. The fields:

``id``
    16 hex digits identifying the combination: a SHA-1 of the canonical JSON
    (sorted keys) of the run's data fingerprint, held-out split and complete
    estimator parameters. :func:`run` with ``resume=True`` skips the ids
    already in the file.
``data``, ``data_id``, ``n_train``, ``n_test``, ``test_size``, ``split_seed``, ``task``
    The data set's name (``"arrays"`` for arrays), a fingerprint of its
    contents, the split, and the task (``"classification"`` or
    ``"regression"``; records written before regression have none: they are
    classification runs).
every parameter of :class:`~nnlearn.MLPClassifier` except ``verbose``
    ``alpha``, ``max_iter``, ``hidden_layer_sizes`` (a list), ``solver``,
    ``activation``, ``output``, ``random_state``, ...: top-level keys, so a
    record reads like a row of scikit-learn's ``GridSearchCV.cv_results_``
    (:class:`~nnlearn.MLPRegressor`'s parameters for regression: no ``output``).
``train_accuracy``, ``test_accuracy``
    Classification: fractions in [0, 1]; ``test_accuracy`` only when a
    held-out set exists.
``train_r2``, ``test_r2``, ``train_rmse``, ``test_rmse``
    Regression: R^2 (averaged over the outputs) and the root mean squared
    error (:mod:`nnlearn.metrics`), the ``test_`` ones only when a held-out
    set exists.
``final_cost``, ``n_iter``, ``n_evaluations``, ``converged``, ``message``
    From the run's :class:`~nnlearn.TrainResult`; ``final_cost`` is the
    regularized cost J on the training set after the last iteration.
``seconds``
    Wall time of the fit alone (not scoring, not scheduling).
``error``
    ``null``, or ``"ValueError: ..."`` when the fit raised; the metrics are
    then ``null``. Like ``GridSearchCV(error_score=nan)``, a failed run is a
    finished run: it is recorded, warned about, and not rerun by ``resume``.
``weights``
    ``null``, or the path of the run's model file relative to the results
    file's directory (``save_weights=True``), written before the line.
``finished``
    UTC time the line was written (ISO 8601).

In memory (the records :func:`run` returns) a ``null`` metric is NaN, so
:func:`nnlearn.plots.sweep_heatmap` shows a failed cell as "n/a".

Modules
-------
``grid``          the grid: keys, canonical values, combinations, run ids
``data``          the data: a name, path or arrays, split once, fingerprinted
``fit``           one run, fitted wherever a backend puts it
``backends``      sequential, joblib or Dask execution
``results_file``  the JSON-lines file: lock, append + fsync, torn tails, reading
``weights``       the model files of ``save_weights=True``
``records``       a finished run's record, written to the file
``results``       :class:`SweepResults` and :func:`format_table`
``progress``      the progress bar

:func:`run` is the door: it checks every argument once (the grid's values by
the rules of :class:`~nnlearn.MLPClassifier`'s parameters, see
:mod:`nnlearn._validation`), before any run starts; the modules behind it trust
what it checked.
"""


from __future__ import annotations

import json
import time
import warnings
from pathlib import Path

from .. import _validation as v
from ..progress import PROGRESS
from ..progress import resolve as resolve_progress
from .backends import connect, execute, local_workers
from .data import DATA_NAMES, SEED_MAX, fingerprint, resolve_data
from .grid import PARAM_NAMES, REGRESSOR_PARAM_NAMES, check_grid, expand_grid, run_id
from .progress import Progress
from .records import finish
from .results import SweepResults, format_table
from .results_file import ResultsFile, from_json, load_results
from .weights import check_weights_folder, load_weights, stored_thetas

__all__ = ["run", "expand_grid", "SweepResults", "format_table", "load_weights", "load_results", "PARAM_NAMES",
           "REGRESSOR_PARAM_NAMES", "DATA_NAMES"]


def run(
    grid,
    data,
    results_path=None,
    n_jobs=1,
    scheduler=None,
    resume=False,
    progress=None,
    *,
    test_size=None,
    split_seed=0,
    save_weights=False,
    keep_weights=True,
    blas_threads=1,
    task=None,
    data_options=None,
):
    """Fit an :class:`~nnlearn.MLPClassifier` (or :class:`~nnlearn.MLPRegressor`) for every combination of ``grid``.

    Parameters
    ----------
    grid : dict or list of dict
        Parameter name (any of :data:`PARAM_NAMES`: ``alpha``, ``max_iter``,
        ``hidden_layer_sizes``, ``solver``, ``activation``, ``output``,
        ``random_state``, ...) -> list of values; every combination runs once.
        Parameters not in the grid keep MLPClassifier's defaults. A list of
        dicts runs the union of their combinations. See :func:`expand_grid`.
        For regression the keys are MLPRegressor's parameters (:data:`REGRESSOR_PARAM_NAMES`).
    data : str, path-like or tuple
        A name of :data:`nnlearn.datasets.NAMES` (``"digits20"``, ``"spirals"``,
        ``"iris"``, ``"diabetes"``, ...), a path to a ``.csv``, ``.tsv``,
        ``.npz`` or ``.mat`` file (see :func:`nnlearn.datasets.load`), an
        ``(X, y)`` tuple with ``X`` of shape (m, n) and ``y`` of shape (m,)
        ((m, k) for regression), or ``(X_train, y_train, X_test, y_test)``.
    results_path : str or path-like, optional
        JSON-lines file that receives one line per finished run (see the
        module docstring). An existing non-empty file is refused unless
        ``resume`` is True. Only this process writes it, even on a cluster.
    n_jobs : int or None, default=1
        Local processes (joblib, loky backend); -1 uses every core. The data
        reach each worker once (joblib memory-maps large arrays). At most one
        process per run still to do and per core this process may use
        (:func:`~nnlearn.core.threads.available_cores`) is started; a larger
        ``n_jobs`` warns that it was lowered. Every worker exits within a
        second of this process's death (a parent watch in the worker), even
        after ``kill -9``.
    scheduler : str or distributed.Client, optional
        Address of a Dask scheduler (``"tcp://HOST:PORT"``) or a Client: the
        runs go to that cluster as futures. The data set is scattered to the
        workers once, not sent with each task. Needs ``pip install "nnlearn[dask]"``.
        Give either ``scheduler`` or ``n_jobs`` other than 1.
    resume : bool, default=False
        Read ``results_path`` first and run only the combinations it lacks.
        Its records of other combinations stay in the file and are not returned.
    progress : bool or None, default=None
        Show a progress bar (``tqdm.auto``: a widget in Jupyter, text on
        stderr elsewhere): runs done / total and the best
        :attr:`SweepResults.metric` so far. None shows it in an interactive
        session (Jupyter, IPython, Python's prompt) and not in scripts.
    test_size : float in (0, 1), optional
        Hold out this fraction (stratified by label, shuffled with
        ``split_seed``) and report ``test_accuracy`` on it. None: train on
        everything, no held-out accuracy. Must be None when ``data`` has four parts.
    split_seed : int in [0, 2**32 - 1], default=0
        Seed of the held-out split; the same seed gives the same split on every machine.
    save_weights : bool, default=False
        Save every run's fitted model as ``<results stem>.weights/<id>.npz``
        beside ``results_path`` (written atomically before the run's line);
        read them with :func:`load_weights` or :func:`nnlearn.model_io.load_model`.
    keep_weights : bool, default=True
        Keep the fitted weight matrices in each returned record as
        ``record["thetas"]`` (a list of ndarray, ``thetas[l]`` of shape
        (s_{l+1}, s_l + 1)); resumed records have them only if their weights
        were saved, else ``None``. They are never written to the JSON file.
    blas_threads : int >= 1 or None, default=1
        BLAS threads of each fit. One thread per fit makes every result
        identical whether it ran sequentially, with joblib or on Dask (the
        order of floating-point sums depends on the thread count), and uses
        the cores best when runs are parallel. None leaves BLAS as it is.
    task : {None, "classification", "regression"}, default=None
        What the runs learn. None: the data's kind (:func:`nnlearn.datasets.load_task`),
        or for arrays regression when ``y`` holds real values (scikit-learn's
        ``type_of_target`` says continuous), else classification. Regression
        fits MLPRegressor and records R^2 and RMSE; its held-out split is not
        stratified.
    data_options : dict, optional
        Options of a data name or file (``{"target": "species"}``,
        ``{"noise": 0.3}``; see :func:`nnlearn.datasets.load`).

    Returns
    -------
    results : SweepResults
        A list with one record (dict, see the module docstring) per
        combination, in grid order, plus ``varying``, ``metric`` (``test_accuracy``,
        or ``test_r2`` for regression; ``train_`` without a held-out set), ``task``, ``n_run``,
        ``n_resumed``, ``n_failed``, :meth:`~SweepResults.best` and
        :meth:`~SweepResults.table`.

    Raises
    ------
    TypeError, ValueError
        For a bad grid, data or option, before any run starts; the message
        names the argument and this door, e.g. "The 'grid['alpha'][0]'
        parameter of sweep.run must be a float in the range [0.0, inf). Got -1
        instead." Also for a ``results_path`` that is not a regular file, a
        weights folder that cannot be written (``save_weights=True``), or a
        scheduler address that names no scheduler.
    FileExistsError
        If ``results_path`` already holds results and ``resume`` is False.
    BlockingIOError
        If another sweep is writing ``results_path``.
    ImportError
        If ``scheduler`` is given and the ``distributed`` package is missing.

    Warns
    -----
    sklearn.exceptions.FitFailedWarning
        For each run whose fit raised; its record holds the error.

    Notes
    -----
    A run's identity is the SHA-1 of the canonical JSON of its data
    fingerprint, split and complete estimator parameters, so ``resume``
    recognizes finished runs however the grid is ordered and whatever ran
    them. Ctrl-C stops the sweep; every run finished before it is in the file.

    Examples
    --------
    >>> from nnlearn import sweep
    >>> records = sweep.run({"alpha": [0, 1, 1000], "max_iter": [50, 200]}, "digits20",
    ...                     results_path="results.jsonl", n_jobs=2)  # doctest: +SKIP
    >>> print(records.table())  # doctest: +SKIP
    """
    started = time.perf_counter()
    door = "sweep.run"
    from .. import datasets

    task = v.Option(("classification", "regression"), allow_none=True).check(task, "task", door)
    if (data_options is not None and not isinstance(data_options, dict)) or "task" in (data_options or {}):
        raise TypeError(v.message("data_options", door, "None or a dict of data options (the task is the argument "
                                  "task)", v.describe(data_options)))
    if task is None and isinstance(data, str) and data in datasets.BUILTIN:
        task = datasets.BUILTIN[data].kind  # known without loading: the grid is checked first
    elif task is None and isinstance(data, (tuple, list)) and len(data) in (2, 4):
        try:
            task = datasets.guess_task(data[1])
        except (TypeError, ValueError):
            pass  # resolve_data names what is wrong with y
    combinations = check_grid(grid, door, task) if task is not None else None
    results_path = v.PathLike(allow_none=True).check(results_path, "results_path", door)
    n_jobs = _checked_n_jobs(n_jobs, door)
    scheduler = _checked_scheduler(scheduler, n_jobs, door)
    resume, save_weights, keep_weights = (
        v.Bool().check(value, name, door)
        for name, value in (("resume", resume), ("save_weights", save_weights), ("keep_weights", keep_weights))
    )
    progress = resolve_progress(PROGRESS.check(progress, "progress", door))
    test_size = v.Real(0.0, 1.0, open="both", allow_none=True).check(test_size, "test_size", door)
    split_seed = v.Int(0, SEED_MAX).check(split_seed, "split_seed", door)
    blas_threads = v.Int(1, allow_none=True).check(blas_threads, "blas_threads", door)
    if results_path is None and (resume or save_weights):
        flag = "resume" if resume else "save_weights"
        raise ValueError(v.message("results_path", door, f"a str or os.PathLike when {flag}=True", "None"))
    if save_weights:
        try:
            check_weights_folder(results_path)
        except (OSError, ValueError) as err:
            raise type(err)(v.message("results_path", door, "a results file whose weights folder "
                                      "<stem>.weights can be written", f"{str(results_path)!r} ({err.reason})")) from None
    name, parts, split, task = resolve_data(data, test_size, split_seed, door, task, data_options)
    if combinations is None:
        combinations = check_grid(grid, door, task)
    data_id = fingerprint(parts)
    held_out = parts[2] is not None
    score = "r2" if task == "regression" else "accuracy"
    metric = f"test_{score}" if held_out else f"train_{score}"
    grid_keys = list(dict.fromkeys(key for one in (grid if isinstance(grid, (list, tuple)) else [grid]) for key in one))
    varying = [p for p in grid_keys if len({json.dumps(c[p]) for c in combinations}) > 1]
    ids = [run_id(c, data_id, split) for c in combinations]
    context = {
        "data": name if name == "arrays" else str(name),
        "data_id": data_id,
        "n_train": int(parts[0].shape[0]),
        "n_test": int(parts[2].shape[0]) if held_out else 0,
        **split,
        "task": task,
    }

    results_file = ResultsFile(results_path, resume) if results_path is not None else None
    done = {}
    client = None
    try:
        if results_file is not None:
            wanted = set(ids)
            duplicates = 0
            for record in results_file.records:
                if record["id"] in wanted:
                    if record["id"] in done:
                        duplicates += 1
                    else:
                        done[record["id"]] = from_json(record)
            if duplicates:
                warnings.warn(
                    f"{results_file.path} holds {duplicates} repeated line(s) of the same run; the first of each is used.",
                    UserWarning,
                    stacklevel=2,
                )
            if keep_weights:
                for record in done.values():
                    record["thetas"] = stored_thetas(record, results_file.path)
        todo = [i for i, id_ in enumerate(ids) if id_ not in done]
        n_resumed = len(done)
        if scheduler is not None and todo:
            client = connect(scheduler)  # before the progress bar: an unreachable cluster fails first
        bar = Progress(len(ids), n_resumed, metric, varying, enabled=progress)
        for record in done.values():
            bar.consider(record)
        workers = 1
        if client is None and n_jobs != 1 and todo:
            workers, note = local_workers(n_jobs, len(todo))
            if note:
                warnings.warn(note, UserWarning, stacklevel=2)
        try:
            outcomes = execute(todo, combinations, (*parts, task), workers, client, blas_threads)
            for index, outcome, model in outcomes:
                if outcome.get("interrupted"):  # Ctrl-C reached the fit: the run did not finish
                    raise KeyboardInterrupt
                record = finish(outcome, model, combinations[index], ids[index], context,
                                results_file, save_weights, keep_weights, held_out)
                done[ids[index]] = record
                bar.update(record)
        finally:
            bar.close()
    finally:
        if client is not None and isinstance(scheduler, str):
            client.close()
        if results_file is not None:
            results_file.close()
    records = [done[id_] for id_ in ids]
    return SweepResults(
        records, varying, metric, Path(results_path) if results_path is not None else None,
        n_run=len(todo), n_resumed=n_resumed, seconds=time.perf_counter() - started, task=task,
    )


def _checked_n_jobs(n_jobs, door):
    """``n_jobs`` as an int other than 0 (None is 1)."""
    n_jobs = v.Int(allow_none=True).check(n_jobs, "n_jobs", door)
    if n_jobs == 0:
        raise ValueError(v.message("n_jobs", door, "an int other than 0 (-1 for every core) or None", "0"))
    return 1 if n_jobs is None else n_jobs


def _checked_scheduler(scheduler, n_jobs, door):
    """``scheduler``: None, a Dask scheduler address or a ``distributed.Client``, and only with ``n_jobs`` 1."""
    if scheduler is None:
        return None
    rule = "None, a Dask scheduler address such as 'tcp://127.0.0.1:8786' or a distributed.Client"
    if isinstance(scheduler, str):
        if not scheduler.strip():
            raise ValueError(v.message("scheduler", door, rule, v.describe(scheduler)))
    elif type(scheduler).__name__ != "Client":  # no import of distributed just to check
        raise TypeError(v.message("scheduler", door, rule, v.describe(scheduler)))
    if n_jobs != 1:
        raise ValueError(v.message(
            "scheduler", door, "None when n_jobs is not 1 (the cluster's workers or local processes run the sweep, "
            "not both)", f"{v.describe(scheduler)} with n_jobs={n_jobs}",
        ))
    return scheduler
