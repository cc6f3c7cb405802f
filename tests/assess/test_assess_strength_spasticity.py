"""MRC grade boundaries, SAFE, grip strength and the Modified Ashworth mapping."""

from __future__ import annotations

import numpy as np
import pytest

from strokesim.assess.spasticity import MAS_CODES, modified_ashworth
from strokesim.assess.strength import MRC_BOUNDARIES, grip_strength_kg, mrc_grades, safe_score
from strokesim.model.anatomy import MUSCLES
from strokesim.model.parameters import model_parameters

PARAMS = model_parameters()
M = len(MUSCLES)
BOUNDS = np.asarray(MRC_BOUNDARIES)


def _grades(ratio, healthy=None) -> np.ndarray:
    healthy = np.ones(M, np.float32) if healthy is None else healthy
    return np.asarray(mrc_grades(np.asarray(ratio, np.float32) * healthy, healthy))


def test_mrc_boundaries_are_increasing_fractions() -> None:
    assert BOUNDS.shape == (5,)
    assert np.all(np.diff(BOUNDS) > 0) and BOUNDS[0] > 0 and BOUNDS[-1] <= 1


@pytest.mark.parametrize("grade", [1, 2, 3, 4, 5])
def test_mrc_grade_starts_exactly_at_its_boundary(grade) -> None:
    at = np.full(M, BOUNDS[grade - 1], np.float32)
    below = np.nextafter(at, np.float32(0))
    assert (_grades(at) == grade).all()
    assert (_grades(below) == grade - 1).all()


def test_mrc_grades_relative_to_the_healthy_maximum() -> None:
    healthy = np.linspace(0.5, 1.0, M).astype(np.float32)
    ratio = np.array([0.0, 0.03, 0.07, 0.2, 0.5, 0.95, 1.0, 1.3, 0.01, 0.6], np.float32)
    assert _grades(ratio, healthy).tolist() == [0, 1, 2, 3, 4, 5, 5, 5, 0, 4]
    assert _grades(ratio).dtype == np.int8


def test_safe_is_shoulder_abduction_plus_finger_extension() -> None:
    mrc = np.arange(M, dtype=np.int8) % 6
    expected = mrc[MUSCLES.index("shoulder_abduction")] + mrc[MUSCLES.index("finger_extension")]
    assert int(safe_score(mrc)) == expected
    assert int(safe_score(np.full(M, 5, np.int8))) == 10
    assert int(safe_score(np.zeros(M, np.int8))) == 0


def test_grip_strength_scales_with_finger_flexor_activation() -> None:
    healthy = np.full(M, 0.8, np.float32)
    grip = lambda share: float(  # noqa: E731
        grip_strength_kg(healthy * np.float32(share), healthy, PARAMS)
    )
    assert grip(1.0) == pytest.approx(PARAMS["grip_healthy_kg"])
    assert grip(0.5) == pytest.approx(0.5 * PARAMS["grip_healthy_kg"])
    assert grip(0.0) == 0.0
    assert grip(2.0) == pytest.approx(1.2 * PARAMS["grip_healthy_kg"])  # capped


@pytest.mark.parametrize(
    ("steps", "code"),
    [
        (-1.0, 0.0),
        (0.0, 0.0),
        (0.5, 0.0),
        (1.5, 1.0),
        (2.5, 1.5),
        (3.5, 2.0),
        (4.5, 3.0),
        (5.5, 4.0),
        (20.0, 4.0),
    ],
)
def test_modified_ashworth_grade_steps(steps, code) -> None:
    step = PARAMS["mas_grade_step"]
    felt = np.zeros(M, np.float32)
    felt[MUSCLES.index("elbow_flexion")] = steps * step
    felt[MUSCLES.index("wrist_flexion")] = (steps + 1.0) * step
    elbow, wrist = np.asarray(modified_ashworth(felt, PARAMS)).tolist()
    assert elbow == code
    assert wrist == min(float(MAS_CODES[min(max(int(np.floor(steps + 1.0)), 0), 5)]), 4.0)


def test_modified_ashworth_reads_only_elbow_and_wrist_flexors() -> None:
    felt = np.full(M, 10.0, np.float32)
    felt[MUSCLES.index("elbow_flexion")] = 0.0
    felt[MUSCLES.index("wrist_flexion")] = 0.0
    assert np.asarray(modified_ashworth(felt, PARAMS)).tolist() == [0.0, 0.0]
    assert np.asarray(MAS_CODES).tolist() == [0.0, 1.0, 1.5, 2.0, 3.0, 4.0]
