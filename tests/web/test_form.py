"""The page's form and upload are read by the CLI's record reader, with its messages."""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from strokesim.web.form import (
    MAX_UPLOAD_BYTES,
    FormErrors,
    FormInput,
    FormRow,
    UploadRejected,
    record_from_form,
    record_from_upload,
)

from .conftest import TINY

TODAY = dt.date(2026, 6, 1)


def _form(**changes) -> FormInput:
    base = FormInput(
        age="67",
        affected_side="left",
        stroke_date="2026-03-02",
        rows=[
            FormRow(date="2026-03-05", measure="fma_ue", value="21"),
            FormRow(date="2026-03-05", measure="safe", value="5"),
            FormRow(day="3", measure="mep", value="present"),
            FormRow(),
        ],
    )
    for k, v in changes.items():
        setattr(base, k, v)
    return base


def test_a_valid_form_is_the_record_the_cli_reads() -> None:
    from strokesim.predict.record import record_from_toml

    record, settings = record_from_form(_form(), TINY, today=TODAY)
    same = record_from_toml(
        {
            "id": "patient",
            "age": 67,
            "affected_side": "left",
            "stroke_date": dt.date(2026, 3, 2),
            "observations": [
                {"day": 3, "measure": "fma_ue", "value": 21},
                {"day": 3, "measure": "safe", "value": 5},
                {"day": 3, "measure": "mep", "value": "present"},
            ],
        },
        today=TODAY,
    )
    assert record == same
    assert settings == TINY


def test_every_bad_field_gets_the_cli_message_at_once() -> None:
    rows = [
        FormRow(date="2026-03-05", measure="fma_ue", value="70"),
        FormRow(date="2026-02-20", measure="arat", value="10"),
        FormRow(day="3", measure="mep", value="maybe"),
    ]
    with pytest.raises(FormErrors) as caught:
        record_from_form(_form(age="17", rows=rows), TINY, today=TODAY)
    e = caught.value.errors
    assert e["age"] == "must be a number in 18–110 years, got '17'"
    assert e["obs-0-value"] == "fma_ue must be an integer in 0–66, got '70'"
    assert "a visit before the stroke" in e["obs-1-date"]
    assert e["obs-2-value"].startswith("mep must be present/absent")
    assert caught.value.lines[0] == "error: age: must be a number in 18–110 years, got '17'"


def test_future_stroke_date_missing_fields_and_horizon() -> None:
    with pytest.raises(FormErrors) as caught:
        record_from_form(
            _form(stroke_date="2026-07-01", affected_side="", age="", horizon="9"),
            TINY,
            today=TODAY,
        )
    e = caught.value.errors
    assert e["stroke_date"].startswith("is in the future")
    assert e["affected_side"] == "missing (left or right)"
    assert e["age"] == "missing (the age at stroke, years)"
    assert e["horizon"].startswith("must be an integer in 14–")
    assert not any(k.startswith("obs-") for k in e)  # rows with dates are not blamed


def test_no_observations_and_a_visit_at_the_horizon() -> None:
    with pytest.raises(FormErrors) as caught:
        record_from_form(_form(rows=[FormRow()]), TINY, today=TODAY)
    assert caught.value.errors["observations"] == "has no observations"
    with pytest.raises(FormErrors) as caught:
        record_from_form(_form(rows=[FormRow(day="40", measure="fma_ue", value="30")]), TINY)
    assert caught.value.errors["horizon"] == "must be after patient's last observation day 40"


CSV = (
    "patient,date,day,measure,value\nS1,,,age,67\nS1,,,affected_side,left\n"
    "S1,,3,fma_ue,21\nS1,,7,fma_ue,28\n"
)


def test_upload_is_read_as_the_cli_reads_csv() -> None:
    from strokesim.predict.record import records_from_csv

    record = record_from_upload("r.csv", "text/csv", CSV.encode(), TINY, today=TODAY)
    assert record == records_from_csv(CSV, today=TODAY)[0]


@pytest.mark.parametrize(
    ("name", "kind", "raw", "status", "words"),
    [
        ("big.csv", "text/csv", b"x" * (MAX_UPLOAD_BYTES + 1), 413, "capped at 1 MB"),
        ("r.xlsx", "application/octet-stream", b"PK\x03\x04", 415, "must be a .csv"),
        ("r.csv", "image/png", b"\x89PNG\r\n", 415, "PNG image"),
        ("r.csv", "application/json", CSV.encode(), 415, "not a CSV text file"),
        ("r.csv", "text/csv", b"a,b\x00", 415, "binary"),
        ("r.csv", "text/csv", b"\xff\xfe\xfa", 415, "UTF-8"),
    ],
)
def test_uploads_are_capped_and_type_checked(name, kind, raw, status, words) -> None:
    with pytest.raises(UploadRejected) as caught:
        record_from_upload(name, kind, raw, TINY, today=TODAY)
    assert caught.value.status == status and words in caught.value.message


def test_a_bad_csv_gets_the_cli_message_and_two_patients_are_refused() -> None:
    with pytest.raises(FormErrors) as caught:
        record_from_upload("r.csv", "text/csv", CSV.replace("21", "70").encode(), TINY)
    assert caught.value.errors["csv"] == "line 4.value: fma_ue must be an integer in 0–66, got '70'"
    two = CSV + "S2,,,age,50\nS2,,,affected_side,right\nS2,,3,fma_ue,10\n"
    with pytest.raises(FormErrors) as caught:
        record_from_upload("r.csv", "text/csv", two.encode(), TINY)
    assert "holds 2 patients (S1, S2)" in caught.value.errors["csv"]
