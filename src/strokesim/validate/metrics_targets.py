"""The validation targets V1–V13 of VALIDATION.md, with their pass ranges written once.

Every metric function (``metrics_recovery``, ``metrics_experiments``,
``metrics_secondary``) reports named measured values, and
:func:`strokesim.validate.metrics_core.make_result` checks them against
:data:`TARGETS`. Relational criteria ("mild < severe", "prevalence at day 7 < at
day 90") are written as a measured difference or ratio with a range, so that
every criterion is one row of the results table.

A target passes when every ranged measured value lies in its range. Ranges are
checked on point estimates; where VALIDATION.md asks for a confidence interval
above 0 (V6, V12), the interval's lower end is itself a measured value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "LEAPS_MILD_MIN_FMA",
    "LEAPS_SEVERE_MAX_FMA",
    "TARGETS",
    "Range",
    "TargetSpec",
    "band_masks",
]

#: FMA0 (FMA-UE at day 3, points) at or above which a stroke is mild (LEAPS bands,
#: Duncan et al. 2011 N Engl J Med 364:2026–2036).
LEAPS_MILD_MIN_FMA: Final[int] = 43
#: FMA0 at or below which a stroke is severe (moderate is 29–42).
LEAPS_SEVERE_MAX_FMA: Final[int] = 28


def band_masks(fma0: NDArray[np.float64]) -> dict[str, NDArray[np.bool_]]:
    """LEAPS bands of FMA0: mild ≥ 43, moderate 29–42, severe ≤ 28 (points)."""
    return {
        "mild": fma0 >= LEAPS_MILD_MIN_FMA,
        "moderate": (fma0 > LEAPS_SEVERE_MAX_FMA) & (fma0 < LEAPS_MILD_MIN_FMA),
        "severe": fma0 <= LEAPS_SEVERE_MAX_FMA,
    }


_INF: Final[float] = math.inf


@dataclass(frozen=True)
class Range:
    """An allowed interval for one measured value.

    Attributes
    ----------
    low, high
        Bounds; ±inf for an open side.
    low_inclusive, high_inclusive
        Whether a value equal to the bound passes.
    """

    low: float = -_INF
    high: float = _INF
    low_inclusive: bool = True
    high_inclusive: bool = True

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the range (NaN never does)."""
        if math.isnan(value):
            return False
        above = value >= self.low if self.low_inclusive else value > self.low
        below = value <= self.high if self.high_inclusive else value < self.high
        return bool(above and below)

    def __str__(self) -> str:
        has_low, has_high = math.isfinite(self.low), math.isfinite(self.high)
        if has_low and has_high:
            if self.low_inclusive and self.high_inclusive:
                return f"{self.low:g}–{self.high:g}"
            left = "[" if self.low_inclusive else "("
            right = "]" if self.high_inclusive else ")"
            return f"{left}{self.low:g}, {self.high:g}{right}"
        if has_low:
            return f"{'≥' if self.low_inclusive else '>'} {self.low:g}"
        if has_high:
            return f"{'≤' if self.high_inclusive else '<'} {self.high:g}"
        return "any"


def _above(bound: float) -> Range:
    return Range(low=bound, low_inclusive=False)


def _at_least(bound: float) -> Range:
    return Range(low=bound)


def _below(bound: float) -> Range:
    return Range(high=bound, high_inclusive=False)


def _at_most(bound: float) -> Range:
    return Range(high=bound)


@dataclass(frozen=True)
class TargetSpec:
    """One published finding that the default model must reproduce.

    Attributes
    ----------
    target_id
        ``"V1"`` … ``"V13"``.
    title
        Short name.
    finding
        The published finding, one sentence.
    source
        Literature the finding and its ranges come from.
    criteria
        The pass criteria in words, including definitions this code had to choose.
    ranges
        Measured-value name → allowed range; all must hold for a pass.
    """

    target_id: str
    title: str
    finding: str
    source: str
    criteria: str
    ranges: Mapping[str, Range] = field(hash=False)


TARGETS: Final[dict[str, TargetSpec]] = {
    spec.target_id: spec
    for spec in (
        TargetSpec(
            "V1",
            "Proportional recovery (MEP+)",
            "Patients with a preserved corticospinal tract regain about 70% of their "
            "potential FMA-UE improvement by 6 months.",
            "Prabhakaran 2008 NNR; Winters 2015 NNR; Byblow 2015 Ann Neurol",
            "Among MEP+ patients: OLS slope of ΔFMA (day 3 → 180) on 66 − FMA0 in "
            "0.60–0.85; mean of ΔFMA/(66 − FMA0) in 0.65–0.90 (FMA0 = 66 excluded).",
            {"slope": Range(0.60, 0.85), "mean_recovered_fraction": Range(0.65, 0.90)},
        ),
        TargetSpec(
            "V2",
            "Non-fitters are severe and MEP−",
            "Patients who recover far less than proportionally are severe and MEP−.",
            "Winters 2015 NNR; Byblow 2015 Ann Neurol; Kundert 2019",
            "Severe = FMA0 ≤ 28; non-fitter = recovered < 30% of 66 − FMA0 by day 180. "
            "Share of severe who are non-fitters in 20–50%; share of those non-fitters "
            "that were MEP− ≥ 85%.",
            {
                "severe_non_fitter_share": Range(0.20, 0.50),
                "non_fitter_mep_negative_share": _at_least(0.85),
            },
        ),
        TargetSpec(
            "V3",
            "Recovery is early, earlier in mild strokes",
            "95% of the best arm function is reached by ~6 weeks in mild and ~11 weeks "
            "in severe strokes; most recovery occurs within 3 months.",
            "Nakayama 1994 APMR; Kwakkel 2006 Stroke; van der Vliet 2020 Ann Neurol",
            "Per patient with a positive day-180 gain: first recorded day whose gain "
            "≥ 95% of the day-180 gain. Cohort median ≤ 8 weeks (mild, FMA0 ≥ 43) and "
            "≤ 16 weeks (severe, FMA0 ≤ 28), mild < severe; summed day-84 gain / summed "
            "day-180 gain ≥ 0.75.",
            {
                "mild_median_weeks": _at_most(8.0),
                "severe_median_weeks": _at_most(16.0),
                "severe_minus_mild_weeks": _above(0.0),
                "share_of_gain_by_week12": _at_least(0.75),
            },
        ),
        TargetSpec(
            "V4",
            "PREP2 agrees with the simulated course",
            "PREP2 predicts the 3-month ARAT band correctly in about 75% of patients.",
            "Stinear 2017 Ann Clin Transl Neurol (75%); Millot 2024 (78%)",
            "Share of patients whose PREP2 category (day-3 SAFE, age, MEP day 3–7, "
            "day-3 NIHSS) equals their day-90 ARAT band: 0.65–0.85.",
            {"accuracy": Range(0.65, 0.85)},
        ),
        TargetSpec(
            "V5",
            "MEP presence predicts a good outcome",
            "Most patients with an early MEP reach a good 3-month arm function.",
            "Pizzi 2009; Stinear 2017 Ann Clin Transl Neurol",
            "Among MEP+ (day 3–7): share with day-90 ARAT ≥ 34 at least 0.80.",
            {"mep_positive_good_share": _at_least(0.80)},
        ),
        TargetSpec(
            "V6",
            "Contralesional inhibition helps mild, harms severe while it acts",
            "Inhibiting contralesional M1 helps mildly and harms severely impaired patients "
            "while the stimulation acts; no large lasting effect.",
            "Di Pino 2014 Nat Rev Neurol; Bradnam 2012 Cereb Cortex; Takeuchi 2005 Stroke; "
            "Harvey 2018 Stroke",
            "Counterfactual twins from day 14, 10 sessions of 1 Hz rTMS to contralesional M1 "
            "before 1 h of training vs sham. (a) Acute: paired difference (rTMS − sham) in "
            "timed paretic-hand dexterity (% of healthy) right after the last session, by "
            "FMA0 band: mild mean > 0 with 95% CI lower end > 0; severe mean ≤ 0; OLS line "
            "of the difference on FMA0 rising (slope > 0) and crossing 0 at FMA0 30–50. The "
            "FMA-UE difference is reported beside it. (b) Lasting: paired FMA-UE difference "
            "on day 90 within ±2 points in every band.",
            {
                "mild_acute_difference": _above(0.0),
                "mild_acute_difference_ci_low": _above(0.0),
                "severe_acute_difference": _at_most(0.0),
                "slope_on_fma0": _above(0.0),
                "crossover_fma0": Range(30.0, 50.0),
                "mild_lasting_difference": Range(-2.0, 2.0),
                "moderate_lasting_difference": Range(-2.0, 2.0),
                "severe_lasting_difference": Range(-2.0, 2.0),
            },
        ),
        TargetSpec(
            "V7",
            "Learned non-use has a threshold",
            "After constraint-induced therapy, arm use keeps rising above a function "
            "threshold and decays below it.",
            "Han 2008 PLoS Comput Biol; Schweighofer 2009 Phys Ther",
            "Δuse = use 12 months later − use at end of therapy; OLS line of Δuse on "
            "function at end: slope > 0; mean Δuse > 0 in the top tertile of function "
            "and < 0 in the bottom tertile; the zero crossing lies strictly inside the "
            "cohort's function range (position (threshold − min)/(max − min) in (0, 1)).",
            {
                "slope": _above(0.0),
                "top_tertile_mean_change": _above(0.0),
                "bottom_tertile_mean_change": _below(0.0),
                "threshold_position": Range(0.0, 1.0, False, False),
            },
        ),
        TargetSpec(
            "V8",
            "Training helps more early than late",
            "The same extra training started at day 60 helps more than at day 200+.",
            "Dromerick 2021 PNAS; Zeiler & Krakauer 2013; Biernaskie 2004",
            "Mean early effect (ΔFMA vs no-extra twins) > 0; mean late effect / mean "
            "early effect ≤ 0.50.",
            {"early_effect": _above(0.0), "late_to_early_ratio": _at_most(0.50)},
        ),
        TargetSpec(
            "V9",
            "Intensive therapy helps in chronic stroke",
            "90 h of upper-limb therapy over 3 weeks improves chronic patients, and "
            "the gain is kept.",
            "Ward 2019 JNNP (Queen Square programme)",
            "Mean FMA-UE gain at the end of therapy 7–14 points; mean gain 6 months "
            "later / mean gain at end ≥ 0.70.",
            {"mean_gain_end": Range(7.0, 14.0), "retention": _at_least(0.70)},
        ),
        TargetSpec(
            "V10",
            "Spasticity develops over weeks and follows severity",
            "About a quarter to 40% have elbow spasticity at 6 months, more after "
            "severe paresis, and it develops over weeks.",
            "Zeng 2021; Urban 2010 Stroke; Wissel 2010; Lundström 2010",
            "Elbow-flexor MAS at day 180: share ≥ 1 in 20–45%, share ≥ 3 in 5–15%; "
            "share ≥ 1 at day 90 − at day 7 > 0; odds ratio of MAS ≥ 1 at day 180, "
            "severe (FMA0 ≤ 28) vs not, ≥ 4 (Woolf CI, Haldane correction).",
            {
                "prevalence_mas1_day180": Range(0.20, 0.45),
                "prevalence_mas3_day180": Range(0.05, 0.15),
                "prevalence_rise_day7_to_day90": _above(0.0),
                "odds_ratio_severe": _at_least(4.0),
            },
        ),
        TargetSpec(
            "V11",
            "The non-paretic arm is affected too",
            "A deficit of the non-paretic arm is common early, shrinks, and is larger "
            "after severe strokes.",
            "Maenza 2020 NNR",
            "Deficit = non-paretic dexterity below the 5th percentile of healthy "
            "controls. Share with a deficit at week 1 ≥ 0.20 ('substantial', chosen "
            "here); share at week 26 − share at week 1 < 0; share after severe strokes "
            "− share after mild/moderate ones at week 1 > 0.",
            {
                "share_deficit_week1": _at_least(0.20),
                "share_change_week1_to_week26": _below(0.0),
                "severe_minus_milder_share_week1": _above(0.0),
            },
        ),
        TargetSpec(
            "V12",
            "Training is task-specific",
            "Practice improves the trained task family more than an untrained one.",
            "Motor-learning literature; Han 2008 PLoS Comput Biol",
            "Paired difference gain(trained family) − gain(untrained family): mean > 0 "
            "with 95% CI lower end > 0.",
            {"mean_difference": _above(0.0), "mean_difference_ci_low": _above(0.0)},
        ),
        TargetSpec(
            "V13",
            "Task-related activity is bilateral early and re-lateralises with recovery",
            "Paretic-hand movement recruits both hemispheres early after stroke, the more "
            "so the more severe the stroke, and activity re-lateralises as the hand recovers.",
            "Ward 2003 Brain 126:2476; Ward 2003 Brain 126:1430; Rehme 2012 NeuroImage; "
            "Calautti & Baron 2003 Stroke",
            "Laterality index (C − I)/(C + I) of M1 activity during paretic-hand movement, "
            "against virtual healthy controls. Week 1: mean below the controls' mean in "
            "every FMA0 band (mild ≥ 43, moderate 29–42, severe ≤ 28), lowest in severe. "
            "Rise from week 1 to week 26: larger in the third of patients with the highest "
            "recovered fraction (FMA-UE week 26 − FMA0)/(66 − FMA0) than in the third with "
            "the lowest (FMA0 = 66 excluded). Week 26: Pearson r with FMA-UE ≥ 0.3.",
            {
                "mild_minus_controls_week1": _below(0.0),
                "moderate_minus_controls_week1": _below(0.0),
                "severe_minus_controls_week1": _below(0.0),
                "severe_minus_lowest_other_week1": _below(0.0),
                "best_minus_worst_third_rise": _above(0.0),
                "correlation_week26": _at_least(0.3),
            },
        ),
    )
}
