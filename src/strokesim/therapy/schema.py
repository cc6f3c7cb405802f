"""The protocol schema: a named list of components, validated once at the edge.

A protocol file is TOML::

    name = "vns_paired_6_weeks"
    description = "Dawson et al. 2021 Lancet 397:1545 (VNS-REHAB)"

    [[components]]
    kind = "task_training"
    start_day = 365
    duration_days = 42
    sessions_per_week = 3
    trials_per_session = 300

    [[components]]
    kind = "vns"
    start_day = 365
    duration_days = 42
    sessions_per_week = 3
    current_ma = 0.8

Every problem is reported as one line naming the field, e.g.
``components[1].current_ma: must be in 0–3.5 mA, got 5 (in vns.toml)``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Annotated, Any

import pydantic
from pydantic import Field, StringConstraints, model_validator

from strokesim.errors import UserInputError
from strokesim.io.toml_config import read_toml
from strokesim.therapy._consistency import check_consistency
from strokesim.therapy._errors import first_validation_error
from strokesim.therapy._fields import StrictModel
from strokesim.therapy.components import (
    BimanualTraining,
    ConstraintInducedTherapy,
    RobotTraining,
    TaskTraining,
    VirtualRealityTraining,
)
from strokesim.therapy.modulators import BrainStimulation, Drug, VagusNerveStimulation

__all__ = ["COMPONENT_KINDS", "Component", "Protocol", "load_protocol", "parse_protocol"]

Component = Annotated[
    TaskTraining
    | ConstraintInducedTherapy
    | BimanualTraining
    | RobotTraining
    | VirtualRealityTraining
    | BrainStimulation
    | VagusNerveStimulation
    | Drug,
    Field(discriminator="kind"),
]

#: The ``kind`` of each component type, in documentation order.
COMPONENT_KINDS: tuple[str, ...] = (
    "task_training",
    "cimt",
    "bimanual_training",
    "robot",
    "virtual_reality",
    "brain_stimulation",
    "vns",
    "drug",
)


class Protocol(StrictModel):
    """A rehabilitation protocol: a schedule of training, stimulation and drug components.

    Attributes
    ----------
    name
        Short identifier (1–100 characters), e.g. ``"cimt_2_weeks"``.
    description
        Free text; the named protocols cite their source trial here.
    components
        The components; an empty list is a valid protocol (no therapy).

    Examples
    --------
    >>> from strokesim.therapy import TaskTraining
    >>> p = Protocol(
    ...     name="daily_practice",
    ...     components=[TaskTraining(start_day=7, duration_days=28, trials_per_session=100)],
    ... )
    >>> p.components[0].session_count
    20
    """

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    description: str = ""
    components: tuple[Component, ...]

    @model_validator(mode="before")
    @classmethod
    def _check_kinds(cls, data: Any) -> Any:
        # Our own message for missing or unknown kinds, listing the allowed ones.
        components = data.get("components") if isinstance(data, Mapping) else None
        if not isinstance(components, list | tuple):
            return data
        for index, component in enumerate(components):
            if not isinstance(component, Mapping):
                continue
            field = f"components[{index}].kind"
            allowed = ", ".join(COMPONENT_KINDS)
            if "kind" not in component:
                raise UserInputError(field, f"required field is missing; one of: {allowed}")
            if component["kind"] not in COMPONENT_KINDS:
                raise UserInputError(
                    field, f"unknown kind {component['kind']!r}; allowed: {allowed}"
                )
        return data

    @model_validator(mode="after")
    def _check_consistency(self) -> Protocol:
        check_consistency(self.components)
        return self


def parse_protocol(data: Mapping[str, Any], *, source: str | None = None) -> Protocol:
    """Validate a parsed protocol document.

    Parameters
    ----------
    data
        The document (e.g. from :func:`tomllib.load`).
    source
        Where it came from (a file name), added to error messages.

    Returns
    -------
    Protocol

    Raises
    ------
    strokesim.errors.UserInputError
        For the first invalid field, as a one-line message naming it.
    """
    try:
        return Protocol.model_validate(data)
    except pydantic.ValidationError as exc:
        error = first_validation_error(exc, "", data=data)
        if source is not None:
            error = UserInputError(error.field, f"{error.problem} (in {source})")
        raise error from exc


def load_protocol(path: str | os.PathLike[str]) -> Protocol:
    """Read and validate a protocol TOML file.

    Parameters
    ----------
    path
        The ``.toml`` file.

    Returns
    -------
    Protocol

    Raises
    ------
    strokesim.errors.UserInputError
        If the file is missing or not valid TOML (``field`` is the file name and the
        message gives the line), or a field is missing, out of range, not finite,
        of an unknown kind/method/target, or components clash (``field`` is the
        dotted path, e.g. ``components[1].current_ma``).
    """
    return parse_protocol(read_toml(path), source=os.fspath(path))
