"""The sweep and sensitivity spec (``SWEEP.toml``): factors, design, cohort, outputs.

A spec names the **factors** to vary (registry parameters by name, or protocol
knobs ``protocol.<field>``) with their ranges, the **design** that places points
in that box (a full grid, a Latin hypercube or a scrambled Sobol sequence; the
``strokesim sensitivity`` command uses Saltelli's scheme from ``[sensitivity]``
instead), the **cohort** every design point runs (the same ``n`` virtual patients
of the default population with common random numbers, a protocol, a horizon),
and the **outputs** summarised per point (a measure on a day, averaged over the
cohort). Example: ``examples/sweeps/dose_and_plasticity.toml``.

Every problem is reported as one line naming the field and its allowed range
(:class:`~strokesim.errors.UserInputError`), before anything runs or is written.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import pydantic
from pydantic import Field, model_validator

from strokesim.errors import UserInputError
from strokesim.therapy._errors import first_validation_error
from strokesim.therapy._fields import Between, StrictModel
from strokesim.therapy.schema import Protocol

__all__ = [
    "MAX_POINTS",
    "MEASURES",
    "PROTOCOL_KNOBS",
    "STATS",
    "CohortSpec",
    "DesignSpec",
    "FactorSpec",
    "LoadedSweep",
    "OutputSpec",
    "ResolvedFactor",
    "SensitivitySpec",
    "SweepSpec",
    "load_sweep",
    "parse_sweep",
]

#: Most design points of one sweep (× the cohort = simulated patients).
MAX_POINTS = 1_000_000
#: Most patients per design point.
MAX_COHORT = 10_000
#: Longest horizon (days), as :data:`strokesim.simulate.MAX_DAYS`.
MAX_DAYS = 3650

#: Measures an output may name: the per-patient scalar assessments of the dataset
#: (``docs/dataset.md``), with their units.
MEASURES: dict[str, str] = {
    "fma_ue": "points (0–66)",
    "arat": "points (0–57)",
    "safe": "points (0–10)",
    "grip_kg": "kg",
    "mas_elbow": "MAS grade",
    "mas_wrist": "MAS grade",
    "mep_present": "fraction with MEP",
    "mep_amplitude_mv": "mV",
    "mep_contralesional_mv": "mV",
    "ihi_ratio_contralesional": "ratio",
    "laterality_index": "index (−1–1)",
    "paretic_use_fraction": "fraction",
    "mal_amount": "points (0–5)",
    "paretic_dexterity": "blocks/min",
    "nonparetic_dexterity": "blocks/min",
}

#: Cohort statistics an output may take.
STATS = ("mean", "sd", "median")

#: Protocol knobs a factor may name as ``protocol.<knob>``: set on every component
#: of the protocol that has the field; integer knobs are rounded.
PROTOCOL_KNOBS: dict[str, tuple[str, bool]] = {
    "start_day": ("days since onset", True),
    "duration_days": ("days", True),
    "sessions_per_week": ("sessions/week", True),
    "trials_per_session": ("trials", True),
    "minutes_per_session": ("min", False),
}


class FactorSpec(StrictModel):
    """One factor: a registry parameter or ``protocol.<knob>``, varied over [low, high].

    ``low``/``high`` default to the registry's plausible range; ``values`` (grid
    only) lists the levels explicitly, ``levels`` spaces them evenly.
    """

    name: Annotated[str, Field(min_length=1)]
    low: float | None = None
    high: float | None = None
    levels: Annotated[int, Between(2, 1000, "levels")] | None = None
    values: list[float] | None = None


class DesignSpec(StrictModel):
    """Where the design points lie (``strokesim sweep``)."""

    kind: Literal["grid", "latin_hypercube", "sobol"] = "grid"
    points: Annotated[int, Between(1, MAX_POINTS, "points")] | None = None
    levels: Annotated[int, Between(2, 1000, "levels")] = 3
    seed: Annotated[int, Between(0, 2**32 - 1, "")] = 0


class SensitivitySpec(StrictModel):
    """Saltelli sampling and Sobol analysis (``strokesim sensitivity``, SALib)."""

    samples: Annotated[int, Between(2, 65_536, "base samples")] = 128
    resamples: Annotated[int, Between(10, 100_000, "bootstrap resamples")] = 500
    confidence: Annotated[float, Between(0.5, 0.999, "")] = 0.95
    seed: Annotated[int, Between(0, 2**32 - 1, "")] = 0

    @model_validator(mode="after")
    def _power_of_two(self) -> SensitivitySpec:
        if self.samples & (self.samples - 1):
            raise UserInputError(
                "samples",
                f"must be a power of 2 in 2–65536 (Sobol sequence balance), got {self.samples}",
            )
        return self


class CohortSpec(StrictModel):
    """The virtual patients every design point runs, and how."""

    n: Annotated[int, Between(1, MAX_COHORT, "patients per point")] = 8
    seed: Annotated[int, Between(0, 2**32 - 1, "")] = 0
    days: Annotated[int, Between(1, MAX_DAYS, "days")] = 180
    protocol: str = "usual_care"
    rater_noise: bool = True
    fixed: dict[str, float] = Field(default_factory=dict)


class OutputSpec(StrictModel):
    """A cohort statistic of a measure on a day, one column of the summary."""

    measure: str
    day: Annotated[int, Between(1, MAX_DAYS, "days since onset")] = 180
    stat: Literal["mean", "sd", "median"] = "mean"

    @property
    def column(self) -> str:
        """Summary column, e.g. ``fma_ue_day180_mean``."""
        return f"{self.measure}_day{self.day}_{self.stat}"

    @property
    def raw(self) -> str:
        """Per-patient column of the parts, e.g. ``fma_ue_day180``."""
        return f"{self.measure}_day{self.day}"

    def label(self) -> str:
        """E.g. ``day-180 FMA-UE, cohort mean (points (0–66))``."""
        name = self.measure.replace("_", "-").upper() if self.measure in _UPPER else self.measure
        return f"day-{self.day} {name}, cohort {self.stat} ({MEASURES[self.measure]})"


_UPPER = {"fma_ue", "arat", "safe"}


class SweepSpec(StrictModel):
    """A whole spec file."""

    name: str = "sweep"
    factor: Annotated[list[FactorSpec], Field(min_length=1, max_length=64)]
    design: DesignSpec = Field(default_factory=DesignSpec)
    sensitivity: SensitivitySpec = Field(default_factory=SensitivitySpec)
    cohort: CohortSpec = Field(default_factory=CohortSpec)
    output: Annotated[list[OutputSpec], Field(min_length=1, max_length=64)]
    chunk_size: Annotated[int, Between(1, 100_000, "patients")] = 512


@dataclass(frozen=True)
class ResolvedFactor:
    """A factor checked against its registry entry or protocol knob.

    Attributes
    ----------
    name
        As in the spec (``uncrossed_share``, ``protocol.minutes_per_session``).
    kind
        ``"model"``, ``"population"`` or ``"protocol"``.
    low, high
        The range swept (in ``unit``).
    unit
        Unit of the values.
    integer
        Whether values are rounded to integers (protocol day and count knobs).
    values
        Grid levels given explicitly, or ``None``.
    levels
        Number of evenly spaced grid levels, or ``None`` (the design's default).
    """

    name: str
    kind: str
    low: float
    high: float
    unit: str
    integer: bool = False
    values: tuple[float, ...] | None = None
    levels: int | None = None


@dataclass(frozen=True)
class LoadedSweep:
    """A validated spec with its factors resolved and its protocol loaded."""

    spec: SweepSpec
    factors: tuple[ResolvedFactor, ...]
    protocol: Protocol
    fixed_model: dict[str, float]
    fixed_population: dict[str, float]

    @property
    def record_days(self) -> tuple[int, ...]:
        """Days the outputs are read on, sorted."""
        return tuple(sorted({o.day for o in self.spec.output}))


def _registries() -> tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]:
    # through the existing names: the model REGISTRY, the population registry, and
    # the names that cannot vary per patient (template, lesion sampling)
    from strokesim.cohort.population import POPULATION_PARAMETERS
    from strokesim.model.parameters import REGISTRY
    from strokesim.per_patient import SHARED_ONLY

    return dict(REGISTRY), dict(POPULATION_PARAMETERS), SHARED_ONLY


def _resolve_protocol(value: str, base: Path | None) -> Protocol:
    from strokesim.therapy.library import named_protocols
    from strokesim.therapy.schema import load_protocol

    field = "cohort.protocol"
    if value.endswith(".toml"):
        path = Path(value) if base is None or Path(value).is_absolute() else base / value
        try:
            return load_protocol(path)
        except UserInputError as error:
            raise UserInputError(field, f"{error.field}: {error.problem}") from None
    known = named_protocols()
    if value not in known:
        raise UserInputError(
            field, f"unknown protocol {value!r} (a .toml file or one of {', '.join(known)})"
        )
    return known[value]


def set_knobs(protocol: Protocol, knobs: dict[str, float]) -> Protocol:
    """``protocol`` with each knob set on every component that has the field.

    Raises
    ------
    UserInputError
        If no component has a knob, or the value is outside the field's range
        (the protocol's own validation names the field).
    """
    from strokesim.therapy.schema import parse_protocol

    data = protocol.model_dump(mode="json")
    for knob, value in knobs.items():
        integer = PROTOCOL_KNOBS[knob][1]
        hit = False
        for component in data["components"]:
            if knob in component:
                component[knob] = round(value) if integer else float(value)
                hit = True
        if not hit:
            raise UserInputError(
                f"protocol.{knob}", f"no component of protocol {protocol.name!r} has this field"
            )
    return parse_protocol(data)


def _check_range(field: str, low: float, high: float, lo: float, hi: float, unit: str) -> None:
    for end, value in (("low", low), ("high", high)):
        if not (math.isfinite(value) and lo <= value <= hi):
            raise UserInputError(
                f"{field}.{end}",
                f"must lie in {lo:g}–{hi:g} {unit} (registry range), got {value:g}",
            )
    if not low < high:
        raise UserInputError(f"{field}.high", f"must exceed low = {low:g}, got {high:g}")


def _resolve_factor(
    i: int, f: FactorSpec, protocol: Protocol, model: dict, population: dict, shared: tuple
) -> ResolvedFactor:
    field = f"factor[{i}]"
    if f.name.startswith("protocol."):
        knob = f.name.removeprefix("protocol.")
        if knob not in PROTOCOL_KNOBS:
            raise UserInputError(
                f"{field}.name",
                f"unknown protocol knob {knob!r} (one of {', '.join(PROTOCOL_KNOBS)})",
            )
        unit, integer = PROTOCOL_KNOBS[knob]
        if f.low is None or f.high is None:
            raise UserInputError(f"{field}.low", "a protocol knob needs low and high")
        if not f.low < f.high:
            raise UserInputError(f"{field}.high", f"must exceed low = {f.low:g}, got {f.high:g}")
        for end, value in (("low", f.low), ("high", f.high)):
            try:
                set_knobs(protocol, {knob: value})
            except UserInputError as error:
                raise UserInputError(f"{field}.{end}", f"{error.field}: {error.problem}") from None
        kind, low, high = "protocol", f.low, f.high
    elif f.name in model:
        if f.name in shared:
            raise UserInputError(
                f"{field}.name",
                f"{f.name} builds the healthy template or samples lesions: cannot vary per "
                "patient; set it in cohort.fixed",
            )
        p = model[f.name]
        kind, unit, integer = "model", p.unit, False
        low = p.low if f.low is None else f.low
        high = p.high if f.high is None else f.high
        _check_range(field, low, high, p.low, p.high, p.unit)
    elif f.name in population:
        p = population[f.name]
        kind, unit, integer = "population", p.unit, False
        low = p.low if f.low is None else f.low
        high = p.high if f.high is None else f.high
        _check_range(field, low, high, p.low, p.high, p.unit)
    else:
        raise UserInputError(
            f"{field}.name",
            f"unknown parameter {f.name!r}: a registry name (`strokesim params`) or "
            f"protocol.<{'|'.join(PROTOCOL_KNOBS)}>",
        )
    values = None
    if f.values is not None:
        if len(f.values) < 1:
            raise UserInputError(f"{field}.values", "must list at least one value")
        for v in f.values:
            if not (math.isfinite(v) and low <= v <= high):
                raise UserInputError(
                    f"{field}.values", f"must lie in {low:g}–{high:g} {unit}, got {v:g}"
                )
        values = tuple(float(v) for v in f.values)
    return ResolvedFactor(f.name, kind, float(low), float(high), unit, integer, values, f.levels)


def parse_sweep(data: dict[str, Any], *, base: Path | None = None) -> LoadedSweep:
    """Validate a parsed spec document and resolve its factors, protocol and outputs.

    Parameters
    ----------
    data
        The TOML document as a dict.
    base
        Folder that relative protocol paths are read from (the spec's folder).

    Raises
    ------
    UserInputError
        One line naming the first problem's field and the allowed values.
    """
    try:
        spec = SweepSpec.model_validate(data)
    except pydantic.ValidationError as error:
        raise first_validation_error(error, data=data) from None
    model, population, shared = _registries()
    protocol = _resolve_protocol(spec.cohort.protocol, base)
    names = [f.name for f in spec.factor]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise UserInputError(f"factor[{i}].name", f"{name} is named twice")
    factors = tuple(
        _resolve_factor(i, f, protocol, model, population, shared)
        for i, f in enumerate(spec.factor)
    )
    fixed_model, fixed_population = {}, {}
    for name, value in spec.cohort.fixed.items():
        field = f"cohort.fixed.{name}"
        registry = model if name in model else population if name in population else None
        if registry is None:
            raise UserInputError(field, "unknown parameter; `strokesim params` lists them")
        p = registry[name]
        if not (math.isfinite(value) and p.low <= value <= p.high):
            raise UserInputError(field, f"must lie in {p.low:g}–{p.high:g} {p.unit}, got {value:g}")
        if name in names:
            raise UserInputError(field, f"{name} is also a factor")
        (fixed_model if registry is model else fixed_population)[name] = float(value)
    for i, out in enumerate(spec.output):
        if out.measure not in MEASURES:
            raise UserInputError(
                f"output[{i}].measure",
                f"unknown measure {out.measure!r} (one of {', '.join(MEASURES)})",
            )
        if out.day > spec.cohort.days:
            raise UserInputError(
                f"output[{i}].day", f"must lie in 1–{spec.cohort.days} (cohort.days), got {out.day}"
            )
    columns = [o.column for o in spec.output]
    for i, column in enumerate(columns):
        if column in columns[:i]:
            raise UserInputError(f"output[{i}]", f"{column} is asked for twice")
    return LoadedSweep(spec, factors, protocol, fixed_model, fixed_population)


def load_sweep(path: str | os.PathLike[str]) -> LoadedSweep:
    """Read and validate a sweep spec TOML file (relative protocol paths: next to it)."""
    from strokesim.io.toml_config import read_toml

    path = Path(path)
    if not path.is_file():
        raise UserInputError("SWEEP.toml", f"file not found: {path}")
    return parse_sweep(read_toml(path), base=path.parent)
