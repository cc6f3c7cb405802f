"""The ``strokesim sweep`` and ``strokesim sensitivity`` commands (wrappers of strokesim.sweep).

Registered on the main app by :func:`register`. Each command validates its spec and
options first (one line naming the field, exit 2, nothing written), runs the design
points × cohort on the job layer into ``--out`` (manifest and Parquet parts, so
``--resume`` continues an interrupted run), then writes the summary table, the
figure and (sensitivity) the indices, all or none.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from strokesim.cli.options import DaskFlag, Workers
from strokesim.errors import UserInputError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from strokesim.sweep.spec import LoadedSweep

__all__ = ["analyse_sensitivity", "indices_markdown", "register", "sensitivity", "sweep"]

SpecFile = Annotated[
    Path, typer.Argument(help="Sweep spec (TOML).", metavar="SWEEP.toml", show_default=False)
]
Resume = Annotated[
    bool,
    typer.Option(
        "--resume",
        help="Continue the run in --out: skip its finished chunks (checked by checksum; "
        "the spec must be the same).",
    ),
]


def _check_out(out: Path, resume: bool) -> Path:
    from strokesim.jobs import check_run_folder

    try:
        return check_run_folder(out, resume)
    except UserInputError as error:
        raise UserInputError("--out", error.problem) from None


def _run(loaded, design, out: Path, workers: int, dask: bool, resume: bool, label: str):
    """Run the rows into ``out`` with a progress bar; Ctrl-C keeps the finished chunks."""
    from strokesim.cli.common import progress_bar as _progress_bar
    from strokesim.jobs import JobFailed
    from strokesim.sweep.run import read_sweep_rows, run_sweep

    try:
        with _progress_bar(label, then="summarising") as progress:
            result = run_sweep(
                loaded, design, out, workers=workers, dask=dask, resume=resume, progress=progress
            )
    except JobFailed as error:
        typer.echo(f"error: {error}; finished chunks kept in {out}", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        if not (out / "manifest.json").exists():
            raise
        typer.echo(f"interrupted; finished chunks kept in {out}: rerun with --resume", err=True)
        raise typer.Exit(130) from None
    if result.ran:
        typer.echo(
            f"ran {result.ran} of {result.chunks} chunks: {result.patient_days:,} patient-days "
            f"in {result.seconds:.0f} s ({result.patient_days / max(result.seconds, 1e-9):,.0f} "
            "patient-days/s)"
        )
    else:
        typer.echo(f"all {result.chunks} chunks were finished already")
    return read_sweep_rows(out)


def _csv_writer(table) -> Callable[[Path], None]:
    from strokesim.io import atomic_write_text

    text = table.to_csv(index=False)
    return lambda path: atomic_write_text(path, text, field="--out")


def sweep(
    spec_file: SpecFile,
    out: Annotated[
        Path,
        typer.Option(
            help="Output folder: the run (manifest.json, parts/), summary.csv, sweep.png.",
            metavar="DIR",
        ),
    ] = Path("results/sweep"),
    resume: Resume = False,
    workers: Workers = 1,
    dask: DaskFlag = False,
) -> None:
    """Run a sweep: a grid, Latin hypercube or Sobol design over registry parameters and
    protocol knobs, each point on the same cohort; one summary row per design point."""
    from strokesim.cli.common import DISCLAIMER
    from strokesim.cli.common import user_errors as _user_errors

    with _user_errors():
        from strokesim.jobs import check_workers
        from strokesim.outputs import write_all
        from strokesim.report import save_figure
        from strokesim.sweep.design import build_design
        from strokesim.sweep.figures import sweep_figure
        from strokesim.sweep.run import summarise
        from strokesim.sweep.spec import load_sweep

        check_workers(workers)
        loaded = load_sweep(spec_file)
        design = build_design(loaded.factors, loaded.spec.design)
        folder = _check_out(out, resume)
        n = loaded.spec.cohort.n
        typer.echo(
            f"sweep '{loaded.spec.name}': {len(design)} design points "
            f"({loaded.spec.design.kind}) × {n} patients, {loaded.spec.cohort.days} days"
        )
        rows = _run(loaded, design, folder, workers, dask, resume, "sweeping")
        summary = summarise(loaded, design, rows)
        figure = sweep_figure(loaded, summary, loaded.spec.design.kind)
        written = write_all(
            [
                (folder / "summary.csv", _csv_writer(summary)),
                (folder / "sweep.png", lambda p: save_figure(figure, p, "--out")),
            ]
        )
        for o in loaded.spec.output:
            values = summary[o.column]
            best = summary.loc[values.idxmax()]
            shown = ", ".join(f"{f.name} = {best[f.name]:.4g}" for f in loaded.factors)
            typer.echo(
                f"{o.label()}: {values.min():.2f} to {values.max():.2f} over the design; "
                f"highest at {shown}"
            )
        for path in written:
            typer.echo(f"wrote {path}")
        typer.echo(DISCLAIMER)


def sensitivity(
    spec_file: SpecFile,
    out: Annotated[
        Path,
        typer.Option(
            help="Output folder: the run (manifest.json, parts/), summary.csv, indices.csv, "
            "indices.md, sensitivity.png.",
            metavar="DIR",
        ),
    ] = Path("results/sensitivity"),
    resume: Resume = False,
    workers: Workers = 1,
    dask: DaskFlag = False,
) -> None:
    """Sobol sensitivity (SALib): first-order and total indices with confidence intervals
    of each output over the spec's factors, from a Saltelli design ([sensitivity])."""
    from strokesim.cli.common import DISCLAIMER
    from strokesim.cli.common import user_errors as _user_errors

    with _user_errors():
        from strokesim.sweep.optional import require_salib

        require_salib()
        from strokesim.io import atomic_write_text
        from strokesim.jobs import check_workers
        from strokesim.outputs import write_all
        from strokesim.report import save_figure
        from strokesim.sweep.design import saltelli_design
        from strokesim.sweep.run import summarise
        from strokesim.sweep.spec import load_sweep

        check_workers(workers)
        loaded = load_sweep(spec_file)
        cfg = loaded.spec.sensitivity
        if len(loaded.factors) < 2:
            raise UserInputError("factor", "sensitivity needs at least 2 factors")
        design = saltelli_design(loaded.factors, cfg.samples, cfg.seed)
        folder = _check_out(out, resume)
        n = loaded.spec.cohort.n
        typer.echo(
            f"sensitivity '{loaded.spec.name}': {cfg.samples} base samples × "
            f"({len(loaded.factors)} factors + 2) = {len(design)} design points × {n} patients, "
            f"{loaded.spec.cohort.days} days"
        )
        rows = _run(loaded, design, folder, workers, dask, resume, "sensitivity runs")
        summary = summarise(loaded, design, rows)
        indices, markdown, figure = analyse_sensitivity(
            loaded, summary, samples=cfg.samples, title=f"Sensitivity '{loaded.spec.name}'"
        )
        written = write_all(
            [
                (folder / "summary.csv", _csv_writer(summary)),
                (folder / "indices.csv", _csv_writer(indices)),
                (
                    folder / "indices.md",
                    lambda p: atomic_write_text(p, markdown, field="--out"),
                ),
                (folder / "sensitivity.png", lambda p: save_figure(figure, p, "--out")),
            ]
        )
        typer.echo(markdown)
        for path in written:
            typer.echo(f"wrote {path}")
        typer.echo(DISCLAIMER)


def analyse_sensitivity(
    loaded: LoadedSweep, summary: pd.DataFrame, *, samples: int, title: str
) -> tuple[pd.DataFrame, str, Figure]:
    """Sobol indices of each output over the design points of ``summary``, as table,
    Markdown and figure (shared by ``strokesim sensitivity`` and
    ``benchmarks/sensitivity_partial.py``).

    Parameters
    ----------
    loaded
        The validated spec (:class:`~strokesim.sweep.spec.LoadedSweep`): factors,
        outputs and the ``[sensitivity]`` settings.
    summary
        One row per design point of a Saltelli design of ``samples`` base samples
        (:func:`strokesim.sweep.run.summarise`).
    samples
        Base samples of that design (shown in the figure's caption).
    title
        The figure's title.

    Returns
    -------
    tuple of (pandas.DataFrame, str, matplotlib.figure.Figure)
        The indices (:func:`strokesim.sweep.sensitivity.indices_table`), their
        Markdown table and their bar plot.

    Raises
    ------
    strokesim.errors.UserInputError
        If an output is undefined at some design point (field ``output``).
    """
    from strokesim.sweep.figures import sensitivity_figure
    from strokesim.sweep.sensitivity import indices_table

    cfg = loaded.spec.sensitivity
    columns = [o.column for o in loaded.spec.output]
    for column in columns:
        if not summary[column].notna().all():
            raise UserInputError(
                "output", f"{column} is undefined at some design points (no value to analyse)"
            )
    indices = indices_table(
        loaded.factors,
        summary,
        columns,
        resamples=cfg.resamples,
        confidence=cfg.confidence,
        seed=cfg.seed,
    )
    figure = sensitivity_figure(
        indices,
        loaded.spec.output,
        points=len(summary),
        samples=samples,
        n_per_point=loaded.spec.cohort.n,
        confidence=cfg.confidence,
        title=title,
    )
    return indices, indices_markdown(indices, cfg.confidence), figure


def indices_markdown(indices, confidence: float) -> str:
    """The indices as a Markdown table, sorted by total index within each output."""
    level = f"{confidence:.0%}"
    lines = []
    for output, table in indices.groupby("output", sort=False):
        lines += [
            f"Output `{output}`:",
            "",
            f"| factor | S1 [{level} CI] | ST [{level} CI] |",
            "|---|---|---|",
        ]
        for row in table.sort_values("ST", ascending=False).itertuples():
            lines.append(
                f"| {row.factor} | {row.S1:.3f} [{row.S1_low:.3f}, {row.S1_high:.3f}] | "
                f"{row.ST:.3f} [{row.ST_low:.3f}, {row.ST_high:.3f}] |"
            )
        lines.append("")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    """Add the sweep commands to the ``strokesim`` app."""
    app.command("sweep")(sweep)
    app.command("sensitivity")(sensitivity)
