"""Larger lesions are not better: mean FMA-UE at day 90 falls with lesion size.

The same 32 virtual patients (same ids, hence the same unit-level fates and
traits) are simulated with two lesion sizes in one batch of 64; their other
descriptors come from the default population. Lesions are nested (the units cut
at a small load are also cut at a larger one), so any reversal would come from
the dynamics, not from sampling.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strokesim import simulate
from strokesim.cohort.population import sample_population
from strokesim.simulate import Record, VirtualPatients

DAYS = 90
RECORD = Record((3, DAYS))
N = 32  # patients per lesion size; one batch of 2N = 64


@pytest.fixture(scope="module")
def patients() -> VirtualPatients:
    ids = [f"mono{i:02d}" for i in range(N)]
    return VirtualPatients.from_population(sample_population(ids, seed=21))


def _paired(vp: VirtualPatients, field: str, small: float, large: float) -> VirtualPatients:
    """The N patients twice (same ids), first with ``field = small``, then ``= large``."""
    twice = lambda seq: tuple(seq) * 2  # noqa: E731
    values = {
        name: np.concatenate([np.asarray(x)] * 2) for name, x in vp.descriptors._asdict().items()
    }
    values[field] = np.repeat(np.asarray([small, large], np.float32), len(vp))
    return VirtualPatients(
        ids=twice(vp.ids),
        descriptors=type(vp.descriptors)(**values),
        affected_side=twice(vp.affected_side),
        lesion_volume_ml=np.concatenate([vp.lesion_volume_ml] * 2),
        nihss=np.concatenate([vp.nihss] * 2),
        source=twice(vp.source),
    )


def _mean_fma_day90(vp: VirtualPatients, seed: int) -> tuple[float, float]:
    ds = simulate(vp, days=DAYS, record=RECORD, seed=seed)
    fma = ds.fma_ue.sel(day=DAYS).values.astype(float)
    return fma[:N].mean(), fma[N:].mean()


loads = st.tuples(st.floats(0.0, 0.75), st.floats(0.25, 1.0)).filter(
    lambda pair: pair[1] - pair[0] >= 0.25
)


@settings(max_examples=3, deadline=None)
@given(pair=loads, seed=st.integers(0, 1000))
def test_larger_cst_lesion_load_lowers_mean_fma_at_day_90(patients, pair, seed) -> None:
    small, large = pair
    mean_small, mean_large = _mean_fma_day90(_paired(patients, "cst_load", small, large), seed)
    assert mean_large < mean_small, (small, large, mean_small, mean_large)


@settings(max_examples=3, deadline=None)
@given(pair=loads, seed=st.integers(0, 1000))
def test_larger_affected_share_is_not_better_on_average(patients, pair, seed) -> None:
    small, large = pair
    mean_small, mean_large = _mean_fma_day90(_paired(patients, "affected", small, large), seed)
    assert mean_large <= mean_small, (small, large, mean_small, mean_large)
