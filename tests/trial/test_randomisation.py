"""Allocation: ratios, permuted blocks and balance within strata."""

from __future__ import annotations

import numpy as np

from strokesim.trial.randomisation import allocate


def test_permuted_blocks_are_exactly_balanced_at_block_ends() -> None:
    rng = np.random.default_rng(0)
    arm = allocate(rng, 60, [1, 2], method="blocks", block_size=6)
    for end in range(6, 61, 6):
        counts = np.bincount(arm[:end], minlength=2)
        assert counts.tolist() == [end // 3, 2 * end // 3]


def test_stratified_blocks_balance_every_stratum() -> None:
    rng = np.random.default_rng(1)
    strata = np.array(["mild"] * 40 + ["severe"] * 24, dtype=object)
    rng.shuffle(strata)
    arm = allocate(rng, strata.size, [1, 1], method="stratified", block_size=4, strata=strata)
    for label in ("mild", "severe"):
        counts = np.bincount(arm[strata == label], minlength=2)
        assert counts[0] == counts[1]


def test_simple_randomisation_follows_the_ratio() -> None:
    arm = allocate(np.random.default_rng(2), 20_000, [1, 3], method="simple")
    share = arm.mean()
    # binomial SD of the share at p = 0.75, n = 20000 is 0.003; allow 5 SD
    assert abs(share - 0.75) < 0.015
    assert not np.all(arm[:10] == arm[0])
