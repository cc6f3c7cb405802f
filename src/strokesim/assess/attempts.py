"""Attempts of assessment tasks by a virtual patient, with motor noise.

A rater never sees the model state; they see attempts. This module runs a task
set on either arm at the patient's current state and returns the produced
activations and their success, with trial-to-trial motor noise whose size grows
as fewer corticospinal units carry the movement (population averaging).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from strokesim.model.dynamics import limb_drive_scales, stimulated_ihi
from strokesim.model.lesion import PatientConstants
from strokesim.model.network import attempt, performance
from strokesim.model.state import (
    PatientState,
    availability,
    coordination_noise_factor,
    descending_survival,
    reflex_excess,
)
from strokesim.model.tasks import TaskSet
from strokesim.model.template import N_M1_UNITS, Template, task_code

__all__ = ["Attempts", "attempt_tasks", "corticospinal_fraction"]

# Floor on the share of carrying units in the noise scaling (avoids division by 0).
_MIN_UNIT_SHARE = 0.05
# Noise SD never exceeds this (activation units): movements stay recognisable.
_MAX_NOISE = 0.2


class Attempts(dict):
    """``activation`` (K, M), ``performance`` (K,), ``activity`` (K, 2, U)."""


def corticospinal_fraction(
    constants: PatientConstants, day: jnp.ndarray, overuse_loss: jnp.ndarray | float = 0.0
) -> jnp.ndarray:
    """Share of ipsilesional M1 units currently firing *and* reaching the cord."""
    avail = availability(constants, day, overuse_loss)[0, :N_M1_UNITS]
    return jnp.mean(avail * constants.cst[:N_M1_UNITS])


def attempt_tasks(
    tasks: TaskSet,
    state: PatientState,
    constants: PatientConstants,
    template: Template,
    params: dict[str, float],
    day: jnp.ndarray,
    key: jax.Array,
    limb: int,
    noise_scale: np.ndarray | float = 1.0,
) -> Attempts:
    """One noisy attempt of each task with the paretic (limb 0) or non-paretic (1) arm.

    ``noise_scale`` (per task) shrinks the motor noise of tasks whose score averages
    over a sustained effort, such as a held maximal contraction.
    """
    avail = availability(constants, day, state.overuse_loss)
    scale_p, scale_n = limb_drive_scales(state, constants, day, params)
    # right after a stimulation session its after-effect acts on the drive of the
    # stimulated units and on the inhibition their hemisphere exerts (zero otherwise)
    acute = 1.0 + state.stim_shift
    scale_p, scale_n = scale_p * acute, scale_n * acute
    excess = reflex_excess(state, constants, day, params)
    if limb == 1:
        excess = jnp.zeros_like(excess)
        noise_sd = constants.motor_noise * coordination_noise_factor(state, constants, day, params)
    else:
        share = jnp.maximum(
            corticospinal_fraction(constants, day, state.overuse_loss), _MIN_UNIT_SHARE
        )
        noise_sd = constants.motor_noise / jnp.sqrt(share)
    noise_sd = jnp.minimum(noise_sd, _MAX_NOISE)
    target = jnp.asarray(tasks.target)
    r, a, _ = attempt(
        state.weights,
        jnp.asarray(task_code(tasks.target)),
        target,
        scale_p if limb == 0 else scale_n,
        avail,
        stimulated_ihi(state.ihi, state.stim_shift, avail, params),
        descending_survival(constants),
        jnp.stack([constants.crt, 1.0]),
        state.reticulospinal if limb == 0 else jnp.asarray(1.0),
        template.spinal_gain,
        excess,
        params,
        limb,
        drive_noise=noise_sd
        * jnp.reshape(jnp.asarray(noise_scale), (-1, 1))
        * jax.random.normal(key, target.shape),
    )
    perf = performance(a, target, jnp.asarray(tasks.selectivity))
    return Attempts(activation=a, performance=perf, activity=r, noise_sd=noise_sd)
