"""Invalid protocols are rejected with one line that names the field and what is allowed."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pydantic
import pytest
from hypothesis import given

from strokesim.errors import UserInputError
from strokesim.therapy import (
    BrainStimulation,
    Drug,
    Protocol,
    TaskTraining,
    first_validation_error,
    load_protocol,
    parse_protocol,
)

from .strategies import training_protocols

TRAINING = {
    "kind": "task_training",
    "start_day": 14,
    "duration_days": 14,
    "sessions_per_week": 5,
    "trials_per_session": 300,
}
RTMS = {
    "kind": "brain_stimulation",
    "start_day": 14,
    "duration_days": 14,
    "sessions_per_week": 5,
    "method": "rtms_1hz",
    "target": "contralesional_m1",
}
CIMT = {"kind": "cimt", "start_day": 14, "duration_days": 14, "sessions_per_week": 5}
VNS = {
    "kind": "vns",
    "start_day": 14,
    "duration_days": 14,
    "sessions_per_week": 5,
    "current_ma": 0.8,
    "paired_trials_per_session": 300,
}


def protocol(*components: dict[str, Any]) -> dict[str, Any]:
    return {"name": "test", "components": [copy.deepcopy(c) for c in components]}


def rejected(data: dict[str, Any]) -> UserInputError:
    with pytest.raises(UserInputError) as info:
        parse_protocol(data)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{info.value.field}: ")
    return info.value


def test_valid_protocol_round_trips() -> None:
    parsed = parse_protocol(protocol(TRAINING, RTMS, VNS))
    assert parsed.components[1].pulses == 1500  # method default filled in
    assert Protocol.model_validate(parsed.model_dump()) == parsed


@pytest.mark.parametrize(
    ("components", "field", "phrases"),
    [
        # missing fields
        (
            [{k: v for k, v in TRAINING.items() if k != "start_day"}],
            "components[0].start_day",
            ["required field is missing"],
        ),
        (
            [{k: v for k, v in TRAINING.items() if k != "kind"}],
            "components[0].kind",
            ["required field is missing", "task_training"],
        ),
        # out of range, with the whole range named
        ([TRAINING, {**VNS, "current_ma": 5.0}], "components[1].current_ma", ["0–3.5 mA", "got 5"]),
        (
            [{**TRAINING, "sessions_per_week": 8}],
            "components[0].sessions_per_week",
            ["1–7", "got 8"],
        ),
        (
            [{**TRAINING, "trials_per_session": 0}],
            "components[0].trials_per_session",
            ["1–1000", "got 0"],
        ),
        ([{**TRAINING, "start_day": -1}], "components[0].start_day", ["0–3650", "got -1"]),
        ([{**TRAINING, "duration_days": 0}], "components[0].duration_days", ["1–3650"]),
        (
            [TRAINING, {**RTMS, "intensity_pct_rmt": 150}],
            "components[1].intensity_pct_rmt",
            ["80–120 % RMT"],
        ),
        (
            [TRAINING, {**RTMS, "frequency_hz": 10}],
            "components[1].frequency_hz",
            ["0.2–1 Hz", "rtms_1hz"],
        ),
        (
            [TRAINING, {**RTMS, "method": "ctbs", "pulses": 3000}],
            "components[1].pulses",
            ["300–1800 pulses"],
        ),
        (
            [TRAINING, {**RTMS, "method": "tdcs_anodal", "current_ma": 6}],
            "components[1].current_ma",
            ["0.5–4 mA"],
        ),
        (
            [TRAINING, {**RTMS, "method": "tdcs_anodal", "minutes": 60}],
            "components[1].minutes",
            ["5–40 min"],
        ),
        # not finite, wrong type
        (
            [TRAINING, {**VNS, "current_ma": float("nan")}],
            "components[1].current_ma",
            ["finite", "nan"],
        ),
        (
            [{**TRAINING, "trials_per_session": True}],
            "components[0].trials_per_session",
            ["number", "true"],
        ),
        (
            [{**TRAINING, "trials_per_session": 2.5}],
            "components[0].trials_per_session",
            ["whole number", "2.5"],
        ),
        ([TRAINING, {**RTMS, "sham": "yes"}], "components[1].sham", ["true or false", "'yes'"]),
        # unknown kind / method / target / field / family
        ([{**TRAINING, "kind": "yoga"}], "components[0].kind", ["'yoga'", "vns", "drug"]),
        (
            [TRAINING, {**RTMS, "method": "ect"}],
            "components[1].method",
            ["'rtms_1hz'", "'tdcs_dual'", "got 'ect'"],
        ),
        (
            [TRAINING, {**RTMS, "target": "cerebellum"}],
            "components[1].target",
            ["'contralesional_m1'", "got 'cerebellum'"],
        ),
        (
            [{**TRAINING, "trails_per_session": 3}],
            "components[0].trails_per_session",
            ["unknown field", "trials_per_session"],
        ),
        (
            [TRAINING, {**RTMS, "method": "tdcs_anodal", "frequency_hz": 1.0}],
            "components[1].frequency_hz",
            ["does not apply", "current_ma"],
        ),
        (
            [{**TRAINING, "task_mix": {"juggling": 1.0}}],
            "components[0].task_mix.juggling",
            ["unknown task family", "fine_pinch"],
        ),
        (
            [{**TRAINING, "task_mix": {"proximal_reach": 0.5}}],
            "components[0].task_mix",
            ["sum to 1", "0.5"],
        ),
        ([{**CIMT, "task_mix": {"bimanual": 1.0}}], "components[0].task_mix.bimanual", ["mitt"]),
        (
            [TRAINING, {**RTMS, "method": "tdcs_dual", "target": "ipsilesional_premotor"}],
            "components[1].target",
            ["M1"],
        ),
        # doses
        (
            [
                {
                    "kind": "drug",
                    "start_day": 5,
                    "duration_days": 90,
                    "agent": "ssri",
                    "dose_mg": -20,
                }
            ],
            "components[0].dose_mg",
            ["≥ 0 mg/day", "got -20"],
        ),
        (
            [
                {
                    "kind": "drug",
                    "start_day": 5,
                    "duration_days": 90,
                    "agent": "ssri",
                    "dose_mg": 500,
                }
            ],
            "components[0].dose_mg",
            ["10–80 mg/day", "ssri"],
        ),
        (
            [{"kind": "drug", "start_day": 5, "duration_days": 90, "agent": "cocaine"}],
            "components[0].agent",
            ["'ssri'", "'levodopa'", "'placebo'"],
        ),
        # clashes between components
        (
            [TRAINING, RTMS, {**RTMS, "method": "itbs", "target": "ipsilesional_m1"}],
            "components[2].method",
            ["'itbs'", "'rtms_1hz'", "day 14", "components[1]"],
        ),
        ([TRAINING, RTMS, RTMS], "components[2].target", ["same target"]),
        (
            [
                TRAINING,
                {**RTMS, "method": "tdcs_dual", "target": "ipsilesional_m1"},
                {**RTMS, "method": "tdcs_dual", "target": "contralesional_m1"},
            ],
            "components[2].target",
            ["same target"],
        ),
        (
            [CIMT, {**TRAINING, "kind": "robot", "start_day": 20}],
            "components[1].kind",
            ["robot overlaps cimt", "day 20"],
        ),
        (
            [CIMT, {**TRAINING, "kind": "bimanual_training", "start_day": 19, "duration_days": 2}],
            "components[1].kind",
            ["mitt", "day 19"],
        ),
        ([TRAINING, VNS, VNS], "components[2]", ["one VNS regime"]),
        (
            [
                {"kind": "drug", "start_day": 5, "duration_days": 90, "agent": "ssri"},
                {"kind": "drug", "start_day": 50, "duration_days": 9, "agent": "ssri"},
            ],
            "components[1].agent",
            ["day 50", "same agent"],
        ),
        (
            [TRAINING, {**VNS, "paired_trials_per_session": 400}],
            "components[1].paired_trials_per_session",
            ["at most", "300"],
        ),
        # stimulation without training on its days
        ([RTMS], "components[0]", ["no training", "day 14"]),
        ([{**TRAINING, "sessions_per_week": 3}, RTMS], "components[1]", ["no training", "day 17"]),
        ([TRAINING, {**VNS, "start_day": 30}], "components[1]", ["no training", "day 30"]),
    ],
)
def test_invalid_component_is_rejected_naming_the_field(
    components: list[dict[str, Any]], field: str, phrases: list[str]
) -> None:
    error = rejected(protocol(*components))
    assert error.field == field
    for phrase in phrases:
        assert phrase in error.problem


@pytest.mark.parametrize(
    ("data", "field", "phrase"),
    [
        ({"components": []}, "name", "required field is missing"),
        ({"name": "", "components": []}, "name", "at least 1 character"),
        ({"name": "x"}, "components", "required field is missing"),
        ({"name": "x", "components": {"kind": "vns"}}, "components", "must be a list"),
        ({"name": "x", "components": [], "colour": "red"}, "colour", "unknown field"),
    ],
)
def test_invalid_document_is_rejected(data: dict[str, Any], field: str, phrase: str) -> None:
    error = rejected(data)
    assert error.field == field
    assert phrase in error.problem


def test_cimt_mitt_weekend_clashes_with_robot_on_a_weekend() -> None:
    cimt = {**CIMT, "mitt_days_per_week": 7}
    robot = {
        **TRAINING,
        "kind": "robot",
        "start_day": 19,
        "duration_days": 2,
        "sessions_per_week": 7,
    }
    assert rejected(protocol(cimt, robot)).field == "components[1].kind"


def test_compatible_overlaps_are_accepted() -> None:
    parse_protocol(protocol(TRAINING, {**TRAINING, "kind": "robot"}))  # two kinds of training
    parse_protocol(protocol(TRAINING, RTMS, {**RTMS, "target": "ipsilesional_m1"}))
    parse_protocol(protocol(CIMT, {**TRAINING, "start_day": 28}))
    parse_protocol(
        protocol(
            {"kind": "drug", "start_day": 5, "duration_days": 90, "agent": "ssri"},
            {"kind": "drug", "start_day": 5, "duration_days": 21, "agent": "levodopa"},
        )
    )


def test_python_construction_validates_too() -> None:
    with pytest.raises(pydantic.ValidationError):
        BrainStimulation(start_day=0, duration_days=1, method="itbs", target="x")  # type: ignore[arg-type]
    with pytest.raises(pydantic.ValidationError, match="no training"):
        Protocol(
            name="p",
            components=[
                BrainStimulation(
                    start_day=0, duration_days=1, method="itbs", target="ipsilesional_m1"
                )
            ],
        )
    assert Drug(start_day=5, duration_days=90, agent="levodopa").dose_mg == 100.0


def test_protocol_is_frozen() -> None:
    parsed = parse_protocol(protocol(TRAINING))
    with pytest.raises(pydantic.ValidationError):
        parsed.name = "other"  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError):
        parsed.components[0].trials_per_session = 5  # type: ignore[union-attr,misc]


@given(training_protocols())
def test_generated_training_protocols_are_valid(data: dict[str, Any]) -> None:
    parsed = parse_protocol(data)
    assert all(isinstance(c, TaskTraining) for c in parsed.components)


# --- files ----------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "protocol.toml"
    path.write_text(text, encoding="utf-8")
    return path


VNS_TOML = """
name = "vns"

[[components]]
kind = "task_training"
start_day = 14
duration_days = 14
trials_per_session = 300

[[components]]
kind = "vns"
start_day = 14
duration_days = 14
current_ma = {current}
"""


def test_load_protocol_reads_toml(tmp_path: Path) -> None:
    parsed = load_protocol(write(tmp_path, VNS_TOML.format(current="0.8")))
    assert parsed.components[1].current_ma == 0.8


def test_toml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "x"\n\n[[components]]\nkind = "vns\n')
    with pytest.raises(UserInputError) as info:
        load_protocol(path)
    assert info.value.field == str(path)
    assert "line 4" in info.value.problem
    assert "\n" not in str(info.value)


def test_out_of_range_in_file_names_field_and_file(tmp_path: Path) -> None:
    path = write(tmp_path, VNS_TOML.format(current="5.0"))
    with pytest.raises(UserInputError) as info:
        load_protocol(path)
    assert info.value.field == "components[1].current_ma"
    assert "0–3.5 mA" in info.value.problem
    assert str(path) in info.value.problem


def test_nan_in_file_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(UserInputError) as info:
        load_protocol(write(tmp_path, VNS_TOML.format(current="nan")))
    assert info.value.field == "components[1].current_ma"
    assert "finite" in info.value.problem


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="not found"):
        load_protocol(tmp_path / "absent.toml")


# --- the reusable converter -------------------------------------------------------------


class _Dose(pydantic.BaseModel):
    current_ma: float
    label: str = "a"


def test_first_validation_error_is_reusable() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        _Dose.model_validate({"current_ma": "high", "label": 3})
    error = first_validation_error(info.value, "cohort.arms[0]")
    assert error.field == "cohort.arms[0].current_ma"
    assert "got 'high'" in error.problem
    assert "\n" not in str(error)
