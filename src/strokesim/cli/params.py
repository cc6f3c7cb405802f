"""The ``strokesim params`` command: every registry parameter, filtered and formatted.

Registered on the main app by :func:`register`. Lists the one registry
(:mod:`strokesim.registry`): name, group, value, unit, plausible range, provenance
(calibrated against Vn / set by hand / literature), source and description.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from strokesim.errors import UserInputError

if TYPE_CHECKING:
    from strokesim.registry import Parameter

__all__ = ["ParamsFormat", "parameter_records", "params", "register", "render"]


class ParamsFormat(StrEnum):
    """Output format of ``strokesim params``."""

    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


class Group(StrEnum):
    """A registry group."""

    model = "model"
    therapy = "therapy"
    population = "population"


#: Record key → heading of the table and Markdown formats, in display order.
COLUMNS: dict[str, str] = {
    "name": "name",
    "group": "group",
    "value": "value",
    "unit": "unit",
    "range": "plausible range",
    "provenance": "provenance",
    "source": "source",
    "description": "meaning",
}

#: Keys of the csv and json formats, in order (numbers at full precision).
RECORD_KEYS: tuple[str, ...] = (
    "name",
    "group",
    "value",
    "unit",
    "low",
    "high",
    "provenance",
    "calibrated_by",
    "source",
    "description",
)

#: Narrower consoles get one block per parameter instead of a wide table.
_WIDE_TABLE_COLUMNS = 150


def _record(group: str, p: Parameter) -> dict[str, object]:
    return {
        "name": p.name,
        "group": group,
        "value": p.value,
        "unit": p.unit,
        "low": p.low,
        "high": p.high,
        "provenance": p.provenance,
        "calibrated_by": p.calibrated_by,
        "source": p.source,
        "description": p.description,
    }


def parameter_records(
    group: str | None = None, search: str | None = None
) -> list[dict[str, object]]:
    """The registry's parameters as records (keys :data:`RECORD_KEYS`), in registry order.

    Parameters
    ----------
    group
        Only this group (``"model"``, ``"therapy"``, ``"population"``); all when ``None``.
    search
        Only parameters whose name, unit, provenance, source or description contains
        this text (case-insensitive).
    """
    from strokesim.registry import GROUP_OF, PARAMETERS

    needle = (search or "").casefold()
    records = []
    for name, p in PARAMETERS.items():
        if group is not None and GROUP_OF[name] != group:
            continue
        haystack = " ".join((name, p.unit, p.provenance, p.source, p.description)).casefold()
        if needle and needle not in haystack:
            continue
        records.append(_record(GROUP_OF[name], p))
    return records


def _display(record: dict[str, object]) -> dict[str, str]:
    shown = {key: "" if value is None else str(value) for key, value in record.items()}
    shown["value"] = f"{record['value']:g}"
    shown["range"] = f"{record['low']:g}–{record['high']:g}"
    return shown


def render(records: Sequence[dict[str, object]], fmt: ParamsFormat) -> str:
    """``records`` as csv, json or Markdown text (the table format prints with rich)."""
    if fmt is ParamsFormat.json:
        return json.dumps(list(records), ensure_ascii=False, indent=1)
    if fmt is ParamsFormat.csv:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, RECORD_KEYS, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)
        return buffer.getvalue().rstrip("\n")
    if fmt is ParamsFormat.markdown:
        from strokesim.docs_model import markdown_table

        return markdown_table([_display(r) for r in records], COLUMNS)
    raise ValueError(f"render() does not print {fmt}")


def _print_table(title: str, records: Sequence[dict[str, object]]) -> None:
    from rich.console import Console, Group
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    out = Console()
    rows = [_display(r) for r in records]
    if out.width >= _WIDE_TABLE_COLUMNS:
        table = Table(title=title, title_justify="left")
        for key, heading in COLUMNS.items():
            wrap = key in ("description", "source", "provenance")
            table.add_column(heading, no_wrap=not wrap, overflow="fold")
        for row in rows:
            table.add_row(*(Text(row[key]) for key in COLUMNS))
        out.print(table)
        return
    out.print(Text(title, style="bold"))
    for row in rows:
        head = Text.assemble((row["name"], "bold"), f" = {row['value']} {row['unit']}")
        head.append(
            f"  ({row['group']}; plausible {row['range']}; {row['provenance']})", style="dim"
        )
        out.print(head)
        details = [Text(row["description"]), Text("source: " + row["source"], style="dim")]
        out.print(Padding(Group(*details), (0, 0, 0, 4)))


def params(
    group: Annotated[
        Group | None,
        typer.Option("--group", help="Only this group of parameters.", show_default=False),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(
            "--search",
            help="Only parameters whose name, unit, provenance, source or description contains "
            "TEXT (case-insensitive).",
            metavar="TEXT",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[ParamsFormat, typer.Option("--format", help="Output format.")] = (
        ParamsFormat.table
    ),
    therapy: Annotated[bool, typer.Option("--therapy", hidden=True)] = False,
    population: Annotated[bool, typer.Option("--population", hidden=True)] = False,
) -> None:
    """List every parameter: value, unit, plausible range, provenance and source.

    Model, therapy and virtual-population parameters form one registry (data files
    in strokesim/registry/); provenance is "calibrated against Vn" (fitted by
    calibration/calibrate.py, value from calibrated.json), "set by hand" or
    "literature".
    """
    from strokesim.cli.common import user_errors as _user_errors

    with _user_errors():
        aliases = [
            g for g, flag in ((Group.therapy, therapy), (Group.population, population)) if flag
        ]
        if len(aliases) + (group is not None) > 1:
            raise UserInputError("--group", "give one group (model, therapy or population)")
        chosen = group or (aliases[0] if aliases else None)
        records = parameter_records(None if chosen is None else chosen.value, search)
        if not records:
            where = f" in group {chosen.value}" if chosen else ""
            raise UserInputError("--search", f"no parameter{where} matches {search!r}")
        if fmt is ParamsFormat.table:
            what = f"{chosen.value} parameters" if chosen else "parameters"
            matching = f" matching {search!r}" if search else ""
            _print_table(f"{len(records)} {what}{matching}", records)
        else:
            typer.echo(render(records, fmt))


def register(app: typer.Typer) -> None:
    """Add ``params`` to ``app``."""
    app.command("params")(params)
