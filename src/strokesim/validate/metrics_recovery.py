"""Validation metrics on the natural course of arm recovery in the default cohort (V1–V5).

Each function takes per-patient arrays (one value per patient, same order) and
returns a :class:`~strokesim.validate.metrics_core.TargetResult` checked against
:data:`~strokesim.validate.metrics_core.TARGETS`. FMA0 is the FMA-UE (Fugl-Meyer
upper-extremity motor score, 0–66) at day 3 after onset; mild = FMA0 ≥ 43,
severe = FMA0 ≤ 28 (LEAPS bands).

Sources
-------
See :data:`~strokesim.validate.metrics_core.TARGETS` for the finding and the
literature behind each target.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from strokesim.predict.baselines import FMA_UE_MAX, is_non_fitter, recovered_fraction
from strokesim.predict.prep2 import ARAT_BANDS, PREP2_CATEGORIES, arat_band, prep2_category
from strokesim.stats import Interval, bootstrap_ci, mean_ci, ols_slope
from strokesim.validate.metrics_core import (
    TargetResult,
    as_flags,
    as_vector,
    make_result,
    same_length,
    share,
)
from strokesim.validate.metrics_targets import LEAPS_MILD_MIN_FMA, LEAPS_SEVERE_MAX_FMA

__all__ = [
    "mep_positive_outcome",
    "non_fitters",
    "prep2_accuracy",
    "proportional_recovery",
    "recovery_timing",
]

#: Share of the day-180 gain that counts as "recovery reached" in V3 (Nakayama 1994).
RECOVERY_REACHED_FRACTION: Final[float] = 0.95
_DAYS_PER_WEEK: Final[float] = 7.0
_WEEK12_DAY: Final[int] = 84
_DAY180: Final[int] = 180


def proportional_recovery(
    fma0: ArrayLike, fma180: ArrayLike, mep_present: ArrayLike, *, alpha: float = 0.05
) -> TargetResult:
    """V1: proportional recovery among patients with an early MEP.

    Parameters
    ----------
    fma0
        FMA-UE at day 3 (points, 0–66).
    fma180
        FMA-UE at day 180 (points, 0–66).
    mep_present
        MEP in the paretic hand at day 3–7 (bool).
    alpha
        1 − confidence level of the intervals.

    Returns
    -------
    TargetResult
        ``slope``: OLS slope of ΔFMA on 66 − FMA0 (t interval);
        ``mean_recovered_fraction``: mean of ΔFMA/(66 − FMA0), FMA0 = 66 excluded
        (t interval); plus ``intercept`` and ``n_mep_positive``.

    Raises
    ------
    ValueError
        If the arrays differ in length or are not 1-D and finite.

    Notes
    -----
    Winters 2015 Neurorehabil Neural Repair: ΔFMA ≈ 0.7·(66 − FMA0) + 0.4.
    """
    start, end = as_vector("fma0", fma0), as_vector("fma180", fma180)
    mep = as_flags("mep_present", mep_present)
    same_length(fma0=start, fma180=end, mep_present=mep)
    start, end = start[mep], end[mep]
    fit = ols_slope(FMA_UE_MAX - start, end - start, alpha=alpha)
    fraction = recovered_fraction(start, end)
    fraction_estimate = mean_ci(fraction[np.isfinite(fraction)], alpha=alpha)
    return make_result(
        "V1",
        {
            "slope": fit.slope,
            "mean_recovered_fraction": fraction_estimate.mean,
            "intercept": fit.intercept,
            "n_mep_positive": float(start.size),
        },
        {"slope": fit.slope_ci, "mean_recovered_fraction": fraction_estimate.ci},
        f"{start.size} MEP+ patients; fraction over {fraction_estimate.n} with FMA0 < 66; "
        f"ΔFMA = {fit.slope:.2f}·(66 − FMA0) + {fit.intercept:.1f}",
    )


def non_fitters(
    fma0: ArrayLike,
    fma180: ArrayLike,
    mep_present: ArrayLike,
    *,
    n_boot: int = 1000,
    seed: int | np.random.Generator = 0,
    alpha: float = 0.05,
) -> TargetResult:
    """V2: non-fitters of proportional recovery are severe and MEP−.

    Parameters
    ----------
    fma0
        FMA-UE at day 3 (points, 0–66).
    fma180
        FMA-UE at day 180 (points, 0–66).
    mep_present
        MEP in the paretic hand at day 3–7 (bool).
    n_boot, seed, alpha
        Bootstrap replicates, seed and 1 − confidence level of the intervals.

    Returns
    -------
    TargetResult
        ``severe_non_fitter_share``: share of severe patients (FMA0 ≤ 28) who
        regained < 30% of 66 − FMA0 by day 180;
        ``non_fitter_mep_negative_share``: share of those non-fitters that were
        MEP−; bootstrap intervals within each group; plus counts.

    Raises
    ------
    ValueError
        If the arrays differ in length or are not 1-D and finite.

    Notes
    -----
    Non-fitter definition: :func:`strokesim.predict.baselines.is_non_fitter`.
    """
    start, end = as_vector("fma0", fma0), as_vector("fma180", fma180)
    mep = as_flags("mep_present", mep_present)
    same_length(fma0=start, fma180=end, mep_present=mep)
    severe = start <= LEAPS_SEVERE_MAX_FMA
    non_fitter = is_non_fitter(start, end)
    severe_non_fitter = non_fitter[severe]
    non_fitter_mep_negative = ~mep[severe & non_fitter]
    return make_result(
        "V2",
        {
            "severe_non_fitter_share": share(severe_non_fitter),
            "non_fitter_mep_negative_share": share(non_fitter_mep_negative),
            "n_severe": float(severe.sum()),
            "n_severe_non_fitters": float(severe_non_fitter.sum()),
        },
        {
            "severe_non_fitter_share": bootstrap_ci(
                severe_non_fitter, n_boot=n_boot, seed=seed, alpha=alpha
            ),
            "non_fitter_mep_negative_share": bootstrap_ci(
                non_fitter_mep_negative, n_boot=n_boot, seed=seed, alpha=alpha
            ),
        },
        f"{severe.sum()} severe patients, {severe_non_fitter.sum()} non-fitters "
        "(recovered < 30% of 66 − FMA0 by day 180)",
    )


def recovery_timing(
    days: ArrayLike,
    fma: ArrayLike,
    fma0: ArrayLike,
    *,
    baseline_day: int = 3,
    n_boot: int = 1000,
    seed: int | np.random.Generator = 0,
    alpha: float = 0.05,
) -> TargetResult:
    """V3: most recovery is early, and earlier in mild strokes.

    Parameters
    ----------
    days
        Recorded days since onset (increasing); must include 84 and 180.
    fma
        FMA-UE (points), shape (patient, day).
    fma0
        FMA-UE at ``baseline_day`` (points), one per patient; defines the gain and
        the severity band.
    baseline_day
        Day of FMA0; earlier recorded days are ignored.
    n_boot, seed, alpha
        Bootstrap replicates, seed and 1 − confidence level of the intervals.

    Returns
    -------
    TargetResult
        ``mild_median_weeks``, ``severe_median_weeks``: cohort median over patients
        with a positive day-180 gain of the first recorded day (in weeks since
        onset) whose gain reaches 95% of the day-180 gain;
        ``severe_minus_mild_weeks``; ``share_of_gain_by_week12``: summed day-84
        gain / summed day-180 gain over patients with a positive day-180 gain
        (the ratio of the cohort's mean curves, robust to tiny individual gains);
        plus the mean of the individual ratios and group sizes.

    Raises
    ------
    ValueError
        On mismatched shapes, non-finite values, or days 84/180 not recorded.

    Notes
    -----
    Nakayama 1994 Arch Phys Med Rehabil: 95% of best arm function by 6 weeks in
    mild and 11 weeks in severe paresis. With sparse recording days the time is
    rounded up to the next recorded day.
    """
    day_values = as_vector("days", days)
    start = as_vector("fma0", fma0)
    scores = np.asarray(fma, dtype=np.float64)
    if scores.shape != (start.size, day_values.size):
        raise ValueError(
            f"fma must have shape (patient, day) = {(start.size, day_values.size)}, "
            f"got {scores.shape}"
        )
    if not np.all(np.isfinite(scores)):
        raise ValueError("fma contains non-finite values")
    if np.any(np.diff(day_values) <= 0):
        raise ValueError("days must be strictly increasing")
    gain = scores - start[:, None]
    gain84 = gain[:, _day_index(day_values, _WEEK12_DAY)]
    gain180 = gain[:, _day_index(day_values, _DAY180)]

    in_window = (day_values >= baseline_day) & (day_values <= _DAY180)
    window_days = day_values[in_window]
    reached = gain[:, in_window] >= RECOVERY_REACHED_FRACTION * gain180[:, None]
    # Day 180 itself is in the window, so every patient reaches the criterion.
    weeks_to_95 = window_days[np.argmax(reached, axis=1)] / _DAYS_PER_WEEK

    gained = gain180 > 0
    mild_weeks = weeks_to_95[gained & (start >= LEAPS_MILD_MIN_FMA)]
    severe_weeks = weeks_to_95[gained & (start <= LEAPS_SEVERE_MAX_FMA)]
    mild_median = _median(mild_weeks)
    severe_median = _median(severe_weeks)

    def summed_share(early: NDArray[np.float64], late: NDArray[np.float64]) -> float:
        return float(early.sum() / late.sum())

    pair = (gain84[gained], gain180[gained])
    week12_share = summed_share(*pair) if gained.any() else float("nan")
    individual = gain84[gained] / gain180[gained]

    def boot(
        statistic: Callable[..., float],
        data: NDArray[np.float64] | tuple[NDArray[np.float64], ...],
    ) -> Interval:
        return bootstrap_ci(statistic, data, n_boot=n_boot, seed=seed, alpha=alpha)

    return make_result(
        "V3",
        {
            "mild_median_weeks": mild_median,
            "severe_median_weeks": severe_median,
            "severe_minus_mild_weeks": severe_median - mild_median,
            "share_of_gain_by_week12": week12_share,
            "mean_individual_share_by_week12": float(individual.mean())
            if individual.size
            else float("nan"),
            "n_mild_gained": float(mild_weeks.size),
            "n_severe_gained": float(severe_weeks.size),
        },
        {
            "mild_median_weeks": boot(np.median, mild_weeks),
            "severe_median_weeks": boot(np.median, severe_weeks),
            "share_of_gain_by_week12": boot(summed_share, pair),
        },
        f"{gained.sum()} of {start.size} patients gained by day 180 "
        f"({mild_weeks.size} mild, {severe_weeks.size} severe); "
        "week-12 share = Σ gain(day 84) / Σ gain(day 180)",
    )


def prep2_accuracy(
    safe_d3: ArrayLike,
    age: ArrayLike,
    mep_d3: ArrayLike,
    nihss: ArrayLike,
    arat_d90: ArrayLike,
    *,
    n_boot: int = 1000,
    seed: int | np.random.Generator = 0,
    alpha: float = 0.05,
) -> TargetResult:
    """V4: PREP2 predictions agree with the simulated 3-month ARAT band.

    Parameters
    ----------
    safe_d3
        SAFE score (0–10) at day 3.
    age
        Age (years).
    mep_d3
        MEP in the paretic hand at day 3–7 (bool).
    nihss
        NIHSS (0–42) at day 3.
    arat_d90
        ARAT (0–57) at day 90.
    n_boot, seed, alpha
        Bootstrap replicates, seed and 1 − confidence level of the interval.

    Returns
    -------
    TargetResult
        ``accuracy``: share with PREP2 category == ARAT band (bootstrap interval),
        ``correct_<category>``: share correct per predicted category; table
        ``"confusion"``: 4×4 counts, rows = predicted, columns = actual, both in
        the order of :data:`~strokesim.predict.prep2.PREP2_CATEGORIES`.

    Raises
    ------
    ValueError
        If the arrays differ in length (``UserInputError``, a ``ValueError``, for
        values outside the scales).
    """
    safe = as_vector("safe_d3", safe_d3)
    years = as_vector("age", age)
    mep = as_flags("mep_d3", mep_d3)
    stroke_scale = np.asarray(nihss, dtype=np.float64)
    arat = as_vector("arat_d90", arat_d90)
    same_length(safe_d3=safe, age=years, mep_d3=mep, nihss=stroke_scale, arat_d90=arat)
    predicted = prep2_category(safe, years, mep, stroke_scale)
    actual = arat_band(arat)
    correct = predicted == actual
    confusion = np.array(
        [
            [np.sum((predicted == p) & (actual == a)) for a in PREP2_CATEGORIES]
            for p in PREP2_CATEGORIES
        ]
    )
    per_category = {
        f"correct_{category.lower()}": share(correct[predicted == category])
        for category in PREP2_CATEGORIES
    }
    rows = "; ".join(
        f"{p}: {' '.join(str(c) for c in row)}"
        for p, row in zip(PREP2_CATEGORIES, confusion, strict=True)
    )
    return make_result(
        "V4",
        {"accuracy": share(correct), **per_category, "n": float(correct.size)},
        {"accuracy": bootstrap_ci(correct, n_boot=n_boot, seed=seed, alpha=alpha)},
        f"{correct.sum()} of {correct.size} correct; confusion (rows predicted, columns "
        f"actual E G L P): {rows}",
        tables={"confusion": confusion},
    )


def mep_positive_outcome(
    mep_d3: ArrayLike,
    arat_d90: ArrayLike,
    *,
    n_boot: int = 1000,
    seed: int | np.random.Generator = 0,
    alpha: float = 0.05,
) -> TargetResult:
    """V5: patients with an early MEP mostly reach a good 3-month arm function.

    Parameters
    ----------
    mep_d3
        MEP in the paretic hand at day 3–7 (bool).
    arat_d90
        ARAT (0–57) at day 90.
    n_boot, seed, alpha
        Bootstrap replicates, seed and 1 − confidence level of the interval.

    Returns
    -------
    TargetResult
        ``mep_positive_good_share``: share of MEP+ with ARAT ≥ 34 (the PREP2 Good
        band or better), bootstrap interval; plus ``n_mep_positive``.

    Raises
    ------
    ValueError
        If the arrays differ in length or are not 1-D and finite.
    """
    mep = as_flags("mep_d3", mep_d3)
    arat = as_vector("arat_d90", arat_d90)
    same_length(mep_d3=mep, arat_d90=arat)
    good = arat[mep] >= ARAT_BANDS["Good"][0]
    return make_result(
        "V5",
        {"mep_positive_good_share": share(good), "n_mep_positive": float(good.size)},
        {"mep_positive_good_share": bootstrap_ci(good, n_boot=n_boot, seed=seed, alpha=alpha)},
        f"{good.sum()} of {good.size} MEP+ patients reached ARAT ≥ 34 at day 90",
    )


def _day_index(days: NDArray[np.float64], day: int) -> int:
    matches = np.flatnonzero(days == day)
    if matches.size == 0:
        raise ValueError(f"day {day} is not among the recorded days")
    return int(matches[0])


def _median(values: NDArray[np.float64]) -> float:
    return float(np.median(values)) if values.size else float("nan")
