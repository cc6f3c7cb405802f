"""The practice task set: daily life practises functional tasks; selective exercises
exist only in therapy, and practising them improves them (training specificity)."""

from __future__ import annotations

import numpy as np

from strokesim.model.anatomy import TASK_FAMILIES
from strokesim.model.tasks import DAILY_LIFE_TASKS, daily_life_tasks, practice_tasks
from strokesim.patient import LesionSpec, PatientSpec
from strokesim.simulate import Record, simulate
from strokesim.therapy import parse_protocol

SELECTIVE = TASK_FAMILIES.index("selective_movement")


def test_practice_tasks_are_daily_life_then_selective_exercises() -> None:
    practice, daily = practice_tasks(), daily_life_tasks()
    n = len(DAILY_LIFE_TASKS)
    assert practice.names[:n] == daily.names
    np.testing.assert_array_equal(practice.target[:n], daily.target)
    assert (practice.family[n:] == SELECTIVE).all()
    assert (daily.family != SELECTIVE).all()
    # every family a protocol can prescribe has at least one practice task
    assert set(practice.family.tolist()) == set(range(len(TASK_FAMILIES)))


def _training(family: str) -> object:
    return parse_protocol(
        {
            "name": f"train_{family}",
            "components": [
                {
                    "kind": "task_training",
                    "start_day": 10,
                    "duration_days": 28,
                    "sessions_per_week": 5,
                    "trials_per_session": 300,
                    "minutes_per_session": 60,
                    "task_mix": {family: 1.0},
                }
            ],
        }
    )


def test_selective_training_improves_selective_movements_more_than_functional_training() -> None:
    patients = [
        PatientSpec(
            id=f"p{i}",
            age=60 + 2 * i,
            affected_side="left",
            lesion=LesionSpec(affected=0.5, cst_load=0.3 + 0.03 * i),
        )
        for i in range(8)
    ]
    record = Record((10, 38))

    def gain(family: str) -> float:
        ds = simulate(patients, _training(family), days=38, record=record, seed=5)
        perf = ds["task_family_performance"].sel(task_family="selective_movement")
        return float((perf.sel(day=38) - perf.sel(day=10)).mean())

    assert gain("selective_movement") > gain("distal_grasp")
