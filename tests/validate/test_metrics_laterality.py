"""V13 on constructed cohorts: passes when every criterion holds, fails when one is broken."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from strokesim.validate.metrics import laterality_recovery
from strokesim.validate.metrics_core import check_ranges
from strokesim.validate.metrics_laterality import pearson_r, recovered_fraction

CONTROLS = np.linspace(0.94, 0.96, 30)  # mean 0.95
CONTROL_MEAN = 0.95
FMA0 = {"mild": 50.0, "moderate": 35.0, "severe": 10.0}
#: Nine recovered fractions per band: the thirds by rank hold three of each band.
FRACTIONS = np.linspace(0.1, 0.9, 9)


def _healthy_recovery(week1: np.ndarray, fraction: np.ndarray, fma0: np.ndarray) -> np.ndarray:
    """Week 26: back toward the controls' mean in proportion to the recovered fraction."""
    return week1 + (CONTROL_MEAN - week1) * fraction


def _cohort(
    week1_levels: tuple[float, float, float] = (0.8, 0.6, 0.2),
    week26: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] = _healthy_recovery,
) -> tuple[np.ndarray, ...]:
    """27 patients, nine per band (mild, moderate, severe), week-1 index by band."""
    fma0 = np.repeat(list(FMA0.values()), FRACTIONS.size)
    fraction = np.tile(FRACTIONS, 3)
    week1 = np.repeat(week1_levels, FRACTIONS.size)
    fma26 = fma0 + fraction * (66.0 - fma0)
    return week1, week26(week1, fraction, fma0), CONTROLS, fma0, fma26


def _failing_rows(data: tuple[np.ndarray, ...]) -> set[str]:
    result = laterality_recovery(*data, n_boot=50)
    failing = {name for name, ok in check_ranges("V13", result.measured).items() if not ok}
    assert result.passed == (not failing)
    return failing


def test_v13_cohort_meeting_every_criterion_passes_with_known_values() -> None:
    result = laterality_recovery(*_cohort(), n_boot=100)
    measured = result.measured
    assert result.passed
    assert measured["control_mean"] == pytest.approx(CONTROL_MEAN)
    assert measured["mild_minus_controls_week1"] == pytest.approx(0.8 - CONTROL_MEAN)
    assert measured["moderate_minus_controls_week1"] == pytest.approx(0.6 - CONTROL_MEAN)
    assert measured["severe_minus_controls_week1"] == pytest.approx(0.2 - CONTROL_MEAN)
    assert measured["severe_minus_lowest_other_week1"] == pytest.approx(0.2 - 0.6)
    # thirds: fractions 0.7–0.9 and 0.1–0.3 of every band; rise = (0.95 − week 1)·fraction
    gaps = np.array([0.15, 0.35, 0.75]).mean()
    assert measured["best_third_rise"] == pytest.approx(gaps * 0.8)
    assert measured["worst_third_rise"] == pytest.approx(gaps * 0.2)
    assert measured["best_minus_worst_third_rise"] == pytest.approx(gaps * 0.6)
    _, week26, _, _, fma26 = _cohort()
    assert measured["correlation_week26"] == pytest.approx(np.corrcoef(week26, fma26)[0, 1])
    assert measured["n_severe"] == 9
    low, high = result.ci["best_minus_worst_third_rise"]
    assert low <= measured["best_minus_worst_third_rise"] <= high


@pytest.mark.parametrize(
    ("levels", "broken"),
    [
        ((0.97, 0.6, 0.2), {"mild_minus_controls_week1"}),
        ((0.8, 0.97, 0.2), {"moderate_minus_controls_week1"}),
        ((0.8, 0.6, 0.7), {"severe_minus_lowest_other_week1"}),
    ],
)
def test_v13_week1_criteria_each_fail_alone(
    levels: tuple[float, float, float], broken: set[str]
) -> None:
    assert _failing_rows(_cohort(levels)) == broken


def test_v13_severe_above_controls_fails() -> None:
    # above the controls is above the milder bands too (and, kept at week 26, above
    # their outcome): the severe rows fail with it
    failing = _failing_rows(_cohort((0.8, 0.6, 0.97)))
    assert {"severe_minus_controls_week1", "severe_minus_lowest_other_week1"} <= failing
    assert "mild_minus_controls_week1" not in failing


def test_v13_rise_larger_in_the_worst_recoverers_fails() -> None:
    def worst_rise_most(week1: np.ndarray, fraction: np.ndarray, fma0: np.ndarray) -> np.ndarray:
        return week1 + 0.1 + 0.05 * (1.0 - fraction)

    data = _cohort(week26=worst_rise_most)
    assert _failing_rows(data) == {"best_minus_worst_third_rise"}
    gap = laterality_recovery(*data, n_boot=20).measured["best_minus_worst_third_rise"]
    assert gap == pytest.approx(-0.05 * 0.6)


def test_v13_week26_index_not_tracking_outcome_fails() -> None:
    # the best recoverers of each band still rise most, but severe patients end up the
    # most lateralised: across the cohort the index falls with the FMA-UE
    def overshoot(week1: np.ndarray, fraction: np.ndarray, fma0: np.ndarray) -> np.ndarray:
        return 1.0 - 0.003 * fma0 + 0.02 * fraction

    data = _cohort(week26=overshoot)
    assert _failing_rows(data) == {"correlation_week26"}
    assert laterality_recovery(*data, n_boot=20).measured["correlation_week26"] < 0


def test_v13_empty_band_fails_and_inputs_are_checked() -> None:
    week1, week26, controls, fma0, fma26 = _cohort()
    no_moderate = fma0 != FMA0["moderate"]
    kept = [a[no_moderate] for a in (week1, week26)]
    result = laterality_recovery(kept[0], kept[1], controls, fma0[no_moderate], fma26[no_moderate])
    assert np.isnan(result.measured["moderate_minus_controls_week1"]) and not result.passed
    with pytest.raises(ValueError, match="at least 20"):
        laterality_recovery(week1, week26, controls[:5], fma0, fma26)
    with pytest.raises(ValueError, match="differ in length"):
        laterality_recovery(week1[:-1], week26, controls, fma0, fma26)


def test_recovered_fraction_leaves_out_full_scores_and_pearson_needs_spread() -> None:
    np.testing.assert_allclose(
        recovered_fraction([6.0, 66.0, 36.0], [36.0, 66.0, 30.0]), [0.5, np.nan, -0.2]
    )
    assert np.isnan(pearson_r(np.ones(5), np.arange(5.0)))
    assert pearson_r(np.arange(5.0), np.arange(5.0)) == pytest.approx(1.0)
