"""The ``strokesim predict`` and ``strokesim plan`` commands (thin wrappers of strokesim.predict).

Registered on the main app by :func:`register`. The record is read and
validated first (one line, exit 2, nothing written); then a reference library
of prior virtual patients is simulated once under usual care (a progress bar):
of the patient's age for a one-patient record, with ages drawn from the
population (and an age kernel in the likelihood) when the record holds several
patients, who all share it. Each patient is calibrated to its record, and the
outputs are written all or none into ``OUT/<patient id>/``:
``report.html``, ``prediction.csv`` (bands), ``draws.parquet`` (posterior
particles × days, with weights) and ``prediction.png``; ``plan`` adds
``plan.csv`` and ``next_assessment.csv``. ``plan`` takes the candidates by name
(``--protocols``) and from protocol files (``--protocol-file``), and per-candidate
knobs: ``--start-day`` (day the added therapy starts) and
``--minutes-per-session`` (dose of the added training, trials in proportion),
each one value for all candidates or one per candidate.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from strokesim.errors import UserInputError

__all__ = ["plan", "predict", "register"]

RecordFile = Annotated[
    Path,
    typer.Argument(
        help="Patient record (.csv, one or many patients; or .toml).",
        metavar="RECORD",
        show_default=False,
    ),
]
Horizon = Annotated[
    int, typer.Option(help="Last day of the prediction (days since stroke).", metavar="DAY")
]
Out = Annotated[
    Path, typer.Option(help="Output folder (one subfolder per patient).", metavar="DIR")
]
LibrarySize = Annotated[
    int,
    typer.Option("--library", help="Prior virtual patients simulated per patient.", metavar="N"),
]
Method = Annotated[
    str, typer.Option(help="Calibration: is (importance sampling) or smc (+ resample-move).")
]
Seed = Annotated[int, typer.Option(help="Root seed.", metavar="SEED")]


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
    candidates: dict | None,
    n_draws: int,
    knobs: tuple[str | None, str | None] = (None, None),
) -> None:
    from strokesim.cli import DISCLAIMER, _progress_bar
    from strokesim.io import atomic_write_text
    from strokesim.io.atomic import atomic_path
    from strokesim.outputs import output_folder, write_all
    from strokesim.predict.comparators import baselines_for
    from strokesim.predict.library import build_library, library_days
    from strokesim.predict.likelihood import needs_day
    from strokesim.predict.planner import next_assessment, plan_many
    from strokesim.predict.posterior import calibrate
    from strokesim.predict.predictive import (
        draws_table,
        predictive_figure,
        predictive_table,
        summary_at,
    )
    from strokesim.predict.report import render_patient_report
    from strokesim.report import save_figure

    _check(horizon, library, method, seed)
    from strokesim.predict.record import load_records

    records = load_records(record_file)
    for r in records:
        last = max((o.day for o in r.observations), default=0)
        if not r.observations:
            raise UserInputError(f"patients.{r.patient_id}", "has no observations")
        if last >= horizon:
            raise UserInputError(
                "--horizon", f"must be after {r.patient_id}'s last observation day {last}"
            )
    starts = None
    if candidates is not None:
        latest = max(max(o.day for o in r.observations) for r in records)
        candidates, starts = _apply_knobs(candidates, *knobs, latest, horizon)
    days = library_days(
        [o.day for r in records for o in r.observations if needs_day(o.measure)], horizon
    )
    with _progress_bar(f"reference library ({library} patients)", then="calibrating") as bar:
        # one patient: prior patients of its age; several: ages drawn, shared by all
        lib = build_library(
            library, seed, days, age=records[0].age if len(records) == 1 else None, progress=bar
        )
    posts = []
    for r in records:
        with _progress_bar(f"{r.patient_id}: calibrating", then="predicting") as bar:
            posts.append(calibrate(r, lib, method=method, seed=seed, progress=bar))
    plans = [None] * len(records)
    if candidates is not None:
        # every patient's twins in one batch (the same plans as one patient at a time)
        with _progress_bar("simulating twins", then="ranking") as bar:
            plans = plan_many(
                posts,
                candidates,
                horizon=horizon,
                n_draws=n_draws,
                start_day=starts,
                seeds=[seed] * len(posts),
                progress=bar,
            )
    lines: list[str] = []
    with output_folder(out) as folder:
        plan_writers = []
        for r, post, result in zip(records, posts, plans, strict=True):
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
            if result is not None:
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


def _per_candidate(option: str, text: str | None, names: list[str]) -> list[str | None]:
    """A comma-separated option as one value per candidate (one value applies to all)."""
    if text is None:
        return [None] * len(names)
    values = [v.strip() for v in text.split(",")]
    if len(values) == 1:
        return values * len(names)
    if len(values) != len(names):
        raise UserInputError(
            option, f"must give 1 or {len(names)} values (one per protocol), got {len(values)}"
        )
    return values


def _apply_knobs(
    candidates: dict,
    start_text: str | None,
    minutes_text: str | None,
    last_day: int,
    horizon: int,
) -> tuple[dict, dict[str, int | None]]:
    """Each candidate with its dose knob applied, and its start day (validated)."""
    from strokesim.predict.planner import with_minutes

    names = list(candidates)
    starts: dict[str, int | None] = {}
    for name, text in zip(names, _per_candidate("--start-day", start_text, names), strict=True):
        if text is None:
            starts[name] = None
            continue
        try:
            day = int(text)
        except ValueError:
            day = None
        if day is None or not last_day < day < horizon:
            raise UserInputError(
                "--start-day",
                f"must be an integer in {last_day + 1}–{horizon - 1} (after the last "
                f"observation, before the horizon), got {text!r}",
            )
        starts[name] = day
    out = {}
    for name, text in zip(
        names, _per_candidate("--minutes-per-session", minutes_text, names), strict=True
    ):
        if text is None:
            out[name] = candidates[name]
            continue
        try:
            minutes = float(text)
        except ValueError:
            minutes = float("nan")
        if not 1 <= minutes <= 480:
            raise UserInputError(
                "--minutes-per-session", f"must be a number in 1–480, got {text!r}"
            )
        out[name] = with_minutes(candidates[name], minutes)
    return out, starts


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
    seed: Seed = 0,
) -> None:
    """Calibrate the model to each patient's record and predict recovery with 50/80/95% bands."""
    from strokesim.cli import _user_errors

    with _user_errors():
        _run(record_file, horizon, out, library, method, seed, None, 0)


def plan(
    record_file: RecordFile,
    protocols: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated shipped protocol names (default: six candidates, or none "
            "when --protocol-file is given).",
            metavar="A,B,...",
            show_default=False,
        ),
    ] = None,
    protocol_file: Annotated[
        list[Path] | None,
        typer.Option(
            "--protocol-file",
            help="A candidate protocol TOML file (repeat for several).",
            metavar="FILE",
            show_default=False,
        ),
    ] = None,
    start_day: Annotated[
        str | None,
        typer.Option(
            help="Day the added therapy starts: one for all candidates or one per candidate "
            "(default the day after the last observation).",
            metavar="DAY[,DAY...]",
            show_default=False,
        ),
    ] = None,
    minutes_per_session: Annotated[
        str | None,
        typer.Option(
            help="Minutes per session of the added training (1-480; trials in proportion): "
            "one for all candidates or one per candidate (default each protocol's own).",
            metavar="MIN[,MIN...]",
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
    seed: Seed = 0,
) -> None:
    """Rank candidate protocols for each patient by expected gain over usual care."""
    from strokesim.cli import _user_errors
    from strokesim.predict.planner import DEFAULT_CANDIDATES
    from strokesim.therapy.library import named_protocol
    from strokesim.therapy.schema import load_protocol

    with _user_errors():
        files = list(protocol_file or [])
        if protocols is not None:
            names = [p.strip() for p in protocols.split(",") if p.strip()]
            if not names:
                raise UserInputError("--protocols", "name at least one protocol")
        else:
            names = [] if files else list(DEFAULT_CANDIDATES)
        if not 4 <= draws <= 4096:
            raise UserInputError("--draws", f"must be an integer in 4–4096, got {draws}")
        candidates = {name: named_protocol(name) for name in names}
        for path in files:
            p = load_protocol(path)
            if p.name in candidates:
                raise UserInputError(
                    "--protocol-file", f"{path}: protocol name {p.name!r} is given twice"
                )
            candidates[p.name] = p
        _run(
            record_file,
            horizon,
            out,
            library,
            method,
            seed,
            candidates,
            draws,
            (start_day, minutes_per_session),
        )


def register(app: typer.Typer) -> None:
    """Add the prediction commands to the ``strokesim`` app."""
    app.command("predict")(predict)
    app.command("plan")(plan)
