"""Lesions consistent with a patient's clinical findings (approximate Bayesian computation).

Candidates are drawn from the default population prior (with the patient's age),
simulated to the day of the clinical assessment with noise-free raters, and the
``n`` candidates nearest to the findings are kept (k-nearest-neighbour ABC;
Beaumont et al. 2002 Genetics 162:2025). The distance weighs each finding by
its measurement error: FMA-UE ± 3 points (minimal detectable change ≈ 3–5;
Wagner 2008), SAFE ± 1.5, NIHSS ± 3, lesion load ± 0.1, volume ± 30%; an MEP
status mismatch costs as much as 10 FMA-UE error units.
"""

from __future__ import annotations

import numpy as np

from strokesim.cohort.population import PopulationDraw, nihss_proxy, sample_population
from strokesim.patient import PatientSpec

__all__ = ["CANDIDATES", "plausible_lesions"]

#: Candidate lesions drawn per patient.
CANDIDATES = 768

_MEP_MISMATCH = 10.0


def plausible_lesions(
    spec: PatientSpec, n: int, seed: int, params: dict[str, float]
) -> tuple[PopulationDraw, np.ndarray]:
    """The ``n`` candidate lesions most consistent with ``spec.clinical``.

    Returns
    -------
    draw
        Descriptors of the kept candidates; their ids are ``"<id>~<candidate>"``
        so that each keeps the unit-level fate it was matched with.
    nihss
        NIHSS of each kept lesion: the observed value when given, else the proxy.
    """
    from strokesim.simulate import Record, VirtualPatients, simulate
    from strokesim.therapy.library import usual_care

    clinical = spec.clinical
    assert clinical is not None
    ids = [f"{spec.id}~{j:04d}" for j in range(CANDIDATES)]
    draw = sample_population(ids, seed, age=spec.age, params=params)
    day = clinical.assessed_day
    ds = simulate(
        VirtualPatients.from_population(draw),
        usual_care(),
        days=max(day, 3),
        record=Record((day,)),
        seed=seed,
        rater_noise=False,
        chunk_size=CANDIDATES,
        params=params,
    )
    at = ds.sel(day=day)
    dist = np.abs(at.fma_ue.values - clinical.fma_ue) / 3.0
    if clinical.safe is not None:
        dist += np.abs(at.safe.values - clinical.safe) / 1.5
    if clinical.mep_present is not None:
        dist += _MEP_MISMATCH * (at.mep_present.values != clinical.mep_present)
    if clinical.nihss is not None:
        dist += np.abs(ds.nihss.values - clinical.nihss) / 3.0
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
        fma = at.fma_ue.values[keep]
        nihss = nihss_proxy(fma, kept.lesion_volume_ml, seed, kept.patient_ids)
    return kept, nihss
