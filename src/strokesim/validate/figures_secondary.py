"""Figures of spasticity (V10) and of the non-paretic arm (V11), from the natural history.

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
    PASS_COLOUR,
    VERMILLION,
    band_masks,
    finish,
    label_axes,
    note,
    start_figure,
    value_line,
)
from strokesim.validate.metrics import TARGETS, TargetResult

__all__ = ["nonparetic_deficit_figure", "spasticity_figure"]

_DAYS_PER_WEEK: Final[float] = 7.0


def spasticity_figure(result: TargetResult, data: ExperimentData) -> Figure:
    """V10: prevalence of elbow MAS ≥ 1 over time by FMA0 band, MAS ≥ 3, pass ranges at 6 months."""
    days, mas, fma0 = data.figure["days"], data.figure["mas"], data.inputs["fma0"]
    weeks = days / _DAYS_PER_WEEK
    figure, (axes,) = start_figure((8.5, 5.4))
    for name, members in band_masks(fma0).items():
        colour, marker, style = BANDS[name]
        if members.any():
            axes.plot(
                weeks,
                100 * (mas[members] >= 1).mean(axis=0),
                color=colour,
                marker=marker,
                linestyle=style,
                markersize=4,
                label=f"MAS ≥ 1, {name} (n = {members.sum()})",
            )
    axes.plot(
        weeks, 100 * (mas >= 1).mean(axis=0), color="black", linewidth=2.2, label="MAS ≥ 1, all"
    )
    axes.plot(
        weeks,
        100 * (mas >= 3).mean(axis=0),
        color="black",
        linestyle=":",
        linewidth=2.0,
        label="MAS ≥ 3, all",
    )
    ranges = TARGETS["V10"].ranges
    end = weeks[-1] + 0.6
    for name, offset in (("prevalence_mas1_day180", 0.0), ("prevalence_mas3_day180", 0.7)):
        allowed = ranges[name]
        axes.plot(
            [end + offset] * 2,
            [100 * allowed.low, 100 * allowed.high],
            color=PASS_COLOUR,
            linewidth=6,
            alpha=0.6,
            solid_capstyle="butt",
        )
    axes.plot(
        [],
        [],
        color=PASS_COLOUR,
        linewidth=6,
        alpha=0.6,
        label="pass ranges at 6 months (MAS ≥ 1; ≥ 3)",
    )
    label_axes(axes, "Weeks since stroke onset", "Patients with elbow-flexor spasticity (%)")
    axes.set_ylim(0, 100)
    axes.legend(loc="upper left", fontsize=9)
    note(
        axes,
        value_line(result, "odds_ratio_severe", "odds ratio severe vs not, 6 months"),
        corner="upper right",
    )
    return finish(figure, result)


def nonparetic_deficit_figure(result: TargetResult, data: ExperimentData) -> Figure:
    """V11: non-paretic dexterity at weeks 1 and 26 against controls (cumulative distributions).

    Where a group's curve crosses the controls' 5th percentile is the share of that
    group with a deficit.
    """
    controls, fma0 = data.inputs["dex_controls"], data.inputs["fma0"]
    severe = band_masks(fma0)["severe"]
    threshold = result.measured["control_threshold"]
    everyone = np.concatenate(
        [controls, data.inputs["dex_patients_w1"], data.inputs["dex_patients_w26"]]
    )
    low = float(np.percentile(everyone, 1)) - 1.0
    figure, panels = start_figure((12.5, 5.0), 2)
    for axes, key, week, share in zip(
        panels,
        ("dex_patients_w1", "dex_patients_w26"),
        (1, 26),
        ("share_deficit_week1", "share_deficit_week26"),
        strict=True,
    ):
        patients = data.inputs[key]
        groups = (
            (controls, f"healthy controls (n = {controls.size})", GREY, "-"),
            (patients[~severe], f"mild/moderate (n = {(~severe).sum()})", BLUE, "--"),
            (patients[severe], f"severe (n = {severe.sum()})", VERMILLION, "-."),
        )
        for values, label, colour, style in groups:
            if values.size:
                ordered = np.sort(values)
                share_below = np.arange(1, ordered.size + 1) / ordered.size
                axes.step(
                    ordered,
                    share_below,
                    where="post",
                    color=colour,
                    linestyle=style,
                    linewidth=2,
                    label=label,
                )
        axes.axvline(
            threshold,
            color="black",
            linestyle=":",
            label=f"controls' 5th percentile ({threshold:.1f})",
        )
        measured = value_line(result, share, "below the 5th percentile")
        label_axes(
            axes,
            "Non-paretic dexterity (% of a healthy adult)",
            "Share of the group at or below",
            f"Week {week} — {measured}",
        )
        axes.set_xlim(max(0.0, low), 100.5)
        axes.set_ylim(0, 1.02)
        axes.legend(loc="upper left", fontsize=9)
    return finish(figure, result)
