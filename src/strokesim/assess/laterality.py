"""Laterality index of task-related M1 activity during paretic-hand movement.

The imaging literature summarises how one-sided the motor cortex's response to a
hand movement is with a laterality index

    LI = (C − I) / (C + I)  ∈ [−1, 1],

where C and I are the task-related activation of the hemisphere contralateral
and ipsilateral to the moving hand (Calautti & Baron 2003 Stroke 34:1553,
review; Ward et al. 2003 Brain 126:2476 and 126:1430 report the same shift as
activation beyond controls in the contralesional hemisphere). LI = 1: only the
contralateral hemisphere responds; 0: both equally; −1: only the ipsilateral one.
Healthy adults moving one hand are strongly lateralised; early after stroke,
movement of the paretic hand also recruits the contralesional hemisphere, and
activity re-lateralises as the hand recovers (Ward 2003; Rehme et al. 2012
NeuroImage 59:2771, meta-analysis).

The model's version uses model quantities only: C and I are the mean activity
of the M1 units of the ipsilesional (contralateral to the paretic hand) and the
contralesional hemisphere while the paretic arm attempts the hand tasks of the
practice set (task families :data:`PARETIC_HAND_FAMILIES`). Model units are
silent at rest, so activity during the task is task-related activity. The
index of an undamaged person is :func:`healthy_laterality_index`.
"""

from __future__ import annotations

from typing import Final

import jax.numpy as jnp
import numpy as np
from numpy.typing import NDArray

from strokesim.model.anatomy import TASK_FAMILIES
from strokesim.model.network import cortical_responses
from strokesim.model.tasks import practice_tasks
from strokesim.model.template import N_M1_UNITS, N_UNITS, healthy_template, task_code

__all__ = [
    "PARETIC_HAND_FAMILIES",
    "healthy_laterality_index",
    "laterality_index",
    "paretic_hand_tasks",
    "task_m1_activity",
]

#: Task families whose attempts count as paretic-hand movement (grasp, pinch and the
#: paretic hand's part of bimanual tasks; the imaging studies use hand grips).
PARETIC_HAND_FAMILIES: Final[tuple[str, ...]] = ("distal_grasp", "fine_pinch", "bimanual")
#: Floor of C + I (activity units): an index of two silent hemispheres is 0, not NaN.
_MIN_TOTAL_ACTIVITY: Final[float] = 1e-6


def paretic_hand_tasks(family: NDArray[np.integer]) -> NDArray[np.bool_]:
    """Which tasks of a task set (by family index) are paretic-hand movements, (K,)."""
    wanted = [TASK_FAMILIES.index(name) for name in PARETIC_HAND_FAMILIES]
    return np.isin(np.asarray(family), wanted)


def task_m1_activity(activity: jnp.ndarray, hand_tasks: NDArray[np.bool_]) -> jnp.ndarray:
    """Mean M1 activity of each hemisphere over the hand tasks, (2,) [ipsilesional, contralesional].

    Parameters
    ----------
    activity
        Cortical activity of the attempts, (K, 2, U) (activity units ≥ 0).
    hand_tasks
        Boolean mask over the K attempts (:func:`paretic_hand_tasks`).
    """
    return jnp.mean(activity[hand_tasks][:, :, :N_M1_UNITS], axis=(0, 2))


def laterality_index(activity: jnp.ndarray) -> jnp.ndarray:
    """(C − I)/(C + I) of activity whose last axis is [contralateral C, ipsilateral I].

    Parameters
    ----------
    activity
        Non-negative activity, shape (..., 2); for the paretic hand C is the
        ipsilesional hemisphere.

    Returns
    -------
    jnp.ndarray
        Shape (...), in [−1, 1]; 0 when both hemispheres are silent.

    Examples
    --------
    >>> float(laterality_index(jnp.array([3.0, 1.0])))
    0.5
    """
    contra, ipsi = activity[..., 0], activity[..., 1]
    return (contra - ipsi) / jnp.maximum(contra + ipsi, _MIN_TOTAL_ACTIVITY)


def healthy_laterality_index(params: dict[str, float]) -> float:
    """The laterality index of an undamaged person at the healthy set points.

    The healthy template's response to the paretic-hand tasks with both
    hemispheres fully available, the ipsilateral one recruited at
    ``ipsilateral_recruitment`` (full confidence in the arm, so no effort-driven
    recruitment), transcallosal inhibition ``ihi_strength`` both ways and no
    motor noise.

    Parameters
    ----------
    params
        Model parameters (e.g. :func:`strokesim.model.parameters.model_parameters`).

    Returns
    -------
    float
        In [−1, 1] (about 0.96 at the registry values).
    """
    template = healthy_template(params)
    tasks = practice_tasks()
    hand = paretic_hand_tasks(tasks.family)
    activity = cortical_responses(
        template.weights.w_in,
        jnp.asarray(task_code(tasks.target[hand])),
        jnp.array([1.0, params["ipsilateral_recruitment"]]),
        jnp.ones((2, N_UNITS)),
        jnp.full((2,), params["ihi_strength"]),
        params["activity_ceiling"],
    )
    return float(laterality_index(task_m1_activity(activity, np.ones(int(hand.sum()), bool))))
