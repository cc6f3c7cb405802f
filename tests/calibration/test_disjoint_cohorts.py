"""The calibration cohorts share no patient and no random stream with any reported cohort.

Calibration (``calibration/calibrate.py``) scores its candidates on cohorts of its own:
ids ``cal-vp…``/``cal-hc…`` and the root seed ``CALIBRATION_SEED``. Every random draw
of a virtual patient is keyed by (root seed, purpose, id) (``strokesim.random_streams``),
so these tests check the keys and the drawn traits themselves, not only the labels,
against the cohorts the battery (``vp``/``hc`` at every documented seed), the external
checks, the trial examples (``screen``), the mixture baseline (``mix-``) and the
counterfactual-twin cohorts (``twin``) report.
"""

from __future__ import annotations

import inspect
import json
import tomllib
from pathlib import Path

import jax
import numpy as np
import pytest

from strokesim.random_streams import id_hash, patient_keys
from strokesim.validate.experiments_cohort import BATTERY_IDS, ValidationCohort
from strokesim.validate.external import external_command

ROOT = Path(__file__).resolve().parents[2]
#: The second seed at which issue 23 asks the battery to pass (besides 0–4).
EXTRA_REPORTED_SEED = 7


@pytest.fixture(scope="module")
def cal(load_script):
    return load_script("calibrate")


def battery_seeds() -> set[int]:
    """Every seed at which the battery or the external checks are reported."""
    seeds = {
        json.loads(p.read_text())["seed"]
        for p in (ROOT / "docs/validation_seeds").rglob("seed_*.json")
    }
    seeds.add(inspect.signature(external_command).parameters["seed"].default)
    seeds.add(EXTRA_REPORTED_SEED)
    assert {0, 1, 2, 3, 4} <= seeds
    return seeds


def reported_cohorts(n: int) -> list[tuple[str, tuple[str, ...], int]]:
    """(label, ids, seed) of every cohort the battery, the checks and the examples report."""
    cohorts = []
    for seed in sorted(battery_seeds()):
        cohorts.append((f"battery patients, seed {seed}", BATTERY_IDS.patient_ids(n), seed))
        cohorts.append((f"battery controls, seed {seed}", BATTERY_IDS.control_ids(n), seed))
    mixture = json.loads((ROOT / "src/strokesim/predict/mixture_fit.json").read_text())
    assert mixture["settings"]["patient_ids"].startswith("mix-")
    mix_ids = tuple(f"mix-{i:04d}" for i in range(mixture["settings"]["n_patients"]))
    cohorts.append(("mixture fit", mix_ids, mixture["settings"]["seed"]))
    # counterfactual twins of `strokesim compare` and of the trial test pools
    cohorts.append(("protocol effects", tuple(f"twin{i:05d}" for i in range(n)), 0))
    cohorts.append(("trial test pools", tuple(f"twin{i:04d}" for i in range(n)), 0))
    for path in sorted((ROOT / "examples/trials").glob("*.toml")):
        population = tomllib.loads(path.read_text())["population"]
        ids = tuple(f"screen{i:05d}" for i in range(population.get("n", n)))
        cohorts.append((f"trial {path.stem}", ids, population.get("seed", 0)))
    return cohorts


def calibration_ids(cal) -> tuple[str, ...]:
    n = max(cal.DEFAULT_SETTINGS["n"], cal.DEFAULT_SETTINGS["n_b"])
    return cal.CALIBRATION_IDS.patient_ids(n) + cal.CALIBRATION_IDS.control_ids(n)


def test_calibration_ids_and_their_hashes_are_not_those_of_any_reported_cohort(cal) -> None:
    ours = calibration_ids(cal)
    assert len(set(ours)) == len(ours) and all(i.startswith("cal-") for i in ours)
    ours_hashed = {id_hash(i) for i in ours}
    for label, ids, _ in reported_cohorts(cal.DEFAULT_SETTINGS["n"]):
        assert not set(ours) & set(ids), label
        # the stream of a patient is keyed by its id's hash: none is shared either
        assert not ours_hashed & {id_hash(i) for i in ids}, label


def test_the_calibration_seed_is_no_seed_a_reported_cohort_uses(cal) -> None:
    assert cal.DEFAULT_SETTINGS["seed"] == cal.CALIBRATION_SEED
    used = {seed for _, _, seed in reported_cohorts(10)}
    assert cal.CALIBRATION_SEED not in used, sorted(used)


def test_no_reported_cohort_uses_the_calibration_prefixes(cal) -> None:
    prefixes = (cal.CALIBRATION_IDS.patients, cal.CALIBRATION_IDS.controls)
    assert not {BATTERY_IDS.patients, BATTERY_IDS.controls} & set(prefixes)
    here = Path(__file__).name
    for path in (*(ROOT / "src").rglob("*.py"), *(ROOT / "tests").rglob("*.py")):
        if path.name in {here, "test_calibrate.py"}:
            continue
        text = path.read_text(encoding="utf-8")
        assert not any(p in text for p in prefixes), path


def _key_data(seed: int, ids: tuple[str, ...]) -> set[tuple[int, ...]]:
    keys = jax.random.key_data(patient_keys(seed, "patient", ids))
    return {tuple(row) for row in np.asarray(keys).tolist()}


def test_the_patients_random_keys_are_not_those_of_any_reported_cohort(cal) -> None:
    n = cal.DEFAULT_SETTINGS["n"]
    ours = _key_data(cal.CALIBRATION_SEED, calibration_ids(cal))
    assert len(ours) == len(calibration_ids(cal))
    for label, ids, seed in reported_cohorts(n):
        assert not ours & _key_data(seed, ids), label
    # the comparison can fail: the same ids at the same seed give the same keys
    assert _key_data(0, BATTERY_IDS.patient_ids(5)) <= _key_data(0, BATTERY_IDS.patient_ids(9))


def _traits(cohort: ValidationCohort) -> set[tuple[float, ...]]:
    d = cohort.patients.descriptors
    rows = np.column_stack([np.asarray(getattr(d, f)) for f in d._fields])
    return {tuple(np.round(row, 6)) for row in rows.tolist()}


def test_the_calibration_cohort_draws_other_patients_than_the_battery(cal) -> None:
    n = 40
    ours = ValidationCohort(n, cal.CALIBRATION_SEED, ids=cal.CALIBRATION_IDS)
    assert ours.patients.ids[0] == "cal-vp00000"
    mine = _traits(ours)
    assert len(mine) == n
    for seed in sorted(battery_seeds()):
        battery = ValidationCohort(n, seed)
        assert battery.patients.ids[0] == "vp00000"
        assert not mine & _traits(battery), seed
    # the comparison can fail: a cohort with the battery's ids and seed is the battery's
    again = ValidationCohort(n, 0, ids=BATTERY_IDS)
    assert _traits(again) == _traits(ValidationCohort(n, 0))


def test_the_shipped_calibration_was_run_on_the_calibration_cohorts(cal) -> None:
    settings = json.loads(cal.CALIBRATED.read_text())["settings"]
    assert settings["seed"] == cal.CALIBRATION_SEED
    assert settings["patient_ids"].startswith(cal.CALIBRATION_IDS.patients)
    assert settings["control_ids"].startswith(cal.CALIBRATION_IDS.controls)
