"""``strokesim simulate`` on the job layer: run folders, resume, and one-line option errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from strokesim.cli import app
from strokesim.io import read_results
from strokesim.jobs import read_run

from .conftest import DAYS, assert_identical, write_patients

runner = CliRunner()


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def files_under(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def assert_one_line_error(stderr: str, field: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"error: {field}: "), lines[0]


@pytest.mark.parametrize(
    ("args", "field", "allowed"),
    [
        (["--workers", "0"], "--workers", "1–256"),
        (["--workers", "-2"], "--workers", "1–256"),
        (["--chunk-size", "-1"], "--chunk-size", "1–100000"),
        (["--chunk-size", "0"], "--chunk-size", "1–100000"),
        (["--resume"], "--resume", "--run-dir"),
        (["--scheduler", " "], "--scheduler", "address"),
    ],
)
def test_bad_job_option_is_one_line_exit_2_nothing_written(
    tmp_path: Path, args: list[str], field: str, allowed: str
) -> None:
    patients = write_patients(tmp_path, 4)
    before = files_under(tmp_path)
    result = invoke(
        "simulate", patients, "--days", DAYS, "--out", tmp_path / "run.nc",
        *([] if "--resume" in args else ["--run-dir", tmp_path / "run"]), *args,
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert_one_line_error(result.stderr, field)
    assert allowed in result.stderr
    assert files_under(tmp_path) == before


def test_dask_without_dask_installed_is_a_one_line_hint(tmp_path: Path, monkeypatch) -> None:
    # the test command installs the [dask] extra: hide it (a None entry fails the import)
    for name in ("distributed", "dask", "dask.distributed"):
        monkeypatch.setitem(sys.modules, name, None)
    patients = write_patients(tmp_path, 4)
    before = files_under(tmp_path)
    result = invoke("simulate", patients, "--days", DAYS, "--dask")
    assert result.exit_code == 2, result.output
    assert_one_line_error(result.stderr, "--dask")
    assert "pip install 'strokesim[dask]'" in result.stderr
    assert files_under(tmp_path) == before


def test_run_dir_outputs_and_resume(tmp_path: Path) -> None:
    patients = write_patients(tmp_path, 16)  # two chunks of 8: one compiled shape
    run, nc = tmp_path / "run", tmp_path / "run.nc"
    args = ["simulate", patients, "--days", DAYS, "--chunk-size", 8, "--run-dir", run]
    result = invoke(*args, "--out", nc)
    assert result.exit_code == 0, result.output
    table = read_run(run)
    assert len(table["patient"]) == 16
    assert sorted(p.name for p in (run / "parts").iterdir()) == [
        "part-00000.parquet",
        "part-00001.parquet",
    ]
    assert_identical(read_results(run), table)
    written = read_results(nc)
    for name in ("fma_ue", "arat", "grip_kg"):
        assert np.array_equal(written[name].values, table[name].values)

    again = invoke(*args)  # the folder holds a run: refused without --resume
    assert again.exit_code == 2
    assert_one_line_error(again.stderr, "--run-dir")

    before = {p: p.read_bytes() for p in files_under(run) if p.is_file()}
    other = invoke(*args, "--resume", "--seed", 1)
    assert other.exit_code == 2
    assert_one_line_error(other.stderr, "--resume")
    assert "seed" in other.stderr
    assert {p: p.read_bytes() for p in files_under(run) if p.is_file()} == before

    resumed = invoke(*args, "--resume")  # nothing left to run: same table
    assert resumed.exit_code == 0, resumed.output
    assert_identical(read_run(run), table)


def test_a_chunk_failing_twice_exits_1_naming_it(tmp_path: Path, monkeypatch) -> None:
    from strokesim.jobs import task as task_module

    def broken(task):
        raise OSError(f"disk gone under {task.chunk.name}")

    monkeypatch.setattr(task_module, "run_task", broken)
    patients = write_patients(tmp_path, 4)
    result = invoke(
        "simulate", patients, "--days", DAYS, "--run-dir", tmp_path / "run",
        "--out", tmp_path / "run.nc",
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "chunk 0 (patients 0–3)" in lines[0]
    assert "disk gone under part-00000" in lines[0]
    assert f"finished chunks kept in {tmp_path / 'run'}" in lines[0]
    assert not (tmp_path / "run.nc").exists()
    chunks = json.loads((tmp_path / "run" / "manifest.json").read_text())["chunks"]
    assert [(c["status"], c["attempts"]) for c in chunks] == [("failed", 2)]
