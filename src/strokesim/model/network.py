"""Cortex, descending pathways and muscles: one patient's forward pass.

Everything here is a pure function of arrays for *one* patient; the batch axis
is added by ``jax.vmap`` in :mod:`strokesim.model.dynamics` and
:mod:`strokesim.assess`. Hemisphere index 0 is ipsilesional, 1 contralesional;
limb 0 is the paretic arm (opposite the lesion), limb 1 the non-paretic arm.

Equations (DESIGN §3.2)::

    r_h   = avail_h ⊙ φ(s_h · W_h u − k_h · mean(r_other) + ξ)        (cortex, with IHI)
    x_P   = (r_I ⊙ cst) W^cross_I + r_C W^uncross_C
            + ρ_P · [(r_I · crt) W^ret_I + r_C W^ret_C] Σ                  (paretic limb)
    a     = clip(γ ⊙ x + c·(σ − 1)_+ ⊙ (a₀ A), 0, 1)                      (spinal pools)

with φ(x) = x₊ / (1 + x₊/ceiling), Σ the fixed flexor/extensor synergies, γ the
healthy spinal gains, σ the stretch-reflex gain and A the antagonist map.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from strokesim.model.anatomy import MUSCLES

__all__ = [
    "ANTAGONIST",
    "IHI_ITERATIONS",
    "SYNERGIES",
    "Weights",
    "attempt",
    "command_gain",
    "cortical_responses",
    "limb_activation",
    "limb_drive",
    "performance",
    "practice_loss",
    "unit_activity",
]

#: Fixed-point iterations of the mutual transcallosal inhibition.
IHI_ITERATIONS = 2

_M = {name: i for i, name in enumerate(MUSCLES)}


def _vector(levels: dict[str, float]) -> np.ndarray:
    v = np.zeros(len(MUSCLES), dtype=np.float32)
    for name, level in levels.items():
        v[_M[name]] = level
    return v


#: Reticulospinal synergies (rows: flexor, extensor) over muscles (Brunnstrom 1970;
#: DESIGN §3.2: flexor synergy = shoulder abduction + elbow, wrist and finger flexion).
SYNERGIES = np.stack(
    [
        _vector(
            {
                "shoulder_abduction": 0.6,
                "shoulder_extension": 0.3,
                "elbow_flexion": 1.0,
                "wrist_flexion": 0.6,
                "finger_flexion": 0.8,
            }
        ),
        _vector({"shoulder_adduction": 0.8, "elbow_extension": 1.0, "wrist_flexion": 0.2}),
    ]
)

#: Antagonist map A[m, n] = 1 when contracting m stretches n (flexor/extensor pairs).
ANTAGONIST = np.zeros((len(MUSCLES), len(MUSCLES)), dtype=np.float32)
for _a, _b in [
    ("shoulder_flexion", "shoulder_extension"),
    ("shoulder_abduction", "shoulder_adduction"),
    ("elbow_flexion", "elbow_extension"),
    ("wrist_extension", "wrist_flexion"),
    ("finger_extension", "finger_flexion"),
]:
    ANTAGONIST[_M[_a], _M[_b]] = 1.0
    ANTAGONIST[_M[_b], _M[_a]] = 1.0


class Weights(NamedTuple):
    """Plastic synaptic weights of both hemispheres (leading axis: hemisphere).

    Attributes
    ----------
    w_in
        Input tuning of units to the task code, shape (2, U, D).
    w_cross
        Crossed corticospinal output to the opposite limb's spinal pools, (2, U, M).
    w_uncross
        Uncrossed corticospinal output to the same-side limb, (2, U, M).
    w_ret
        Cortico-reticular output onto the synergies, (2, U, S).
    """

    w_in: jnp.ndarray
    w_cross: jnp.ndarray
    w_uncross: jnp.ndarray
    w_ret: jnp.ndarray


def unit_activity(drive: jnp.ndarray, ceiling: float) -> jnp.ndarray:
    """Saturating rectifier φ(x) = x₊ / (1 + x₊ / ceiling) (activity, a.u.)."""
    x = jnp.maximum(drive, 0.0)
    return x / (1.0 + x / ceiling)


def cortical_responses(
    w_in: jnp.ndarray,
    task_code: jnp.ndarray,
    drive_scale: jnp.ndarray,
    avail: jnp.ndarray,
    ihi: jnp.ndarray,
    ceiling: float,
    noise: jnp.ndarray | float = 0.0,
) -> jnp.ndarray:
    """Activity of both hemispheres for a batch of K task attempts.

    Parameters
    ----------
    w_in
        Input weights, (2, U, D).
    task_code
        Task codes, (K, D).
    drive_scale
        Excitability × recruitment for this limb's tasks, per hemisphere (2,) or per
        unit (2, U).
    avail
        Availability of each unit (0 dead, fraction while stunned), (2, U).
    ihi
        Transcallosal inhibition onto each hemisphere, (2,).
    ceiling
        Soft ceiling of unit activity.
    noise
        Additive cortical noise, broadcastable to (K, 2, U).

    Returns
    -------
    jnp.ndarray
        Activity r, shape (K, 2, U).
    """
    scale = drive_scale if drive_scale.ndim == 2 else drive_scale[:, None]
    base = jnp.einsum("kd,hud->khu", task_code, w_in) * scale[None] + noise
    r = avail * unit_activity(base, ceiling)
    for _ in range(IHI_ITERATIONS):
        # inhibition onto hemisphere h is driven by the other hemisphere's mean activity
        other = jnp.mean(r, axis=-1)[:, ::-1]
        r = avail * unit_activity(base - (ihi[None, :] * other)[..., None], ceiling)
    return r


def limb_drive(
    r: jnp.ndarray,
    weights: Weights,
    descending: jnp.ndarray,
    corticoreticular: jnp.ndarray,
    reticulospinal_gain: jnp.ndarray,
    limb: int,
) -> jnp.ndarray:
    """Descending drive to one limb's spinal pools, before spinal gain, (K, M).

    Parameters
    ----------
    r
        Cortical activity, (K, 2, U).
    weights
        Synaptic weights.
    descending
        Survival of each unit's corticospinal axon, (2, U).
    corticoreticular
        Survival of each hemisphere's corticoreticular projection, (2,).
    reticulospinal_gain
        Reticulospinal gain onto this limb (1 = healthy).
    limb
        0 for the limb opposite hemisphere 0 (paretic), 1 for the other.
    """
    contra, ipsi = limb, 1 - limb
    r_desc = r * descending[None]
    x = r_desc[:, contra] @ weights.w_cross[contra] + r_desc[:, ipsi] @ weights.w_uncross[ipsi]
    reticular = (r[:, 0] * corticoreticular[0]) @ weights.w_ret[0] + (
        r[:, 1] * corticoreticular[1]
    ) @ weights.w_ret[1]
    return x + reticulospinal_gain * reticular @ jnp.asarray(SYNERGIES)


def limb_activation(
    drive: jnp.ndarray,
    spinal_gain: jnp.ndarray,
    reflex_excess: jnp.ndarray,
    reflex_coactivation: float,
) -> jnp.ndarray:
    """Muscle activation in [0, 1] from descending drive, (K, M).

    Parameters
    ----------
    drive
        Output of :func:`limb_drive`, (K, M).
    spinal_gain
        Healthy spinal pool gains, (M,).
    reflex_excess
        Stretch-reflex gain above normal for this limb's pools, (M,).
    reflex_coactivation
        Antagonist co-activation per unit of reflex excess.
    """
    x = drive * spinal_gain
    a0 = jnp.clip(x, 0.0, 1.0)
    spill = reflex_coactivation * jnp.maximum(reflex_excess, 0.0) * (a0 @ jnp.asarray(ANTAGONIST))
    return jnp.clip(x + spill, 0.0, 1.0)


def command_gain(
    drive: jnp.ndarray, target: jnp.ndarray, spinal_gain: jnp.ndarray, max_gain: float
) -> jnp.ndarray:
    """Effort: how much a person scales the motor command to reach the target, (K,).

    A weak arm is driven harder until the movement reaches its target amplitude,
    up to the maximal voluntary command (at which the task's largest component
    would be a healthy maximal contraction, and never more than ``max_gain``):
    ``κ = clip(1 / proj, 0.5, min(1 / max a*, max_gain))``
    with ``proj`` the achieved share along the target. Spill (synergies, reflexes)
    and signal-dependent noise scale with the command, so effort costs precision.
    The gain is a choice, not a synapse: no learning signal flows through it.
    """
    x = drive * spinal_gain
    proj = jnp.sum(target * x, axis=-1) / jnp.sum(target * target, axis=-1)
    cap = jnp.minimum(1.0 / jnp.max(target, axis=-1), max_gain)
    gain = jnp.clip(1.0 / jnp.maximum(proj, 1e-3), 0.5, jnp.maximum(cap, 1.0))
    return jax.lax.stop_gradient(gain)


def attempt(
    weights: Weights,
    task_code: jnp.ndarray,
    target: jnp.ndarray,
    drive_scale: jnp.ndarray,
    avail: jnp.ndarray,
    ihi: jnp.ndarray,
    descending: jnp.ndarray,
    corticoreticular: jnp.ndarray,
    reticulospinal_gain: jnp.ndarray,
    spinal_gain: jnp.ndarray,
    reflex_excess: jnp.ndarray,
    params: dict[str, float],
    limb: int,
    drive_noise: jnp.ndarray | float = 0.0,
) -> tuple[jnp.ndarray, jnp.ndarray, jnp.ndarray]:
    """One attempt of each of K tasks with one limb: cortex → pathways → effort → muscles.

    Returns cortical activity (K, 2, U), muscle activation (K, M) with the effort
    the person chose, and the activation the habitual (healthy) command would have
    produced (K, M). Learning works on the latter: the motor system learns from the
    prediction error of its habitual command, so that the need for extra effort
    fades as weights adapt (Shadmehr, Smith & Krakauer 2010 Annu Rev Neurosci).
    ``drive_noise`` is added to the descending drive in activation units (scaled by
    the command, i.e. signal-dependent).
    """
    r = cortical_responses(
        weights.w_in, task_code, drive_scale, avail, ihi, params["activity_ceiling"]
    )
    drive = limb_drive(r, weights, descending, corticoreticular, reticulospinal_gain, limb)
    habitual = drive + drive_noise / spinal_gain
    gain = command_gain(drive, target, spinal_gain, params["max_command_gain"])[:, None]
    coactivation = params["reflex_coactivation"]
    a = limb_activation(gain * habitual, spinal_gain, reflex_excess, coactivation)
    a_habitual = limb_activation(habitual, spinal_gain, reflex_excess, coactivation)
    return r, a, a_habitual


def performance(
    activation: jnp.ndarray, target: jnp.ndarray, selectivity: jnp.ndarray
) -> jnp.ndarray:
    """Success of attempts in [0, 1]: achieved share of the pattern minus spill.

    ``perf = Σ min(a, a*) / Σ a*  −  selectivity · Σ (a − a* − 0.05)₊ / Σ a*``; the
    0.05 tolerance is the activation a rater cannot see.
    """
    need = jnp.sum(target, axis=-1)
    achieved = jnp.sum(jnp.minimum(activation, target), axis=-1) / need
    excess = jnp.sum(jnp.maximum(activation - target - 0.05, 0.0), axis=-1) / need
    return jnp.clip(achieved - selectivity * excess, 0.0, 1.0)


def practice_loss(
    activation: jnp.ndarray, target: jnp.ndarray, selectivity: jnp.ndarray
) -> jnp.ndarray:
    """Squared movement error of each attempt, (K,): deficits count fully, spill by selectivity."""
    short = jnp.maximum(target - activation, 0.0)
    over = jnp.maximum(activation - target, 0.0)
    return jnp.sum(short**2 + (0.1 + selectivity[:, None]) * over**2, axis=-1)
