"""The default virtual population: first-ever ischaemic strokes with arm paresis.

Each virtual patient draws, from its own stream (root seed, "population", id):

- age ~ Normal(72, 12) clipped to 30–98 years (PREP2 cohort median 72,
  Stinear et al. 2017 Ann Clin Transl Neurol);
- a latent severity s ~ Beta(a, b); the share of ipsilesional M1 units affected
  grows with s, the corticospinal lesion load grows faster than linearly with s
  (large strokes reach the internal capsule; Zhu 2010 Stroke, Feng 2015 Ann
  Neurol), each with individual scatter;
- the stunned share of affected units ~ Beta(mean, concentration) from the registry;
- premotor damage, up to the cortical share;
- lesion volume (ml), used only for the NIHSS proxy.

The shape (a, b) of the severity distribution is the population's free parameter;
it is calibrated against the severity mix in VALIDATION.md's default cohort.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from strokesim.model.parameters import Parameter, model_parameters
from strokesim.random_streams import PURPOSES, id_hash

__all__ = ["POPULATION_PARAMETERS", "PopulationDraw", "nihss_proxy", "sample_population"]

POPULATION_PARAMETERS: dict[str, Parameter] = {
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
            "Shape of latent severity; calibrated to the LEAPS-band mix at day 3",
            "Beta a of latent severity.",
        ),
        Parameter(
            "severity_b",
            1.4,
            "1",
            0.5,
            3.0,
            "Shape of latent severity; calibrated to the LEAPS-band mix at day 3",
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
    )
}


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
    pop = {k: p.value for k, p in POPULATION_PARAMETERS.items()} | (population or {})
    params = params or model_parameters()
    mean, conc = params["stunned_share_mean"], params["stunned_share_concentration"]
    rows = []
    for pid in patient_ids:
        rng = _rng(seed, pid)
        a = float(np.clip(rng.normal(pop["age_mean"], pop["age_sd"]), 30.0, 98.0))
        s = rng.beta(pop["severity_a"], pop["severity_b"])
        cv = pop["lesion_scatter_cv"]
        affected = float(np.clip(s * _lognormal(rng, cv), 0.0, 0.95))
        cst = float(np.clip(s ** pop["cst_load_exponent"] * 1.3 * _lognormal(rng, cv), 0.0, 1.0))
        stunned = rng.beta(mean * conc, (1.0 - mean) * conc)
        premotor = float(affected * rng.uniform(0.0, 0.8))
        volume = float(1.0 + 150.0 * affected**1.5 * _lognormal(rng, 0.5))
        rows.append((a if age is None else age, affected, stunned, cst, premotor, volume))
    cols = np.array(rows, dtype=np.float64).reshape(len(rows), 6).T
    return PopulationDraw(tuple(patient_ids), *(c.astype(np.float32) for c in cols))


def nihss_proxy(
    fma_day3: np.ndarray, lesion_volume_ml: np.ndarray, seed: int, patient_ids: Sequence[str]
) -> np.ndarray:
    """NIHSS (0–42) of virtual patients from day-3 arm function and lesion volume.

    The arm item (0–4) follows FMA-UE (NIHSS item 5: 0 no drift … 4 no movement);
    the leg item is one point milder (leg paresis is usually less severe in MCA
    strokes); the remaining items (language, neglect, sensation, gaze, face,
    vision, consciousness) scale with lesion volume (Fink 2002 Stroke 33:954:
    NIHSS correlates with infarct volume, r ≈ 0.5–0.7), with Poisson scatter.
    """
    fma = np.asarray(fma_day3, dtype=float)
    arm = np.select([fma >= 60, fma >= 43, fma >= 25, fma >= 8], [0, 1, 2, 3], 4)
    leg = np.maximum(arm - 1, 0)
    out = np.empty(len(fma), dtype=np.int16)
    for i, pid in enumerate(patient_ids):
        rng = np.random.default_rng([seed, PURPOSES["population"], id_hash(pid), 7])
        other = rng.poisson(1.0 + lesion_volume_ml[i] / 15.0)
        out[i] = min(arm[i] + leg[i] + other, 42)
    return out
