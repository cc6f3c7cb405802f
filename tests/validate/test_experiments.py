"""The validation experiments run at a tiny size and hand well-formed data to metrics and figures.

One cohort of 20 virtual patients is shared by the whole module (and its compiled
programs by test_battery.py, which uses the same size). The twin experiments use
shortened designs (earlier branch days, shorter follow-up, no inclusion limits);
the natural history keeps its 180 days, which V1–V5 need.
"""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from strokesim.branching import snapshot
from strokesim.errors import UserInputError
from strokesim.report.plots import figure_png
from strokesim.therapy import ConstraintInducedTherapy, TaskTraining, usual_care
from strokesim.validate.battery import parse_only, score
from strokesim.validate.experiments import (
    EXPERIMENTS,
    ConstraintDesign,
    ExperimentData,
    ExtraTrainingDesign,
    IntensiveDesign,
    StimulationDesign,
    TaskSpecificityDesign,
    ValidationCohort,
    chronic_intensive_experiment,
    contralesional_inhibition_experiment,
    laterality_experiment,
    learned_non_use_experiment,
    nonparetic_deficit_experiment,
    task_specificity_experiment,
    training_timing_experiment,
)
from strokesim.validate.experiments_cohort import NATURAL_HISTORY_DAYS
from strokesim.validate.experiments_protocols import shifted_protocol
from strokesim.validate.figures import target_figure
from strokesim.validate.metrics import TARGETS

N = 20
SHORT = {
    "V6": lambda c: contralesional_inhibition_experiment(
        c, design=StimulationDesign(start_day=14, outcome_day=35)
    ),
    "V7": lambda c: learned_non_use_experiment(
        c,
        design=ConstraintDesign(
            start_day=100, follow_up_days=21, fma_range=(0, 66), min_extension_mrc=0
        ),
    ),
    "V8": lambda c: training_timing_experiment(
        c, design=ExtraTrainingDesign(early_start_day=30, late_start_day=100, weeks=2)
    ),
    "V9": lambda c: chronic_intensive_experiment(
        c, design=IntensiveDesign(start_day=120, follow_up_days=14, fma_range=(0, 66))
    ),
    "V11": lambda c: nonparetic_deficit_experiment(c, n_controls=N),
    "V12": lambda c: task_specificity_experiment(
        c, design=TaskSpecificityDesign(start_day=120, weeks=1)
    ),
    "V13": lambda c: laterality_experiment(c, n_controls=N),
}


@pytest.fixture(scope="module")
def cohort() -> ValidationCohort:
    cohort = ValidationCohort(n=N, seed=0)
    cohort.plan([3, 14, 30, 100, 120])
    return cohort


@pytest.fixture(scope="module")
def experiment_data(cohort: ValidationCohort) -> dict[str, ExperimentData]:
    return {
        target: SHORT[target](cohort) if target in SHORT else EXPERIMENTS[target](cohort)
        for target in TARGETS
    }


@pytest.mark.parametrize("target", list(TARGETS))
def test_experiment_returns_finite_per_patient_inputs(
    target: str, experiment_data: dict[str, ExperimentData]
) -> None:
    data = experiment_data[target]
    assert data.target_id == target
    assert data.design and data.n_patients > 0
    for name, values in data.inputs.items():
        assert np.all(np.isfinite(values.astype(float))), name
        if name == "days":
            continue
        expected = N if name == "dex_controls" else data.n_patients
        assert values.shape[0] == expected, name


@pytest.mark.parametrize("target", list(TARGETS))
def test_experiment_data_feeds_its_metric_and_figure(
    target: str, experiment_data: dict[str, ExperimentData]
) -> None:
    data = experiment_data[target]
    result = score(data, n_boot=50)
    assert result.target_id == target
    assert set(TARGETS[target].ranges) <= set(result.measured)
    figure = target_figure(result, data)
    assert isinstance(figure, Figure)
    assert figure_png(figure)[:4] == b"\x89PNG"  # renders without layout errors


def test_natural_history_is_one_shared_run(cohort: ValidationCohort) -> None:
    history = cohort.natural_history()
    assert cohort.natural_history() is history
    assert tuple(history["day"].values) == NATURAL_HISTORY_DAYS
    assert history.sizes["patient"] == N
    assert np.all(history["nihss"].values >= 0)  # filled from the day-3 assessment


def test_assessment_on_a_branch_day_matches_the_natural_history(cohort: ValidationCohort) -> None:
    # assessments are keyed by (patient, day): the twin experiments' FMA0 is the cohort's
    assessed = cohort.assess(14)["fma_ue"].values
    np.testing.assert_array_equal(assessed, cohort.natural_history()["fma_ue"].sel(day=14).values)


def test_chained_snapshot_equals_a_snapshot_from_onset(cohort: ValidationCohort) -> None:
    direct = snapshot(cohort.patients, usual_care(), day=30, seed=cohort.seed)
    chained = cohort.snapshot(30)
    np.testing.assert_allclose(chained.states.capacity, direct.states.capacity, rtol=1e-5)
    np.testing.assert_allclose(
        chained.states.weights.w_cross, direct.states.weights.w_cross, rtol=1e-5, atol=1e-7
    )


def test_twin_experiment_effects_are_paired_differences(
    experiment_data: dict[str, ExperimentData],
) -> None:
    v12 = experiment_data["V12"].figure
    gains, families = v12["gains"], list(v12["families"])
    assert gains.shape == (2, N, len(families))
    trained = experiment_data["V12"].inputs["gain_trained_family"]
    grasp, reach = families.index("distal_grasp"), families.index("proximal_reach")
    np.testing.assert_allclose(trained, 0.5 * (gains[0, :, grasp] + gains[1, :, reach]))


def test_shifted_protocol_moves_the_therapy_and_keeps_doses_and_usual_care() -> None:
    protocol = shifted_protocol("cimt_2_weeks", 270)
    background, cimt = protocol.components
    assert background == usual_care().components[0]
    assert isinstance(cimt, ConstraintInducedTherapy)
    assert (cimt.start_day, cimt.duration_days, cimt.shaping_trials_per_session) == (270, 14, 300)
    stimulation = shifted_protocol("rtms_1hz_contralesional_training", 30)
    assert {c.start_day for c in stimulation.components[1:]} == {30}
    training = next(c for c in stimulation.components[1:] if isinstance(c, TaskTraining))
    assert training.trials_per_session == 300


def test_extra_training_design_is_twenty_hours() -> None:
    design = ExtraTrainingDesign()
    assert design.extra_hours == 20
    assert design.trials_per_session == 64


@pytest.mark.parametrize("bad", ["V14", "V1,X", "", [" "]])
def test_bad_target_selection_is_a_user_error(bad: object) -> None:
    with pytest.raises(UserInputError, match="--only"):
        parse_only(bad)  # type: ignore[arg-type]


def test_selection_is_case_insensitive_and_in_validation_order() -> None:
    assert parse_only("v3, V1") == ["V1", "V3"]
    assert parse_only(None) == list(TARGETS)


@pytest.mark.parametrize("n", [0, 7, 2.5, True])
def test_bad_cohort_size_is_a_user_error(n: object) -> None:
    with pytest.raises(UserInputError, match="--n"):
        ValidationCohort(n=n)  # type: ignore[arg-type]
