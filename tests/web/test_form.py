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


# --- the plan's options: read and checked as `strokesim plan` reads and checks them ---------


def test_plan_options_are_the_clis_settings() -> None:
    from dataclasses import replace

    from strokesim.predict.knobs import parse_minutes, parse_start_days

    form = _form(
        protocols=["vr_training", "cimt_2_weeks"], start_day="10, 12", minutes_per_session="45"
    )
    _, settings = record_from_form(form, TINY, today=TODAY)
    assert settings == replace(
        TINY,
        protocols=("vr_training", "cimt_2_weeks"),
        start_day=parse_start_days("10, 12"),
        minutes_per_session=parse_minutes("45"),
    )
    assert settings.start_day == (10, 12) and settings.minutes_per_session == (45.0,)
    # left empty: the server's protocols, each one's start and dose
    _, settings = record_from_form(_form(), TINY, today=TODAY)
    assert settings == TINY


def test_the_form_reads_the_checkboxes_and_tells_none_from_not_shown() -> None:
    fields = {"protocols": ["cimt_2_weeks", "vr_training"], "plan_options": "1"}

    def getlist(name):
        value = fields.get(name, [])
        return value if isinstance(value, list) else [value]

    assert FormInput.from_form(fields, getlist).protocols == ["cimt_2_weeks", "vr_training"]
    fields = {"plan_options": "1"}  # every box unchecked
    assert FormInput.from_form(fields, getlist).protocols == []
    fields = {}  # a post without the section: the server's protocols
    assert FormInput.from_form(fields, getlist).protocols is None


@pytest.mark.parametrize(
    ("changes", "key", "message"),
    [
        ({"protocols": []}, "protocols", "name at least one protocol"),
        ({"protocols": ["no_such_protocol"]}, "protocols", "unknown protocol 'no_such_protocol'"),
        (
            {"start_day": "soon"},
            "start_day",
            "must be integers (days since stroke), got 'soon'",
        ),
        (
            {"start_day": "2"},
            "start_day",
            "must be an integer in 4–29 (after patient's last observation, before the "
            "horizon), got 2",
        ),
        (
            {"start_day": "30"},
            "start_day",
            "must be an integer in 4–29 (after patient's last observation, before the "
            "horizon), got 30",
        ),
        (
            {"start_day": "10,12,14"},
            "start_day",
            "must give 1 or 2 values (one per protocol), got 3",
        ),
        (
            {"minutes_per_session": "600"},
            "minutes_per_session",
            "must be a number in 1–480, got 600",
        ),
        ({"minutes_per_session": "0"}, "minutes_per_session", "must be a number in 1–480, got 0"),
        ({"minutes_per_session": "long"}, "minutes_per_session", "must be numbers in 1–480"),
        (  # a dose outside a component's range (rTMS + 480 min of training: 2400 trials)
            {"minutes_per_session": "480"},
            "minutes_per_session",
            "must be in 1–1000 trials, got 2400",
        ),
    ],
)
def test_each_bad_plan_option_gets_the_cli_message_beside_its_field(changes, key, message) -> None:
    with pytest.raises(FormErrors) as caught:
        record_from_form(_form(**changes), TINY, today=TODAY)
    errors = caught.value.errors
    assert errors[key].startswith(message), errors
    assert list(errors) == [key]  # nothing else blamed
    option = {"start_day": "--start-day", "minutes_per_session": "--minutes-per-session"}
    if key in option:  # the line names the CLI's option, as `strokesim plan` prints it
        assert caught.value.lines[0].startswith("error: ") and option[key] in caught.value.lines[0]


def test_every_bad_option_is_shown_at_once() -> None:
    with pytest.raises(FormErrors) as caught:
        record_from_form(
            _form(horizon="x", start_day="soon", minutes_per_session="long", age="17"),
            TINY,
            today=TODAY,
        )
    assert {"horizon", "start_day", "minutes_per_session", "age"} <= set(caught.value.errors)
    with pytest.raises(FormErrors) as caught:  # one unreadable, the others out of range
        record_from_form(
            _form(horizon="x", protocols=[], minutes_per_session="600"), TINY, today=TODAY
        )
    assert set(caught.value.errors) == {"horizon", "protocols", "minutes_per_session"}


def test_an_upload_checks_the_start_day_beside_its_field() -> None:
    from strokesim.web.form import checked_settings

    settings = checked_settings(FormInput(start_day="5"), TINY)  # the CSV's last day is 7
    with pytest.raises(FormErrors) as caught:
        record_from_upload("r.csv", "text/csv", CSV.encode(), settings, today=TODAY)
    assert caught.value.errors == {
        "start_day": "must be an integer in 8–29 (after S1's last observation, before the "
        "horizon), got 5"
    }
    with pytest.raises(FormErrors) as caught:
        checked_settings(FormInput(protocols=[], minutes_per_session="600"), TINY)
    assert caught.value.errors == {  # both at once
        "protocols": "name at least one protocol",
        "minutes_per_session": "must be a number in 1–480, got 600",
    }
