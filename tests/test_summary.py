"""The outcome table printed by `strokesim simulate` and `strokesim demo`."""

from __future__ import annotations

import numpy as np
import pytest

from strokesim.report._demo_data import synthetic_dataset
from strokesim.summary import fma_ue_band, outcome_summary, summary_record


def test_one_row_per_source_patient_with_median_and_range() -> None:
    ds = synthetic_dataset(n_patients=5, days=[3, 30, 90, 120])
    ds = ds.assign_coords(source_patient=("patient", ["A", "B", "B", "B", "B"]))
    ds["fma_ue"].loc[{"patient": ["P002", "P003", "P004", "P005"], "day": 120}] = [10, 20, 30, 40]
    table = outcome_summary(ds).set_index("Patient")
    assert list(table.index) == ["A", "B"]
    assert list(table.columns) == [
        "Lesions", "FMA-UE day 3", "FMA-UE day 90", "FMA-UE day 120", "ARAT day 120", "MEP day 3",
    ]  # fmt: skip
    assert table.loc["A", "Lesions"] == "1"
    assert table.loc["B", "Lesions"] == "4"
    assert table.loc["B", "FMA-UE day 120"] == "25 [13–37]"
    assert table.loc["B", "MEP day 3"].startswith("MEP+ in ")
    assert table.loc["A", "MEP day 3"] == "absent" or table.loc["A", "MEP day 3"].endswith(" mV)")


def test_days_not_recorded_are_left_out() -> None:
    table = outcome_summary(synthetic_dataset(n_patients=2, days=[7, 30]))
    assert [c for c in table.columns if c.startswith("FMA")] == ["FMA-UE day 30"]
    assert "MEP day 7" in table.columns


@pytest.mark.parametrize(
    ("score", "band"), [(0, "severe"), (28, "severe"), (29, "moderate"), (42, "moderate"),
                        (43, "mild"), (66, "mild")],
)  # fmt: skip
def test_fma_ue_bands(score: int, band: str) -> None:
    assert fma_ue_band(score) == band


def test_summary_record_has_day_3_day_90_and_last_day() -> None:
    days = summary_record(200).days
    assert {3, 90, 200} <= set(days)
    assert np.all(np.diff(days) > 0)
    assert summary_record(10).days[-1] == 10
