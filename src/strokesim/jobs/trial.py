"""Trial emulation and power as unit jobs: twin-pool chunks and replicate blocks.

:func:`pool_job` simulates a trial's screened population in chunks of patients
(one unit each: their true scores under every arm, saved as ``.npz``) and
screens the concatenated scores into the twin pool; :func:`power_job` runs each
design's replicates in blocks of :data:`REPLICATE_BLOCK` (one unit each: every
replicate's primary result, or where a group-sequential replicate stopped) and
sums them in replicate order. Both give exactly what
:func:`strokesim.trial.emulation.simulate_pool` and the functions of
:mod:`strokesim.trial.power` and :mod:`strokesim.trial.sequential` give in one
piece: each patient's course depends only on the seed and their id (integer
scores do not depend on the batch), each replicate only on the pool, its size
and its number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from strokesim.jobs.plan import plan
from strokesim.jobs.units import UnitJob, job_settings

if TYPE_CHECKING:
    from strokesim.trial.emulation import TwinPool
    from strokesim.trial.spec import LoadedTrial

__all__ = ["REPLICATE_BLOCK", "PowerResult", "pool_job", "power_job", "trial_settings"]

#: Replicates per unit of a power job.
REPLICATE_BLOCK = 100


def trial_settings(job: str, loaded: LoadedTrial, chunk_size: int, **values: Any) -> dict:
    """Settings of a trial job: the spec, its arms' protocols, the chunk size and ``values``.

    The replicate block size (:data:`REPLICATE_BLOCK`) is part of them: it names the
    units of a power job.
    """
    return job_settings(
        job,
        trial=loaded.spec.model_dump(mode="json"),
        protocols={name: p.model_dump(mode="json") for name, p in loaded.protocols.items()},
        chunk_size=int(chunk_size),
        replicate_block=REPLICATE_BLOCK,
        **values,
    )


def pool_job(loaded: LoadedTrial, job: UnitJob, chunk_size: int) -> TwinPool:
    """The trial's twin pool, simulated in chunks of ``chunk_size`` screened patients.

    Progress is reported to ``job`` in patients (arms done within a chunk included).
    """
    from strokesim.trial.emulation import patient_axis, pool_from_scores, pool_scores

    chunks = plan(loaded.spec.population.n, chunk_size)
    parts = []
    for chunk in chunks:

        def compute(start: int = chunk.start, stop: int = chunk.stop) -> dict[str, np.ndarray]:
            size = stop - start
            return pool_scores(
                loaded, start, stop, progress=lambda k, arms: job.within(size * k / arms)
            )

        parts.append(
            job.unit(
                f"pool-{chunk.index:05d}",
                compute,
                label=f"twin pool {chunk.describe()}",
                weight=chunk.size,
                codec="npz",
            )
        )
    scores = {
        name: np.concatenate([part[name] for part in parts], axis=patient_axis(name))
        for name in parts[0]
    }
    return pool_from_scores(loaded, scores)


@dataclass(frozen=True)
class PowerResult:
    """What ``strokesim power`` reports.

    Attributes
    ----------
    curve
        One row per size (``check`` False), and the check at ``n_target`` (True).
    n_target
        Smallest size reaching the target power (None if none did).
    sequential
        One row per size and look of the group-sequential design (None: not asked).
    """

    curve: pd.DataFrame
    n_target: int | None
    sequential: pd.DataFrame | None


def _blocks(replicates: int, first: int = 0) -> list[tuple[int, int]]:
    return [
        (start, min(REPLICATE_BLOCK, first + replicates - start))
        for start in range(first, first + replicates, REPLICATE_BLOCK)
    ]


def _in_blocks(
    job: UnitJob, kind: str, n: int, replicates: int, first: int, compute: Any
) -> dict[str, np.ndarray]:
    """A design's replicates in blocks (units ``<kind>-n<n>-r<first>``), concatenated."""
    parts = []
    for start, count in _blocks(replicates, first):
        parts.append(
            job.unit(
                f"{kind}-n{n:06d}-r{start:06d}",
                lambda start=start, count=count: compute(start, count),
                label=f"{kind} n = {n}, replicates {start}–{start + count - 1}",
                weight=count,
                codec="npz",
            )
        )
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def power_job(
    pool: TwinPool,
    job: UnitJob,
    sizes: Sequence[int],
    replicates: int,
    target: float,
    fractions: Sequence[float] | None,
    spending: str,
) -> PowerResult:
    """Power per size, the check at the size for ``target``, and the sequential design.

    The same figures as :func:`strokesim.trial.power.power_curve`,
    :func:`~strokesim.trial.power.replicate_summary` (replicates ``replicates`` to
    ``2 replicates − 1`` at the target size) and
    :func:`~strokesim.trial.sequential.sequential_summary`; progress in replicates.
    """
    from strokesim.trial.power import n_for_power, replicate_results, summarise_replicates
    from strokesim.trial.sequential import sequential_results, summarise_sequential

    def counter() -> Callable[[], None]:
        """A tick per replicate inside the running unit."""
        done = 0

        def tick() -> None:
            nonlocal done
            done += 1
            job.within(done)

        return tick

    def power_rows(kind: str, n: int, first: int) -> dict[str, float]:
        results = _in_blocks(
            job,
            kind,
            n,
            replicates,
            first,
            lambda start, count: replicate_results(pool, n, start, count, on_replicate=counter()),
        )
        return summarise_replicates(pool, n, results).row()

    curve = pd.DataFrame([power_rows("power", n, 0) for n in sizes])
    curve["check"] = False
    spec = pool.spec
    block = int(sum(a.ratio for a in spec.arms[:2]))
    n_target = n_for_power(curve, target, multiple=max(block, 2))
    if n_target is not None:
        check = power_rows("check", n_target, replicates)
        curve = pd.concat([curve, pd.DataFrame([{**check, "check": True}])], ignore_index=True)
    sequential = None
    if fractions is not None:
        rows = []
        for size in sizes:
            results = _in_blocks(
                job,
                "sequential",
                size,
                replicates,
                0,
                lambda start, count, size=size: sequential_results(
                    pool,
                    size,
                    start,
                    count,
                    fractions,
                    kind=spending,
                    on_replicate=counter(),
                ),
            )
            s = summarise_sequential(pool, size, fractions, results, kind=spending)
            for k, fraction in enumerate(s.fractions):
                rows.append(
                    {
                        "n": size,
                        "look": k + 1,
                        "fraction": fraction,
                        "bound_z": s.bounds[k],
                        "stop_probability": s.stop_probability[k],
                        "rejection": s.rejection,
                        "expected_n": s.expected_n,
                        "spending": spending,
                        "replicates": s.replicates,
                    }
                )
        sequential = pd.DataFrame(rows)
    return PowerResult(curve, n_target, sequential)
