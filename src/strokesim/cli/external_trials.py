"""``strokesim external-trials``: the model against published trials held out of calibration."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from strokesim.cli.common import DISCLAIMER, check_seed, progress_bar, user_errors
from strokesim.cli.options import RootSeed

__all__ = ["external_trials", "register"]


def external_trials(
    n: Annotated[
        int, typer.Option(help="Virtual patients drawn before inclusion.", metavar="N")
    ] = 1000,
    seed: RootSeed = 0,
    only: Annotated[
        str | None,
        typer.Option(
            help="Trials or cohorts to run, by the start of their name, e.g. 'FLAME,VA ROBOTICS' "
            "(default: all).",
            metavar="NAMES",
            show_default=False,
        ),
    ] = None,
    markdown: Annotated[
        Path | None,
        typer.Option(
            help="Also write the tables and each trial's and cohort's emulation as Markdown.",
            metavar="FILE",
            show_default=False,
        ),
    ] = None,
    figure: Annotated[
        Path | None,
        typer.Option(
            help="Also draw each check's published and model intervals as a PNG.",
            metavar="FILE",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Compare the model with published trials and cohorts held out of calibration."""
    with user_errors():
        from strokesim.validate.external import external_command

        check_seed(seed)
        with progress_bar("held-out trials and cohorts", then="writing") as progress:
            code = external_command(
                n=n,
                seed=seed,
                only=only,
                markdown=markdown,
                figure=figure,
                echo=typer.echo,
                progress=progress,
            )
        typer.echo(DISCLAIMER)
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    """Add ``external-trials`` to the ``strokesim`` app."""
    app.command("external-trials")(external_trials)
