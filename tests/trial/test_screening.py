"""Screening: inclusion, exclusion, first failed rule as the reason."""

from __future__ import annotations

import numpy as np

from strokesim.trial.screening import screen
from strokesim.trial.spec import ScreeningSpec


def test_reasons_and_enrolment() -> None:
    spec = ScreeningSpec.model_validate(
        {
            "day": 90,
            "include": [{"measure": "fma_ue", "min": 20, "max": 50}],
            "exclude": [{"measure": "mep_present", "values": ["negative"], "reason": "MEP-"}],
        }
    )
    measures = {
        "fma_ue": np.array([10, 30, 30, 60]),
        "arat": np.zeros(4),
        "mep_present": np.array([True, True, False, True]),
        "severity_band": np.array(["severe", "moderate", "moderate", "mild"], dtype=object),
    }
    enrolled, reasons = screen(spec, measures)
    assert enrolled.tolist() == [False, True, False, False]
    assert reasons == ["not fma_ue 20–50", "", "MEP-", "not fma_ue 20–50"]


def test_band_rule() -> None:
    spec = ScreeningSpec.model_validate(
        {"include": [{"measure": "severity_band", "values": ["moderate", "severe"]}]}
    )
    measures = {"severity_band": np.array(["mild", "moderate", "severe"], dtype=object)}
    enrolled, _ = screen(spec, measures)
    assert enrolled.tolist() == [False, True, True]


def test_inclusion_reason_is_the_stated_exclusion_reason() -> None:
    """An inclusion rule's ``reason`` says why a patient is out; it is not negated again."""
    spec = ScreeningSpec.model_validate(
        {"include": [{"measure": "fma_ue", "min": 20, "max": 60, "reason": "FMA-UE outside 20–60"}]}
    )
    measures = {"fma_ue": np.array([10, 30, 61])}
    enrolled, reasons = screen(spec, measures)
    assert enrolled.tolist() == [False, True, False]
    assert reasons == ["FMA-UE outside 20–60", "", "FMA-UE outside 20–60"]


def test_an_fma_item_rule_reads_the_item() -> None:
    spec = ScreeningSpec.model_validate(
        {"day": 8, "include": [{"measure": "finger_mass_extension", "min": 1}]}
    )
    enrolled, reasons = screen(spec, {"finger_mass_extension": np.array([0.0, 1.0, 2.0])})
    assert enrolled.tolist() == [False, True, True]
    assert reasons == ["not finger_mass_extension 1–", "", ""]
