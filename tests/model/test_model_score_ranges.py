"""Every score stays in its clinical range, for any valid patient (property tests).

Each example puts a batch of seven generated patients through one simulation
(one compiled batch shape for all examples) and checks the whole dataset contract
with :func:`strokesim.testing.invariants.dataset_violations`: ranges, item sums,
SAFE = MRC shoulder abduction + finger extension, the ARAT hierarchical shortcut,
the FMA-UE reflex rules, Modified Ashworth codes, and NaN only in RMT/IHI exactly
where no MEP is present.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strokesim import simulate
from strokesim.cohort.population import sample_population
from strokesim.simulate import Record, VirtualPatients
from strokesim.testing.invariants import dataset_violations
from strokesim.testing.strategies import patient_batches, training_protocols

DAYS = 90
RECORD = Record((3, 30, DAYS))
BATCH = 7


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    patients=patient_batches(size=BATCH),
    seed=st.integers(0, 2**31 - 1),
    rater_noise=st.booleans(),
)
def test_scores_stay_in_range(patients, seed, rater_noise) -> None:
    ds = simulate(patients, days=DAYS, record=RECORD, seed=seed, rater_noise=rater_noise)
    assert ds.sizes["patient"] == BATCH
    assert dataset_violations(ds) == []


SHORT_DAYS = 10


@settings(max_examples=5, deadline=None)
@given(protocol=training_protocols(last_day=SHORT_DAYS))
def test_scores_stay_in_range_under_any_training_protocol(protocol) -> None:
    ids = [f"proto{i}" for i in range(BATCH)]
    patients = VirtualPatients.from_population(sample_population(ids, seed=6))
    ds = simulate(patients, protocol, days=SHORT_DAYS, record=Record((3, SHORT_DAYS)), seed=2)
    assert dataset_violations(ds) == []
