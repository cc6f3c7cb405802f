"""Snapshots and counterfactual twins (strokesim.branching).

A snapshot on day 3 under protocol ``before``, continued by :func:`run_arms`
under ``after``, must equal one straight simulation under the spliced protocol
(``before`` until day 3, ``after`` from day 3), and must not depend on how the
arms are chunked.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from strokesim import simulate
from strokesim.branching import Snapshot, _splice, run_arms, snapshot
from strokesim.cohort.population import sample_population
from strokesim.errors import UserInputError
from strokesim.simulate import Record, VirtualPatients
from strokesim.testing.invariants import assert_same_result
from strokesim.therapy import compile_protocol, no_therapy, parse_protocol

SNAP_DAY = 3
DAYS = 10
RECORD = Record((SNAP_DAY, DAYS))
N = 8  # with chunks of 7 the second chunk is padded


def _training(start: int, duration: int, trials: int, mix: dict[str, float] | None = None):
    component = {
        "kind": "task_training",
        "start_day": start,
        "duration_days": duration,
        "sessions_per_week": 7,
        "trials_per_session": trials,
    }
    if mix is not None:
        component["task_mix"] = mix
    return component


GRASP = {"distal_grasp": 1.0}
BEFORE = parse_protocol({"name": "before", "components": [_training(0, 100, 20)]})
AFTER = parse_protocol({"name": "after", "components": [_training(0, 100, 150, GRASP)]})
#: BEFORE until the snapshot, AFTER from then on, as one protocol.
SPLICED = parse_protocol(
    {
        "name": "spliced",
        "components": [
            _training(0, SNAP_DAY, 20),
            _training(SNAP_DAY, 100 - SNAP_DAY, 150, GRASP),
        ],
    }
)
BEFORE_ONLY = parse_protocol({"name": "before_only", "components": [_training(0, SNAP_DAY, 20)]})


@pytest.fixture(scope="module")
def patients() -> VirtualPatients:
    ids = [f"twin{i}" for i in range(N)]
    return VirtualPatients.from_population(sample_population(ids, seed=8))


@pytest.fixture(scope="module")
def snap(patients) -> Snapshot:
    return snapshot(patients, BEFORE, day=SNAP_DAY, seed=9)


@pytest.fixture(scope="module")
def arms(snap) -> xr.Dataset:
    return run_arms(
        snap, {"after": AFTER, "none": no_therapy()}, days=DAYS, record=RECORD, chunk_size=7
    )


def test_spliced_protocol_is_what_run_arms_applies() -> None:
    # precondition of the twins test: SPLICED compiles to the inputs run_arms builds
    want = _splice(BEFORE, AFTER, SNAP_DAY, DAYS)
    got = compile_protocol(SPLICED, want.training_trials.shape[0])
    assert want.training_trials.shape[0] > DAYS
    for field, a, b in zip(want._fields, got, want, strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b), err_msg=field)


def test_snapshot_then_arm_equals_straight_simulation(patients, arms) -> None:
    straight = simulate(patients, SPLICED, days=DAYS, record=RECORD, seed=9, chunk_size=7)
    assert_same_result(arms.sel(arm="after", drop=True), straight)
    control = simulate(patients, BEFORE_ONLY, days=DAYS, record=RECORD, seed=9, chunk_size=7)
    assert_same_result(arms.sel(arm="none", drop=True), control)


def test_arms_share_the_past_and_differ_after_it(arms) -> None:
    on_snapshot_day = arms.sel(day=SNAP_DAY)
    for name in ("fma_ue", "arat", "mrc", "grip_kg", "task_family_performance"):
        np.testing.assert_array_equal(
            on_snapshot_day[name].sel(arm="after").values,
            on_snapshot_day[name].sel(arm="none").values,
            err_msg=name,
        )
    grasp = arms.task_family_performance.sel(day=DAYS, task_family="distal_grasp")
    assert not np.array_equal(grasp.sel(arm="after").values, grasp.sel(arm="none").values)
    assert list(arms.arm.values) == ["after", "none"]
    assert arms.attrs["snapshot_day"] == SNAP_DAY


def test_arms_do_not_depend_on_chunk_size(snap, arms) -> None:
    one_by_one = run_arms(
        snap, {"after": AFTER, "none": no_therapy()}, days=DAYS, record=RECORD, chunk_size=1
    )
    for arm in ("after", "none"):
        assert_same_result(one_by_one.sel(arm=arm, drop=True), arms.sel(arm=arm, drop=True))


def test_snapshot_keeps_the_patients_and_the_day(snap, patients) -> None:
    assert snap.day == SNAP_DAY
    assert snap.patients.ids == patients.ids
    assert np.asarray(snap.states.use).shape == (N,)
    assert np.asarray(snap.constants.alive).shape[0] == N


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"days": SNAP_DAY - 1, "record": Record((SNAP_DAY,))}, "days"),
        ({"days": DAYS, "record": Record((SNAP_DAY - 1, DAYS))}, "record.days"),
        ({"days": DAYS, "record": Record((DAYS + 1,))}, "record.days"),
    ],
)
def test_run_arms_rejects_days_outside_the_branch(snap, kwargs, field) -> None:
    with pytest.raises(UserInputError) as info:
        run_arms(snap, {"after": AFTER}, **kwargs)
    assert info.value.field == field
    assert "\n" not in str(info.value)


def test_run_arms_needs_an_arm(snap) -> None:
    with pytest.raises(UserInputError, match="protocols"):
        run_arms(snap, {}, days=DAYS, record=RECORD)


def test_a_subset_of_the_snapshot_continues_as_in_the_whole_batch(snap, arms) -> None:
    chosen = np.zeros(N, dtype=bool)
    chosen[[1, N - 2]] = True
    part = snap.take(chosen)
    assert part.patients.ids == tuple(np.asarray(snap.patients.ids)[chosen])
    alone = run_arms(
        part, {"after": AFTER, "none": no_therapy()}, days=DAYS, record=RECORD, chunk_size=7
    )
    for arm in ("after", "none"):
        want = arms.sel(arm=arm, drop=True).isel(patient=np.flatnonzero(chosen))
        assert_same_result(alone.sel(arm=arm, drop=True), want)
