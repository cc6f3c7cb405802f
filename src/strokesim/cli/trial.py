"""The ``strokesim trial`` and ``strokesim power`` commands (thin wrappers of strokesim.trial).

Registered on the main app by :func:`register`; each command validates the
trial spec and its options first (one line, exit 2, nothing written), then
simulates the twin pool once with a rich progress bar and writes its outputs
all or none.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from strokesim.cli.common import DISCLAIMER, progress_bar, user_errors
from strokesim.cli.jobs import check_unit_job_options, unit_job_errors
from strokesim.cli.options import ChunkSize, Resume, TrialFile, UnitRunDir
from strokesim.errors import UserInputError
from strokesim.predict.knobs import parse_numbers

if TYPE_CHECKING:
    from strokesim.jobs.units import UnitJob
    from strokesim.trial.emulation import TwinPool
    from strokesim.trial.spec import LoadedTrial

__all__ = ["POOL_CHUNK_SIZE", "power", "register", "trial"]

#: Screened patients per chunk of the twin pool unless ``--chunk-size`` says otherwise.
POOL_CHUNK_SIZE = 256


def _sizes(text: str) -> list[int]:
    allowed = "comma-separated integers in 4–100000"
    sizes = parse_numbers("--n", text, int, allowed)
    if not sizes or any(n < 4 or n > 100_000 for n in sizes):
        raise UserInputError("--n", f"must be {allowed}, got {text!r}")
    return sorted(set(sizes))


def _fractions(text: str) -> list[float]:
    allowed = "comma-separated numbers increasing within (0, 1] and ending at 1"
    values = list(parse_numbers("--looks", text, float, allowed))
    ok = values and values[-1] == 1.0 and all(0 < a < b for a, b in itertools.pairwise(values))
    if not ok or values[0] <= 0:
        raise UserInputError("--looks", f"must be {allowed}, got {text!r}")
    return values


def _simulate_pool(loaded: LoadedTrial, job: UnitJob, chunk_size: int, then: str) -> TwinPool:
    """The trial's twin pool, simulated on ``job`` under a progress bar (then ``then``)."""
    from strokesim.jobs.trial import pool_job

    with progress_bar("simulating arms", then=then) as progress:
        job.begin(loaded.spec.population.n, progress)
        return pool_job(loaded, job, chunk_size)


def trial(
    spec_file: TrialFile,
    out: Annotated[
        Path, typer.Option(help="Output folder (Parquet table, HTML report).", metavar="DIR")
    ] = Path("results"),
    run_dir: UnitRunDir = None,
    chunk_size: ChunkSize = POOL_CHUNK_SIZE,
    resume: Resume = False,
) -> None:
    """Emulate one randomised trial: every enrolled twin randomised once, analysed as planned.

    The twin pool is simulated in chunks of --chunk-size screened patients; with
    --run-dir each finished chunk is saved at once and --resume skips them.
    """
    with user_errors():
        from strokesim.io import atomic_write_text
        from strokesim.io.atomic import atomic_path
        from strokesim.jobs.trial import trial_settings
        from strokesim.jobs.units import UnitJob
        from strokesim.outputs import output_folder, write_all
        from strokesim.trial.emulation import draw_trial
        from strokesim.trial.report import analyse_trial, render_trial_report
        from strokesim.trial.spec import load_trial

        check_unit_job_options(run_dir, chunk_size, resume)
        loaded = load_trial(spec_file)
        settings = trial_settings("trial", loaded, chunk_size)
        with output_folder(out) as folder, unit_job_errors(run_dir):
            job = UnitJob(run_dir, settings, resume=resume)
            pool = _simulate_pool(loaded, job, chunk_size, then="analysing")
            if len(pool) < 2 * len(pool.arms):
                raise UserInputError(
                    "screening",
                    f"only {len(pool)} of {loaded.spec.population.n} patients pass screening; "
                    f"need ≥ {2 * len(pool.arms)}",
                )
            draw = draw_trial(pool)
            results = analyse_trial(pool, draw)
            html = render_trial_report(pool, results)

            def parquet(path: Path) -> None:
                with atomic_path(path, "--out") as temporary:
                    results.table.to_parquet(temporary, index=False)

            written = write_all(
                [
                    (folder / "trial.parquet", parquet),
                    (folder / "report.html", lambda p: atomic_write_text(p, html, field="--out")),
                ]
            )
        row = results.primary.iloc[0]
        typer.echo(
            f"{row['contrast']}: change in {loaded.spec.outcome.scale} "
            f"{row['estimate']:+.2f} (95% CI {row['ci_low']:+.2f} to {row['ci_high']:+.2f}, "
            f"p = {row['p_value']:.3g}); twin effect {pool.twin_effect(1):+.2f}"
        )
        for path in written:
            typer.echo(f"wrote {path}")
        typer.echo(DISCLAIMER)


def power(
    spec_file: TrialFile,
    n: Annotated[
        str, typer.Option("--n", help="Patients randomised, e.g. 40,80,160,320.", metavar="N,...")
    ] = "40,80,160,320",
    replicates: Annotated[
        int, typer.Option(help="Emulated trials per sample size.", metavar="R")
    ] = 400,
    target: Annotated[float, typer.Option(help="Target power.", metavar="P")] = 0.8,
    looks: Annotated[
        str | None,
        typer.Option(
            help="Also a group-sequential design with looks at these information fractions, "
            "e.g. 0.5,1 (writes sequential.csv).",
            metavar="T,...",
            show_default=False,
        ),
    ] = None,
    spending: Annotated[
        str, typer.Option(help="Alpha spending: obrien-fleming or pocock.", metavar="NAME")
    ] = "obrien-fleming",
    out: Annotated[
        Path, typer.Option(help="Output folder (power.csv, power.png).", metavar="DIR")
    ] = Path("results"),
    run_dir: UnitRunDir = None,
    chunk_size: ChunkSize = POOL_CHUNK_SIZE,
    resume: Resume = False,
) -> None:
    """Power per sample size by replicated parallel-group emulation from one twin pool.

    The twin pool is simulated in chunks of --chunk-size screened patients and each
    design's replicates run in blocks of 100; with --run-dir each finished chunk or
    block is saved at once and --resume skips them.
    """
    with user_errors():
        from strokesim.io import atomic_write_text
        from strokesim.jobs.trial import power_job, trial_settings
        from strokesim.jobs.units import UnitJob
        from strokesim.outputs import output_folder, write_all
        from strokesim.report import save_figure
        from strokesim.trial.report import power_figure
        from strokesim.trial.sequential import SPENDING
        from strokesim.trial.spec import load_trial

        sizes = _sizes(n)
        if not 1 <= replicates <= 100_000:
            raise UserInputError(
                "--replicates", f"must be an integer in 1–100000, got {replicates}"
            )
        if not 0.0 < target < 1.0:
            raise UserInputError("--target", f"must lie in (0, 1), got {target}")
        fractions = _fractions(looks) if looks is not None else None
        if spending not in SPENDING:
            raise UserInputError(
                "--spending", f"must be one of {', '.join(SPENDING)}, got {spending!r}"
            )
        check_unit_job_options(run_dir, chunk_size, resume)
        loaded = load_trial(spec_file)
        if len(loaded.spec.arms) < 2:
            raise UserInputError("arms", "power needs two arms (control first)")
        settings = trial_settings(
            "power",
            loaded,
            chunk_size,
            sizes=sizes,
            replicates=replicates,
            target=target,
            looks=fractions,
            spending=spending,
        )
        with output_folder(out) as folder, unit_job_errors(run_dir):
            job = UnitJob(run_dir, settings, resume=resume)
            pool = _simulate_pool(loaded, job, chunk_size, then="emulating")
            if len(pool) < 2:
                raise UserInputError("screening", f"only {len(pool)} patients pass screening")
            total = replicates * (len(sizes) * (2 if fractions else 1) + 1)
            with progress_bar("emulating trials", then="writing") as progress:
                job.begin(total, progress)
                result = power_job(pool, job, sizes, replicates, target, fractions, spending)
            curve, n_target, sequential = result.curve, result.n_target, result.sequential
            csv = curve.to_csv(index=False)
            figure = power_figure(curve[~curve["check"]], n_target, target)
            plan = [
                (folder / "power.csv", lambda p: atomic_write_text(p, csv, field="--out")),
                (folder / "power.png", lambda p: save_figure(figure, p, "--out")),
            ]
            if sequential is not None:
                text = sequential.to_csv(index=False)
                plan.append(
                    (folder / "sequential.csv", lambda p: atomic_write_text(p, text, field="--out"))
                )
            written = write_all(plan)
        for row in curve.to_dict("records"):
            label = " (check)" if row["check"] else ""
            typer.echo(
                f"n = {int(row['n'])}{label}: power {row['power']:.3f} ± {row['power_mc_se']:.3f}, "
                f"mean estimate {row['mean_estimate']:+.2f} (twin effect {row['twin_effect']:+.2f})"
            )
        if sequential is not None:
            for size, part in sequential.groupby("n"):
                stops = ", ".join(f"{p:.3f}" for p in part["stop_probability"])
                typer.echo(
                    f"group-sequential ({spending}), n ≤ {size}: rejection "
                    f"{part['rejection'].iloc[0]:.3f}, stop by look {stops}, "
                    f"expected n {part['expected_n'].iloc[0]:.1f}"
                )
        if n_target is None:
            typer.echo(f"no size reached power {target:g}; try larger --n")
        else:
            typer.echo(f"n for power {target:g}: {n_target}")
        for path in written:
            typer.echo(f"wrote {path}")
        typer.echo(DISCLAIMER)


def register(app: typer.Typer) -> None:
    """Add the trial commands to the ``strokesim`` app."""
    app.command("trial")(trial)
    app.command("power")(power)
