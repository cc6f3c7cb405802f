"""Proportional recovery rule and non-fitter classification."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strokesim.errors import UserInputError
from strokesim.predict.baselines import (
    FMA_UE_MAX,
    is_non_fitter,
    proportional_recovery_change,
    proportional_recovery_prediction,
    recovered_fraction,
)


def test_winters_2015_rule() -> None:
    assert FMA_UE_MAX == 66
    np.testing.assert_allclose(proportional_recovery_change([0, 16, 66]), [46.6, 35.4, 0.4])
    np.testing.assert_allclose(proportional_recovery_prediction([0, 16, 66]), [46.6, 51.4, 66.0])


def test_recovered_fraction_and_ceiling() -> None:
    fraction = recovered_fraction([16, 56, 66, 30], [51, 56, 66, 20])
    np.testing.assert_allclose(fraction, [0.7, 0.0, np.nan, -10 / 36])


def test_non_fitter_threshold_is_strict_and_full_scores_are_fitters() -> None:
    # potential 60: 18 points is exactly 30% (fitter), 17 points is below
    assert is_non_fitter([6, 6, 66], [24, 23, 66]).tolist() == [False, True, False]


@pytest.mark.parametrize("bad", [-1, 67, np.nan])
def test_invalid_scores_raise_user_error(bad: float) -> None:
    with pytest.raises(UserInputError, match=r"^fma0: .*0–66"):
        proportional_recovery_change([10, bad])


@given(st.integers(0, 66))
def test_prediction_never_exceeds_ceiling_nor_falls(fma0: int) -> None:
    predicted = proportional_recovery_prediction(fma0).item()
    assert fma0 <= predicted <= FMA_UE_MAX
