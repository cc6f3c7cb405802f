"""The parameter registry: every number that changes a result, in one place.

One registry holds three groups of parameters, each loaded from a data file beside
this module (package data): ``model.toml`` (the model's equations), ``therapy.toml``
(how a protocol's doses become model inputs) and ``population.toml`` (the default
virtual cohort). Each parameter has a value, unit, plausible range, source and
description; values fitted by ``calibration/calibrate.py`` come from
``strokesim/model/calibrated.json`` and name their target in ``calibrated_by``.
Its provenance (calibrated / set by hand / literature) is read from those
(:class:`Parameter`). ``strokesim params`` lists it all.

The per-group names that older code uses are views of these tables:
:data:`strokesim.model.parameters.REGISTRY`,
:data:`strokesim.therapy.THERAPY_PARAMETERS`,
:data:`strokesim.cohort.population.POPULATION_PARAMETERS`.

Any parameter can be set by name for a run with :func:`override`
(see :mod:`strokesim.registry.override`).

Examples
--------
>>> from strokesim import registry
>>> registry.GROUP_OF["vns.optimal_current"], registry.PARAMETERS["age_mean"].unit
('therapy', 'year')
"""

from __future__ import annotations

from strokesim.registry.load import (
    CALIBRATED_REGISTRIES,
    GROUPS,
    apply_calibrated,
    calibrated_entries,
    read_group,
)
from strokesim.registry.override import (
    Overrides,
    active_overrides,
    check_value,
    override,
    registry_values_only,
)
from strokesim.registry.records import PROVENANCE_KINDS, SET_BY_HAND, Parameter
from strokesim.registry.tables import BY_GROUP, GROUP_OF, LITERATURE, PARAMETERS

__all__ = [
    "BY_GROUP",
    "CALIBRATED_REGISTRIES",
    "GROUPS",
    "GROUP_OF",
    "LITERATURE",
    "PARAMETERS",
    "PROVENANCE_KINDS",
    "SET_BY_HAND",
    "Overrides",
    "Parameter",
    "active_overrides",
    "apply_calibrated",
    "calibrated_entries",
    "check_value",
    "override",
    "read_group",
    "registry_values_only",
]
