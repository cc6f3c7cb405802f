"""Shared look of the validation figures: colours, severity bands, titles, pass ranges.

Colours are the Okabe–Ito palette (colour-blind safe); each group also differs
in marker or line style, so the figures read in grey scale too.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import NDArray

from strokesim.report._drawing import OKABE_ITO, new_figure
from strokesim.stats import mean_ci
from strokesim.validate.metrics import TARGETS, TargetResult
from strokesim.validate.metrics_targets import band_masks

__all__ = [
    "BANDS",
    "BLUE",
    "GREEN",
    "GREY",
    "ORANGE",
    "PASS_COLOUR",
    "PURPLE",
    "SKY",
    "VERMILLION",
    "band_masks",
    "finish",
    "label_axes",
    "mean_and_ci",
    "new_figure",
    "note",
    "start_figure",
    "value_line",
]

BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY, BLACK = OKABE_ITO[:7]
GREY: Final[str] = "#7f7f7f"
#: Fill of pass ranges.
PASS_COLOUR: Final[str] = GREEN
LABEL_SIZE: Final[int] = 11
TICK_SIZE: Final[int] = 10
LEGEND_SIZE: Final[int] = 9

#: LEAPS bands of FMA0: name → (colour, marker, line style).
BANDS: Final[dict[str, tuple[str, str, str]]] = {
    "mild": (GREEN, "o", "-"),
    "moderate": (ORANGE, "s", "--"),
    "severe": (BLUE, "^", "-."),
}


def start_figure(size: tuple[float, float], n_columns: int = 1) -> tuple[Figure, list[Axes]]:
    """A white constrained-layout figure with one row of ``n_columns`` panels."""
    return new_figure(size, 1, n_columns)


def finish(figure: Figure, result: TargetResult) -> Figure:
    """Title the figure with the target id, its title and the verdict."""
    verdict = "PASS" if result.passed else "FAIL"
    title = TARGETS[result.target_id].title
    figure.suptitle(f"{result.target_id} · {title} — {verdict}", fontsize=13)
    return figure


def label_axes(axes: Axes, x: str, y: str, title: str | None = None) -> None:
    """Axis labels (with units), readable tick labels and an optional panel title."""
    axes.set_xlabel(x, fontsize=LABEL_SIZE)
    axes.set_ylabel(y, fontsize=LABEL_SIZE)
    axes.tick_params(labelsize=TICK_SIZE)
    axes.grid(True, color="#e5e5e5", linewidth=0.8)
    axes.set_axisbelow(True)
    if title:
        axes.set_title(title, fontsize=LABEL_SIZE)


def note(axes: Axes, text: str, *, corner: str = "upper left") -> None:
    """A small boxed text in a corner of the panel (measured values, pass ranges)."""
    x, ha = (0.02, "left") if "left" in corner else (0.98, "right")
    y, va = (0.97, "top") if "upper" in corner else (0.03, "bottom")
    axes.text(
        x,
        y,
        text,
        transform=axes.transAxes,
        ha=ha,
        va=va,
        fontsize=LEGEND_SIZE,
        bbox={"boxstyle": "round,pad=0.35", "facecolor": "white", "edgecolor": "#bbbbbb"},
    )


def mean_and_ci(values: NDArray[np.float64], axis: int = 0) -> tuple[NDArray, NDArray, NDArray]:
    """Mean and Student-t 95% interval along ``axis`` (NaN where fewer than 2 values)."""
    moved = np.moveaxis(np.asarray(values, dtype=np.float64), axis, 0)
    flat = moved.reshape(moved.shape[0], -1)
    estimates = [mean_ci(flat[:, k]) for k in range(flat.shape[1])]
    shape = moved.shape[1:]
    mean = np.array([e.mean for e in estimates]).reshape(shape)
    low = np.array([e.ci.low for e in estimates]).reshape(shape)
    high = np.array([e.ci.high for e in estimates]).reshape(shape)
    return mean, low, high


def value_line(result: TargetResult, name: str, label: str | None = None, unit: str = "") -> str:
    """``label: value [CI] (pass range)`` for a measured value of ``result``."""
    value = result.measured.get(name, float("nan"))
    text = f"{label or name}: {value:.3g}{unit}"
    interval = result.ci.get(name)
    if interval is not None and all(np.isfinite(interval)):
        text += f" [{interval[0]:.3g}, {interval[1]:.3g}]"
    ranges = TARGETS[result.target_id].ranges
    if name in ranges:
        text += f"  (pass {ranges[name]})"
    return text
