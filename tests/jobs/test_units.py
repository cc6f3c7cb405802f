"""Unit jobs: saved as they finish, resumed from their checksums, retried once, reported."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import strokesim
from strokesim.errors import UserInputError
from strokesim.jobs.units import UNITS, UnitFailed, UnitJob

SETTINGS = {"job": "test", "n": 3}


def _run(folder: Path | None, calls: list[str], resume: bool = False) -> list[object]:
    job = UnitJob(folder, SETTINGS, resume=resume, total=3)

    def compute(i: int) -> dict[str, object]:
        calls.append(f"u{i}")
        return {"i": i, "x": [0.1 * i, float("nan")]}

    return [job.unit(f"u{i}", lambda i=i: compute(i), label=f"unit {i}") for i in range(3)]


def test_resume_reuses_finished_units_and_gives_the_same_results(tmp_path: Path) -> None:
    calls: list[str] = []
    first = _run(tmp_path / "run", calls)
    assert calls == ["u0", "u1", "u2"]
    assert sorted(p.name for p in (tmp_path / "run" / UNITS).iterdir()) == [
        "u0.json", "u1.json", "u2.json",
    ]  # fmt: skip
    # lose one unit's file: only that one runs again
    (tmp_path / "run" / UNITS / "u1.json").unlink()
    calls.clear()
    again = _run(tmp_path / "run", calls, resume=True)
    assert calls == ["u1"]
    assert json.dumps(again) == json.dumps(first)
    in_memory = _run(None, [])
    assert json.dumps(in_memory) == json.dumps(first)


def test_a_changed_unit_file_is_computed_again(tmp_path: Path) -> None:
    _run(tmp_path / "run", [])
    (tmp_path / "run" / UNITS / "u2.json").write_text('{"i": 99}')
    calls: list[str] = []
    assert _run(tmp_path / "run", calls, resume=True)[2]["i"] == 2
    assert calls == ["u2"]


def test_other_settings_or_no_resume_are_refused_before_any_unit(tmp_path: Path) -> None:
    _run(tmp_path / "run", [])
    with pytest.raises(UserInputError) as error:
        UnitJob(tmp_path / "run", {**SETTINGS, "n": 4}, resume=True)
    assert error.value.field == "--resume" and "n" in error.value.problem
    with pytest.raises(UserInputError) as error:
        UnitJob(tmp_path / "run", SETTINGS)
    assert error.value.field == "--run-dir"


def test_a_failing_unit_is_retried_once_then_reported(tmp_path: Path) -> None:
    job = UnitJob(tmp_path / "run", SETTINGS, total=2)
    attempts = []

    def flaky() -> int:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("transient")
        return 5

    assert job.unit("flaky", flaky, label="flaky unit") == 5
    assert len(attempts) == 2

    def broken() -> int:
        raise ValueError("always")

    with pytest.raises(UnitFailed) as error:
        job.unit("broken", broken, label="broken unit")
    assert "broken unit failed after 2 attempts: ValueError: always" in str(error.value)
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["units"]["broken"]["status"] == "failed"
    assert manifest["units"]["broken"]["attempts"] == 2
    assert manifest["units"]["flaky"]["status"] == "done"


def test_npz_units_read_back_bitwise(tmp_path: Path) -> None:
    values = {"a": np.random.default_rng(0).normal(size=(3, 4)), "b": np.array([True, False])}
    job = UnitJob(tmp_path / "run", SETTINGS)
    got = job.unit("arrays", lambda: values, label="arrays", codec="npz")
    again = UnitJob(tmp_path / "run", SETTINGS, resume=True).unit(
        "arrays", lambda: {}, label="arrays", codec="npz"
    )
    for name, array in values.items():
        assert got[name].tobytes() == array.tobytes() == again[name].tobytes()
        assert got[name].dtype == array.dtype == again[name].dtype


def test_progress_counts_reused_units_as_done(tmp_path: Path) -> None:
    _run(tmp_path / "run", [])
    seen: list[tuple[float, float]] = []
    job = UnitJob(
        tmp_path / "run", SETTINGS, resume=True, total=3, progress=lambda *a: seen.append(a)
    )
    for i in range(3):
        job.unit(f"u{i}", lambda: None, label=f"unit {i}")
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert job.reused == ["u0", "u1", "u2"] and job.ran == []


#: A unit job in a child process: six slow units, each saved as it finishes.
_CHILD = """
import sys, time
from strokesim.jobs.units import UnitJob
job = UnitJob(sys.argv[1], {"job": "kill"}, resume=sys.argv[2] == "resume")
print([job.unit(f"u{i}", lambda i=i: time.sleep(0.1) or {"i": i, "x": i / 7}, label=f"u{i}")
       for i in range(6)])
"""


@pytest.mark.slow  # ~40 s: two interpreter starts (tests/jobs/test_kill.py stays fast)
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_sigkill_then_resume_gives_every_unit_once(tmp_path: Path) -> None:
    source = str(Path(strokesim.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    run = tmp_path / "run"

    def child(*args: str) -> subprocess.Popen[str]:
        command = [sys.executable, "-c", _CHILD, str(run), *args]
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)

    process = child("new")
    deadline = time.monotonic() + 120
    try:
        while not (run / UNITS / "u1.json").exists():
            assert process.poll() is None, "the job ended before its second unit landed"
            assert time.monotonic() < deadline, "no unit landed in time"
            time.sleep(0.005)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    manifest = json.loads((run / "manifest.json").read_text())
    assert 1 <= sum(u["status"] == "done" for u in manifest["units"].values()) < 6

    resumed = child("resume")
    output, _ = resumed.communicate(timeout=120)
    assert resumed.returncode == 0
    expected = [{"i": i, "x": i / 7} for i in range(6)]
    assert output.strip() == str(expected)
    manifest = json.loads((run / "manifest.json").read_text())
    assert all(u["status"] == "done" and u["attempts"] == 1 for u in manifest["units"].values())
    assert sorted(p.name for p in (run / UNITS).iterdir()) == [f"u{i}.json" for i in range(6)]


def test_settings_compare_as_saved(tmp_path: Path) -> None:
    settings = {"job": "tuple", "sizes": (8, 16), "looks": None}
    UnitJob(tmp_path / "run", settings).unit("u", lambda: 1, label="u")
    again = UnitJob(tmp_path / "run", settings, resume=True)  # a tuple reads back as a list
    assert again.unit("u", lambda: 2, label="u") == 1
