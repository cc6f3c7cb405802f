"""Validation metrics on virtual experiments: therapies given to counterfactual twins (V6–V9, V12).

Each function takes per-patient arrays from the arms of an experiment (the same
virtual patients in every arm, in the same order) and returns a
:class:`~strokesim.validate.metrics_core.TargetResult` checked against
:data:`~strokesim.validate.metrics_core.TARGETS`. Paired differences therefore
have exactly one value per patient.

Sources
-------
See :data:`~strokesim.validate.metrics_core.TARGETS` for the finding and the
literature behind each target.
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import ArrayLike, NDArray

from strokesim.stats import bootstrap_ci, mean_ci, ols_slope, paired_mean_difference
from strokesim.validate.metrics_core import (
    TargetResult,
    as_vector,
    make_result,
    same_length,
)
from strokesim.validate.metrics_targets import band_masks

__all__ = [
    "chronic_intensive",
    "contralesional_inhibition",
    "learned_non_use",
    "task_specificity",
    "training_timing",
]


def _band_crossover(
    fma0: NDArray[np.float64],
    difference: NDArray[np.float64],
    bands: dict[str, NDArray[np.bool_]],
) -> float:
    """FMA0 where the band means of ``difference`` first change sign, severe → mild.

    Each band is placed at its mean FMA0; the crossing is interpolated linearly
    between the two bands around it (NaN if the sign never changes or a band is
    empty). An informational reading of V6's crossover that a line fitted to all
    patients would bias toward the band with the largest effect.
    """
    points = [
        (float(fma0[bands[name]].mean()), float(difference[bands[name]].mean()))
        for name in ("severe", "moderate", "mild")
        if bands[name].any()
    ]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if y0 <= 0.0 < y1 or y0 >= 0.0 > y1:
            return x0 + (x1 - x0) * (0.0 - y0) / (y1 - y0)
    return float("nan")


def contralesional_inhibition(
    fma0: ArrayLike,
    acute_active: ArrayLike,
    acute_sham: ArrayLike,
    fma_acute_active: ArrayLike,
    fma_acute_sham: ArrayLike,
    fma_lasting_active: ArrayLike,
    fma_lasting_sham: ArrayLike,
    *,
    n_boot: int = 1000,
    seed: int | np.random.Generator = 0,
    alpha: float = 0.05,
) -> TargetResult:
    """V6: inhibiting contralesional M1 helps mild and harms severe patients while it acts.

    Parameters
    ----------
    fma0
        FMA-UE at day 3 (points, 0–66).
    acute_active, acute_sham
        Timed paretic-hand dexterity (% of healthy) right after the last of 10
        sessions of 1 Hz rTMS to contralesional M1 before training, and of the twin
        given sham and the same training.
    fma_acute_active, fma_acute_sham
        FMA-UE at the same time (points); reported beside the acute difference.
    fma_lasting_active, fma_lasting_sham
        FMA-UE on day 90 (points).
    n_boot, seed, alpha
        Bootstrap replicates (for the crossover), seed and 1 − confidence level.

    Returns
    -------
    TargetResult
        Per LEAPS band (mild FMA0 ≥ 43, moderate 29–42, severe ≤ 28), paired
        differences active − sham with t intervals: ``<band>_acute_difference``
        (dexterity, % of healthy), ``<band>_acute_fma_difference`` (points,
        informational), ``<band>_lasting_difference`` (FMA-UE day 90, points);
        ``mild_acute_difference_ci_low``; ``slope_on_fma0``: OLS slope of the acute
        difference on FMA0 (the reading of "rises with FMA0"); ``crossover_fma0``:
        FMA0 where that line crosses 0 (bootstrap interval);
        ``crossover_band_means_fma0``: where the band means change sign
        (informational).

    Raises
    ------
    ValueError
        If the arrays differ in length or are not 1-D and finite.

    Notes
    -----
    Acute: Bradnam et al. 2012 Cereb Cortex 22:2662 (cathodal tDCS of contralesional
    M1 helped mild and worsened moderate–severe patients); Takeuchi et al. 2005 Stroke
    36:2681; Di Pino et al. 2014 Nat Rev Neurol 10:597 (bimodal balance–recovery).
    Lasting: Harvey et al. 2018 Stroke 49:2138 (NICHE: no lasting benefit).
    """
    start = as_vector("fma0", fma0)
    values = {
        name: as_vector(name, value)
        for name, value in (
            ("acute_active", acute_active),
            ("acute_sham", acute_sham),
            ("fma_acute_active", fma_acute_active),
            ("fma_acute_sham", fma_acute_sham),
            ("fma_lasting_active", fma_lasting_active),
            ("fma_lasting_sham", fma_lasting_sham),
        )
    }
    same_length(fma0=start, **values)
    difference = values["acute_active"] - values["acute_sham"]
    bands = band_masks(start)
    pairs = {
        "acute_difference": ("acute_active", "acute_sham"),
        "acute_fma_difference": ("fma_acute_active", "fma_acute_sham"),
        "lasting_difference": ("fma_lasting_active", "fma_lasting_sham"),
    }
    estimates = {
        f"{band}_{label}": paired_mean_difference(
            values[a][members], values[b][members], alpha=alpha
        )
        for band, members in bands.items()
        for label, (a, b) in pairs.items()
    }
    fit = ols_slope(start, difference, alpha=alpha)

    def crossover(x: NDArray[np.float64], y: NDArray[np.float64]) -> float:
        return ols_slope(x, y).x_intercept

    return make_result(
        "V6",
        {
            **{name: estimate.mean for name, estimate in estimates.items()},
            "mild_acute_difference_ci_low": estimates["mild_acute_difference"].ci.low,
            "slope_on_fma0": fit.slope,
            "crossover_fma0": fit.x_intercept,
            "crossover_band_means_fma0": _band_crossover(start, difference, bands),
            **{f"n_{band}": float(members.sum()) for band, members in bands.items()},
        },
        {
            **{name: estimate.ci for name, estimate in estimates.items()},
            "slope_on_fma0": fit.slope_ci,
            "crossover_fma0": bootstrap_ci(
                crossover, (start, difference), n_boot=n_boot, seed=seed, alpha=alpha
            ),
        },
        "paired acute dexterity difference (rTMS − sham, right after the last session) by "
        f"FMA0 band; line: {fit.slope:.3f}·FMA0 + {fit.intercept:.2f}, zero at FMA0 "
        f"{fit.x_intercept:.1f}; lasting: paired FMA-UE difference on day 90",
    )


def learned_non_use(
    function_end: ArrayLike,
    use_end: ArrayLike,
    use_12mo: ArrayLike,
    *,
    n_boot: int = 1000,
    seed: int | np.random.Generator = 0,
    alpha: float = 0.05,
) -> TargetResult:
    """V7: after constraint-induced therapy, use rises above a function threshold.

    Parameters
    ----------
    function_end
        Arm function at the end of therapy (e.g. FMA-UE points or ARAT).
    use_end
        Paretic-arm use at the end of therapy (fraction of daily arm actions).
    use_12mo
        Paretic-arm use 12 months later (same unit).
    n_boot, seed, alpha
        Bootstrap replicates (for the threshold), seed and 1 − confidence level.

    Returns
    -------
    TargetResult
        Δuse = use_12mo − use_end. ``slope``: OLS slope of Δuse on function;
        ``threshold``: function where that line crosses 0 (bootstrap interval);
        ``threshold_position``: (threshold − min)/(max − min) of the cohort's
        function, inside (0, 1) when the threshold is inside the range;
        ``top_tertile_mean_change`` and ``bottom_tertile_mean_change``: mean Δuse
        in the third of patients with the highest / lowest function (t intervals).

    Raises
    ------
    ValueError
        If the arrays differ in length or are not 1-D and finite.

    Notes
    -----
    Han 2008 PLoS Comput Biol; Schweighofer 2009 Phys Ther (EXCITE trial data).
    """
    function = as_vector("function_end", function_end)
    end = as_vector("use_end", use_end)
    later = as_vector("use_12mo", use_12mo)
    n = same_length(function_end=function, use_end=end, use_12mo=later)
    change = later - end
    fit = ols_slope(function, change, alpha=alpha)
    span = float(function.max() - function.min()) if n else 0.0
    position = (fit.x_intercept - float(function.min())) / span if span > 0 else float("nan")
    order = np.argsort(function, kind="stable")
    third = n // 3
    bottom = mean_ci(change[order[:third]], alpha=alpha)
    top = mean_ci(change[order[n - third :]], alpha=alpha)

    def threshold(x: NDArray[np.float64], y: NDArray[np.float64]) -> float:
        return ols_slope(x, y).x_intercept

    return make_result(
        "V7",
        {
            "slope": fit.slope,
            "top_tertile_mean_change": top.mean,
            "bottom_tertile_mean_change": bottom.mean,
            "threshold_position": position,
            "threshold": fit.x_intercept,
            "n": float(n),
        },
        {
            "slope": fit.slope_ci,
            "top_tertile_mean_change": top.ci,
            "bottom_tertile_mean_change": bottom.ci,
            "threshold": bootstrap_ci(
                threshold, (function, change), n_boot=n_boot, seed=seed, alpha=alpha
            ),
        },
        f"{n} patients; Δuse = use(12 months later) − use(end of therapy); "
        f"function range {function.min():.3g}–{function.max():.3g}"
        if n
        else "no patients",
    )


def training_timing(
    effect_early: ArrayLike,
    effect_late: ArrayLike,
    *,
    n_boot: int = 1000,
    seed: int | np.random.Generator = 0,
    alpha: float = 0.05,
) -> TargetResult:
    """V8: the same extra training helps more early than late after stroke.

    Parameters
    ----------
    effect_early
        Per patient: ΔFMA (points) of the twin given +20 h of training from day 60
        minus that of the no-extra twin, at the end of training.
    effect_late
        The same for training started at day 200 or later; same patients, same
        order (counterfactual twins).
    n_boot, seed, alpha
        Bootstrap replicates (for the ratio), seed and 1 − confidence level.

    Returns
    -------
    TargetResult
        ``early_effect`` and ``late_effect``: means (t intervals);
        ``late_to_early_ratio``: mean late / mean early (paired bootstrap).

    Raises
    ------
    ValueError
        If the arrays differ in length or are not 1-D and finite.

    Notes
    -----
    Dromerick 2021 PNAS (CPASS); Zeiler & Krakauer 2013 Curr Opin Neurol.
    """
    early = as_vector("effect_early", effect_early)
    late = as_vector("effect_late", effect_late)
    same_length(effect_early=early, effect_late=late)
    early_estimate, late_estimate = mean_ci(early, alpha=alpha), mean_ci(late, alpha=alpha)

    def ratio(first: NDArray[np.float64], second: NDArray[np.float64]) -> float:
        return _ratio(float(second.mean()), float(first.mean()))

    return make_result(
        "V8",
        {
            "early_effect": early_estimate.mean,
            "late_effect": late_estimate.mean,
            "late_to_early_ratio": _ratio(late_estimate.mean, early_estimate.mean),
        },
        {
            "early_effect": early_estimate.ci,
            "late_effect": late_estimate.ci,
            "late_to_early_ratio": bootstrap_ci(
                ratio, (early, late), n_boot=n_boot, seed=seed, alpha=alpha
            ),
        },
        f"{early.size} twin pairs; effect = ΔFMA(extra training) − ΔFMA(no extra)",
    )


def chronic_intensive(
    fma_pre: ArrayLike,
    fma_end: ArrayLike,
    fma_6mo: ArrayLike,
    *,
    n_boot: int = 1000,
    seed: int | np.random.Generator = 0,
    alpha: float = 0.05,
) -> TargetResult:
    """V9: intensive therapy helps chronic patients, and the gain is retained.

    Parameters
    ----------
    fma_pre
        FMA-UE (points) before 90 h of therapy over 3 weeks.
    fma_end
        FMA-UE at the end of therapy.
    fma_6mo
        FMA-UE 6 months after the end of therapy.
    n_boot, seed, alpha
        Bootstrap replicates (for the retention), seed and 1 − confidence level.

    Returns
    -------
    TargetResult
        ``mean_gain_end`` and ``mean_gain_6mo`` (t intervals); ``retention``:
        mean gain at 6 months / mean gain at end (bootstrap interval).

    Raises
    ------
    ValueError
        If the arrays differ in length or are not 1-D and finite.

    Notes
    -----
    Ward 2019 J Neurol Neurosurg Psychiatry: FM-UL 26 → 34 (end) → 37 (6 months).
    """
    pre = as_vector("fma_pre", fma_pre)
    end = as_vector("fma_end", fma_end)
    later = as_vector("fma_6mo", fma_6mo)
    same_length(fma_pre=pre, fma_end=end, fma_6mo=later)
    gain_end = mean_ci(end - pre, alpha=alpha)
    gain_later = mean_ci(later - pre, alpha=alpha)

    def retention(
        before: NDArray[np.float64], after: NDArray[np.float64], follow_up: NDArray[np.float64]
    ) -> float:
        return _ratio(float((follow_up - before).mean()), float((after - before).mean()))

    return make_result(
        "V9",
        {
            "mean_gain_end": gain_end.mean,
            "retention": _ratio(gain_later.mean, gain_end.mean),
            "mean_gain_6mo": gain_later.mean,
        },
        {
            "mean_gain_end": gain_end.ci,
            "mean_gain_6mo": gain_later.ci,
            "retention": bootstrap_ci(
                retention, (pre, end, later), n_boot=n_boot, seed=seed, alpha=alpha
            ),
        },
        f"{pre.size} chronic patients; gains relative to FMA-UE before therapy",
    )


def task_specificity(
    gain_trained_family: ArrayLike,
    gain_untrained_family: ArrayLike,
    *,
    alpha: float = 0.05,
) -> TargetResult:
    """V12: practice improves the trained task family more than an untrained one.

    Parameters
    ----------
    gain_trained_family
        Per patient: gain on the task family that was practised (e.g. distal
        grasp), in that family's score units.
    gain_untrained_family
        Gain of the same patient on a family that was not practised (e.g.
        proximal reaching), same units and order.
    alpha
        1 − confidence level.

    Returns
    -------
    TargetResult
        ``mean_difference``: mean paired difference trained − untrained (t
        interval) and ``mean_difference_ci_low``; plus both mean gains.

    Raises
    ------
    ValueError
        If the arrays differ in length or are not 1-D and finite.
    """
    trained = as_vector("gain_trained_family", gain_trained_family)
    untrained = as_vector("gain_untrained_family", gain_untrained_family)
    same_length(gain_trained_family=trained, gain_untrained_family=untrained)
    difference = paired_mean_difference(trained, untrained, alpha=alpha)
    return make_result(
        "V12",
        {
            "mean_difference": difference.mean,
            "mean_difference_ci_low": difference.ci.low,
            "mean_gain_trained": float(trained.mean()) if trained.size else float("nan"),
            "mean_gain_untrained": float(untrained.mean()) if untrained.size else float("nan"),
        },
        {"mean_difference": difference.ci},
        f"{difference.n} patients; difference = gain(trained family) − gain(untrained family)",
    )


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator != 0 else float("nan")
