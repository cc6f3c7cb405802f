"""The task library: desired muscle-activation patterns for scale items and daily life.

A task is a desired activation ``a* ∈ [0, 1]^M`` over the muscle groups of
:data:`strokesim.model.anatomy.MUSCLES`, plus a *selectivity demand* in [0, 1]:
how much activation of muscles outside the pattern (synergy spill, spastic
co-activation) spoils the attempt. Items performed *within* a synergy (FMA-UE
section A-II) have selectivity 0; isolated movements have selectivity 1.

The patterns are kinesiological approximations of each item's prime movers
(Kendall, Muscles: Testing and Function, 5th ed.), with levels reflecting the
force an item requires. They are model inputs, not fitted values.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from strokesim.model.anatomy import ARAT_ITEMS, FMA_ITEMS, MUSCLES, TASK_FAMILIES

__all__ = [
    "DAILY_LIFE_TASKS",
    "FMA_REFLEX_ITEMS",
    "NONPARETIC_DEXTERITY_TASKS",
    "PARETIC_DEXTERITY_TASKS",
    "TaskSet",
    "arat_tasks",
    "daily_life_tasks",
    "fma_tasks",
    "mrc_tasks",
    "practice_tasks",
]

_MUSCLE_INDEX = {name: i for i, name in enumerate(MUSCLES)}


class TaskSet(NamedTuple):
    """A set of K tasks as arrays.

    Attributes
    ----------
    names
        Task names, length K.
    target
        Desired activation, shape (K, M), values in [0, 1].
    selectivity
        Selectivity demand, shape (K,), in [0, 1].
    family
        Index into :data:`TASK_FAMILIES` (−1 for scale items), shape (K,).
    """

    names: tuple[str, ...]
    target: np.ndarray
    selectivity: np.ndarray
    family: np.ndarray


def _pattern(**levels: float) -> np.ndarray:
    a = np.zeros(len(MUSCLES), dtype=np.float32)
    short = {
        "shF": "shoulder_flexion",
        "shE": "shoulder_extension",
        "shAb": "shoulder_abduction",
        "shAd": "shoulder_adduction",
        "elF": "elbow_flexion",
        "elE": "elbow_extension",
        "wrE": "wrist_extension",
        "wrF": "wrist_flexion",
        "fiE": "finger_extension",
        "fiF": "finger_flexion",
    }
    for key, level in levels.items():
        a[_MUSCLE_INDEX[short[key]]] = level
    return a


def _task_set(spec: dict[str, tuple[np.ndarray, float, int]]) -> TaskSet:
    names = tuple(spec)
    return TaskSet(
        names=names,
        target=np.stack([spec[n][0] for n in names]).astype(np.float32),
        selectivity=np.array([spec[n][1] for n in names], dtype=np.float32),
        family=np.array([spec[n][2] for n in names], dtype=np.int32),
    )


#: FMA-UE items that are reflex tests, scored from the stretch-reflex state, not an attempt.
FMA_REFLEX_ITEMS: tuple[str, ...] = ("reflex_flexors", "reflex_extensors", "normal_reflex_activity")

_FMA_PATTERNS: dict[str, tuple[np.ndarray, float]] = {
    # A-II flexor synergy: performed inside the synergy, so spill does not count.
    "flexor_syn_shoulder_retraction": (_pattern(shE=0.5, shAb=0.3, elF=0.5), 0.0),
    "flexor_syn_shoulder_elevation": (_pattern(shAb=0.5, elF=0.4), 0.0),
    "flexor_syn_shoulder_abduction": (_pattern(shAb=0.6, elF=0.5), 0.0),
    "flexor_syn_shoulder_outward_rotation": (_pattern(shAb=0.4, shE=0.3, elF=0.5), 0.0),
    "flexor_syn_elbow_flexion": (_pattern(elF=0.7, shAb=0.3), 0.0),
    "flexor_syn_forearm_supination": (_pattern(elF=0.5, wrE=0.3, shAb=0.3), 0.0),
    # A-II extensor synergy.
    "extensor_syn_shoulder_adduction_internal_rotation": (_pattern(shAd=0.6, elE=0.3), 0.0),
    "extensor_syn_elbow_extension": (_pattern(elE=0.6, shAd=0.3), 0.0),
    "extensor_syn_forearm_pronation": (_pattern(elE=0.4, wrF=0.3, shAd=0.2), 0.0),
    # A-III movements mixing synergies.
    "mixing_hand_to_lumbar_spine": (_pattern(shE=0.5, elE=0.3, shAd=0.2), 0.5),
    "mixing_shoulder_flexion_0_90": (_pattern(shF=0.6, elE=0.4), 0.7),
    "mixing_pronation_supination_elbow_90": (_pattern(elF=0.3, wrE=0.3, wrF=0.3), 0.6),
    # A-IV movements with little or no synergy.
    "isolated_shoulder_abduction_0_90": (_pattern(shAb=0.6, elE=0.4), 1.0),
    "isolated_shoulder_flexion_90_180": (_pattern(shF=0.9, elE=0.4), 1.0),
    "isolated_pronation_supination_elbow_0": (_pattern(shF=0.3, elE=0.4, wrE=0.3, wrF=0.3), 1.0),
    # B wrist.
    "wrist_stability_elbow_90": (_pattern(wrE=0.5, elF=0.3), 0.8),
    "wrist_flexion_extension_elbow_90": (_pattern(wrE=0.6, wrF=0.5, elF=0.3), 0.8),
    "wrist_stability_elbow_0": (_pattern(wrE=0.5, elE=0.4, shF=0.3), 1.0),
    "wrist_flexion_extension_elbow_0": (_pattern(wrE=0.6, wrF=0.5, elE=0.4, shF=0.3), 1.0),
    "wrist_circumduction": (_pattern(wrE=0.5, wrF=0.5, shF=0.2), 1.0),
    # C hand.
    "finger_mass_flexion": (_pattern(fiF=0.7), 0.3),
    "finger_mass_extension": (_pattern(fiE=0.7), 0.8),
    "grasp_hook": (_pattern(fiF=0.6, wrE=0.3), 0.6),
    "grasp_thumb_adduction": (_pattern(fiF=0.4, fiE=0.3), 1.0),
    "grasp_pincer": (_pattern(fiF=0.4, fiE=0.3, wrE=0.3), 1.0),
    "grasp_cylinder": (_pattern(fiF=0.6, fiE=0.2, wrE=0.3), 0.8),
    "grasp_spherical": (_pattern(fiF=0.5, fiE=0.4, wrE=0.3), 0.9),
    # D coordination/speed: finger-to-nose.
    "coordination_tremor": (_pattern(shF=0.5, elF=0.5, shAb=0.2), 1.0),
    "coordination_dysmetria": (_pattern(shF=0.5, elF=0.5, shAb=0.2), 1.0),
    "coordination_speed": (_pattern(shF=0.5, elF=0.5, shAb=0.2), 1.0),
}

_ARAT_PATTERNS: dict[str, tuple[np.ndarray, float]] = {
    "grasp_block_10cm": (_pattern(fiE=0.8, fiF=0.6, wrE=0.4, shF=0.5, elE=0.3), 0.9),
    "grasp_block_2_5cm": (_pattern(fiF=0.4, fiE=0.3, wrE=0.3, shF=0.4, elE=0.3), 0.6),
    "grasp_block_5cm": (_pattern(fiF=0.5, fiE=0.5, wrE=0.3, shF=0.4, elE=0.3), 0.8),
    "grasp_block_7_5cm": (_pattern(fiF=0.5, fiE=0.6, wrE=0.4, shF=0.4, elE=0.3), 0.8),
    "grasp_ball_7_5cm": (_pattern(fiF=0.5, fiE=0.6, wrE=0.3, shF=0.4, elE=0.3), 0.9),
    "grasp_stone": (_pattern(fiF=0.5, fiE=0.5, wrE=0.4, shF=0.4, elE=0.3), 0.9),
    "grip_pour_water": (_pattern(fiF=0.6, wrE=0.3, wrF=0.3, shF=0.4, shAb=0.3), 1.0),
    "grip_tube_2_25cm": (_pattern(fiF=0.5, fiE=0.3, wrE=0.3, shF=0.3), 0.6),
    "grip_tube_1cm": (_pattern(fiF=0.4, fiE=0.4, wrE=0.3, shF=0.3), 0.8),
    "grip_washer_over_bolt": (_pattern(fiF=0.4, fiE=0.4, wrE=0.4, shF=0.4, elE=0.3), 1.0),
    "pinch_bearing_ring_finger": (_pattern(fiF=0.4, fiE=0.5, wrE=0.4, shF=0.3), 1.0),
    "pinch_marble_index_finger": (_pattern(fiF=0.4, fiE=0.3, wrE=0.3, shF=0.3), 0.7),
    "pinch_bearing_middle_finger": (_pattern(fiF=0.4, fiE=0.4, wrE=0.4, shF=0.3), 0.9),
    "pinch_bearing_index_finger": (_pattern(fiF=0.4, fiE=0.4, wrE=0.3, shF=0.3), 0.9),
    "pinch_marble_ring_finger": (_pattern(fiF=0.4, fiE=0.5, wrE=0.3, shF=0.3), 0.9),
    "pinch_marble_middle_finger": (_pattern(fiF=0.4, fiE=0.4, wrE=0.3, shF=0.3), 0.8),
    "gross_hand_behind_head": (_pattern(shAb=0.7, shE=0.4, elF=0.6), 0.5),
    "gross_hand_on_top_of_head": (_pattern(shAb=0.6, shF=0.5, elF=0.5), 0.4),
    "gross_hand_to_mouth": (_pattern(shF=0.4, elF=0.6), 0.2),
}

_FAMILY = {name: i for i, name in enumerate(TASK_FAMILIES)}

#: Daily-life tasks, four per family; they are also the practice tasks of therapy.
_DAILY: dict[str, tuple[np.ndarray, float, int]] = {
    "reach_forward": (_pattern(shF=0.6, elE=0.5), 0.8, _FAMILY["proximal_reach"]),
    "reach_sideways": (_pattern(shAb=0.6, elE=0.4), 0.8, _FAMILY["proximal_reach"]),
    "reach_high_shelf": (_pattern(shF=0.9, elE=0.5), 0.9, _FAMILY["proximal_reach"]),
    "wipe_table": (_pattern(shF=0.4, shAd=0.4, elE=0.4), 0.7, _FAMILY["proximal_reach"]),
    "grasp_cup": (_pattern(fiF=0.6, fiE=0.4, wrE=0.3, shF=0.3), 0.8, _FAMILY["distal_grasp"]),
    "open_jar": (_pattern(fiF=0.7, wrF=0.3, wrE=0.3), 0.7, _FAMILY["distal_grasp"]),
    "turn_key": (_pattern(fiF=0.5, wrE=0.4, wrF=0.4), 0.9, _FAMILY["distal_grasp"]),
    "carry_bag": (_pattern(fiF=0.7, elF=0.4), 0.5, _FAMILY["distal_grasp"]),
    "pick_up_coin": (_pattern(fiF=0.4, fiE=0.4, wrE=0.3), 1.0, _FAMILY["fine_pinch"]),
    "button_shirt": (_pattern(fiF=0.4, fiE=0.4, wrE=0.3, elF=0.3), 1.0, _FAMILY["fine_pinch"]),
    "write_name": (_pattern(fiF=0.3, fiE=0.3, wrE=0.4), 1.0, _FAMILY["fine_pinch"]),
    "type_text": (_pattern(fiE=0.5, fiF=0.3, wrE=0.3), 1.0, _FAMILY["fine_pinch"]),
    "fold_towel": (_pattern(shF=0.4, elE=0.3, fiF=0.5, fiE=0.3), 0.7, _FAMILY["bimanual"]),
    "open_bottle": (_pattern(fiF=0.6, wrF=0.4, elF=0.3), 0.7, _FAMILY["bimanual"]),
    "cut_food": (_pattern(fiF=0.5, wrE=0.3, elF=0.4, shAd=0.2), 0.8, _FAMILY["bimanual"]),
    "tie_shoelaces": (_pattern(fiF=0.4, fiE=0.4, wrE=0.3, elF=0.3), 1.0, _FAMILY["bimanual"]),
}

#: Impairment-oriented exercises (therapy only, never part of daily life): selective,
#: out-of-synergy movements of one joint or joint pair with the others held still, as
#: in impairment-focused arm therapy (selective motor control, strengthening against
#: gravity; Ward et al. 2019 J Neurol Neurosurg Psychiatry 90:498; Winstein et al. 2016
#: Stroke 47:e98). Patterns are kinesiological approximations, not copies of scale
#: items; their selectivity demand is high because the point of the exercise is to
#: move outside the synergy.
_SELECTIVE_FAMILY = _FAMILY["selective_movement"]
_SELECTIVE: dict[str, tuple[np.ndarray, float, int]] = {
    "shoulder_flexion_elbow_straight": (_pattern(shF=0.7, elE=0.5), 1.0, _SELECTIVE_FAMILY),
    "shoulder_abduction_elbow_straight": (_pattern(shAb=0.5, elE=0.5), 1.0, _SELECTIVE_FAMILY),
    "elbow_extension_against_gravity": (_pattern(elE=0.6, shF=0.2), 1.0, _SELECTIVE_FAMILY),
    "wrist_extension_isolated": (_pattern(wrE=0.6), 1.0, _SELECTIVE_FAMILY),
    "wrist_alternating_flexion_extension": (_pattern(wrE=0.4, wrF=0.4), 1.0, _SELECTIVE_FAMILY),
    "finger_extension_isolated": (_pattern(fiE=0.6), 1.0, _SELECTIVE_FAMILY),
    "hand_opening_while_reaching": (_pattern(shF=0.4, elE=0.4, fiE=0.5), 1.0, _SELECTIVE_FAMILY),
    "finger_individuation": (_pattern(fiF=0.3, fiE=0.4, wrE=0.2), 1.0, _SELECTIVE_FAMILY),
}

#: Names of the daily-life tasks, in practice order.
DAILY_LIFE_TASKS: tuple[str, ...] = tuple(_DAILY)

#: Tasks on which the non-paretic arm's dexterity is measured (fine and distal work).
NONPARETIC_DEXTERITY_TASKS: tuple[str, ...] = (
    "pick_up_coin",
    "button_shirt",
    "write_name",
    "type_text",
    "turn_key",
    "grasp_cup",
)

#: Tasks of the timed paretic-hand dexterity score: the same fine and distal work plus
#: individuated finger movement (Lang & Schieber 2004 J Neurophysiol 91:1722).
PARETIC_DEXTERITY_TASKS: tuple[str, ...] = (*NONPARETIC_DEXTERITY_TASKS, "finger_individuation")


def fma_tasks() -> TaskSet:
    """Tasks of the volitional FMA-UE items (reflex items excluded), in FMA order."""
    names = [n for n in FMA_ITEMS if n not in FMA_REFLEX_ITEMS]
    return _task_set({n: (*_FMA_PATTERNS[n], -1) for n in names})


def arat_tasks() -> TaskSet:
    """Tasks of the 19 ARAT items, in administration order."""
    return _task_set({n: (*_ARAT_PATTERNS[n], -1) for n in ARAT_ITEMS})


def mrc_tasks() -> TaskSet:
    """Maximal isolated contraction of each muscle group (MRC testing)."""
    eye = np.eye(len(MUSCLES), dtype=np.float32)
    return _task_set({f"mrc_{m}": (eye[i], 0.0, -1) for i, m in enumerate(MUSCLES)})


def daily_life_tasks() -> TaskSet:
    """The 16 daily-life tasks (four per functional family of :data:`TASK_FAMILIES`)."""
    return _task_set(_DAILY)


def practice_tasks() -> TaskSet:
    """Every task a patient can practise: the daily-life tasks, then the selective exercises.

    Daily life practises only the first ``len(DAILY_LIFE_TASKS)``; therapy practises
    the tasks of the families its protocol prescribes.
    """
    return _task_set({**_DAILY, **_SELECTIVE})
