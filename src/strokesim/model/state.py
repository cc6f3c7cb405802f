"""The dynamic state of a virtual patient and the time courses fixed at onset."""

from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp

from strokesim.model.anatomy import MUSCLES
from strokesim.model.lesion import PatientConstants
from strokesim.model.network import Weights
from strokesim.model.template import N_M1_UNITS, N_UNITS, Template

__all__ = [
    "FLEXOR_BIAS",
    "PatientState",
    "availability",
    "coordination_noise_factor",
    "descending_survival",
    "initial_state",
    "plasticity_gain",
    "plasticity_time_course",
    "reflex_excess",
]

#: Spasticity affects flexors (and adductors) more than extensors (Brunnstrom 1970;
#: Wissel 2010: elbow, wrist and finger flexors most often).
FLEXOR_BIAS = jnp.array([0.3, 0.3, 0.3, 0.8, 1.0, 0.4, 0.3, 1.0, 0.3, 1.0])
assert FLEXOR_BIAS.shape == (len(MUSCLES),)


class PatientState(NamedTuple):
    """Everything that changes from day to day (per patient)."""

    weights: Weights
    capacity: jnp.ndarray  # (2, U) output ceiling per unit, × template
    reticulospinal: jnp.ndarray  # () reticulospinal gain onto the paretic limb (1 healthy)
    reflex: jnp.ndarray  # (M,) stretch-reflex gain of the paretic pools (1 normal)
    ihi: jnp.ndarray  # (2,) transcallosal inhibition onto [ipsi, contra]
    excitability: jnp.ndarray  # (2, U) per-unit excitability: homeostasis and stimulation
    q_value: jnp.ndarray  # (2,) expected success of [paretic, non-paretic] arm
    use: jnp.ndarray  # () paretic share of daily-life actions on the last day
    bilateral_adaptation: jnp.ndarray  # () contralesional takeover of bimanual coordination
    overuse_loss: jnp.ndarray  # () share of stunned units lost for good to early overuse
    #: (2, U) the acute after-effect of the latest day's stimulation session (fractional
    #: excitability change per unit, individual response included; 0 on days without):
    #: what an assessment right after that session sees
    stim_shift: jnp.ndarray


def initial_state(template: Template, params: dict[str, float]) -> PatientState:
    """The state at onset (day 0): healthy weights, healthy set points, full confidence.

    Every value is strongly typed float32: weakly typed scalars would give the first
    day-loop call other input types than every later call, and two compilations.
    """
    f32 = jnp.float32
    return PatientState(
        weights=template.weights,
        capacity=jnp.full((2, N_UNITS), params["capacity_initial"], f32),
        reticulospinal=jnp.asarray(1.0, f32),
        reflex=jnp.ones(len(MUSCLES), f32),
        ihi=jnp.full((2,), params["ihi_strength"], f32),
        excitability=jnp.ones((2, N_UNITS), f32),
        q_value=jnp.ones(2, f32),
        use=jnp.asarray(0.5, f32),
        bilateral_adaptation=jnp.asarray(0.0, f32),
        overuse_loss=jnp.asarray(0.0, f32),
        stim_shift=jnp.zeros((2, N_UNITS), f32),
    )


def availability(
    constants: PatientConstants, day: jnp.ndarray, overuse_loss: jnp.ndarray | float = 0.0
) -> jnp.ndarray:
    """Share of each unit able to fire, (2, U): dead 0, stunned returning, contralesional 1.

    Stunned units return with time constant ``stun_days`` (spontaneous biological
    recovery, independent of training), except the share ``overuse_loss`` of them that
    early forced overuse has killed (use-dependent lesion expansion; Kozlowski et al.
    1996; Humm et al. 1998; ``PatientState.overuse_loss``): that share stays out,
    including units that had already returned.
    """
    returning = jnp.exp(-day / constants.stun_days)
    stun = constants.stunned * (returning + (1.0 - returning) * overuse_loss)
    ipsi = constants.alive * (1.0 - stun)
    return jnp.stack([ipsi, jnp.ones_like(ipsi)])


def descending_survival(constants: PatientConstants) -> jnp.ndarray:
    """Corticospinal axon survival of each unit, (2, U)."""
    return jnp.stack([constants.cst, jnp.ones_like(constants.cst)])


def structural_cst_loss(constants: PatientConstants) -> jnp.ndarray:
    """Share of M1 corticospinal output lost for good (dead units or cut axons)."""
    m1 = slice(0, N_M1_UNITS)
    return 1.0 - jnp.mean(constants.alive[m1] * constants.cst[m1])


def coordination_noise_factor(
    state: PatientState, constants: PatientConstants, day: jnp.ndarray, params: dict[str, float]
) -> jnp.ndarray:
    """Motor-noise multiplier of the non-paretic arm (≥ 1).

    Both hemispheres take part in the timing and coordination of skilled movement of
    either hand (Haaland & Harrington 1996; Schaefer et al. 2009 Brain 132:1604); the
    lesioned hemisphere's missing contribution makes the non-paretic arm less precise
    until the contralesional hemisphere has adapted through practice.
    """
    lost = 1.0 - jnp.mean(availability(constants, day, state.overuse_loss)[0])
    return 1.0 + params["coordination_noise_gain"] * lost * (1.0 - state.bilateral_adaptation)


def plasticity_time_course(day: jnp.ndarray, params: dict[str, float]) -> jnp.ndarray:
    """The cohort's P(t): high early after onset, decaying to the chronic floor."""
    floor = params["plasticity_floor"]
    early = (params["plasticity_peak"] - floor) * jnp.exp(-day / params["plasticity_decay_days"])
    return floor + early


def plasticity_gain(
    constants: PatientConstants, day: jnp.ndarray, params: dict[str, float]
) -> jnp.ndarray:
    """P(t) of one patient: the cohort's time course × its age/individual factor."""
    return constants.plasticity_factor * plasticity_time_course(day, params)


def reflex_excess(
    state: PatientState, constants: PatientConstants, day: jnp.ndarray, params: dict[str, float]
) -> jnp.ndarray:
    """Stretch-reflex gain above normal, (M,); negative in the acute flaccid stage."""
    areflexia = (1.0 - constants.crt) * jnp.exp(-day / params["acute_areflexia_days"])
    return state.reflex - 1.0 - areflexia
