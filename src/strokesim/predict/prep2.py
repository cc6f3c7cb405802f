"""PREP2: the Predict Recovery Potential algorithm for upper-limb function after stroke.

PREP2 is a sequential decision tree that predicts which of four bands of the
Action Research Arm Test (ARAT, 0–57) a patient will reach 3 months after stroke.

1. SAFE score on day 3 after onset (day 0 = onset). SAFE is the sum of the
   Medical Research Council (MRC) grades (0–5) of Shoulder Abduction and Finger
   Extension of the paretic arm, 0–10. If SAFE ≥ 5: **Excellent** when the patient
   is younger than 80 years; at 80 years or older, **Excellent** when SAFE ≥ 8 and
   **Good** when SAFE is 5–7.
2. If SAFE < 5: transcranial magnetic stimulation (TMS) on days 3–7. A motor
   evoked potential (MEP) in the paretic hand (MEP+) gives **Good**.
3. If MEP−: National Institutes of Health Stroke Scale (NIHSS, 0–42) on day 3.
   NIHSS < 7 gives **Limited**, NIHSS ≥ 7 gives **Poor**.

Prediction bands on the 3-month ARAT: Excellent 50–57, Good 34–49, Limited 13–33,
Poor 0–12.

Sources
-------
- Stinear CM, Byblow WD, Ackerley SJ, Smith M-C, Borges VM, Barber PA (2017).
  PREP2: A biomarker-based algorithm for predicting upper limb function after
  stroke. Ann Clin Transl Neurol 4(11):811–820. doi:10.1002/acn3.488 (tree, bands,
  75% correct in the validation cohort).
- PREP2 clinician material, University of Auckland
  (https://presto.auckland.ac.nz/prep2-prediction-information/): "Excellent: less
  than 80 years old with a SAFE score of 5 or more, or 80+ years old with a SAFE
  score of 8 or more; Good: at least 80 years old with a SAFE score of 5, 6 or 7,
  or any age with a SAFE score below 5 and MEP+".
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from strokesim.errors import UserInputError

__all__ = [
    "ARAT_BANDS",
    "PREP2_AGE_CUTOFF_YEARS",
    "PREP2_CATEGORIES",
    "PREP2_NIHSS_CUTOFF",
    "PREP2_SAFE_CUTOFF",
    "PREP2_SAFE_OLDER_CUTOFF",
    "arat_band",
    "prep2_category",
]

#: The four PREP2 predictions, best first.
PREP2_CATEGORIES: Final[tuple[str, ...]] = ("Excellent", "Good", "Limited", "Poor")

#: Inclusive 3-month ARAT ranges (points, 0–57) of each PREP2 category (Stinear 2017).
ARAT_BANDS: Final[dict[str, tuple[int, int]]] = {
    "Excellent": (50, 57),
    "Good": (34, 49),
    "Limited": (13, 33),
    "Poor": (0, 12),
}

#: SAFE (0–10) at or above which TMS is not needed (step 1).
PREP2_SAFE_CUTOFF: Final[int] = 5
#: SAFE (0–10) at or above which patients aged ≥ 80 years are still predicted Excellent.
PREP2_SAFE_OLDER_CUTOFF: Final[int] = 8
#: Age (years) from which the stricter SAFE cut-off applies.
PREP2_AGE_CUTOFF_YEARS: Final[float] = 80.0
#: NIHSS (0–42) at or above which an MEP− patient is predicted Poor rather than Limited.
PREP2_NIHSS_CUTOFF: Final[int] = 7

_SAFE_MAX: Final[int] = 10
_NIHSS_MAX: Final[int] = 42
_ARAT_MAX: Final[int] = 57
_AGE_MAX_YEARS: Final[float] = 130.0
_CATEGORY_DTYPE: Final[str] = "<U9"


def prep2_category(
    safe: ArrayLike,
    age: ArrayLike,
    mep_present: ArrayLike,
    nihss: ArrayLike,
) -> NDArray[np.str_]:
    """Predict the 3-month upper-limb category with the PREP2 decision tree.

    Inputs broadcast against each other (one value per patient, or scalars).

    Parameters
    ----------
    safe
        SAFE score on day 3 after onset: MRC shoulder abduction + MRC finger
        extension of the paretic arm, an integer 0–10.
    age
        Age in years, 0–130.
    mep_present
        Whether TMS on days 3–7 evokes an MEP in the paretic hand (bool, or 1/0).
        Only read where SAFE < 5, as in the published sequential algorithm; it may
        be NaN ("not tested") elsewhere, but a supplied value must be 0 or 1.
    nihss
        NIHSS total on day 3, an integer 0–42. Only read where SAFE < 5 and MEP−;
        it may be NaN elsewhere, but a supplied value must lie in 0–42.

    Returns
    -------
    numpy.ndarray of str
        One of :data:`PREP2_CATEGORIES` per patient, with the broadcast shape of
        the inputs.

    Raises
    ------
    strokesim.errors.UserInputError
        If a value is missing where the tree needs it or lies outside its range.

    Notes
    -----
    Stinear et al. 2017 Ann Clin Transl Neurol 4:811–820, Figure 2.

    Examples
    --------
    >>> prep2_category(
    ...     safe=[9, 6, 6, 3, 3, 3],
    ...     age=[70, 70, 85, 60, 60, 60],
    ...     mep_present=[True, True, True, True, False, False],
    ...     nihss=[2, 2, 2, 10, 4, 10],
    ... ).tolist()
    ['Excellent', 'Excellent', 'Good', 'Good', 'Limited', 'Poor']
    """
    safe_a, age_a, mep_a, nihss_a = np.broadcast_arrays(
        _as_float("safe", safe),
        _as_float("age", age),
        _as_float("mep_present", mep_present),
        _as_float("nihss", nihss),
    )
    _require_integers_in("safe", safe_a, 0, _SAFE_MAX, needed=np.ones(safe_a.shape, bool))
    _require_range("age", age_a, 0.0, _AGE_MAX_YEARS, unit=" years")

    needs_tms = safe_a < PREP2_SAFE_CUTOFF
    _require_binary("mep_present", mep_a, needed=needs_tms)
    mep_negative = needs_tms & (mep_a == 0)
    _require_integers_in("nihss", nihss_a, 0, _NIHSS_MAX, needed=mep_negative)

    older = age_a >= PREP2_AGE_CUTOFF_YEARS
    category = np.full(safe_a.shape, "Poor", dtype=_CATEGORY_DTYPE)
    category[mep_negative & (nihss_a < PREP2_NIHSS_CUTOFF)] = "Limited"
    category[needs_tms & (mep_a == 1)] = "Good"
    category[~needs_tms & older & (safe_a < PREP2_SAFE_OLDER_CUTOFF)] = "Good"
    category[~needs_tms & ~older] = "Excellent"
    category[~needs_tms & older & (safe_a >= PREP2_SAFE_OLDER_CUTOFF)] = "Excellent"
    return category


def arat_band(arat: ArrayLike) -> NDArray[np.str_]:
    """Name the PREP2 band that an ARAT total falls in.

    Parameters
    ----------
    arat
        Action Research Arm Test total, an integer 0–57.

    Returns
    -------
    numpy.ndarray of str
        ``"Excellent"`` (50–57), ``"Good"`` (34–49), ``"Limited"`` (13–33) or
        ``"Poor"`` (0–12), with the shape of ``arat``.

    Raises
    ------
    strokesim.errors.UserInputError
        If a value is missing, not an integer, or outside 0–57.

    Notes
    -----
    Bands from Stinear et al. 2017 Ann Clin Transl Neurol 4:811–820.

    Examples
    --------
    >>> arat_band([57, 50, 49, 34, 33, 13, 12, 0]).tolist()
    ['Excellent', 'Excellent', 'Good', 'Good', 'Limited', 'Limited', 'Poor', 'Poor']
    """
    arat_a = _as_float("arat", arat)
    _require_integers_in("arat", arat_a, 0, _ARAT_MAX, needed=np.ones(arat_a.shape, bool))
    band = np.full(arat_a.shape, "Poor", dtype=_CATEGORY_DTYPE)
    for name in ("Limited", "Good", "Excellent"):
        band[arat_a >= ARAT_BANDS[name][0]] = name
    return band


def _as_float(field: str, values: ArrayLike) -> NDArray[np.float64]:
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise UserInputError(field, "must be numeric") from None


def _first_bad(mask: NDArray[np.bool_], values: NDArray[np.float64]) -> str:
    index = np.argwhere(mask)[0]
    where = f" (at index {tuple(int(i) for i in index)})" if index.size else ""
    value = values[tuple(index)]
    shown = "missing" if np.isnan(value) else f"{value:g}"
    return f"got {shown}{where}"


def _require_range(
    field: str, values: NDArray[np.float64], low: float, high: float, *, unit: str = ""
) -> None:
    bad = ~((values >= low) & (values <= high))  # NaN fails both comparisons
    if bad.any():
        raise UserInputError(
            field, f"must be a number in {low:g}–{high:g}{unit}, {_first_bad(bad, values)}"
        )


def _require_integers_in(
    field: str,
    values: NDArray[np.float64],
    low: int,
    high: int,
    *,
    needed: NDArray[np.bool_],
) -> None:
    valid = (values >= low) & (values <= high) & (values == np.round(values))
    # A supplied value must always be valid; a missing one only where the tree reads it.
    bad = ~valid & (needed | ~np.isnan(values))
    if bad.any():
        raise UserInputError(
            field, f"must be an integer in {low}–{high}, {_first_bad(bad, values)}"
        )


def _require_binary(field: str, values: NDArray[np.float64], *, needed: NDArray[np.bool_]) -> None:
    valid = (values == 0) | (values == 1)
    bad = ~valid & (needed | ~np.isnan(values))
    if bad.any():
        raise UserInputError(
            field,
            f"must be true or false (may be missing only where SAFE ≥ {PREP2_SAFE_CUTOFF}), "
            f"{_first_bad(bad, values)}",
        )
