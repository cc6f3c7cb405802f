"""PREP2 decision tree (Stinear et al. 2017 Ann Clin Transl Neurol 4:811–820)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strokesim.errors import UserInputError
from strokesim.predict.prep2 import (
    ARAT_BANDS,
    PREP2_CATEGORIES,
    arat_band,
    prep2_category,
)


@pytest.mark.parametrize(
    ("safe", "age", "mep", "nihss", "expected"),
    [
        # SAFE ≥ 5, younger than 80: Excellent whatever the SAFE
        (5, 79, np.nan, np.nan, "Excellent"),
        (7, 79.9, np.nan, np.nan, "Excellent"),
        (10, 40, np.nan, np.nan, "Excellent"),
        # SAFE ≥ 5, aged 80 or more: Excellent only with SAFE ≥ 8
        (5, 80, np.nan, np.nan, "Good"),
        (7, 80, np.nan, np.nan, "Good"),
        (8, 80, np.nan, np.nan, "Excellent"),
        (10, 95, np.nan, np.nan, "Excellent"),
        # SAFE < 5: MEP+ gives Good whatever the age and NIHSS
        (4, 50, True, np.nan, "Good"),
        (0, 90, True, 30, "Good"),
        # MEP−: NIHSS < 7 Limited, ≥ 7 Poor
        (4, 50, False, 6, "Limited"),
        (4, 50, False, 7, "Poor"),
        (0, 85, False, 0, "Limited"),
        (2, 60, False, 42, "Poor"),
    ],
)
def test_each_branch_of_the_tree(
    safe: int, age: float, mep: float, nihss: float, expected: str
) -> None:
    assert prep2_category(safe, age, mep, nihss).item() == expected


def test_vectorised_over_patients_and_mep_or_nihss_not_needed_above_safe_5() -> None:
    result = prep2_category(
        safe=[9, 6, 6, 3, 3, 3],
        age=[70, 70, 85, 60, 60, 60],
        mep_present=[np.nan, np.nan, np.nan, 1, 0, 0],
        nihss=[np.nan, np.nan, np.nan, np.nan, 4, 10],
    )
    assert result.tolist() == ["Excellent", "Excellent", "Good", "Good", "Limited", "Poor"]
    assert result.shape == (6,)


def test_scalars_broadcast_against_arrays() -> None:
    result = prep2_category([6, 6], 85, True, 3)
    assert result.tolist() == ["Good", "Good"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"safe": 11}, "safe"),
        ({"safe": -1}, "safe"),
        ({"safe": 4.5}, "safe"),
        ({"safe": np.nan}, "safe"),
        ({"age": -1}, "age"),
        ({"age": np.nan}, "age"),
        ({"nihss": 43}, "nihss"),
        ({"nihss": -1}, "nihss"),
        ({"nihss": np.nan}, "nihss"),
        ({"mep_present": np.nan}, "mep_present"),
        ({"mep_present": 2}, "mep_present"),
    ],
)
def test_invalid_input_names_the_field_in_one_line(kwargs: dict[str, float], field: str) -> None:
    inputs = {"safe": 2, "age": 60, "mep_present": False, "nihss": 10} | kwargs
    with pytest.raises(UserInputError) as caught:
        prep2_category(**inputs)
    assert caught.value.field == field
    message = str(caught.value)
    assert message.startswith(f"{field}: ") and "\n" not in message


def test_supplied_out_of_range_nihss_is_rejected_even_where_not_needed() -> None:
    with pytest.raises(UserInputError, match="nihss"):
        prep2_category(9, 60, True, 50)


def test_arat_band_edges() -> None:
    scores = [0, 12, 13, 33, 34, 49, 50, 57]
    assert arat_band(scores).tolist() == [
        "Poor",
        "Poor",
        "Limited",
        "Limited",
        "Good",
        "Good",
        "Excellent",
        "Excellent",
    ]


@pytest.mark.parametrize("bad", [-1, 58, 20.5, np.nan])
def test_arat_band_rejects_invalid_scores(bad: float) -> None:
    with pytest.raises(UserInputError, match=r"^arat: .*0–57"):
        arat_band([10, bad])


def test_bands_cover_the_scale_without_gaps() -> None:
    covered = sorted(v for low, high in ARAT_BANDS.values() for v in range(low, high + 1))
    assert covered == list(range(58))
    assert tuple(ARAT_BANDS) == PREP2_CATEGORIES


@given(
    safe=st.integers(0, 10),
    age=st.floats(0, 130),
    mep=st.booleans(),
    nihss=st.integers(0, 42),
)
def test_prediction_is_always_a_category_and_monotone_in_safe(
    safe: int, age: float, mep: bool, nihss: int
) -> None:
    category = prep2_category(safe, age, mep, nihss).item()
    assert category in PREP2_CATEGORIES
    if safe < 10:
        better = prep2_category(safe + 1, age, mep, nihss).item()
        assert PREP2_CATEGORIES.index(better) <= PREP2_CATEGORIES.index(category)


@given(arat=st.integers(0, 57))
def test_arat_band_matches_its_range(arat: int) -> None:
    low, high = ARAT_BANDS[arat_band(arat).item()]
    assert low <= arat <= high
