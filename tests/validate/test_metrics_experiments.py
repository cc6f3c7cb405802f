"""V6–V9 and V12 on constructed counterfactual-twin data with known answers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strokesim.validate.metrics import (
    chronic_intensive,
    contralesional_inhibition,
    learned_non_use,
    task_specificity,
    training_timing,
)

# ---- V6 -------------------------------------------------------------------------------

FMA0 = np.arange(0.0, 67.0)
# small zero-mean wiggle so that the confidence intervals are not degenerate
WIGGLE = 0.05 * np.where(np.arange(FMA0.size) % 2 == 0, 1.0, -1.0)


def _v6(acute_active, acute_sham, lasting_active=None, lasting_sham=None, **kwargs):
    """V6 with the acute FMA-UE equal in both arms and a lasting difference given or 0."""
    flat = np.full(FMA0.size, 40.0)
    lasting_active = flat if lasting_active is None else lasting_active
    lasting_sham = flat if lasting_sham is None else lasting_sham
    return contralesional_inhibition(
        FMA0, acute_active, acute_sham, flat, flat, lasting_active, lasting_sham, **kwargs
    )


def test_v6_acute_benefit_rising_with_fma0_passes_and_crosses_at_43() -> None:
    sham = np.full(FMA0.size, 80.0)
    active = sham + 0.1 * (FMA0 - 43.0) + WIGGLE
    result = _v6(active, sham, n_boot=200)
    measured = result.measured
    assert measured["slope_on_fma0"] == pytest.approx(0.1, abs=0.01)
    assert measured["crossover_fma0"] == pytest.approx(43.0, abs=0.5)
    assert measured["mild_acute_difference"] > 0 and measured["mild_acute_difference_ci_low"] > 0
    assert measured["severe_acute_difference"] < 0
    assert measured["mild_acute_fma_difference"] == 0.0
    assert (measured["n_mild"], measured["n_moderate"], measured["n_severe"]) == (24, 14, 29)
    low, high = result.ci["crossover_fma0"]
    assert low < 43.0 < high
    # band means at their mean FMA0 (severe 14, moderate 35.5, mild 54.5) cross at 43 too
    assert measured["crossover_band_means_fma0"] == pytest.approx(43.0, abs=1.0)
    assert result.passed


def test_v6_inhibition_that_harms_mild_patients_fails() -> None:
    sham = np.zeros(FMA0.size)
    result = _v6(-0.1 * (FMA0 - 43.0) + WIGGLE, sham, n_boot=50)
    assert result.measured["slope_on_fma0"] < 0
    assert not result.passed


def test_v6_crossover_outside_30_to_50_fails() -> None:
    sham = np.zeros(FMA0.size)
    result = _v6(0.1 * (FMA0 - 20.0) + WIGGLE, sham, n_boot=50)
    assert result.measured["crossover_fma0"] == pytest.approx(20.0, abs=0.5)
    assert not result.passed


def test_v6_large_lasting_difference_fails_although_the_acute_effect_passes() -> None:
    sham = np.full(FMA0.size, 80.0)
    active = sham + 0.1 * (FMA0 - 43.0) + WIGGLE
    lasting_sham = np.full(FMA0.size, 40.0)
    result = _v6(active, sham, lasting_sham + 3.0 + WIGGLE, lasting_sham, n_boot=50)
    assert result.measured["severe_lasting_difference"] == pytest.approx(3.0, abs=0.05)
    assert not result.passed
    assert _v6(active, sham, lasting_sham + 1.0 + WIGGLE, lasting_sham, n_boot=50).passed


def test_v6_mismatched_lengths_raise() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        _v6(FMA0, FMA0[:-1])


# ---- V7 -------------------------------------------------------------------------------

FUNCTION = np.linspace(0.0, 60.0, 61)


def test_v7_threshold_inside_the_range_passes() -> None:
    use_end = np.full(FUNCTION.size, 0.3)
    result = learned_non_use(FUNCTION, use_end, use_end + (FUNCTION - 25.0) / 100, n_boot=100)
    measured = result.measured
    assert measured["threshold"] == pytest.approx(25.0)
    assert measured["threshold_position"] == pytest.approx(25.0 / 60.0)
    assert measured["slope"] == pytest.approx(0.01)
    assert measured["top_tertile_mean_change"] > 0 > measured["bottom_tertile_mean_change"]
    assert result.passed


def test_v7_use_rising_everywhere_has_no_threshold_and_fails() -> None:
    use_end = np.full(FUNCTION.size, 0.3)
    result = learned_non_use(FUNCTION, use_end, use_end + (FUNCTION + 10.0) / 100, n_boot=50)
    assert result.measured["threshold_position"] < 0
    assert result.measured["bottom_tertile_mean_change"] > 0
    assert not result.passed


# ---- V8 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("early", "late", "passes"),
    [(2.0, 1.0, True), (2.0, 0.0, True), (2.0, 1.2, False), (-1.0, -2.0, False)],
)
def test_v8_late_effect_at_most_half_of_early(early: float, late: float, passes: bool) -> None:
    wiggle = np.array([0.1, -0.1] * 10)
    result = training_timing(early + wiggle, late + wiggle, n_boot=50)
    assert result.measured["early_effect"] == pytest.approx(early)
    assert result.measured["late_to_early_ratio"] == pytest.approx(late / early)
    assert result.passed is passes


# ---- V9 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gain_end", "gain_later", "passes"),
    [(8.0, 11.0, True), (8.0, 5.6, True), (5.0, 5.0, False), (10.0, 6.0, False)],
)
def test_v9_gain_and_retention(gain_end: float, gain_later: float, passes: bool) -> None:
    pre = np.array([20.0, 26.0, 32.0, 26.0])
    result = chronic_intensive(pre, pre + gain_end, pre + gain_later, n_boot=50)
    assert result.measured["mean_gain_end"] == pytest.approx(gain_end)
    assert result.measured["retention"] == pytest.approx(gain_later / gain_end)
    assert result.passed is passes


# ---- V12 ------------------------------------------------------------------------------


def test_v12_trained_family_gains_more() -> None:
    untrained = np.linspace(0.0, 4.0, 30)
    trained = untrained + 1.0 + 0.2 * np.sin(np.arange(30))
    result = task_specificity(trained, untrained)
    assert result.measured["mean_difference"] == pytest.approx(1.0, abs=0.05)
    assert result.measured["mean_difference_ci_low"] > 0
    assert result.passed
    assert not task_specificity(untrained, trained).passed


@settings(max_examples=30, deadline=None)
@given(
    shift=st.floats(-5, 5).filter(lambda v: abs(v) > 0.5),
    noise=st.lists(st.floats(-0.1, 0.1), min_size=5, max_size=40),
)
def test_v12_passes_exactly_when_the_constructed_shift_is_positive(
    shift: float, noise: list[float]
) -> None:
    untrained = np.arange(len(noise), dtype=float)
    result = task_specificity(untrained + shift + np.asarray(noise), untrained)
    assert result.passed is (shift > 0)
