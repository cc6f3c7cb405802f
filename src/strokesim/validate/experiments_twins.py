"""Counterfactual-twin experiments of the validation battery (V6–V9, V12).

Each function branches the usual-care course of a
:class:`~strokesim.validate.experiments_cohort.ValidationCohort` at the design's
day into therapy arms (:func:`strokesim.branching.run_arms`: the same patients,
lesions and random streams in every arm) and returns an
:class:`~strokesim.validate.experiments.ExperimentData` whose ``inputs`` are the
keyword arguments of the matching metric of
:mod:`strokesim.validate.metrics_experiments`.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from strokesim.simulate import Record
from strokesim.therapy import BrainStimulation, Protocol, beyond_usual_care
from strokesim.validate.experiments_cohort import BASELINE_DAY, ValidationCohort
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
    constraint_protocol,
    extra_training_protocol,
    family_training_protocol,
    intensive_protocol,
    stimulation_protocols,
)

__all__ = [
    "arm_change",
    "chronic_intensive_experiment",
    "chronic_intensive_included",
    "contralesional_inhibition_experiment",
    "last_stimulation_day",
    "learned_non_use_experiment",
    "measure_values",
    "patient_values",
    "task_specificity_experiment",
    "training_timing_experiment",
]

#: Extra days between the end of CIMT and 12 months later on which use is recorded
#: for the figure (days after the first mitt-free day).
_USE_COURSE_OFFSETS = (0, 30, 91, 182, 273)
#: Task-family performance is a share of successful attempts; shown in percent.
_PERCENT = 100.0


def contralesional_inhibition_experiment(
    cohort: ValidationCohort, *, design: StimulationDesign = V6_DESIGN
) -> ExperimentData:
    """V6: 1 Hz rTMS of contralesional M1 before training vs sham, twins from day 14.

    The acute outcome is assessed on the day of the last session, right after it
    (record day ``last session + 1``: the state at the end of that day, with the
    session's after-effect acting; docs/dataset.md), the lasting one on
    ``design.outcome_day``.

    Returns
    -------
    ExperimentData
        ``inputs`` of :func:`~strokesim.validate.metrics.contralesional_inhibition`:
        ``fma0`` (day 3); ``acute_active`` and ``acute_sham`` (``design.acute_measure``
        after the last session, % of healthy); ``fma_acute_active`` and
        ``fma_acute_sham`` (FMA-UE then, points); ``fma_lasting_active`` and
        ``fma_lasting_sham`` (FMA-UE on the outcome day, points).
    """
    fma0 = patient_values(cohort.assess(BASELINE_DAY), "fma_ue")
    arms = stimulation_protocols(design)
    start, end = design.start_day, design.outcome_day
    after = last_stimulation_day(arms["rtms"]) + 1
    result = cohort.run_arms(start, arms, Record((start, after, end)))

    def value(arm: str, name: str, day: int) -> NDArray[np.float64]:
        return patient_values(result.sel(arm=arm, day=day), name)

    measure = design.acute_measure
    return ExperimentData(
        "V6",
        inputs={
            "fma0": fma0,
            "acute_active": value("rtms", measure, after),
            "acute_sham": value("sham", measure, after),
            "fma_acute_active": value("rtms", "fma_ue", after),
            "fma_acute_sham": value("sham", "fma_ue", after),
            "fma_lasting_active": value("rtms", "fma_ue", end),
            "fma_lasting_sham": value("sham", "fma_ue", end),
        },
        figure={"days": np.asarray([start, after, end])},
        design=(
            f"{cohort.n} virtual patients of the default cohort, usual care to day {start}; "
            f"twins from day {start}: active — {arms['rtms'].description} Sham — "
            f"{arms['sham'].description} Acute outcome: {measure} (% of healthy) and FMA-UE "
            f"on day {after - 1} right after the last session (record day {after}), paired "
            f"(active − sham), by FMA0 band (day {BASELINE_DAY}). Lasting outcome: FMA-UE "
            f"on day {end}, paired."
        ),
        n_patients=cohort.n,
    )


def last_stimulation_day(protocol: Protocol) -> int:
    """Day (since onset) of the protocol's last brain-stimulation session."""
    days = [
        int(np.flatnonzero(c.session_mask(c.end_day + 1))[-1])
        for c in protocol.components
        if isinstance(c, BrainStimulation)
    ]
    if not days:
        raise ValueError(f"protocol {protocol.name!r} has no brain stimulation")
    return max(days)


def learned_non_use_experiment(
    cohort: ValidationCohort, *, design: ConstraintDesign = V7_DESIGN
) -> ExperimentData:
    """V7: two weeks of CIMT in chronic patients; use 12 months later against function.

    Use and function "at the end of therapy" are measured on the first day after
    the mitt comes off (the model's use on the last therapy day is the forced use
    under the mitt, not the patient's choice).

    Returns
    -------
    ExperimentData
        ``inputs`` of :func:`~strokesim.validate.metrics.learned_non_use` for the
        included patients: ``function_end`` (FMA-UE, points), ``use_end`` and
        ``use_12mo`` (paretic share of daily arm actions); ``figure``: ``days`` and
        ``use`` (patient × day) of the use time course, ``included`` (all patients).
    """
    start = design.start_day
    baseline = cohort.assess(start)
    fma_start = patient_values(baseline, "fma_ue")
    extension = baseline["mrc"].sel(muscle=["wrist_extension", "finger_extension"]).min("muscle")
    low, high = design.fma_range
    included = (
        (fma_start >= low)
        & (fma_start <= high)
        & (extension.transpose("patient").to_numpy() >= design.min_extension_mrc)
    )
    protocol = constraint_protocol(design)
    post = _therapy_end(protocol) + 1  # first day assessed after a whole day without the mitt
    follow = post + design.follow_up_days
    course = sorted({start, *(post + o for o in _USE_COURSE_OFFSETS if post + o < follow), follow})
    result = cohort.run_arms(start, {"cimt": protocol}, Record(tuple(course)))
    use = patient_values(result.sel(arm="cimt"), "paretic_use_fraction")
    index = {day: k for k, day in enumerate(course)}
    function_end = patient_values(result.sel(arm="cimt", day=post), "fma_ue")
    return ExperimentData(
        "V7",
        inputs={
            "function_end": function_end[included],
            "use_end": use[included, index[post]],
            "use_12mo": use[included, index[follow]],
        },
        figure={"days": np.asarray(course), "use": use, "included": included},
        design=(
            f"{cohort.n} virtual patients under usual care to day {start}; included: "
            f"FMA-UE {low}–{high} and MRC ≥ {design.min_extension_mrc} in wrist and finger "
            f"extension on day {start} ({int(included.sum())} patients). "
            f"{protocol.description} Function (FMA-UE) and use on day {post} (first "
            f"mitt-free day assessed); use again on day {follow} (12 months later)."
        ),
        n_patients=int(included.sum()),
    )


def training_timing_experiment(
    cohort: ValidationCohort, *, design: ExtraTrainingDesign = V8_DESIGN
) -> ExperimentData:
    """V8: +20 h of training over 10 weeks from day 60 vs from day 200, each against no-extra twins.

    Returns
    -------
    ExperimentData
        ``inputs`` of :func:`~strokesim.validate.metrics.training_timing`:
        ``effect_early`` and ``effect_late`` (FMA-UE change with the extra
        training minus change without, at the end of training, points);
        ``figure``: ``fma_start_early``, ``fma_start_late``.
    """
    effects: dict[str, NDArray[np.float64]] = {}
    starts: dict[str, NDArray[np.float64]] = {}
    for label, start in (("early", design.early_start_day), ("late", design.late_start_day)):
        end = start + design.duration_days
        arms = {"extra": extra_training_protocol(design, start), "none": cohort.protocol}
        result = cohort.run_arms(start, arms, Record((start, end)))
        effects[label] = arm_change(result, "extra", "fma_ue", start, end) - arm_change(
            result, "none", "fma_ue", start, end
        )
        starts[label] = patient_values(result.sel(arm="none", day=start), "fma_ue")
    return ExperimentData(
        "V8",
        inputs={"effect_early": effects["early"], "effect_late": effects["late"]},
        figure={
            "fma_start_early": starts["early"],
            "fma_start_late": starts["late"],
            "start_days": np.asarray([design.early_start_day, design.late_start_day]),
        },
        design=(
            f"{cohort.n} virtual patients under usual care; twins branched on day "
            f"{design.early_start_day} and on day {design.late_start_day}: "
            f"usual care plus {design.extra_hours:g} h of extra task training "
            f"({design.sessions_per_week} × {design.minutes_per_session} min per week for "
            f"{design.weeks} weeks, {design.trials_per_session} repetitions per session, "
            f"{design.trials_per_hour} per hour as in usual care, Lang 2009) vs usual care "
            f"alone (no extra). Effect: FMA-UE change with extra − without, "
            f"from the branch day to the end of training ({design.duration_days} days later)."
        ),
        n_patients=cohort.n,
    )


def chronic_intensive_included(
    cohort: ValidationCohort, *, design: IntensiveDesign = V9_DESIGN
) -> NDArray[np.bool_]:
    """V9 inclusion: FMA-UE within ``design.fma_range`` on ``design.start_day``, (n,)."""
    fma_start = patient_values(cohort.assess(design.start_day), "fma_ue")
    low, high = design.fma_range
    return (fma_start >= low) & (fma_start <= high)


def chronic_intensive_experiment(
    cohort: ValidationCohort, *, design: IntensiveDesign = V9_DESIGN
) -> ExperimentData:
    """V9: the 90-hour Queen Square programme at 18 months in moderately impaired patients.

    Returns
    -------
    ExperimentData
        ``inputs`` of :func:`~strokesim.validate.metrics.chronic_intensive` for the
        included patients: ``fma_pre``, ``fma_end``, ``fma_6mo`` (FMA-UE, points).
    """
    start = design.start_day
    low, high = design.fma_range
    included = chronic_intensive_included(cohort, design=design)
    protocol = intensive_protocol(design)
    end = _therapy_end(protocol)
    follow = end + design.follow_up_days
    result = cohort.run_arms(start, {"intensive": protocol}, Record((start, end, follow)))
    fma = patient_values(result.sel(arm="intensive"), "fma_ue")[included]
    return ExperimentData(
        "V9",
        inputs={"fma_pre": fma[:, 0], "fma_end": fma[:, 1], "fma_6mo": fma[:, 2]},
        figure={},
        design=(
            f"{cohort.n} virtual patients under usual care to day {start} (18 months); "
            f"included: FMA-UE {low}–{high} on day {start} ({int(included.sum())} patients). "
            f"{protocol.description} FMA-UE on day {start} (before), day {end} (end) and "
            f"day {follow} (6 months after)."
        ),
        n_patients=int(included.sum()),
    )


def task_specificity_experiment(
    cohort: ValidationCohort, *, design: TaskSpecificityDesign = V12_DESIGN
) -> ExperimentData:
    """V12: twins trained on one task family or on another; gains on trained vs untrained.

    Each patient is trained on family A in one twin and on family B in the other
    (a crossover in counterfactual form). Trained gain = mean of (gain on A when A
    was trained, gain on B when B was trained); untrained gain = mean of (gain on A
    when B was trained, gain on B when A was trained). Family-specific ceilings and
    the untrained background course cancel in the difference.

    Returns
    -------
    ExperimentData
        ``inputs`` of :func:`~strokesim.validate.metrics.task_specificity`:
        ``gain_trained_family`` and ``gain_untrained_family`` (percentage points of
        successful daily-life attempts); ``figure``: ``gains`` (arm × patient ×
        family) and ``families`` (names, trained family of each arm first).
    """
    first, second = design.families
    start, end = design.start_day, design.start_day + design.duration_days
    arms = {family: family_training_protocol(design, family) for family in design.families}
    result = cohort.run_arms(start, arms, Record((start, end)))
    performance = result["task_family_performance"] * _PERCENT
    gain = (performance.sel(day=end) - performance.sel(day=start)).transpose(
        "arm", "patient", "task_family"
    )

    def on(arm: str, family: str) -> NDArray[np.float64]:
        return gain.sel(arm=arm, task_family=family).to_numpy().astype(np.float64)

    trained = 0.5 * (on(first, first) + on(second, second))
    untrained = 0.5 * (on(second, first) + on(first, second))
    return ExperimentData(
        "V12",
        inputs={"gain_trained_family": trained, "gain_untrained_family": untrained},
        figure={
            "gains": gain.to_numpy().astype(np.float64),
            "arms": np.asarray(list(arms)),
            "families": np.asarray(gain["task_family"].to_numpy()).astype(str),
        },
        design=(
            f"{cohort.n} virtual patients under usual care to day {start}; twins: "
            f"{arms[first].description} vs {arms[second].description} Gain: change in the "
            f"share of successful daily-life attempts of each task family, day {start} → "
            f"{end} (percentage points)."
        ),
        n_patients=cohort.n,
    )


def patient_values(dataset: xr.Dataset, name: str) -> NDArray[np.float64]:
    """A (patient[, day]) variable as floats, patient axis first."""
    variable = dataset[name]
    order = ["patient", *(dim for dim in variable.dims if dim != "patient")]
    return variable.transpose(*order).to_numpy().astype(np.float64)


def measure_values(assessment: xr.Dataset, measure: str) -> NDArray[np.float64]:
    """Per patient: a total score, or one FMA-UE item's score (0–2) when ``measure`` names one."""
    if measure in assessment.data_vars:
        return patient_values(assessment, measure)
    item = assessment["fma_items"].sel(fma_item=measure)
    return patient_values(item.to_dataset(name=measure), measure)


def arm_change(
    result: xr.Dataset, arm: str, name: str, start: int, end: int
) -> NDArray[np.float64]:
    """Per patient: ``name`` on ``end`` minus on ``start`` in one arm."""
    values = result[name].sel(arm=arm)
    return patient_values((values.sel(day=end) - values.sel(day=start)).to_dataset(name=name), name)


def _therapy_end(protocol: Protocol) -> int:
    """First day after the protocol's therapy (beyond the usual-care background)."""
    return max(c.end_day for c in beyond_usual_care(protocol))
