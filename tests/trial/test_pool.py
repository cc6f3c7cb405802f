"""The twin pool: branching at the divergence day equals running every arm from day 3."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from strokesim.branching import run_arms, snapshot
from strokesim.cohort.population import sample_population
from strokesim.simulate import Record, VirtualPatients
from strokesim.testing.trial_pools import TINY_TRIAL as TINY
from strokesim.trial.emulation import simulate_pool
from strokesim.trial.spec import load_trial


@pytest.mark.slow
def test_pool_equals_arms_run_from_the_first_record_day(tmp_path: Path) -> None:
    path = tmp_path / "trial.toml"
    path.write_text(TINY)
    loaded = load_trial(path)
    pool = simulate_pool(loaded)
    spec = loaded.spec
    ids = [f"screen{i:05d}" for i in range(spec.population.n)]
    patients = VirtualPatients.from_population(sample_population(ids, spec.population.seed))
    control, cimt = loaded.protocols.values()
    snap = snapshot(patients, control, day=3, seed=spec.population.seed)
    days = (3, 14, 28, 42)
    ds = run_arms(snap, {"cimt": cimt}, days=42, record=Record(days), rater_noise=False)
    visits = [days.index(14 + v) for v in pool.visit_days]
    expected = ds.fma_ue.isel(arm=0).values[:, visits].astype(float)
    assert np.array_equal(pool.true["fma_ue"][1], expected[pool.screening["enrolled"]])


@pytest.mark.slow
def test_screening_by_an_fma_item_reads_the_control_arm_on_the_screening_day(
    tmp_path: Path,
) -> None:
    path = tmp_path / "trial.toml"
    rule = '[screening]\nday = 3\ninclude = [{ measure = "finger_mass_extension", min = 1 }]'
    path.write_text(TINY.replace("[screening]\nday = 3", rule))
    loaded = load_trial(path)
    pool = simulate_pool(loaded)
    spec = loaded.spec
    ids = [f"screen{i:05d}" for i in range(spec.population.n)]
    patients = VirtualPatients.from_population(sample_population(ids, spec.population.seed))
    control = next(iter(loaded.protocols.values()))
    snap = snapshot(patients, control, day=3, seed=spec.population.seed)
    ds = run_arms(snap, {"c": control}, days=14, record=Record((3,)), rater_noise=False)
    item = ds["fma_items"].sel(fma_item="finger_mass_extension").isel(arm=0, day=0).values
    assert pool.screening["finger_mass_extension"].tolist() == item.astype(float).tolist()
    assert pool.screening["enrolled"].tolist() == (item >= 1).tolist()
