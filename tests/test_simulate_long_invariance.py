"""Batch, chunk and order invariance over 180-day runs with every kind of input.

The 10-day usual-care runs of ``test_simulate.py`` exercise neither stimulation, nor
VNS, nor drugs, nor intensive days (which trigger consolidation); this module runs
four patients for 180 days under a protocol that has all of them.

Clinical scores and MEP status (integers, booleans) must be identical. Float
variables carry the round-off of XLA's batch-shape-dependent reductions, which over
180 days grows past :func:`assert_same_result`'s 1e-5 (measured: up to 2e-4
relative in task-family performance and 7e-5 in cortical activity between a batch
of 4 and chunks of 1 or 3; every score identical), so they are compared at 1e-3
relative here. The module takes about 6 minutes on 2 shared cores: marked slow.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from strokesim import simulate
from strokesim.cohort.population import sample_population
from strokesim.simulate import Record, VirtualPatients
from strokesim.therapy import parse_protocol

pytestmark = pytest.mark.slow

DAYS = 180
RECORD = Record((3, 30, 90, DAYS))

PROTOCOL = {
    "name": "everything",
    "components": [
        # usual care in the background
        {"kind": "task_training", "start_day": 3, "duration_days": 90, "sessions_per_week": 5,
         "trials_per_session": 32, "minutes_per_session": 30},
        # intensive days (1000 repetitions: consolidation is triggered)
        {"kind": "task_training", "start_day": 20, "duration_days": 21, "sessions_per_week": 5,
         "trials_per_session": 1000, "minutes_per_session": 360},
        {"kind": "brain_stimulation", "start_day": 20, "duration_days": 14,
         "sessions_per_week": 5, "method": "itbs", "target": "ipsilesional_m1",
         "sham": False, "timing": "before_training"},
        # VNS paired with training
        {"kind": "task_training", "start_day": 100, "duration_days": 42, "sessions_per_week": 3,
         "trials_per_session": 300, "minutes_per_session": 60},
        {"kind": "vns", "start_day": 100, "duration_days": 42, "sessions_per_week": 3,
         "current_ma": 0.8, "paired_trials_per_session": 300, "sham": False},
        # a drug
        {"kind": "drug", "start_day": 5, "duration_days": 90, "sessions_per_week": 7,
         "agent": "ssri", "dose_mg": 20},
    ],
}  # fmt: skip


FLOAT_RTOL, FLOAT_ATOL = 1e-3, 1e-5


def assert_same_course(got: xr.Dataset, want: xr.Dataset) -> None:
    """Scores and labels identical; floats equal up to 180 days of round-off."""
    assert list(got.patient.values) == list(want.patient.values), "patients differ"
    assert set(got.data_vars) == set(want.data_vars), "variables differ"
    for name in want.data_vars:
        a, b = got[name].values, want[name].values
        assert a.dtype == b.dtype, name
        if np.issubdtype(a.dtype, np.floating):
            np.testing.assert_allclose(a, b, rtol=FLOAT_RTOL, atol=FLOAT_ATOL, err_msg=name)
        else:
            np.testing.assert_array_equal(a, b, err_msg=name)


@pytest.fixture(scope="module")
def patients() -> VirtualPatients:
    ids = [f"inv{i}" for i in range(4)]
    return VirtualPatients.from_population(sample_population(ids, seed=21))


@pytest.fixture(scope="module")
def protocol():
    return parse_protocol(PROTOCOL)


@pytest.fixture(scope="module")
def together(patients, protocol) -> xr.Dataset:
    return simulate(patients, protocol, days=DAYS, record=RECORD, seed=4)


def test_the_protocol_moves_the_course(patients, together) -> None:
    # the inputs are live: by day 30 the run differs from usual care
    plain = simulate(patients, days=DAYS, record=RECORD, seed=4)
    day30 = {"day": 30}
    assert not np.allclose(
        plain.task_family_performance.sel(day30).values,
        together.task_family_performance.sel(day30).values,
    )


def test_chunks_of_one_and_of_three_equal_the_whole_batch(patients, protocol, together) -> None:
    for chunk_size in (1, 3):
        got = simulate(patients, protocol, days=DAYS, record=RECORD, seed=4, chunk_size=chunk_size)
        assert_same_course(got, together)


def test_patient_order_does_not_matter(patients, protocol, together) -> None:
    index = [3, 1, 0, 2]
    got = simulate(patients.take(np.asarray(index)), protocol, days=DAYS, record=RECORD, seed=4)
    assert_same_course(got, together.isel(patient=index))


def test_a_patient_alone_equals_the_patient_in_the_batch(patients, protocol, together) -> None:
    got = simulate(patients.take(np.asarray([2])), protocol, days=DAYS, record=RECORD, seed=4)
    assert_same_course(got, together.isel(patient=[2]))
