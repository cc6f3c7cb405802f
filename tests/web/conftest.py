"""Shared fixtures of the web tests: tiny settings and a closed-form stand-in engine."""

from __future__ import annotations

import pytest

from strokesim.predict.pipeline import Settings

from .fake_engine import fake_simulate

#: Tiny settings: the CLI's minimum library, importance sampling, two protocols, 4 draws.
TINY = Settings(
    horizon=30,
    library=16,
    method="is",
    seed=3,
    protocols=("cimt_2_weeks", "rtms_1hz_contralesional_training"),
    n_draws=4,
)


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch):
    """Replace :func:`strokesim.simulate.simulate` by the closed-form stand-in."""
    import importlib

    # the module, not the package's re-exported function of the same name
    module = importlib.import_module("strokesim.simulate")
    monkeypatch.setattr(module, "simulate", fake_simulate)
    return fake_simulate
