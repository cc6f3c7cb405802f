"""Patient records (strokesim.predict.record): formats, validation, CSV ↔ TOML."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from strokesim.errors import UserInputError
from strokesim.predict.record import (
    Observation,
    load_records,
    record_from_toml,
    records_from_csv,
)

TODAY = dt.date(2026, 6, 1)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "records"

_HEAD = "patient,date,day,measure,value\n"
_FACTS = "P1,,,age,70\nP1,,,affected_side,left\nP1,,,stroke_date,2026-03-01\n"


def _csv(rows: str, facts: str = _FACTS):
    return records_from_csv(_HEAD + facts + rows, today=TODAY)


def _toml(observations: list[dict], **facts):
    doc = {"id": "P1", "age": 70, "affected_side": "left", "stroke_date": dt.date(2026, 3, 1)}
    doc.update(facts)
    doc["observations"] = observations
    return record_from_toml({k: v for k, v in doc.items() if v is not None}, today=TODAY)


def test_csv_record_is_parsed_into_sorted_days() -> None:
    (rec,) = _csv("P1,2026-03-15,,fma_ue,30\nP1,,3,fma_ue,20\nP1,2026-03-04,,mep,+\n")
    assert rec.patient_id == "P1" and rec.age == 70 and rec.affected_side == "left"
    assert rec.stroke_date == dt.date(2026, 3, 1)
    assert rec.series("fma_ue") == {3: 20, 14: 30}
    assert list(rec.series("fma_ue")) == [3, 14]
    assert rec.series("mep") == {3: True}
    assert rec.observations[0] == Observation(3, "fma_ue", 20)
    assert rec.measures() == ("fma_ue", "mep")
    with pytest.raises(AttributeError):
        rec.age = 50  # type: ignore[misc]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("present", True),
        ("absent", False),
        ("true", True),
        ("FALSE", False),
        ("+", True),
        ("-", False),
    ],
)
def test_mep_spellings(raw, expected) -> None:
    (rec,) = _csv(f"P1,,3,mep,{raw}\n")
    assert rec.series("mep") == {3: expected}


def test_every_measure_kind_is_accepted() -> None:
    rows = (
        "P1,,3,fma_ue,66\nP1,,3,fma_ue.wrist_stability_15deg_dorsiflexion,2\nP1,,3,arat,57\n"
        "P1,,3,safe,10\nP1,,3,mrc_finger_extension,5\nP1,,3,nihss,42\nP1,,3,mep,absent\n"
        "P1,,3,mep_amplitude_mv,0\nP1,,3,cst_lesion_load,1\nP1,,3,lesion_volume_ml,0.5\n"
        "P1,,3,mas_elbow,1+\nP1,,3,dexterity,112.5\n"
    )
    from strokesim.model.anatomy import FMA_ITEMS

    rows = rows.replace("wrist_stability_15deg_dorsiflexion", FMA_ITEMS[18])
    (rec,) = _csv(rows)
    assert len(rec.observations) == 12
    assert rec.series("mas_elbow") == {3: "1+"}
    assert rec.series("dexterity") == {3: 112.5}
    assert rec.series("cst_lesion_load") == {3: 1.0}


@pytest.mark.parametrize(
    ("row", "field", "fragment"),
    [
        ("P1,,3,fma_ue,70", "line 5.value", "fma_ue must be an integer in 0–66, got '70'"),
        ("P1,,3,fma_ue,-1", "line 5.value", "0–66"),
        ("P1,,3,fma_ue,30.5", "line 5.value", "0–66"),
        ("P1,2026-02-27,,fma_ue,30", "line 5.date", "before the stroke"),
        ("P1,,-2,fma_ue,30", "line 5.day", "before the stroke"),
        ("P1,,3,safe,11", "line 5.value", "safe must be an integer in 0–10"),
        ("P1,,3,mep,maybe", "line 5.value", "mep must be present/absent"),
        ("P1,,3,grip_kg,30", "line 5.measure", "unknown measure 'grip_kg'"),
        ("P1,,3,mrc_toe,3", "line 5.measure", "unknown measure"),
        ("P1,,3,arat,58", "line 5.value", "0–57"),
        ("P1,,3,nihss,43", "line 5.value", "0–42"),
        ("P1,,3,cst_lesion_load,1.2", "line 5.value", "0–1"),
        ("P1,,3,lesion_volume_ml,0", "line 5.value", "> 0"),
        ("P1,,3,mep_amplitude_mv,-0.1", "line 5.value", "≥ 0"),
        ("P1,,3,dexterity,-3", "line 5.value", "dexterity must be a number in 0–200"),
        ("P1,,3,dexterity,250", "line 5.value", "0–200"),
        ("P1,,3,mas_elbow,2+", "line 5.value", "0, 1, 1+, 2, 3, 4"),
        ("P1,,3,fma_ue,", "line 5.value", "missing"),
        ("P1,,,fma_ue,30", "line 5.day", "missing"),
        ("P1,2026-03-04,5,fma_ue,30", "line 5.day", "the date gives day 3"),
        ("P1,2026-07-01,,fma_ue,30", "line 5.date", "future"),
        (",,3,fma_ue,30", "line 5.patient", "missing patient id"),
    ],
)
def test_bad_csv_observation_is_one_line_naming_the_field(row, field, fragment) -> None:
    with pytest.raises(UserInputError) as err:
        _csv(row + "\n")
    assert err.value.field == field
    assert fragment in err.value.problem
    assert "\n" not in str(err.value)


def test_same_measure_twice_on_one_day() -> None:
    (rec,) = _csv("P1,,3,fma_ue,30\nP1,2026-03-04,,fma_ue,30\n")
    assert rec.series("fma_ue") == {3: 30}
    with pytest.raises(UserInputError, match=r"line 6.value: fma_ue on day 3 is 31"):
        _csv("P1,,3,fma_ue,30\nP1,2026-03-04,,fma_ue,31\n")


@pytest.mark.parametrize(
    ("facts", "field", "fragment"),
    [
        ("P1,,,affected_side,left\n", "patients.P1.age", "missing"),
        ("P1,,,age,12\nP1,,,affected_side,left\n", "line 2.value", "18–110"),
        ("P1,,,age,70\n", "patients.P1.affected_side", "missing"),
        ("P1,,,age,70\nP1,,,affected_side,up\n", "line 3.value", "left or right"),
        (
            "P1,,,age,70\nP1,,,affected_side,left\nP1,,,stroke_date,2027-01-01\n",
            "line 4.value",
            "future",
        ),
    ],
)
def test_bad_csv_patient_facts(facts, field, fragment) -> None:
    with pytest.raises(UserInputError) as err:
        _csv("P1,,3,fma_ue,30\n", facts=facts)
    assert err.value.field == field and fragment in err.value.problem


def test_date_without_stroke_date_is_rejected() -> None:
    with pytest.raises(UserInputError, match=r"line 4.date: needs the patient's stroke_date"):
        _csv("P1,2026-03-04,,fma_ue,30\n", facts="P1,,,age,70\nP1,,,affected_side,left\n")


@pytest.mark.parametrize(
    ("obs", "facts", "message"),
    [
        (
            [{"day": 3, "measure": "fma_ue", "value": 70}],
            {},
            "observations[0].value: fma_ue must be an integer in 0–66, got 70",
        ),
        (
            [{"day": 3, "measure": "safe", "value": 4}, {"day": 3, "measure": "safe", "value": 11}],
            {},
            "observations[1].value: safe must be an integer in 0–10, got 11",
        ),
        ([{"day": 3, "measure": "mep", "value": "maybe"}], {}, "observations[0].value: mep must"),
        (
            [{"date": dt.date(2026, 2, 1), "measure": "arat", "value": 3}],
            {},
            "observations[0].date: a visit before the stroke",
        ),
        (
            [
                {"day": 3, "measure": "fma_ue", "value": 3},
                {"day": 3, "measure": "fma_ue", "value": 4},
            ],
            {},
            "observations[1].value: fma_ue on day 3 is 4",
        ),
        ([{"day": 3, "measure": "fugl", "value": 3}], {}, "observations[0].measure: unknown"),
        ([{"day": 3, "measure": "nihss", "value": True}], {}, "observations[0].value: nihss"),
        ([], {"stroke_date": dt.date(2027, 1, 1)}, "stroke_date: is in the future"),
        ([], {"id": None}, "id: missing patient id"),
        ([], {"age": None}, "age: missing"),
        (
            [{"day": 3, "measure": "fma_ue", "value": 3, "rater": "x"}],
            {},
            "observations[0].rater: unknown field",
        ),
    ],
)
def test_bad_toml_record(obs, facts, message) -> None:
    with pytest.raises(UserInputError) as err:
        _toml(obs, **facts)
    assert str(err.value).startswith(message)


def test_csv_and_toml_give_the_same_record(tmp_path) -> None:
    csv_text = (
        _HEAD
        + _FACTS
        + (
            "P1,2026-03-04,,fma_ue,20\nP1,,3,mep,absent\nP1,,7,mas_elbow,1+\n"
            "P1,2026-03-15,,cst_lesion_load,0.4\nP1,,14,fma_ue,26\n"
        )
    )
    toml_text = (
        'id = "P1"\nage = 70\naffected_side = "left"\nstroke_date = 2026-03-01\n'
        '[[observations]]\nday = 14\nmeasure = "fma_ue"\nvalue = 26\n'
        '[[observations]]\ndate = 2026-03-04\nmeasure = "fma_ue"\nvalue = 20\n'
        '[[observations]]\nday = 3\nmeasure = "mep"\nvalue = false\n'
        '[[observations]]\nday = 7\nmeasure = "mas_elbow"\nvalue = "1+"\n'
        '[[observations]]\ndate = 2026-03-15\nmeasure = "cst_lesion_load"\nvalue = 0.4\n'
    )
    (tmp_path / "r.csv").write_text(csv_text, encoding="utf-8")
    (tmp_path / "r.toml").write_text(toml_text, encoding="utf-8")
    assert load_records(tmp_path / "r.csv", today=TODAY) == load_records(
        tmp_path / "r.toml", today=TODAY
    )
    assert (
        record_from_toml(tomllib.loads(toml_text), today=TODAY)
        == _csv(csv_text.removeprefix(_HEAD + _FACTS))[0]
    )


def test_example_records_load() -> None:
    csv_records = load_records(EXAMPLES / "two_patients.csv", today=TODAY)
    assert [r.patient_id for r in csv_records] == ["P01", "P02"]
    assert csv_records[0].series("fma_ue") == {3: 21, 7: 28, 14: 35}
    assert csv_records[1].stroke_date is None
    (toml_record,) = load_records(EXAMPLES / "patient.toml", today=TODAY)
    assert toml_record.series("fma_ue") == {3: 34, 7: 41}


def test_unsupported_file_is_rejected(tmp_path) -> None:
    with pytest.raises(UserInputError, match=r"must be a \.csv or \.toml"):
        load_records(tmp_path / "r.xlsx")
    with pytest.raises(UserInputError, match="file not found"):
        load_records(tmp_path / "missing.csv")
