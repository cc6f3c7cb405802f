"""Running a simulation as a job: plan, execute, stream to disk, resume.

:func:`run_job` plans the patients as chunks (:mod:`strokesim.jobs.plan`),
runs the chunks that are not finished yet on the chosen executor
(:mod:`strokesim.jobs.executors`), writes each finished chunk's part and
updates the manifest as soon as it lands (:mod:`strokesim.jobs.store`,
:mod:`strokesim.jobs.manifest`), retries a failed chunk once, and raises
:class:`JobFailed` naming the chunks that failed twice. :func:`read_run` reads a
finished run folder back as one dataset.

Results do not depend on the executor or the number of workers: the same chunk
size gives bitwise the same parts. On a CPU the engine computes in fixed blocks of
patients (:data:`strokesim.engine.CPU_BLOCK`), so chunk sizes that are multiples of
the block give bitwise the same table too; across other chunk sizes integer scores
are equal and float variables agree within 1e-6 relative (a patient at another place
in its block can be rounded differently in the last bit; see ``docs/user-guide.md``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from strokesim.errors import UserInputError
from strokesim.jobs import executors
from strokesim.jobs.manifest import (
    MANIFEST,
    check_same_settings,
    load_manifest,
    new_manifest,
    run_settings,
    save_manifest,
)
from strokesim.jobs.plan import Chunk, check_workers, plan
from strokesim.jobs.store import PARTS, file_sha256, read_parts
from strokesim.jobs.task import ChunkDone, ChunkTask

if TYPE_CHECKING:
    import xarray as xr

    from strokesim.simulate import VirtualPatients
    from strokesim.therapy.schema import Protocol

__all__ = [
    "JobFailed",
    "JobResult",
    "check_run_folder",
    "finished_parts",
    "prepare_run_folder",
    "read_run",
    "run_chunks",
    "run_job",
    "run_plan",
]

#: Attempts per chunk: the first run and one retry.
ATTEMPTS = 2


class JobFailed(RuntimeError):
    """Chunks that failed on every attempt; the finished ones stay on disk for ``--resume``."""

    def __init__(self, folder: Path, failed: list[tuple[Chunk, str]]) -> None:
        self.folder = folder
        self.failed = failed
        shown = "; ".join(f"{chunk.describe()}: {reason}" for chunk, reason in failed)
        super().__init__(f"{len(failed)} chunk(s) failed after {ATTEMPTS} attempts: {shown}")


@dataclass(frozen=True)
class JobResult:
    """What a finished job did.

    Attributes
    ----------
    folder
        The run folder.
    chunks
        Chunks in the plan.
    ran
        Chunks run by this call (the others were finished already).
    patient_days
        Patient-days simulated by this call.
    seconds
        Wall-clock time of this call's execution (s).
    """

    folder: Path
    chunks: int
    ran: int
    patient_days: int
    seconds: float

    @property
    def patient_days_per_second(self) -> float:
        """Throughput of this call (patient-days/s); 0 when nothing ran."""
        return self.patient_days / self.seconds if self.ran and self.seconds > 0 else 0.0


def check_run_folder(folder: str | os.PathLike[str], resume: bool) -> Path:
    """Check, before any work, that ``folder`` can hold a new run or a resumed one.

    Raises
    ------
    strokesim.errors.UserInputError
        If ``folder`` is a file, is a non-empty folder without a manifest, holds a
        run and ``resume`` is false, or cannot be created (field ``--run-dir``).
    """
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise UserInputError("--run-dir", f"{path} is a file, not a folder")
    if (path / MANIFEST).exists():
        if not resume:
            raise UserInputError(
                "--run-dir", f"{path} holds a run already; add --resume to continue it"
            )
    elif path.is_dir() and any(path.iterdir()):
        raise UserInputError("--run-dir", f"{path} is not empty and holds no strokesim run")
    if not path.parent.is_dir():
        raise UserInputError("--run-dir", f"cannot create {path}: {path.parent} does not exist")
    if not os.access(path if path.is_dir() else path.parent, os.W_OK | os.X_OK):
        raise UserInputError("--run-dir", f"cannot write to {path}")
    return path


def run_job(
    patients: VirtualPatients,
    protocol: Protocol,
    folder: str | os.PathLike[str],
    *,
    days: int,
    record_days: tuple[int, ...],
    seed: int = 0,
    rater_noise: bool = True,
    params: dict[str, float] | None = None,
    chunk_size: int = 512,
    workers: int = 1,
    dask: bool = False,
    scheduler: str | None = None,
    resume: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> JobResult:
    """Simulate ``patients`` chunk by chunk into the run folder ``folder``.

    Parameters
    ----------
    patients
        The run's patients, resolved to lesions.
    protocol
        The protocol every patient follows.
    folder
        Run folder: ``manifest.json`` and ``parts/`` (created if missing).
    days
        Days simulated after onset (1–3650).
    record_days
        Assessment days (days since onset, sorted, within ``days``).
    seed
        Root seed.
    rater_noise
        Whether raters add measurement noise.
    params
        Model parameters (default: the registry).
    chunk_size
        Patients per chunk (1–100,000); part of the plan, so a resumed run must
        use the same one.
    workers
        Local worker processes (1: run in this process), or Dask workers of a
        local cluster when ``dask`` is true.
    dask
        Run on a Dask ``LocalCluster`` of ``workers`` processes.
    scheduler
        Address of an existing Dask scheduler (implies Dask).
    resume
        Reuse the finished chunks of ``folder`` (their checksums must match and the
        settings must equal this run's); run only the others.
    progress
        Called as ``progress(done, total)`` in patient-days after each chunk.

    Returns
    -------
    JobResult
        What this call ran.

    Raises
    ------
    strokesim.errors.UserInputError
        Bad chunk size or worker count, an unusable run folder, or ``resume`` with
        other settings (nothing is written in these cases).
    JobFailed
        If some chunk failed twice; the finished chunks stay in ``folder``.
    """
    from strokesim.model.parameters import model_parameters
    from strokesim.simulate import MAX_DAYS, Record

    workers = check_workers(workers)
    chunks = plan(len(patients), chunk_size)
    if not 1 <= int(days) <= MAX_DAYS:
        raise UserInputError("days", f"must be an integer in 1–{MAX_DAYS}, got {days}")
    record_days = Record(tuple(record_days)).days
    if record_days[-1] > days:
        raise UserInputError("record_days", f"must not exceed days={days}, got {record_days[-1]}")
    path = check_run_folder(folder, resume)
    params = dict(params or model_parameters())
    settings = run_settings(
        patients,
        protocol,
        days=days,
        record_days=record_days,
        seed=seed,
        rater_noise=rater_noise,
        params=params,
        chunk_size=chunk_size,
    )

    def task(chunk: Chunk) -> ChunkTask:
        return ChunkTask(
            chunk=chunk,
            patients=patients.take(np.arange(chunk.start, chunk.stop)),
            protocol=protocol,
            days=days,
            record_days=tuple(record_days),
            seed=seed,
            rater_noise=rater_noise,
            params=params,
            folder=path / PARTS,
        )

    return run_plan(path, settings, chunks, task, days, workers, dask, scheduler, progress)


def run_plan(
    path: Path,
    settings: dict[str, Any],
    chunks: tuple[Chunk, ...],
    task: Callable[[Chunk], Any],
    days: int,
    workers: int,
    dask: bool,
    scheduler: str | None,
    progress: Callable[[int, int], None] | None = None,
    runner: executors.Runner | None = None,
) -> JobResult:
    """Run the planned ``chunks`` into the checked run folder ``path``, skipping finished ones.

    Shared by every chunked job (simulations, sweeps): prepares the folder
    (:func:`prepare_run_folder`), reports the progress already made, and runs
    the chunks not finished yet (:func:`run_chunks`).

    Parameters
    ----------
    path
        The run folder, checked by :func:`check_run_folder`.
    settings
        What decides the run's parts (recorded in the manifest; a resumed run must match).
    chunks
        The plan, every chunk of the run.
    task
        The task of a chunk (its ``chunk`` attribute names the chunk).
    days
        Days simulated per patient (or row): a chunk costs ``size × days`` patient-days.
    workers, dask, scheduler
        The executor: serial, local processes, or Dask.
    progress
        Called as ``progress(done, total)`` in patient-days, first with what was done already.
    runner
        The function that runs a task in a worker (default: a simulation chunk).

    Returns
    -------
    JobResult
        The folder, the number of chunks planned, and the chunks, patient-days and
        seconds this call ran.

    Raises
    ------
    strokesim.errors.UserInputError
        If the folder holds a run with other settings.
    JobFailed
        If some chunk failed on every attempt.
    """
    manifest = prepare_run_folder(path, settings, chunks)
    entries = manifest["chunks"]
    pending = [c for c in chunks if entries[c.index]["status"] != "done"]
    total = sum(c.size for c in chunks) * days
    done = total - sum(c.size for c in pending) * days
    if progress is not None:
        progress(done, total)
    ran, ran_days, seconds = run_chunks(
        path, manifest, pending, task, workers, dask, scheduler, done, total, progress, runner
    )
    return JobResult(path, len(chunks), ran, ran_days, seconds)


def prepare_run_folder(
    path: Path, settings: dict[str, Any], chunks: tuple[Chunk, ...]
) -> dict[str, Any]:
    """The manifest of a new run, or of a resumed one with its finished parts verified.

    A resumed run must have the same ``settings``; temporary files of a killed run
    are removed and a finished chunk whose part is missing or changed is pending
    again. The manifest is saved before returning.

    Raises
    ------
    strokesim.errors.UserInputError
        If the folder holds a run with other settings (field ``--resume``).
    """
    if (path / MANIFEST).exists():
        manifest = load_manifest(path)
        check_same_settings(manifest, settings, path)
        _remove_leftovers(path)
        _verify_finished(manifest, path / PARTS)
    else:
        manifest = new_manifest(settings, chunks)
    (path / PARTS).mkdir(parents=True, exist_ok=True)
    save_manifest(path, manifest)
    return manifest


def run_chunks(
    path: Path,
    manifest: dict[str, Any],
    pending: list[Chunk],
    task: Callable[[Chunk], Any],
    workers: int,
    dask: bool,
    scheduler: str | None,
    done: int,
    total: int,
    progress: Callable[[int, int], None] | None = None,
    runner: executors.Runner | None = None,
) -> tuple[int, int, float]:
    """Execute the ``pending`` chunks, recording each in the manifest as soon as it lands.

    A failed chunk is retried once (:data:`ATTEMPTS`); the manifest is saved after
    every outcome. Shared by every job (simulations, sweeps).

    Parameters
    ----------
    path, manifest
        The run folder and its manifest (updated in place and saved).
    pending
        Chunks to run, in plan order.
    task
        The task of a chunk (its ``chunk`` attribute names the chunk).
    workers, dask, scheduler
        The executor: serial, local processes, or Dask.
    done, total
        Patient-days finished before this call, and in the whole run (progress).
    progress
        Called as ``progress(done, total)`` after each chunk.
    runner
        The function that runs a task in a worker (default: a simulation chunk).

    Returns
    -------
    tuple of (int, int, float)
        Chunks run, patient-days run, and wall-clock seconds of this call.

    Raises
    ------
    JobFailed
        If some chunk failed on every attempt.
    """
    entries = manifest["chunks"]
    started = time.perf_counter()
    failed: list[tuple[Chunk, str]] = []
    ran, ran_days = 0, 0
    for attempt in range(1, ATTEMPTS + 1):
        again = []
        for item, outcome in _execute(map(task, pending), workers, dask, scheduler, runner):
            entry = entries[item.chunk.index]
            entry["attempts"] += 1
            if isinstance(outcome, ChunkDone):
                entry.update(
                    status="done",
                    file=outcome.file,
                    sha256=outcome.sha256,
                    seconds=round(outcome.seconds, 3),
                    error=None,
                )
                done += outcome.patient_days
                ran, ran_days = ran + 1, ran_days + outcome.patient_days
                if progress is not None:
                    progress(done, total)
            else:
                reason = " ".join(f"{type(outcome).__name__}: {outcome}".split())
                entry.update(status="failed", error=reason)
                again.append(item.chunk)
                if attempt == ATTEMPTS:
                    failed.append((item.chunk, reason))
            save_manifest(path, manifest)
        pending = sorted(again, key=lambda c: c.index)
        if not pending:
            break
    seconds = time.perf_counter() - started
    if failed:
        raise JobFailed(path, sorted(failed, key=lambda f: f[0].index))
    return ran, ran_days, seconds


def _execute(
    tasks: Iterator[Any],
    workers: int,
    dask: bool,
    scheduler: str | None,
    runner: executors.Runner | None = None,
) -> Iterator[tuple[Any, executors.Outcome]]:
    if dask or scheduler is not None:
        return executors.dask(tasks, workers, scheduler, runner)
    if workers > 1:
        return executors.processes(tasks, workers, runner)
    return executors.serial(tasks, runner)


def _remove_leftovers(folder: Path) -> None:
    """Temporary files of a killed run (hidden names: never a finished part or manifest)."""
    for leftover in [*(folder / PARTS).glob(".*"), *folder.glob(f".{MANIFEST}.*")]:
        if leftover.is_file():
            leftover.unlink(missing_ok=True)


def _verify_finished(manifest: dict[str, Any], parts: Path) -> None:
    """Mark pending every finished chunk whose part is missing or fails its checksum."""
    for entry in manifest["chunks"]:
        if entry["status"] != "done":
            continue
        part = parts / str(entry["file"])
        if not part.is_file() or file_sha256(part) != entry["sha256"]:
            entry.update(status="pending", file=None, sha256=None, error="part missing or changed")


def read_run(folder: str | os.PathLike[str]) -> xr.Dataset:
    """A finished run folder as one dataset (patients in run order).

    Raises
    ------
    strokesim.errors.UserInputError
        If the folder has no manifest, a chunk is not finished, or a part is missing
        or fails its checksum.
    """
    manifest, paths = finished_parts(folder)
    attrs = {
        "config_hash": manifest["settings_sha256"],
        "created_by": "strokesim.jobs",
        "chunk_size": manifest["settings"]["chunk_size"],
    }
    return read_parts(paths, attrs)


def finished_parts(
    folder: str | os.PathLike[str], unit: str = "patients"
) -> tuple[dict[str, Any], list[Path]]:
    """The manifest of a finished run folder and its parts, each verified, in plan order.

    ``unit`` names what a chunk holds in the messages (``patients``; ``rows`` for a sweep).

    Raises
    ------
    strokesim.errors.UserInputError
        If the folder has no manifest, a chunk is not finished, or a part is missing
        or fails its checksum.
    """
    path = Path(folder)
    manifest = load_manifest(path)
    paths = []
    for entry in manifest["chunks"]:
        part = path / PARTS / str(entry["file"])
        where = f"chunk {entry['index']} ({unit} {entry['start']}–{entry['stop'] - 1})"
        if entry["status"] != "done":
            raise UserInputError(str(path), f"{where} is {entry['status']}; rerun with --resume")
        if not part.is_file() or file_sha256(part) != entry["sha256"]:
            raise UserInputError(str(path), f"{where}: part {part.name} is missing or changed")
        paths.append(part)
    return manifest, paths
