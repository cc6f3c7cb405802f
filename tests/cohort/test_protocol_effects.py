"""Named-protocol effects in counterfactual twins, summarised by severity band."""

from __future__ import annotations

import numpy as np

from strokesim.cohort.protocol_effects import BANDS, protocol_effects, severity_band
from strokesim.therapy import no_therapy, usual_care


def test_severity_bands_follow_leaps_cut_offs() -> None:
    bands = severity_band(np.array([0, 28, 29, 42, 43, 66]))
    assert list(bands) == ["severe", "severe", "moderate", "moderate", "mild", "mild"]
    assert set(BANDS) == {"mild", "moderate", "severe"}


def test_effects_are_paired_differences_against_usual_care() -> None:
    table = protocol_effects(
        {"usual_care": usual_care(), "no_therapy": no_therapy()}, n=12, seed=1, days=(30,)
    )
    # usual care is the reference arm, not a row; one row per band present
    assert set(table["protocol"]) == {"no_therapy"}
    assert set(table["band"]) <= set(BANDS)
    assert (table["day"] == 30).all()
    assert (table["ci_low"] <= table["mean_delta_fma"]).all()
    assert (table["mean_delta_fma"] <= table["ci_high"]).all()
    # withholding 30 min of daily arm therapy never helps on average
    assert (table["mean_delta_fma"] <= 0).all()
