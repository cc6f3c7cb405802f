"""The default virtual population: first-ever ischaemic strokes with arm paresis.

Each virtual patient draws, from its own stream (root seed, "population", id):

- age ~ Normal(72, 12) clipped to 30–98 years (PREP2 cohort median 72,
  Stinear et al. 2017 Ann Clin Transl Neurol);
- a latent severity s ~ Beta(a, b); the share of ipsilesional M1 units affected
  grows with s, the corticospinal lesion load grows faster than linearly with s
  (large strokes reach the internal capsule; Zhu 2010 Stroke, Feng 2015 Ann
  Neurol), each with individual scatter; for a share ``cst_independent_share`` of
  patients the CST load follows a latent severity of its own (same Beta), drawn
  independently of the cortical one: where the infarct lies, not only how large
  it is, decides how much of the tract is cut (a capsular lacune cuts it, a large
  cortical infarct may spare it);
- the stunned share of affected units ~ Beta(mean, concentration) from the registry;
- premotor damage, up to a share of the cortical share;
- lesion volume (ml), used only for the NIHSS proxy.

Every number that shapes a draw is in :data:`POPULATION_PARAMETERS` (the
``"population"`` group of :mod:`strokesim.registry`, data file
``src/strokesim/registry/population.toml``), with unit, range and source. The shape
(a, b) of the severity distribution is fitted by stage A of ``calibration/calibrate.py``
against V4 and V10 (the cohort-wide shares that move with the severity mix); until a
run of that stage is stored, the data file holds the hand-set values
(docs/hand_set.md). Calibrated values reach :data:`POPULATION_PARAMETERS` from
``calibrated.json`` entries whose registry is ``"population"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from strokesim.errors import UserInputError
from strokesim.model.parameters import model_parameters
from strokesim.random_streams import PURPOSES, id_hash
from strokesim.registry import BY_GROUP, LITERATURE, Parameter, active_overrides

__all__ = [
    "NIHSS_MAX",
    "POPULATION_PARAMETERS",
    "PopulationDraw",
    "lesion_volume_ml",
    "nihss_proxy",
    "population_literature",
    "sample_population",
]

#: Highest NIHSS total (the scale's range is 0–42).
NIHSS_MAX = 42
#: NIHSS item 5 (motor arm) has grades 0–4.
_ARM_GRADES = 5
#: Index of the NIHSS proxy's sub-stream within a patient's population stream.
_NIHSS_STREAM = 7

#: The population parameters with their literature or hand-set values (the data file
#: ``src/strokesim/registry/population.toml``).
_POPULATION_LITERATURE: dict[str, Parameter] = {p.name: p for p in LITERATURE["population"]}

#: The population registry: :data:`_POPULATION_LITERATURE` with the values that
#: ``calibration/calibrate.py`` fitted in their place (the ``calibrated.json``
#: entries whose ``"registry"`` is ``"population"``); the ``"population"`` group of
#: :mod:`strokesim.registry`.
POPULATION_PARAMETERS: dict[str, Parameter] = dict(BY_GROUP["population"])


def population_literature() -> dict[str, float]:
    """Population parameter values before calibration (the starting values)."""
    return {name: p.value for name, p in _POPULATION_LITERATURE.items()}


def lesion_volume_ml(
    affected: float, scatter: float = 1.0, population: dict[str, float] | None = None
) -> float:
    """Lesion volume (ml) of a stroke affecting a share of ipsilesional M1.

    ``volume = base + scale · affected^exponent · scatter`` with the population
    registry's ``volume_*`` values (overridden by ``population``).

    Parameters
    ----------
    affected
        Share of ipsilesional M1 units affected (fraction, 0–1).
    scatter
        Individual multiplier (a log-normal draw with mean 1 in the sampler; 1 for a
        patient whose lesion is given).
    population
        Overrides of :data:`POPULATION_PARAMETERS` values.
    """
    pop = _population_values(population)
    return (
        pop["volume_base_ml"]
        + pop["volume_scale_ml"] * affected ** pop["volume_exponent"] * scatter
    )


def _population_values(population: dict[str, float] | None = None) -> dict[str, float]:
    values = {k: p.value for k, p in POPULATION_PARAMETERS.items()}
    return values | active_overrides("population") | (population or {})


def _per_patient(
    population: Mapping[str, float | ArrayLike] | None, n: int
) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """Split overrides into values shared by every patient and one-per-patient arrays."""
    shared: dict[str, float] = {}
    own: dict[str, np.ndarray] = {}
    for name, value in (population or {}).items():
        if np.ndim(value) == 0:
            shared[name] = value  # type: ignore[assignment]
            continue
        arr = np.asarray(value, dtype=np.float64)
        if arr.shape != (n,):
            raise UserInputError(
                f"population.{name}",
                f"must be one value or {n} (one per patient), got shape {arr.shape}",
            )
        own[name] = arr
    return shared, own


@dataclass(frozen=True)
class PopulationDraw:
    """Descriptors of a batch of virtual patients (numpy arrays of shape (B,))."""

    patient_ids: tuple[str, ...]
    age: np.ndarray
    affected: np.ndarray
    stunned_share: np.ndarray
    cst_load: np.ndarray
    premotor_damage: np.ndarray
    lesion_volume_ml: np.ndarray


def _rng(seed: int, patient_id: str) -> np.random.Generator:
    return np.random.default_rng([seed, PURPOSES["population"], id_hash(patient_id)])


def _lognormal(rng: np.random.Generator, cv: float) -> float:
    s2 = np.log1p(cv**2)
    return float(np.exp(np.sqrt(s2) * rng.standard_normal() - 0.5 * s2))


def sample_population(
    patient_ids: Sequence[str],
    seed: int,
    *,
    age: float | None = None,
    population: Mapping[str, float | ArrayLike] | None = None,
    params: dict[str, float] | None = None,
) -> PopulationDraw:
    """Draw lesion and person descriptors for each patient id.

    Parameters
    ----------
    patient_ids
        Ids; each patient's draw depends only on (seed, id).
    seed
        Root seed.
    age
        Fix every patient's age (years) instead of drawing it.
    population
        Overrides of :data:`POPULATION_PARAMETERS` values: one value for every patient,
        or one per patient (a sequence as long as ``patient_ids``; each patient's draw
        is then the one it gets alone with its value).
    params
        Model parameters (for the stunned-share distribution).

    Raises
    ------
    UserInputError
        If a per-patient sequence's length is not the number of patients.
    """
    shared, own = _per_patient(population, len(patient_ids))
    pop = _population_values(shared)
    params = params or model_parameters()
    mean, conc = params["stunned_share_mean"], params["stunned_share_concentration"]
    rows = []
    for i, pid in enumerate(patient_ids):
        if own:
            pop = _population_values(shared | {k: float(v[i]) for k, v in own.items()})
        rng = _rng(seed, pid)
        age_drawn = rng.normal(pop["age_mean"], pop["age_sd"])
        a = float(np.clip(age_drawn, pop["age_min"], pop["age_max"]))
        s = rng.beta(pop["severity_a"], pop["severity_b"])
        cv = pop["lesion_scatter_cv"]
        affected = float(np.clip(s * _lognormal(rng, cv), 0.0, pop["affected_max"]))
        cst_scatter = _lognormal(rng, cv)
        stunned = rng.beta(mean * conc, (1.0 - mean) * conc)
        premotor = float(affected * rng.uniform(0.0, pop["premotor_share_max"]))
        scatter = _lognormal(rng, pop["volume_scatter_cv"])
        volume = float(lesion_volume_ml(affected, scatter, pop))
        # drawn last, and always, so that the earlier draws do not depend on the share
        own_site = rng.uniform() < pop["cst_independent_share"]
        s_site = rng.beta(pop["severity_a"], pop["severity_b"])
        s_cst = s_site if own_site else s
        load = s_cst ** pop["cst_load_exponent"] * pop["cst_load_scale"] * cst_scatter
        cst = float(np.clip(load, 0.0, 1.0))
        rows.append((a if age is None else age, affected, stunned, cst, premotor, volume))
    cols = np.array(rows, dtype=np.float64).reshape(len(rows), 6).T
    return PopulationDraw(tuple(patient_ids), *(c.astype(np.float32) for c in cols))


def nihss_proxy(
    fma_day3: np.ndarray,
    lesion_volume_ml: np.ndarray,
    seed: int,
    patient_ids: Sequence[str],
    population: dict[str, float] | None = None,
) -> np.ndarray:
    """NIHSS (0–42) of virtual patients from day-3 arm function and lesion volume.

    The arm item (0–4) follows FMA-UE (NIHSS item 5: 0 no drift … 4 no movement);
    the leg item is one point milder (leg paresis is usually less severe in MCA
    strokes); the remaining items (language, neglect, sensation, gaze, face,
    vision, consciousness) scale with lesion volume (Fink 2002 Stroke 33:954:
    NIHSS correlates with infarct volume, r ≈ 0.5–0.7), with Poisson scatter.
    """
    pop = _population_values(population)
    fma = np.asarray(fma_day3, dtype=float)
    floors = [pop[f"nihss_arm{grade}_min_fma"] for grade in range(_ARM_GRADES - 1)]
    arm = np.select(
        [fma >= floor for floor in floors], list(range(_ARM_GRADES - 1)), _ARM_GRADES - 1
    )
    leg = np.maximum(arm - 1, 0)
    out = np.empty(len(fma), dtype=np.int16)
    for i, pid in enumerate(patient_ids):
        rng = np.random.default_rng([seed, PURPOSES["population"], id_hash(pid), _NIHSS_STREAM])
        mean_other = pop["nihss_other_base"] + lesion_volume_ml[i] / pop["nihss_ml_per_point"]
        other = rng.poisson(mean_other)
        out[i] = min(arm[i] + leg[i] + other, NIHSS_MAX)
    return out
