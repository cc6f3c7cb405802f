"""The typer argument and option types shared by the commands.

A command declares a parameter with one of these types and its default, e.g.
``seed: Seed = 0`` or ``run_dir: RunDir = None``, so that the same option has the
same name, metavar and help in every command. Values are checked in the
command (``strokesim.cli.common``, ``strokesim.cli.jobs``), not here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

__all__ = [
    "ChunkSize",
    "DaskFlag",
    "Days",
    "Horizon",
    "LesionSamples",
    "LibrarySize",
    "Method",
    "PatientsFile",
    "ProtocolOption",
    "RecordFile",
    "Resume",
    "RootSeed",
    "RunDir",
    "Scheduler",
    "Seed",
    "SeedNumber",
    "TrialFile",
    "UnitRunDir",
    "Workers",
]

# --- inputs ---------------------------------------------------------------------------------

#: The argument of commands that read patients from a TOML file.
PatientsFile = Annotated[
    Path,
    typer.Argument(
        help=escape("TOML file with [patient] or [[patients]]."),
        metavar="PATIENTS.toml",
        show_default=False,
    ),
]

#: The argument of the trial commands: a trial spec.
TrialFile = Annotated[
    Path, typer.Argument(help="Trial spec (TOML).", metavar="TRIAL.toml", show_default=False)
]

#: The argument of the prediction commands: a patient record.
RecordFile = Annotated[
    Path,
    typer.Argument(
        help="Patient record (.csv, one or many patients; or .toml).",
        metavar="RECORD",
        show_default=False,
    ),
]

#: A protocol given by a TOML file or a shipped name (default: usual care).
ProtocolOption = Annotated[
    str | None,
    typer.Option(
        help="Protocol TOML file or a named protocol (see `strokesim protocols`). "
        "Default: usual care.",
        metavar="FILE|NAME",
        show_default=False,
    ),
]

# --- simulation settings --------------------------------------------------------------------

#: Days simulated after onset.
Days = Annotated[int, typer.Option(help="Days to simulate after onset.", metavar="N")]

#: Last day of a prediction (days since stroke).
Horizon = Annotated[
    int, typer.Option(help="Last day of the prediction (days since stroke).", metavar="DAY")
]

#: The root seed of a simulation (checked by ``strokesim.cli.common.check_seed``).
Seed = Annotated[int, typer.Option(help="Root seed of every random stream.", metavar="N")]

#: The root seed, shorter help (commands that run more than a simulation).
RootSeed = Annotated[int, typer.Option(help="Root seed.", metavar="N")]

#: The root seed of the prediction commands.
SeedNumber = Annotated[int, typer.Option(help="Root seed.", metavar="SEED")]

#: Plausible lesions sampled per patient given by clinical findings.
LesionSamples = Annotated[
    int,
    typer.Option(
        help="Plausible lesions per patient given by clinical findings.", metavar="N", min=1
    ),
]

#: Prior virtual patients simulated per patient by the prediction commands.
LibrarySize = Annotated[
    int,
    typer.Option("--library", help="Prior virtual patients simulated per patient.", metavar="N"),
]

#: Calibration method of the prediction commands.
Method = Annotated[
    str, typer.Option(help="Calibration: is (importance sampling) or smc (+ resample-move).")
]

# --- job options (see strokesim.cli.jobs) ---------------------------------------------------

#: The run folder of a job.
RunDir = Annotated[
    Path | None,
    typer.Option(
        "--run-dir",
        help="Keep the run in this folder: manifest.json and one Parquet part per chunk, "
        "written as each chunk finishes (default: a temporary folder, removed at the end).",
        metavar="DIR",
        show_default=False,
    ),
]

#: The run folder of a job of units computed in this process (strokesim.jobs.units).
UnitRunDir = Annotated[
    Path | None,
    typer.Option(
        "--run-dir",
        help="Keep the run in this folder: manifest.json and one file per finished chunk, "
        "written as each chunk finishes, for --resume (default: none).",
        metavar="DIR",
        show_default=False,
    ),
]

#: Patients per chunk.
ChunkSize = Annotated[
    int,
    typer.Option("--chunk-size", help="Patients per chunk (1–100000).", metavar="N"),
]

#: Local worker processes, or Dask workers with ``--dask``.
Workers = Annotated[
    int,
    typer.Option(
        "--workers",
        help="Local worker processes (1: this process), or Dask workers with --dask.",
        metavar="N",
    ),
]

#: Run the chunks on a Dask LocalCluster.
DaskFlag = Annotated[
    bool,
    typer.Option("--dask", help="Run the chunks on a Dask LocalCluster of --workers processes."),
]

#: Run the chunks on an existing Dask scheduler.
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Run the chunks on an existing Dask scheduler, e.g. tcp://10.0.0.5:8786 "
        "(its workers must see --run-dir).",
        metavar="ADDRESS",
        show_default=False,
    ),
]

#: Continue the run in ``--run-dir``.
Resume = Annotated[
    bool,
    typer.Option(
        "--resume",
        help="Continue the run in --run-dir: skip its finished chunks (checked by checksum; "
        "the settings must be the same).",
    ),
]
