"""The external checks as trial specs: same checks as the Python definitions they replace."""

from __future__ import annotations

import dataclasses
import fnmatch
import tomllib
from dataclasses import replace
from pathlib import Path

import legacy_external_checks as legacy
import numpy as np
import pytest
import xarray as xr

from strokesim.errors import UserInputError
from strokesim.io.toml_config import read_toml
from strokesim.simulate import Record
from strokesim.stats import bootstrap_ci
from strokesim.trial.spec import load_trial, parse_trial
from strokesim.validate.experiments_cohort import ValidationCohort
from strokesim.validate.experiments_twins import arm_change
from strokesim.validate.external import (
    per_patient_statistic,
    run_external_cohort,
    run_external_trials,
    screened,
)
from strokesim.validate.external_trials import (
    EXTERNAL_COHORTS,
    EXTERNAL_TRIALS,
    TRIALS_DIR,
    load_external_checks,
)

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted(TRIALS_DIR.glob("*.toml"))


def _fields(trial) -> tuple:
    return (
        trial.key,
        trial.finding,
        trial.source,
        trial.start_day,
        trial.contrast,
        trial.outcome_measure,
        trial.outcome_day,
        trial.statistic,
        dataclasses.astuple(trial.published),
        trial.emulation,
        trial.responder_points,
        trial.therapy_weeks,
        trial.calibration_use,
    )


@pytest.mark.parametrize(
    ("new", "old"),
    list(zip(EXTERNAL_TRIALS, legacy.EXTERNAL_TRIALS, strict=True)),
    ids=lambda t: t.key,
)
def test_each_trial_spec_gives_the_check_it_replaces(new, old):
    # since the specs replaced them, a check can only have moved to the calibration set
    moved = {"NICHE": "V6, a calibration objective since stage D (2026-12-07)"}
    if new.key in moved:
        assert new.calibration_use is not None and old.calibration_use is None
        assert _fields(replace(new, calibration_use=None)) == _fields(old)
    else:
        assert _fields(new) == _fields(old)
    arms = old.build_arms()
    assert list(new.arms) == list(arms)  # same arms in the same order
    assert all(new.arms[name] == arms[name] for name in arms)  # equal protocols
    [rule] = new.screening.include
    assert not new.screening.exclude and new.screening.day == old.start_day
    assert (rule.measure, rule.min, rule.max) == (old.inclusion_measure, *old.inclusion)


def test_the_cohort_spec_gives_the_check_it_replaces():
    [new], [old] = EXTERNAL_COHORTS, legacy.EXTERNAL_COHORTS
    keep = ("key", "finding", "source", "group_day", "group_text", "outcome_day", "outcome_text")
    assert [getattr(new, k) for k in keep] == [getattr(old, k) for k in keep]
    assert dataclasses.astuple(new.published) == dataclasses.astuple(old.published)
    assert new.emulation == old.emulation
    # the rules select the same patients as the old callables, on every item and ARAT value
    items = xr.DataArray(
        np.array([0, 1, 2, 0, 1, 2, 0])[:, None],
        dims=("patient", "fma_item"),
        coords={"fma_item": ["finger_mass_extension"]},
    )
    arat = xr.DataArray(np.array([0.0, 9.0, 10.0, 11.0, 57.0, 9.5, 10.0]), dims="patient")
    assessment = xr.Dataset({"fma_items": items, "arat": arat})
    assert screened(assessment, new.group).tolist() == old.group(assessment).tolist()
    reach = arat.to_numpy() >= new.reach.min
    assert reach.tolist() == old.outcome(assessment).tolist()


def test_every_spec_file_is_package_data():
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["strokesim"]
    package = ROOT / "src" / "strokesim"
    shipped = sorted(TRIALS_DIR.rglob("*.toml"))
    assert len(shipped) > len(SPECS) >= 8
    for path in shipped:
        relative = path.relative_to(package).as_posix()
        assert any(fnmatch.fnmatch(relative, p) for p in patterns), relative


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_each_spec_loads_with_the_trial_engine_and_has_a_published_table(path):
    loaded = load_trial(path)
    published = loaded.spec.published
    assert published is not None and published.checks
    for check in published.checks:
        assert check.visit in loaded.spec.visits
        assert (check.comparison == "interval") == (check.direction is None)


def test_a_folder_of_specs_names_each_check_once(tmp_path):
    for path in SPECS[:2]:
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "protocols").symlink_to(TRIALS_DIR / "protocols")
    trials, cohorts = load_external_checks(tmp_path)
    assert [t.key for t in trials] == [t.key for t in EXTERNAL_TRIALS[:2]] and cohorts == ()
    (tmp_path / "99_again.toml").write_text(SPECS[0].read_text(encoding="utf-8"), "utf-8")
    with pytest.raises(ValueError, match="named twice: VNS-REHAB"):
        load_external_checks(tmp_path)


def _published_doc() -> dict:
    return read_toml(TRIALS_DIR / "07_va_robotics.toml")


BAD_PUBLISHED = [
    (("checks", 0, "contrast"), ["robot", "sham"], "published.checks[0].contrast", "unknown arm"),
    (("checks", 0, "visit"), 85, "published.checks[0].visit", "one of the visits"),
    (("checks", 0, "direction"), "positive", "published.checks[0].interval", "interval"),
    (("checks", 1, "key"), "VA ROBOTICS week 12", "published.checks[1].key", "two checks"),
    (("set",), "calibration", "published.calibration_use", "informed"),
    (("checks", 0, "comparison"), "sign", "published.checks[0].direction", "sign"),
]


@pytest.mark.parametrize(("where", "value", "field", "words"), BAD_PUBLISHED)
def test_a_bad_published_table_is_one_error_naming_the_field(where, value, field, words):
    doc = _published_doc()
    target = doc["published"]
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    with pytest.raises(UserInputError) as caught:
        parse_trial(doc, base=TRIALS_DIR)
    assert caught.value.field == field and words in caught.value.problem


def test_screening_names_an_unknown_measure():
    doc = _published_doc()
    doc["screening"]["include"][0]["measure"] = "finger_extension_degrees"
    with pytest.raises(UserInputError, match="finger_extension_degrees") as caught:
        parse_trial(doc, base=TRIALS_DIR)
    assert caught.value.field == "screening.include[0].measure"
    doc["screening"]["include"][0].update(measure="finger_mass_extension", min=1, max=3)
    with pytest.raises(UserInputError, match="0–2") as caught:
        parse_trial(doc, base=TRIALS_DIR)
    assert caught.value.field == "screening.include[0].max"


@pytest.mark.slow
def test_the_specs_estimate_what_the_python_definitions_estimated():
    """At small n: the runner on the specs equals the old per-trial emulation, bitwise."""
    n, seed = 40, 0
    cohort = ValidationCohort(n=n, seed=seed)
    [share] = [run_external_cohort(cohort, c) for c in EXTERNAL_COHORTS]
    [old_cohort] = legacy.EXTERNAL_COHORTS
    group = old_cohort.group(cohort.assess(old_cohort.group_day))
    reached = np.where(old_cohort.outcome(cohort.assess(old_cohort.outcome_day))[group], 100, 0.0)
    assert share.estimate == float(reached.mean())
    assert share.ci == tuple(bootstrap_ci(reached, n_boot=1000, seed=seed))
    fresh = ValidationCohort(n=n, seed=seed)
    results = run_external_trials(fresh, EXTERNAL_TRIALS)
    for result, old in zip(results, legacy.EXTERNAL_TRIALS, strict=True):
        start, end = old.start_day, old.outcome_day
        baseline = legacy.measure_values(cohort.assess(start), old.inclusion_measure)
        included = (baseline >= old.inclusion[0]) & (baseline <= old.inclusion[1])
        arms = old.build_arms()
        run = cohort.run_arms(start, arms, Record((start, end)), patients=included)
        stat = {
            a: per_patient_statistic(old, arm_change(run, a, old.outcome_measure, start, end))
            for a in arms
        }
        difference = stat[old.contrast[0]] - stat[old.contrast[1]]
        assert result.n_included == int(included.sum()), old.key
        assert result.estimate == float(difference.mean()), old.key
        assert result.ci == tuple(bootstrap_ci(difference, n_boot=1000, seed=seed)), old.key
