"""The hand-set parameter study: its parameters and their targets."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def hand_set(load_script):
    return load_script("hand_set")


def test_hand_set_parameters_are_not_fitted_and_point_to_this_study(hand_set) -> None:
    from strokesim.model.parameters import REGISTRY
    from strokesim.validate.metrics_targets import TARGETS

    for name, target in hand_set.HAND_SET.items():
        p = REGISTRY[name]
        assert p.calibrated_by is None, name
        assert target in TARGETS, target
        assert target in p.source and "docs/hand_set.md" in p.source, name
        low, value, high = hand_set.range_points(name)
        assert low < value < high, name


def test_population_parameters_set_by_hand_are_listed_with_their_basis(hand_set) -> None:
    from strokesim.cohort.population import POPULATION_PARAMETERS

    rows = "\n".join(hand_set.population_rows())
    assert hand_set.POPULATION_HAND_SET
    for name in hand_set.POPULATION_HAND_SET:
        p = POPULATION_PARAMETERS[name]
        assert "set by hand" in p.source.lower() and "docs/hand_set.md" in p.source, name
        assert f"`{name}` = {p.value:g}" in rows, name
