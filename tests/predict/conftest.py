"""Shared fixtures of the prediction tests: one small simulated library."""

from __future__ import annotations

import pytest

from strokesim.predict.library import Library, build_library

#: Days of the small library (a 30-day horizon keeps the tests quick).
DAYS = (3, 7, 14, 21, 30)


@pytest.fixture(scope="session")
def small_library() -> Library:
    """128 prior virtual patients (one compiled batch) simulated to day 30 under usual care."""
    return build_library(128, 9301, DAYS, prefix="tlib")
