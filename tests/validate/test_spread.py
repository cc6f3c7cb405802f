"""The between-patient spread figures (validate/spread.py) on cohorts of known shape."""

from __future__ import annotations

import numpy as np
import pytest

from strokesim.validate.spread import (
    SEVERE_START_MAX_FMA,
    SOME_CAPACITY_MIN_FMA,
    spread_figures,
)


def _cohort(n: int = 2000, noise: float = 4.0, seed: int = 0):
    rng = np.random.default_rng(seed)
    fma0 = rng.integers(0, 67, n).astype(float)
    fma180 = np.clip(np.round(fma0 + 0.7 * (66 - fma0) + rng.normal(0, noise, n)), 0, 66)
    return fma0, fma180


def test_ceiling_share_and_r2_match_their_definitions() -> None:
    fma0, fma180 = _cohort()
    fig = spread_figures(fma0, fma180)
    assert fig.n == fma0.size
    assert fig.share_at_ceiling == pytest.approx(np.mean(fma180 == 66))
    assert fig.r2_day3 == pytest.approx(np.corrcoef(fma0, fma180)[0, 1] ** 2)
    # more outcome noise, less variance explained
    assert spread_figures(*_cohort(noise=12.0)).r2_day3 < fig.r2_day3


def test_severe_start_figures_read_only_the_severe_patients() -> None:
    fma0, fma180 = _cohort()
    severe = fma0 <= SEVERE_START_MAX_FMA
    fig = spread_figures(fma0, fma180)
    out = fma180[severe]
    assert fig.n_severe == severe.sum()
    assert fig.severe_mean == pytest.approx(out.mean())
    assert fig.severe_sd == pytest.approx(out.std(ddof=1))
    assert fig.severe_median == pytest.approx(np.median(out))
    assert fig.severe_q10 <= fig.severe_q25 <= fig.severe_median <= fig.severe_q75
    assert fig.severe_some_capacity_share == pytest.approx(np.mean(out >= SOME_CAPACITY_MIN_FMA))
    # proportional recovery of 0.7 with little noise: nearly all severe patients fit
    assert fig.severe_fitter_share > 0.9


def test_non_recoverers_lower_the_fitter_share_and_make_two_clusters() -> None:
    fma0, fma180 = _cohort(noise=2.0)
    severe = np.flatnonzero(fma0 <= SEVERE_START_MAX_FMA)
    stuck = severe[::2]  # half of the severe patients stay where they started
    split = fma180.copy()
    split[stuck] = fma0[stuck]
    one, two = spread_figures(fma0, fma180), spread_figures(fma0, split)
    assert two.severe_fitter_share == pytest.approx(0.5, abs=0.05)
    assert two.severe_sd > 2 * one.severe_sd
    assert two.severe_bimodality > 5 / 9 > spread_figures(*_cohort(noise=6.0)).severe_bimodality


def test_no_severe_patient_gives_nan_severe_figures() -> None:
    fig = spread_figures([30.0, 40.0, 50.0, 60.0], [50.0, 60.0, 62.0, 66.0])
    assert fig.n_severe == 0 and np.isnan(fig.severe_mean) and np.isnan(fig.severe_fitter_share)
    assert fig.share_at_ceiling == 0.25
    assert set(fig.as_dict()) >= {"share_at_ceiling", "r2_day3", "severe_bimodality"}


def test_bad_inputs_raise() -> None:
    with pytest.raises(ValueError, match="length"):
        spread_figures([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="fma0"):
        spread_figures([1.0, 2.0], [1.0, 2.0])
