"""PatientSpec validation: bad patient files give one-line errors naming the field."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from pydantic import ValidationError

from strokesim import UserInputError, load_patients
from strokesim.patient import ClinicalDescriptors, LesionSpec, PatientSpec
from strokesim.testing.strategies import clinical_descriptors, patient_specs

HEADER = '[patient]\nid = "p1"\nage = 60\naffected_side = "left"\n'
LESION = "[patient.lesion]\naffected = 0.3\ncst_load = 0.2\n"
CLINICAL = "[patient.clinical]\nfma_ue = 30\nmep_present = true\n"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "patient.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _error(tmp_path: Path, text: str) -> UserInputError:
    with pytest.raises(UserInputError) as info:
        load_patients(_write(tmp_path, text))
    message = str(info.value)
    assert "\n" not in message, message
    assert message.startswith(f"{info.value.field}: "), message
    return info.value


def test_valid_lesion_and_clinical_patients_load(tmp_path) -> None:
    (lesion,) = load_patients(_write(tmp_path, HEADER + LESION))
    assert lesion.lesion == LesionSpec(affected=0.3, cst_load=0.2)
    assert lesion.clinical is None
    (clinical,) = load_patients(_write(tmp_path, HEADER + CLINICAL))
    assert clinical.clinical == ClinicalDescriptors(fma_ue=30, mep_present=True)
    assert clinical.clinical.assessed_day == 3


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        pytest.param(
            HEADER + "[patient.clinical]\nfma_ue = 70\n",
            "patient.clinical.fma_ue",
            ("66", "70"),
            id="fma-ue-70",
        ),
        pytest.param(
            HEADER + "[patient.clinical]\nfma_ue = -1\n",
            "patient.clinical.fma_ue",
            ("0", "-1"),
            id="fma-ue-negative",
        ),
        pytest.param(
            HEADER.replace('"left"', '"up"') + LESION,
            "patient.affected_side",
            ("left", "right", "up"),
            id="unknown-side",
        ),
        pytest.param(
            HEADER.replace("age = 60\n", "") + LESION,
            "patient.age",
            ("missing",),
            id="missing-age",
        ),
        pytest.param(
            HEADER + LESION.replace("affected = 0.3", "affected = nan"),
            "patient.lesion.affected",
            ("finite", "nan"),
            id="nan-affected",
        ),
        pytest.param(
            HEADER.replace("age = 60", "age = inf") + LESION,
            "patient.age",
            ("finite",),
            id="infinite-age",
        ),
        pytest.param(
            HEADER + LESION + CLINICAL,
            "patient",
            ("exactly one", "lesion", "clinical"),
            id="both-lesion-and-clinical",
        ),
        pytest.param(HEADER, "patient", ("exactly one",), id="neither"),
        pytest.param(
            HEADER + LESION.replace("cst_load = 0.2", "cst_load = 1.2"),
            "patient.lesion.cst_load",
            ("1", "1.2"),
            id="load-above-1",
        ),
        pytest.param(
            HEADER.replace("age = 60", "age = 12") + LESION,
            "patient.age",
            ("18", "12"),
            id="age-below-18",
        ),
        pytest.param(
            HEADER + LESION + "colour = 1\n",
            "patient.lesion.colour",
            ("unknown",),
            id="unknown-field",
        ),
        pytest.param(
            HEADER.replace('"p1"', '"p 1"') + LESION,
            "patient.id",
            ("p 1",),
            id="bad-id",
        ),
        pytest.param(
            HEADER + "[patient.clinical]\nfma_ue = 30\nsafe = 11\n",
            "patient.clinical.safe",
            ("10", "11"),
            id="safe-11",
        ),
    ],
)
def test_bad_patient_file_names_the_field(tmp_path, text, field, words) -> None:
    error = _error(tmp_path, text)
    assert error.field == field
    for word in words:
        assert word in error.problem, (word, error.problem)


def test_patients_array_names_the_entry_and_rejects_duplicate_ids(tmp_path) -> None:
    entry = HEADER.replace("[patient]", "[[patients]]") + LESION.replace(
        "[patient.lesion]", "[patients.lesion]"
    )
    assert len(load_patients(_write(tmp_path, entry + entry.replace('"p1"', '"p2"')))) == 2
    bad = entry + entry.replace('"p1"', '"p2"').replace("age = 60", "age = 200")
    assert _error(tmp_path, bad).field == "patients[1].age"
    assert _error(tmp_path, entry + entry).field == "patients.id"


def test_missing_file_and_missing_table(tmp_path) -> None:
    with pytest.raises(UserInputError, match="file not found"):
        load_patients(tmp_path / "absent.toml")
    assert "missing table" in _error(tmp_path, 'title = "no patient"\n').problem


def test_python_construction_rejects_nan_and_out_of_range() -> None:
    with pytest.raises(ValidationError):
        LesionSpec(affected=math.nan, cst_load=0.2)
    with pytest.raises(ValidationError):
        PatientSpec(
            id="p",
            age=60,
            affected_side="left",
            lesion=LesionSpec(affected=0.1, cst_load=0.1),
            clinical=ClinicalDescriptors(fma_ue=10),
        )


@settings(max_examples=25, deadline=None)
@given(spec=patient_specs())
def test_generated_patients_round_trip_through_json(spec) -> None:
    assert PatientSpec.model_validate_json(spec.model_dump_json()) == spec


@settings(max_examples=25, deadline=None)
@given(clinical=clinical_descriptors())
def test_generated_clinical_descriptors_are_valid(clinical) -> None:
    spec = PatientSpec(id="c1", age=70, affected_side="right", clinical=clinical)
    assert spec.lesion is None and spec.clinical == clinical
