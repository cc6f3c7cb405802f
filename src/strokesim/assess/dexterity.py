"""Timed hand dexterity (Box and Block / Nine-Hole-Peg-like), in % of a healthy adult.

Two scores share one form, ``100 × completion × speed``:

- ``nonparetic_dexterity`` (unchanged from the battery's first version): the mean
  success of one noisy attempt of each fine and distal task with the non-paretic
  hand, relative to a healthy adult's (speed is not scored; V11 is sized on it);
- ``paretic_dexterity``: the same tasks plus finger individuation with the paretic
  hand, scored as a *timed* test. A timed test counts items per minute, so a hand
  that is precise only when slow scores low even when every item is completed.

Mechanism of the paretic speed (fractionated distal control, DESIGN §3.2). Fine,
individuated finger movement is carried by the direct (crossed, corticomotoneuronal)
corticospinal route (Lemon 2008 Annu Rev Neurosci 31:195; Lang & Schieber 2004
J Neurophysiol 91:1722: individuation falls with corticospinal damage). The
paretic hand's motor noise is averaged over the ipsilesional M1 units that fire and
reach the cord (:func:`strokesim.assess.attempts.corticospinal_fraction`):
``σ = σ_person / √(share)``. That share is a count of independent channels; sprouting
of the survivors' weights, uncrossed and reticulospinal drive restore force (and the
FMA-UE) but not this count, so it is a reserve that training cannot replace (Xu et
al. 2017 Brain 140:1612: strength and finger individuation recover separately; the
latter plateaus lower). By the speed–accuracy trade-off (Fitts 1954 J Exp Psychol
47:381; Schmidt et al. 1979 Psychol Rev 86:415: endpoint variability grows with
movement speed × motor noise), the precision-limited part of each item (grasp,
release) slows in proportion to the noise the hand must overcome::

    t / t_healthy = (1 − w) + w · σ / σ_ref
    paretic_dexterity = 100 · (mean success / healthy mean success) / (t / t_healthy)

with ``w = dexterity_precision_share`` and ``σ_ref = motor_noise_sd`` (a typical
healthy adult). A healthy person with less than typical motor noise scores above
100; the score is never negative.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from strokesim.assess.attempts import attempt_tasks
from strokesim.model.lesion import PatientConstants
from strokesim.model.state import PatientState
from strokesim.model.tasks import (
    NONPARETIC_DEXTERITY_TASKS,
    PARETIC_DEXTERITY_TASKS,
    TaskSet,
    practice_tasks,
)
from strokesim.model.template import Template

__all__ = [
    "HEALTHY_TASK_SUCCESS",
    "NONPARETIC_TASKS",
    "PARETIC_TASKS",
    "nonparetic_dexterity",
    "paretic_dexterity",
    "timed_dexterity",
]

#: Mean success of one attempt of each dexterity task by a healthy adult with typical
#: motor noise (the reference of 100%).
HEALTHY_TASK_SUCCESS = 0.985


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


def timed_dexterity(
    performance: jnp.ndarray, noise_sd: jnp.ndarray, params: dict[str, float]
) -> jnp.ndarray:
    """Timed dexterity (% of a healthy adult, ≥ 0) from success and motor noise.

    Parameters
    ----------
    performance
        Success of one attempt of each dexterity task, (K,), in [0, 1].
    noise_sd
        Motor noise SD of the hand on these attempts (activation units).
    params
        Model parameters (``dexterity_precision_share``, ``motor_noise_sd``).

    Returns
    -------
    jnp.ndarray
        Items per unit time relative to a typical healthy adult, × 100.
    """
    w = params["dexterity_precision_share"]
    completion = jnp.maximum(jnp.mean(performance), 0.0) / HEALTHY_TASK_SUCCESS
    time_ratio = (1.0 - w) + w * noise_sd / params["motor_noise_sd"]
    return 100.0 * completion / time_ratio


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
    return timed_dexterity(attempts["performance"], attempts["noise_sd"], params)
