"""Job options of the command line (``--run-dir``, ``--chunk-size``, ``--workers``, Dask).

The option types are in :mod:`strokesim.cli.options`; they are shared by
commands that run on :mod:`strokesim.jobs` (``strokesim simulate`` today).
:func:`check_job_options` validates them before any simulation starts (one line
naming the option, exit 2, nothing written) and :func:`simulate_job` runs the
job and returns its dataset. Commands whose jobs are made of units computed in
this process (:mod:`strokesim.jobs.units`: ``trial``, ``power``,
``external-trials``) check theirs with :func:`check_unit_job_options` and report
a failed or interrupted job with :func:`unit_job_errors`.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from strokesim.errors import UserInputError

if TYPE_CHECKING:
    import xarray as xr

    from strokesim.simulate import VirtualPatients
    from strokesim.therapy import Protocol

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "JobOptions",
    "check_job_options",
    "check_unit_job_options",
    "simulate_job",
    "unit_job_errors",
]

#: Patients per chunk unless ``--chunk-size`` says otherwise.
DEFAULT_CHUNK_SIZE = 512


@dataclass(frozen=True)
class JobOptions:
    """The validated job options of one command."""

    run_dir: Path | None
    chunk_size: int
    workers: int
    dask: bool
    scheduler: str | None
    resume: bool


def check_job_options(
    run_dir: Path | None,
    chunk_size: int,
    workers: int,
    dask: bool,
    scheduler: str | None,
    resume: bool,
) -> JobOptions:
    """Validate the job options before any work (one line naming the option on error)."""
    from strokesim.jobs import check_chunk_size, check_run_folder, check_workers

    check_chunk_size(chunk_size)
    check_workers(workers)
    if scheduler is not None and not scheduler.strip():
        raise UserInputError("--scheduler", "must be a Dask scheduler address, got ''")
    if resume and run_dir is None:
        raise UserInputError("--resume", "needs --run-dir (the folder of the run to continue)")
    if run_dir is not None:
        check_run_folder(run_dir, resume)
    return JobOptions(run_dir, chunk_size, workers, dask, scheduler, resume)


@contextlib.contextmanager
def _run_folder(options: JobOptions) -> Iterator[Path]:
    if options.run_dir is not None:
        yield options.run_dir
        return
    with tempfile.TemporaryDirectory(prefix="strokesim-run-") as folder:
        yield Path(folder) / "run"


def simulate_job(
    patients: VirtualPatients,
    protocol: Protocol,
    options: JobOptions,
    *,
    days: int,
    record_days: tuple[int, ...],
    seed: int,
    rater_noise: bool,
    progress: Callable[[int, int], None],
    use: Callable[[xr.Dataset], None],
) -> None:
    """Run the job and call ``use`` with its dataset while the run folder exists.

    A failed chunk ends the command with exit code 1 and a line naming it; Ctrl-C
    with ``--run-dir`` keeps the finished chunks and says how to resume.
    """
    from strokesim.jobs import JobFailed, read_run, run_job

    with _run_folder(options) as folder:
        try:
            run_job(
                patients,
                protocol,
                folder,
                days=days,
                record_days=record_days,
                seed=seed,
                rater_noise=rater_noise,
                chunk_size=options.chunk_size,
                workers=options.workers,
                dask=options.dask,
                scheduler=options.scheduler,
                resume=options.resume,
                progress=progress,
            )
        except JobFailed as error:
            kept = f"; finished chunks kept in {folder}" if options.run_dir else ""
            typer.echo(f"error: {error}{kept}", err=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            if options.run_dir is None or not (folder / "manifest.json").exists():
                raise
            typer.echo(
                f"interrupted; finished chunks kept in {folder}: rerun with --resume", err=True
            )
            raise typer.Exit(130) from None
        use(read_run(folder))


def check_unit_job_options(run_dir: Path | None, chunk_size: int | None, resume: bool) -> None:
    """Validate the options of a unit job (``--run-dir``, ``--chunk-size``, ``--resume``)."""
    from strokesim.jobs import check_chunk_size, check_run_folder

    if chunk_size is not None:
        check_chunk_size(chunk_size)
    if resume and run_dir is None:
        raise UserInputError("--resume", "needs --run-dir (the folder of the run to continue)")
    if run_dir is not None:
        check_run_folder(run_dir, resume)


@contextlib.contextmanager
def unit_job_errors(run_dir: Path | None) -> Iterator[None]:
    """A chunk that failed twice: exit 1 naming it; Ctrl-C with ``--run-dir``: how to resume.

    Used inside :func:`strokesim.cli.common.user_errors`, within the output folder's
    context, so no output file is written in either case.
    """
    from strokesim.jobs.units import UnitFailed

    try:
        yield
    except UnitFailed as error:
        kept = f"; finished chunks kept in {run_dir}: rerun with --resume" if run_dir else ""
        message = " ".join(f"error: {error}".split())
        typer.echo(f"{message}{kept}", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        if run_dir is None:
            raise
        typer.echo(f"interrupted; finished chunks kept in {run_dir}: rerun with --resume", err=True)
        raise typer.Exit(130) from None
