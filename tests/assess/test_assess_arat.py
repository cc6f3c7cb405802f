"""ARAT item scores and the hierarchical shortcut (Lyle 1981; Yozbatiran 2008)."""

from __future__ import annotations

import numpy as np
import pytest

from strokesim.assess.arat import arat_items
from strokesim.model.anatomy import ARAT_ITEMS, ARAT_SUBSCALES
from strokesim.model.parameters import model_parameters

PARAMS = model_parameters()
# perceived success that a rater scores 0, 1, 2, 3 with the registry thresholds (0.3, 0.55, 0.8)
LEVEL = {0: 0.1, 1: 0.4, 2: 0.65, 3: 0.95}


def _scores(perceived) -> np.ndarray:
    return np.asarray(arat_items(np.asarray(perceived, np.float32), PARAMS))


def _perceived(**subscale_scores: list[int]) -> np.ndarray:
    """Perceived success per item; unspecified subscales perceive nothing (all 0)."""
    out = np.zeros(len(ARAT_ITEMS), np.float32)
    for name, scores in subscale_scores.items():
        out[ARAT_SUBSCALES[name]] = [LEVEL[s] for s in scores]
    return out


def test_thresholds_are_the_registry_values() -> None:
    assert (PARAMS["item_partial_threshold"], PARAMS["item_full_threshold"]) == (0.3, 0.8)


def test_full_and_empty_performance() -> None:
    full = _scores(np.ones(len(ARAT_ITEMS)))
    assert full.dtype == np.int8 and full.sum() == 57 and (full == 3).all()
    assert (_scores(np.zeros(len(ARAT_ITEMS))) == 0).all()


@pytest.mark.parametrize("name", list(ARAT_SUBSCALES))
def test_hardest_item_at_3_gives_the_whole_subscale(name) -> None:
    part = ARAT_SUBSCALES[name]
    n = part.stop - part.start
    scores = _scores(_perceived(**{name: [3] + [0] * (n - 1)}))
    assert (scores[part] == 3).all()
    others = np.delete(scores, np.arange(part.start, part.stop))
    assert (others == 0).all()


@pytest.mark.parametrize("name", list(ARAT_SUBSCALES))
def test_easiest_item_at_0_zeroes_the_rest(name) -> None:
    part = ARAT_SUBSCALES[name]
    n = part.stop - part.start
    scores = _scores(_perceived(**{name: [2, 0] + [3] * (n - 2)}))[part]
    assert scores[0] == 2  # the hardest item keeps the score it was given
    assert (scores[1:] == 0).all()


def test_otherwise_every_item_is_scored_as_performed() -> None:
    grasp = [2, 1, 3, 0, 2, 1]
    grip = [1, 3, 2, 0]
    scores = _scores(
        _perceived(grasp=grasp, grip=grip, pinch=[0, 0, 3, 3, 3, 3], gross_movement=[3, 0, 0])
    )
    assert scores[ARAT_SUBSCALES["grasp"]].tolist() == grasp
    assert scores[ARAT_SUBSCALES["grip"]].tolist() == grip
    assert (scores[ARAT_SUBSCALES["pinch"]] == 0).all()  # easiest failed
    assert (scores[ARAT_SUBSCALES["gross_movement"]] == 3).all()  # hardest perfect
    assert scores.sum() == sum(grasp) + sum(grip) + 9


def test_subscales_cover_all_items_in_order() -> None:
    covered = [i for part in ARAT_SUBSCALES.values() for i in range(part.start, part.stop)]
    assert covered == list(range(len(ARAT_ITEMS)))
