"""Where the runs execute: in this process, on local processes (joblib), or on a Dask cluster.

:func:`execute` yields ``(index, outcome, model)`` of :func:`~nnlearn.sweep.fit.fit_one`
as runs finish, whatever executes them. The parallel backends start the
longest runs first.
"""

from __future__ import annotations

import os

from ..core.threads import available_cores
from . import fit

__all__ = ["execute", "connect", "local_workers", "check_scheduler_address"]


def local_workers(n_jobs, n_runs, cores=None):
    """The worker processes to start for ``n_runs`` runs: ``n_jobs`` capped by the runs and the cores.

    ``n_jobs`` counts as joblib counts (-1: every core, -2: all but one);
    more processes than runs would idle, and more than the cores this
    process may use (its CPU affinity) would only share them. Returns
    ``(workers, note)``: ``note`` says why an explicit ``n_jobs`` was lowered,
    else None.
    """
    cores = available_cores() if cores is None else cores
    wanted = n_jobs if n_jobs > 0 else max(1, cores + 1 + n_jobs)
    workers = max(1, min(wanted, n_runs, cores))
    note = None
    if n_jobs > 0 and workers < n_jobs:
        reasons = [f"{n_runs} run{'s' if n_runs != 1 else ''} to do"] if n_runs < n_jobs else []
        reasons += [f"{cores} core{'s' if cores != 1 else ''} available"] if cores < n_jobs else []
        note = (f"n_jobs={n_jobs}: {workers} worker process{'es' if workers != 1 else ''} started instead "
                f"({' and '.join(reasons)}).")
    return workers, note


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
    # Each worker watches this process from its start (the initializer) and at each run, so a kill -9 of the
    # sweep does not leave its workers waiting or fitting for nobody.
    parent = os.getpid()
    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered", backend="loky",
                        initializer=fit.watch_parent, initargs=(parent,))
    yield from parallel(delayed(fit.fit_one)(i, combinations[i], parts, blas_threads, parent) for i in order)


# Schemes whose addresses are HOST:PORT; others (inproc://, ucx://) are left to distributed.
_HOST_PORT_SCHEMES = ("tcp", "tls", "ws", "wss")


def check_scheduler_address(address):
    """Refuse a Dask scheduler address that cannot name a scheduler (``foo``, ``tcp://host`` without a port).

    ``distributed.Client`` raises on such an address half-way through its
    constructor, and the half-built client then hangs for a minute when it
    is collected. Returns the address; raises ValueError naming it.
    """
    from distributed.comm import get_address_host_port, parse_address

    try:
        scheme, _ = parse_address(address)
        if scheme in _HOST_PORT_SCHEMES:
            _, port = get_address_host_port(address)
            if not 1 <= port <= 65535:
                raise ValueError(f"port {port} is not in 1..65535")
    except (ValueError, TypeError) as err:
        raise ValueError(f"the scheduler address {address!r} is not a Dask scheduler address such as "
                         f"tcp://HOST:8786 ({err})") from None
    return address


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
    return Client(check_scheduler_address(scheduler), set_as_default=False)


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
