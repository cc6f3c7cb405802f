"""What every command shares: error handling, the progress bar, tables, common checks.

Every command runs inside :func:`user_errors`, which turns a
:class:`strokesim.errors.UserInputError` into one line on standard error
(``error: <field>: <problem>``) and exit code 2, and Ctrl-C into exit code 130
with nothing written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from strokesim.errors import UserInputError

if TYPE_CHECKING:  # the API is imported inside the commands: `--help` stays fast
    from strokesim.therapy import Protocol

__all__ = [
    "DISCLAIMER",
    "check_days",
    "check_seed",
    "err",
    "out",
    "print_table",
    "progress_bar",
    "resolve_protocol",
    "user_errors",
]

#: Printed by every command that shows prognosis-like output.
DISCLAIMER = "Research software, not a medical device: not clinical advice."

#: Standard output and standard error of the commands.
out = Console()
err = Console(stderr=True)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """One-line messages and exit codes for users; developer errors still fail loudly."""
    try:
        yield
    except UserInputError as error:
        message = " ".join(f"error: {error.field}: {error.problem}".split())
        typer.echo(message, err=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        typer.echo("interrupted; nothing written", err=True)
        raise typer.Exit(130) from None


@contextlib.contextmanager
def progress_bar(description: str, then: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on standard error, fed by ``simulate``'s progress callback.

    ``description`` labels the simulation, ``then`` what follows it inside the bar.
    """
    from rich.progress import (
        BarColumn,
        Progress,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as progress:
        # Until the first callback: compiling, and inferring lesions for patients
        # given by clinical findings.
        task = progress.add_task("preparing", total=None)

        def update(done: int, total: int) -> None:
            stage = description if done < total else then
            progress.update(task, description=stage, completed=done, total=total)

        yield update


def print_table(
    title: str | None, rows: Sequence[dict[str, object]], wrap: Sequence[str] = ()
) -> None:
    """Rows as a table; the ``wrap`` columns (long text) take the remaining width."""
    table = Table(title=title, title_justify="left")
    for index, column in enumerate(rows[0] if rows else ()):
        if column in wrap:
            table.add_column(Text(str(column)), ratio=1, overflow="fold")
        else:
            table.add_column(Text(str(column)), no_wrap=index == 0, overflow="fold")
    for row in rows:
        table.add_row(*(Text(str(value)) for value in row.values()))
    out.print(table)


def check_seed(seed: int) -> int:
    """``seed`` if it is a valid root seed (0 to 2**32 − 1), else a ``--seed`` error."""
    if not 0 <= seed < 2**32:
        raise UserInputError("--seed", f"must be an integer in 0–{2**32 - 1}, got {seed}")
    return seed


def check_days(days: int, low: int = 1) -> int:
    """``days`` if it lies in ``low``–``MAX_DAYS`` (days after onset), else a ``--days`` error."""
    from strokesim.simulate import MAX_DAYS

    if not low <= days <= MAX_DAYS:
        raise UserInputError("--days", f"must be an integer in {low}–{MAX_DAYS}, got {days}")
    return days


def resolve_protocol(value: str | None) -> Protocol:
    """A protocol from a TOML path (``*.toml`` or an existing file) or a shipped name."""
    from strokesim.therapy import load_protocol, named_protocol, usual_care

    if value is None:
        return usual_care()
    if value.lower().endswith(".toml") or Path(value).is_file():
        return load_protocol(value)
    return named_protocol(value)
