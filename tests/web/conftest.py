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
    """Replace the engine by the closed-form stand-in.

    Both ways the prognosis reaches the engine: :func:`strokesim.simulate.simulate`
    and the direct runs of :mod:`strokesim.predict.twins` (the library's and
    refinement's particles, the planner's twins from their shared prefix).
    """
    import importlib

    from strokesim.predict import library, planner

    # the module, not the package's re-exported function of the same name
    module = importlib.import_module("strokesim.simulate")
    monkeypatch.setattr(module, "simulate", fake_simulate)

    def particles(patients, days, seed, protocol, progress, input_days):
        return library.simulate_particles(
            patients, days, seed, fake_simulate, protocol=protocol, progress=progress
        )

    def twins(vp, arms, seed, last_day, horizon, progress):
        return planner._twins_simulated(vp, arms, seed, horizon, fake_simulate, progress)

    monkeypatch.setattr(library, "_simulate_direct", particles)
    monkeypatch.setattr(planner, "twin_outcomes", twins)
    return fake_simulate
