"""``strokesim params``: every parameter with its value, unit, plausible range and source."""

from __future__ import annotations

import csv
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from strokesim.cli import common
from strokesim.cli.common import user_errors
from strokesim.errors import UserInputError

__all__ = ["TableFormat", "params", "register"]


class TableFormat(StrEnum):
    """Output format of a table."""

    table = "table"
    csv = "csv"
    markdown = "markdown"


def params(
    therapy: Annotated[
        bool, typer.Option("--therapy", help="Therapy parameters instead of model parameters.")
    ] = False,
    population: Annotated[
        bool,
        typer.Option("--population", help="Virtual-population parameters instead."),
    ] = False,
    table_format: Annotated[
        TableFormat, typer.Option("--format", help="Output format.")
    ] = TableFormat.table,
) -> None:
    """Print every parameter with its value, unit, plausible range and source."""
    with user_errors():
        from strokesim.docs_model import PARAMETER_COLUMNS, markdown_table, parameter_rows

        if therapy and population:
            raise UserInputError("--therapy", "give at most one of --therapy and --population")
        kind = "therapy" if therapy else "population" if population else "model"
        rows = parameter_rows(kind)
        columns = dict(PARAMETER_COLUMNS)
        if not any(row["calibrated_by"] for row in rows):
            del columns["calibrated_by"]
        if table_format is TableFormat.markdown:
            typer.echo(markdown_table(rows, columns))
        elif table_format is TableFormat.csv:
            writer = csv.writer(sys.stdout, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows([[row[key] for key in columns] for row in rows])
        else:
            _print_parameters(f"{len(rows)} {kind} parameters", rows, columns)


#: Narrower consoles get one block per parameter instead of a six-column table.
_WIDE_TABLE_COLUMNS = 150


def _print_parameters(title: str, rows: list[dict[str, str]], columns: dict[str, str]) -> None:
    out = common.out
    if out.width >= _WIDE_TABLE_COLUMNS:
        table = Table(title=title, title_justify="left")
        for key, heading in columns.items():
            wrap = key in ("description", "source", "calibrated_by")
            table.add_column(heading, no_wrap=not wrap, overflow="fold")
        for row in rows:
            table.add_row(*(Text(row[key]) for key in columns))
        out.print(table)
        return
    out.print(Text(title, style="bold"))
    for row in rows:
        head = Text.assemble((row["name"], "bold"), f" = {row['value']} {row['unit']}")
        head.append(f"  (plausible {row['range']})", style="dim")
        out.print(head)
        details = [Text(row["description"]), Text("source: " + row["source"], style="dim")]
        if row.get("calibrated_by") and "calibrated_by" in columns:
            details.append(Text("calibrated by: " + row["calibrated_by"], style="dim"))
        out.print(Padding(Group(*details), (0, 0, 0, 4)))


def register(app: typer.Typer) -> None:
    """Add ``params`` to the ``strokesim`` app."""
    app.command()(params)
