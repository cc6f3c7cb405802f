"""The model's parameters: every number that enters the model's equations.

A view of the ``"model"`` group of the one registry (:mod:`strokesim.registry`),
whose data file is ``src/strokesim/registry/model.toml``: each :class:`Parameter`
carries its value, unit, plausible range and source. Values fixed by the
calibration script (``calibration/calibrate.py``) are stored in ``calibrated.json``
beside this module together with the validation target that fixed them; they
override the literature starting values of the data file (entries whose
``"registry"`` is ``"population"`` go to the population group instead,
:mod:`strokesim.cohort.population`).

The equations read parameters from the mapping returned by :func:`model_parameters`
(a ``dict[str, float]`` that JAX treats as a pytree), never from literals.
"""

from __future__ import annotations

from collections.abc import Mapping

from strokesim.registry import (
    BY_GROUP,
    CALIBRATED_REGISTRIES,
    LITERATURE,
    Parameter,
    active_overrides,
    apply_calibrated,
    calibrated_entries,
)

__all__ = [
    "CALIBRATED_REGISTRIES",
    "REGISTRY",
    "Parameter",
    "apply_calibrated",
    "calibrated_entries",
    "literature_parameters",
    "model_parameters",
    "registry_rows",
]

#: The model parameters with their literature (or hand-set) values, before calibration.
_LITERATURE: tuple[Parameter, ...] = LITERATURE["model"]

#: The registry, by parameter name (read-only).
REGISTRY: Mapping[str, Parameter] = BY_GROUP["model"]


def model_parameters(**overrides: float) -> dict[str, float]:
    """Parameter values for the equations, with optional overrides.

    Parameters
    ----------
    **overrides
        ``name=value`` pairs replacing registry values (e.g. in sensitivity analysis);
        they win over those of an enclosing ``strokesim.registry.override(...).applied()``
        block.

    Returns
    -------
    dict
        ``{name: value}``; a JAX pytree of scalars.
    """
    unknown = set(overrides) - set(REGISTRY)
    if unknown:
        raise KeyError(f"unknown parameter(s): {sorted(unknown)}")
    values = {name: p.value for name, p in REGISTRY.items()}
    values.update(active_overrides("model"))
    values.update({k: float(v) for k, v in overrides.items()})
    return values


def literature_parameters() -> dict[str, float]:
    """Parameter values before calibration (the literature starting values)."""
    return {p.name: p.value for p in _LITERATURE}


def registry_rows() -> list[dict[str, object]]:
    """The registry as a list of rows for tables and documentation."""
    return [
        {
            "name": p.name,
            "value": p.value,
            "unit": p.unit,
            "range": f"{p.low:g}–{p.high:g}",
            "description": p.description,
            "source": p.source,
            "calibrated_by": p.calibrated_by or "",
        }
        for p in REGISTRY.values()
    ]
