"""Where the runs execute: in this process, on local processes (joblib), or on a Dask cluster.

:func:`execute` yields ``(index, outcome, model)`` of :func:`~nnlearn.sweep.fit.fit_one`
as runs finish, whatever executes them. The parallel backends start the
longest runs first.
"""

from __future__ import annotations

from . import fit

__all__ = ["execute", "connect"]


def _cost_estimate(params):
    """Relative cost of a run, for starting the longest runs first on parallel backends."""
    return params["max_iter"] * (1 + sum(params["hidden_layer_sizes"]))


def execute(todo, combinations, parts, n_jobs, client, blas_threads):
    """Yield ``(index, outcome, model)`` for every index in ``todo`` as runs finish."""
    if not todo:
        return
    if client is not None:
        yield from _execute_dask(todo, combinations, parts, client, blas_threads)
        return
    if n_jobs == 1:
        for index in todo:
            yield fit.fit_one(index, combinations[index], parts, blas_threads)
        return
    from joblib import Parallel, delayed

    order = sorted(todo, key=lambda i: -_cost_estimate(combinations[i]))
    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered", backend="loky")
    yield from parallel(delayed(fit.fit_one)(i, combinations[i], parts, blas_threads) for i in order)


def connect(scheduler):
    """A ``distributed.Client`` for a scheduler address (or the Client given)."""
    try:
        from distributed import Client
    except ImportError:
        raise ImportError(
            "a sweep on a Dask cluster needs the 'distributed' package: pip install \"nnlearn[dask]\""
        ) from None
    if isinstance(scheduler, Client):
        return scheduler
    return Client(scheduler, set_as_default=False)


def _execute_dask(todo, combinations, parts, client, blas_threads):
    from distributed import as_completed

    pending = set()
    data = None
    try:
        # The data set travels to the workers once; every task refers to the scattered copy.
        [data] = client.scatter([parts], broadcast=True)
        for index in todo:
            params = combinations[index]
            pending.add(client.submit(fit.fit_one, index, params, data, blas_threads,
                                      pure=False, priority=_cost_estimate(params)))
        for future in as_completed(list(pending), loop=client.loop):
            try:
                outcome = future.result()
            except ImportError as err:
                raise ImportError(
                    f"a Dask worker could not run the sweep ({err}); install nnlearn on every worker."
                ) from None
            pending.discard(future)
            future.release()
            yield outcome
    finally:
        if pending:
            client.cancel(list(pending))
        if data is not None:
            data.release()
