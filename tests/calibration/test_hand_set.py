"""The hand-set parameter study: its parameters and their targets."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def hand_set(load_script):
    return load_script("hand_set")


def test_hand_set_parameters_are_not_fitted_and_point_to_this_study(hand_set) -> None:
    from strokesim.cohort.population import POPULATION_PARAMETERS
    from strokesim.model.parameters import REGISTRY
    from strokesim.validate.metrics_targets import TARGETS

    registries = {"model": 0, "population": 0}
    for name, target in hand_set.HAND_SET.items():
        p = hand_set.registry_entry(name)
        registries["model" if name in REGISTRY else "population"] += 1
        assert name in REGISTRY or name in POPULATION_PARAMETERS, name
        assert p.calibrated_by is None, name
        assert target in TARGETS, target
        assert "docs/hand_set.md" in p.source, name
        low, value, high = hand_set.range_points(name)
        assert low < value < high, name
    assert all(registries.values()), registries  # both registries are studied
