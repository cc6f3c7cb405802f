"""Fixtures of the trial tests: a synthetic twin pool (no engine run)."""

from __future__ import annotations

import pytest

from strokesim.testing.trial_pools import synthetic_pool
from strokesim.trial.emulation import TwinPool


@pytest.fixture(scope="module")
def pool() -> TwinPool:
    return synthetic_pool()
