"""``strokesim demo``: four representative patients under usual care, with a report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from strokesim.cli.common import (
    DISCLAIMER,
    check_days,
    check_seed,
    print_table,
    progress_bar,
    user_errors,
)
from strokesim.cli.options import Days, RootSeed

__all__ = ["demo", "register"]


def demo(
    out: Annotated[Path, typer.Option(help="Output folder.", metavar="DIR")] = Path("out/demo"),
    days: Days = 180,
    seed: RootSeed = 0,
) -> None:
    """Simulate four representative patients under usual care and write a report."""
    with user_errors():
        from strokesim.demo import DEMO_FILES, run_demo
        from strokesim.summary import outcome_summary

        check_days(days, low=3)
        check_seed(seed)
        typer.echo(
            "Simulating four patients (mild, moderate, severe MEP+, severe MEP−) "
            f"for {days} days of usual care…"
        )
        with progress_bar("simulating", then="writing report and figures") as progress:
            result = run_demo(out, days=days, seed=seed, progress=progress)
        # The ids name the profile and the line below says whether each met it; the
        # lesions and the full check are in the report and in examples/patients/.
        outcomes = outcome_summary(result.dataset).drop(columns="Lesions")
        print_table("Demo patients, usual care", outcomes.to_dict("records"))
        missed = result.table.loc[result.table["As intended"] != "yes", "Patient"]
        if missed.empty:
            typer.echo("Each patient landed in its intended day-3 FMA-UE band and MEP status.")
        else:
            typer.echo(
                f"Note: with seed {seed}, {', '.join(missed)} did not land in the intended "
                "day-3 profile (a patient's unit-level lesion is drawn from the seed and id)."
            )
        for path in result.files:
            typer.echo(f"wrote {path}")
        typer.echo(f"Open the report: {result.files[DEMO_FILES.index('report.html')]}")
        typer.echo(DISCLAIMER)


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the ``strokesim`` app."""
    app.command()(demo)
