"""Modified Ashworth Scale (MAS) of elbow and wrist flexors, and the rater's feel of tone.

Bohannon & Smith 1987 Phys Ther 67:206: grades 0, 1, 1+, 2, 3, 4 (1+ coded 1.5).
The rater feels the stretch-reflex gain above normal; each grade step is
``mas_grade_step`` of excess gain (a calibrated registry parameter).

How the rater feels it (:func:`felt_reflex_excess`): raters disagree by about half
a grade (Pandyan et al. 1999 Clin Rehabil 13:373), but most of that disagreement is
between raters — each has their own threshold for a "catch" or "more marked"
resistance — while the same rater grading the same, unchanged muscle again agrees
with themself far more often (intra-rater weighted κ ≥ 0.75 in 38 of 40 Ashworth
ratings, Brashear et al. 2002 Arch Phys Med Rehabil 83:1349; inter-rater
agreement 86.7% with no disagreement beyond one grade, Bohannon & Smith 1987).
A virtual patient is followed by one rater, so the reading is the true excess
plus that rater's persistent offset for this patient (Gaussian, drawn once) plus
a bounded visit-to-visit jitter (uniform, narrower than half a grade step). The
two add up to the same spread across raters as before (SD half a grade step), so
cross-sectional prevalences (target V10) keep their calibration, while a
physiologically steady tone can no longer jump two grades between visits: the
jitter of two visits differs by less than one grade step.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from strokesim.model.anatomy import MUSCLES

__all__ = [
    "MAS_CODES",
    "MAS_RATER_SD",
    "MAS_SPREAD_SD",
    "MAS_VISIT_HALF_WIDTH",
    "felt_reflex_excess",
    "mas_index",
    "modified_ashworth",
]

#: Numeric codes of the MAS grades 0, 1, 1+, 2, 3, 4.
MAS_CODES = jnp.array([0.0, 1.0, 1.5, 2.0, 3.0, 4.0])
#: Total spread of the felt excess across raters, in grade steps (SD): raters
#: disagree by about half a grade (Pandyan et al. 1999 Clin Rehabil 13:373).
MAS_SPREAD_SD = 0.5
#: Half-width of one rater's visit-to-visit jitter, in grade steps (uniform). Below
#: 0.5, so that two visits of the same rater differ by less than one grade step at
#: unchanged tone (Bohannon & Smith 1987: no disagreement beyond one grade); its SD
#: 0.3/√3 ≈ 0.17 step leaves a same-rater repeat agreement of about 80%
#: (1 − 2·0.3/3 for a reading uniformly placed within its grade), in the range of
#: the intra-rater reliability of Brashear et al. 2002.
MAS_VISIT_HALF_WIDTH = 0.3
#: SD of a rater's persistent offset for a patient, in grade steps: the rest of
#: :data:`MAS_SPREAD_SD` (√(0.5² − 0.3²/3) ≈ 0.47).
MAS_RATER_SD = math.sqrt(MAS_SPREAD_SD**2 - MAS_VISIT_HALF_WIDTH**2 / 3.0)
_M = {name: i for i, name in enumerate(MUSCLES)}


def felt_reflex_excess(
    excess: jnp.ndarray,
    rater_key: jax.Array,
    visit_key: jax.Array,
    params: dict[str, float],
    rater_noise: jnp.ndarray | float = 1.0,
) -> jnp.ndarray:
    """The stretch-reflex excess as the patient's rater feels it on one visit, (M,).

    Parameters
    ----------
    excess
        Stretch-reflex gain above normal per muscle (× normal gain), (M,).
    rater_key
        Key of the patient's rater: the same on every visit (persistent offset).
    visit_key
        Key of this visit (bounded jitter).
    params
        Model parameters (``mas_grade_step``).
    rater_noise
        Scale of the rater's error (0: a noise-free rater, 1: a typical one).

    Returns
    -------
    jax.Array
        ``excess`` plus the rater's offset (SD :data:`MAS_RATER_SD` grade steps) and
        this visit's jitter (uniform within ±:data:`MAS_VISIT_HALF_WIDTH` steps).
    """
    step = params["mas_grade_step"]
    offset = MAS_RATER_SD * jax.random.normal(rater_key, excess.shape)
    jitter = jax.random.uniform(
        visit_key, excess.shape, minval=-MAS_VISIT_HALF_WIDTH, maxval=MAS_VISIT_HALF_WIDTH
    )
    return excess + rater_noise * step * (offset + jitter)


def mas_index(perceived_excess: jnp.ndarray, params: dict[str, float]) -> jnp.ndarray:
    """Ordinal MAS grade index 0–5 (0, 1, 1+, 2, 3, 4) of every muscle, (M,) int32."""
    grade = jnp.floor(perceived_excess / params["mas_grade_step"])
    return jnp.clip(grade, 0, 5).astype(jnp.int32)


def modified_ashworth(perceived_excess: jnp.ndarray, params: dict[str, float]) -> jnp.ndarray:
    """MAS codes of [elbow flexors, wrist flexors] from perceived reflex excess, (2,)."""
    muscles = jnp.array([_M["elbow_flexion"], _M["wrist_flexion"]])
    return MAS_CODES[mas_index(perceived_excess[muscles], params)]
