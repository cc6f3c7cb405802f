"""The held-out checks as a unit job: one unit per cohort finding, one per trial simulation.

:func:`external_job` runs what ``strokesim external-trials`` reports, in the order
:func:`strokesim.validate.external.external_command` runs it, on one
:class:`~strokesim.validate.experiments_cohort.ValidationCohort`: each cohort
finding (:func:`~strokesim.validate.external.run_external_cohort`) is a unit,
and so is each trial, or each set of trials sharing one simulation of their
arms (same start day and arms, e.g. one trial read at several outcome days),
run by :func:`~strokesim.validate.external.run_external_trials` as it groups
them. A unit's result is saved as JSON (floats read back exactly) and rebuilt
into the validate module's result objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from strokesim.jobs.units import UnitJob

if TYPE_CHECKING:
    from strokesim.validate.experiments_cohort import ValidationCohort
    from strokesim.validate.external import CohortResult, ExternalResult
    from strokesim.validate.external_cohorts import ExternalCohort
    from strokesim.validate.external_trials import ExternalTrial

__all__ = ["external_job", "trial_groups"]

#: Result fields saved besides the check itself and its independence (recomputed).
_SAVED = ("estimate", "ci", "verdict")


def trial_groups(trials: Sequence[ExternalTrial]) -> list[list[ExternalTrial]]:
    """The trials by shared simulation (same start day and arms), in order of start day.

    The grouping is the one :func:`~strokesim.validate.external.run_external_trials`
    simulates by (:func:`~strokesim.validate.external.shared_arm_groups`), so a unit
    holds exactly the trials that one simulation of their arms serves.
    """
    from strokesim.validate.external import shared_arm_groups

    ordered = sorted(trials, key=lambda t: t.start_day)
    groups = shared_arm_groups(ordered)
    by_index: dict[int, list[ExternalTrial]] = {}
    for trial in ordered:
        by_index.setdefault(groups[trial.key].index, []).append(trial)
    return [by_index[index] for index in sorted(by_index)]


def _trial_record(result: ExternalResult) -> dict[str, Any]:
    return {
        "key": result.trial.key,
        "n_included": result.n_included,
        "arm_means": result.arm_means,
        **{name: getattr(result, name) for name in _SAVED},
    }


def _cohort_record(result: CohortResult) -> dict[str, Any]:
    return {
        "key": result.check.key,
        "n_group": result.n_group,
        **{name: getattr(result, name) for name in _SAVED},
    }


def external_job(
    cohort: ValidationCohort,
    trials: Sequence[ExternalTrial],
    checks: Sequence[ExternalCohort],
    job: UnitJob,
    *,
    n_boot: int = 1000,
) -> tuple[list[ExternalResult], list[CohortResult]]:
    """The trial and cohort results of the held-out checks, one unit at a time.

    Returns
    -------
    tuple of (list of ExternalResult, list of CohortResult)
        In the order of ``trials`` and ``checks``; equal to what
        ``external_command`` computes. Progress is reported to ``job`` in checks.
    """
    from strokesim.validate.external import (
        CohortResult,
        ExternalResult,
        run_external_cohort,
        run_external_trials,
    )
    from strokesim.validate.external_independence import independence

    cohort.plan(check.group_day for check in checks)
    cohorts = []
    for index, check in enumerate(checks):
        saved = job.unit(
            f"cohort-{index:03d}",
            lambda check=check: _cohort_record(run_external_cohort(cohort, check, n_boot=n_boot)),
            label=f"cohort check {check.key}",
        )
        cohorts.append(
            CohortResult(
                check=check,
                n_group=int(saved["n_group"]),
                estimate=saved["estimate"],
                ci=tuple(saved["ci"]),
                verdict=saved["verdict"],
                independence=independence(check.key, check.source),
            )
        )
    cohort.plan(trial.start_day for trial in trials)
    by_key: dict[str, ExternalResult] = {}
    for index, group in enumerate(trial_groups(trials)):

        def compute(group: list[ExternalTrial] = group) -> list[dict[str, Any]]:
            done = [0]

            def step(_: ExternalResult) -> None:
                done[0] += 1
                job.within(done[0])

            results = run_external_trials(cohort, group, n_boot=n_boot, progress=step)
            return [_trial_record(result) for result in results]

        keys = ", ".join(trial.key for trial in group)
        saved_group = job.unit(
            f"trials-{index:03d}", compute, label=f"trial {keys}", weight=len(group)
        )
        for trial, saved in zip(group, saved_group, strict=True):
            by_key[trial.key] = ExternalResult(
                trial=trial,
                n_included=int(saved["n_included"]),
                arm_means=dict(saved["arm_means"]),
                estimate=saved["estimate"],
                ci=tuple(saved["ci"]),
                verdict=saved["verdict"],
                independence=independence(trial.key, trial.source),
            )
    return [by_key[trial.key] for trial in trials], cohorts
