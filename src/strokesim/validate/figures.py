"""One figure per validation target, drawn from its experiment data and its result.

Every function takes the :class:`~strokesim.validate.metrics.TargetResult` and the
:class:`~strokesim.validate.experiments.ExperimentData` of one target and returns
a :class:`matplotlib.figure.Figure` built without ``pyplot`` (no global state).
Pass ranges are drawn where they are values on an axis. This module holds the
natural-history figures of recovery (V1–V5) and the dispatch
:func:`target_figure`; spasticity and the non-paretic arm (V10, V11) are in
:mod:`strokesim.validate.figures_secondary`, laterality (V13) in
:mod:`strokesim.validate.figures_laterality`, the twin experiments' figures in
:mod:`strokesim.validate.figures_twins`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import numpy as np
from matplotlib.figure import Figure

from strokesim.predict.prep2 import PREP2_CATEGORIES
from strokesim.validate.experiments_data import ExperimentData
from strokesim.validate.figures_laterality import laterality_figure
from strokesim.validate.figures_secondary import nonparetic_deficit_figure, spasticity_figure
from strokesim.validate.figures_style import (
    BANDS,
    BLUE,
    GREY,
    PASS_COLOUR,
    VERMILLION,
    band_masks,
    finish,
    label_axes,
    mean_and_ci,
    note,
    start_figure,
    value_line,
)
from strokesim.validate.figures_twins import (
    chronic_intensive_figure,
    contralesional_inhibition_figure,
    learned_non_use_figure,
    task_specificity_figure,
    training_timing_figure,
)
from strokesim.validate.metrics import TARGETS, TargetResult

__all__ = [
    "FIGURES",
    "laterality_figure",
    "mep_positive_outcome_figure",
    "non_fitters_figure",
    "nonparetic_deficit_figure",
    "prep2_accuracy_figure",
    "proportional_recovery_figure",
    "recovery_timing_figure",
    "spasticity_figure",
    "target_figure",
]

_FMA_MAX: Final[float] = 66.0
_DAYS_PER_WEEK: Final[float] = 7.0
_NON_FITTER_FRACTION: Final[float] = 0.3
_ARAT_GOOD: Final[float] = 34.0
_JITTER: Final[float] = 0.25  # points: separates integer scores in scatter plots


def proportional_recovery_figure(result: TargetResult, data: ExperimentData) -> Figure:
    """V1: ΔFMA against 66 − FMA0, MEP+ and MEP−, with the fitted MEP+ line and 0.7·x."""
    fma0, fma180 = data.inputs["fma0"], data.inputs["fma180"]
    mep = data.inputs["mep_present"].astype(bool)
    potential, gain = _FMA_MAX - fma0, fma180 - fma0
    jitter = np.random.default_rng(0).uniform(-_JITTER, _JITTER, (2, fma0.size))
    figure, (axes,) = start_figure((7.8, 5.8))
    x = np.linspace(0.0, _FMA_MAX, 100)
    slope_range = TARGETS["V1"].ranges["slope"]
    axes.fill_between(
        x,
        slope_range.low * x,
        slope_range.high * x,
        color=PASS_COLOUR,
        alpha=0.13,
        label=f"pass range of the slope ({slope_range}), through 0",
    )
    axes.scatter(
        potential[mep] + jitter[0, mep],
        gain[mep] + jitter[1, mep],
        s=16,
        color=BLUE,
        alpha=0.55,
        label=f"MEP+ (n = {mep.sum()})",
    )
    axes.scatter(
        potential[~mep] + jitter[0, ~mep],
        gain[~mep] + jitter[1, ~mep],
        s=20,
        marker="^",
        facecolors="none",
        edgecolors=VERMILLION,
        alpha=0.7,
        label=f"MEP− (n = {(~mep).sum()})",
    )
    axes.plot(x, 0.7 * x, color="black", linestyle="--", label="ΔFMA = 0.7 × potential")
    slope, intercept = result.measured["slope"], result.measured["intercept"]
    if np.isfinite(slope):
        axes.plot(
            x,
            intercept + slope * x,
            color=BLUE,
            linewidth=2.4,
            label=f"fit to MEP+: slope {slope:.2f}",
        )
    axes.plot(x, x, color=GREY, linestyle=":", linewidth=1, label="full recovery (ceiling)")
    label_axes(
        axes, "Potential improvement 66 − FMA0 (FMA-UE points)", "ΔFMA-UE, day 3 → day 180 (points)"
    )
    axes.set_xlim(0, _FMA_MAX)
    axes.set_ylim(min(-5.0, float(gain.min()) - 2), _FMA_MAX)
    axes.legend(loc="upper left", fontsize=9, frameon=True)
    note(
        axes,
        value_line(result, "mean_recovered_fraction", "mean recovered fraction, MEP+"),
        corner="lower right",
    )
    return finish(figure, result)


def non_fitters_figure(result: TargetResult, data: ExperimentData) -> Figure:
    """V2: recovered fraction of the severe patients, MEP+ vs MEP−, and the 30% line."""
    fma0, fma180 = data.inputs["fma0"], data.inputs["fma180"]
    mep = data.inputs["mep_present"].astype(bool)
    severe = band_masks(fma0)["severe"]
    fraction = (fma180 - fma0) / np.maximum(_FMA_MAX - fma0, 1.0)
    bins = np.linspace(-0.3, 1.0, 27)
    clipped = np.clip(fraction, bins[0], bins[-1])
    figure, (axes,) = start_figure((7.8, 5.2))
    axes.hist(
        [clipped[severe & mep], clipped[severe & ~mep]],
        bins=bins,
        stacked=True,
        color=[BLUE, VERMILLION],
        edgecolor="white",
        label=[f"MEP+ (n = {(severe & mep).sum()})", f"MEP− (n = {(severe & ~mep).sum()})"],
    )
    axes.axvline(
        _NON_FITTER_FRACTION, color="black", linestyle="--", label="non-fitter: < 30% of potential"
    )
    label_axes(
        axes, "Recovered fraction ΔFMA / (66 − FMA0), day 3 → 180", "Severe patients (FMA0 ≤ 28)"
    )
    axes.legend(loc="upper left", fontsize=9)
    note(
        axes,
        "\n".join(
            (
                value_line(result, "severe_non_fitter_share", "non-fitters among severe"),
                value_line(result, "non_fitter_mep_negative_share", "MEP− among non-fitters"),
            )
        ),
        corner="upper right",
    )
    return finish(figure, result)


def recovery_timing_figure(result: TargetResult, data: ExperimentData) -> Figure:
    """V3: mean FMA-UE by band (95% bands) and the share of the day-180 gain over time."""
    days, fma, fma0 = data.inputs["days"], data.inputs["fma"], data.inputs["fma0"]
    weeks = days / _DAYS_PER_WEEK
    gain = fma - fma0[:, None]
    gained = gain[:, -1] > 0
    figure, (left, right) = start_figure((12.5, 5.2), 2)
    for name, members in band_masks(fma0).items():
        colour, marker, style = BANDS[name]
        if members.sum() < 2:
            continue
        mean, low, high = mean_and_ci(fma[members])
        left.fill_between(weeks, low, high, color=colour, alpha=0.18)
        left.plot(
            weeks,
            mean,
            color=colour,
            marker=marker,
            linestyle=style,
            markersize=4,
            label=f"{name} (n = {members.sum()})",
        )
        chosen = members & gained
        if chosen.any():
            share = gain[chosen].mean(axis=0) / gain[chosen, -1].mean()
            right.plot(
                weeks, share, color=colour, marker=marker, linestyle=style, markersize=4, label=name
            )
    right.axhline(0.95, color="black", linestyle=":", label="95% of the day-180 gain")
    right.axvline(12, color=GREY, linestyle="--", label="week 12")
    for name, limit in (("mild", 8.0), ("severe", 16.0)):
        colour = BANDS[name][0]
        median = result.measured.get(f"{name}_median_weeks", float("nan"))
        if np.isfinite(median):
            right.plot(
                [median],
                [0.95],
                marker="D",
                markersize=9,
                color=colour,
                markeredgecolor="black",
                linestyle="none",
                label=f"{name}: median week of 95% ({median:.1f})",
            )
        right.axvline(
            limit,
            color=colour,
            linestyle=(0, (1, 3)),
            linewidth=2,
            label=f"{name}: pass limit (≤ {limit:g} weeks)",
        )
    label_axes(
        left,
        "Weeks since stroke onset",
        "FMA-UE (points, mean and 95% CI)",
        "Recovery by FMA0 band",
    )
    label_axes(
        right,
        "Weeks since stroke onset",
        "Share of the day-180 gain (mean curves)",
        "Timing: mean gain / mean day-180 gain",
    )
    left.set_ylim(0, _FMA_MAX)
    left.legend(loc="lower right", fontsize=9)
    right.legend(loc="lower right", fontsize=9)
    note(left, value_line(result, "share_of_gain_by_week12", "share of gain by week 12"))
    return finish(figure, result)


def prep2_accuracy_figure(result: TargetResult, data: ExperimentData) -> Figure:
    """V4: the PREP2 confusion matrix (rows predicted, columns simulated ARAT band)."""
    confusion = np.asarray(result.tables["confusion"], dtype=float)
    rows = confusion.sum(axis=1, keepdims=True)
    percent = np.divide(100 * confusion, rows, out=np.zeros_like(confusion), where=rows > 0)
    figure, (axes,) = start_figure((7.0, 6.0))
    image = axes.imshow(percent, cmap="Blues", vmin=0, vmax=100)
    for i in range(confusion.shape[0]):
        for j in range(confusion.shape[1]):
            axes.text(
                j,
                i,
                f"{int(confusion[i, j])}\n{percent[i, j]:.0f}%",
                ha="center",
                va="center",
                fontsize=10,
                color="white" if percent[i, j] > 60 else "black",
            )
    ticks = np.arange(len(PREP2_CATEGORIES))
    axes.set_xticks(ticks, PREP2_CATEGORIES)
    axes.set_yticks(ticks, PREP2_CATEGORIES)
    label_axes(axes, "Simulated ARAT band at 3 months", "PREP2 prediction (day 3)")
    axes.grid(False)
    colorbar = figure.colorbar(image, ax=axes, shrink=0.8)
    colorbar.set_label("% of the predicted category", fontsize=10)
    axes.set_title(value_line(result, "accuracy", "accuracy"), fontsize=10)
    return finish(figure, result)


def mep_positive_outcome_figure(result: TargetResult, data: ExperimentData) -> Figure:
    """V5: ARAT at 3 months of MEP+ and MEP− patients, with the ARAT ≥ 34 line."""
    mep = data.inputs["mep_d3"].astype(bool)
    arat = data.inputs["arat_d90"]
    bins = np.arange(0, 61, 3)
    figure, (axes,) = start_figure((7.8, 5.0))
    axes.hist(
        [arat[mep], arat[~mep]],
        bins=bins,
        color=[BLUE, VERMILLION],
        edgecolor="white",
        label=[f"MEP+ (n = {mep.sum()})", f"MEP− (n = {(~mep).sum()})"],
    )
    axes.axvline(_ARAT_GOOD, color="black", linestyle="--", label="ARAT 34 (good outcome)")
    label_axes(axes, "ARAT at 3 months (points, 0–57)", "Patients")
    axes.legend(loc="upper left", fontsize=9)
    note(
        axes,
        value_line(result, "mep_positive_good_share", "MEP+ with ARAT ≥ 34"),
        corner="lower right",
    )
    return finish(figure, result)


#: Target id → figure function.
FIGURES: Final[dict[str, Callable[[TargetResult, ExperimentData], Figure]]] = {
    "V1": proportional_recovery_figure,
    "V2": non_fitters_figure,
    "V3": recovery_timing_figure,
    "V4": prep2_accuracy_figure,
    "V5": mep_positive_outcome_figure,
    "V6": contralesional_inhibition_figure,
    "V7": learned_non_use_figure,
    "V8": training_timing_figure,
    "V9": chronic_intensive_figure,
    "V10": spasticity_figure,
    "V11": nonparetic_deficit_figure,
    "V12": task_specificity_figure,
    "V13": laterality_figure,
}


def target_figure(result: TargetResult, data: ExperimentData) -> Figure:
    """The figure of one target (dispatch on ``result.target_id``)."""
    if result.target_id != data.target_id:
        raise ValueError(f"result {result.target_id} and data {data.target_id} differ")
    return FIGURES[result.target_id](result, data)
