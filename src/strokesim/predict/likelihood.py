"""Measurement model: the likelihood of an observed score given a simulated patient.

Each observation is compared with the simulated patient's noise-free value on
the same day. Integer scales use the probability that a normal measurement
error, with the scale's standard error of measurement (SEM), rounds to the
observed integer (the ends of the scale take the tails), so floor and ceiling
scores are handled exactly. Binary findings (MEP) use a misclassification
probability; imaging measures a normal error (on the log scale for volumes and
amplitudes).

======================  ========  ==================================================
measure                 error     source
======================  ========  ==================================================
``fma_ue``              SEM 2.46  subacute moderate–severe arm paresis, NNR 2023
                                  doi:10.1177/15459683231186985 (SEM 2.46, MDC 6.82)
``arat``                SEM 2.0   ARAT smallest detectable difference ≈ 3.5–5.7
                                  points (van der Lee 2001 Arch Phys Med Rehabil
                                  82:14; Nordin 2014 J Rehabil Med 46:738);
                                  SEM = SDD / 2.77, rounded up
``safe``                SEM 0.8   two MRC grades; MRC inter-rater κ ≈ 0.8 within one
                                  grade (set by hand)
``mrc_<muscle>``        SEM 0.6   one MRC grade (set by hand)
``nihss``               SEM 1.5   NIHSS inter-rater ICC ≈ 0.95 (Goldstein & Samsa
                                  1997 Stroke 28:307); set by hand
``mas_elbow``           0.75      grades (MAS inter-rater κ ≈ 0.6–0.8, Bohannon &
                                  Smith 1987 Phys Ther 67:206); set by hand
``mep``                 5%        misclassification (set by hand; TMS at 100% output)
``mep_amplitude_mv``    0.5       log-scale SD (MEP amplitude CV ≈ 0.4–0.6 between
                                  sessions; Kiers 1993 EEG Clin Neurophysiol 89:415)
``cst_lesion_load``     0.10      absolute SD (as ``lesion_inference``)
``lesion_volume_ml``    0.30      log-scale SD (as ``lesion_inference``)
======================  ========  ==================================================

FMA-UE item scores (``fma_ue.<item>``) are not used (their total is); the
measures used are :data:`USED_MEASURES` plus ``mrc_<muscle>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import numpy as np
from numpy.typing import NDArray
from scipy.special import log_ndtr, ndtr

from strokesim.model.anatomy import MUSCLES
from strokesim.predict.measures import INTEGER_SCALES, MAS_GRADES, Value

__all__ = [
    "INTEGER_SEM",
    "MEP_MISCLASSIFICATION",
    "STATIC_MEASURES",
    "USED_MEASURES",
    "integer_loglik",
    "is_used",
    "needs_day",
    "observation_loglik",
]

#: SEM of each integer scale (points).
INTEGER_SEM: Final[dict[str, float]] = {"fma_ue": 2.46, "arat": 2.0, "safe": 0.8, "nihss": 1.5}
_MRC_SEM: Final = 0.6
_MRC_RANGE: Final = (0, 5)
_MAS_SD: Final = 0.75
#: Probability that an MEP is recorded as present when absent, or the reverse.
MEP_MISCLASSIFICATION: Final = 0.05
_LOG_AMPLITUDE_SD: Final = 0.5
_CST_SD: Final = 0.10
_LOG_VOLUME_SD: Final = 0.30
#: Measures the likelihood reads (besides ``mrc_<muscle>``).
USED_MEASURES: Final[tuple[str, ...]] = (
    *INTEGER_SEM,
    "mas_elbow",
    "mep",
    "mep_amplitude_mv",
    "cst_lesion_load",
    "lesion_volume_ml",
)
#: Measures of the patient that do not change with the day (read from the patient, not a day).
STATIC_MEASURES: Final[tuple[str, ...]] = ("nihss", "cst_lesion_load", "lesion_volume_ml")
#: MAS grade codes of the dataset (``1+`` = 1.5) as ordinal positions 0–5.
_MAS_CODES: Final = np.array([0.0, 1.0, 1.5, 2.0, 3.0, 4.0])


def needs_day(measure: str) -> bool:
    """Whether the likelihood of ``measure`` reads the simulated patient on its day."""
    return is_used(measure) and measure not in STATIC_MEASURES


def is_used(measure: str) -> bool:
    """Whether the likelihood reads ``measure``."""
    return measure in USED_MEASURES or (
        measure.startswith("mrc_") and measure.removeprefix("mrc_") in MUSCLES
    )


def integer_loglik(
    observed: float, simulated: NDArray, sem: float, low: int, high: int
) -> NDArray[np.float64]:
    """log P(observed integer | simulated value) under rounded normal error.

    Parameters
    ----------
    observed
        The observed integer score.
    simulated
        Noise-free simulated values (any shape).
    sem
        Standard error of measurement (scale points).
    low, high
        The ends of the scale; an observed end value takes the whole tail.
    """
    mu = np.asarray(simulated, float)
    upper = (observed + 0.5 - mu) / sem
    lower = (observed - 0.5 - mu) / sem
    if observed <= low:
        return log_ndtr(upper)
    if observed >= high:
        return log_ndtr(-lower)
    p = ndtr(upper) - ndtr(lower)
    return np.log(np.maximum(p, 1e-300))


def observation_loglik(
    measure: str, value: Value, at_day: Mapping[str, NDArray], static: Mapping[str, NDArray]
) -> NDArray[np.float64]:
    """Log-likelihood of one observation for every simulated patient.

    Parameters
    ----------
    measure, value
        The observation (a measure of :mod:`strokesim.predict.measures`).
    at_day
        Simulated noise-free outputs on the observation day, ``{variable: (N,)}``
        (``fma_ue``, ``arat``, ``safe``, ``mep_present``, ``mep_amplitude_mv``,
        ``mas_elbow`` and ``mrc`` of shape (N, muscles)).
    static
        Per-patient values that do not change with the day: ``nihss``,
        ``cst_lesion_load``, ``lesion_volume_ml``.

    Returns
    -------
    numpy.ndarray
        Shape (N,); zeros when the measure is not used (see :func:`is_used`).
    """
    n = len(next(iter(static.values())))
    needed = {"mep": "mep_present", "mep_amplitude_mv": "mep_amplitude_mv"}.get(measure, measure)
    if measure.startswith("mrc_"):
        needed = "mrc"
    if needed not in at_day and needed not in static:
        return np.zeros(n)  # the simulator does not give it: the observation is not used
    if measure in INTEGER_SEM:
        source = static if measure == "nihss" else at_day
        low, high = INTEGER_SCALES[measure]
        return integer_loglik(float(value), source[measure], INTEGER_SEM[measure], low, high)
    if measure.startswith("mrc_") and measure.removeprefix("mrc_") in MUSCLES:
        grades = np.asarray(at_day["mrc"])[:, MUSCLES.index(measure.removeprefix("mrc_"))]
        return integer_loglik(float(value), grades, _MRC_SEM, *_MRC_RANGE)
    if measure == "mas_elbow":
        position = float(MAS_GRADES.index(str(value)))
        simulated = np.searchsorted(_MAS_CODES, np.asarray(at_day["mas_elbow"], float) - 1e-6)
        return integer_loglik(position, simulated, _MAS_SD, 0, len(MAS_GRADES) - 1)
    if measure == "mep":
        agree = np.asarray(at_day["mep_present"], bool) == bool(value)
        return np.where(agree, np.log1p(-MEP_MISCLASSIFICATION), np.log(MEP_MISCLASSIFICATION))
    if measure == "mep_amplitude_mv":
        sim = np.asarray(at_day["mep_amplitude_mv"], float)
        present = np.asarray(at_day["mep_present"], bool)
        if float(value) <= 0.0:
            return np.where(present, np.log(MEP_MISCLASSIFICATION), 0.0)
        z = (np.log(float(value)) - np.log(np.maximum(sim, 1e-3))) / _LOG_AMPLITUDE_SD
        return np.where(present, -0.5 * z**2, np.log(MEP_MISCLASSIFICATION))
    if measure == "cst_lesion_load":
        z = (float(value) - np.asarray(static["cst_lesion_load"], float)) / _CST_SD
        return -0.5 * z**2
    if measure == "lesion_volume_ml":
        sim = np.maximum(np.asarray(static["lesion_volume_ml"], float), 1e-3)
        z = (np.log(float(value)) - np.log(sim)) / _LOG_VOLUME_SD
        return -0.5 * z**2
    return np.zeros(n)
