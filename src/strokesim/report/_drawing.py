"""Drawing primitives shared by the report figures (no pyplot, Agg canvas)."""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from scipy import stats

from strokesim.report.scales import Scale

__all__ = [
    "BAND_QUANTILES",
    "CAPTION_GID",
    "MAX_LABELLED_PATIENTS",
    "OKABE_ITO",
    "add_caption",
    "draw_ensemble",
    "draw_groups",
    "draw_patients",
    "figure_caption",
    "figure_legend",
    "legend_title",
    "new_figure",
    "style_axes",
]

#: Okabe & Ito (2008) colour-blind-safe palette; yellow last (low contrast on white).
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)
# Beyond eight patients the marker changes, not the line style: line styles
# already code the hemisphere in the cortical-activity figure.
_MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P")

#: Cohorts up to this size get one labelled line per patient.
MAX_LABELLED_PATIENTS = 12
_DAY_LABEL = "Days since stroke onset"
#: Quantiles of an ensemble band: the 80% band (10–90%), the 50% band (25–75%), median.
BAND_QUANTILES: tuple[float, ...] = (0.10, 0.25, 0.50, 0.75, 0.90)
#: ``gid`` of the caption text of a figure (:func:`add_caption`).
CAPTION_GID = "strokesim-caption"
_CAPTION_FONT = 9.0


def new_figure(size: tuple[float, float], n_rows: int, n_columns: int) -> tuple[Figure, list[Axes]]:
    """A white, constrained-layout figure on an Agg canvas, with its axes flattened."""
    figure = Figure(figsize=size, layout="constrained", facecolor="white")
    FigureCanvasAgg(figure)
    axes = figure.subplots(n_rows, n_columns, squeeze=False)
    return figure, list(axes.ravel())


def legend_title(n_patients: int) -> str:
    """Legend title for patient lines: individual patients or a cohort summary."""
    return "Patient" if n_patients <= MAX_LABELLED_PATIENTS else "Cohort"


def figure_legend(figure: Figure, handles: list[Line2D], n_patients: int) -> None:
    """One legend right of all panels (the caption goes under them)."""
    if handles:
        figure.legend(
            handles=handles,
            title=legend_title(n_patients),
            loc="outside right upper",
            ncols=1,
            fontsize=9,
            title_fontsize=9,
            frameon=False,
        )


def _markevery(n_days: int) -> int:
    return max(1, n_days // 12)


def draw_patients(
    axes: Axes,
    days: np.ndarray,
    values: np.ndarray,
    patients: np.ndarray,
    linestyle: str = "-",
) -> list[Line2D]:
    """Draw (patient, day) ``values``: one labelled line per patient, or a cohort band.

    Small cohorts (≤ :data:`MAX_LABELLED_PATIENTS`) get a coloured line per
    patient; larger ones get thin grey lines under the cohort mean and its 95%
    confidence band. Returns the legend handles.
    """
    if len(patients) <= MAX_LABELLED_PATIENTS:
        handles = []
        for index, (patient, series) in enumerate(zip(patients, values, strict=True)):
            (line,) = axes.plot(
                days,
                series,
                color=OKABE_ITO[index % len(OKABE_ITO)],
                marker=_MARKERS[(index // len(OKABE_ITO)) % len(_MARKERS)],
                markevery=_markevery(len(days)),
                markersize=4,
                linewidth=1.6,
                linestyle=linestyle,
                label=str(patient),
            )
            handles.append(line)
        return handles
    axes.plot(days, values.T, color="0.6", linewidth=0.6, alpha=0.35, linestyle=linestyle)
    label = f"cohort mean ± 95% CI (n = {len(patients)})"
    return [_draw_band(axes, days, values, OKABE_ITO[0], label, linestyle)]


def draw_groups(
    axes: Axes, days: np.ndarray, values: np.ndarray, labels: np.ndarray
) -> list[Line2D]:
    """Draw the mean and 95% confidence band of each group of patients (rows of ``values``)."""
    handles = []
    for index, label in enumerate(np.unique(labels)):
        members = values[labels == label]
        color = OKABE_ITO[index % len(OKABE_ITO)]
        linestyle = ("-", "--")[(index // len(OKABE_ITO)) % 2]
        text = f"{label} (n = {len(members)})"
        handles.append(_draw_band(axes, days, members, color, text, linestyle))
    return handles


def _draw_band(
    axes: Axes, days: np.ndarray, values: np.ndarray, color: str, label: str, linestyle: str
) -> Line2D:
    """Mean over patients with a t-based 95% confidence band of the mean (NaN-aware)."""
    finite = np.isfinite(values)
    count = finite.sum(axis=0)
    safe_count = np.maximum(count, 1)
    mean = np.where(count > 0, np.where(finite, values, 0).sum(axis=0) / safe_count, np.nan)
    deviation = np.where(finite, values - mean, 0)
    spread = np.sqrt((deviation**2).sum(axis=0) / np.maximum(count - 1, 1))
    half_width = stats.t.ppf(0.975, np.maximum(count - 1, 1)) * spread / np.sqrt(safe_count)
    half_width = np.where(count > 1, half_width, np.nan)
    # A light fill plus an edge in the same colour keeps overlapping bands apart.
    axes.fill_between(
        days,
        mean - half_width,
        mean + half_width,
        facecolor=to_rgba(color, 0.15),
        edgecolor=to_rgba(color, 0.6),
        linewidth=0.8,
    )
    (line,) = axes.plot(
        days,
        mean,
        color=color,
        linestyle=linestyle,
        marker="o",
        markevery=_markevery(len(days)),
        markersize=4,
        linewidth=2,
    )
    line.set_label(label)
    return line


def _data_max(values: np.ndarray) -> float:
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    top = float(finite.max()) if finite.size else 0.0
    return top * 1.08 if top > 0 else 1.0


def style_axes(axes: Axes, values: np.ndarray, scale: Scale) -> None:
    """Fixed y range of the scale, labelled axes with units, light grid, ≥ 9 pt text."""
    high = scale.high if scale.high is not None else _data_max(values)
    margin = 0.03 * (high - scale.low)
    axes.set_ylim(scale.low - margin, high + margin)
    axes.set_ylabel(scale.axis_label, fontsize=10)
    axes.set_xlabel(_DAY_LABEL, fontsize=10)
    axes.set_xlim(left=0)
    axes.tick_params(labelsize=9)
    axes.grid(True, color="0.9", linewidth=0.8)
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)
    if scale.ticks is not None:
        axes.set_yticks(scale.ticks[0], scale.ticks[1])


def draw_ensemble(
    axes: Axes,
    days: np.ndarray,
    values: np.ndarray,
    color: str,
    representative: np.ndarray | None = None,
    linestyle: str = "-",
) -> list[Line2D]:
    """Median of an ensemble's (member, day) ``values`` with its 50% and 80% bands.

    The 80% band (10–90% of members) is light, the 50% band (25–75%) darker;
    ``representative`` (one member's course, if given) is drawn as a thin line with
    markers on top. NaN-aware. Returns the handles of the median and of the
    representative line (for a legend).
    """
    with np.errstate(all="ignore"):
        low80, low50, median, high50, high80 = np.nanquantile(
            np.asarray(values, float), BAND_QUANTILES, axis=0
        )
    axes.fill_between(days, low80, high80, facecolor=to_rgba(color, 0.13), linewidth=0)
    axes.fill_between(days, low50, high50, facecolor=to_rgba(color, 0.32), linewidth=0)
    (line,) = axes.plot(days, median, color=color, linestyle=linestyle, linewidth=2.2)
    handles = [line]
    if representative is not None:
        (single,) = axes.plot(
            days,
            representative,
            color=to_rgba(color, 0.9),
            linestyle=linestyle,
            linewidth=0.9,
            marker="o",
            markersize=2.8,
            markevery=_markevery(len(days)),
        )
        handles.append(single)
    return handles


def add_caption(figure: Figure, text: str) -> None:
    """Put ``text`` under the figure, wrapped to its width, without shrinking the plots.

    The caption is the figure's ``supxlabel``, for which the constrained layout
    reserves room below the axes and any legend under them; the figure grows by
    the caption's height. The text carries :data:`CAPTION_GID` so that reports can
    reuse it (:func:`figure_caption`).
    """
    width_in, height_in = figure.get_size_inches()
    chars = max(40, int(width_in * 72 / (_CAPTION_FONT * 0.57)))
    lines = textwrap.wrap(" ".join(text.split()), chars)
    figure.set_size_inches(width_in, height_in + (len(lines) * _CAPTION_FONT * 1.25 + 6) / 72)
    label = figure.supxlabel(
        "\n".join(lines), x=0.01, ha="left", fontsize=_CAPTION_FONT, color="0.2"
    )
    label.set_gid(CAPTION_GID)


def figure_caption(figure: Figure) -> str:
    """The caption of ``figure`` (:func:`add_caption`) as one line, or ``""``."""
    for artist in figure.get_children():
        if isinstance(artist, Text) and artist.get_gid() == CAPTION_GID:
            return " ".join(artist.get_text().split())
    return ""
