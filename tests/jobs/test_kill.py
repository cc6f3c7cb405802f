"""A run killed with SIGKILL after its first chunk resumes to the uninterrupted table."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import strokesim
from strokesim.cli import app
from strokesim.jobs import read_run

from .conftest import DAYS, N_PATIENTS, SEED, assert_identical, write_patients

#: Longest wait for the first chunk of the killed run (s): it compiles the model first.
FIRST_CHUNK_TIMEOUT = 900


def command(patients: Path, run: Path) -> list[str]:
    return [
        "simulate", str(patients), "--days", str(DAYS), "--seed", str(SEED),
        "--chunk-size", "8", "--run-dir", str(run),
    ]  # fmt: skip


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_sigkill_then_resume_gives_the_uninterrupted_table(tmp_path: Path) -> None:
    patients = write_patients(tmp_path)
    run = tmp_path / "killed"
    source = str(Path(strokesim.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen(
        [sys.executable, "-c", "from strokesim.cli import main; main()", *command(patients, run)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + FIRST_CHUNK_TIMEOUT
    try:
        while not any((run / "parts").glob("part-*.parquet")):
            assert process.poll() is None, "the run ended before its first chunk landed"
            assert time.monotonic() < deadline, "no chunk landed in time"
            time.sleep(0.005)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    landed = sorted(p.name for p in (run / "parts").glob("part-*.parquet"))
    assert 1 <= len(landed) < N_PATIENTS // 8, landed
    statuses = [c["status"] for c in json.loads((run / "manifest.json").read_text())["chunks"]]
    assert statuses.count("done") < len(statuses)

    runner = CliRunner()
    resumed = runner.invoke(app, [*command(patients, run), "--resume"])
    assert resumed.exit_code == 0, resumed.output
    whole = runner.invoke(app, command(patients, tmp_path / "whole"))
    assert whole.exit_code == 0, whole.output

    table = read_run(run)
    ids = list(table["patient"].values)
    assert ids == [f"K{index:03d}" for index in range(N_PATIENTS)]  # none missing or doubled
    assert_identical(table, read_run(tmp_path / "whole"))
    assert not list((run / "parts").glob(".*")), "a temporary file was left behind"
