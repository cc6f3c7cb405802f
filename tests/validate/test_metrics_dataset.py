"""evaluate_cohort reads the simulator's xarray.Dataset as documented in docs/dataset.md."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from strokesim.validate.metrics import evaluate_cohort, proportional_recovery

DAYS = np.array([0, 3, 5, 7, 84, 90, 180, 182])


def _cohort_dataset(n: int = 60) -> xr.Dataset:
    rng = np.random.default_rng(0)
    fma0 = rng.integers(0, 66, n)
    mep_day5 = fma0 > 20
    fma180 = np.where(mep_day5, fma0 + np.round(0.7 * (66 - fma0)), fma0 + 2)
    progress = np.array([0.0, 0.0, 0.1, 0.2, 0.95, 0.96, 1.0, 1.0])
    fma = np.round(fma0[:, None] + (fma180 - fma0)[:, None] * progress[None, :])
    mep = np.zeros((n, DAYS.size), bool)
    mep[:, 2:] = mep_day5[:, None]  # first recorded day in 3–7 is day 3: all MEP−
    dims = ("patient", "day")
    return xr.Dataset(
        {
            "fma_ue": (dims, fma.astype(np.int16)),
            "arat": (dims, np.clip(fma * 57 // 66, 0, 57).astype(np.int16)),
            "safe": (dims, np.clip(fma // 6, 0, 10).astype(np.int8)),
            "mep_present": (dims, mep),
            "mas_elbow": (dims, np.where(fma < 20, 1.0, 0.0).astype(np.float32)),
            "nonparetic_dexterity": (dims, np.full((n, DAYS.size), 90.0, np.float32)),
        },
        coords={
            "patient": [f"p{i}" for i in range(n)],
            "day": DAYS,
            "age": ("patient", rng.uniform(40, 90, n)),
            "nihss": ("patient", rng.integers(0, 25, n)),
        },
    )


def test_evaluate_cohort_runs_the_cohort_targets_in_order() -> None:
    dataset = _cohort_dataset()
    results = evaluate_cohort(dataset, dex_controls=np.linspace(80, 120, 40), n_boot=20)
    assert [r.target_id for r in results] == ["V1", "V2", "V3", "V4", "V5", "V10", "V11"]
    without_controls = evaluate_cohort(dataset, n_boot=20)
    assert [r.target_id for r in without_controls][-1] == "V10"


def test_evaluate_cohort_takes_fma0_at_day_3_and_the_first_mep_in_days_3_to_7() -> None:
    dataset = _cohort_dataset()
    v1 = evaluate_cohort(dataset, n_boot=20)[0]
    # MEP is absent on day 3 for everyone, so no patient counts as MEP+ …
    assert v1.measured["n_mep_positive"] == 0
    # … and once day 3 shows the MEP, V1 equals the direct computation.
    dataset["mep_present"].loc[{"day": 3}] = dataset["mep_present"].sel(day=5)
    direct = proportional_recovery(
        dataset["fma_ue"].sel(day=3),
        dataset["fma_ue"].sel(day=180),
        dataset["mep_present"].sel(day=5),
    )
    assert evaluate_cohort(dataset, n_boot=20)[0].measured == direct.measured


def test_evaluate_cohort_names_a_missing_day() -> None:
    dataset = _cohort_dataset().drop_sel(day=90)
    with pytest.raises(ValueError, match="day 90"):
        evaluate_cohort(dataset, n_boot=20)
