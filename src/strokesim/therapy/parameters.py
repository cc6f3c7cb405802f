"""Numbers that turn a therapy protocol into model inputs, each with unit, range and source.

A view of the ``"therapy"`` group of the one registry (:mod:`strokesim.registry`),
whose data file is ``src/strokesim/registry/therapy.toml``. The schedule compiler
(:mod:`strokesim.therapy.schedule`) and the stimulation and drug modules read every
effect size, time constant and gain through :func:`therapy_parameter`; no literal
numbers enter their equations.

Conventions
-----------
- *Excitability shift* is a fractional change of corticospinal excitability as
  measured by MEP amplitude (``-0.25`` = MEPs 25% smaller than baseline).
- After-effects decay as ``1 / (1 + (t / t_half) ** steepness)`` with ``t`` in
  minutes after the end of stimulation (see :func:`strokesim.therapy.stimulation.after_effect`).
- Gains multiply a plasticity rate; ``1`` means no effect.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict

from strokesim.registry import BY_GROUP, LITERATURE, Parameter, active_overrides

__all__ = ["THERAPY_PARAMETERS", "TherapyParameter", "therapy_parameter", "therapy_parameter_rows"]


#: Therapy parameters share the registry's record type (value, unit, plausible
#: range, source, description); names are dotted ``"<method or agent>.<quantity>"``.
TherapyParameter = Parameter

#: The therapy parameters in file order (not calibrated: the literature values).
_ENTRIES: tuple[TherapyParameter, ...] = LITERATURE["therapy"]

#: All therapy parameters by name (read-only).
THERAPY_PARAMETERS: Mapping[str, TherapyParameter] = BY_GROUP["therapy"]


def therapy_parameter(name: str) -> float:
    """Value of a therapy parameter.

    Parameters
    ----------
    name
        Dotted name, e.g. ``"ctbs.after_effect_half_time"``.

    Returns
    -------
    float
        The parameter's value in its unit.

    Raises
    ------
    KeyError
        If no parameter has that name (a developer error).

    Notes
    -----
    Inside a ``strokesim.registry.override(...).applied()`` block, the block's value.

    Examples
    --------
    >>> therapy_parameter("vns.optimal_current")
    0.8
    """
    value = THERAPY_PARAMETERS[name].value
    return active_overrides("therapy").get(name, value)


def therapy_parameter_rows() -> list[dict[str, object]]:
    """All therapy parameters as table rows (for ``strokesim params`` and ``docs/model.md``).

    Returns
    -------
    list of dict
        One row per parameter with keys ``name, value, unit, low, high, source, description``.
    """
    rows = [asdict(parameter) for parameter in _ENTRIES]
    for row in rows:
        del row["calibrated_by"]  # therapy parameters come from the literature
    return rows
