"""Lesions consistent with a patient's clinical findings (approximate Bayesian computation).

Candidates are drawn from the default population prior (with the patient's age),
simulated to the day of the clinical assessment with noise-free raters, and the
``n`` candidates nearest to the findings are kept (k-nearest-neighbour ABC;
Beaumont et al. 2002 Genetics 162:2025). The distance weighs each finding by
its measurement error: FMA-UE ± 3 points (minimal detectable change ≈ 3–5;
Wagner 2008), SAFE ± 1.5, NIHSS ± 3, lesion load ± 0.1, volume ± 30%; an MEP
status mismatch costs as much as 10 FMA-UE error units.

The candidates are simulated by a function the caller passes in
(``simulate_findings``; :func:`strokesim.simulate.assessment_findings` for the
engine), so this module does not import the simulator and the simulator can
import it: there is no import cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from strokesim.cohort.population import PopulationDraw, nihss_proxy, sample_population
from strokesim.patient import PatientSpec

__all__ = ["CANDIDATES", "FindingsSimulator", "SimulatedFindings", "plausible_lesions"]

#: Candidate lesions drawn per patient.
CANDIDATES = 768

_MEP_MISMATCH = 10.0


@dataclass(frozen=True)
class SimulatedFindings:
    """Noise-free clinical findings of candidate lesions on the assessment day (shape (B,)).

    Attributes
    ----------
    fma_ue
        FMA-UE (0–66).
    safe
        SAFE score (0–10).
    mep_present
        Whether an upper-limb MEP is present.
    nihss
        NIHSS (0–42).
    """

    fma_ue: np.ndarray
    safe: np.ndarray
    mep_present: np.ndarray
    nihss: np.ndarray


#: ``simulate_findings(draw, day, seed, params)``: the findings of every candidate in
#: ``draw`` on ``day`` after onset, under usual care and without rater noise.
FindingsSimulator = Callable[[PopulationDraw, int, int, dict[str, float]], SimulatedFindings]


def plausible_lesions(
    spec: PatientSpec,
    n: int,
    seed: int,
    params: dict[str, float],
    simulate_findings: FindingsSimulator,
) -> tuple[PopulationDraw, np.ndarray]:
    """The ``n`` candidate lesions most consistent with ``spec.clinical``.

    Parameters
    ----------
    spec
        A patient given by clinical descriptors.
    n
        Lesions to keep (≤ :data:`CANDIDATES`).
    seed
        Root seed of the candidate draw and their simulation.
    params
        Model parameters.
    simulate_findings
        Simulates the candidates' findings (see :data:`FindingsSimulator`).

    Returns
    -------
    draw
        Descriptors of the kept candidates; their ids are ``"<id>~<candidate>"``
        so that each keeps the unit-level fate it was matched with.
    nihss
        NIHSS of each kept lesion: the observed value when given, else the proxy.
    """
    clinical = spec.clinical
    assert clinical is not None
    ids = [f"{spec.id}~{j:04d}" for j in range(CANDIDATES)]
    draw = sample_population(ids, seed, age=spec.age, params=params)
    day = clinical.assessed_day
    at = simulate_findings(draw, day, seed, params)
    dist = np.abs(np.asarray(at.fma_ue, float) - clinical.fma_ue) / 3.0
    if clinical.safe is not None:
        dist += np.abs(np.asarray(at.safe, float) - clinical.safe) / 1.5
    if clinical.mep_present is not None:
        dist += _MEP_MISMATCH * (np.asarray(at.mep_present) != clinical.mep_present)
    if clinical.nihss is not None:
        dist += np.abs(np.asarray(at.nihss, float) - clinical.nihss) / 3.0
    if clinical.cst_lesion_load is not None:
        dist += np.abs(draw.cst_load - clinical.cst_lesion_load) / 0.1
    if clinical.lesion_volume_ml is not None:
        dist += np.abs(draw.lesion_volume_ml - clinical.lesion_volume_ml) / (
            0.3 * max(clinical.lesion_volume_ml, 1.0)
        )
    keep = np.sort(np.argsort(dist, kind="stable")[:n])
    kept = PopulationDraw(
        tuple(ids[i] for i in keep),
        *(
            np.asarray(getattr(draw, f))[keep]
            for f in (
                "age",
                "affected",
                "stunned_share",
                "cst_load",
                "premotor_damage",
                "lesion_volume_ml",
            )
        ),
    )
    if clinical.nihss is not None:
        nihss = np.full(len(keep), clinical.nihss, np.int16)
    else:
        fma = np.asarray(at.fma_ue)[keep]
        nihss = nihss_proxy(fma, kept.lesion_volume_ml, seed, kept.patient_ids)
    return kept, nihss
