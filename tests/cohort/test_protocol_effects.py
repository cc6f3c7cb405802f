"""Named-protocol effects in counterfactual twins, summarised by severity band."""

from __future__ import annotations

import numpy as np
import pytest

from strokesim.cohort.population import sample_population
from strokesim.cohort.protocol_effects import BANDS, protocol_effects, severity_band
from strokesim.simulate import Record, VirtualPatients, simulate
from strokesim.therapy import no_therapy, usual_care


def test_severity_bands_follow_leaps_cut_offs() -> None:
    bands = severity_band(np.array([0, 28, 29, 42, 43, 66]))
    assert list(bands) == ["severe", "severe", "moderate", "moderate", "mild", "mild"]
    assert set(BANDS) == {"mild", "moderate", "severe"}


N, SEED, DAY = 12, 1, 30


@pytest.fixture(scope="module")
def table():
    return protocol_effects(
        {"usual_care": usual_care(), "no_therapy": no_therapy()}, n=N, seed=SEED, days=(DAY,)
    )


def test_table_has_one_row_per_band_and_day(table) -> None:
    # usual care is the reference arm, not a row; one row per band present
    assert set(table["protocol"]) == {"no_therapy"}
    assert set(table["band"]) <= set(BANDS)
    assert (table["day"] == DAY).all()
    assert (table["ci_low"] <= table["mean_delta_fma"]).all()
    assert (table["mean_delta_fma"] <= table["ci_high"]).all()


def test_effects_are_the_paired_differences_of_the_two_arms(table) -> None:
    # the same patients (ids and seed as protocol_effects draws them), run straight through
    ids = [f"twin{i:05d}" for i in range(N)]
    vp = VirtualPatients.from_population(sample_population(ids, SEED))
    record = Record((3, DAY))
    reference = simulate(vp, usual_care(), days=DAY, record=record, seed=SEED).fma_ue
    withheld = simulate(vp, no_therapy(), days=DAY, record=record, seed=SEED).fma_ue
    diff = (withheld.sel(day=DAY) - reference.sel(day=DAY)).values.astype(float)
    band = severity_band(reference.sel(day=3).values)
    for row in table.itertuples():
        values = diff[band == row.band]
        assert row.n == values.size
        assert row.mean_delta_fma == pytest.approx(values.mean(), abs=1e-12), row.band
    # a known non-zero effect: withholding usual care's ~30 min of daily arm therapy
    # (Lang 2009 dose) lowers FMA-UE on day 30 — by a few points at most, not tens
    assert -5.0 <= diff.mean() <= -0.2, diff.mean()
    assert (diff <= 0).mean() >= 0.75  # few patients gain from less practice
