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

Every number that shapes a draw is in :data:`POPULATION_PARAMETERS`, with unit,
range and source. The shape (a, b) of the severity distribution is fitted by stage A
of ``calibration/calibrate.py`` against V4 and V10 (the cohort-wide shares that move
with the severity mix); until a run of that stage is stored, the values here are the
hand-set ones (docs/hand_set.md). Calibrated values reach :data:`POPULATION_PARAMETERS`
from ``calibrated.json`` entries whose registry is ``"population"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from strokesim.model.parameters import (
    Parameter,
    apply_calibrated,
    calibrated_entries,
    model_parameters,
)
from strokesim.random_streams import PURPOSES, id_hash

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

_SEVERITY_BASIS = (
    "Shape of the latent severity, calibrated against V4/V10 (PREP2's accuracy and the "
    "spasticity prevalences are shares of the whole cohort and move with its severity mix) "
    "on the calibration cohorts (calibration/calibrate.py, stage A); starting value "
    "Beta(1.1, 1.4), mean 0.44, about a third of the day-3 cohort in each LEAPS band"
)

#: The population parameters with their literature or hand-set values.
_POPULATION_LITERATURE: dict[str, Parameter] = {
    p.name: p
    for p in (
        Parameter(
            "age_mean",
            72.0,
            "year",
            60.0,
            80.0,
            "Stinear 2017 PREP2 cohort (median 72)",
            "Mean age of the virtual cohort.",
        ),
        Parameter("age_sd", 12.0, "year", 5.0, 20.0, "Stinear 2017 (IQR ≈ 62–80)", "SD of age."),
        Parameter(
            "severity_a",
            1.1,
            "1",
            0.5,
            3.0,
            _SEVERITY_BASIS,
            "Beta a of latent severity.",
        ),
        Parameter(
            "severity_b",
            1.4,
            "1",
            0.5,
            3.0,
            _SEVERITY_BASIS,
            "Beta b of latent severity.",
        ),
        Parameter(
            "cst_load_exponent",
            1.6,
            "1",
            1.0,
            3.0,
            "CST load rises steeply in large strokes (Zhu 2010 Stroke 41:910)",
            "Exponent linking latent severity to corticospinal lesion load.",
        ),
        Parameter(
            "lesion_scatter_cv",
            0.35,
            "CV",
            0.1,
            0.6,
            "Weak correlation of lesion volume and CST load (Feng 2015 Ann Neurol)",
            "Individual scatter of affected share and CST load around severity.",
        ),
        Parameter(
            "cst_independent_share",
            0.4,
            "fraction",
            0.0,
            1.0,
            "Lesion site: corticospinal damage depends on where the infarct lies (internal "
            "capsule, corona radiata) more than on its cortical extent (Zhu 2010 Stroke 41:910: "
            "CST lesion load, not infarct size, predicts impairment; Feng 2015 Ann Neurol "
            "78:860: in patients with UE-FM <= 10 at baseline, CST lesion load explains 47% of "
            "the 3-month UE-FM variance, the baseline score 11%). Sized against the spread of "
            "severe patients' outcomes (docs/validation.md, Between-patient spread): Nijland "
            "2010 Stroke 41:745 (25% without early finger extension regain some dexterity), "
            "Winters 2015 Neurorehabil Neural Repair 29:614 (65 of 211 non-fitters, all severe); "
            "0 is neutral (CST load follows the cortical severity)",
            "Share of patients whose CST lesion load follows a severity of its own.",
        ),
        Parameter(
            "age_min",
            30.0,
            "year",
            18.0,
            40.0,
            "Set by hand: the age draw is clipped to adult ages (a first ischaemic stroke "
            "below 30 is rare)",
            "Youngest age of a drawn patient.",
        ),
        Parameter(
            "age_max",
            98.0,
            "year",
            90.0,
            105.0,
            "Set by hand: the age draw is clipped to the oldest ages seen in stroke cohorts",
            "Oldest age of a drawn patient.",
        ),
        Parameter(
            "affected_max",
            0.95,
            "fraction",
            0.8,
            1.0,
            "Set by hand: a first stroke with arm paresis spares some of M1 (the draw is "
            "clipped below complete destruction)",
            "Largest share of ipsilesional M1 units affected.",
        ),
        Parameter(
            "cst_load_scale",
            1.3,
            "1",
            1.0,
            2.0,
            "Set by hand: above 1 so that the largest strokes reach a complete corticospinal "
            "load (clipped at 1) despite the scatter; not fitted (docs/hand_set.md)",
            "CST load at latent severity 1, before scatter: load = scale · s^exponent.",
        ),
        Parameter(
            "premotor_share_max",
            0.8,
            "fraction",
            0.5,
            1.0,
            "Set by hand: premotor cortex is hit less often than M1 by the MCA strokes that "
            "cause arm paresis; its dead share is a uniform share 0–max of M1's affected share; "
            "not fitted (docs/hand_set.md)",
            "Largest premotor damage as a share of the M1 share affected.",
        ),
        Parameter(
            "volume_base_ml",
            1.0,
            "ml",
            0.5,
            5.0,
            "Set by hand: the smallest infarct that causes arm paresis (lacune, ~1 ml)",
            "Lesion volume at no M1 involvement.",
        ),
        Parameter(
            "volume_scale_ml",
            150.0,
            "ml",
            80.0,
            300.0,
            "Set by hand: a stroke affecting all of M1 is a large MCA infarct of order 100–200 "
            "ml; used only by the NIHSS proxy",
            "Lesion volume added at full M1 involvement: volume = base + scale · affected^exp.",
        ),
        Parameter(
            "volume_exponent",
            1.5,
            "1",
            1.0,
            3.0,
            "Set by hand: volume grows faster than cortical involvement (large strokes add "
            "subcortical white matter)",
            "Exponent linking the affected share to lesion volume.",
        ),
        Parameter(
            "volume_scatter_cv",
            0.5,
            "CV",
            0.2,
            1.0,
            "Set by hand: infarct volume varies widely at a given motor deficit (Feng 2015 "
            "Ann Neurol: volume predicts motor outcome poorly)",
            "Individual log-normal scatter of lesion volume.",
        ),
        Parameter(
            "nihss_arm0_min_fma",
            60.0,
            "FMA-UE point",
            55.0,
            66.0,
            "Set by hand: NIHSS item 5 (motor arm) 0 = no drift, taken as FMA-UE ≥ 60",
            "Lowest day-3 FMA-UE scored as NIHSS arm item 0.",
        ),
        Parameter(
            "nihss_arm1_min_fma",
            43.0,
            "FMA-UE point",
            35.0,
            50.0,
            "Set by hand: NIHSS arm item 1 = drift, taken as the LEAPS mild band (FMA-UE ≥ 43)",
            "Lowest day-3 FMA-UE scored as NIHSS arm item 1.",
        ),
        Parameter(
            "nihss_arm2_min_fma",
            25.0,
            "FMA-UE point",
            15.0,
            35.0,
            "Set by hand: NIHSS arm item 2 = some effort against gravity",
            "Lowest day-3 FMA-UE scored as NIHSS arm item 2.",
        ),
        Parameter(
            "nihss_arm3_min_fma",
            8.0,
            "FMA-UE point",
            3.0,
            15.0,
            "Set by hand: NIHSS arm item 3 = no effort against gravity; below it item 4, no "
            "movement",
            "Lowest day-3 FMA-UE scored as NIHSS arm item 3.",
        ),
        Parameter(
            "nihss_other_base",
            1.0,
            "NIHSS point",
            0.0,
            3.0,
            "Set by hand: mean score of the non-motor NIHSS items in a very small stroke",
            "Mean of the Poisson draw of the non-motor NIHSS items at zero lesion volume.",
        ),
        Parameter(
            "nihss_ml_per_point",
            15.0,
            "ml/point",
            5.0,
            30.0,
            "Set by hand so that the proxy correlates with infarct volume as NIHSS does (Fink "
            "2002 Stroke 33:954: r ≈ 0.5–0.7)",
            "Lesion volume per mean point of the non-motor NIHSS items.",
        ),
    )
}

#: The population registry: :data:`_POPULATION_LITERATURE` with the values that
#: ``calibration/calibrate.py`` fitted in their place (the ``calibrated.json``
#: entries whose ``"registry"`` is ``"population"``).
POPULATION_PARAMETERS: dict[str, Parameter] = apply_calibrated(
    _POPULATION_LITERATURE.values(), calibrated_entries("population")
)


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
    return {k: p.value for k, p in POPULATION_PARAMETERS.items()} | (population or {})


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
    population: dict[str, float] | None = None,
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
        Overrides of :data:`POPULATION_PARAMETERS` values.
    params
        Model parameters (for the stunned-share distribution).
    """
    pop = _population_values(population)
    params = params or model_parameters()
    mean, conc = params["stunned_share_mean"], params["stunned_share_concentration"]
    rows = []
    for pid in patient_ids:
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
