"""The one registry: three groups from data files, with views for older code."""

from __future__ import annotations

import math

import pytest

from strokesim import registry
from strokesim.cohort.population import POPULATION_PARAMETERS, population_literature
from strokesim.model.parameters import REGISTRY, literature_parameters, model_parameters
from strokesim.registry import BY_GROUP, GROUP_OF, GROUPS, LITERATURE, PARAMETERS, read_group
from strokesim.therapy import THERAPY_PARAMETERS


def test_every_group_loads_and_the_views_are_its_tables() -> None:
    assert GROUPS == ("model", "therapy", "population")
    assert dict(REGISTRY) == dict(BY_GROUP["model"])
    assert dict(THERAPY_PARAMETERS) == dict(BY_GROUP["therapy"])
    assert dict(BY_GROUP["population"]) == POPULATION_PARAMETERS
    assert list(PARAMETERS) == [name for g in GROUPS for name in BY_GROUP[g]]
    assert all(GROUP_OF[name] == g for g in GROUPS for name in BY_GROUP[g])
    assert model_parameters() == {name: p.value for name, p in REGISTRY.items()}
    assert literature_parameters() == {p.name: p.value for p in LITERATURE["model"]}
    assert population_literature() == {p.name: p.value for p in LITERATURE["population"]}


def test_values_are_floats_inside_their_ranges() -> None:
    for name, p in PARAMETERS.items():
        assert all(type(x) is float for x in (p.value, p.low, p.high)), name
        assert math.isfinite(p.value) and p.low <= p.value <= p.high, name
        assert p.unit and p.source and p.description, name


def test_calibrated_values_come_from_calibrated_json_only() -> None:
    calibrated = {n for n, p in PARAMETERS.items() if p.calibrated_by is not None}
    in_json = set(registry.calibrated_entries("model")) | set(
        registry.calibrated_entries("population")
    )
    assert calibrated == in_json
    assert all(p.calibrated_by is None for g in GROUPS for p in LITERATURE[g])
    assert not any(THERAPY_PARAMETERS[n].calibrated_by for n in THERAPY_PARAMETERS)


def test_every_provenance_kind_is_used_and_read_from_calibrated_by_or_the_source() -> None:
    kinds = {name: p.provenance_kind for name, p in PARAMETERS.items()}
    assert set(kinds.values()) == set(registry.PROVENANCE_KINDS)
    for name, p in PARAMETERS.items():
        if kinds[name] == "calibrated":
            assert p.provenance == f"calibrated against {p.calibrated_by}"
        else:
            assert (kinds[name] == "set by hand") == bool(registry.SET_BY_HAND.search(p.source))


_TABLE = """
[x]
value = 1.0
unit = "1"
range = [0.0, 2.0]
source = "Ward 2003"
description = "A parameter."
"""


def test_a_data_file_is_read_in_order_and_a_broken_one_is_refused() -> None:
    two = _TABLE + _TABLE.replace("[x]", '["a.b"]')
    assert [p.name for p in read_group("therapy", two)] == ["x", "a.b"]
    assert read_group("model", _TABLE)[0] == registry.Parameter(
        "x", 1.0, "1", 0.0, 2.0, "Ward 2003", "A parameter."
    )
    with pytest.raises(ValueError, match="floats"):
        read_group("model", _TABLE.replace("value = 1.0", "value = 1"))
    with pytest.raises(ValueError, match="fields"):
        read_group("model", _TABLE.replace('unit = "1"\n', ""))
    with pytest.raises(ValueError, match="fields"):
        read_group("model", _TABLE + "calibrated_by = 'V1'\n")
    with pytest.raises(ValueError, match="unknown parameter group"):
        read_group("drugs", _TABLE)
