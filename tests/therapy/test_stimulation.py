"""After-effect time courses and stimulation gains follow their stated sources."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strokesim.therapy import (
    STIMULATION_METHODS,
    after_effect,
    drug_plasticity_gain,
    stimulation_plasticity_gain,
    therapy_parameter,
    vns_plasticity_gain,
)
from strokesim.therapy.stimulation import mean_session_effect

MINUTES = np.linspace(0.0, 240.0, 961)


@given(st.sampled_from(STIMULATION_METHODS), st.floats(0.25, 2.0))
def test_after_effect_starts_at_peak_and_decays_monotonically(method: str, scale: float) -> None:
    course = after_effect(method, MINUTES, duration_scale=scale)
    assert course[0] == 1.0
    assert np.all(np.diff(course) <= 0.0)
    assert np.all((course >= 0.0) & (course <= 1.0))


@pytest.mark.parametrize(
    ("method", "still_on_at", "gone_by"),
    [
        ("ctbs", 30.0, 75.0),  # Huang 2005: 600-pulse cTBS suppresses ~60 min
        ("itbs", 10.0, 30.0),  # Huang 2005: iTBS facilitates ~20 min
        ("tdcs_anodal", 45.0, 90.0),  # Nitsche & Paulus 2001: 13 min -> ~90 min
        ("tdcs_cathodal", 20.0, 70.0),  # Nitsche et al. 2003: 9 min -> ~60 min
        ("rtms_1hz", 10.0, 35.0),  # Chen et al. 1997: ~15-30 min
    ],
)
def test_after_effect_time_course(method: str, still_on_at: float, gone_by: float) -> None:
    assert after_effect(method, still_on_at) > 0.5
    assert after_effect(method, gone_by) < 0.1


def test_fewer_pulses_shorten_the_after_effect() -> None:
    # Huang 2005: 300-pulse cTBS suppresses ~20 min, 600-pulse ~60 min.
    assert after_effect("ctbs", 40.0, duration_scale=0.5) < 0.1 < after_effect("ctbs", 40.0)


def test_session_mean_before_and_during_training() -> None:
    before = mean_session_effect("ctbs", 60.0)
    assert 0.0 < before < 1.0
    assert mean_session_effect("ctbs", 5.0) > before  # short sessions stay near the peak
    during = mean_session_effect(
        "tdcs_anodal", 60.0, timing="during_training", stimulation_minutes=30.0
    )
    assert 0.5 < during < 1.0  # build-up for 30 min, then a slow decay


def test_plasticity_gain_follows_the_shift_and_is_bounded() -> None:
    gains = stimulation_plasticity_gain(np.array([-5.0, -0.2, 0.0, 0.2, 5.0]))
    assert gains[2] == 1.0
    assert gains[1] < 1.0 < gains[3]
    assert gains[0] == therapy_parameter("stimulation.plasticity_gain_min")
    assert gains[4] == therapy_parameter("stimulation.plasticity_gain_max")


def test_vns_gain_is_an_inverted_u_peaking_at_0_8_ma() -> None:
    # Borland et al. 2016: 0.8 mA effective, 0.4 and 1.6 mA not.
    currents = np.linspace(0.0, 3.5, 351)
    gains = np.array([vns_plasticity_gain(float(c)) for c in currents])
    assert currents[np.argmax(gains)] == pytest.approx(0.8)
    assert vns_plasticity_gain(0.0) == 1.0
    peak = vns_plasticity_gain(0.8) - 1.0
    assert vns_plasticity_gain(0.4) - 1.0 < 0.3 * peak
    assert vns_plasticity_gain(1.6) - 1.0 < 0.3 * peak
    assert vns_plasticity_gain(0.8) == pytest.approx(therapy_parameter("vns.peak_plasticity_gain"))


def test_drug_gain_rises_with_dose_and_is_one_for_placebo() -> None:
    assert drug_plasticity_gain("placebo", 20.0) == 1.0
    assert drug_plasticity_gain("ssri", 0.0) == 1.0
    assert drug_plasticity_gain("ssri", 20.0) == pytest.approx(
        therapy_parameter("ssri.plasticity_gain")
    )
    assert 1.0 < drug_plasticity_gain("ssri", 10.0) < drug_plasticity_gain("ssri", 40.0)
    assert drug_plasticity_gain("levodopa", 100.0) == pytest.approx(
        therapy_parameter("levodopa.plasticity_gain")
    )


def test_unknown_method_is_a_developer_error() -> None:
    with pytest.raises(ValueError, match="unknown stimulation method"):
        after_effect("ect", 0.0)
