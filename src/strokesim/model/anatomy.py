"""Names of the body parts, task families and clinical-scale items the model uses.

This module holds labels only (no numbers that enter equations), so that every
layer — model, assessments, therapy schedules, reports — agrees on the order of
muscles, task families and scale items.

Sources
-------
- FMA-UE items: Fugl-Meyer et al. 1975 Scand J Rehabil Med 7:13–31; item order as
  in the standardised protocol of Gladstone et al. 2002 Neurorehabil Neural Repair.
- ARAT items and subscale order (hardest item first, easiest second): Lyle 1981
  Int J Rehabil Res; Yozbatiran et al. 2008 Neurorehabil Neural Repair.
"""

from __future__ import annotations

__all__ = [
    "ARAT_ITEMS",
    "ARAT_SUBSCALES",
    "FMA_ITEMS",
    "FMA_SECTIONS",
    "HEMISPHERES",
    "MUSCLES",
    "TASK_FAMILIES",
]

#: Muscle groups of one upper limb (M = 10), proximal to distal.
MUSCLES: tuple[str, ...] = (
    "shoulder_flexion",
    "shoulder_extension",
    "shoulder_abduction",
    "shoulder_adduction",
    "elbow_flexion",
    "elbow_extension",
    "wrist_extension",
    "wrist_flexion",
    "finger_extension",
    "finger_flexion",
)

#: Hemispheres, named relative to the lesion.
HEMISPHERES: tuple[str, ...] = ("ipsilesional", "contralesional")

#: Families of practice tasks that a training protocol can prescribe: four families of
#: functional (daily-life) tasks and one of impairment-oriented selective movements.
TASK_FAMILIES: tuple[str, ...] = (
    "proximal_reach",
    "distal_grasp",
    "fine_pinch",
    "bimanual",
    "selective_movement",
)

#: FMA-UE motor items in protocol order; each is scored 0, 1 or 2 (33 items, 0–66).
FMA_ITEMS: tuple[str, ...] = (
    # A. Upper extremity (36 points)
    "reflex_flexors",
    "reflex_extensors",
    "flexor_syn_shoulder_retraction",
    "flexor_syn_shoulder_elevation",
    "flexor_syn_shoulder_abduction",
    "flexor_syn_shoulder_outward_rotation",
    "flexor_syn_elbow_flexion",
    "flexor_syn_forearm_supination",
    "extensor_syn_shoulder_adduction_internal_rotation",
    "extensor_syn_elbow_extension",
    "extensor_syn_forearm_pronation",
    "mixing_hand_to_lumbar_spine",
    "mixing_shoulder_flexion_0_90",
    "mixing_pronation_supination_elbow_90",
    "isolated_shoulder_abduction_0_90",
    "isolated_shoulder_flexion_90_180",
    "isolated_pronation_supination_elbow_0",
    "normal_reflex_activity",
    # B. Wrist (10 points)
    "wrist_stability_elbow_90",
    "wrist_flexion_extension_elbow_90",
    "wrist_stability_elbow_0",
    "wrist_flexion_extension_elbow_0",
    "wrist_circumduction",
    # C. Hand (14 points)
    "finger_mass_flexion",
    "finger_mass_extension",
    "grasp_hook",
    "grasp_thumb_adduction",
    "grasp_pincer",
    "grasp_cylinder",
    "grasp_spherical",
    # D. Coordination / speed (6 points)
    "coordination_tremor",
    "coordination_dysmetria",
    "coordination_speed",
)

#: FMA-UE sections: name -> slice into FMA_ITEMS.
FMA_SECTIONS: dict[str, slice] = {
    "A_upper_extremity": slice(0, 18),
    "B_wrist": slice(18, 23),
    "C_hand": slice(23, 30),
    "D_coordination_speed": slice(30, 33),
}

#: ARAT items in administration order; each scored 0–3 (19 items, 0–57).
ARAT_ITEMS: tuple[str, ...] = (
    # Grasp (first item hardest, second easiest)
    "grasp_block_10cm",
    "grasp_block_2_5cm",
    "grasp_block_5cm",
    "grasp_block_7_5cm",
    "grasp_ball_7_5cm",
    "grasp_stone",
    # Grip
    "grip_pour_water",
    "grip_tube_2_25cm",
    "grip_tube_1cm",
    "grip_washer_over_bolt",
    # Pinch
    "pinch_bearing_ring_finger",
    "pinch_marble_index_finger",
    "pinch_bearing_middle_finger",
    "pinch_bearing_index_finger",
    "pinch_marble_ring_finger",
    "pinch_marble_middle_finger",
    # Gross movement
    "gross_hand_behind_head",
    "gross_hand_on_top_of_head",
    "gross_hand_to_mouth",
)

#: ARAT subscales: name -> slice into ARAT_ITEMS.
ARAT_SUBSCALES: dict[str, slice] = {
    "grasp": slice(0, 6),
    "grip": slice(6, 10),
    "pinch": slice(10, 16),
    "gross_movement": slice(16, 19),
}
