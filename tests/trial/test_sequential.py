"""Group-sequential designs: spending, boundaries and emulated type I error."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from strokesim.trial.emulation import TwinPool
from strokesim.trial.sequential import boundaries, sequential_summary, spent_alpha


def test_spending_functions_spend_alpha_by_the_end() -> None:
    for kind in ("obrien-fleming", "pocock"):
        spent = spent_alpha(np.array([0.0, 0.25, 0.5, 1.0]), 0.05, kind)
        assert spent[0] == 0.0
        assert np.all(np.diff(spent) > 0)
        assert spent[-1] == pytest.approx(0.05, abs=1e-12)
    # O'Brien–Fleming spends far less early than Pocock
    assert spent_alpha(0.25, 0.05, "obrien-fleming") < 0.1 * spent_alpha(0.25, 0.05, "pocock")


def test_boundaries_two_looks() -> None:
    obf = boundaries([0.5, 1.0], 0.05, "obrien-fleming")
    # the first look spends 2 − 2Φ(z/√t): its boundary is z_{0.975}/√0.5 exactly
    assert obf[0] == pytest.approx(stats.norm.isf(0.025) / math.sqrt(0.5), abs=1e-4)
    assert 1.96 < obf[1] < 2.0
    # Lan–DeMets Pocock-type boundaries for two equally spaced looks (Jennison & Turnbull
    # 2000 ch. 7; gsDesign sfLDPocock): 2.157, 2.201
    assert boundaries([0.5, 1.0], 0.05, "pocock") == pytest.approx([2.157, 2.201], abs=2e-3)


def test_overall_type_one_error_is_alpha() -> None:
    t = np.array([1 / 3, 2 / 3, 1.0])
    c = boundaries(t, 0.05, "obrien-fleming")
    corr = np.sqrt(np.minimum.outer(t, t) / np.maximum.outer(t, t))
    z = np.random.default_rng(0).multivariate_normal(np.zeros(3), corr, size=400_000)
    crossed = np.any(np.abs(z) >= c, axis=1).mean()
    assert crossed == pytest.approx(0.05, abs=3 * math.sqrt(0.05 * 0.95 / 400_000))


def test_emulated_null_and_effect(pool: TwinPool) -> None:
    replicates = 200
    null = sequential_summary(pool, 60, replicates, [0.5, 1.0], arms=(0, 1))
    assert abs(null.rejection - 0.05) <= 3 * math.sqrt(0.05 * 0.95 / replicates)
    assert null.expected_n <= 60
    effect = sequential_summary(pool, 60, replicates, [0.5, 1.0], arms=(0, 2))
    assert effect.stop_probability[0] > 0.1
    assert effect.expected_n < 0.95 * 60
