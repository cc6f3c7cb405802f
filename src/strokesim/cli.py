"""The ``strokesim`` command line: parses arguments and calls the Python API.

Every command turns a :class:`strokesim.errors.UserInputError` into one line on
standard error (``error: <field>: <problem>``) and exit code 2; Ctrl-C exits
with 130 and leaves no output files. Output paths are checked before any
simulation starts.
"""

from __future__ import annotations

import contextlib
import csv
import sys
from collections.abc import Callable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console, Group
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from strokesim.cli_jobs import ChunkSize, DaskFlag, Resume, RunDir, Scheduler, Workers
from strokesim.errors import UserInputError

if TYPE_CHECKING:  # the API is imported inside the commands: `--help` stays fast
    import xarray as xr

    from strokesim.therapy import Protocol

__all__ = ["app", "main"]

#: Printed by every command that shows prognosis-like output.
DISCLAIMER = "Research software, not a medical device: not clinical advice."

app = typer.Typer(
    name="strokesim",
    help="Simulate motor recovery after stroke with a mechanistic model.\n\n" + DISCLAIMER,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

#: The argument of commands that read patients from a TOML file.
PatientsFile = Annotated[
    Path,
    typer.Argument(
        help=escape("TOML file with [patient] or [[patients]]."),
        metavar="PATIENTS.toml",
        show_default=False,
    ),
]

#: The option shared by commands that take patients given by clinical findings.
LesionSamples = Annotated[
    int,
    typer.Option(
        help="Plausible lesions per patient given by clinical findings.", metavar="N", min=1
    ),
]

_out = Console()
_err = Console(stderr=True)


@contextlib.contextmanager
def _user_errors() -> Iterator[None]:
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
def _progress_bar(description: str, then: str) -> Iterator[Callable[[int, int], None]]:
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
        console=_err,
        transient=True,
    ) as progress:
        # Until the first callback: compiling, and inferring lesions for patients
        # given by clinical findings.
        task = progress.add_task("preparing", total=None)

        def update(done: int, total: int) -> None:
            stage = description if done < total else then
            progress.update(task, description=stage, completed=done, total=total)

        yield update


def _print_table(
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
    _out.print(table)


def _check_seed(seed: int) -> int:
    if not 0 <= seed < 2**32:
        raise UserInputError("--seed", f"must be an integer in 0–{2**32 - 1}, got {seed}")
    return seed


def _check_days(days: int, low: int = 1) -> int:
    from strokesim.simulate import MAX_DAYS

    if not low <= days <= MAX_DAYS:
        raise UserInputError("--days", f"must be an integer in {low}–{MAX_DAYS}, got {days}")
    return days


def _resolve_protocol(value: str | None) -> Protocol:
    """A protocol from a TOML path (``*.toml`` or an existing file) or a shipped name."""
    from strokesim.therapy import load_protocol, named_protocol, usual_care

    if value is None:
        return usual_care()
    if value.lower().endswith(".toml") or Path(value).is_file():
        return load_protocol(value)
    return named_protocol(value)


@app.command()
def simulate(
    patients: PatientsFile,
    protocol: Annotated[
        str | None,
        typer.Option(
            help="Protocol TOML file or a named protocol (see `strokesim protocols`). "
            "Default: usual care.",
            metavar="FILE|NAME",
            show_default=False,
        ),
    ] = None,
    days: Annotated[int, typer.Option(help="Days to simulate after onset.", metavar="N")] = 180,
    seed: Annotated[int, typer.Option(help="Root seed of every random stream.", metavar="N")] = 0,
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
    with _user_errors():
        from strokesim.cli_jobs import check_job_options, simulate_job
        from strokesim.outputs import check_distinct, check_figure_path, check_result_path

        _check_days(days)
        _check_seed(seed)
        job = check_job_options(run_dir, chunk_size, workers, dask, scheduler, resume)
        results = [check_result_path(path, "--out") for path in out or []]
        figure = check_figure_path(plot, "--plot") if plot is not None else None
        check_distinct([*results, *([figure] if figure else [])])
        from strokesim.patient import load_patients

        specs = load_patients(patients)
        chosen = _resolve_protocol(protocol)

        from strokesim.simulate import resolve_patients
        from strokesim.summary import outcome_summary, summary_record

        finished: list[tuple[xr.Dataset, list[Path]]] = []
        with _progress_bar("simulating", then="summarising") as progress:
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
            _print_table(title, summary)
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


#: Longer summaries are not printed (a large run's results are in its files).
_MAX_SUMMARY_ROWS = 100


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


class TableFormat(StrEnum):
    """Output format of a table."""

    table = "table"
    csv = "csv"
    markdown = "markdown"


@app.command()
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
    with _user_errors():
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
    if _out.width >= _WIDE_TABLE_COLUMNS:
        table = Table(title=title, title_justify="left")
        for key, heading in columns.items():
            wrap = key in ("description", "source", "calibrated_by")
            table.add_column(heading, no_wrap=not wrap, overflow="fold")
        for row in rows:
            table.add_row(*(Text(row[key]) for key in columns))
        _out.print(table)
        return
    _out.print(Text(title, style="bold"))
    for row in rows:
        head = Text.assemble((row["name"], "bold"), f" = {row['value']} {row['unit']}")
        head.append(f"  (plausible {row['range']})", style="dim")
        _out.print(head)
        details = [Text(row["description"]), Text("source: " + row["source"], style="dim")]
        if row.get("calibrated_by") and "calibrated_by" in columns:
            details.append(Text("calibrated by: " + row["calibrated_by"], style="dim"))
        _out.print(Padding(Group(*details), (0, 0, 0, 4)))


_PROTOCOL_HEADINGS = {"component": "#", "sessions_per_week": "per week"}


@app.command()
def protocols(
    name: Annotated[
        str | None,
        typer.Argument(help="Show this protocol's components.", show_default=False),
    ] = None,
) -> None:
    """List the named protocols shipped with strokesim, or describe one."""
    with _user_errors():
        from strokesim.therapy import describe_protocol, named_protocol, named_protocols

        if name is None:
            rows = [
                {
                    "name": key,
                    "components": "\n".join(c["kind"] for c in describe_protocol(p)) or "none",
                    "description": p.description,
                }
                for key, p in named_protocols().items()
            ]
            _print_table("Named protocols (use with --protocol NAME)", rows, wrap=["description"])
            return
        chosen = named_protocol(name)
        typer.echo(f"{chosen.name}: {chosen.description}")
        rows = [
            {
                _PROTOCOL_HEADINGS.get(key, key): str(value).replace(", ", "\n")
                for key, value in row.items()
            }
            for row in describe_protocol(chosen)
        ]
        if rows:
            _print_table(None, rows, wrap=["parameters"])
        else:
            typer.echo("No components.")


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Output folder.", metavar="DIR")] = Path("out/demo"),
    days: Annotated[int, typer.Option(help="Days to simulate after onset.", metavar="N")] = 180,
    seed: Annotated[int, typer.Option(help="Root seed.", metavar="N")] = 0,
) -> None:
    """Simulate four representative patients under usual care and write a report."""
    with _user_errors():
        from strokesim.demo import DEMO_FILES, run_demo
        from strokesim.summary import outcome_summary

        _check_days(days, low=3)
        _check_seed(seed)
        typer.echo(
            "Simulating four patients (mild, moderate, severe MEP+, severe MEP−) "
            f"for {days} days of usual care…"
        )
        with _progress_bar("simulating", then="writing report and figures") as progress:
            result = run_demo(out, days=days, seed=seed, progress=progress)
        # The ids name the profile and the line below says whether each met it; the
        # lesions and the full check are in the report and in examples/patients/.
        outcomes = outcome_summary(result.dataset).drop(columns="Lesions")
        _print_table("Demo patients, usual care", outcomes.to_dict("records"))
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


@app.command()
def compare(
    patients: PatientsFile,
    more_protocols: Annotated[
        list[str] | None,
        typer.Argument(hidden=True, show_default=False),
    ] = None,
    protocols: Annotated[
        list[str] | None,
        typer.Option(
            "--protocols",
            "-p",
            help="Protocols to compare (TOML files or names), e.g. "
            "`--protocols usual_care cimt_2_weeks`. The first is the reference.",
            metavar="FILE|NAME ...",
            show_default=False,
        ),
    ] = None,
    days: Annotated[int, typer.Option(help="Days to simulate after onset.", metavar="N")] = 180,
    seed: Annotated[int, typer.Option(help="Root seed of every random stream.", metavar="N")] = 0,
    out: Annotated[
        Path, typer.Option(help="Output folder (table, figure, dataset).", metavar="DIR")
    ] = Path("out/compare"),
    lesion_samples: LesionSamples = 16,
) -> None:
    """Run several protocols on the same virtual patients (counterfactual twins)."""
    with _user_errors():
        from strokesim.outputs import output_folder, write_all

        _check_days(days)
        _check_seed(seed)
        names = [*(protocols or []), *(more_protocols or [])]
        if len(names) < 2:
            raise UserInputError("--protocols", "give at least two protocols to compare")
        chosen = {}
        for name in names:
            protocol = _resolve_protocol(name)
            if protocol.name in chosen:
                raise UserInputError("--protocols", f"names {protocol.name} twice")
            chosen[protocol.name] = protocol
        from strokesim.patient import load_patients

        specs = load_patients(patients)
        with output_folder(out) as folder:
            from strokesim.compare import compare_protocols, comparison_figure, comparison_table
            from strokesim.io import atomic_write_text, write_results
            from strokesim.report import save_figure

            typer.echo(f"Comparing {len(chosen)} protocols on the same virtual patients…")
            ds = compare_protocols(
                specs, chosen, days=days, seed=seed, n_lesion_samples=lesion_samples
            )
            table = comparison_table(ds)
            written = write_all(
                [
                    (
                        folder / "comparison.csv",
                        lambda p: atomic_write_text(p, table.to_csv(index=False), field="--out"),
                    ),
                    (
                        folder / "comparison.png",
                        lambda p: save_figure(comparison_figure(ds), p, "--out"),
                    ),
                    (folder / "comparison.nc", lambda p: write_results(ds, p, field="--out")),
                ]
            )
        rows = [
            {k: (f"{v:.1f}" if isinstance(v, float) else v) for k, v in row.items()}
            for row in table.to_dict("records")
        ]
        _print_table(f"FMA-UE at day {days}: arms vs {names[0]} (paired, same lesions)", rows)
        for path in written:
            typer.echo(f"wrote {path}")
        typer.echo(DISCLAIMER)


@app.command()
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
) -> None:
    """Run the validation battery (VALIDATION.md V1–V13); exit 0 only if every target passes.

    With --seeds, exit 0 only if every target passes at every seed.
    """
    with _user_errors():
        if seeds is not None:
            from strokesim.validate.seeds import seeds_command

            if seed is not None:
                raise UserInputError("--seeds", "give either --seed or --seeds, not both")
            with _progress_bar("validation targets × seeds", then="writing report") as progress:
                code = seeds_command(
                    n,
                    seeds,
                    results_dir,
                    report=report,
                    markdown=markdown,
                    only=only,
                    resume=resume,
                    echo=typer.echo,
                    progress=progress,
                )
            raise typer.Exit(code)
        from strokesim.validate.battery import validate_command

        if resume:
            raise UserInputError("--resume", "only with --seeds (a single seed is run whole)")
        seed = _check_seed(0 if seed is None else seed)
        with _progress_bar("validation targets", then="writing report") as progress:
            code = validate_command(
                n=n,
                seed=seed,
                report=report,
                only=only,
                markdown=markdown,
                echo=typer.echo,
                progress=progress,
            )
    raise typer.Exit(code)


@app.command("external-trials")
def external_trials(
    n: Annotated[
        int, typer.Option(help="Virtual patients drawn before inclusion.", metavar="N")
    ] = 1000,
    seed: Annotated[int, typer.Option(help="Root seed.", metavar="N")] = 0,
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
    with _user_errors():
        from strokesim.validate.external import external_command

        _check_seed(seed)
        with _progress_bar("held-out trials and cohorts", then="writing") as progress:
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


from strokesim.cli_trial import register as _register_trial_commands  # noqa: E402

_register_trial_commands(app)

from strokesim.cli_predict import register as _register_predict_commands  # noqa: E402

_register_predict_commands(app)

from strokesim.cli_sweep import register as _register_sweep_commands  # noqa: E402

_register_sweep_commands(app)


def main() -> None:
    """Entry point of the ``strokesim`` console script."""
    app()
