"""Validation metrics beyond paretic-arm motor function: spasticity (V10), non-paretic arm (V11).

Each function takes per-patient arrays of the default cohort and returns a
:class:`~strokesim.validate.metrics_core.TargetResult` checked against
:data:`~strokesim.validate.metrics_core.TARGETS`.

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

from strokesim.stats import Interval, bootstrap_ci, odds_ratio_from_groups
from strokesim.validate.metrics_core import (
    TargetResult,
    as_vector,
    make_result,
    same_length,
    share,
)
from strokesim.validate.metrics_targets import LEAPS_SEVERE_MAX_FMA

__all__ = ["nonparetic_deficit", "spasticity"]

#: Modified Ashworth grade counted as spasticity (1 and "1+", coded 1.5, included).
MAS_SPASTIC: Final[float] = 1.0
#: Modified Ashworth grade counted as severe spasticity.
MAS_SEVERE: Final[float] = 3.0
#: Percentile of healthy controls below which non-paretic dexterity is a deficit.
CONTROL_PERCENTILE: Final[float] = 5.0
#: Fewest controls for which a 5th percentile is meaningful.
MIN_CONTROLS: Final[int] = 20


def spasticity(
    mas_d7: ArrayLike,
    mas_d90: ArrayLike,
    mas_d180: ArrayLike,
    fma0: ArrayLike,
    *,
    n_boot: int = 1000,
    seed: int | np.random.Generator = 0,
    alpha: float = 0.05,
) -> TargetResult:
    """V10: elbow spasticity develops over weeks and follows severity.

    Parameters
    ----------
    mas_d7, mas_d90, mas_d180
        Modified Ashworth Scale (MAS) grade of the elbow flexors at days 7, 90
        and 180 (0, 1, 1.5 for "1+", 2, 3, 4).
    fma0
        FMA-UE at day 3 (points, 0–66); severe = FMA0 ≤ 28.
    n_boot, seed, alpha
        Bootstrap replicates, seed and 1 − confidence level of the intervals.

    Returns
    -------
    TargetResult
        ``prevalence_mas1_day180`` (MAS ≥ 1), ``prevalence_mas3_day180`` (MAS ≥ 3),
        ``prevalence_rise_day7_to_day90`` (share MAS ≥ 1 at day 90 − at day 7),
        ``odds_ratio_severe`` (MAS ≥ 1 at day 180, severe vs not; Woolf interval
        with Haldane correction when a cell is 0); plus the day-7 and day-90
        prevalences. Shares have bootstrap intervals.

    Raises
    ------
    ValueError
        If the arrays differ in length or are not 1-D and finite.

    Notes
    -----
    Zeng 2021 (pooled prevalence ~25%); Urban 2010 Stroke (42.6% at 6 months, MAS
    ≥ 3 in ~16%); Wissel 2010; Lundström 2010 (severe arm paresis OR ~10).
    """
    day7 = as_vector("mas_d7", mas_d7)
    day90 = as_vector("mas_d90", mas_d90)
    day180 = as_vector("mas_d180", mas_d180)
    start = as_vector("fma0", fma0)
    same_length(mas_d7=day7, mas_d90=day90, mas_d180=day180, fma0=start)
    spastic180 = day180 >= MAS_SPASTIC
    severe = start <= LEAPS_SEVERE_MAX_FMA
    odds = odds_ratio_from_groups(spastic180, severe, alpha=alpha)

    def rise(early: NDArray[np.float64], late: NDArray[np.float64]) -> float:
        return share(late >= MAS_SPASTIC) - share(early >= MAS_SPASTIC)

    def interval(flags: NDArray[np.bool_]) -> Interval:
        return bootstrap_ci(flags, n_boot=n_boot, seed=seed, alpha=alpha)

    return make_result(
        "V10",
        {
            "prevalence_mas1_day180": share(spastic180),
            "prevalence_mas3_day180": share(day180 >= MAS_SEVERE),
            "prevalence_rise_day7_to_day90": rise(day7, day90),
            "odds_ratio_severe": odds.value,
            "prevalence_mas1_day7": share(day7 >= MAS_SPASTIC),
            "prevalence_mas1_day90": share(day90 >= MAS_SPASTIC),
        },
        {
            "prevalence_mas1_day180": interval(spastic180),
            "prevalence_mas3_day180": interval(day180 >= MAS_SEVERE),
            "prevalence_rise_day7_to_day90": bootstrap_ci(
                rise, (day7, day90), n_boot=n_boot, seed=seed, alpha=alpha
            ),
            "odds_ratio_severe": odds.ci,
        },
        f"{start.size} patients, {severe.sum()} severe; 2×2 table (severe/not × MAS ≥ 1/< 1) "
        f"{odds.table}{' with +0.5 correction' if odds.corrected else ''}",
    )


def nonparetic_deficit(
    dex_patients_w1: ArrayLike,
    dex_patients_w26: ArrayLike,
    dex_controls: ArrayLike,
    fma0: ArrayLike,
    *,
    n_boot: int = 1000,
    seed: int | np.random.Generator = 0,
    alpha: float = 0.05,
) -> TargetResult:
    """V11: the non-paretic arm is affected early, recovers, and more after severe strokes.

    Parameters
    ----------
    dex_patients_w1, dex_patients_w26
        Non-paretic-arm dexterity (% of a typical healthy adult) of each patient
        at week 1 and week 26 after onset.
    dex_controls
        Dexterity of virtual healthy controls (same unit), at least 20.
    fma0
        FMA-UE at day 3 (points, 0–66) of each patient; severe = FMA0 ≤ 28.
    n_boot, seed, alpha
        Bootstrap replicates, seed and 1 − confidence level of the intervals.

    Returns
    -------
    TargetResult
        Deficit = dexterity below the 5th percentile of the controls.
        ``share_deficit_week1`` (pass ≥ 0.20, this code's reading of
        "substantial"), ``share_change_week1_to_week26`` (week 26 − week 1),
        ``severe_minus_milder_share_week1`` (severe − mild/moderate at week 1);
        plus ``share_deficit_week26``, the group shares and ``control_threshold``.
        Patients are resampled for the intervals; the control threshold is held
        fixed.

    Raises
    ------
    ValueError
        If patient arrays differ in length, values are not finite, or there are
        fewer than 20 controls.

    Notes
    -----
    Maenza 2020 Neurorehabil Neural Repair (ipsilesional-arm deficits, larger with
    greater contralesional impairment).
    """
    week1 = as_vector("dex_patients_w1", dex_patients_w1)
    week26 = as_vector("dex_patients_w26", dex_patients_w26)
    controls = as_vector("dex_controls", dex_controls)
    start = as_vector("fma0", fma0)
    same_length(dex_patients_w1=week1, dex_patients_w26=week26, fma0=start)
    if controls.size < MIN_CONTROLS:
        raise ValueError(
            f"dex_controls needs at least {MIN_CONTROLS} controls, got {controls.size}"
        )
    threshold = float(np.percentile(controls, CONTROL_PERCENTILE))
    deficit1, deficit26 = week1 < threshold, week26 < threshold
    severe = start <= LEAPS_SEVERE_MAX_FMA

    def change(first: NDArray[np.bool_], second: NDArray[np.bool_]) -> float:
        return share(second) - share(first)

    def severity_gap(deficit: NDArray[np.bool_], is_severe: NDArray[np.bool_]) -> float:
        return share(deficit[is_severe]) - share(deficit[~is_severe])

    def boot(statistic: Callable[..., float], data: tuple[NDArray[np.bool_], ...]) -> Interval:
        return bootstrap_ci(statistic, data, n_boot=n_boot, seed=seed, alpha=alpha)

    return make_result(
        "V11",
        {
            "share_deficit_week1": share(deficit1),
            "share_change_week1_to_week26": change(deficit1, deficit26),
            "severe_minus_milder_share_week1": severity_gap(deficit1, severe),
            "share_deficit_week26": share(deficit26),
            "share_deficit_week1_severe": share(deficit1[severe]),
            "share_deficit_week1_milder": share(deficit1[~severe]),
            "control_threshold": threshold,
        },
        {
            "share_deficit_week1": bootstrap_ci(deficit1, n_boot=n_boot, seed=seed, alpha=alpha),
            "share_change_week1_to_week26": boot(change, (deficit1, deficit26)),
            "severe_minus_milder_share_week1": boot(severity_gap, (deficit1, severe)),
        },
        f"{start.size} patients ({severe.sum()} severe), {controls.size} controls; deficit = "
        f"dexterity < {threshold:.3g} (5th percentile of controls)",
    )
