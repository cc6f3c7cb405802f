"""Parallel-group draws from a twin pool: reproducible, unbiased, calibrated (synthetic pool)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from strokesim.testing.trial_pools import synthetic_pool
from strokesim.trial.emulation import TwinPool, draw_trial, trial_table, twin_effects
from strokesim.trial.power import replicate_summary

REPLICATES = 200


def test_same_seed_same_table_other_replicate_other_table(pool: TwinPool) -> None:
    first = trial_table(pool, draw_trial(pool, 40, 5))
    again = trial_table(pool, draw_trial(synthetic_pool(), 40, 5))
    pd.testing.assert_frame_equal(first, again)
    other = trial_table(pool, draw_trial(pool, 40, 6))
    assert not first.equals(other)


def test_table_has_one_row_per_patient_visit(pool: TwinPool) -> None:
    draw = draw_trial(pool, 30, 0)
    table = trial_table(pool, draw)
    assert len(table) == 30 * len(pool.visit_days)
    assert table.groupby("patient")["arm"].nunique().max() == 1
    # dropout is monotone: once missing, missing at every later visit
    for _, part in table.groupby("patient"):
        dropped = part.sort_values("visit")["dropped_out"].to_numpy()
        assert not dropped[0]
        assert np.all(np.diff(dropped.astype(int)) >= 0)
        assert np.all(np.isnan(part.loc[part["dropped_out"], "fma_ue_observed"]))


def test_rater_noise_matches_the_spec(pool: TwinPool) -> None:
    table = trial_table(pool, draw_trial(pool, 2000, 0))
    seen = table[~table["dropped_out"] & table["fma_ue_true"].between(5, 61)]
    error = seen["fma_ue_observed"] - seen["fma_ue_true"]
    sd = pool.spec.noise_sd("fma_ue")
    # rounding adds 1/12 to the variance; the SE of an SD from > 3000 values is < 3%
    assert abs(error.std() - math.sqrt(sd**2 + 1 / 12)) < 0.1 * sd
    assert abs(error.mean()) < 0.1


def test_twin_effects_by_stratum(pool: TwinPool) -> None:
    table = twin_effects(pool)
    null = table[table["comparison"] == "sham − control"]
    assert np.allclose(null["effect"].dropna(), 0.0)
    active = table[(table["comparison"] == "active − control")].set_index("level")
    assert active.loc["moderate", "effect"] > active.loc["mild", "effect"]
    assert active.loc["all", "effect"] == pool.twin_effect(2)


def test_null_pair_rejects_at_about_the_nominal_rate(pool: TwinPool) -> None:
    row = replicate_summary(pool, 60, REPLICATES, arms=(0, 1)).row()
    assert row["twin_effect"] == 0.0
    # binomial SD of a 5% rate over 200 replicates is 0.0154; allow 3 SD either side
    bound = 3 * math.sqrt(0.05 * 0.95 / REPLICATES)
    assert abs(row["power"] - 0.05) <= bound


def test_parallel_group_estimate_is_unbiased_for_the_twin_effect(pool: TwinPool) -> None:
    row = replicate_summary(pool, 60, REPLICATES, arms=(0, 2)).row()
    assert row["twin_effect"] > 3.0
    assert abs(row["mean_estimate"] - row["twin_effect"]) < 3 * row["estimate_mc_se"]
    bound = 3 * math.sqrt(0.05 * 0.95 / REPLICATES)
    assert abs(row["coverage"] - 0.95) <= bound
