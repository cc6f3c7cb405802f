"""Bootstrap, OLS, odds ratio and mean-difference helpers of the validation battery."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from strokesim.stats import (
    Interval,
    bootstrap_ci,
    mean_ci,
    odds_ratio,
    odds_ratio_from_groups,
    ols_slope,
    paired_mean_difference,
    wilson_interval,
)


def test_bootstrap_ci_of_a_large_normal_sample_contains_the_true_mean() -> None:
    sample = np.random.default_rng(123).normal(10.0, 2.0, 5000)
    low, high = bootstrap_ci(sample, seed=7)
    assert low < 10.0 < high
    assert high - low < 0.25  # ≈ 2·1.96·2/√5000 = 0.11


def test_bootstrap_ci_is_reproducible_with_the_same_seed() -> None:
    sample = np.random.default_rng(1).normal(size=200)
    assert bootstrap_ci(sample, seed=42) == bootstrap_ci(sample, seed=42)
    assert bootstrap_ci(sample, seed=42) != bootstrap_ci(sample, seed=43)
    statistic_first = bootstrap_ci(np.median, sample, seed=5, n_boot=200)
    assert statistic_first == bootstrap_ci(np.median, sample, seed=5, n_boot=200)


def test_bootstrap_with_a_statistic_resamples_pairs_jointly() -> None:
    x = np.arange(100.0)
    # y = 2x exactly: every resample of pairs gives slope 2
    low, high = bootstrap_ci(lambda a, b: ols_slope(a, b).slope, (x, 2 * x), seed=0, n_boot=50)
    assert low == pytest.approx(2.0) and high == pytest.approx(2.0)


def test_bootstrap_returns_nan_when_most_replicates_are_undefined() -> None:
    low, high = bootstrap_ci(lambda v: float("nan"), np.ones(10), seed=0, n_boot=20)
    assert math.isnan(low) and math.isnan(high)
    assert all(math.isnan(v) for v in bootstrap_ci(np.array([]), seed=0))


def test_bootstrap_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="n_boot"):
        bootstrap_ci([1.0, 2.0], seed=0, n_boot=0)
    with pytest.raises(ValueError, match="alpha"):
        bootstrap_ci([1.0, 2.0], seed=0, alpha=1.5)
    with pytest.raises(ValueError, match="differ in length"):
        bootstrap_ci(lambda a, b: 0.0, (np.ones(3), np.ones(4)), seed=0)
    with pytest.raises(ValueError, match="data"):
        bootstrap_ci(np.mean, seed=0)


def test_ols_slope_matches_scipy_linregress() -> None:
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 60, 300)
    y = 0.7 * x + 0.4 + rng.normal(0, 3, 300)
    fit = ols_slope(x, y)
    reference = scipy_stats.linregress(x, y)
    assert fit.slope == pytest.approx(reference.slope)
    assert fit.intercept == pytest.approx(reference.intercept)
    half = scipy_stats.t.ppf(0.975, 298) * reference.stderr
    assert fit.slope_ci.low == pytest.approx(reference.slope - half)
    assert fit.slope_ci.high == pytest.approx(reference.slope + half)
    assert fit.x_intercept == pytest.approx(-fit.intercept / fit.slope)


def test_ols_slope_degenerate_inputs_give_nan() -> None:
    assert math.isnan(ols_slope([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]).slope)
    assert math.isnan(ols_slope([], []).slope)
    assert math.isnan(ols_slope([0.0, 1.0], [0.0, 1.0]).slope_ci.low)
    with pytest.raises(ValueError, match="same length"):
        ols_slope([1.0, 2.0], [1.0])


def test_odds_ratio_of_a_known_table() -> None:
    result = odds_ratio(20, 10, 10, 20)
    assert result.value == pytest.approx(4.0)
    se = math.sqrt(1 / 20 + 1 / 10 + 1 / 10 + 1 / 20)
    assert result.ci.low == pytest.approx(math.exp(math.log(4) - 1.959964 * se), rel=1e-5)
    assert result.ci.high == pytest.approx(math.exp(math.log(4) + 1.959964 * se), rel=1e-5)
    assert not result.corrected


def test_odds_ratio_haldane_correction_when_a_cell_is_zero() -> None:
    result = odds_ratio(10, 0, 5, 5)
    assert result.corrected
    assert result.value == pytest.approx(10.5 * 5.5 / (0.5 * 5.5))
    assert result.table == ((10.5, 0.5), (5.5, 5.5))
    with pytest.raises(ValueError, match="counts"):
        odds_ratio(-1, 1, 1, 1)


def test_odds_ratio_from_groups_builds_the_table() -> None:
    outcome = [1] * 20 + [0] * 10 + [1] * 10 + [0] * 20
    exposed = [1] * 30 + [0] * 30
    assert odds_ratio_from_groups(outcome, exposed).value == pytest.approx(4.0)


def test_paired_mean_difference_t_interval() -> None:
    a = np.array([5.0, 6.0, 7.0, 8.0])
    b = np.array([1.0, 3.0, 4.0, 6.0])
    result = paired_mean_difference(a, b)
    differences = a - b
    half = scipy_stats.t.ppf(0.975, 3) * differences.std(ddof=1) / 2
    assert result.mean == pytest.approx(3.0)
    assert result.ci == pytest.approx((3.0 - half, 3.0 + half))
    with pytest.raises(ValueError, match="same length"):
        paired_mean_difference([1.0], [1.0, 2.0])


def test_mean_ci_small_samples() -> None:
    assert math.isnan(mean_ci([]).mean)
    single = mean_ci([2.0])
    assert single.mean == 2.0 and math.isnan(single.ci.low)
    assert isinstance(mean_ci([1.0, 2.0]).ci, Interval)


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=50),
    seed=st.integers(0, 2**32 - 1),
)
def test_bootstrap_interval_is_ordered_and_within_the_data(values: list[float], seed: int) -> None:
    low, high = bootstrap_ci(values, seed=seed, n_boot=100)
    tolerance = 1e-9 * (1 + max(abs(v) for v in values))
    assert min(values) - tolerance <= low <= high <= max(values) + tolerance


@given(n=st.integers(1, 5000), data=st.data())
def test_wilson_interval_lies_in_0_1_and_contains_the_observed_share(n, data) -> None:
    k = data.draw(st.integers(0, n))
    low, high = wilson_interval(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0


def test_wilson_interval_refuses_impossible_counts() -> None:
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(5, 4)
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(0, 0)
