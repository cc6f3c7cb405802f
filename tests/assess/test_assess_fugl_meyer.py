"""FMA-UE item scoring: volitional items, reflex items and 'normal reflex activity'."""

from __future__ import annotations

import numpy as np
import pytest

from strokesim.assess.fugl_meyer import VOLITIONAL_INDEX, fugl_meyer_items
from strokesim.model.anatomy import FMA_ITEMS, FMA_SECTIONS, MUSCLES
from strokesim.model.parameters import model_parameters
from strokesim.model.tasks import FMA_REFLEX_ITEMS, fma_tasks

PARAMS = model_parameters()
STEP = PARAMS["mas_grade_step"]
VOLITIONAL = fma_tasks().names
M = len(MUSCLES)


def _items(perceived=None, excess=None, felt=None, noise_ratio=1.0, **overrides) -> dict:
    """Item scores by name; ``overrides`` set the perceived success of single items."""
    p = np.ones(len(VOLITIONAL), np.float32) if perceived is None else np.asarray(perceived)
    for name, value in overrides.items():
        p[VOLITIONAL.index(name)] = value
    excess = np.zeros(M, np.float32) if excess is None else np.asarray(excess, np.float32)
    felt = excess if felt is None else np.asarray(felt, np.float32)
    scores = np.asarray(fugl_meyer_items(p, excess, felt, np.float32(noise_ratio), PARAMS))
    assert scores.dtype == np.int8 and scores.shape == (len(FMA_ITEMS),)
    return dict(zip(FMA_ITEMS, scores.tolist(), strict=True))


def _excess(**by_muscle: float) -> np.ndarray:
    out = np.zeros(M, np.float32)
    for name, value in by_muscle.items():
        out[MUSCLES.index(name)] = value
    return out


def test_item_lists_are_consistent() -> None:
    assert len(FMA_ITEMS) == 33
    assert sorted(VOLITIONAL_INDEX.tolist() + [FMA_ITEMS.index(n) for n in FMA_REFLEX_ITEMS]) == (
        list(range(33))
    )
    assert sum(s.stop - s.start for s in FMA_SECTIONS.values()) == 33


def test_healthy_arm_scores_66() -> None:
    items = _items()
    assert sum(items.values()) == 66
    assert set(items.values()) == {2}


def test_plegic_arm_with_normal_reflexes_scores_only_the_reflex_items() -> None:
    items = _items(perceived=np.zeros(len(VOLITIONAL), np.float32))
    assert items["reflex_flexors"] == items["reflex_extensors"] == 2
    # 'normal reflex activity' is scored only with full marks in section A-IV
    assert items["normal_reflex_activity"] == 0
    assert sum(items.values()) == 4


def test_volitional_items_follow_the_thresholds() -> None:
    items = _items(mixing_shoulder_flexion_0_90=0.1, grasp_hook=0.5, finger_mass_flexion=0.85)
    assert items["mixing_shoulder_flexion_0_90"] == 0
    assert items["grasp_hook"] == 1
    assert items["finger_mass_flexion"] == 2


def test_areflexia_zeroes_the_reflex_items() -> None:
    flaccid = _excess(elbow_flexion=-0.6, finger_flexion=-0.6, elbow_extension=-0.6)
    items = _items(excess=flaccid)
    assert items["reflex_flexors"] == 0 and items["reflex_extensors"] == 0
    # one elicitable flexor reflex (finger flexors) is enough for the flexor item
    items = _items(excess=_excess(elbow_flexion=-0.6, elbow_extension=-0.4))
    assert items["reflex_flexors"] == 2 and items["reflex_extensors"] == 2


@pytest.mark.parametrize(
    ("felt", "expected"),
    [
        (_excess(elbow_flexion=0.5 * STEP), 2),
        (_excess(elbow_extension=1.5 * STEP), 1),
        (_excess(finger_flexion=3.5 * STEP), 0),
        (_excess(wrist_flexion=5 * STEP), 2),  # not one of the three tested reflexes
    ],
)
def test_normal_reflex_activity_grades_hyperreflexia(felt, expected) -> None:
    assert _items(felt=felt)["normal_reflex_activity"] == expected


@pytest.mark.parametrize(
    "isolated",
    [
        "isolated_shoulder_abduction_0_90",
        "isolated_shoulder_flexion_90_180",
        "isolated_pronation_supination_elbow_0",
    ],
)
def test_normal_reflex_activity_needs_full_marks_in_section_a_iv(isolated) -> None:
    items = _items(**{isolated: 0.5})
    assert items[isolated] == 1
    assert items["normal_reflex_activity"] == 0


def test_tremor_item_follows_motor_noise_and_dysmetria() -> None:
    assert _items(noise_ratio=1.5)["coordination_tremor"] == 2
    assert _items(noise_ratio=3.0)["coordination_tremor"] == 1
    assert _items(coordination_dysmetria=0.1)["coordination_tremor"] == 0
