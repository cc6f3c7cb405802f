"""Statistical baselines for recovery of the Fugl-Meyer upper-extremity score.

The proportional recovery rule says that, over the first 3–6 months, patients with
a preserved corticospinal tract regain about 70% of their potential improvement,
ΔFMA ≈ 0.7·(66 − FMA0) + 0.4, where FMA0 is the early Fugl-Meyer upper-extremity
motor score (FMA-UE, 0–66) and 66 − FMA0 the *potential* improvement. Patients
who recover much less than that are "non-fitters".

Sources
-------
- Prabhakaran S, Zarahn E, Riley C, et al. (2008). Inter-individual variability in
  the capacity for motor recovery after ischemic stroke. Neurorehabil Neural
  Repair 22:64–71.
- Winters C, van Wegen EEH, Daffertshofer A, Kwakkel G (2015). Generalizability of
  the proportional recovery model for the upper extremity after an ischemic
  stroke. Neurorehabil Neural Repair 29:614–622 (ΔFMA = 0.7·(66 − FMA0) + 0.4;
  fitters recover ~78% of their potential).
- Byblow WD, Stinear CM, Barber PA, Petoe MA, Ackerley SJ (2015). Proportional
  recovery after stroke depends on corticomotor integrity. Ann Neurol 78:848–859.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from strokesim.errors import UserInputError
from strokesim.model.anatomy import FMA_ITEMS

__all__ = [
    "FMA_UE_MAX",
    "NON_FITTER_FRACTION",
    "PROPORTIONAL_RECOVERY_INTERCEPT",
    "PROPORTIONAL_RECOVERY_RATIO",
    "is_non_fitter",
    "proportional_recovery_change",
    "proportional_recovery_prediction",
    "recovered_fraction",
]

#: Maximum FMA-UE motor score (33 items scored 0–2).
FMA_UE_MAX: Final[int] = 2 * len(FMA_ITEMS)
#: Share of the potential improvement regained (Winters 2015: 0.7).
PROPORTIONAL_RECOVERY_RATIO: Final[float] = 0.7
#: Intercept of the proportional recovery rule, FMA-UE points (Winters 2015: 0.4).
PROPORTIONAL_RECOVERY_INTERCEPT: Final[float] = 0.4
#: A patient who regains less than this share of their potential is a non-fitter
#: (the operational definition of validation target V2).
NON_FITTER_FRACTION: Final[float] = 0.30


def proportional_recovery_change(
    fma0: ArrayLike,
    *,
    ratio: float = PROPORTIONAL_RECOVERY_RATIO,
    intercept: float = PROPORTIONAL_RECOVERY_INTERCEPT,
) -> NDArray[np.float64]:
    """Predicted FMA-UE improvement by the proportional recovery rule.

    Parameters
    ----------
    fma0
        Early FMA-UE motor score (points, 0–66), usually within 72 hours of onset.
    ratio
        Share of the potential improvement regained, fraction.
    intercept
        Constant term, FMA-UE points.

    Returns
    -------
    numpy.ndarray
        ΔFMA = ratio·(66 − FMA0) + intercept, in points, shape of ``fma0``. Not
        capped: add it to ``fma0`` with :func:`proportional_recovery_prediction` to
        respect the 66-point ceiling.

    Raises
    ------
    strokesim.errors.UserInputError
        If an FMA-UE score is missing or outside 0–66.

    Notes
    -----
    Winters et al. 2015 Neurorehabil Neural Repair 29:614–622; it describes
    *fitters* (a preserved corticospinal tract) and over-predicts non-fitters.

    Examples
    --------
    >>> proportional_recovery_change([16, 66])
    array([35.4,  0.4])
    """
    fma0_a = _fma("fma0", fma0)
    return ratio * (FMA_UE_MAX - fma0_a) + intercept


def proportional_recovery_prediction(
    fma0: ArrayLike,
    *,
    ratio: float = PROPORTIONAL_RECOVERY_RATIO,
    intercept: float = PROPORTIONAL_RECOVERY_INTERCEPT,
) -> NDArray[np.float64]:
    """Predicted FMA-UE about 3–6 months after stroke by the proportional recovery rule.

    Parameters
    ----------
    fma0
        Early FMA-UE motor score (points, 0–66).
    ratio
        Share of the potential improvement regained, fraction.
    intercept
        Constant term, FMA-UE points.

    Returns
    -------
    numpy.ndarray
        FMA0 + ΔFMA, capped at 66 points.

    Raises
    ------
    strokesim.errors.UserInputError
        If an FMA-UE score is missing or outside 0–66.

    Notes
    -----
    Winters et al. 2015 Neurorehabil Neural Repair 29:614–622.

    Examples
    --------
    >>> proportional_recovery_prediction([16, 66])
    array([51.4, 66. ])
    """
    fma0_a = _fma("fma0", fma0)
    change = proportional_recovery_change(fma0_a, ratio=ratio, intercept=intercept)
    return np.minimum(fma0_a + change, FMA_UE_MAX)


def recovered_fraction(fma0: ArrayLike, fma_later: ArrayLike) -> NDArray[np.float64]:
    """Share of the potential improvement that was regained.

    Parameters
    ----------
    fma0
        Early FMA-UE motor score (points, 0–66).
    fma_later
        FMA-UE at the later visit (points, 0–66), same shape as ``fma0``.

    Returns
    -------
    numpy.ndarray
        (FMA_later − FMA0)/(66 − FMA0), a fraction; negative when the score fell;
        NaN where FMA0 = 66 (no potential to recover).

    Raises
    ------
    strokesim.errors.UserInputError
        If a score is missing or outside 0–66.

    Examples
    --------
    >>> recovered_fraction([16, 56, 66], [51, 56, 66])
    array([0.7, 0. , nan])
    """
    fma0_a = _fma("fma0", fma0)
    later_a = _fma("fma_later", fma_later)
    potential = FMA_UE_MAX - fma0_a
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(potential > 0, (later_a - fma0_a) / potential, np.nan)


def is_non_fitter(
    fma0: ArrayLike,
    fma_later: ArrayLike,
    *,
    threshold: float = NON_FITTER_FRACTION,
) -> NDArray[np.bool_]:
    """Classify patients who recover far less than the proportional recovery rule.

    Parameters
    ----------
    fma0
        Early FMA-UE motor score (points, 0–66).
    fma_later
        FMA-UE about 6 months after stroke (points, 0–66).
    threshold
        A non-fitter regains less than this share of the potential improvement
        (fraction; default 0.30).

    Returns
    -------
    numpy.ndarray of bool
        True for non-fitters. Patients with FMA0 = 66 have no potential and are
        never non-fitters.

    Raises
    ------
    strokesim.errors.UserInputError
        If a score is missing or outside 0–66.

    Notes
    -----
    This is the operational definition of validation target V2 ("recovering < 30%
    of their potential"). The original studies separated fitters from non-fitters
    by cluster analysis of FMA0 and ΔFMA (Prabhakaran 2008; Winters 2015), where
    non-fitters were mostly severe (FMA0 ≤ ~10–20) and MEP− (Byblow 2015); a fixed
    threshold is simpler, reproducible and close to those clusters.

    Examples
    --------
    >>> is_non_fitter([10, 10, 66], [20, 40, 66])
    array([ True, False, False])
    """
    fraction = recovered_fraction(fma0, fma_later)
    return np.isfinite(fraction) & (fraction < threshold)


def _fma(field: str, values: ArrayLike) -> NDArray[np.float64]:
    try:
        scores = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise UserInputError(field, f"must be FMA-UE scores in 0–{FMA_UE_MAX}") from None
    bad = ~((scores >= 0) & (scores <= FMA_UE_MAX))
    if bad.any():
        first = scores[tuple(np.argwhere(bad)[0])]
        shown = "missing" if np.isnan(first) else f"{first:g}"
        raise UserInputError(field, f"must be an FMA-UE score in 0–{FMA_UE_MAX}, got {shown}")
    return scores
