"""Laterality index of paretic-hand M1 activity: bounded, healthy in an undamaged person."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from strokesim import simulate
from strokesim.assess.laterality import (
    PARETIC_HAND_FAMILIES,
    healthy_laterality_index,
    laterality_index,
    paretic_hand_tasks,
    task_m1_activity,
)
from strokesim.model.anatomy import TASK_FAMILIES
from strokesim.model.parameters import model_parameters
from strokesim.model.tasks import practice_tasks
from strokesim.model.template import N_M1_UNITS, N_UNITS
from strokesim.patient import LesionSpec, PatientSpec
from strokesim.simulate import Record
from strokesim.therapy import no_therapy

PARAMS = model_parameters()
#: An undamaged person's confidence in the arm settles at their daily success (~0.985),
#: adding a little effort-driven ipsilateral recruitment: without therapy the index
#: drifts from 0.967 (day 1) to 0.963 (day 180), a few thousandths below the
#: full-confidence healthy value.
HEALTHY_TOLERANCE = 0.006

activity_values = st.floats(0.0, 1e3, allow_nan=False, allow_infinity=False, width=32)


#: Arrays of (contralateral, ipsilateral) activity pairs, shape (..., 2).
pair_arrays = hnp.arrays(
    np.float32,
    hnp.array_shapes(min_dims=0, max_dims=2, max_side=5).map(lambda shape: (*shape, 2)),
    elements=activity_values,
)


@settings(max_examples=60, deadline=None)
@given(pair_arrays)
def test_laterality_index_stays_in_minus_one_to_one(pairs: np.ndarray) -> None:
    index = np.asarray(laterality_index(jnp.asarray(pairs)))
    assert index.shape == pairs.shape[:-1]
    assert np.all(np.isfinite(index)) and np.all((index >= -1.0) & (index <= 1.0))
    # swapping the hemispheres mirrors the index
    np.testing.assert_allclose(np.asarray(laterality_index(jnp.asarray(pairs[..., ::-1]))), -index)


def test_laterality_index_ends_and_middle() -> None:
    index = laterality_index(jnp.array([[2.0, 0.0], [0.0, 2.0], [1.0, 1.0], [0.0, 0.0]]))
    np.testing.assert_allclose(np.asarray(index), [1.0, -1.0, 0.0, 0.0])


def test_task_activity_averages_m1_units_of_the_hand_tasks_only() -> None:
    tasks = practice_tasks()
    hand = paretic_hand_tasks(tasks.family)
    wanted = [TASK_FAMILIES.index(name) for name in PARETIC_HAND_FAMILIES]
    assert hand.any() and not hand.all()
    assert np.all(np.isin(tasks.family[hand], wanted))
    activity = np.zeros((len(tasks.names), 2, N_UNITS), np.float32)
    activity[hand, 0, :N_M1_UNITS] = 3.0
    activity[hand, 1, :N_M1_UNITS] = 1.0
    activity[~hand] = 100.0  # other tasks and premotor units do not count
    activity[:, :, N_M1_UNITS:] = 100.0
    np.testing.assert_allclose(
        np.asarray(task_m1_activity(jnp.asarray(activity), hand)), [3.0, 1.0]
    )


def test_undamaged_person_has_the_healthy_index_and_a_stroke_lowers_it() -> None:
    healthy = healthy_laterality_index(PARAMS)
    assert 0.5 < healthy < 1.0  # healthy unimanual grip: strongly contralateral
    lesions = [LesionSpec(affected=0.0, cst_load=0.0)] * 3 + [
        LesionSpec(affected=0.6, cst_load=0.7)
    ]
    patients = [
        PatientSpec(id=f"li{i}", age=60 + 5 * i, affected_side="left", lesion=lesion)
        for i, lesion in enumerate(lesions)
    ]
    ds = simulate(patients, days=30, record=Record((3, 30)), seed=1, protocol=no_therapy())
    index = ds["laterality_index"].transpose("patient", "day").to_numpy()
    np.testing.assert_allclose(index[:3], healthy, atol=HEALTHY_TOLERANCE)
    assert np.all(index[3] < healthy - 0.1)
