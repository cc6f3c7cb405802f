"""V10 and V11 on constructed cohorts with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from strokesim.validate.metrics import nonparetic_deficit, spasticity

# ---- V10 ------------------------------------------------------------------------------


def _spasticity_cohort(spastic_not_severe: int) -> tuple[np.ndarray, ...]:
    """30 severe (20 spastic at day 180, 8 of them MAS ≥ 3) and 70 not severe."""
    fma0 = np.array([10.0] * 30 + [50.0] * 70)
    severe_mas = [3.0] * 8 + [1.5] * 12 + [0.0] * 10
    other_mas = [1.0] * spastic_not_severe + [0.0] * (70 - spastic_not_severe)
    mas180 = np.array(severe_mas + other_mas)
    mas90 = np.minimum(mas180, 1.0)
    return np.zeros(100), mas90, mas180, fma0


def test_v10_known_prevalences_and_odds_ratio() -> None:
    result = spasticity(*_spasticity_cohort(10), n_boot=100)
    measured = result.measured
    assert measured["prevalence_mas1_day180"] == pytest.approx(0.30)
    assert measured["prevalence_mas3_day180"] == pytest.approx(0.08)
    assert measured["prevalence_rise_day7_to_day90"] == pytest.approx(0.30)
    assert measured["odds_ratio_severe"] == pytest.approx(20 * 60 / (10 * 10))
    assert result.passed


def test_v10_weak_link_with_severity_fails() -> None:
    result = spasticity(*_spasticity_cohort(25), n_boot=50)
    # (20·45)/(10·25) = 3.6 < 4, prevalence 45/100 still in range
    assert result.measured["odds_ratio_severe"] == pytest.approx(3.6)
    assert not result.passed


def test_v10_spasticity_present_from_day_7_fails() -> None:
    _, mas90, mas180, fma0 = _spasticity_cohort(10)
    assert not spasticity(mas90, mas90, mas180, fma0, n_boot=50).passed


# ---- V11 ------------------------------------------------------------------------------

CONTROLS = np.arange(1.0, 101.0)  # 5th percentile = 5.95


def _dexterity_cohort(severe_below: int, milder_below: int) -> tuple[np.ndarray, ...]:
    fma0 = np.array([10.0] * 10 + [50.0] * 20)
    week1 = np.array(
        [1.0] * severe_below
        + [80.0] * (10 - severe_below)
        + [1.0] * milder_below
        + [80.0] * (20 - milder_below)
    )
    week26 = np.where(np.arange(30) < 2, 1.0, 80.0)
    return week1, week26, CONTROLS, fma0


def test_v11_known_shares_pass() -> None:
    result = nonparetic_deficit(*_dexterity_cohort(6, 4), n_boot=100)
    measured = result.measured
    assert measured["control_threshold"] == pytest.approx(5.95)
    assert measured["share_deficit_week1"] == pytest.approx(10 / 30)
    assert measured["share_deficit_week26"] == pytest.approx(2 / 30)
    assert measured["share_change_week1_to_week26"] == pytest.approx(-8 / 30)
    assert measured["severe_minus_milder_share_week1"] == pytest.approx(0.6 - 0.2)
    assert result.passed


def test_v11_deficit_not_larger_after_severe_strokes_fails() -> None:
    assert not nonparetic_deficit(*_dexterity_cohort(1, 8), n_boot=50).passed


def test_v11_needs_enough_controls_and_matching_lengths() -> None:
    week1, week26, controls, fma0 = _dexterity_cohort(6, 4)
    with pytest.raises(ValueError, match="at least 20"):
        nonparetic_deficit(week1, week26, controls[:10], fma0)
    with pytest.raises(ValueError, match="differ in length"):
        nonparetic_deficit(week1, week26[:-1], controls, fma0)
