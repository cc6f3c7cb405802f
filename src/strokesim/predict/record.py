"""Patient records: one patient's dated observations, read from CSV or TOML.

A record holds a patient's id, age, affected side, stroke date (optional when
every observation gives its day since onset) and observations of the measures
listed in :mod:`strokesim.predict.measures`, each keyed by day since stroke
onset (day 0 = the stroke date).

TOML (one patient per file)::

    id = "P01"
    age = 67
    affected_side = "left"
    stroke_date = 2026-03-02

    [[observations]]
    date = 2026-03-05        # or: day = 3
    measure = "fma_ue"
    value = 21

CSV (one or many patients; one row per observation)::

    patient,date,day,measure,value
    P01,,,age,67
    P01,,,affected_side,left
    P01,,,stroke_date,2026-03-02
    P01,2026-03-05,,fma_ue,21
    P01,,7,mep,present

Per-patient facts (``age``, ``affected_side``, ``stroke_date``) are rows whose
``measure`` is the fact's name and whose ``date`` and ``day`` are empty. An
observation gives ``date`` (ISO, needs the stroke date) or ``day`` (an integer
≥ 0), or both when they agree. The same measure twice on one day is kept once
when the values agree and rejected when they differ.

Every problem raises :class:`~strokesim.errors.UserInputError` with a one-line
message naming the field (TOML: ``observations[3].value``; CSV: ``line 5.value``
or ``patients.P01.age``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from strokesim.errors import UserInputError
from strokesim.predict.measures import Value, is_measure, parse_value

__all__ = [
    "Observation",
    "PatientRecord",
    "load_records",
    "record_from_toml",
    "records_from_csv",
]

_SIDES = ("left", "right")
_FACTS = ("age", "affected_side", "stroke_date")
_CSV_COLUMNS = ("patient", "date", "day", "measure", "value")


@dataclass(frozen=True)
class Observation:
    """One assessment: ``measure`` scored ``value`` on ``day`` since stroke onset."""

    day: int
    measure: str
    value: Value


@dataclass(frozen=True)
class PatientRecord:
    """One patient's validated record.

    Attributes
    ----------
    patient_id
        Identifier, unique within a file.
    age
        Age at stroke, years (18–110).
    affected_side
        ``"left"`` or ``"right"`` (the paretic arm).
    stroke_date
        Date of onset, or None when only days since onset were given.
    observations
        Sorted by (day, measure), one per measure and day.
    """

    patient_id: str
    age: float
    affected_side: str
    stroke_date: dt.date | None
    observations: tuple[Observation, ...]

    def measures(self) -> tuple[str, ...]:
        """The measures observed at least once, sorted."""
        return tuple(sorted({o.measure for o in self.observations}))

    def series(self, measure: str) -> dict[int, Value]:
        """Day since onset -> value of ``measure``, in day order (empty if never observed)."""
        return {o.day: o.value for o in self.observations if o.measure == measure}


@dataclass(frozen=True)
class _RawObservation:
    field: str  # prefix for error messages, e.g. "observations[3]" or "line 5"
    date: Any
    day: Any
    measure: Any
    value: Any


def _blank(x: Any) -> bool:
    return x is None or (isinstance(x, str) and x.strip() == "")


def _as_date(raw: Any, field: str) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise UserInputError(field, f"must be a date YYYY-MM-DD, got {raw!r}") from None


def _as_day(raw: Any, field: str) -> int:
    if isinstance(raw, bool):
        raise UserInputError(field, f"must be an integer day since stroke ≥ 0, got {raw!r}")
    try:
        x = float(str(raw).strip()) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        raise UserInputError(
            field, f"must be an integer day since stroke ≥ 0, got {raw!r}"
        ) from None
    if x != round(x) or x < 0:
        qualifier = "a visit before the stroke" if x < 0 else "not an integer"
        raise UserInputError(
            field, f"must be an integer day since stroke ≥ 0, got {raw!r} ({qualifier})"
        )
    return int(x)


def _build(
    pid: Any,
    facts: Mapping[str, Any],
    fact_fields: Mapping[str, str],
    raw_obs: Iterable[_RawObservation],
    *,
    id_field: str,
    today: dt.date,
) -> PatientRecord:
    """Validate one patient's facts and observations into a record."""
    if _blank(pid):
        raise UserInputError(id_field, "missing patient id")
    pid = str(pid).strip()
    if "age" not in facts or _blank(facts["age"]):
        raise UserInputError(fact_fields["age"], "missing (the age at stroke, years)")
    age_raw = facts["age"]
    try:
        age = float(age_raw) if not isinstance(age_raw, bool) else float("nan")
    except (TypeError, ValueError):
        age = float("nan")
    if not 18 <= age <= 110:
        raise UserInputError(
            fact_fields["age"], f"must be a number in 18–110 years, got {age_raw!r}"
        )
    side_raw = facts.get("affected_side")
    if _blank(side_raw):
        raise UserInputError(fact_fields["affected_side"], "missing (left or right)")
    side = str(side_raw).strip().lower()
    if side not in _SIDES:
        raise UserInputError(
            fact_fields["affected_side"], f"must be left or right, got {side_raw!r}"
        )
    stroke: dt.date | None = None
    if not _blank(facts.get("stroke_date")):
        stroke = _as_date(facts["stroke_date"], fact_fields["stroke_date"])
        if stroke > today:
            raise UserInputError(
                fact_fields["stroke_date"], f"is in the future ({stroke} > today {today})"
            )

    kept: dict[tuple[int, str], Observation] = {}
    for r in raw_obs:
        if _blank(r.measure):
            raise UserInputError(f"{r.field}.measure", "missing")
        measure = str(r.measure).strip()
        if not is_measure(measure):
            parse_value(measure, r.value, f"{r.field}.value")  # raises: unknown measure
        day = None if _blank(r.day) else _as_day(r.day, f"{r.field}.day")
        if not _blank(r.date):
            when = _as_date(r.date, f"{r.field}.date")
            if stroke is None:
                raise UserInputError(
                    f"{r.field}.date", "needs the patient's stroke_date (or give day)"
                )
            if when > today:
                raise UserInputError(
                    f"{r.field}.date", f"is in the future ({when} > today {today})"
                )
            from_date = (when - stroke).days
            if from_date < 0:
                raise UserInputError(
                    f"{r.field}.date", f"a visit before the stroke ({when} < stroke date {stroke})"
                )
            if day is not None and day != from_date:
                raise UserInputError(
                    f"{r.field}.day", f"is {day} but the date gives day {from_date}"
                )
            day = from_date
        if day is None:
            raise UserInputError(f"{r.field}.day", "missing (give date or day)")
        if _blank(r.value):
            raise UserInputError(f"{r.field}.value", "missing")
        value = parse_value(measure, r.value, f"{r.field}.value")
        obs = Observation(day, measure, value)
        prior = kept.get((day, measure))
        if prior is not None and prior.value != value:
            raise UserInputError(
                f"{r.field}.value",
                f"{measure} on day {day} is {value!r} but an earlier row says {prior.value!r}",
            )
        kept[(day, measure)] = obs
    ordered = tuple(kept[k] for k in sorted(kept))
    return PatientRecord(pid, age, side, stroke, ordered)


def record_from_toml(doc: Mapping[str, Any], *, today: dt.date | None = None) -> PatientRecord:
    """A record from a parsed TOML document (see the module docstring)."""
    today = today or dt.date.today()
    unknown = set(doc) - {"id", *_FACTS, "observations"}
    if unknown:
        raise UserInputError(
            sorted(unknown)[0],
            "unknown field (allowed: id, age, affected_side, stroke_date, observations)",
        )
    obs = doc.get("observations", [])
    if not isinstance(obs, list):
        raise UserInputError("observations", "must be an array of tables [[observations]]")
    raws = []
    for i, o in enumerate(obs):
        field = f"observations[{i}]"
        if not isinstance(o, Mapping):
            raise UserInputError(field, "must be a table with date or day, measure, value")
        extra = set(o) - {"date", "day", "measure", "value"}
        if extra:
            raise UserInputError(f"{field}.{sorted(extra)[0]}", "unknown field")
        raws.append(
            _RawObservation(field, o.get("date"), o.get("day"), o.get("measure"), o.get("value"))
        )
    return _build(doc.get("id"), doc, {f: f for f in _FACTS}, raws, id_field="id", today=today)


def records_from_csv(text: str, *, today: dt.date | None = None) -> tuple[PatientRecord, ...]:
    """Records from CSV text (see the module docstring), in order of first appearance."""
    today = today or dt.date.today()
    reader = csv.DictReader(io.StringIO(text))
    header = tuple(h.strip() for h in (reader.fieldnames or ()))
    missing = [c for c in ("patient", "measure", "value") if c not in header]
    if missing or not ({"date", "day"} & set(header)):
        raise UserInputError(
            "header", f"must have columns {', '.join(_CSV_COLUMNS)} (date or day), got {header}"
        )
    unknown = set(header) - set(_CSV_COLUMNS)
    if unknown:
        raise UserInputError("header", f"unknown column {sorted(unknown)[0]!r}")
    facts: dict[str, dict[str, Any]] = {}
    fields: dict[str, dict[str, str]] = {}
    obs: dict[str, list[_RawObservation]] = {}
    for row in reader:
        line = reader.line_num
        cells = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        if not any(cells.values()):
            continue
        pid = cells.get("patient", "")
        if not pid:
            raise UserInputError(f"line {line}.patient", "missing patient id")
        facts.setdefault(pid, {})
        fields.setdefault(pid, {f: f"patients.{pid}.{f}" for f in _FACTS})
        obs.setdefault(pid, [])
        measure = cells.get("measure", "")
        if measure in _FACTS:
            if cells.get("date") or cells.get("day"):
                raise UserInputError(
                    f"line {line}.{measure}", "a patient fact takes no date or day"
                )
            if measure in facts[pid] and facts[pid][measure] != cells["value"]:
                raise UserInputError(
                    f"line {line}.value",
                    f"{measure} of {pid} given twice: "
                    f"{facts[pid][measure]!r} and {cells['value']!r}",
                )
            facts[pid][measure] = cells["value"]
            fields[pid][measure] = f"line {line}.value"
            continue
        obs[pid].append(
            _RawObservation(
                f"line {line}", cells.get("date"), cells.get("day"), measure, cells.get("value")
            )
        )
    if not facts:
        raise UserInputError("csv", "holds no patient rows")
    return tuple(
        _build(pid, facts[pid], fields[pid], obs[pid], id_field="patient", today=today)
        for pid in facts
    )


def load_records(
    path: str | os.PathLike[str], *, today: dt.date | None = None
) -> tuple[PatientRecord, ...]:
    """Read and validate the record(s) in a ``.csv`` or ``.toml`` file.

    Parameters
    ----------
    path
        A CSV file (one or many patients) or a TOML file (one patient).
    today
        The date against which "in the future" is judged (default: today).

    Raises
    ------
    strokesim.errors.UserInputError
        One line naming the field, on any invalid content or unreadable file.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix == ".toml":
        from strokesim.io.toml_config import read_toml

        return (record_from_toml(read_toml(file), today=today),)
    if suffix != ".csv":
        raise UserInputError(str(file), "must be a .csv or .toml patient record")
    if not file.is_file():
        raise UserInputError(str(file), "file not found")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserInputError(
            str(file), f"cannot be read as UTF-8 text ({exc.__class__.__name__})"
        ) from None
    return records_from_csv(text, today=today)
