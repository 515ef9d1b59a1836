"""The Dask cluster of a sweep: connect to one (or start a local one), check its workers,
close it, and tell the cluster's failures (retried) from the engines' (not)."""

from __future__ import annotations

__all__ = ["connect", "check_workers", "close", "infrastructure_error"]

from factions.errors import InputError


def connect(scheduler=None, workers: int = 2, connect_timeout: float = 5.0):
    """A Dask client: ``scheduler`` a ``Client`` (used as is), an address, or ``None`` for
    a new ``LocalCluster(n_workers=workers, threads_per_worker=1, processes=True)``.

    Returns ``(client, owned)``; ``owned`` tells whether the caller must close it.

    Raises
    ------
    InputError
        ``workers`` < 1, or no scheduler answers at ``scheduler`` within
        ``connect_timeout`` seconds.
    """
    from distributed import Client, LocalCluster

    if scheduler is not None and not isinstance(scheduler, str):
        return scheduler, False
    if scheduler:
        try:
            return Client(scheduler, timeout=f"{connect_timeout}s"), True
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(f"--scheduler {scheduler}: cannot reach a Dask scheduler within "
                             f"{connect_timeout:g} s ({why})") from None
    if int(workers) != workers or workers < 1:
        raise InputError(f"--workers must be a whole number ≥ 1, got {workers}")
    cluster = LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=True,
                           dashboard_address=":0", silence_logs=40)
    client = Client(cluster)
    client._factions_cluster = cluster  # closed with the client by close()
    return client, True


def check_workers(client, timeout: float = 5.0) -> dict[str, str]:
    """Make sure the cluster has workers that run this version of factions.

    Returns ``{worker address: factions version}``.

    Raises
    ------
    InputError
        No worker joined within ``timeout`` seconds, or a worker cannot import factions or
        has another version (every worker needs the same ``factions`` installed).
    """
    from importlib.metadata import version

    import factions

    try:
        client.wait_for_workers(1, timeout=timeout)
    except (TimeoutError, OSError):
        raise InputError(f"the Dask scheduler {client.scheduler.address} has no worker "
                         f"(waited {timeout:g} s); start some with `dask worker ADDRESS`") from None
    found = client.run(version, "factions", on_error="return")
    for addr, v in sorted(found.items()):
        if isinstance(v, BaseException) or v != factions.__version__:
            what = f"has factions {v}" if isinstance(v, str) else "cannot import factions"
            raise InputError(f"Dask worker {addr} {what}; every worker needs factions "
                             f"{factions.__version__} (pip install the same version)")
    return found


def close(client) -> None:
    cluster = getattr(client, "_factions_cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()


def infrastructure_error(exc: BaseException) -> bool:
    """Errors of the cluster (a worker died, data lost), not of the engine: retry."""
    from asyncio import CancelledError

    from distributed import KilledWorker
    from distributed.comm.core import CommClosedError
    try:
        from distributed.client import FutureCancelledError
    except ImportError:  # pragma: no cover - older distributed
        FutureCancelledError = CancelledError  # noqa: N806
    return isinstance(exc, KilledWorker | CommClosedError | CancelledError |
                      FutureCancelledError | OSError | TimeoutError)
