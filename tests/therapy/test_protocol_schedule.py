"""Compiling protocols into per-day inputs: shapes, schedules, doses and modifiers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given

from strokesim.errors import UserInputError
from strokesim.model.anatomy import TASK_FAMILIES
from strokesim.therapy import (
    STIMULATION_TARGETS,
    DailyInputs,
    compile_protocol,
    drug_plasticity_gain,
    no_therapy,
    parse_protocol,
    usual_care,
    vns_plasticity_gain,
)

from .strategies import schedules, stimulation_sessions, training_protocols

DAYS = 200


def compiled(*components: dict[str, Any], days: int = DAYS) -> DailyInputs:
    return compile_protocol(parse_protocol({"name": "t", "components": list(components)}), days)


def training(**fields: Any) -> dict[str, Any]:
    base = {
        "kind": "task_training",
        "start_day": 14,
        "duration_days": 14,
        "trials_per_session": 100,
    }
    return {**base, **fields}


def test_shapes_dtypes_and_defaults_without_therapy() -> None:
    inputs = compile_protocol(no_therapy(), days=30)
    shapes = {
        "training_trials": (30, len(TASK_FAMILIES)),
        "excitability_shift": (30, len(STIMULATION_TARGETS)),
        "plasticity_gain_stim": (30, len(STIMULATION_TARGETS)),
    }
    for name, array in inputs._asdict().items():
        assert array.dtype == np.float32
        assert array.shape == shapes.get(name, (30,)), name
        assert not array.flags.writeable
    assert inputs.days == 30
    assert not inputs.training_trials.any()
    assert not inputs.constraint.any() and not inputs.excitability_shift.any()
    assert not inputs.vns_paired_fraction.any()
    for name in ("error_feedback", "engagement", "vns_gain", "drug_gain", "plasticity_gain_stim"):
        assert np.all(getattr(inputs, name) == 1.0), name


@pytest.mark.parametrize("days", [0, -3, 2.5, True, "10"])
def test_days_must_be_a_positive_integer(days: Any) -> None:
    with pytest.raises(UserInputError) as info:
        compile_protocol(no_therapy(), days)
    assert info.value.field == "days"


def test_usual_care_gives_32_trials_on_weekdays_from_day_3_for_90_days() -> None:
    trials = compile_protocol(usual_care(), days=200).total_trials()
    days = np.arange(200)
    weekday = (days >= 3) & (days < 93) & ((days - 3) % 7 < 5)
    assert np.all(trials[weekday] == 32)
    assert np.all(trials[~weekday] == 0)
    assert trials[3] == 32 and trials[8] == 0 and trials[9] == 0 and trials[10] == 32
    assert weekday.sum() == usual_care().components[0].session_count == 65
    assert not trials[93:].any()


def test_usual_care_length_is_adjustable() -> None:
    trials = compile_protocol(usual_care(days_of_therapy=30), days=60).total_trials()
    assert trials[31] == 32 and not trials[33:].any()
    with pytest.raises(UserInputError):
        usual_care(days_of_therapy=0)


@given(schedules())
def test_sessions_fall_on_the_first_n_days_of_each_week(schedule: dict[str, int]) -> None:
    days = schedule["start_day"] + schedule["duration_days"] + 10
    trials = compiled(training(**schedule), days=days).total_trials()
    offset = np.arange(days) - schedule["start_day"]
    expected = (offset >= 0) & (offset < schedule["duration_days"])
    expected &= offset % 7 < schedule["sessions_per_week"]
    np.testing.assert_array_equal(trials > 0, expected)
    protocol = parse_protocol({"name": "t", "components": [training(**schedule)]})
    assert expected.sum() == protocol.components[0].session_count


@given(training_protocols())
def test_doubling_trials_doubles_training_trials(data: dict[str, Any]) -> None:
    doubled = {
        **data,
        "components": [
            {**c, "trials_per_session": 2 * c["trials_per_session"]} for c in data["components"]
        ],
    }
    once = compile_protocol(parse_protocol(data), days=DAYS).training_trials
    twice = compile_protocol(parse_protocol(doubled), days=DAYS).training_trials
    np.testing.assert_allclose(twice, 2 * once, rtol=1e-6)


def test_task_mix_splits_trials_and_overlapping_training_adds_up() -> None:
    mix = {"proximal_reach": 0.5, "distal_grasp": 0.25, "fine_pinch": 0.25}
    inputs = compiled(training(task_mix=mix), {**training(), "kind": "bimanual_training"})
    np.testing.assert_allclose(inputs.training_trials[14], [50 + 0, 25, 25, 100, 0])
    assert inputs.total_trials()[14] == 200


def test_robot_assistance_lowers_trial_weighted_error_feedback() -> None:
    robot = {**training(), "kind": "robot", "trials_per_session": 300, "assistance": 0.4}
    inputs = compiled(training(), robot)
    assert inputs.error_feedback[14] == pytest.approx((100 * 1.0 + 300 * 0.6) / 400)
    assert inputs.error_feedback[13] == 1.0


def test_virtual_reality_engagement_is_trial_weighted() -> None:
    vr = {**training(), "kind": "virtual_reality", "engagement_gain": 1.5}
    inputs = compiled(training(trials_per_session=300), vr)
    assert inputs.engagement[14] == pytest.approx((300 + 100 * 1.5) / 400)


def test_cimt_restrains_the_good_arm_every_day_and_shapes_on_weekdays() -> None:
    inputs = compiled({"kind": "cimt", "start_day": 120, "duration_days": 14})
    assert np.allclose(inputs.constraint[120:134], 0.9)
    assert not inputs.constraint[:120].any() and not inputs.constraint[134:].any()
    assert inputs.total_trials()[120] == 300 and inputs.total_trials()[125] == 0
    assert inputs.training_trials[120, TASK_FAMILIES.index("bimanual")] == 0


@given(stimulation_sessions(sham=True))
def test_sham_stimulation_has_no_effect(data: dict[str, Any]) -> None:
    inputs = compile_protocol(parse_protocol(data), days=600)
    assert not inputs.excitability_shift.any()
    assert np.all(inputs.plasticity_gain_stim == 1.0)


@given(stimulation_sessions(sham=False))
def test_real_stimulation_acts_only_on_its_session_days(data: dict[str, Any]) -> None:
    inputs = compile_protocol(parse_protocol(data), days=600)
    protocol = parse_protocol(data)
    on = protocol.components[1].session_mask(600)
    assert inputs.excitability_shift[on].any(axis=1).all()
    assert not inputs.excitability_shift[~on].any()
    assert np.all(inputs.plasticity_gain_stim[~on] == 1.0)
    # excitatory shifts raise plasticity, inhibitory ones lower it
    shift, gain = inputs.excitability_shift, inputs.plasticity_gain_stim
    assert np.all(np.sign(gain - 1.0) == np.sign(np.round(shift, 7)))


def test_stimulation_signs_by_method_and_target() -> None:
    def shift(**stim: Any) -> np.ndarray:
        base = {"kind": "brain_stimulation", "start_day": 14, "duration_days": 14}
        return compiled(training(), {**base, **stim}).excitability_shift[14]

    ipsi, contra, premotor = range(3)
    one_hz = shift(method="rtms_1hz", target="contralesional_m1")
    assert one_hz[contra] < 0 and one_hz[ipsi] == 0 and one_hz[premotor] == 0
    assert shift(method="itbs", target="ipsilesional_m1")[ipsi] > 0
    assert shift(method="ctbs", target="contralesional_m1")[contra] < 0
    assert shift(method="rtms_high_freq", target="ipsilesional_premotor")[premotor] > 0
    assert shift(method="tdcs_cathodal", target="contralesional_m1")[contra] < 0
    dual = shift(method="tdcs_dual", target="ipsilesional_m1", timing="during_training")
    assert dual[ipsi] > 0 and dual[contra] < 0 and dual[premotor] == 0


def test_stimulation_averages_over_the_days_main_session() -> None:
    def shift(minutes: float) -> float:
        stim = {
            "kind": "brain_stimulation",
            "start_day": 14,
            "duration_days": 14,
            "method": "ctbs",
            "target": "contralesional_m1",
        }
        return float(
            compiled(training(minutes_per_session=minutes), stim).excitability_shift[14, 1]
        )

    assert shift(10) < shift(60) < shift(180) < 0  # longer sessions dilute the after-effect


def test_vns_gain_and_paired_fraction() -> None:
    vns = {"kind": "vns", "start_day": 14, "duration_days": 14, "paired_trials_per_session": 50}
    inputs = compiled(training(), vns)
    assert inputs.vns_paired_fraction[14] == pytest.approx(0.5)
    assert inputs.vns_gain[14] == pytest.approx(vns_plasticity_gain(0.8), rel=1e-6)
    assert inputs.vns_gain[13] == 1.0 and inputs.vns_paired_fraction[13] == 0.0
    sham = compiled(training(), {**vns, "sham": True})
    assert np.all(sham.vns_gain == 1.0)


def test_drug_gain_over_the_dosing_window() -> None:
    ssri = {"kind": "drug", "start_day": 5, "duration_days": 90, "agent": "ssri"}
    gain = compiled(ssri).drug_gain
    assert gain[5] == pytest.approx(drug_plasticity_gain("ssri", 20.0), rel=1e-6)
    assert gain[5] > 1.0
    assert gain[4] == 1.0 and gain[94] > 1.0 and gain[95] == 1.0
    both = compiled(
        ssri, {"kind": "drug", "start_day": 5, "duration_days": 21, "agent": "levodopa"}
    )
    assert both.drug_gain[10] == pytest.approx(
        drug_plasticity_gain("ssri", 20.0) * drug_plasticity_gain("levodopa", 100.0), rel=1e-6
    )
    placebo = compiled({**ssri, "agent": "placebo"})
    assert np.all(placebo.drug_gain == 1.0)


def test_components_beyond_the_horizon_are_cut_off() -> None:
    inputs = compiled(training(start_day=14), days=16)
    assert inputs.total_trials().tolist() == [0.0] * 14 + [100.0, 100.0]


def test_training_minutes_add_up_over_the_day_s_sessions() -> None:
    """The dose model's capacity blocks need every session's minutes, summed per day."""
    daily = compiled(
        {
            "kind": "task_training",
            "start_day": 3,
            "duration_days": 7,
            "trials_per_session": 32,
            "minutes_per_session": 30,
        },
        {"kind": "robot", "start_day": 5, "duration_days": 7, "sessions_per_week": 7},
        {"kind": "cimt", "start_day": 20, "duration_days": 7, "minutes_per_session": 180},
    )
    minutes = np.asarray(daily.training_minutes)
    assert minutes[3] == 30.0 and minutes[5] == 30.0 + 45.0 and minutes[11] == 45.0
    assert minutes[20] == 180.0 and minutes[0] == 0.0 and minutes[40] == 0.0
    assert np.all((minutes > 0) == (daily.total_trials() > 0))
