"""Held-out trials: their definitions, statistics, verdicts and the run on constructed data."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

from strokesim.model.anatomy import FMA_ITEMS
from strokesim.simulate import Record
from strokesim.therapy import compile_protocol
from strokesim.validate.external import (
    compare_with_published,
    external_markdown,
    per_patient_statistic,
    run_external_cohort,
    run_external_trial,
    run_external_trials,
)
from strokesim.validate.external_trials import (
    EXTERNAL_COHORTS,
    EXTERNAL_TRIALS,
    PublishedEffect,
    external_check,
)

DOSE_TRIAL, NICHE = external_check("Lang 2016 dose"), external_check("NICHE")
VECTORS, VNS_REHAB = external_check("VECTORS"), external_check("VNS-REHAB")
EXPLICIT_WEEK_5 = external_check("EXPLICIT week 5")
EXPLICIT_WEEK_12 = external_check("EXPLICIT week 12")
WINTERS_2016 = external_check("Winters 2016")


@pytest.mark.parametrize("trial", EXTERNAL_TRIALS, ids=lambda t: t.key)
def test_every_trial_builds_valid_arms_that_contain_its_contrast(trial):
    arms = trial.arms
    assert set(trial.contrast) <= set(arms)
    for protocol in arms.values():
        compile_protocol(protocol, days=trial.outcome_day + 1)
    assert trial.start_day < trial.outcome_day


def test_published_effect_needs_an_interval_or_a_direction():
    with pytest.raises(ValueError, match="either"):
        PublishedEffect(value=1.0, interval=None, note="")
    with pytest.raises(ValueError, match="either"):
        PublishedEffect(value=1.0, interval=(0.0, 2.0), note="", direction="positive")


def test_statistics_per_patient():
    change = np.array([-1.0, 4.9, 5.0, 16.0])
    assert per_patient_statistic(VNS_REHAB, change).tolist() == change.tolist()
    assert per_patient_statistic(NICHE, change).tolist() == [0.0, 0.0, 100.0, 100.0]
    assert per_patient_statistic(DOSE_TRIAL, change).tolist() == (change / 8).tolist()


@given(estimate=st.floats(-10, 10), half=st.floats(0, 3))
def test_verdict_against_an_interval(estimate, half):
    ci = (estimate - half, estimate + half)
    verdict = compare_with_published(VNS_REHAB.published, estimate, ci)
    low, high = VNS_REHAB.published.interval
    expected = "lower" if estimate < low else "higher" if estimate > high else "consistent"
    assert verdict == expected


def test_verdict_against_a_published_sign_needs_the_ci_on_that_side():
    assert compare_with_published(VECTORS.published, -1.0, (-1.5, -0.2)) == "consistent"
    assert compare_with_published(VECTORS.published, -1.0, (-2.0, 0.1)) == "higher"
    positive = PublishedEffect(None, None, "", direction="positive")
    assert compare_with_published(positive, 1.0, (0.2, 1.5)) == "consistent"
    assert compare_with_published(positive, 1.0, (-0.1, 1.5)) == "lower"


class _ConstructedCohort:
    """Stands in for ValidationCohort: a known baseline and known per-arm changes."""

    seed = 0

    def __init__(self, baseline: np.ndarray, changes: dict[str, np.ndarray]):
        self.baseline = baseline
        self.changes = changes

    def assess(self, day: int) -> xr.Dataset:
        values = xr.DataArray(self.baseline, dims="patient")
        return xr.Dataset({"fma_ue": values, "arat": values})

    def run_arms(self, day, protocols, record, *, patients=None) -> xr.Dataset:
        assert list(protocols) == list(self.changes)
        keep = np.ones(self.baseline.size, bool) if patients is None else patients
        start = np.broadcast_to(self.baseline[keep], (len(self.changes), int(keep.sum())))
        end = start + np.stack([change[keep] for change in self.changes.values()])
        data = np.stack([start, end], axis=-1)
        values = xr.DataArray(
            data,
            dims=("arm", "patient", "day"),
            coords={"arm": list(self.changes), "day": list(record.days)},
        )
        return xr.Dataset({"fma_ue": values, "arat": values})


def test_run_gives_the_constructed_paired_difference_among_included_patients():
    baseline = np.array([10.0, 20.0, 35.0, 50.0, 60.0])  # VNS-REHAB includes 20–50
    changes = {
        "vns": np.array([100.0, 6.0, 5.0, 4.0, -100.0]),
        "sham": np.array([0.0, 3.0, 3.0, 3.0, 0.0]),
    }
    result = run_external_trial(_ConstructedCohort(baseline, changes), VNS_REHAB, n_boot=200)
    assert result.n_included == 3
    assert result.estimate == pytest.approx(2.0)
    assert result.arm_means == pytest.approx({"vns": 5.0, "sham": 3.0})
    assert result.ci[0] <= 2.0 <= result.ci[1]
    assert result.verdict == "consistent"
    page = external_markdown([result], n=5, seed=0)
    assert "| VNS-REHAB | vns − sham | points |" in page
    assert "+2.00" in page and "consistent" in page


def test_winters_published_share_is_45_of_100_with_its_wilson_interval():
    published = WINTERS_2016.published
    assert published.value == pytest.approx(45.0)
    assert published.interval == pytest.approx((35.6, 54.8), abs=0.05)


class _AssessedCohort:
    """Stands in for ValidationCohort: a finger-extension item and an ARAT per day."""

    seed = 0

    def __init__(self, finger_item: dict[int, np.ndarray], arat: dict[int, np.ndarray]):
        self.finger_item, self.arat = finger_item, arat

    def assess(self, day: int) -> xr.Dataset:
        items = xr.DataArray(
            self.finger_item[day][:, None],
            dims=("patient", "fma_item"),
            coords={"fma_item": ["finger_mass_extension"]},
        )
        return xr.Dataset({"fma_items": items, "arat": ("patient", self.arat[day])})


def test_cohort_check_reads_the_share_of_the_group_that_reaches_the_outcome():
    day, end = WINTERS_2016.group_day, WINTERS_2016.outcome_day
    finger = {day: np.array([0, 0, 0, 0, 1, 2]), end: np.zeros(6)}
    arat = {day: np.zeros(6), end: np.array([10.0, 9.0, 30.0, 0.0, 0.0, 57.0])}
    result = run_external_cohort(_AssessedCohort(finger, arat), WINTERS_2016, n_boot=200)
    assert result.n_group == 4  # patients without finger extension on the group day
    assert result.estimate == pytest.approx(50.0)  # ARAT ≥ 10: the first and third
    assert result.ci[0] <= 50.0 <= result.ci[1]
    assert result.verdict == "consistent"
    page = external_markdown([], n=6, seed=0, cohorts=[result])
    assert "| Winters 2016 |" in page and "50.0" in page and "## Winters 2016" in page
    finger[day] = np.ones(6)
    with pytest.raises(ValueError, match="group"):
        run_external_cohort(_AssessedCohort(finger, arat), WINTERS_2016)


def test_a_trial_can_include_by_an_fma_item():
    class _ItemCohort(_ConstructedCohort):
        def assess(self, day: int) -> xr.Dataset:
            data = super().assess(day)
            items = xr.DataArray(
                np.array([0, 1, 2, 0])[:, None],
                dims=("patient", "fma_item"),
                coords={"fma_item": ["finger_mass_extension"]},
            )
            return data.assign(fma_items=items)

    changes = {
        "mcimt": np.array([50.0, 4.0, 2.0, 50.0]),
        "usual_care": np.array([0.0, 1.0, 1.0, 0.0]),
    }
    result = run_external_trial(_ItemCohort(np.zeros(4), changes), EXPLICIT_WEEK_5, n_boot=200)
    assert result.n_included == 2  # finger extension (item ≥ 1) on the start day
    assert result.estimate == pytest.approx(2.0)


def test_explicit_is_checked_by_its_published_sign_without_a_constructed_interval():
    for trial, value in ((EXPLICIT_WEEK_5, 6.0), (EXPLICIT_WEEK_12, 7.0)):
        assert trial.published.value == value
        assert trial.published.interval is None  # no CI at hand: none is constructed
        assert trial.published.direction == "positive"  # P < .05 in favour of mCIMT
        assert compare_with_published(trial.published, 0.6, (0.5, 0.8)) == "consistent"
        assert compare_with_published(trial.published, 0.6, (-0.1, 1.3)) == "lower"
    assert EXPLICIT_WEEK_12.start_day == EXPLICIT_WEEK_5.start_day < 14  # "within 14 days"


def test_run_refuses_a_cohort_without_included_patients():
    baseline = np.array([0.0, 1.0])
    changes = {"vns": np.zeros(2), "sham": np.zeros(2)}
    with pytest.raises(ValueError, match="inclusion"):
        run_external_trial(_ConstructedCohort(baseline, changes), VNS_REHAB)


@pytest.mark.slow
def test_every_trial_runs_on_the_model_with_finite_estimates(tmp_path):
    from strokesim.validate.external import external_command

    lines: list[str] = []
    path = tmp_path / "external.md"
    assert external_command(n=150, seed=0, markdown=path, echo=lines.append) == 0
    page = path.read_text(encoding="utf-8")
    for key in [t.key for t in EXTERNAL_TRIALS] + [c.key for c in EXTERNAL_COHORTS]:
        row = next(line for line in page.splitlines() if line.startswith(f"| {key} |"))
        model = row.split("|")[5]
        assert "nan" not in model, row
        # a check that shares a source with a calibrated parameter says so after its verdict
        verdict = row.rstrip(" |").split("|")[-1].strip().removesuffix(" (not independent)")
        assert verdict in {"consistent", "higher", "lower"}, row


class _CountingCohort:
    """A cohort whose arms change at a known rate per day; counts its simulations."""

    seed = 0

    def __init__(self, baseline: np.ndarray, rates: dict[str, np.ndarray]):
        self.baseline, self.rates, self.runs, self.masks = baseline, rates, [], []

    def plan(self, days) -> None:
        list(days)

    def assess(self, day: int) -> xr.Dataset:
        values = xr.DataArray(self.baseline, dims="patient")
        item = xr.DataArray(
            np.full((self.baseline.size, len(FMA_ITEMS)), 2.0),
            dims=("patient", "fma_item"),
            coords={"fma_item": list(FMA_ITEMS)},
        )
        return xr.Dataset({"fma_ue": values, "arat": values, "fma_items": item})

    def run_arms(self, day, protocols, record, *, patients=None) -> xr.Dataset:
        self.runs.append((day, tuple(protocols), record.days))
        keep = np.ones(self.baseline.size, bool) if patients is None else patients
        self.masks.append(keep.tolist())
        elapsed = np.asarray(record.days, dtype=float) - day
        data = np.stack(
            [
                self.baseline[keep, None] + self.rates[name][keep, None] * elapsed
                for name in protocols
            ]
        )
        values = xr.DataArray(
            data,
            dims=("arm", "patient", "day"),
            coords={"arm": list(protocols), "day": list(record.days)},
        )
        return xr.Dataset({"fma_ue": values, "arat": values})


def test_trials_read_at_several_outcome_days_share_one_simulation():
    baseline = np.array([30.0, 40.0, 50.0])
    rates = {"mcimt": np.array([0.3, 0.2, 0.1]), "usual_care": np.array([0.1, 0.1, 0.1])}
    cohort = _CountingCohort(baseline, rates)
    results = run_external_trials(cohort, [EXPLICIT_WEEK_12, EXPLICIT_WEEK_5], n_boot=100)
    assert cohort.runs == [(8, ("mcimt", "usual_care"), (8, 35, 84))]
    assert [r.trial.key for r in results] == ["EXPLICIT week 12", "EXPLICIT week 5"]
    mean_rate_difference = float(np.mean(rates["mcimt"] - rates["usual_care"]))
    for result, day in zip(results, (84, 35), strict=True):
        assert result.estimate == pytest.approx(mean_rate_difference * (day - 8))
        alone = run_external_trial(_CountingCohort(baseline, rates), result.trial, n_boot=100)
        assert alone.estimate == pytest.approx(result.estimate)


def test_only_the_included_patients_are_simulated():
    baseline = np.array([10.0, 20.0, 35.0, 50.0, 60.0])  # VNS-REHAB includes 20–50
    rates = {
        "vns": np.array([9.0, 0.2, 0.3, 0.1, 9.0]),
        "sham": np.array([0.0, 0.1, 0.1, 0.1, 0.0]),
    }
    cohort = _CountingCohort(baseline, rates)
    result = run_external_trial(cohort, VNS_REHAB, n_boot=100)
    assert cohort.masks == [[False, True, True, True, False]]
    days = VNS_REHAB.outcome_day - VNS_REHAB.start_day
    assert result.estimate == pytest.approx(np.mean([0.1, 0.2, 0.0]) * days)
    [shared] = run_external_trials(_CountingCohort(baseline, rates), [VNS_REHAB], n_boot=100)
    assert shared.estimate == pytest.approx(result.estimate)
    with pytest.raises(ValueError, match="lack"):
        run_external_trial(
            cohort,
            VNS_REHAB,
            simulated=cohort.run_arms(365, VNS_REHAB.arms, Record((365, 408))),
            simulated_patients=np.array([False, True, True, False, False]),
        )


def test_a_selection_matches_the_start_of_keys_case_insensitively():
    from strokesim.errors import UserInputError
    from strokesim.validate.external import select_checks

    trials, cohorts = select_checks(" va robotics , Explicit ")
    assert [t.key for t in trials] == [
        "EXPLICIT week 5",
        "EXPLICIT week 12",
        "VA ROBOTICS week 12",
        "VA ROBOTICS week 12, vs comparison",
        "VA ROBOTICS week 36",
    ]
    assert cohorts == ()
    assert select_checks(None) == (EXTERNAL_TRIALS, EXTERNAL_COHORTS)
    with pytest.raises(UserInputError, match="unknown trial or cohort excite") as caught:
        select_checks("flame,excite")
    assert caught.value.field == "--only"
