"""``strokesim simulate``: patients under a protocol, run as a job of chunks (strokesim.jobs)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from strokesim.cli.common import (
    DISCLAIMER,
    check_days,
    check_seed,
    print_table,
    progress_bar,
    resolve_protocol,
    user_errors,
)
from strokesim.cli.options import (
    ChunkSize,
    DaskFlag,
    Days,
    LesionSamples,
    PatientsFile,
    ProtocolOption,
    Resume,
    RunDir,
    Scheduler,
    Seed,
    Workers,
)

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["register", "simulate"]

#: Longer summaries are not printed (a large run's results are in its files).
_MAX_SUMMARY_ROWS = 100


def simulate(
    patients: PatientsFile,
    protocol: ProtocolOption = None,
    days: Days = 180,
    seed: Seed = 0,
    out: Annotated[
        list[Path] | None,
        typer.Option(
            "--out",
            help="Result file: .nc (whole dataset), .parquet or .csv (tidy table). Repeatable.",
            metavar="FILE",
            show_default=False,
        ),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            help="FMA-UE recovery curves as a .png file.", metavar="FILE", show_default=False
        ),
    ] = None,
    rater_noise: Annotated[
        bool, typer.Option(help="Add rater measurement noise to item scores.")
    ] = True,
    lesion_samples: LesionSamples = 16,
    run_dir: RunDir = None,
    chunk_size: ChunkSize = 512,
    workers: Workers = 1,
    dask: DaskFlag = False,
    scheduler: Scheduler = None,
    resume: Resume = False,
) -> None:
    """Simulate patients under a protocol; print their outcomes and write results.

    The patients run in chunks (--chunk-size), in this process or in --workers
    processes or on Dask; each finished chunk is written to the run folder at once,
    and --resume continues an interrupted run from its finished chunks.
    """
    with user_errors():
        from strokesim.cli.jobs import check_job_options, simulate_job
        from strokesim.outputs import check_distinct, check_figure_path, check_result_path

        check_days(days)
        check_seed(seed)
        job = check_job_options(run_dir, chunk_size, workers, dask, scheduler, resume)
        results = [check_result_path(path, "--out") for path in out or []]
        figure = check_figure_path(plot, "--plot") if plot is not None else None
        check_distinct([*results, *([figure] if figure else [])])
        from strokesim.patient import load_patients

        specs = load_patients(patients)
        chosen = resolve_protocol(protocol)

        from strokesim.simulate import resolve_patients
        from strokesim.summary import outcome_summary, summary_record

        finished: list[tuple[xr.Dataset, list[Path]]] = []
        with progress_bar("simulating", then="summarising") as progress:
            resolved = resolve_patients(specs, seed, n_lesion_samples=lesion_samples)
            simulate_job(
                resolved,
                chosen,
                job,
                days=days,
                record_days=summary_record(days).days,
                seed=seed,
                rater_noise=rater_noise,
                progress=progress,
                use=lambda ds: finished.append((ds, _write_simulation(ds, results, figure))),
            )
        ds, written = finished[0]
        summary = outcome_summary(ds).to_dict("records")
        title = f"Protocol {chosen.name}, {days} days, seed {seed}"
        if len(summary) <= _MAX_SUMMARY_ROWS:
            print_table(title, summary)
        else:
            typer.echo(f"{title}: {len(summary)} patients (summary table not printed).")
        if any(int(row["Lesions"]) > 1 for row in summary[:_MAX_SUMMARY_ROWS]):
            typer.echo(
                "Patients given by clinical findings: median [10th–90th percentile] "
                "over plausible lesions."
            )
        if run_dir is not None:
            typer.echo(f"run folder {run_dir} (read it with strokesim.jobs.read_run)")
        for path in written:
            typer.echo(f"wrote {path}")
        typer.echo(DISCLAIMER)


def _write_simulation(ds: xr.Dataset, results: list[Path], figure: Path | None) -> list[Path]:
    from strokesim.io import write_results
    from strokesim.outputs import Writer, write_all

    plan: list[Writer] = [(path, lambda p: write_results(ds, p, field="--out")) for path in results]
    if figure is not None:
        from strokesim.report import recovery_curves, save_figure

        described = "source_patient" in ds.coords and (
            len(set(ds["source_patient"].values)) < ds.sizes["patient"]
        )
        group = "source_patient" if described else None
        plan.append(
            (
                figure,
                lambda p: save_figure(
                    recovery_curves(ds, "fma_ue", group, band="spread"), p, "--plot"
                ),
            )
        )
    return write_all(plan)


def register(app: typer.Typer) -> None:
    """Add ``simulate`` to the ``strokesim`` app."""
    app.command()(simulate)
