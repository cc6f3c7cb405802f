"""The registry as loaded: every group's parameters, literature and calibrated.

Built once, at import, from the data files and ``calibrated.json``
(:mod:`strokesim.registry.load`). The per-group views that older code imports
(:data:`strokesim.model.parameters.REGISTRY`,
:data:`strokesim.therapy.THERAPY_PARAMETERS`,
:data:`strokesim.cohort.population.POPULATION_PARAMETERS`) are these tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from strokesim.registry.load import GROUPS, apply_calibrated, calibrated_entries, read_group
from strokesim.registry.records import Parameter

__all__ = ["BY_GROUP", "GROUP_OF", "LITERATURE", "PARAMETERS"]


def _build() -> tuple[dict[str, tuple[Parameter, ...]], dict[str, dict[str, Parameter]]]:
    literature = {group: read_group(group) for group in GROUPS}
    calibrated = {
        group: apply_calibrated(
            literature[group], calibrated_entries(group) if group != "therapy" else {}
        )
        for group in GROUPS
    }
    names = [name for table in calibrated.values() for name in table]
    doubled = sorted({name for name in names if names.count(name) > 1})
    if doubled:
        raise ValueError(f"parameter names in more than one group: {doubled}")
    return literature, calibrated


_literature, _calibrated = _build()

#: Each group's literature (or hand-set) parameters, before calibration, in file order.
LITERATURE: Mapping[str, tuple[Parameter, ...]] = MappingProxyType(_literature)

#: Each group's parameters by name, with the calibrated values (read-only).
BY_GROUP: Mapping[str, Mapping[str, Parameter]] = MappingProxyType(
    {group: MappingProxyType(table) for group, table in _calibrated.items()}
)

#: Every parameter of every group by name (names are unique across groups), in the
#: order model, therapy, population.
PARAMETERS: Mapping[str, Parameter] = MappingProxyType(
    {name: p for table in _calibrated.values() for name, p in table.items()}
)

#: The group of each parameter.
GROUP_OF: Mapping[str, str] = MappingProxyType(
    {name: group for group, table in _calibrated.items() for name in table}
)
