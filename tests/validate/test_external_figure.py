"""The held-out checks' figure: one panel per trial and cohort, published beside model."""

from __future__ import annotations

import pytest

from strokesim.report.plots import figure_png
from strokesim.validate.external import CohortResult, ExternalResult, external_markdown
from strokesim.validate.external_figure import external_figure
from strokesim.validate.external_trials import external_check

DOSE_TRIAL, VECTORS = external_check("Lang 2016 dose"), external_check("VECTORS")
VNS_REHAB, WINTERS_2016 = external_check("VNS-REHAB"), external_check("Winters 2016")


def _result(trial, estimate, ci, verdict) -> ExternalResult:
    return ExternalResult(trial, 10, {}, estimate, ci, verdict)


def test_one_panel_per_check_with_its_verdict_and_both_intervals():
    results = [
        _result(VNS_REHAB, 3.1, (2.8, 3.4), "consistent"),
        _result(DOSE_TRIAL, 0.8, (0.7, 0.9), "higher"),
        _result(VECTORS, 1.4, (1.2, 1.6), "higher"),  # published by its sign only
    ]
    cohorts = [CohortResult(WINTERS_2016, 300, 70.5, (65.5, 75.9), "higher")]
    figure = external_figure(results, cohorts)
    visible = [ax for ax in figure.axes if ax.get_visible()]
    assert len(visible) == 4
    titles = [ax.get_title() for ax in visible]
    assert titles[0].startswith("VNS-REHAB") and titles[0].endswith("consistent")
    assert titles[3].startswith("Winters 2016") and titles[3].endswith("higher")
    # the published interval and the model's CI both lie inside the panel
    low, high = visible[0].get_xlim()
    assert low < 1.0 and high > 4.2 and low < 2.8
    # a sign-only finding: zero and the model's CI are inside, the arrow reaches the edge
    low, high = visible[2].get_xlim()
    assert low < 0.0 < 1.2 < 1.6 < high
    assert figure_png(figure)[:4] == b"\x89PNG"


def test_nothing_to_draw_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        external_figure([], [])


def test_markdown_shows_the_figure_only_when_given():
    results = [_result(VNS_REHAB, 3.1, (2.8, 3.4), "consistent")]
    assert "![" not in external_markdown(results, n=10, seed=0)
    page = external_markdown(results, n=10, seed=0, figure="external_results.png")
    assert "](external_results.png)" in page


def test_a_sign_only_finding_shows_its_published_point_estimate():
    EXPLICIT_WEEK_5 = external_check("EXPLICIT week 5")

    assert EXPLICIT_WEEK_5.published.interval is None
    assert EXPLICIT_WEEK_5.published.value is not None
    figure = external_figure([_result(EXPLICIT_WEEK_5, 0.5, (0.4, 0.7), "consistent")])
    (axes,) = [ax for ax in figure.axes if ax.get_visible()]
    low, high = axes.get_xlim()
    # the model's small estimate and the published +6 are on one axis
    assert low < 0.4 and high > EXPLICIT_WEEK_5.published.value
