"""Between-patient spread of a cohort's 6-month arm outcome (issue 23 item 4).

Three figures read from day-3 and day-180 FMA-UE of the same patients:

- the share scoring the full 66 points on day 180 (ceiling);
- the share of the variance of day-180 FMA-UE explained by day-3 FMA-UE (R² of the
  ordinary least-squares line, i.e. the squared Pearson correlation);
- the day-180 distribution of the patients who start severe (day-3 FMA-UE ≤ 10, the
  breakpoint of Feng 2015 Ann Neurol 78:860 and Bonkhoff 2022 J Neurol Neurosurg
  Psychiatry 93:369): mean, SD, quantiles, the R² of day-180 on day-3 FMA-UE within
  them, the share that regains at least 30% of its potential (the proportional-
  recovery fitters, Winters 2015), the share that reaches FMA-UE ≥ 23 (some
  upper-limb capacity: ARAT > 10, Hoonhorst 2015; the outcome of Nijland 2010), and
  Sarle's bimodality coefficient (above 5/9 suggests two clusters, or a strong skew).

These are descriptions, not validation targets: docs/validation.md "Between-patient
spread" quotes them against the published figures they are compared with.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Final

import numpy as np
from numpy.typing import ArrayLike

from strokesim.predict.baselines import FMA_UE_MAX, is_non_fitter
from strokesim.validate.metrics_core import as_vector, same_length

__all__ = [
    "SEVERE_START_MAX_FMA",
    "SOME_CAPACITY_MIN_FMA",
    "SpreadFigures",
    "spread_figures",
]

#: Highest day-3 FMA-UE counted as a severe start here (issue 23: "FMA-UE 0–10").
SEVERE_START_MAX_FMA: Final[int] = 10
#: Lowest day-180 FMA-UE of an arm with some capacity: FMA-UE 0–22 is "no capacity"
#: (ARAT 0–10) at 6 months (Hoonhorst 2015 Arch Phys Med Rehabil 96:1845, n = 460), so
#: ≥ 23 matches Nijland 2010 Stroke 41:745's "some dexterity" (ARAT ≥ 10).
SOME_CAPACITY_MIN_FMA: Final[int] = 23


@dataclass(frozen=True)
class SpreadFigures:
    """The spread of a cohort's outcome (all shares are fractions 0–1, scores in points)."""

    n: int
    share_at_ceiling: float
    r2_day3: float
    n_severe: int
    severe_r2_day3: float
    severe_mean: float
    severe_sd: float
    severe_q10: float
    severe_q25: float
    severe_median: float
    severe_q75: float
    severe_q90: float
    severe_fitter_share: float
    severe_some_capacity_share: float
    severe_bimodality: float

    def as_dict(self) -> dict[str, float]:
        """The figures as a flat mapping (for JSON and tables)."""
        return {k: float(v) for k, v in asdict(self).items()}


def _bimodality(values: np.ndarray) -> float:
    """Sarle's bimodality coefficient (g² + 1) / (k + 3(n−1)²/((n−2)(n−3))); NaN if n < 4."""
    n = values.size
    if n < 4 or np.std(values) == 0:
        return float("nan")
    centred = values - values.mean()
    m2 = np.mean(centred**2)
    g = np.mean(centred**3) / m2**1.5 * np.sqrt(n * (n - 1)) / (n - 2)
    kurt = np.mean(centred**4) / m2**2 - 3.0
    k = ((n + 1) * kurt + 6.0) * (n - 1) / ((n - 2) * (n - 3))
    return float((g**2 + 1.0) / (k + 3.0 * (n - 1) ** 2 / ((n - 2) * (n - 3))))


def _r2(x: np.ndarray, y: np.ndarray) -> float:
    """Squared Pearson correlation (the R² of the OLS line); 0 if either is constant."""
    if np.std(x) == 0 or np.std(y) == 0:
        return 0.0
    return float(np.corrcoef(x, y)[0, 1] ** 2)


def spread_figures(fma0: ArrayLike, fma180: ArrayLike) -> SpreadFigures:
    """The spread figures of one cohort.

    Parameters
    ----------
    fma0
        FMA-UE at day 3 (points, 0–66), one per patient.
    fma180
        FMA-UE at day 180 (points, 0–66), same patients.

    Returns
    -------
    SpreadFigures
        Severe-start figures are NaN when no patient starts at ≤ 10 points.

    Raises
    ------
    ValueError
        If the arrays differ in length, are not 1-D and finite, or have fewer than 3
        patients.
    """
    start, end = as_vector("fma0", fma0), as_vector("fma180", fma180)
    same_length(fma0=start, fma180=end)
    if start.size < 3:
        raise ValueError(f"fma0: need at least 3 patients, got {start.size}")
    severe = start <= SEVERE_START_MAX_FMA
    out = end[severe]
    nan = float("nan")
    q = np.quantile(out, [0.1, 0.25, 0.5, 0.75, 0.9]) if out.size else [nan] * 5
    return SpreadFigures(
        n=int(start.size),
        share_at_ceiling=float(np.mean(end >= FMA_UE_MAX)),
        r2_day3=_r2(start, end),
        n_severe=int(out.size),
        severe_r2_day3=_r2(start[severe], out) if out.size > 2 else nan,
        severe_mean=float(out.mean()) if out.size else nan,
        severe_sd=float(out.std(ddof=1)) if out.size > 1 else nan,
        severe_q10=float(q[0]),
        severe_q25=float(q[1]),
        severe_median=float(q[2]),
        severe_q75=float(q[3]),
        severe_q90=float(q[4]),
        severe_fitter_share=(
            float(np.mean(~is_non_fitter(start[severe], out))) if out.size else nan
        ),
        severe_some_capacity_share=(
            float(np.mean(out >= SOME_CAPACITY_MIN_FMA)) if out.size else nan
        ),
        severe_bimodality=_bimodality(out),
    )
