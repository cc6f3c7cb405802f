"""One figure of the held-out checks: each published interval beside the model's.

One small panel per trial and per cohort, because their units differ (points,
percentage points, points per week, percent of a group): the published effect
with its 95% interval in grey, the model's estimate with its 95% bootstrap
interval in blue, zero dashed for between-arm differences. A finding published
by its sign only is drawn as the half-line on that side of zero, with its point
estimate (hollow, when one was published) so that the size can be compared. The panel
title carries the verdict as reported by
:func:`strokesim.validate.external_results.reported_verdict`
(marked when the check is not independent or in the calibration set).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from strokesim.validate.external_results import CohortResult, ExternalResult, reported_verdict
from strokesim.validate.external_trials import STATISTIC_UNITS, PublishedEffect
from strokesim.validate.figures_style import BLUE, GREY, label_axes, new_figure

__all__ = ["external_figure"]

#: Panels per row of the figure.
_COLUMNS: Final[int] = 3
#: Characters per line of a panel title.
_TITLE_WIDTH: Final[int] = 44
#: Vertical positions of the two rows of a panel.
_PUBLISHED_Y, _MODEL_Y = 1.0, 0.0


@dataclass(frozen=True)
class _Panel:
    title: str
    unit: str
    published: PublishedEffect
    estimate: float
    ci: tuple[float, float]
    verdict: str
    difference: bool  # a between-arm difference: zero is drawn


def _panels(results: Sequence[ExternalResult], cohorts: Sequence[CohortResult]) -> list[_Panel]:
    panels = [
        _Panel(
            r.trial.key,
            STATISTIC_UNITS[r.trial.statistic],
            r.trial.published,
            r.estimate,
            r.ci,
            reported_verdict(r),
            True,
        )
        for r in results
    ]
    panels += [
        _Panel(
            c.check.key,
            "% of the group",
            c.check.published,
            c.estimate,
            c.ci,
            reported_verdict(c),
            False,
        )
        for c in cohorts
    ]
    return panels


def _draw(axes: Axes, panel: _Panel) -> None:
    published = panel.published
    low, high = panel.ci
    axes.hlines(_MODEL_Y, low, high, color=BLUE, linewidth=4)
    axes.plot([panel.estimate], [_MODEL_Y], "o", color=BLUE, markersize=7)
    values = [low, high, panel.estimate]
    if published.interval is not None:
        p_low, p_high = published.interval
        axes.hlines(_PUBLISHED_Y, p_low, p_high, color=GREY, linewidth=4)
        if published.value is not None:
            axes.plot([published.value], [_PUBLISHED_Y], "o", color=GREY, markersize=7)
        values += [p_low, p_high]
    elif published.value is not None:
        # sign only, with a published point estimate but no interval: hollow marker
        axes.plot(
            [published.value], [_PUBLISHED_Y], "o", color=GREY, markersize=7, fillstyle="none"
        )
        values.append(published.value)
    if panel.difference:
        axes.axvline(0.0, color="black", linestyle="--", linewidth=0.8)
        values.append(0.0)
    span = max(max(values) - min(values), 1e-6)
    if published.direction is not None:
        # room on the published side of zero for the half-line
        values.append(-0.5 * span if published.direction == "negative" else 0.5 * span)
        span = max(values) - min(values)
    left, right = min(values) - 0.1 * span, max(values) + 0.1 * span
    if published.direction is not None:
        # sign only: the half-line on the published side of zero, to the panel's edge
        edge = left if published.direction == "negative" else right
        axes.annotate(
            "",
            xy=(edge, _PUBLISHED_Y),
            xytext=(0.0, _PUBLISHED_Y),
            arrowprops={"arrowstyle": "->", "color": GREY, "linewidth": 2.5},
        )
    axes.set_xlim(left, right)
    axes.set_ylim(-0.6, 1.6)
    axes.set_yticks([_MODEL_Y, _PUBLISHED_Y], ["model", "published"])
    title = "\n".join(textwrap.wrap(panel.title, _TITLE_WIDTH))
    label_axes(axes, panel.unit, "", f"{title}\n{panel.verdict}")


def external_figure(
    results: Sequence[ExternalResult], cohorts: Sequence[CohortResult] = ()
) -> Figure:
    """Small multiples: for each held-out trial and cohort, published vs model (95%).

    Parameters
    ----------
    results
        Trial results of :func:`strokesim.validate.external.run_external_trials`.
    cohorts
        Cohort results of :func:`strokesim.validate.external.run_external_cohort`.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per trial, then one per cohort, in the order given.

    Raises
    ------
    ValueError
        If there is nothing to draw.
    """
    panels = _panels(results, cohorts)
    if not panels:
        raise ValueError("external_figure: give at least one trial or cohort result")
    rows = math.ceil(len(panels) / _COLUMNS)
    figure, axes = new_figure((4.4 * _COLUMNS, 2.3 * rows + 0.5), rows, _COLUMNS)
    for ax, panel in zip(axes, panels, strict=False):
        _draw(ax, panel)
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    figure.suptitle(
        "Held-out trials and cohorts: published (grey) and model (blue), 95% intervals",
        fontsize=13,
    )
    return figure
