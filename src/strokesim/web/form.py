"""The page's patient form and CSV upload, validated by the CLI's record reader.

The form is turned into the TOML-shaped document that
:func:`strokesim.predict.record.record_from_toml` reads, and the upload is read
by :func:`strokesim.predict.record.records_from_csv`, so the page accepts
exactly what ``strokesim predict`` accepts, with the same one-line messages.
The plan's options (the candidate protocols, the start day(s) of the added
therapy and the minutes per session) are read by the functions that read
``strokesim plan``'s ``--protocols``, ``--start-day`` and
``--minutes-per-session`` (:mod:`strokesim.predict.knobs`) and checked as the
CLI checks them. Each message is attached to the form field it names (``age``,
``observations[2].value`` → the third filled observation row's value, ...). The
reader stops at its first problem; to show every problem at once, the offending
fact is replaced by a placeholder, or the offending row left out, and the record
read again (at most once per field).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from strokesim.errors import UserInputError
from strokesim.predict.knobs import (
    MINUTES_OPTION,
    START_DAY_OPTION,
    parse_minutes,
    parse_start_days,
)
from strokesim.predict.pipeline import Settings, candidates, check_settings
from strokesim.predict.record import PatientRecord, record_from_toml, records_from_csv

__all__ = [
    "FORM_MEASURES",
    "MAX_UPLOAD_BYTES",
    "FormErrors",
    "FormInput",
    "FormRow",
    "UploadRejected",
    "checked_settings",
    "record_from_form",
    "record_from_upload",
]

#: Measures offered by the form's drop-down: name -> label (with the allowed values).
FORM_MEASURES: dict[str, str] = {
    "fma_ue": "FMA-UE motor (0–66)",
    "arat": "ARAT (0–57)",
    "safe": "SAFE (0–10)",
    "nihss": "NIHSS (0–42)",
    "mep": "MEP (present / absent)",
    "mep_amplitude_mv": "MEP amplitude (mV)",
    "cst_lesion_load": "CST lesion load (0–1)",
    "lesion_volume_ml": "Lesion volume (mL)",
}
#: Largest upload accepted, bytes (1 MB).
MAX_UPLOAD_BYTES = 1_000_000
#: Empty observation rows shown on a fresh form.
BLANK_ROWS = 4
_ROW_FIELD = re.compile(r"^observations\[(\d+)\]\.(date|day|measure|value)$")
_PLACEHOLDERS = {"age": "60", "affected_side": "left", "stroke_date": None, "id": "patient"}
_NEEDS_STROKE = "needs the patient's stroke_date"
# The CLI's option (or the planner's field) -> the form field its message goes beside.
_OPTION_KEYS = {
    "--protocols": "protocols",
    "--protocol-file": "protocols",
    "protocol": "protocols",
    START_DAY_OPTION: "start_day",
    "start_day": "start_day",
    MINUTES_OPTION: "minutes_per_session",
}
# Leading bytes of file types that are often uploaded by mistake.
_SIGNATURES = {
    b"\x89PNG": "a PNG image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (an Excel .xlsx workbook?)",
    b"\xd0\xcf\x11\xe0": "an Office document (an Excel .xls workbook?)",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
}
_CSV_TYPES = (
    "",
    "text/csv",
    "text/plain",
    "text/comma-separated-values",
    "application/csv",
    "application/vnd.ms-excel",
    "application/octet-stream",
)


@dataclass
class FormRow:
    """One observation row as typed (strings)."""

    date: str = ""
    day: str = ""
    measure: str = ""
    value: str = ""

    def blank(self) -> bool:
        """Whether nothing was typed in the row (a measure alone counts as nothing)."""
        return not (self.date.strip() or self.day.strip() or self.value.strip())


@dataclass
class FormInput:
    """The form as typed (strings), to validate and to show again with its errors."""

    patient_id: str = ""
    age: str = ""
    affected_side: str = ""
    stroke_date: str = ""
    horizon: str = ""
    seed: str = ""
    rows: list[FormRow] = field(default_factory=list)
    protocols: list[str] | None = None
    start_day: str = ""
    minutes_per_session: str = ""

    @classmethod
    def from_form(cls, form: Mapping[str, object], getlist) -> FormInput:
        """Read a submitted form (``getlist(name)`` gives a repeated field's values)."""

        def one(name: str) -> str:
            value = form.get(name)
            return value.strip() if isinstance(value, str) else ""

        columns = [
            [v if isinstance(v, str) else "" for v in getlist(f"obs_{c}")]
            for c in ("date", "day", "measure", "value")
        ]
        n = max((len(c) for c in columns), default=0)
        rows = [FormRow(*(c[i].strip() if i < len(c) else "" for c in columns)) for i in range(n)]
        # unchecked boxes are not sent: the section's marker tells "none chosen" from "not shown"
        chosen = [v.strip() for v in getlist("protocols") if isinstance(v, str) and v.strip()]
        return cls(
            patient_id=one("patient_id"),
            age=one("age"),
            affected_side=one("affected_side"),
            stroke_date=one("stroke_date"),
            horizon=one("horizon"),
            seed=one("seed"),
            rows=rows,
            protocols=chosen if chosen or one("plan_options") else None,
            start_day=one("start_day"),
            minutes_per_session=one("minutes_per_session"),
        )

    def shown_rows(self) -> list[FormRow]:
        """The rows to show: the typed ones, padded with blanks."""
        return [*self.rows, *(FormRow() for _ in range(max(BLANK_ROWS - len(self.rows), 1)))]


class FormErrors(Exception):
    """Problems of a submitted form: form field key -> the CLI's message.

    Keys: ``patient_id``, ``age``, ``affected_side``, ``stroke_date``,
    ``horizon``, ``seed``, ``protocols``, ``start_day``, ``minutes_per_session``,
    ``obs-<row>-<date|day|measure|value>``, ``observations``, ``csv`` and ``form``.
    ``lines`` holds each message as the CLI prints it.
    """

    def __init__(self, errors: Mapping[str, str], lines: Sequence[str]) -> None:
        self.errors = dict(errors)
        self.lines = list(lines)
        super().__init__("; ".join(self.lines))


class UploadRejected(Exception):
    """An upload refused before reading it as a record (HTTP status and message)."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


def _cli_line(error: UserInputError) -> str:
    return " ".join(f"error: {error.field}: {error.problem}".split())


def _form_key(error_field: str, rows: Sequence[int]) -> str:
    if error_field in ("age", "affected_side", "stroke_date"):
        return error_field
    if error_field == "id":
        return "patient_id"
    match = _ROW_FIELD.match(error_field)
    if match:
        return f"obs-{rows[int(match.group(1))]}-{match.group(2)}"
    if error_field == "--horizon":
        return "horizon"
    if error_field == "--seed":
        return "seed"
    if error_field in _OPTION_KEYS:
        return _OPTION_KEYS[error_field]
    if error_field.startswith("patients."):
        return "observations"
    return "form"


def _integer(text: str, option: str, default: int) -> int:
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise UserInputError(option, f"must be an integer, got {text!r}") from None


def _read_settings(
    data: FormInput, base: Settings
) -> tuple[Settings | None, list[tuple[str, UserInputError]]]:
    """The settings and every problem found: (form key, :class:`UserInputError`)."""
    from dataclasses import replace

    problems: list[tuple[str, UserInputError]] = []
    changes: dict[str, object] = {}
    # Settings field (also the form field) -> its reader
    readers: dict[str, Callable[[], object]] = {
        "horizon": lambda: _integer(data.horizon, "--horizon", base.horizon),
        "seed": lambda: _integer(data.seed, "--seed", base.seed),
    }
    if base.protocols is not None:  # the server plans: the form may set the plan's options
        if data.protocols is not None:
            changes["protocols"] = tuple(dict.fromkeys(data.protocols))
        readers["start_day"] = lambda: parse_start_days(data.start_day or None)
        readers["minutes_per_session"] = lambda: parse_minutes(data.minutes_per_session or None)
    for name, read in readers.items():
        try:
            changes[name] = read()
        except UserInputError as error:
            problems.append((name, error))  # the server's value stands in for the check below
    settings = replace(base, **changes)
    # checked as the CLI checks them; to show every problem at once, an offending option
    # is set back to the server's default and the settings checked again
    defaults = {
        "protocols": {"protocols": base.protocols},
        "start_day": {"start_day": ()},
        "minutes_per_session": {"minutes_per_session": ()},
    }
    for _ in range(len(defaults) + 1):
        try:
            check_settings(settings)
            candidates(settings)  # unknown names, a dose outside a component's range
            break
        except UserInputError as error:
            key = _form_key(error.field, [])
            if error.field.startswith("components"):  # a component's range, by the dose
                key = "minutes_per_session"
            problems.append((key, error))
            more = key in defaults and not any(k == key for k, _ in problems[:-1])
            if key == "protocols":  # per-protocol values would be counted against others
                more = more and max(len(settings.start_day), len(settings.minutes_per_session)) < 2
            if not more:
                break
            settings = replace(settings, **defaults[key])
    return (None, problems) if problems else (settings, [])


def checked_settings(data: FormInput, base: Settings) -> Settings:
    """The server's settings with the form's horizon, seed and plan options, checked as
    the CLI checks them; raises :class:`FormErrors` with every problem."""
    settings, problems = _read_settings(data, base)
    if problems:
        errors: dict[str, str] = {}
        for key, error in problems:
            errors.setdefault(key, error.problem)
        raise FormErrors(errors, [_cli_line(e) for _, e in problems])
    assert settings is not None
    return settings


def record_from_form(
    data: FormInput, settings: Settings, *, today: dt.date | None = None
) -> tuple[PatientRecord, Settings]:
    """Validate the form into a record and settings, or raise :class:`FormErrors`.

    Parameters
    ----------
    data
        The typed form.
    settings
        The server's settings (the form may change horizon, seed and the plan's options).
    today
        The date against which "in the future" is judged (default: today).
    """
    from strokesim.predict.pipeline import check_record

    errors: dict[str, str] = {}
    lines: list[str] = []

    def note(error: UserInputError, key: str) -> None:
        if key not in errors:
            errors[key] = error.problem
            lines.append(_cli_line(error))

    checked, problems = _read_settings(data, settings)
    for key, error in problems:
        note(error, key)

    filled = [i for i, r in enumerate(data.rows) if not r.blank()]
    doc: dict[str, object] = {
        "id": data.patient_id or "patient",
        "age": data.age,
        "affected_side": data.affected_side,
        "stroke_date": data.stroke_date or None,
    }
    keep = list(filled)
    record = None
    for _ in range(len(filled) + len(_PLACEHOLDERS) + 1):
        doc["observations"] = [
            {
                k: v
                for k, v in (
                    ("date", data.rows[i].date or None),
                    ("day", data.rows[i].day or None),
                    ("measure", data.rows[i].measure or None),
                    ("value", data.rows[i].value or None),
                )
                if v is not None
            }
            for i in keep
        ]
        try:
            record = record_from_toml(doc, today=today)
            break
        except UserInputError as error:
            key = _form_key(error.field, keep)
            if key.startswith("obs-"):
                keep.remove(keep[_index(error.field)])  # read the record again without it
                if _NEEDS_STROKE in error.problem and "stroke_date" in errors:
                    continue  # the stroke date's own message says it
            elif error.field in _PLACEHOLDERS and key not in errors:
                doc[error.field] = _PLACEHOLDERS[error.field]  # read again with a valid fact
            else:
                note(error, key)
                break
            note(error, key)
    if record is not None and not errors:
        try:
            assert checked is not None
            check_record(record, checked.horizon, checked.start_day)
        except UserInputError as error:
            note(error, _form_key(error.field, []))
    if errors or record is None:
        if not errors:
            errors["form"] = "the form could not be read"
            lines.append("error: form: the form could not be read")
        raise FormErrors(errors, lines)
    assert checked is not None
    return record, checked


def _index(error_field: str) -> int:
    match = _ROW_FIELD.match(error_field)
    assert match is not None
    return int(match.group(1))


def record_from_upload(
    filename: str,
    content_type: str,
    raw: bytes,
    settings: Settings,
    *,
    today: dt.date | None = None,
) -> PatientRecord:
    """Check an uploaded CSV record (type, size, one patient) and read it as the CLI does.

    Raises
    ------
    UploadRejected
        413 when over :data:`MAX_UPLOAD_BYTES`, 415 when not a CSV text file.
    FormErrors
        422 (key ``csv``) when the CSV is not a valid record of exactly one patient.
    """
    from strokesim.predict.pipeline import check_record

    name = filename or "upload"
    if len(raw) > MAX_UPLOAD_BYTES:
        raise UploadRejected(413, f"{name}: is {len(raw) / 1e6:.1f} MB; uploads are capped at 1 MB")
    if not name.lower().endswith(".csv"):
        raise UploadRejected(415, f"{name}: must be a .csv patient record")
    for signature, kind in _SIGNATURES.items():
        if raw.startswith(signature):
            raise UploadRejected(415, f"{name}: is {kind}, not a CSV text file")
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime not in _CSV_TYPES:
        raise UploadRejected(415, f"{name}: has type {mime!r}, not a CSV text file")
    if b"\x00" in raw:
        raise UploadRejected(415, f"{name}: holds binary data, not a CSV text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadRejected(
            415, f"{name}: cannot be read as UTF-8 text (UnicodeDecodeError)"
        ) from None
    try:
        records = records_from_csv(text, today=today)
        if len(records) != 1:
            ids = ", ".join(r.patient_id for r in records)
            raise UserInputError(
                "csv",
                f"holds {len(records)} patients ({ids}); the page takes one "
                "(use `strokesim predict` for several)",
            )
        check_record(records[0], settings.horizon, settings.start_day)
    except UserInputError as error:
        if error.field == START_DAY_OPTION:  # beside the option, not the file
            raise FormErrors({"start_day": error.problem}, [_cli_line(error)]) from None
        raise FormErrors({"csv": f"{error.field}: {error.problem}"}, [_cli_line(error)]) from None
    return records[0]
