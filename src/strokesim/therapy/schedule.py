"""Compile a protocol into per-day model inputs (plain float32 arrays, day-major).

The model advances one day at a time with ``jax.lax.scan``; :class:`DailyInputs`
is a ``NamedTuple`` (hence a JAX pytree) whose arrays all have the day as their
leading axis, so it can be scanned over directly.
"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from strokesim.errors import UserInputError
from strokesim.model.anatomy import TASK_FAMILIES
from strokesim.therapy.components import ConstraintInducedTherapy, _Training
from strokesim.therapy.drugs import drug_plasticity_gain
from strokesim.therapy.modulators import (
    STIMULATION_TARGETS,
    BrainStimulation,
    Drug,
    VagusNerveStimulation,
)
from strokesim.therapy.schema import Protocol
from strokesim.therapy.stimulation import (
    session_excitability_shift,
    stimulation_plasticity_gain,
    vns_plasticity_gain,
)

__all__ = ["DailyInputs", "compile_protocol"]

Array = npt.NDArray[np.float32]


class DailyInputs(NamedTuple):
    """Per-day model inputs of a protocol; index ``d`` of the leading axis is day ``d`` since onset.

    Attributes
    ----------
    training_trials
        ``(days, 4)`` therapy trials per day for each of
        :data:`~strokesim.model.anatomy.TASK_FAMILIES` (summed over components).
    error_feedback
        ``(days,)`` fraction of the error signal kept in that day's therapy trials
        (trial-weighted over components; robots remove ``assistance``); 1 without therapy.
    engagement
        ``(days,)`` trial-weighted learning multiplier of therapy trials (1 default;
        virtual reality > 1).
    constraint
        ``(days,)`` fraction of waking hours the non-paretic arm is restrained (CIMT mitt).
    excitability_shift
        ``(days, 3)`` mean fractional change of cortical excitability over that day's
        main (longest) training session, which the stimulation primes, for
        :data:`~strokesim.therapy.modulators.STIMULATION_TARGETS`
        (ipsilesional_m1, contralesional_m1, ipsilesional_premotor); 0 without
        (or with sham) stimulation. The model scales it by the patient's response and
        the surviving tissue.
    plasticity_gain_stim
        ``(days, 3)`` gain on plasticity in each target during that day's training (1 = none).
    vns_gain
        ``(days,)`` gain on plasticity of VNS-paired trials (1 = none or sham).
    vns_paired_fraction
        ``(days,)`` fraction of that day's therapy trials paired with VNS (0–1).
    drug_gain
        ``(days,)`` gain on the plasticity gain P(t) from drugs (1 = none).
    training_minutes
        ``(days,)`` minutes of training sessions that day, summed over training
        components (0 without therapy); sets how many blocks of consolidation capacity
        the day's therapy has (:func:`strokesim.model.dynamics.session_share`).
    """

    training_trials: Array
    error_feedback: Array
    engagement: Array
    constraint: Array
    excitability_shift: Array
    plasticity_gain_stim: Array
    vns_gain: Array
    vns_paired_fraction: Array
    drug_gain: Array
    training_minutes: Array

    @property
    def days(self) -> int:
        """Number of days (length of the leading axis)."""
        return int(self.error_feedback.shape[0])

    def total_trials(self) -> Array:
        """``(days,)`` therapy trials per day over all task families."""
        return self.training_trials.sum(axis=1)


def compile_protocol(protocol: Protocol, days: int) -> DailyInputs:
    """Turn a protocol into per-day arrays for days ``0 .. days-1`` since onset.

    Parameters
    ----------
    protocol
        A validated protocol.
    days
        Number of simulated days (≥ 1); components beyond it are cut off.

    Returns
    -------
    DailyInputs
        Read-only float32 arrays with leading axis ``day``.

    Raises
    ------
    strokesim.errors.UserInputError
        If ``days`` is not a positive integer.

    Examples
    --------
    >>> from strokesim.therapy import usual_care
    >>> inputs = compile_protocol(usual_care(), days=120)
    >>> inputs.total_trials()[3], inputs.total_trials()[8], inputs.total_trials()[100]
    (np.float32(32.0), np.float32(0.0), np.float32(0.0))
    """
    if isinstance(days, bool) or not isinstance(days, numbers.Integral) or days < 1:
        raise UserInputError("days", f"must be an integer ≥ 1, got {days!r}")
    days = int(days)
    trials = np.zeros((days, len(TASK_FAMILIES)))
    kept_error = np.zeros(days)  # trial-weighted sums
    engaged = np.zeros(days)
    minutes = np.zeros(days)
    session_minutes = np.zeros(days)  # summed over components
    constraint = np.zeros(days)
    for component in protocol.components:
        if isinstance(component, _Training):
            mask = component.session_mask(days)
            count = component.trials()
            trials[mask] += count * component.family_fractions()
            kept_error[mask] += count * component.error_feedback()
            engaged[mask] += count * component.engagement()
            # Stimulation primes the day's main (longest) session.
            minutes[mask] = np.maximum(minutes[mask], component.session_minutes())
            session_minutes[mask] += component.session_minutes()
        if isinstance(component, ConstraintInducedTherapy):
            mitt = component.mitt_mask(days)
            constraint[mitt] = np.maximum(constraint[mitt], component.mitt_fraction_of_waking_hours)
    total = trials.sum(axis=1)
    has_trials = total > 0
    safe_total = np.where(has_trials, total, 1.0)
    error_feedback = np.where(has_trials, kept_error / safe_total, 1.0)
    engagement = np.where(has_trials, engaged / safe_total, 1.0)

    shift = _excitability_shift(protocol, days, minutes)
    vns_gain, paired = _vns(protocol, days, total)
    drug_gain = np.ones(days)
    for component in protocol.components:
        if isinstance(component, Drug):
            gain = drug_plasticity_gain(component.agent, component.dose_mg)
            drug_gain[component.session_mask(days)] *= gain

    return DailyInputs(
        training_trials=_frozen(trials),
        error_feedback=_frozen(error_feedback),
        engagement=_frozen(engagement),
        constraint=_frozen(constraint),
        excitability_shift=_frozen(shift),
        plasticity_gain_stim=_frozen(stimulation_plasticity_gain(shift)),
        vns_gain=_frozen(vns_gain),
        vns_paired_fraction=_frozen(paired),
        drug_gain=_frozen(drug_gain),
        training_minutes=_frozen(session_minutes),
    )


def _excitability_shift(protocol: Protocol, days: int, minutes: np.ndarray) -> np.ndarray:
    shift = np.zeros((days, len(STIMULATION_TARGETS)))
    for component in protocol.components:
        if not isinstance(component, BrainStimulation) or component.sham:
            continue
        stimulated = np.flatnonzero(component.session_mask(days))
        # Sessions of equal length give equal shifts: compute each length once.
        for length in np.unique(minutes[stimulated]):
            same = stimulated[minutes[stimulated] == length]
            shift[same] += session_excitability_shift(component, float(length))
    return shift


def _vns(protocol: Protocol, days: int, total: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    gain = np.ones(days)
    paired = np.zeros(days)
    for component in protocol.components:
        if not isinstance(component, VagusNerveStimulation):
            continue
        mask = component.session_mask(days) & (total > 0)
        paired[mask] = np.minimum(1.0, component.paired_trials_per_session / total[mask])
        if not component.sham:
            gain[mask] = vns_plasticity_gain(component.current_ma)
    return gain, paired


def _frozen(values: np.ndarray) -> Array:
    array = np.ascontiguousarray(values, dtype=np.float32)
    array.flags.writeable = False
    return array
