"""Figures of the counterfactual-twin experiments (V6–V9, V12).

Same conventions as :mod:`strokesim.validate.figures`: each function takes a
target's result and experiment data and returns a pyplot-free Figure.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from matplotlib.figure import Figure

from strokesim.validate.experiments_data import ExperimentData
from strokesim.validate.figures_style import (
    BANDS,
    BLUE,
    GREY,
    ORANGE,
    PASS_COLOUR,
    PURPLE,
    SKY,
    VERMILLION,
    band_masks,
    finish,
    label_axes,
    mean_and_ci,
    note,
    start_figure,
    value_line,
)
from strokesim.validate.metrics import TARGETS, TargetResult
from strokesim.validate.metrics_targets import LEAPS_MILD_MIN_FMA, LEAPS_SEVERE_MAX_FMA

__all__ = [
    "chronic_intensive_figure",
    "contralesional_inhibition_figure",
    "learned_non_use_figure",
    "task_specificity_figure",
    "training_timing_figure",
]

_JITTER: Final[float] = 0.2  # points: separates integer scores in scatter plots
_MAX_LINES: Final[int] = 150  # individual patient lines drawn under a mean
#: Where VALIDATION.md expects the V6 crossover (FMA0, points).
_EXPECTED_CROSSOVER: Final[tuple[float, float]] = (30.0, 50.0)
_DAYS_PER_MONTH: Final[float] = 30.44
_FMA_RANGE: Final[tuple[float, float]] = (0.0, 66.0)


def contralesional_inhibition_figure(result: TargetResult, data: ExperimentData) -> Figure:
    """V6: acute paired benefit of rTMS over sham against FMA0, band means with CIs, crossover."""
    fma0 = data.inputs["fma0"]
    benefit = data.inputs["acute_active"] - data.inputs["acute_sham"]
    jitter = np.random.default_rng(0).uniform(-_JITTER, _JITTER, (2, fma0.size))
    figure, (axes,) = start_figure((8.5, 5.6))
    axes.axvspan(
        *_EXPECTED_CROSSOVER, color=PASS_COLOUR, alpha=0.12, label="expected crossover (FMA0 30–50)"
    )
    axes.axhline(0, color="black", linewidth=1)
    axes.scatter(
        fma0 + jitter[0],
        benefit + jitter[1],
        s=12,
        color=GREY,
        alpha=0.45,
        label="patients (twin pairs)",
    )
    for cut in (LEAPS_SEVERE_MAX_FMA + 0.5, LEAPS_MILD_MIN_FMA - 0.5):
        axes.axvline(cut, color=GREY, linestyle=":", linewidth=1)
    for name, members in band_masks(fma0).items():
        colour, marker, _ = BANDS[name]
        mean = result.measured.get(f"{name}_acute_difference", float("nan"))
        low, high = result.ci.get(f"{name}_acute_difference", (float("nan"),) * 2)
        if members.any() and np.isfinite(mean):
            centre = float(fma0[members].mean())
            error = [[mean - low], [high - mean]] if np.isfinite(low) else None
            axes.errorbar(
                [centre],
                [mean],
                yerr=error,
                color=colour,
                marker=marker,
                markersize=10,
                capsize=6,
                linewidth=2.5,
                markeredgecolor="black",
                label=f"{name}: mean and 95% CI (n = {members.sum()})",
            )
    slope = result.measured.get("slope_on_fma0", float("nan"))
    crossover = result.measured.get("crossover_fma0", float("nan"))
    if np.isfinite(slope) and np.isfinite(crossover):
        x = np.linspace(0, 66, 100)
        axes.plot(
            x,
            slope * (x - crossover),
            color=PURPLE,
            linewidth=2,
            label=f"linear fit, crosses 0 at FMA0 {crossover:.1f}",
        )
    _, after, end = (int(day) for day in data.figure["days"])
    label_axes(
        axes,
        "FMA0, FMA-UE at day 3 (points)",
        f"Acute benefit: dexterity(rTMS) − dexterity(sham), day {after - 1} (% of healthy)",
    )
    axes.set_xlim(-1, 67)
    spread = max(1.0, float(np.percentile(np.abs(benefit), 99)) * 1.2)
    axes.set_ylim(-spread, spread)
    axes.legend(loc="lower right", fontsize=8.5)
    lasting = ", ".join(
        f"{band} {result.measured.get(f'{band}_lasting_difference', float('nan')):+.2f}"
        for band in ("mild", "moderate", "severe")
    )
    note(
        axes,
        value_line(result, "slope_on_fma0", "slope on FMA0", " %/point")
        + f"\nlasting FMA-UE difference on day {end} (points): {lasting}",
    )
    return finish(figure, result)


def learned_non_use_figure(result: TargetResult, data: ExperimentData) -> Figure:
    """V7: change in arm use against function after CIMT, with the fitted line and threshold."""
    function = data.inputs["function_end"]
    change = data.inputs["use_12mo"] - data.inputs["use_end"]
    figure, (left, right) = start_figure((12.5, 5.2), 2)
    left.axhline(0, color="black", linewidth=1)
    jitter = np.random.default_rng(0).uniform(-_JITTER, _JITTER, function.size)
    left.scatter(
        function + jitter,
        change,
        s=14,
        color=BLUE,
        alpha=0.5,
        label=f"patients (n = {function.size})",
    )
    slope = result.measured.get("slope", float("nan"))
    threshold = result.measured.get("threshold", float("nan"))
    if function.size and np.isfinite(slope) and np.isfinite(threshold):
        x = np.linspace(function.min(), function.max(), 50)
        left.plot(x, slope * (x - threshold), color=VERMILLION, linewidth=2.2, label="linear fit")
        if _FMA_RANGE[0] <= threshold <= _FMA_RANGE[1]:
            low, high = result.ci.get("threshold", (float("nan"),) * 2)
            if np.isfinite(low) and np.isfinite(high):
                left.axvspan(low, high, color=ORANGE, alpha=0.15, label="95% CI of the threshold")
            left.axvline(
                threshold, color=ORANGE, linestyle="--", label=f"threshold: FMA-UE {threshold:.1f}"
            )
        else:
            left.plot([], [], " ", label=f"zero crossing off the scale (FMA-UE {threshold:.3g})")
    left.set_xlim(*_FMA_RANGE)
    label_axes(
        left,
        "Function at the end of CIMT (FMA-UE, points)",
        "Δ use, 12 months later − end (fraction)",
        "Use after therapy against function",
    )
    left.legend(loc="upper left", fontsize=8.5)
    days, use, included = data.figure["days"], data.figure["use"], data.figure["included"]
    if function.size >= 3:
        months = (days - days[1]) / _DAYS_PER_MONTH
        order = np.argsort(function, kind="stable")
        groups = np.array_split(order, 3)
        use_included = use[included.astype(bool)]
        for members, name, colour, style in zip(
            groups,
            ("lowest", "middle", "highest"),
            (VERMILLION, GREY, BLUE),
            (":", "--", "-"),
            strict=True,
        ):
            mean, low, high = mean_and_ci(use_included[members])
            right.fill_between(months, low, high, color=colour, alpha=0.15)
            right.plot(
                months,
                mean,
                color=colour,
                linestyle=style,
                marker="o",
                markersize=4,
                label=f"{name} third of function",
            )
        right.axvspan(months[0], 0, color=SKY, alpha=0.2, label="CIMT (mitt on)")
        right.legend(loc="lower right", fontsize=8.5)
    label_axes(
        right,
        "Months since the end of CIMT",
        "Paretic share of daily arm use",
        "Use over the following year (mean, 95% CI)",
    )
    note(
        left,
        value_line(result, "threshold_position", "threshold position in range"),
        corner="lower right",
    )
    return finish(figure, result)


def training_timing_figure(result: TargetResult, data: ExperimentData) -> Figure:
    """V8: effect of the same extra training started early vs late (means with 95% CIs)."""
    figure, (left, right) = start_figure((12.5, 5.0), 2)
    labels = tuple(
        f"{when} (day {int(day)})"
        for when, day in zip(("early", "late"), data.figure["start_days"], strict=True)
    )
    means = [result.measured["early_effect"], result.measured["late_effect"]]
    cis = [result.ci.get("early_effect"), result.ci.get("late_effect")]
    errors = np.array(
        [
            [m - c[0] if c else 0.0 for m, c in zip(means, cis, strict=True)],
            [c[1] - m if c else 0.0 for m, c in zip(means, cis, strict=True)],
        ]
    )
    left.bar(
        labels,
        means,
        yerr=np.nan_to_num(errors),
        capsize=8,
        color=[BLUE, ORANGE],
        edgecolor="black",
    )
    limit = TARGETS["V8"].ranges["late_to_early_ratio"].high * means[0]
    left.axhline(
        limit, color=PASS_COLOUR, linestyle="--", linewidth=2, label="pass: late ≤ 50% of early"
    )
    left.axhline(0, color="black", linewidth=1)
    tops = np.nan_to_num(np.array(means) + errors[1])
    left.set_ylim(top=max(1.0, float(tops.max())) * 1.3)  # room for the note and legend
    label_axes(
        left,
        "Start of +20 h training",
        "Effect on FMA-UE vs no-extra twin (points)",
        "Mean effect at the end of training (95% CI)",
    )
    left.legend(loc="upper right", fontsize=9)
    note(left, value_line(result, "late_to_early_ratio", "late / early"), corner="upper left")
    jitter = np.random.default_rng(0).uniform(
        -_JITTER, _JITTER, (2, data.inputs["effect_early"].size)
    )
    for k, (key, start, colour, marker, label) in enumerate(
        (
            ("effect_early", "fma_start_early", BLUE, "o", labels[0]),
            ("effect_late", "fma_start_late", ORANGE, "^", labels[1]),
        )
    ):
        right.scatter(
            data.figure[start] + jitter[k],
            data.inputs[key],
            s=12,
            color=colour,
            marker=marker,
            alpha=0.5,
            label=label,
        )
    right.axhline(0, color="black", linewidth=1)
    label_axes(
        right,
        "FMA-UE when the training starts (points)",
        "Effect vs no-extra twin (points)",
        "Per patient",
    )
    right.legend(loc="upper right", fontsize=9)
    return finish(figure, result)


def chronic_intensive_figure(result: TargetResult, data: ExperimentData) -> Figure:
    """V9: FMA-UE before, at the end of and 6 months after 90 h of therapy."""
    scores = np.column_stack([data.inputs[k] for k in ("fma_pre", "fma_end", "fma_6mo")])
    x = np.arange(3)
    figure, (axes,) = start_figure((7.8, 5.4))
    for row in scores[:_MAX_LINES]:
        axes.plot(x, row, color=GREY, alpha=0.25, linewidth=0.8)
    if scores.shape[0] >= 2:
        mean, low, high = mean_and_ci(scores)
        axes.errorbar(
            x,
            mean,
            yerr=[mean - low, high - mean],
            color=BLUE,
            marker="o",
            markersize=8,
            capsize=6,
            linewidth=2.5,
            label=f"mean and 95% CI (n = {scores.shape[0]})",
        )
        gain = TARGETS["V9"].ranges["mean_gain_end"]
        axes.plot(
            [1, 1],
            [mean[0] + gain.low, mean[0] + gain.high],
            color=PASS_COLOUR,
            linewidth=8,
            alpha=0.5,
            solid_capstyle="butt",
            label=f"pass: mean gain at end {gain} points",
        )
    axes.set_xticks(x, ["before (18 months)", "end of 90 h", "6 months later"])
    label_axes(axes, "Assessment", "FMA-UE (points)")
    axes.set_ylim(0, 66)
    axes.set_xlim(-0.3, 2.3)
    axes.legend(loc="lower right", fontsize=9)
    note(
        axes,
        "\n".join(
            (
                value_line(result, "mean_gain_end", "gain at end"),
                value_line(result, "retention", "retention at 6 months"),
            )
        ),
    )
    return finish(figure, result)


def task_specificity_figure(result: TargetResult, data: ExperimentData) -> Figure:
    """V12: gains by task family after training one family or another (means with 95% CIs)."""
    gains, arms, families = data.figure["gains"], data.figure["arms"], data.figure["families"]
    figure, (axes,) = start_figure((9.0, 5.4))
    width = 0.38
    positions = np.arange(len(families))
    for k, (arm, colour, hatch) in enumerate(zip(arms, (BLUE, ORANGE), ("", "//"), strict=False)):
        mean, low, high = mean_and_ci(gains[k])
        axes.bar(
            positions + (k - 0.5) * width,
            mean,
            width,
            yerr=np.nan_to_num([mean - low, high - mean]),
            capsize=5,
            color=colour,
            hatch=hatch,
            edgecolor="black",
            label=f"trained: {arm.replace('_', ' ')}",
        )
    axes.axhline(0, color="black", linewidth=1)
    axes.set_xticks(positions, [str(f).replace("_", " ") for f in families])
    label_axes(
        axes, "Task family assessed", "Gain in successful daily-life attempts (percentage points)"
    )
    axes.legend(loc="upper right", fontsize=9)
    note(axes, value_line(result, "mean_difference", "trained − untrained", " pp"))
    return finish(figure, result)
