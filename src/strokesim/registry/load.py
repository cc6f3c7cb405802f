"""Read the registry's data files and apply the calibrated values.

The literature (or hand-set) tables are the TOML files beside this module, one per
group (``model.toml``, ``therapy.toml``, ``population.toml``), one table per
parameter. Values fitted by ``calibration/calibrate.py`` live in
``strokesim/model/calibrated.json`` (``{"parameters": {name: {"value", "target",
"registry"?, ...}}}``); each entry replaces its parameter's value and records the
target in ``calibrated_by``. An entry without ``"registry"`` belongs to the model
group; ``"population"`` to the population group; therapy parameters are not calibrated.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import replace
from importlib import resources

from strokesim.registry.records import Parameter

__all__ = [
    "CALIBRATED_REGISTRIES",
    "GROUPS",
    "apply_calibrated",
    "calibrated_entries",
    "read_group",
]

#: The registry's groups, in display order; each has a data file ``<group>.toml``.
GROUPS: tuple[str, ...] = ("model", "therapy", "population")

#: The groups whose values ``calibrated.json`` may hold.
CALIBRATED_REGISTRIES: tuple[str, ...] = ("model", "population")

#: The keys of one parameter's table in a data file.
_FIELDS = frozenset({"value", "unit", "range", "source", "description"})


def read_group(group: str, text: str | None = None) -> tuple[Parameter, ...]:
    """The literature (uncalibrated) parameters of one group, in file order.

    Parameters
    ----------
    group
        One of :data:`GROUPS`.
    text
        TOML text to read instead of the shipped ``<group>.toml`` (for tests).

    Raises
    ------
    ValueError
        If a table lacks a field or has an unknown one, or a number is not a float
        (a broken data file is a developer error).
    """
    if group not in GROUPS:
        raise ValueError(f"unknown parameter group {group!r}; known: {', '.join(GROUPS)}")
    if text is None:
        text = resources.files("strokesim.registry").joinpath(f"{group}.toml").read_text("utf-8")
    out = []
    for name, table in tomllib.loads(text).items():
        if set(table) != _FIELDS:
            raise ValueError(f"{group}.toml [{name}]: fields must be {sorted(_FIELDS)}")
        low, high = table["range"]
        numbers = (table["value"], low, high)
        if not all(type(x) is float for x in numbers):  # 1 and 1.0 would differ in JAX
            raise ValueError(f"{group}.toml [{name}]: value and range must be floats (1.0, not 1)")
        out.append(
            Parameter(
                name,
                table["value"],
                table["unit"],
                low,
                high,
                table["source"],
                table["description"],
            )
        )
    return tuple(out)


def _load_calibrated() -> dict[str, dict[str, object]]:
    try:
        text = resources.files("strokesim").joinpath("model", "calibrated.json").read_text()
    except FileNotFoundError:
        return {}
    return json.loads(text)["parameters"]


def calibrated_entries(registry: str = "model") -> dict[str, dict[str, object]]:
    """The entries of ``calibrated.json`` that belong to one group.

    An entry names its group in ``"registry"`` (``"model"`` when it names none;
    ``"population"`` for the population group).

    Raises
    ------
    ValueError
        If an entry names a group other than those of :data:`CALIBRATED_REGISTRIES`.
    """
    entries = _load_calibrated()
    unknown = {
        name: entry.get("registry")
        for name, entry in entries.items()
        if entry.get("registry", "model") not in CALIBRATED_REGISTRIES
    }
    if unknown:
        raise ValueError(f"calibrated.json names unknown registries: {unknown}")
    return {
        name: entry for name, entry in entries.items() if entry.get("registry", "model") == registry
    }


def apply_calibrated(
    literature: Iterable[Parameter], entries: Mapping[str, Mapping[str, object]]
) -> dict[str, Parameter]:
    """A registry: the literature parameters with the calibrated values of ``entries``.

    Each entry (``{"value": …, "target": …}``) replaces its parameter's value and
    records the target in ``calibrated_by``. An entry naming a parameter the
    registry lacks raises ``KeyError``.
    """
    params = {p.name: p for p in literature}
    for name, entry in entries.items():
        if name not in params:
            raise KeyError(f"calibrated.json names unknown parameter {name!r}")
        params[name] = replace(
            params[name], value=float(entry["value"]), calibrated_by=str(entry["target"])
        )
    return params
