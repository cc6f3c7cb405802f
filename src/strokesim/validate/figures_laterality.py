"""Figure of V13: laterality of paretic-hand M1 activity over recovery, from the natural history.

Same conventions as :mod:`strokesim.validate.figures`: the function takes the
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
    VERMILLION,
    band_masks,
    finish,
    label_axes,
    mean_and_ci,
    note,
    start_figure,
    value_line,
)
from strokesim.validate.metrics import TargetResult
from strokesim.validate.metrics_laterality import recovered_fraction

__all__ = ["laterality_figure"]

_DAYS_PER_WEEK: Final[float] = 7.0
_JITTER: Final[float] = 0.25  # points: separates integer FMA-UE scores in the scatter
_MIN_FRACTION_SHOWN: Final[float] = -0.5  # recovered fraction at the rise panel's left edge


def laterality_figure(result: TargetResult, data: ExperimentData) -> Figure:
    """V13: the index over weeks by FMA0 band; its rise by recovery third; week 26 vs FMA-UE.

    Left: mean laterality index (95% CI) of each FMA0 band at every natural-history
    visit, with the controls' mean. Middle: each patient's rise from week 1 to week
    26 against their recovered fraction (by FMA0 band), the best and worst thirds'
    means marked over the fractions they span.
    Right: the index against the FMA-UE at week 26 (Pearson r in the box).
    """
    days, li = data.figure["days"], data.figure["li"]
    inputs = data.inputs
    fma0, late = inputs["fma0"], inputs["fma_w26"]
    control_mean = result.measured["control_mean"]
    weeks = days / _DAYS_PER_WEEK
    figure, (course, rise_axes, outcome) = start_figure((15.5, 5.0), 3)
    bands = band_masks(fma0)
    for name, members in bands.items():
        colour, marker, style = BANDS[name]
        if members.any():
            mean, low, high = mean_and_ci(li[members])
            course.plot(
                weeks,
                mean,
                color=colour,
                marker=marker,
                linestyle=style,
                markersize=4,
                label=f"{name} (n = {members.sum()})",
            )
            course.fill_between(weeks, low, high, color=colour, alpha=0.15, linewidth=0)
    course.axhline(
        control_mean,
        color=GREY,
        linewidth=2,
        label=f"healthy controls (n = {inputs['li_controls'].size})",
    )
    label_axes(
        course, "Weeks since stroke onset", "Laterality index (C − I)/(C + I)", "Mean by FMA0 band"
    )
    course.legend(loc="lower right", fontsize=9)

    fraction = recovered_fraction(fma0, late)
    room = np.isfinite(fraction)
    rise = inputs["li_w26"] - inputs["li_w1"]
    for name, members in bands.items():
        colour, marker, _ = BANDS[name]
        shown = members & room
        rise_axes.scatter(
            fraction[shown],
            rise[shown],
            s=9,
            color=colour,
            marker=marker,
            alpha=0.5,
            linewidth=0,
        )
    third = int(room.sum()) // 3
    if third:
        order = np.sort(fraction[room])
        spans = (
            (order[-third], order[-1], "best_third_rise", BLUE, "best third"),
            (order[0], order[third - 1], "worst_third_rise", VERMILLION, "worst third"),
        )
        for low, high, key, colour, label in spans:
            rise_axes.plot(
                [low, high],
                [result.measured[key]] * 2,
                color=colour,
                linewidth=3,
                label=f"{label}: mean rise {result.measured[key]:.3g}",
            )
    rise_axes.axhline(0.0, color="black", linewidth=0.8)
    # a few patients who start near 66 and lose points have fractions far below 0
    left = max(_MIN_FRACTION_SHOWN, float(np.min(fraction[room], initial=0.0)) - 0.05)
    rise_axes.set_xlim(left, 1.05)
    hidden = int(np.sum(fraction[room] < left))
    label_axes(
        rise_axes,
        "Recovered fraction (FMA-UE week 26 − FMA0)/(66 − FMA0)",
        "Rise of the index, week 1 → 26",
        "Rise by recovery" + (f" ({hidden} with fraction < {left:g} not shown)" if hidden else ""),
    )
    rise_axes.legend(loc="upper left", fontsize=9)
    note(
        rise_axes,
        value_line(result, "best_minus_worst_third_rise", "best − worst"),
        corner="lower right",
    )

    jitter = np.random.default_rng(0).uniform(-_JITTER, _JITTER, late.size)
    for name, members in bands.items():
        colour, marker, _ = BANDS[name]
        outcome.scatter(
            late[members] + jitter[members],
            inputs["li_w26"][members],
            s=10,
            color=colour,
            marker=marker,
            alpha=0.6,
            linewidth=0,
            label=f"FMA0 {name}",
        )
    outcome.axhline(control_mean, color=GREY, linewidth=2)
    label_axes(outcome, "FMA-UE at week 26 (points)", "Laterality index at week 26", "Week 26")
    outcome.legend(loc="lower right", fontsize=9)
    note(outcome, value_line(result, "correlation_week26", "Pearson r"), corner="upper left")
    return finish(figure, result)
