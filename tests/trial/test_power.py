"""Power: rises with n and effect; interpolated n; memory independent of replicates."""

from __future__ import annotations

import gc
import tracemalloc

import pandas as pd
import pytest

from strokesim.testing.trial_pools import synthetic_pool
from strokesim.trial.emulation import TwinPool
from strokesim.trial.power import n_for_power, power_curve, replicate_summary


def test_power_rises_with_n_and_effect(pool: TwinPool) -> None:
    curve = power_curve(pool, [10, 40, 160], 60, arms=(0, 2))
    assert curve["power"].is_monotonic_increasing
    assert curve["power"].iloc[-1] > curve["power"].iloc[0] + 0.3
    weaker = synthetic_pool(effect=1.0)
    small = replicate_summary(weaker, 40, 60, arms=(0, 2)).row()["power"]
    assert small < curve["power"].iloc[1]


def test_n_for_power_interpolates_in_log_n() -> None:
    curve = pd.DataFrame({"n": [40, 80, 160], "power": [0.3, 0.6, 0.9]})
    # 0.8 lies 2/3 of the way from 80 to 160 in log n: 80·2^(2/3) = 127.0 → 128
    assert n_for_power(curve, 0.8, multiple=2) == 128
    assert n_for_power(curve, 0.95) is None
    assert n_for_power(curve, 0.2) == 40


def test_peak_memory_does_not_grow_with_replicates(pool: TwinPool) -> None:
    replicate_summary(pool, 80, 5, arms=(0, 2))  # warm-up: import-time and first-call caches
    peaks = []
    for replicates in (30, 120):
        gc.collect()
        tracemalloc.start()
        replicate_summary(pool, 80, replicates, arms=(0, 2))
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    # Keeping each replicate's patient table (80 patients × 3 visits × 13 columns × 8 B
    # ≈ 25 KB) would add > 2 MB over 90 more replicates; allow 100 KB (small numpy and
    # statsmodels caches, garbage awaiting the cyclic collector).
    assert peaks[1] - peaks[0] < 100_000


@pytest.mark.parametrize("replicates", [1, 3])
def test_summary_counts_every_replicate(pool: TwinPool, replicates: int) -> None:
    row = replicate_summary(pool, 20, replicates, arms=(0, 1)).row()
    assert row["replicates"] == replicates
