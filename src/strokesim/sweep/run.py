"""Running a sweep: design points × a cohort, batched, streamed to Parquet, resumable.

Each design point runs the same ``n`` virtual patients (ids ``p00000`` …, drawn
from the default population with the cohort's seed), so the points share their
random numbers (common random numbers: a difference between points is the
factors', not the draw's). The rows (point, patient) are laid out point-major and
planned as chunks of ``chunk_size`` rows (:func:`strokesim.jobs.plan`); a chunk
runs as **one** compiled batch whatever points it mixes, with each row's model
parameters, lesion and protocol given per patient (:mod:`strokesim.engine`).
Chunks run on the executors of :mod:`strokesim.jobs` (serial, local processes,
Dask), each finished chunk is written as an atomic Parquet part and recorded in
the manifest, and ``resume`` skips the finished chunks.

A row's scores equal those :func:`strokesim.simulate` gives the point's cohort
run alone (the same keys, lesions, parameters and protocol; tested bitwise).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from strokesim.jobs.plan import Chunk, check_workers, plan
from strokesim.jobs.run import JobResult, check_run_folder, finished_parts, run_plan
from strokesim.jobs.store import PARTS
from strokesim.jobs.task import ChunkDone, chunk_done
from strokesim.sweep.spec import LoadedSweep, set_knobs

__all__ = [
    "SweepResult",
    "SweepTask",
    "cohort_ids",
    "point_patients",
    "read_sweep_rows",
    "run_sweep",
    "run_sweep_task",
    "summarise",
]

#: Day of the baseline assessment that :func:`strokesim.simulate` always runs.
BASELINE_DAY = 3


def cohort_ids(n: int) -> tuple[str, ...]:
    """Ids of a sweep's cohort: ``p00000`` … (the same at every design point)."""
    return tuple(f"p{k:05d}" for k in range(n))


def _sha256(value: object) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def run_days(loaded: LoadedSweep) -> tuple[int, ...]:
    """Assessment days of every row: the outputs' days and, as simulate does, day 3."""
    days = set(loaded.record_days)
    if loaded.spec.cohort.days >= BASELINE_DAY:
        days.add(BASELINE_DAY)
    return tuple(sorted(days))


def base_parameters(loaded: LoadedSweep) -> dict[str, float]:
    """Model parameters shared by every row: the registry with ``cohort.fixed`` applied."""
    from strokesim.model.parameters import model_parameters

    return {**model_parameters(), **loaded.fixed_model}


def point_patients(loaded: LoadedSweep, point: dict[str, float] | None = None):
    """The cohort of one design point as :class:`~strokesim.simulate.VirtualPatients`.

    ``point`` gives the point's factor values; its population factors change the
    draw (the same random numbers per patient id), the others do not.
    """
    from strokesim.cohort.population import sample_population
    from strokesim.simulate import VirtualPatients

    point = point or {}
    population = dict(loaded.fixed_population)
    population.update({f.name: point[f.name] for f in loaded.factors if f.kind == "population"})
    draw = sample_population(
        cohort_ids(loaded.spec.cohort.n),
        loaded.spec.cohort.seed,
        population=population,
        params=base_parameters(loaded),
    )
    return VirtualPatients.from_population(draw)


def point_protocol(loaded: LoadedSweep, point: dict[str, float]):
    """The protocol of one design point (its protocol knobs set)."""
    knobs = {
        f.name.removeprefix("protocol."): point[f.name]
        for f in loaded.factors
        if f.kind == "protocol"
    }
    return set_knobs(loaded.protocol, knobs) if knobs else loaded.protocol


@dataclass(frozen=True)
class SweepTask:
    """One chunk of a sweep's rows: everything a worker needs (it pickles).

    Attributes
    ----------
    chunk
        Which rows (positions in the point-major layout).
    ids
        Each row's cohort patient id (its random streams).
    point, patient
        Each row's design point and cohort position.
    descriptors
        Each row's lesion descriptors (five float32 arrays, as
        :class:`~strokesim.model.lesion.LesionDescriptors`).
    patient_params
        Per-row model parameters (float32 arrays), the swept ones.
    protocols
        The distinct protocols of the chunk; ``protocol_index`` gives each row's,
        or is ``None`` when the chunk's rows share ``protocols[0]``.
    passes
        Optional passes (static), the union over the whole design's protocols.
    params
        Model parameters shared by every row.
    days, record_days
        Horizon and assessment days (days since onset).
    columns
        ``(measure, day)`` of each per-row column written.
    seed, rater_noise
        Root seed and whether raters add noise.
    pad_to
        Batch size every chunk is padded to (one compiled program).
    folder
        The run's parts folder.
    """

    chunk: Chunk
    ids: tuple[str, ...]
    point: np.ndarray
    patient: np.ndarray
    descriptors: tuple[np.ndarray, ...]
    patient_params: dict[str, np.ndarray]
    protocols: tuple[Any, ...]
    protocol_index: np.ndarray | None
    passes: Any
    params: dict[str, float]
    days: int
    record_days: tuple[int, ...]
    columns: tuple[tuple[str, int], ...]
    seed: int
    rater_noise: bool
    pad_to: int
    folder: Path


_TEMPLATES: dict[str, Any] = {}


def _template(params: dict[str, float]):
    from strokesim.model.template import healthy_template

    key = _sha256({k: float(v) for k, v in params.items()})
    if key not in _TEMPLATES:
        _TEMPLATES.clear()
        _TEMPLATES[key] = healthy_template(params)
    return _TEMPLATES[key]


def run_sweep_task(task: SweepTask) -> ChunkDone:
    """Simulate one chunk of rows as one batch and write its part (point, patient, columns)."""
    from strokesim.engine import day_inputs, input_horizon, patient_inputs, run_chunk
    from strokesim.jobs.store import write_table_part
    from strokesim.model.lesion import LesionDescriptors
    from strokesim.random_streams import patient_keys
    from strokesim.therapy.schedule import compile_protocol

    started = time.perf_counter()
    horizon = input_horizon(task.days)
    compiled = [day_inputs(compile_protocol(p, horizon)) for p in task.protocols]
    if task.protocol_index is None:
        inputs = compiled[0]
    else:
        inputs = patient_inputs(compiled, task.protocol_index)
    result = run_chunk(
        LesionDescriptors(*task.descriptors),
        patient_keys(task.seed, "patient", task.ids),
        inputs,
        task.record_days,
        _template(task.params),
        {**task.params, **task.patient_params},
        passes=task.passes,
        rater_noise=float(task.rater_noise),
        pad_to=task.pad_to,
    )
    table = pd.DataFrame({"point": task.point, "patient": task.patient})
    for measure, day in task.columns:
        table[f"{measure}_day{day}"] = result.outputs[measure][:, task.record_days.index(day)]
    part = write_table_part(table, task.folder, task.chunk.name)
    return chunk_done(task.chunk, part, task.days, started)


@dataclass
class _Rows:
    """The point-major rows of a sweep, with what each row needs."""

    ids: tuple[str, ...]
    point: np.ndarray
    patient: np.ndarray
    descriptors: tuple[np.ndarray, ...]
    patient_params: dict[str, np.ndarray]
    protocols: list[Any]
    protocol_index: np.ndarray | None
    passes: Any = field(default=None)


def _rows(loaded: LoadedSweep, design: pd.DataFrame) -> _Rows:
    from strokesim.engine import input_horizon
    from strokesim.model.dynamics import Passes
    from strokesim.simulate import protocol_passes
    from strokesim.therapy.schedule import compile_protocol

    n, points = loaded.spec.cohort.n, len(design)
    records = design.to_dict("records")
    if any(f.kind == "population" for f in loaded.factors):
        cohorts = [point_patients(loaded, p) for p in records]
        descriptors = tuple(
            np.concatenate([np.asarray(c.descriptors[i], np.float32) for c in cohorts])
            for i in range(5)
        )
    else:
        one = point_patients(loaded)
        descriptors = tuple(np.tile(np.asarray(x, np.float32), points) for x in one.descriptors)
    patient_params = {
        f.name: np.repeat(design[f.name].to_numpy(np.float64), n).astype(np.float32)
        for f in loaded.factors
        if f.kind == "model"
    }
    knob_names = [f.name for f in loaded.factors if f.kind == "protocol"]
    horizon = input_horizon(loaded.spec.cohort.days)
    if knob_names:
        keys = [tuple(p[k] for k in knob_names) for p in records]
        distinct: dict[tuple, int] = {}
        protocols = []
        for key, p in zip(keys, records, strict=True):
            if key not in distinct:
                distinct[key] = len(protocols)
                protocols.append(point_protocol(loaded, p))
        index = np.repeat(np.asarray([distinct[k] for k in keys], np.int64), n)
    else:
        protocols, index = [loaded.protocol], None
    flags = [protocol_passes(compile_protocol(p, horizon)) for p in protocols]
    passes = Passes(*(any(f) for f in zip(*flags, strict=True)))
    return _Rows(
        ids=cohort_ids(n) * points,
        point=np.repeat(np.arange(points, dtype=np.int64), n),
        patient=np.tile(np.arange(n, dtype=np.int32), points),
        descriptors=descriptors,
        patient_params=patient_params,
        protocols=protocols,
        protocol_index=index,
        passes=passes,
    )


def sweep_settings(
    loaded: LoadedSweep, design: pd.DataFrame, params: dict[str, float]
) -> dict[str, Any]:
    """What decides a sweep's parts (and its plan), for the manifest and ``--resume``."""
    from strokesim import __version__
    from strokesim.validate.seeds import code_hash

    values = np.ascontiguousarray(design.to_numpy(np.float64))
    return {
        "job": "sweep",
        "spec_sha256": _sha256(loaded.spec.model_dump(mode="json")),
        "protocol_sha256": _sha256(loaded.protocol.model_dump(mode="json")),
        "design_sha256": hashlib.sha256(values.tobytes()).hexdigest(),
        "design_columns": list(design.columns),
        "n_points": len(design),
        "n_per_point": loaded.spec.cohort.n,
        "chunk_size": loaded.spec.chunk_size,
        "params_sha256": _sha256({k: float(v) for k, v in params.items()}),
        "code_sha256": code_hash(),
        "strokesim_version": __version__,
    }


#: What a sweep call did: its run folder, chunks, and the cost of this call.
SweepResult = JobResult


def run_sweep(
    loaded: LoadedSweep,
    design: pd.DataFrame,
    folder: str | os.PathLike[str],
    *,
    workers: int = 1,
    dask: bool = False,
    scheduler: str | None = None,
    resume: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Run every (design point, patient) row into the run folder ``folder``.

    Parameters
    ----------
    loaded
        The validated spec.
    design
        One row per design point, one column per factor (spec order).
    folder
        Run folder: ``manifest.json`` and ``parts/`` (one Parquet part per chunk).
    workers, dask, scheduler
        The executor, as for ``strokesim simulate``.
    resume
        Skip the finished chunks of ``folder`` (same settings required).
    progress
        Called as ``progress(done, total)`` in patient-days.

    Raises
    ------
    strokesim.errors.UserInputError
        Bad worker count, an unusable folder, or ``resume`` with other settings.
    strokesim.jobs.JobFailed
        If a chunk failed twice (finished chunks stay for ``resume``).
    """
    workers = check_workers(workers)
    if list(design.columns) != [f.name for f in loaded.factors]:
        raise ValueError("design columns must be the factors, in the spec's order")
    path = check_run_folder(folder, resume)
    n, days = loaded.spec.cohort.n, loaded.spec.cohort.days
    chunks = plan(len(design) * n, loaded.spec.chunk_size)
    params = base_parameters(loaded)
    rows = _rows(loaded, design)
    record_days = run_days(loaded)
    columns = tuple(dict.fromkeys((o.measure, o.day) for o in loaded.spec.output))
    pad_to = min(loaded.spec.chunk_size, len(design) * n)

    def task(chunk: Chunk) -> SweepTask:
        span = slice(chunk.start, chunk.stop)
        if rows.protocol_index is None:
            protocols, index = (rows.protocols[0],), None
        else:
            used, index = np.unique(rows.protocol_index[span], return_inverse=True)
            protocols = tuple(rows.protocols[u] for u in used)
        return SweepTask(
            chunk=chunk,
            ids=rows.ids[span],
            point=rows.point[span],
            patient=rows.patient[span],
            descriptors=tuple(d[span] for d in rows.descriptors),
            patient_params={k: v[span] for k, v in rows.patient_params.items()},
            protocols=protocols,
            protocol_index=index,
            passes=rows.passes,
            params=params,
            days=days,
            record_days=record_days,
            columns=columns,
            seed=loaded.spec.cohort.seed,
            rater_noise=loaded.spec.cohort.rater_noise,
            pad_to=pad_to,
            folder=path / PARTS,
        )

    settings = sweep_settings(loaded, design, params)
    return run_plan(
        path, settings, chunks, task, days, workers, dask, scheduler, progress, run_sweep_task
    )


def read_sweep_rows(folder: str | os.PathLike[str]) -> pd.DataFrame:
    """Every (point, patient) row of a finished sweep run folder, in row order.

    Raises
    ------
    strokesim.errors.UserInputError
        If a chunk is not finished or a part is missing or fails its checksum.
    """
    _, parts = finished_parts(folder, "rows")
    return pd.concat([pd.read_parquet(part) for part in parts], ignore_index=True)


def summarise(loaded: LoadedSweep, design: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """One row per design point: its factor values and each output's cohort statistic."""
    grouped = rows.groupby("point", sort=True)
    summary = design.copy()
    summary.insert(0, "point", np.arange(len(design), dtype=np.int64))
    for out in loaded.spec.output:
        values = grouped[out.raw]
        stat = {"mean": values.mean, "sd": values.std, "median": values.median}[out.stat]()
        summary[out.column] = stat.astype(np.float64).reindex(summary["point"]).to_numpy()
    summary["n_patients"] = grouped.size().reindex(summary["point"]).to_numpy()
    return summary
