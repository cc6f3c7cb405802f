"""One chunk of a run: simulate its patients and write their part of the results.

:func:`run_task` runs in whichever process executes the chunk (this one, a
local worker process or a Dask worker); it needs only its
:class:`ChunkTask`, which pickles. The part is written by
:func:`strokesim.jobs.store.write_part` (temporary name, ``fsync``,
``os.replace``), so a chunk's file is complete or absent even when the process
is killed.
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from strokesim.jobs.plan import Chunk
from strokesim.jobs.store import write_part

if TYPE_CHECKING:
    from strokesim.simulate import VirtualPatients
    from strokesim.therapy.schema import Protocol

__all__ = ["ChunkDone", "ChunkTask", "chunk_done", "run_task"]


@dataclass(frozen=True)
class ChunkTask:
    """Everything a worker needs to simulate one chunk and write its part.

    Attributes
    ----------
    chunk
        Which patients of the run (positions).
    patients
        Those patients, already resolved to lesions.
    protocol
        The protocol every patient follows.
    days
        Days simulated after onset.
    record_days
        Assessment days (days since onset).
    seed
        Root seed of the run (streams derive from the seed and each patient's id).
    rater_noise
        Whether raters add measurement noise.
    params
        Model parameters shared by every patient.
    folder
        The run's parts folder.
    """

    chunk: Chunk
    patients: VirtualPatients
    protocol: Protocol
    days: int
    record_days: tuple[int, ...]
    seed: int
    rater_noise: bool
    params: dict[str, float]
    folder: Path


@dataclass(frozen=True)
class ChunkDone:
    """A finished chunk: its part file, checksum and cost."""

    index: int
    file: str
    sha256: str
    patients: int
    patient_days: int
    seconds: float


def run_task(task: ChunkTask) -> ChunkDone:
    """Simulate ``task``'s patients and write their part; return what the manifest records."""
    started = time.perf_counter()
    # looked up at call time, so that a test can replace ``strokesim.simulate.simulate``
    simulate_module = importlib.import_module("strokesim.simulate")
    ds = simulate_module.simulate(
        task.patients,
        task.protocol,
        days=task.days,
        record=simulate_module.Record(task.record_days),
        seed=task.seed,
        rater_noise=task.rater_noise,
        chunk_size=task.chunk.size,
        params=task.params,
    )
    if list(ds["patient"].values) != list(task.patients.ids):
        raise RuntimeError(f"{task.chunk.describe()}: the simulation returned other patients")
    part = write_part(ds, task.folder, task.chunk.name)
    return chunk_done(task.chunk, part, task.days, started)


def chunk_done(chunk: Chunk, part: tuple[Path, str], days: int, started: float) -> ChunkDone:
    """What the manifest records of ``chunk`` once its part is written.

    Parameters
    ----------
    chunk
        The chunk that ran.
    part
        The written part's path and SHA-256, as :mod:`strokesim.jobs.store` returns them.
    days
        Days simulated per patient (or row) of the chunk.
    started
        :func:`time.perf_counter` when the chunk started (s).
    """
    path, digest = part
    return ChunkDone(
        index=chunk.index,
        file=path.name,
        sha256=digest,
        patients=chunk.size,
        patient_days=chunk.size * days,
        seconds=time.perf_counter() - started,
    )
