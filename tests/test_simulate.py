"""simulate(): batch-size and chunking invariance, seeds, and the labelled result.

Compiling dominates short simulations (≈ 20 s per batch shape), so the tests
share a few batch shapes (1, 7, 64 and 512 patients) with the other test modules.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from strokesim import simulate
from strokesim.cohort.population import sample_population
from strokesim.engine import setup_batch
from strokesim.model.lesion import LesionDescriptors
from strokesim.model.parameters import model_parameters
from strokesim.model.template import healthy_template
from strokesim.patient import LesionSpec, PatientSpec
from strokesim.random_streams import patient_keys
from strokesim.simulate import Record, VirtualPatients
from strokesim.testing.invariants import assert_same_result, dataset_violations

DAYS = 10
RECORD = Record((3, DAYS))
N_POPULATION = 1000


@pytest.fixture(scope="module")
def population() -> VirtualPatients:
    ids = [f"pop{i:04d}" for i in range(N_POPULATION)]
    return VirtualPatients.from_population(sample_population(ids, seed=11))


@pytest.fixture(scope="module")
def whole_batch(population: VirtualPatients) -> xr.Dataset:
    """All 1,000 patients, default chunking (512 + 488 padded to 512)."""
    return simulate(population, days=DAYS, record=RECORD, seed=5)


def test_whole_batch_is_labelled_and_valid(whole_batch: xr.Dataset) -> None:
    assert whole_batch.sizes["patient"] == N_POPULATION
    assert list(whole_batch.day.values) == [3, DAYS]
    assert whole_batch.attrs["seed"] == 5
    assert whole_batch.attrs["created_by"] == "strokesim.simulate"
    assert dataset_violations(whole_batch) == []


def test_patient_alone_equals_patient_in_batch_of_1000(population, whole_batch) -> None:
    for i in (0, 517, N_POPULATION - 1):
        alone = simulate(population.take([i]), days=DAYS, record=RECORD, seed=5)
        assert_same_result(alone, whole_batch.isel(patient=[i]))


@pytest.mark.parametrize(("chunk_size", "n"), [(1, 9), (7, 20), (64, 100)])
def test_result_does_not_depend_on_chunk_size(population, whole_batch, chunk_size, n) -> None:
    # patients spread over the population, last one included: chunks end padded
    index = np.linspace(0, N_POPULATION - 1, n).round().astype(int)
    got = simulate(population.take(index), days=DAYS, record=RECORD, seed=5, chunk_size=chunk_size)
    assert_same_result(got, whole_batch.isel(patient=index))


def test_patient_order_does_not_matter(population, whole_batch) -> None:
    index = np.arange(7)[::-1] * 111
    got = simulate(population.take(index), days=DAYS, record=RECORD, seed=5)
    assert_same_result(got, whole_batch.isel(patient=index))


def _specs() -> list[PatientSpec]:
    return [
        PatientSpec(
            id=f"spec{i}",
            age=40 + 8 * i,
            affected_side="left" if i % 2 else "right",
            lesion=LesionSpec(affected=0.15 * i, cst_load=0.16 * i, premotor_damage=0.05 * i),
        )
        for i in range(7)
    ]


def test_specs_alone_equal_specs_in_batch() -> None:
    together = simulate(_specs(), days=DAYS, record=RECORD, seed=3)
    apart = simulate(_specs(), days=DAYS, record=RECORD, seed=3, chunk_size=1)
    assert_same_result(apart, together)


def test_same_seed_gives_the_same_result() -> None:
    first = simulate(_specs(), days=DAYS, record=RECORD, seed=3)
    second = simulate(_specs(), days=DAYS, record=RECORD, seed=3)
    assert_same_result(second, first)
    assert second.attrs["config_hash"] == first.attrs["config_hash"]


def _constants(desc: LesionDescriptors, seed: int, ids: list[str]):
    """Unit-level lesion and traits through the compiled setup (shape shared with simulate)."""
    params = model_parameters()
    keys = patient_keys(seed, "patient", ids)
    _, constants = setup_batch(desc, keys, healthy_template(params), params)
    return {name: np.asarray(value) for name, value in constants._asdict().items()}


def _descriptors(affected, cst_load) -> LesionDescriptors:
    n = len(affected)
    return LesionDescriptors(
        np.asarray(affected, np.float32),
        np.full(n, 0.7, np.float32),
        np.asarray(cst_load, np.float32),
        np.zeros(n, np.float32),
        np.full(n, 60.0, np.float32),
    )


def test_different_seed_gives_different_lesions() -> None:
    ids = [s.id for s in _specs()]
    desc = _descriptors(np.full(7, 0.5), np.full(7, 0.5))
    a, b = _constants(desc, 3, ids), _constants(desc, 4, ids)
    # same descriptors, different unit-level fates for every patient
    for field in ("alive", "stunned", "cst"):
        assert np.any(a[field] != b[field], axis=1).all(), field
    # and the same seed gives the same fates
    again = _constants(desc, 3, ids)
    for field in ("alive", "stunned", "cst"):
        np.testing.assert_array_equal(again[field], a[field])
    first = simulate(_specs(), days=DAYS, record=RECORD, seed=3)
    other = simulate(_specs(), days=DAYS, record=RECORD, seed=4)
    assert other.attrs["config_hash"] != first.attrs["config_hash"]
    assert not np.array_equal(other.grip_kg.values, first.grip_kg.values)


def test_unit_fates_are_nested_in_lesion_size() -> None:
    """The units cut at a small load are also cut at a larger one (same patient key)."""
    sizes = np.linspace(0.0, 0.9, 7)
    c = _constants(_descriptors(sizes, sizes), 0, ["nested"] * 7)
    assert np.all(np.diff(c["cst"], axis=0) <= 0)
    assert np.all(np.diff(c["alive"], axis=0) <= 0)
    assert np.all(np.diff(c["crt"]) <= 0)
    lost = 1.0 - c["cst"][:, :128].mean(1)
    np.testing.assert_allclose(lost, sizes, atol=0.12)


def test_short_runs_still_label_nihss_in_range(population) -> None:
    ds = simulate(population.take(range(7)), days=2, record=Record((1, 2)), seed=5)
    assert dataset_violations(ds) == []


def test_healthy_people_have_no_lesion_and_keep_their_ages() -> None:
    people = VirtualPatients.healthy(("hc0", "hc1"), np.array([55.0, 71.5]))
    assert len(people) == 2 and people.source == ("hc0", "hc1")
    for field in ("affected", "stunned_share", "cst_load", "premotor_damage"):
        assert np.all(getattr(people.descriptors, field) == 0)
    assert people.descriptors.age.dtype == np.float32
    np.testing.assert_array_equal(people.descriptors.age, [55.0, 71.5])
    assert np.all(people.lesion_volume_ml == 0) and np.all(people.nihss == 0)
