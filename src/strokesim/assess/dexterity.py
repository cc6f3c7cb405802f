"""Timed hand dexterity (Box and Block / Nine-Hole-Peg-like), in % of a healthy adult.

Two scores share one form, ``100 × completion × speed``:

- ``nonparetic_dexterity`` (unchanged from the battery's first version): the mean
  success of one noisy attempt of each fine and distal task with the non-paretic
  hand, relative to a healthy adult's (speed is not scored; V11 is sized on it);
- ``paretic_dexterity``: the same tasks plus finger individuation with the paretic
  hand, scored as a *timed* test. A timed test counts items per minute, so a hand
  that is precise only when slow scores low even when every item is completed.

Mechanism of the paretic speed (fractionated distal control). Fine, individuated
finger movement is carried by the direct (crossed, corticomotoneuronal) corticospinal
route from M1 (Lemon 2008 Annu Rev Neurosci 31:195; Lang & Schieber 2004
J Neurophysiol 91:1722: individuation falls with corticospinal damage). Its *reserve*
is the share of a healthy adult's direct distal drive that the patient's own units
still deliver during the test, with the healthy crossed weights ``W⁰`` and each unit's
activity capped at its healthy level::

    R = Σ_k Σ_{u ∈ M1} min(r_ku, r⁰_ku) · cst_u · W⁰_u,distal / Σ_k Σ_u r⁰_ku · W⁰_u,distal

(``r`` the ipsilesional activity in the attempts, ``r⁰`` a healthy adult's). Dead,
stunned or cut units, depressed excitability and excess transcallosal inhibition lower
R; sprouting of the survivors' weights, stronger firing of fewer units, uncrossed and
reticulospinal drive restore force (and the FMA-UE) but not R, since independent
channels cannot be replaced by louder ones (Xu et al. 2017 Brain 140:1612: strength
and finger individuation recover separately, individuation plateaus lower). A timed
test then slows twice: the speed–accuracy trade-off (Fitts 1954 J Exp Psychol 47:381;
Schmidt et al. 1979 Psychol Rev 86:415: endpoint variability grows with speed × motor
noise) slows the precision-limited part of each item (grasp, release) in proportion
to the hand's motor noise ``σ``, and the missing direct channels slow individuated
finger movement as ``R^β``::

    t / t_healthy = [(1 − w) + w · σ / σ_ref] / R^β
    paretic_dexterity = 100 · (mean success / s⁰) / (t / t_healthy)

with ``w = dexterity_precision_share``, ``β = direct_route_dexterity_exponent``,
``s⁰ = dexterity_healthy_success`` and ``σ_ref = motor_noise_sd`` (a typical healthy
adult). ``β = 0`` removes the mechanism. A healthy person with less than typical
motor noise scores above 100; the score is never negative.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from strokesim.assess.attempts import attempt_tasks
from strokesim.model.anatomy import MUSCLES
from strokesim.model.lesion import PatientConstants
from strokesim.model.network import cortical_responses
from strokesim.model.state import PatientState, descending_survival
from strokesim.model.tasks import (
    NONPARETIC_DEXTERITY_TASKS,
    PARETIC_DEXTERITY_TASKS,
    TaskSet,
    practice_tasks,
)
from strokesim.model.template import N_M1_UNITS, N_UNITS, Template, task_code

__all__ = [
    "DISTAL_MUSCLES",
    "HEALTHY_TASK_SUCCESS",
    "NONPARETIC_TASKS",
    "PARETIC_TASKS",
    "direct_route_reserve",
    "nonparetic_dexterity",
    "paretic_dexterity",
    "timed_dexterity",
]

#: Mean success of one attempt of each non-paretic dexterity task by a healthy adult
#: with typical motor noise (the reference of 100% of the non-paretic score).
HEALTHY_TASK_SUCCESS = 0.985
#: Muscle groups of fine distal control (wrist and fingers).
DISTAL_MUSCLES = ("wrist_extension", "wrist_flexion", "finger_extension", "finger_flexion")
_DISTAL = np.array([m in DISTAL_MUSCLES for m in MUSCLES], np.float32)
_IS_M1 = (np.arange(N_UNITS) < N_M1_UNITS).astype(np.float32)


def _subset(names: tuple[str, ...]) -> TaskSet:
    tasks = practice_tasks()
    index = [tasks.names.index(n) for n in names]
    return TaskSet(
        names=names,
        target=tasks.target[index],
        selectivity=tasks.selectivity[index],
        family=tasks.family[index],
    )


#: Tasks of the non-paretic score (fine and distal daily-life work).
NONPARETIC_TASKS = _subset(NONPARETIC_DEXTERITY_TASKS)
#: Tasks of the paretic score: the same, plus finger individuation.
PARETIC_TASKS = _subset(PARETIC_DEXTERITY_TASKS)


def nonparetic_dexterity(performance: jnp.ndarray) -> jnp.ndarray:
    """Non-paretic dexterity (% of a healthy adult, 0–100) from task success, (K,) → ()."""
    return 100.0 * jnp.clip(jnp.mean(performance) / HEALTHY_TASK_SUCCESS, 0.0, 1.0)


def direct_route_reserve(
    activity: jnp.ndarray,
    constants: PatientConstants,
    template: Template,
    params: dict[str, float],
    tasks: TaskSet = PARETIC_TASKS,
) -> jnp.ndarray:
    """Share of a healthy adult's direct distal drive the patient delivers, R in [0, 1].

    Parameters
    ----------
    activity
        Cortical activity of the patient's attempts of ``tasks``, (K, 2, U).
    constants
        The patient (corticospinal axon survival).
    template
        The healthy template (crossed weights W⁰, healthy recruitment).
    params
        Model parameters (healthy drive and inhibition of the template).
    tasks
        The tasks attempted.
    """
    healthy = cortical_responses(
        template.weights.w_in,
        jnp.asarray(task_code(tasks.target)),
        jnp.array([1.0, params["ipsilateral_recruitment"]]),
        jnp.ones((2, N_UNITS)),
        jnp.full((2,), params["ihi_strength"]),
        params["activity_ceiling"],
    )[:, 0]
    # direct distal output of each ipsilesional M1 unit with the healthy weights, (U,)
    direct = (template.weights.w_cross[0] @ jnp.asarray(_DISTAL)) * jnp.asarray(_IS_M1)
    delivered = jnp.minimum(activity[:, 0], healthy) * descending_survival(constants)[0]
    return jnp.sum(delivered @ direct) / jnp.maximum(jnp.sum(healthy @ direct), 1e-9)


def timed_dexterity(
    performance: jnp.ndarray,
    noise_sd: jnp.ndarray,
    reserve: jnp.ndarray | float,
    params: dict[str, float],
) -> jnp.ndarray:
    """Timed dexterity (% of a healthy adult, ≥ 0) from success, motor noise and reserve.

    Parameters
    ----------
    performance
        Success of one attempt of each dexterity task, (K,), in [0, 1].
    noise_sd
        Motor noise SD of the hand on these attempts (activation units).
    reserve
        Direct-route reserve R (:func:`direct_route_reserve`); 1 for an intact hand.
    params
        Model parameters (``dexterity_precision_share``, ``motor_noise_sd``,
        ``direct_route_dexterity_exponent``, ``dexterity_healthy_success``).

    Returns
    -------
    jnp.ndarray
        Items per unit time relative to a typical healthy adult, × 100.
    """
    w = params["dexterity_precision_share"]
    completion = jnp.maximum(jnp.mean(performance), 0.0) / params["dexterity_healthy_success"]
    ref = params["motor_noise_sd"]
    # without motor noise in the model (σ_ref = 0) every hand is as precise as typical
    noise_ratio = jnp.where(ref > 0, noise_sd / jnp.where(ref > 0, ref, 1.0), 1.0)
    time_ratio = (1.0 - w) + w * noise_ratio
    fractionation = jnp.clip(reserve, 0.0, 1.0) ** params["direct_route_dexterity_exponent"]
    return 100.0 * completion * fractionation / time_ratio


def paretic_dexterity(
    state: PatientState,
    constants: PatientConstants,
    template: Template,
    params: dict[str, float],
    day: jnp.ndarray,
    key: jax.Array,
) -> jnp.ndarray:
    """Timed paretic-hand dexterity of one patient on ``day`` (% of a healthy adult, ≥ 0).

    Parameters
    ----------
    state, constants
        The patient (no batch axis; ``jax.vmap`` over both for a batch).
    template
        The healthy template.
    params
        Model parameters.
    day
        Day since onset (stunned units and diaschisis depend on it).
    key
        PRNG key of the attempts' motor noise.

    Returns
    -------
    jnp.ndarray
        Scalar score; 100 = a typical healthy adult, above 100 possible.
    """
    attempts = attempt_tasks(PARETIC_TASKS, state, constants, template, params, day, key, limb=0)
    reserve = direct_route_reserve(attempts["activity"], constants, template, params)
    return timed_dexterity(attempts["performance"], attempts["noise_sd"], reserve, params)
