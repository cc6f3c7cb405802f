"""``strokesim external-trials``: the model against published trials held out of calibration."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from strokesim.cli.common import DISCLAIMER, check_seed, progress_bar, user_errors
from strokesim.cli.jobs import check_unit_job_options, unit_job_errors
from strokesim.cli.options import Resume, RootSeed, UnitRunDir

__all__ = ["external_trials", "register"]

#: Bootstrap replicates of each check's interval (as ``external_command``).
N_BOOT = 1000


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
    run_dir: UnitRunDir = None,
    resume: Resume = False,
) -> None:
    """Compare the model with published trials and cohorts held out of calibration.

    Each cohort finding, and each trial (or set of trials sharing one simulation),
    is one chunk; with --run-dir each finished chunk is saved at once and --resume
    skips them.
    """
    with user_errors():
        from strokesim.io import atomic_write_text, prepare_output
        from strokesim.jobs.external import external_job
        from strokesim.jobs.units import UnitJob, job_settings
        from strokesim.report.plots import save_figure
        from strokesim.validate.experiments_cohort import ValidationCohort
        from strokesim.validate.external import external_markdown, select_checks
        from strokesim.validate.external_figure import external_figure

        check_seed(seed)
        ValidationCohort.check_size(n, seed)
        trials, checks = select_checks(only)
        check_unit_job_options(run_dir, None, resume)
        if markdown is not None:
            prepare_output(markdown, "--markdown")
        if figure is not None:
            prepare_output(figure, "--figure")
        settings = job_settings(
            "external-trials",
            n=n,
            seed=seed,
            n_boot=N_BOOT,
            trials=[trial.key for trial in trials],
            cohorts=[check.key for check in checks],
        )
        with (
            unit_job_errors(run_dir),
            progress_bar("held-out trials and cohorts", then="writing") as progress,
        ):
            job = UnitJob(run_dir, settings, resume=resume)
            job.begin(len(checks) + len(trials), progress)
            cohort = ValidationCohort(n=n, seed=seed)
            results, cohorts = external_job(cohort, trials, checks, job, n_boot=N_BOOT)
            beside = (
                figure is not None
                and markdown is not None
                and Path(figure).resolve().parent == Path(markdown).resolve().parent
            )
            shown = Path(figure).name if beside and figure is not None else None
            page = external_markdown(results, n=n, seed=seed, cohorts=cohorts, figure=shown)
        typer.echo(page.split("\n## ", 1)[0].rstrip())
        if figure is not None:
            save_figure(external_figure(results, cohorts), figure, field="--figure")
            typer.echo(f"wrote {figure}")
        if markdown is not None:
            atomic_write_text(markdown, page, field="--markdown")
            typer.echo(f"wrote {markdown}")
        typer.echo(DISCLAIMER)
    raise typer.Exit(0)


def register(app: typer.Typer) -> None:
    """Add ``external-trials`` to the ``strokesim`` app."""
    app.command("external-trials")(external_trials)
