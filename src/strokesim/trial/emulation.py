"""One simulation of a twin pool; counterfactual-twin effects and parallel-group draws.

:func:`simulate_pool` runs every screened virtual patient under every arm once
(:func:`strokesim.branching.snapshot` up to the first day the arms differ, then
:func:`strokesim.branching.run_arms`), without rater noise: these are the *true*
scores. Screening reads them on the screening day. Two modes then share that pool:

- **counterfactual twins** (:func:`twin_effects`): every enrolled patient under
  every arm, the mechanistic effect per stratum;
- **parallel groups** (:func:`draw_trial`): a trial of ``n`` patients sampled with
  replacement from the enrolled twins (the pool is the trial's super-population),
  randomised to one arm each, observed by a rater with noise, with dropout.
  Replicates are re-allocations of the simulated twins, never new simulations.

Every draw of replicate ``r`` at size ``n`` uses generators seeded by
(population seed, "trial" stream, n, r, purpose): results depend on nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.weightstats import DescrStatsW

from strokesim.branching import advance, run_arms, snapshot
from strokesim.cohort.population import sample_population
from strokesim.cohort.protocol_effects import BANDS, severity_band
from strokesim.compare import divergence_day
from strokesim.model.anatomy import FMA_ITEMS
from strokesim.random_streams import PURPOSES
from strokesim.simulate import Record, VirtualPatients
from strokesim.trial.randomisation import allocate
from strokesim.trial.screening import screen
from strokesim.trial.spec import SCALE_RANGE, SEVERITY_BAND_DAY, LoadedTrial, TrialSpec

__all__ = [
    "ITEM_PREFIX",
    "TrialDraw",
    "TwinPool",
    "draw_trial",
    "patient_axis",
    "pool_from_scores",
    "pool_scores",
    "simulate_pool",
    "trial_table",
    "twin_effects",
]

_SCALES = tuple(SCALE_RANGE)
_DRAW_PURPOSE = {"sample": 1, "allocate": 2, "noise": 3, "dropout": 4}


@dataclass(frozen=True)
class TwinPool:
    """True scores of the enrolled twins under every arm, and the screening record.

    Attributes
    ----------
    spec
        The trial.
    arms
        Arm names; ``arms[0]`` is the control.
    screening
        One row per screened patient: ``patient``, the screening measures,
        ``enrolled`` and ``reason`` (first failed rule).
    ids
        Enrolled patient ids, shape (m,).
    band
        LEAPS severity band at day 3 of each enrolled patient.
    mep
        MEP status at randomisation (True: MEP+).
    visit_days
        0 (baseline, the randomisation day) then the visits, days after randomisation.
    true
        Per scale, true scores of shape (arm, m, visit).
    """

    spec: TrialSpec
    arms: tuple[str, ...]
    screening: pd.DataFrame
    ids: np.ndarray
    band: np.ndarray
    mep: np.ndarray
    visit_days: tuple[int, ...]
    true: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.ids)

    def strata(self, index: np.ndarray | None = None) -> np.ndarray:
        """Stratum label of enrolled patients (the randomisation strata, e.g. ``moderate/MEP+``)."""
        keys = self.spec.randomisation.strata or ("severity_band",)
        parts = []
        for key in keys:
            parts.append(self.band if key == "severity_band" else _mep_label(self.mep))
        labels = np.array(["/".join(p) for p in zip(*parts, strict=True)], dtype=object)
        return labels if index is None else labels[index]

    def subgroup(self, name: str) -> np.ndarray:
        """Baseline subgroup label of each enrolled patient (``severity_band``, ``mep_present``)."""
        return self.band if name == "severity_band" else _mep_label(self.mep)

    def twin_effect(
        self, arm: int = 1, scale: str | None = None, visit: int | None = None
    ) -> float:
        """Mean twin difference (arm − control) of the scale at a visit over the pool."""
        scale = scale or self.spec.outcome.scale
        j = self.visit_days.index(visit or self.spec.primary_visit)
        diff = self.true[scale][arm, :, j] - self.true[scale][0, :, j]
        return float(np.mean(diff))


def _mep_label(mep: np.ndarray) -> np.ndarray:
    return np.where(np.asarray(mep, bool), "MEP+", "MEP-").astype(object)


def simulate_pool(
    loaded: LoadedTrial,
    *,
    n: int | None = None,
    chunk_size: int = 256,
    progress: Callable[[int, int], None] | None = None,
) -> TwinPool:
    """Simulate the screened population under every arm once and screen it.

    Parameters
    ----------
    loaded
        The validated trial.
    n
        Patients screened (default ``spec.population.n``).
    chunk_size
        Patients per compiled batch; results do not depend on it.
    progress
        Called as ``progress(arms_done, arms)``.
    """
    n = loaded.spec.population.n if n is None else n
    scores = pool_scores(loaded, 0, n, chunk_size=chunk_size, progress=progress)
    return pool_from_scores(loaded, scores)


def _pool_record(spec: TrialSpec) -> Record:
    """The days a pool records: screening, randomisation and visits, and the band day."""
    visit_days = (0, *spec.visits)
    record_days = {spec.screening.day, *(spec.randomisation.day + v for v in visit_days)}
    if spec.last_day >= SEVERITY_BAND_DAY:
        record_days.add(SEVERITY_BAND_DAY)
    return Record(tuple(sorted(record_days)))


#: Key prefix of the FMA-UE items that screening reads, in :func:`pool_scores`' result.
ITEM_PREFIX = "fma_item:"


def patient_axis(name: str) -> int:
    """The patient axis of one array of :func:`pool_scores` (to join chunks along it).

    Scales are (arm, patient, day); MEP status and screened FMA-UE items are
    (patient, day), under the control arm.
    """
    return 0 if name == "mep_present" or name.startswith(ITEM_PREFIX) else 1


def pool_scores(
    loaded: LoadedTrial,
    start: int,
    stop: int,
    *,
    chunk_size: int = 256,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, np.ndarray]:
    """True scores of screened patients ``start`` to ``stop - 1`` under every arm.

    The pool's raw material, computed for a slice of the screened population: each
    patient's draw and course depend only on the population seed and their id
    (``screen<i>``), so slices concatenated along the patient axis are what one run
    of the whole population gives (:func:`pool_from_scores` screens them).

    Parameters
    ----------
    loaded
        The validated trial.
    start, stop
        Positions of the screened patients (``0 <= start < stop``).
    chunk_size
        Patients per compiled batch; results do not depend on it.
    progress
        Called as ``progress(arms_done, arms)``.

    Returns
    -------
    dict of str to numpy.ndarray
        Per scale, scores of shape (arm, patient, record day) (float); and
        ``mep_present`` of shape (patient, record day) (bool), under the control arm;
        and each FMA-UE item that screening reads, ``fma_item:<item>``, of shape
        (patient, record day), under the control arm (:func:`patient_axis`).
    """
    spec = loaded.spec
    pop = spec.population
    ids = [f"screen{i:05d}" for i in range(start, stop)]
    draw = sample_population(ids, pop.seed, population=dict(pop.parameters) or None)
    patients = VirtualPatients.from_population(draw)
    record = _pool_record(spec)
    protocols = loaded.protocols
    last = spec.last_day
    # The arms share their course up to the day their inputs first differ (on or after
    # randomisation, checked by the spec): the control arm runs from the first record
    # day, the others branch from its state on that day and copy the earlier records.
    diverge = divergence_day(list(protocols.values()), last)
    snap = snapshot(
        patients, next(iter(protocols.values())), day=min(diverge, record.days[0]), seed=pop.seed
    )
    later = advance(snap, diverge) if diverge > snap.day else snap
    late = tuple(d for d in record.days if d >= later.day)
    scores: dict[str, list[np.ndarray]] = {s: [] for s in _SCALES}
    rules = (*spec.screening.include, *spec.screening.exclude)
    item_names = sorted({r.measure for r in rules if r.measure in FMA_ITEMS})
    items: dict[str, np.ndarray] = {}
    mep = None
    for k, (name, protocol) in enumerate(protocols.items()):
        if progress is not None:
            progress(k, len(protocols))
        begin, days = (snap, record) if k == 0 else (later, Record(late))
        ds = run_arms(
            begin,
            {name: protocol},
            days=last,
            record=days,
            rater_noise=False,
            chunk_size=chunk_size,
        ).isel(arm=0)
        for scale in _SCALES:
            values = ds[scale].values.astype(float)
            if k > 0:  # the days before the branch are the control arm's
                early = scores[scale][0][:, : len(record.days) - len(late)]
                values = np.concatenate([early, values], axis=1)
            scores[scale].append(values)
        if mep is None:
            mep = ds["mep_present"].values.astype(bool)
            for item in item_names:  # FMA-UE items read by screening (control arm)
                items[item] = ds["fma_items"].sel(fma_item=item).values.astype(float)
    if progress is not None:
        progress(len(protocols), len(protocols))
    assert mep is not None  # a spec has at least one arm
    return {
        **{s: np.stack(scores[s]) for s in _SCALES},
        "mep_present": mep,
        **{f"{ITEM_PREFIX}{item}": values for item, values in items.items()},
    }


def pool_from_scores(loaded: LoadedTrial, scores: dict[str, np.ndarray]) -> TwinPool:
    """Screen the population whose scores :func:`pool_scores` gave: the twin pool.

    ``scores`` holds every screened patient from position 0, in order (slices
    concatenated along the patient axis).
    """
    spec = loaded.spec
    n = scores["mep_present"].shape[0]
    ids = [f"screen{i:05d}" for i in range(n)]
    rand = spec.randomisation.day
    visit_days = (0, *spec.visits)
    days = list(_pool_record(spec).days)
    at = {d: days.index(d) for d in days}
    mep = scores["mep_present"]
    control = {s: scores[s][0] for s in _SCALES}
    day3 = SEVERITY_BAND_DAY if SEVERITY_BAND_DAY in at else days[0]
    band_all = severity_band(control["fma_ue"][:, at[day3]]).astype(object)
    screen_at = at[spec.screening.day]
    measures = {
        "fma_ue": control["fma_ue"][:, screen_at],
        "arat": control["arat"][:, screen_at],
        "mep_present": mep[:, screen_at],
        "severity_band": band_all,
        **{
            name.removeprefix(ITEM_PREFIX): values[:, screen_at]
            for name, values in scores.items()
            if name.startswith(ITEM_PREFIX)
        },
    }
    enrolled, reasons = screen(spec.screening, measures)
    table = pd.DataFrame({"patient": ids, **measures, "enrolled": enrolled, "reason": reasons})
    cols = [at[rand + v] for v in visit_days]
    true = {s: np.stack([a[enrolled][:, cols] for a in scores[s]]) for s in _SCALES}
    return TwinPool(
        spec=spec,
        arms=tuple(loaded.protocols),
        screening=table,
        ids=np.asarray(ids, dtype=object)[enrolled],
        band=band_all[enrolled],
        mep=mep[enrolled, at[rand]],
        visit_days=visit_days,
        true=true,
    )


def twin_effects(
    pool: TwinPool, *, scale: str | None = None, visit: int | None = None
) -> pd.DataFrame:
    """Counterfactual-twin effect (arm − control) of a scale at a visit, overall and by stratum.

    Every enrolled patient contributes their own paired difference; the interval is
    the Student-t 95% CI of the mean (statsmodels ``DescrStatsW``).
    """
    scale = scale or pool.spec.outcome.scale
    visit = visit or pool.spec.primary_visit
    j = pool.visit_days.index(visit)
    groups = [("all", "all", np.ones(len(pool), bool))]
    for label in BANDS:
        groups.append(("severity_band", label, pool.band == label))
    mep = _mep_label(pool.mep)
    for label in ("MEP+", "MEP-"):
        groups.append(("mep_present", label, mep == label))
    rows = []
    for k in range(1, len(pool.arms)):
        diff = pool.true[scale][k, :, j] - pool.true[scale][0, :, j]
        for variable, label, mask in groups:
            values = diff[mask]
            row = {
                "comparison": f"{pool.arms[k]} − {pool.arms[0]}",
                "subgroup": variable,
                "level": label,
                "n": int(values.size),
                "effect": float(values.mean()) if values.size else np.nan,
                "ci_low": np.nan,
                "ci_high": np.nan,
            }
            if values.size >= 2 and np.ptp(values) > 0:
                row["ci_low"], row["ci_high"] = DescrStatsW(values).tconfint_mean(0.05)
            elif values.size >= 1:
                row["ci_low"] = row["ci_high"] = row["effect"]
            rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class TrialDraw:
    """One parallel-group trial drawn from a pool.

    Attributes
    ----------
    index
        Position of each randomised patient in the pool, shape (n,).
    arm
        Allocated arm (index into ``pool.arms``), shape (n,).
    observed
        Per scale, rater-observed scores of shape (n, visit); NaN after dropout.
    dropped_at
        Visit index (≥ 1) at which each patient dropped out; ``len(visits)+1`` if never.
    arms
        The pool's arms in this trial (indices; the first is the control).
    """

    index: np.ndarray
    arm: np.ndarray
    observed: dict[str, np.ndarray]
    dropped_at: np.ndarray
    arms: tuple[int, ...]


def _rng(pool: TwinPool, n: int, replicate: int, purpose: str) -> np.random.Generator:
    seed = pool.spec.population.seed
    return np.random.default_rng([seed, PURPOSES["trial"], n, replicate, _DRAW_PURPOSE[purpose]])


def draw_trial(
    pool: TwinPool, n: int | None = None, replicate: int = 0, *, arms: tuple[int, ...] | None = None
) -> TrialDraw:
    """Randomise, observe and lose patients: one parallel-group trial from the pool.

    Parameters
    ----------
    pool
        The simulated twins.
    n
        Patients randomised; ``None`` randomises every enrolled twin once (the trial
        as screened); otherwise ``n`` twins are sampled with replacement.
    replicate
        Replicate number (≥ 0); selects the random streams.
    arms
        Arm indices in the trial (default all); ratios follow the spec.
    """
    spec = pool.spec
    arms = tuple(range(len(pool.arms))) if arms is None else arms
    size = len(pool) if n is None else n
    if n is None:
        index = np.arange(len(pool))
    else:
        index = _rng(pool, size, replicate, "sample").integers(0, len(pool), size)
    rand = spec.randomisation
    ratios = [spec.arms[a].ratio for a in arms]
    chosen = allocate(
        _rng(pool, size, replicate, "allocate"),
        size,
        ratios,
        method=rand.method,
        block_size=rand.block_size,
        strata=pool.strata(index),
    )
    arm = np.asarray(arms)[chosen]
    n_visits = len(pool.visit_days)
    noise_rng = _rng(pool, size, replicate, "noise")
    observed = {}
    for scale in _SCALES:
        true = pool.true[scale][arm, index, :]
        low, high = SCALE_RANGE[scale]
        noise = spec.noise_sd(scale) * noise_rng.standard_normal(true.shape)
        observed[scale] = np.clip(np.rint(true + noise), low, high)
    drop_rng = _rng(pool, size, replicate, "dropout")
    by_band = spec.dropout.by_band
    p = np.array([by_band.get(b, spec.dropout.per_visit) for b in pool.band[index]])
    leaves = drop_rng.random((size, n_visits - 1)) < p[:, None]
    dropped_at = np.where(leaves.any(axis=1), leaves.argmax(axis=1) + 1, n_visits)
    missing = np.arange(n_visits)[None, :] >= dropped_at[:, None]
    for scale in _SCALES:
        observed[scale] = np.where(missing, np.nan, observed[scale])
    return TrialDraw(index=index, arm=arm, observed=observed, dropped_at=dropped_at, arms=arms)


def trial_table(pool: TwinPool, draw: TrialDraw) -> pd.DataFrame:
    """Every patient-visit of a drawn trial (long format, one row per patient and visit).

    Columns: ``patient`` (trial id), ``twin`` (pool id), ``arm``, ``stratum``,
    ``severity_band``, ``mep_present``, ``visit`` (days after randomisation),
    ``day`` (since onset), ``dropped_out``, and per scale ``<scale>_true`` and
    ``<scale>_observed`` (NaN once dropped out).
    """
    n, visits = len(draw.index), pool.visit_days
    strata = pool.strata(draw.index)
    frame = {
        "patient": np.repeat([f"P{i:05d}" for i in range(n)], len(visits)),
        "twin": np.repeat(pool.ids[draw.index], len(visits)),
        "arm": np.repeat(np.asarray(pool.arms, dtype=object)[draw.arm], len(visits)),
        "stratum": np.repeat(strata, len(visits)),
        "severity_band": np.repeat(pool.band[draw.index], len(visits)),
        "mep_present": np.repeat(pool.mep[draw.index], len(visits)),
        "visit": np.tile(np.asarray(visits, np.int32), n),
        "day": np.tile(np.asarray(visits, np.int32) + pool.spec.randomisation.day, n),
        "dropped_out": (np.arange(len(visits))[None, :] >= draw.dropped_at[:, None]).ravel(),
    }
    for scale in _SCALES:
        frame[f"{scale}_true"] = pool.true[scale][draw.arm, draw.index, :].ravel()
        frame[f"{scale}_observed"] = draw.observed[scale].ravel()
    return pd.DataFrame(frame)
