"""Checks that involve several components of a protocol at once.

Each rule names the later of two clashing components, so the message points at
the line a user most likely just added.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from strokesim.errors import UserInputError
from strokesim.therapy.components import ConstraintInducedTherapy, _Component, _Training
from strokesim.therapy.modulators import BrainStimulation, Drug, VagusNerveStimulation

__all__ = ["check_consistency", "stimulated_targets"]

_TRAINING_KINDS = "task_training, cimt, bimanual_training, robot or virtual_reality"

# Kinds that cannot share a day with CIMT, and why.
_CIMT_EXCLUDES = {
    "cimt": "two CIMT regimes cannot run on the same day",
    "robot": "CIMT shaping fills the therapy day (EXCITE: up to 6 h/day), leaving no room "
    "for robot sessions",
    "bimanual_training": "bimanual training needs the hand that CIMT keeps in a mitt",
}


def stimulated_targets(component: BrainStimulation) -> frozenset[str]:
    """Targets whose excitability a brain-stimulation component changes.

    Parameters
    ----------
    component
        The stimulation; ``tdcs_dual`` acts on both M1s.

    Returns
    -------
    frozenset of str
        Names from ``STIMULATION_TARGETS``.
    """
    if component.method == "tdcs_dual":
        return frozenset({"ipsilesional_m1", "contralesional_m1"})
    return frozenset({component.target})


def check_consistency(components: Sequence[_Component]) -> None:
    """Raise if components clash on shared days or stimulation lacks training.

    Parameters
    ----------
    components
        A protocol's components, in file order.

    Raises
    ------
    strokesim.errors.UserInputError
        With ``field`` ``components[i]...`` for: brain stimulation or VNS on a day
        without training; two brain stimulations with different methods, or the
        same target, on one day; CIMT overlapping robot, bimanual training or
        another CIMT; two VNS regimes, or the same drug twice, on one day; more
        VNS-paired trials than therapy trials on a day.
    """
    horizon = max((component.end_day for component in components), default=0)
    sessions = [component.session_mask(horizon) for component in components]
    occupied = [
        sessions[i] | c.mitt_mask(horizon)
        if isinstance(c, ConstraintInducedTherapy)
        else sessions[i]
        for i, c in enumerate(components)
    ]
    trials = np.zeros(horizon)
    for component, mask in zip(components, sessions, strict=True):
        if isinstance(component, _Training):
            trials += component.trials() * mask
    _check_pairing(components, sessions, trials)
    for j, later in enumerate(components):
        for i in range(j):
            shared = np.flatnonzero(occupied[i] & occupied[j])
            if shared.size:
                _check_pair(i, components[i], j, later, int(shared[0]))


def _check_pairing(
    components: Sequence[_Component], sessions: list[np.ndarray], trials: np.ndarray
) -> None:
    for i, component in enumerate(components):
        if not isinstance(component, BrainStimulation | VagusNerveStimulation):
            continue
        unpaired = np.flatnonzero(sessions[i] & (trials == 0))
        if unpaired.size:
            raise UserInputError(
                f"components[{i}]",
                f"{component.kind} on day {unpaired[0]} has no training session that day; "
                f"stimulation must pair with training ({_TRAINING_KINDS}) on every session day",
            )
        if isinstance(component, VagusNerveStimulation):
            days = np.flatnonzero(sessions[i])
            fewest = days[np.argmin(trials[days])]
            if component.paired_trials_per_session > trials[fewest]:
                raise UserInputError(
                    f"components[{i}].paired_trials_per_session",
                    f"must be at most the therapy trials of its days ({trials[fewest]:g} on day "
                    f"{fewest}), got {component.paired_trials_per_session}",
                )


def _check_pair(i: int, first: _Component, j: int, later: _Component, day: int) -> None:
    where = f"components[{i}]"
    if isinstance(first, BrainStimulation) and isinstance(later, BrainStimulation):
        if first.method != later.method:
            raise UserInputError(
                f"components[{j}].method",
                f"{later.method!r} on day {day} overlaps {first.method!r} of {where}; "
                "use one stimulation method per day",
            )
        if stimulated_targets(first) & stimulated_targets(later):
            raise UserInputError(
                f"components[{j}].target",
                f"{later.method!r} on day {day} stimulates the same target as {where}; "
                "merge them into one component",
            )
        return
    kinds = {first.kind, later.kind}
    if "cimt" in kinds:
        other = later.kind if first.kind == "cimt" else first.kind
        if other in _CIMT_EXCLUDES:
            raise UserInputError(
                f"components[{j}].kind",
                f"{later.kind} overlaps {first.kind} of {where} on day {day}; "
                f"{_CIMT_EXCLUDES[other]}",
            )
    if isinstance(first, VagusNerveStimulation) and isinstance(later, VagusNerveStimulation):
        raise UserInputError(
            f"components[{j}]",
            f"vns overlaps the vns of {where} on day {day}; use one VNS regime per day",
        )
    if isinstance(first, Drug) and isinstance(later, Drug) and first.agent == later.agent:
        raise UserInputError(
            f"components[{j}].agent",
            f"{later.agent!r} on day {day} overlaps the same agent in {where}; "
            "give each agent once per day (set dose_mg for the daily total)",
        )
