"""Trial and power jobs: chunks and replicate blocks give exactly the one-piece results."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import strokesim.jobs.trial as trial_jobs
import strokesim.trial.power as power_module
from strokesim.jobs.units import UnitJob
from strokesim.testing.trial_pools import TINY_TRIAL, synthetic_pool
from strokesim.trial.emulation import TwinPool, simulate_pool
from strokesim.trial.power import n_for_power, power_curve, replicate_summary
from strokesim.trial.sequential import sequential_summary
from strokesim.trial.spec import load_trial

SIZES, REPLICATES, TARGET, LOOKS = [20, 40], 15, 0.06, [0.5, 1.0]


@pytest.fixture(scope="module")
def pool() -> TwinPool:
    return synthetic_pool(m=120, effect=6.0)


def _one_piece(pool: TwinPool) -> tuple[pd.DataFrame, int | None, list]:
    """What ``strokesim power`` computed before it ran on the job layer."""
    curve = power_curve(pool, SIZES, REPLICATES)
    curve["check"] = False
    n_target = n_for_power(curve, TARGET, multiple=2)
    if n_target is not None:
        check = replicate_summary(pool, n_target, REPLICATES, first=REPLICATES).row()
        curve = pd.concat([curve, pd.DataFrame([{**check, "check": True}])], ignore_index=True)
    return curve, n_target, [sequential_summary(pool, n, REPLICATES, LOOKS) for n in SIZES]


def _job(pool: TwinPool, folder: Path | None, resume: bool = False) -> trial_jobs.PowerResult:
    job = UnitJob(folder, {"job": "power-test"}, resume=resume)
    return trial_jobs.power_job(pool, job, SIZES, REPLICATES, TARGET, LOOKS, "obrien-fleming")


def test_power_in_blocks_equals_the_one_piece_figures(
    pool: TwinPool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trial_jobs, "REPLICATE_BLOCK", 7)  # blocks of 7, 7 and 1 replicates
    curve, n_target, sequential = _one_piece(pool)
    assert n_target is not None  # the check design is exercised
    result = _job(pool, tmp_path / "run")
    pd.testing.assert_frame_equal(result.curve, curve, check_exact=True)
    assert result.n_target == n_target
    assert result.sequential is not None
    for summary, (_, part) in zip(sequential, result.sequential.groupby("n"), strict=True):
        assert part["stop_probability"].tolist() == list(summary.stop_probability)
        assert part["expected_n"].iloc[0] == summary.expected_n
        assert part["rejection"].iloc[0] == summary.rejection
    units = sorted(p.name for p in (tmp_path / "run" / "units").iterdir())
    assert len(units) == 3 * (len(SIZES) * 2 + 1)
    assert "power-n000020-r000014.npz" in units and f"check-n{n_target:06d}-r000015.npz" in units

    # resumed: every block is read back, none is recomputed
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a finished block was computed again")

    monkeypatch.setattr(power_module, "replicate_results", refuse)
    resumed = _job(pool, tmp_path / "run", resume=True)
    pd.testing.assert_frame_equal(resumed.curve, curve, check_exact=True)
    pd.testing.assert_frame_equal(resumed.sequential, result.sequential, check_exact=True)


@pytest.mark.slow
def test_pool_in_chunks_equals_simulate_pool(tmp_path: Path) -> None:
    spec = tmp_path / "trial.toml"
    spec.write_text(TINY_TRIAL)
    loaded = load_trial(spec)
    whole = simulate_pool(loaded)
    chunked = trial_jobs.pool_job(loaded, UnitJob(tmp_path / "run", {"job": "pool"}), 5)
    assert sorted(p.name for p in (tmp_path / "run" / "units").iterdir()) == [
        "pool-00000.npz", "pool-00001.npz", "pool-00002.npz",
    ]  # fmt: skip
    pd.testing.assert_frame_equal(chunked.screening, whole.screening, check_exact=True)
    for scale in whole.true:
        assert chunked.true[scale].tobytes() == whole.true[scale].tobytes()
    for name in ("ids", "band", "mep"):
        assert np.array_equal(getattr(chunked, name), getattr(whole, name))
    assert chunked.visit_days == whole.visit_days and chunked.arms == whole.arms
