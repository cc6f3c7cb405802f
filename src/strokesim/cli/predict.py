"""The ``strokesim predict`` and ``strokesim plan`` commands (thin wrappers of strokesim.predict).

Registered on the main app by :func:`register`. The record is read and
validated first (one line, exit 2, nothing written); then, per patient, a
reference library of prior virtual patients of the patient's age is simulated
under usual care (a progress bar), the model is calibrated to the record, and
the outputs are written all or none into ``OUT/<patient id>/``:
``report.html``, ``prediction.csv`` (bands), ``draws.parquet`` (posterior
particles × days, with weights) and ``prediction.png``; ``plan`` adds
``plan.csv`` and ``next_assessment.csv``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from strokesim.cli.common import DISCLAIMER, progress_bar, user_errors
from strokesim.cli.options import Horizon, LibrarySize, Method, RecordFile, SeedNumber
from strokesim.errors import UserInputError

__all__ = ["plan", "predict", "register"]

#: The output folder of the prediction commands.
Out = Annotated[
    Path, typer.Option(help="Output folder (one subfolder per patient).", metavar="DIR")
]


def _check(horizon: int, library: int, method: str, seed: int) -> None:
    from strokesim.predict.posterior import METHODS
    from strokesim.simulate import MAX_DAYS

    if not 14 <= horizon <= MAX_DAYS:
        raise UserInputError("--horizon", f"must be an integer in 14–{MAX_DAYS}, got {horizon}")
    if not 16 <= library <= 100_000:
        raise UserInputError("--library", f"must be an integer in 16–100000, got {library}")
    if method not in METHODS:
        raise UserInputError("--method", f"must be one of {', '.join(METHODS)}, got {method!r}")
    if not 0 <= seed < 2**31:
        raise UserInputError("--seed", f"must be an integer in 0–{2**31 - 1}, got {seed}")


def _run(
    record_file: Path,
    horizon: int,
    out: Path,
    library: int,
    method: str,
    seed: int,
    protocols: list[str] | None,
    n_draws: int,
) -> None:
    from strokesim.io import atomic_write_text
    from strokesim.io.atomic import atomic_path
    from strokesim.outputs import output_folder, write_all
    from strokesim.predict.comparators import baselines_for
    from strokesim.predict.library import build_library, library_days
    from strokesim.predict.likelihood import needs_day
    from strokesim.predict.planner import next_assessment, plan
    from strokesim.predict.posterior import calibrate
    from strokesim.predict.predictive import (
        draws_table,
        predictive_figure,
        predictive_table,
        summary_at,
    )
    from strokesim.predict.report import render_patient_report
    from strokesim.report import save_figure
    from strokesim.therapy.library import named_protocol

    _check(horizon, library, method, seed)
    from strokesim.predict.record import load_records

    records = load_records(record_file)
    candidates = None
    if protocols is not None:
        candidates = {name: named_protocol(name) for name in protocols}
    for r in records:
        last = max((o.day for o in r.observations), default=0)
        if not r.observations:
            raise UserInputError(f"patients.{r.patient_id}", "has no observations")
        if last >= horizon:
            raise UserInputError(
                "--horizon", f"must be after {r.patient_id}'s last observation day {last}"
            )
    lines: list[str] = []
    with output_folder(out) as folder:
        plan_writers = []
        for r in records:
            days = library_days([o.day for o in r.observations if needs_day(o.measure)], horizon)
            with progress_bar(f"{r.patient_id}: simulating library", then="calibrating") as bar:
                lib = build_library(library, seed, days, age=r.age, progress=bar)
                post = calibrate(r, lib, method=method, seed=seed, progress=bar)
            base = baselines_for(r, horizon)
            table = predictive_table(post)
            figure = predictive_figure(post, r, base)
            draws = draws_table(post, r.patient_id)
            extra = []
            s = summary_at(post, horizon)
            line = (
                f"{r.patient_id}: FMA-UE at day {horizon} median {s['median']:.0f} "
                f"(80% {s['p10']:.0f}–{s['p90']:.0f}); ESS {post.diagnostics['ess']:.1f}; "
                f"PREP2 {base.prep2 or '—'}; proportional "
                f"{'—' if base.proportional is None else f'{base.proportional:.1f}'}; mixture "
                f"{'—' if base.mixture is None else f'{base.mixture:.1f}'}"
            )
            lines.append(line)
            sub = folder / r.patient_id
            if protocols is not None:
                with progress_bar(f"{r.patient_id}: simulating twins", then="ranking") as bar:
                    result = plan(
                        post,
                        candidates,
                        horizon=horizon,
                        n_draws=n_draws,
                        seed=seed,
                        progress=bar,
                    )
                nxt = next_assessment(post, horizon, seed=seed)
                extra = [
                    (f"Protocols ranked by expected FMA-UE gain at day {horizon}", result.table),
                    (f"Which next assessment narrows the day-{horizon} interval most", nxt),
                ]
                for row in result.table.itertuples():
                    lines.append(f"  {row.rank}. {row.protocol}: {row.reason}")
                if len(nxt):
                    best = nxt.iloc[0]
                    lines.append(
                        f"  next assessment: {best.measure} on day {best.day} narrows the 80% "
                        f"interval from {best.current_width:.1f} to {best.expected_width:.1f} "
                        "points"
                    )
                plan_csv = f"# {DISCLAIMER}\n" + result.table.to_csv(index=False)
                next_csv = f"# {DISCLAIMER}\n" + nxt.to_csv(index=False)
                plan_writers += [
                    (sub / "plan.csv", lambda p, t=plan_csv: atomic_write_text(p, t, "--out")),
                    (
                        sub / "next_assessment.csv",
                        lambda p, t=next_csv: atomic_write_text(p, t, "--out"),
                    ),
                ]
            page = render_patient_report(r, post, base, figure, table, horizon, extra)
            csv = f"# {DISCLAIMER}\n" + table.to_csv(index=False)

            def parquet(path: Path, frame=draws) -> None:
                import pyarrow as pa
                import pyarrow.parquet as pq

                t = pa.Table.from_pandas(frame, preserve_index=False)
                t = t.replace_schema_metadata(
                    {**(t.schema.metadata or {}), b"disclaimer": DISCLAIMER.encode()}
                )
                with atomic_path(path, "--out") as temporary:
                    pq.write_table(t, temporary)

            plan_writers += [
                (sub / "report.html", lambda p, t=page: atomic_write_text(p, t, "--out")),
                (sub / "prediction.csv", lambda p, t=csv: atomic_write_text(p, t, "--out")),
                (sub / "draws.parquet", parquet),
                (sub / "prediction.png", lambda p, f=figure: save_figure(f, p, "--out")),
            ]
        written = write_all([(path, _in_folder(write)) for path, write in plan_writers])
    for line in lines:
        typer.echo(line)
    for path in written:
        typer.echo(f"wrote {path}")
    typer.echo(DISCLAIMER)


def _in_folder(write):
    """``write`` preceded by creating the file's (patient) folder."""

    def run(path: Path):
        path.parent.mkdir(exist_ok=True)
        return write(path)

    return run


def predict(
    record_file: RecordFile,
    horizon: Horizon = 180,
    out: Out = Path("results/predict"),
    library: LibrarySize = 512,
    method: Method = "smc",
    seed: SeedNumber = 0,
) -> None:
    """Calibrate the model to each patient's record and predict recovery with 50/80/95% bands."""

    with user_errors():
        _run(record_file, horizon, out, library, method, seed, None, 0)


def plan(
    record_file: RecordFile,
    protocols: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated shipped protocol names (default: six candidates).",
            metavar="A,B,...",
            show_default=False,
        ),
    ] = None,
    horizon: Horizon = 180,
    out: Out = Path("results/plan"),
    library: LibrarySize = 512,
    method: Method = "smc",
    draws: Annotated[
        int, typer.Option(help="Posterior draws simulated per protocol.", metavar="N")
    ] = 64,
    seed: SeedNumber = 0,
) -> None:
    """Rank candidate protocols for each patient by expected gain over usual care."""
    from strokesim.predict.planner import DEFAULT_CANDIDATES

    with user_errors():
        names = (
            list(DEFAULT_CANDIDATES)
            if protocols is None
            else [p.strip() for p in protocols.split(",") if p.strip()]
        )
        if not names:
            raise UserInputError("--protocols", "name at least one protocol")
        if not 4 <= draws <= 4096:
            raise UserInputError("--draws", f"must be an integer in 4–4096, got {draws}")
        _run(record_file, horizon, out, library, method, seed, names, draws)


def register(app: typer.Typer) -> None:
    """Add the prediction commands to the ``strokesim`` app."""
    app.command("predict")(predict)
    app.command("plan")(plan)
