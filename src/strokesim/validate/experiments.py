"""The validation experiments: one function per target V1–V13 that runs what the target needs.

Every experiment takes a :class:`ValidationCohort` (the default virtual cohort of
``n`` patients and one seed, which runs the simulations several targets share on
first use) and returns an :class:`ExperimentData`: the keyword arguments of the
target's metric function in :mod:`strokesim.validate.metrics`, the extra arrays
its figure needs, and a description of how the finding is emulated.

- V1–V5, V10: read from one natural-history run (usual care, 180 days);
- V11, V13: the same run, against lesion-free virtual controls;
- V6–V9, V12: counterfactual twins branched from the usual-care course
  (:mod:`strokesim.validate.experiments_twins`).

Examples
--------
>>> cohort = ValidationCohort(n=200, seed=0)                       # doctest: +SKIP
>>> data = EXPERIMENTS["V1"](cohort)                               # doctest: +SKIP
>>> proportional_recovery(**data.inputs).measured["slope"]         # doctest: +SKIP
0.71
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from strokesim.validate.experiments_cohort import (
    BASELINE_DAY,
    NATURAL_HISTORY_DAYS,
    ValidationCohort,
)
from strokesim.validate.experiments_data import ExperimentData
from strokesim.validate.experiments_protocols import (
    V6_DESIGN,
    V7_DESIGN,
    V8_DESIGN,
    V9_DESIGN,
    V12_DESIGN,
    ConstraintDesign,
    ExtraTrainingDesign,
    IntensiveDesign,
    StimulationDesign,
    TaskSpecificityDesign,
)
from strokesim.validate.experiments_twins import (
    chronic_intensive_experiment,
    contralesional_inhibition_experiment,
    learned_non_use_experiment,
    patient_values,
    task_specificity_experiment,
    training_timing_experiment,
)
from strokesim.validate.metrics import MEP_WINDOW_DAYS, WEEK1_DAY

__all__ = [
    "EXPERIMENTS",
    "SNAPSHOT_DAYS",
    "ConstraintDesign",
    "ExperimentData",
    "ExtraTrainingDesign",
    "IntensiveDesign",
    "StimulationDesign",
    "TaskSpecificityDesign",
    "ValidationCohort",
    "chronic_intensive_experiment",
    "contralesional_inhibition_experiment",
    "laterality_experiment",
    "learned_non_use_experiment",
    "mep_positive_outcome_experiment",
    "non_fitters_experiment",
    "nonparetic_deficit_experiment",
    "prep2_accuracy_experiment",
    "proportional_recovery_experiment",
    "recovery_timing_experiment",
    "spasticity_experiment",
    "task_specificity_experiment",
    "training_timing_experiment",
]

#: Day of the 3-month outcome (ARAT for V4, V5).
THREE_MONTHS_DAY: Final[int] = 90
#: Day of the 6-month outcome (FMA-UE for V1–V3, MAS for V10) and of "week 26" (V11, V13):
#: the cohort's 6-month visit, two days before day 182 (the natural history records 180).
SIX_MONTHS_DAY: Final[int] = 180
#: Fewest lesion-free controls for V11 and V13 (VALIDATION.md: n_controls ≥ 100).
DEFAULT_MIN_CONTROLS: Final[int] = 100

_COHORT_DESIGN = (
    "{n} virtual patients of the default population (first-ever ischaemic stroke with "
    "arm paresis), usual care (32 repetitions in 30 min on weekdays, days 3–92), "
    "assessed on days " + ", ".join(str(d) for d in NATURAL_HISTORY_DAYS) + ". "
)


def proportional_recovery_experiment(cohort: ValidationCohort) -> ExperimentData:
    """V1: FMA0, FMA-UE at 6 months and the early MEP of every patient."""
    history = cohort.natural_history()
    return ExperimentData(
        "V1",
        inputs=_recovery_inputs(history),
        design=_COHORT_DESIGN.format(n=cohort.n)
        + "MEP+ = MEP present at the first assessment in days 3–7; ΔFMA = FMA-UE day 180 − "
        "day 3.",
        n_patients=cohort.n,
    )


def non_fitters_experiment(cohort: ValidationCohort) -> ExperimentData:
    """V2: the same inputs as V1, read for the severe patients who recover little."""
    history = cohort.natural_history()
    return ExperimentData(
        "V2",
        inputs=_recovery_inputs(history),
        design=_COHORT_DESIGN.format(n=cohort.n)
        + "Non-fitter: regained < 30% of 66 − FMA0 by day 180; severe: FMA0 ≤ 28.",
        n_patients=cohort.n,
    )


def recovery_timing_experiment(cohort: ValidationCohort) -> ExperimentData:
    """V3: every patient's FMA-UE on every natural-history day."""
    history = cohort.natural_history()
    return ExperimentData(
        "V3",
        inputs={
            "days": history["day"].to_numpy().astype(np.float64),
            "fma": patient_values(history, "fma_ue"),
            "fma0": _at(history, "fma_ue", BASELINE_DAY),
        },
        design=_COHORT_DESIGN.format(n=cohort.n)
        + "Time to 95% of the day-180 gain, rounded up to the next assessment day.",
        n_patients=cohort.n,
    )


def prep2_accuracy_experiment(cohort: ValidationCohort) -> ExperimentData:
    """V4: the PREP2 inputs at day 3 (SAFE, age, MEP, NIHSS) and ARAT at 3 months."""
    history = cohort.natural_history()
    return ExperimentData(
        "V4",
        inputs={
            "safe_d3": _at(history, "safe", BASELINE_DAY),
            "age": history["age"].to_numpy().astype(np.float64),
            "mep_d3": _early_mep(history),
            "nihss": history["nihss"].to_numpy().astype(np.float64),
            "arat_d90": _at(history, "arat", THREE_MONTHS_DAY),
        },
        design=_COHORT_DESIGN.format(n=cohort.n)
        + "PREP2 (Stinear 2017) from day-3 SAFE, age, MEP (days 3–7) and the NIHSS proxy; "
        "outcome: ARAT band on day 90.",
        n_patients=cohort.n,
    )


def mep_positive_outcome_experiment(cohort: ValidationCohort) -> ExperimentData:
    """V5: the early MEP and ARAT at 3 months."""
    history = cohort.natural_history()
    return ExperimentData(
        "V5",
        inputs={"mep_d3": _early_mep(history), "arat_d90": _at(history, "arat", THREE_MONTHS_DAY)},
        design=_COHORT_DESIGN.format(n=cohort.n)
        + "Good outcome: ARAT ≥ 34 on day 90 among MEP+ (days 3–7).",
        n_patients=cohort.n,
    )


def spasticity_experiment(cohort: ValidationCohort) -> ExperimentData:
    """V10: elbow-flexor MAS on days 7, 90, 180 (and every day, for the figure) with FMA0."""
    history = cohort.natural_history()
    return ExperimentData(
        "V10",
        inputs={
            "mas_d7": _at(history, "mas_elbow", WEEK1_DAY),
            "mas_d90": _at(history, "mas_elbow", THREE_MONTHS_DAY),
            "mas_d180": _at(history, "mas_elbow", SIX_MONTHS_DAY),
            "fma0": _at(history, "fma_ue", BASELINE_DAY),
        },
        figure={"days": history["day"].to_numpy(), "mas": patient_values(history, "mas_elbow")},
        design=_COHORT_DESIGN.format(n=cohort.n)
        + "Modified Ashworth grade of the elbow flexors (1+ coded 1.5).",
        n_patients=cohort.n,
    )


def nonparetic_deficit_experiment(
    cohort: ValidationCohort, *, n_controls: int | None = None
) -> ExperimentData:
    """V11: non-paretic dexterity at weeks 1 and 26 against lesion-free virtual controls.

    Parameters
    ----------
    cohort
        The validation cohort.
    n_controls
        Lesion-free controls (default: as many as patients, at least 100). They
        are assessed on day 7 of a run without therapy: the model's healthy
        dexterity does not drift over months, so one assessment sets the
        reference.
    """
    history, count, controls = _history_and_controls(cohort, n_controls)
    return ExperimentData(
        "V11",
        inputs={
            "dex_patients_w1": _at(history, "nonparetic_dexterity", WEEK1_DAY),
            "dex_patients_w26": _at(history, "nonparetic_dexterity", SIX_MONTHS_DAY),
            "dex_controls": controls["nonparetic_dexterity"].to_numpy().astype(np.float64),
            "fma0": _at(history, "fma_ue", BASELINE_DAY),
        },
        design=_COHORT_DESIGN.format(n=cohort.n)
        + f"Non-paretic dexterity (% of a healthy adult) on day {WEEK1_DAY} (week 1) and day "
        f"{SIX_MONTHS_DAY} (week 26); {count} lesion-free virtual controls with the cohort's "
        f"age distribution, assessed on day {WEEK1_DAY}.",
        n_patients=cohort.n,
    )


def _history_and_controls(cohort: ValidationCohort, n_controls: int | None):
    """The cohort's natural history, the number of controls and their week-1 assessment.

    V11 and V13 share the one control run (cached by the cohort).
    """
    history = cohort.natural_history()
    count = n_controls if n_controls is not None else max(DEFAULT_MIN_CONTROLS, cohort.n)
    return history, count, cohort.healthy_controls(count, WEEK1_DAY)


def laterality_experiment(
    cohort: ValidationCohort, *, n_controls: int | None = None
) -> ExperimentData:
    """V13: laterality index of paretic-hand M1 activity at weeks 1 and 26, and controls'.

    Parameters
    ----------
    cohort
        The validation cohort.
    n_controls
        Lesion-free controls (default: as many as patients, at least 100): the same
        controls as V11 (one shared run), assessed on day 7 of a run without
        therapy.
    """
    history, count, controls = _history_and_controls(cohort, n_controls)
    return ExperimentData(
        "V13",
        inputs={
            "li_w1": _at(history, "laterality_index", WEEK1_DAY),
            "li_w26": _at(history, "laterality_index", SIX_MONTHS_DAY),
            "li_controls": controls["laterality_index"].to_numpy().astype(np.float64),
            "fma0": _at(history, "fma_ue", BASELINE_DAY),
            "fma_w26": _at(history, "fma_ue", SIX_MONTHS_DAY),
        },
        figure={
            "days": history["day"].to_numpy(),
            "li": patient_values(history, "laterality_index"),
        },
        design=_COHORT_DESIGN.format(n=cohort.n)
        + "Laterality index (C − I)/(C + I) of M1 activity during the paretic hand's grasp, "
        f"pinch and bimanual tasks on day {WEEK1_DAY} (week 1) and day {SIX_MONTHS_DAY} "
        f"(week 26, the 6-month visit); FMA-UE on days {BASELINE_DAY} and {SIX_MONTHS_DAY}; "
        f"{count} lesion-free virtual controls (those of V11), assessed on day {WEEK1_DAY}.",
        n_patients=cohort.n,
    )


#: Target id → experiment, in VALIDATION.md order.
EXPERIMENTS: Final[dict[str, Callable[[ValidationCohort], ExperimentData]]] = {
    "V1": proportional_recovery_experiment,
    "V2": non_fitters_experiment,
    "V3": recovery_timing_experiment,
    "V4": prep2_accuracy_experiment,
    "V5": mep_positive_outcome_experiment,
    "V6": contralesional_inhibition_experiment,
    "V7": learned_non_use_experiment,
    "V8": training_timing_experiment,
    "V9": chronic_intensive_experiment,
    "V10": spasticity_experiment,
    "V11": nonparetic_deficit_experiment,
    "V12": task_specificity_experiment,
    "V13": laterality_experiment,
}

#: Target id → days on which the usual-care course is branched (see ValidationCohort.plan).
SNAPSHOT_DAYS: Final[dict[str, tuple[int, ...]]] = {
    "V6": (BASELINE_DAY, V6_DESIGN.start_day),
    "V7": (V7_DESIGN.start_day,),
    "V8": (V8_DESIGN.early_start_day, V8_DESIGN.late_start_day),
    "V9": (V9_DESIGN.start_day,),
    "V12": (V12_DESIGN.start_day,),
}


def _recovery_inputs(history: xr.Dataset) -> dict[str, NDArray[np.generic]]:
    return {
        "fma0": _at(history, "fma_ue", BASELINE_DAY),
        "fma180": _at(history, "fma_ue", SIX_MONTHS_DAY),
        "mep_present": _early_mep(history),
    }


def _at(dataset: xr.Dataset, name: str, day: int) -> NDArray[np.float64]:
    """Per patient: ``name`` on ``day``."""
    return patient_values(dataset.sel(day=day), name)


def _early_mep(dataset: xr.Dataset) -> NDArray[np.bool_]:
    """MEP presence at the first recorded day in days 3–7 (PREP2's TMS window)."""
    first, last = MEP_WINDOW_DAYS
    days = dataset["day"].to_numpy()
    day = int(days[(days >= first) & (days <= last)][0])
    return dataset["mep_present"].sel(day=day).transpose("patient").to_numpy().astype(bool)
