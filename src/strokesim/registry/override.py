"""Set any registry parameter by name: checked against its range, applied to a run.

:func:`override` checks ``{name: value}`` pairs of any group (model, therapy,
population) and returns an :class:`Overrides`; ``with overrides.applied():`` makes
them the values that everything run inside the block reads:

- model parameters: :func:`strokesim.model.parameters.model_parameters` (the default
  of ``simulate(params=…)``, the battery, the population's stunned-share draw);
- population parameters: :func:`strokesim.cohort.population.sample_population`,
  :func:`~strokesim.cohort.population.lesion_volume_ml` and
  :func:`~strokesim.cohort.population.nihss_proxy` (explicit ``population=`` values
  win over them);
- therapy parameters: :func:`strokesim.therapy.parameters.therapy_parameter`, read
  when a protocol is compiled into daily inputs (and, for ``robot.assistance`` and
  ``virtual_reality.engagement_gain``, when a protocol component is built without
  that field).

Values given explicitly (``model_parameters(x=…)``, ``params=``) win over the block's.
The block is per run and per process: worker processes of :mod:`strokesim.jobs` get
the model values (``run_job`` resolves them before it plans) but compile protocols
themselves, without the block's therapy values. Model parameters can also be set per
patient (``simulate(patient_params=…)``, :mod:`strokesim.per_patient`), and so can
population parameters (``sample_population(population={name: one value per
patient})``); therapy parameters cannot, because one protocol compiles into one input
schedule shared by the patients who follow it (give patients different protocols
instead).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import MappingProxyType

from strokesim.errors import UserInputError
from strokesim.registry.tables import GROUP_OF, PARAMETERS

__all__ = ["Overrides", "active_overrides", "check_value", "override", "registry_values_only"]

#: The overrides in effect (all groups, by name); empty outside an ``applied()`` block.
_ACTIVE: ContextVar[Mapping[str, float]] = ContextVar(
    "strokesim_overrides", default=MappingProxyType({})
)


def check_value(name: str, value: object, field: str | None = None) -> float:
    """``value`` as a float, if ``name`` is a registry parameter and it lies in its range.

    Parameters
    ----------
    name
        Registry name (any group).
    value
        The value given by a user, in the parameter's unit.
    field
        Field named in the error (default: ``name``), e.g. ``"population.parameters.age_sd"``.

    Raises
    ------
    UserInputError
        One line naming the field and the allowed range, for an unknown name, a value
        that is not a finite number or one outside the range.

    Examples
    --------
    >>> check_value("severity_a", 9)
    Traceback (most recent call last):
    ...
    strokesim.errors.UserInputError: severity_a: must lie in 0.5–3, got 9
    """
    field = name if field is None else field
    p = PARAMETERS.get(name)
    if p is None:
        raise UserInputError(field, "unknown parameter; `strokesim params` lists them")
    try:
        if isinstance(value, bool):
            raise TypeError
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise UserInputError(field, f"must be a number in {p.range_text}, got {value!r}") from None
    if not (math.isfinite(number) and p.low <= number <= p.high):
        raise UserInputError(field, f"must lie in {p.range_text}, got {number:g}")
    return number


@dataclass(frozen=True)
class Overrides:
    """Checked parameter values by name (any group); see :func:`override`."""

    values: Mapping[str, float]

    def group(self, group: str) -> dict[str, float]:
        """The overridden values of one group (``"model"``, ``"therapy"``, ``"population"``)."""
        return {name: v for name, v in self.values.items() if GROUP_OF[name] == group}

    @property
    def model(self) -> dict[str, float]:
        """Overridden model parameters (for ``model_parameters(**…)``)."""
        return self.group("model")

    @property
    def therapy(self) -> dict[str, float]:
        """Overridden therapy parameters."""
        return self.group("therapy")

    @property
    def population(self) -> dict[str, float]:
        """Overridden population parameters (for ``sample_population(population=…)``)."""
        return self.group("population")

    @contextmanager
    def applied(self) -> Iterator[Overrides]:
        """Make these the values read inside the block (nested blocks stack)."""
        token = _ACTIVE.set(MappingProxyType({**_ACTIVE.get(), **self.values}))
        try:
            yield self
        finally:
            _ACTIVE.reset(token)


def override(values: Mapping[str, object] | None = None, /, **named: object) -> Overrides:
    """Check parameter values of any group by name.

    Parameters
    ----------
    values
        ``{name: value}``; dotted therapy names go here
        (``{"vns.optimal_current": 0.6}``).
    **named
        More ``name=value`` pairs.

    Returns
    -------
    Overrides
        Apply with ``with override(...).applied(): ...``.

    Raises
    ------
    UserInputError
        For an unknown name or a value outside the parameter's range (one line).

    Examples
    --------
    >>> o = override({"vns.optimal_current": 0.6}, severity_a=1.2, max_command_gain=2)
    >>> o.model, o.therapy, o.population
    ({'max_command_gain': 2.0}, {'vns.optimal_current': 0.6}, {'severity_a': 1.2})
    """
    given = {**(values or {}), **named}
    return Overrides(MappingProxyType({k: check_value(k, v) for k, v in given.items()}))


def active_overrides(group: str) -> dict[str, float]:
    """The values of one group set by the enclosing :meth:`Overrides.applied` blocks."""
    return {name: v for name, v in _ACTIVE.get().items() if GROUP_OF[name] == group}


@contextmanager
def registry_values_only() -> Iterator[None]:
    """Ignore the enclosing overrides inside the block (for values that are cached)."""
    token = _ACTIVE.set(MappingProxyType({}))
    try:
        yield
    finally:
        _ACTIVE.reset(token)
