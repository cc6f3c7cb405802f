"""``strokesim validate``: the validation battery (VALIDATION.md V1–V13), at one seed or several."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from strokesim.cli.common import check_seed, progress_bar, user_errors
from strokesim.cli.jobs import unit_job_errors
from strokesim.errors import UserInputError

__all__ = ["register", "validate"]


def validate(
    n: Annotated[
        int, typer.Option(help="Virtual patients in the default cohort.", metavar="N")
    ] = 1000,
    seed: Annotated[
        int | None, typer.Option(help="Root seed (default 0).", metavar="N", show_default=False)
    ] = None,
    seeds: Annotated[
        str | None,
        typer.Option(
            help="Run the battery at each of these seeds, e.g. 0,1,2,3,4, and report each "
            "target's pass count; a target passing at some seeds only is fragile.",
            metavar="SEEDS",
            show_default=False,
        ),
    ] = None,
    report: Annotated[
        Path,
        typer.Option(
            help="HTML report with one figure per target (with --seeds: the table over seeds).",
            metavar="FILE",
        ),
    ] = Path("out/validation.html"),
    only: Annotated[
        str | None,
        typer.Option(
            help="Targets to run, e.g. V1,V3 (default: all).", metavar="IDS", show_default=False
        ),
    ] = None,
    markdown: Annotated[
        Path | None,
        typer.Option(
            help="Also write the results table (with --seeds: the table over seeds) as Markdown.",
            metavar="FILE",
            show_default=False,
        ),
    ] = None,
    results_dir: Annotated[
        Path,
        typer.Option(help="With --seeds: folder of the per-seed results (JSON).", metavar="DIR"),
    ] = Path("out/validation_seeds"),
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="With --seeds: reuse the seeds already saved in --results-dir with the same "
            "n, targets, model parameters and code.",
        ),
    ] = False,
    n_boot: Annotated[
        int,
        typer.Option(
            "--n-boot", help="Bootstrap replicates of each confidence interval.", metavar="N"
        ),
    ] = 1000,
    no_report: Annotated[
        bool, typer.Option("--no-report", help="Write no HTML report (table and Markdown only).")
    ] = False,
) -> None:
    """Run the validation battery (VALIDATION.md V1–V13); exit 0 only if every target passes.

    With --seeds, exit 0 only if every target passes at every seed.
    """
    with user_errors():
        if isinstance(n_boot, bool) or n_boot < 1:
            raise UserInputError("--n-boot", f"must be a positive integer, got {n_boot}")
        # what the one-seed and the several-seeds runs share
        outputs = {
            "report": None if no_report else report,
            "markdown": markdown,
            "only": only,
            "n_boot": n_boot,
            "echo": typer.echo,
        }
        if seeds is not None:
            from strokesim.validate.seeds import seeds_command

            if seed is not None:
                raise UserInputError("--seeds", "give either --seed or --seeds, not both")
            with (
                unit_job_errors(results_dir),
                progress_bar("validation targets × seeds", then="writing report") as progress,
            ):
                code = seeds_command(
                    n, seeds, results_dir, resume=resume, progress=progress, **outputs
                )
            raise typer.Exit(code)
        from strokesim.validate.battery import validate_command

        if resume:
            raise UserInputError("--resume", "only with --seeds (a single seed is run whole)")
        seed = check_seed(0 if seed is None else seed)
        with progress_bar("validation targets", then="writing report") as progress:
            code = validate_command(n=n, seed=seed, progress=progress, **outputs)
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    """Add ``validate`` to the ``strokesim`` app."""
    app.command()(validate)
