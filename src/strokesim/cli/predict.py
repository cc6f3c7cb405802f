"""The ``strokesim predict`` and ``strokesim plan`` commands (thin wrappers of strokesim.predict).

Registered on the main app by :func:`register`. The record and the options are
read and validated first (one line, exit 2, nothing written); then a reference
library of prior virtual patients is simulated once under usual care (a
progress bar): of the patient's age for a one-patient record, with ages drawn
from the population (and an age kernel in the likelihood) when the record holds
several patients, who all share it. Each patient is calibrated to its record
(:func:`strokesim.predict.pipeline.prognose_many`), and the outputs are written
all or none into ``OUT/<patient id>/``: ``report.html``, ``prediction.csv``
(bands), ``draws.parquet`` (posterior particles × days, with weights) and
``prediction.png``; ``plan`` adds ``plan.csv`` and ``next_assessment.csv``.
``plan`` takes the candidates by name (``--protocols``) and from protocol files
(``--protocol-file``), and per-candidate knobs: ``--start-day`` (day the added
therapy starts) and ``--minutes-per-session`` (dose of the added training,
trials in proportion), each one value for all candidates or one per candidate.
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


def _run(
    record_file: Path,
    horizon: int,
    out: Path,
    library: int,
    method: str,
    seed: int,
    protocols: list[str] | None,
    n_draws: int,
    knobs: dict | None = None,
) -> None:
    from strokesim.io import atomic_write_text
    from strokesim.io.atomic import atomic_path
    from strokesim.outputs import output_folder, write_all
    from strokesim.predict.pipeline import (
        Settings,
        check_all,
        check_settings,
        parquet_table,
        prognose_many,
    )
    from strokesim.predict.record import load_records
    from strokesim.report import save_figure

    settings = Settings(
        horizon=horizon,
        library=library,
        method=method,
        seed=seed,
        protocols=None if protocols is None else tuple(protocols),
        n_draws=n_draws if protocols is not None else Settings().n_draws,
        **(knobs or {}),
    )
    check_settings(settings)
    records = load_records(record_file)
    check_all(records, settings)
    # one patient: its id heads each bar; several: the stages name the patient
    head = f"{records[0].patient_id}: " if len(records) == 1 else ""
    results = prognose_many(
        records,
        settings,
        lambda description, then: progress_bar(f"{head}{description}", then=then),
    )
    lines: list[str] = []
    with output_folder(out) as folder:
        plan_writers = []
        for result in results:
            lines.extend(result.lines)
            sub = folder / result.record.patient_id
            plan_writers += [
                (sub / name, lambda p, t=text: atomic_write_text(p, t, "--out"))
                for name, text in result.text_files().items()
            ]

            def parquet(path: Path, frame=result.draws) -> None:
                import pyarrow.parquet as pq

                with atomic_path(path, "--out") as temporary:
                    pq.write_table(parquet_table(frame), temporary)

            plan_writers += [
                (sub / "draws.parquet", parquet),
                (sub / "prediction.png", lambda p, f=result.figure: save_figure(f, p, "--out")),
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
            "(named ones, then files; default the day after the last observation).",
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
    seed: SeedNumber = 0,
) -> None:
    """Rank candidate protocols for each patient by expected gain over usual care."""
    from strokesim.predict.knobs import parse_minutes, parse_start_days
    from strokesim.predict.planner import DEFAULT_CANDIDATES
    from strokesim.therapy.schema import load_protocol

    with user_errors():
        files = list(protocol_file or [])
        if protocols is not None:
            names = [p.strip() for p in protocols.split(",") if p.strip()]
            if not names:
                raise UserInputError("--protocols", "name at least one protocol")
        else:
            names = [] if files else list(DEFAULT_CANDIDATES)
        if not 4 <= draws <= 4096:
            raise UserInputError("--draws", f"must be an integer in 4–4096, got {draws}")
        knobs = {
            "custom_protocols": tuple(load_protocol(path) for path in files),
            "start_day": parse_start_days(start_day),
            "minutes_per_session": parse_minutes(minutes_per_session),
        }
        _run(record_file, horizon, out, library, method, seed, names, draws, knobs)


def register(app: typer.Typer) -> None:
    """Add the prediction commands to the ``strokesim`` app."""
    app.command("predict")(predict)
    app.command("plan")(plan)
