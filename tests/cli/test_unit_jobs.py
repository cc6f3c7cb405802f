"""`trial`, `power`, `external-trials`, `validate --seeds` on the job layer: options, resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import strokesim
from strokesim.cli import app
from strokesim.testing.trial_pools import TINY_TRIAL

runner = CliRunner()

#: Longest wait for the first chunk of the killed run (s): it compiles the model first.
FIRST_CHUNK_TIMEOUT = 1800


def _spec(tmp_path: Path) -> Path:
    path = tmp_path / "trial.toml"
    path.write_text(TINY_TRIAL)
    return path


@pytest.mark.parametrize(
    ("command", "extra", "field"),
    [
        ("trial", ["--resume"], "--resume"),
        ("power", ["--resume"], "--resume"),
        ("trial", ["--chunk-size", "0"], "--chunk-size"),
        ("power", ["--chunk-size", "100001"], "--chunk-size"),
        ("external-trials", ["--resume"], "--resume"),
    ],
)
def test_bad_job_options_exit_2_and_write_nothing(
    tmp_path: Path, command: str, extra: list[str], field: str
) -> None:
    out = tmp_path / "results"
    args = [command, *([str(_spec(tmp_path))] if command != "external-trials" else [])]
    if command != "external-trials":
        args += ["--out", str(out)]
    result = runner.invoke(app, [*args, *extra])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: {field}:")
    assert not out.exists()


def test_a_run_folder_of_another_command_is_refused(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "stray.txt").write_text("not a run")
    result = runner.invoke(app, ["trial", str(_spec(tmp_path)), "--run-dir", str(run)])
    assert result.exit_code == 2 and result.output.startswith("error: --run-dir:")


def _power(spec: Path, out: Path, run: Path) -> list[str]:
    return [
        "power", str(spec), "--n", "8,16", "--replicates", "12", "--looks", "0.5,1",
        "--chunk-size", "4", "--out", str(out), "--run-dir", str(run),
    ]  # fmt: skip


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_power_killed_then_resumed_writes_the_uninterrupted_tables(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    run = tmp_path / "killed"
    source = str(Path(strokesim.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    command = _power(spec, tmp_path / "never", run)
    process = subprocess.Popen(
        [sys.executable, "-c", "from strokesim.cli import main; main()", *command],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + FIRST_CHUNK_TIMEOUT
    try:
        while not (run / "units" / "pool-00000.npz").exists():
            assert process.poll() is None, "the run ended before its first chunk landed"
            assert time.monotonic() < deadline, "no chunk landed in time"
            time.sleep(0.005)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert not (tmp_path / "never").exists()  # outputs are written only at the end
    landed = sorted(p.name for p in (run / "units").glob("pool-*.npz"))
    assert 1 <= len(landed) < 3, landed

    resumed = runner.invoke(app, [*_power(spec, tmp_path / "resumed", run), "--resume"])
    assert resumed.exit_code == 0, resumed.output
    whole = runner.invoke(app, _power(spec, tmp_path / "whole", tmp_path / "whole-run"))
    assert whole.exit_code == 0, whole.output
    for name in ("power.csv", "sequential.csv"):
        assert (tmp_path / "resumed" / name).read_bytes() == (
            tmp_path / "whole" / name
        ).read_bytes()
    assert sorted(p.name for p in (run / "units").iterdir()) == sorted(
        p.name for p in (tmp_path / "whole-run" / "units").iterdir()
    )
    assert not list((run / "units").glob(".*")), "a temporary file was left behind"
    curve = pd.read_csv(tmp_path / "resumed" / "power.csv")
    assert curve.loc[~curve["check"], "n"].tolist() == [8, 16]


def test_a_seed_failing_twice_exits_1_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from strokesim.validate import battery

    calls: list[int] = []

    def broken(*, seed: int, **_: object) -> None:
        calls.append(seed)
        raise RuntimeError("boom")

    monkeypatch.setattr(battery, "run_battery", broken)
    folder = tmp_path / "seeds"
    args = ["validate", "--n", "12", "--seeds", "0,1", "--only", "V2", "--results-dir", str(folder)]
    result = runner.invoke(app, [*args, "--report", str(tmp_path / "seeds.html")])
    assert result.exit_code == 1
    assert calls == [0, 0]  # tried once more, then stopped
    assert result.output.strip().splitlines()[-1] == (
        f"error: seed 0 failed after 2 attempts: RuntimeError: boom; "
        f"finished chunks kept in {folder}: rerun with --resume"
    )
    assert not (tmp_path / "seeds.html").exists()


@pytest.mark.slow
def test_external_trials_runs_every_shipped_check_end_to_end(tmp_path: Path) -> None:
    # the fast tests check the units and the grouping apart; only this one runs the command
    # itself, which a grouping that called a removed method (build_arms) once broke unseen
    markdown = tmp_path / "external.md"
    result = runner.invoke(
        app,
        [
            "external-trials",
            "--n",
            "60",
            "--markdown",
            str(markdown),
            "--run-dir",
            str(tmp_path / "run"),
        ],
    )
    assert result.exit_code == 0, result.output
    text = markdown.read_text()
    from strokesim.validate.external_trials import EXTERNAL_TRIALS

    for trial in EXTERNAL_TRIALS:
        assert trial.key in text
