"""Where chunks run: in this process, in local worker processes, or on Dask.

Each executor takes chunk tasks and yields ``(task, outcome)`` pairs as chunks
finish, in any order; the outcome is a :class:`~strokesim.jobs.task.ChunkDone`
or the exception the chunk raised (a failed chunk is reported, never dropped).
``KeyboardInterrupt`` is not an outcome: it stops the run.

* :func:`serial`: one chunk after another in this process (the default).
* :func:`processes`: ``concurrent.futures.ProcessPoolExecutor`` with the
  *spawn* start method (JAX must not be forked after it has started threads);
  each worker process compiles the model once and reuses it for its chunks.
* :func:`dask`: a Dask ``distributed`` client, either on a ``LocalCluster`` of
  ``workers`` processes or on an existing scheduler (``--scheduler ADDRESS``).
  Workers write their parts into the run folder, so a remote cluster needs a
  file system shared with this machine. Dask is optional (``pip install
  'strokesim[dask]'``).
"""

from __future__ import annotations

import importlib
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from strokesim.errors import UserInputError
from strokesim.jobs.task import ChunkDone, ChunkTask

__all__ = ["DASK_HINT", "Outcome", "Runner", "dask", "processes", "serial"]

#: What a chunk gives back: its record, or the exception it raised.
Outcome = ChunkDone | BaseException

#: Runs one chunk in whichever process executes it: a module-level function (it pickles)
#: taking a task with a ``chunk`` attribute (a :class:`ChunkTask` by default).
Runner = Callable[[Any], ChunkDone]

#: The one-line hint when Dask is asked for but not installed.
DASK_HINT = "needs Dask, which is not installed: pip install 'strokesim[dask]'"


def _run(task: ChunkTask) -> ChunkDone:
    # looked up at call time, so that a test can replace the task function
    return importlib.import_module("strokesim.jobs.task").run_task(task)


def serial(
    tasks: Iterable[ChunkTask], runner: Runner | None = None
) -> Iterator[tuple[ChunkTask, Outcome]]:
    """Run the chunks one after another in this process (``runner``: default a simulation)."""
    for task in tasks:
        try:
            outcome: Outcome = (runner or _run)(task)
        except Exception as error:  # reported by the caller, with the chunk
            outcome = error
        yield task, outcome


def processes(
    tasks: Iterable[ChunkTask], workers: int, runner: Runner | None = None
) -> Iterator[tuple[ChunkTask, Outcome]]:
    """Run the chunks in ``workers`` local processes (spawned, not forked)."""
    from strokesim.jobs.task import run_task

    runner = runner or run_task

    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        futures = {pool.submit(runner, task): task for task in tasks}
        for future in as_completed(futures):
            error = future.exception()
            yield futures[future], future.result() if error is None else error
    finally:
        # on Ctrl-C or an early stop, queued chunks are dropped and running ones finish
        pool.shutdown(wait=True, cancel_futures=True)


def dask(
    tasks: Iterable[ChunkTask], workers: int, scheduler: str | None, runner: Runner | None = None
) -> Iterator[tuple[ChunkTask, Outcome]]:
    """Run the chunks on Dask: an existing ``scheduler``, or a ``LocalCluster`` of ``workers``."""
    try:
        from dask.distributed import Client, LocalCluster
        from dask.distributed import as_completed as dask_completed
    except ImportError:
        raise UserInputError("--scheduler" if scheduler else "--dask", DASK_HINT) from None
    from strokesim.jobs.task import run_task

    runner = runner or run_task
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
    try:
        client = Client(cluster if cluster is not None else scheduler)
    except (OSError, TimeoutError, ValueError) as error:
        if cluster is not None:
            cluster.close()
        reason = " ".join(str(error).split())
        raise UserInputError("--scheduler", f"cannot reach {scheduler}: {reason}") from None
    try:
        futures = {client.submit(runner, task, pure=False): task for task in tasks}
        for future in dask_completed(list(futures)):
            task = futures[future]
            if future.status == "finished":
                yield task, future.result()
            else:
                yield task, future.exception() or RuntimeError(f"Dask status {future.status}")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
