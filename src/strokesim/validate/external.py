"""Run the external checks (trial specs of ``validate/trials/``) and compare.

The checks are trial specs (:mod:`strokesim.validate.external_trials`): their
screening rules select patients with the trial engine's
:func:`~strokesim.trial.screening.screen`, their arms are the specs' resolved
protocols. Each trial branches the usual-care course of a
:class:`~strokesim.validate.experiments_cohort.ValidationCohort` into its arms
(counterfactual twins: the same patients, lesions and random streams in every
arm), computes the per-patient statistic in the experimental and the control arm,
and estimates the mean paired difference with a percentile bootstrap over the
included patients. The verdict says whether the model agrees with the published
effect: *consistent* when the model's estimate lies inside the published 95%
interval (or, where only the sign was published, when the model's 95% CI lies on
that side of zero), otherwise *higher* or *lower*. These are checks, not targets:
their verdicts do not set an exit code.

Each check carries its independence status
(:mod:`strokesim.validate.external_independence`): a check that some parameter,
calibration objective or protocol default takes from is reported as e.g.
"consistent (not independent)" and is not counted among the independent
consistent checks; a trial moved openly into the calibration set
(``set = "calibration"`` in its ``[published]`` table) is reported in a table of
its own.

The held-out cohorts (one-arm specs with a ``share`` check) are read from the same
cohort's usual-care course: the share of a group defined by an early sign that
reaches an outcome, with a bootstrap CI, against the published share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from strokesim.errors import UserInputError
from strokesim.io import atomic_write_text, prepare_output
from strokesim.report.plots import save_figure
from strokesim.simulate import Record
from strokesim.stats import bootstrap_ci
from strokesim.therapy import Protocol
from strokesim.trial.screening import criterion_holds, screen
from strokesim.trial.spec import ScreeningSpec
from strokesim.validate.experiments_cohort import ValidationCohort
from strokesim.validate.experiments_twins import arm_change, measure_values
from strokesim.validate.external_figure import external_figure
from strokesim.validate.external_independence import independence
from strokesim.validate.external_results import (
    CohortResult,
    ExternalResult,
    compare_with_published,
    counts_as_evidence,
    per_patient_statistic,
    reported_verdict,
)
from strokesim.validate.external_trials import (
    EXTERNAL_COHORTS,
    EXTERNAL_TRIALS,
    STATISTIC_UNITS,
    ExternalCohort,
    ExternalTrial,
    PublishedEffect,
)

__all__ = [
    "CohortResult",
    "ExternalResult",
    "compare_with_published",
    "external_command",
    "external_markdown",
    "included_patients",
    "per_patient_statistic",
    "reported_verdict",
    "run_external_cohort",
    "run_external_trial",
    "run_external_trials",
    "select_checks",
    "summary_line",
]


def screened(assessment: xr.Dataset, screening: ScreeningSpec) -> NDArray[np.bool_]:
    """Mask: patients that pass ``screening``'s rules on an assessment (trial engine's screen).

    Each rule reads a total score or an FMA-UE item of the assessment
    (:func:`~strokesim.validate.experiments_twins.measure_values`).
    """
    rules = (*screening.include, *screening.exclude)
    measures = {rule.measure: measure_values(assessment, rule.measure) for rule in rules}
    if not measures:
        return np.ones(assessment.sizes["patient"], dtype=bool)
    enrolled, _ = screen(screening, measures)
    return enrolled


def included_patients(cohort: ValidationCohort, trial: ExternalTrial) -> NDArray[np.bool_]:
    """Mask over the cohort: patients meeting the trial's screening on its start day."""
    return screened(cohort.assess(trial.start_day), trial.screening)


def run_external_trial(
    cohort: ValidationCohort,
    trial: ExternalTrial,
    *,
    n_boot: int = 1000,
    simulated: xr.Dataset | None = None,
    simulated_patients: NDArray[np.bool_] | None = None,
) -> ExternalResult:
    """Emulate one trial on the cohort's patients and compare it with the publication.

    Only the included patients are simulated. ``simulated``: the trial's arms
    already run from its start day (by :func:`run_external_trials` for trials that
    share them), recorded on the start and the outcome day at least, for the
    patients in the mask ``simulated_patients`` (all when not given), which must
    hold every included patient.

    Raises
    ------
    ValueError
        If no virtual patient meets the inclusion criteria, or ``simulated`` lacks
        some of them.
    """
    start, end = trial.start_day, trial.outcome_day
    included = included_patients(cohort, trial)
    if not included.any():
        raise ValueError(f"{trial.key}: no virtual patient meets the inclusion criteria")
    arms = dict(trial.arms)
    if simulated is None:
        simulated = cohort.run_arms(start, arms, Record((start, end)), patients=included)
        simulated_patients = included
    covered = np.ones_like(included) if simulated_patients is None else simulated_patients
    if np.any(included & ~covered):
        raise ValueError(f"{trial.key}: the simulated arms lack some included patients")
    statistic = {
        name: per_patient_statistic(
            trial,
            arm_change(simulated, name, trial.outcome_measure, start, end)[included[covered]],
        )
        for name in arms
    }
    experimental, control = trial.contrast
    difference = statistic[experimental] - statistic[control]
    estimate = float(difference.mean())
    ci = bootstrap_ci(difference, n_boot=n_boot, seed=cohort.seed)
    return ExternalResult(
        trial=trial,
        n_included=int(included.sum()),
        arm_means={name: float(values.mean()) for name, values in statistic.items()},
        estimate=estimate,
        ci=(ci.low, ci.high),
        verdict=compare_with_published(trial.published, estimate, ci),
        independence=independence(trial.key, trial.source),
    )


def run_external_trials(
    cohort: ValidationCohort,
    trials: Iterable[ExternalTrial] = EXTERNAL_TRIALS,
    *,
    n_boot: int = 1000,
    progress: Callable[[ExternalResult], None] | None = None,
) -> list[ExternalResult]:
    """Emulate every trial (in order of start day, so the usual-care course runs once).

    Each trial simulates its included patients only. Trials with the same start
    day and the same arms (one trial read at several outcome days, or at several
    contrasts) share one simulation of those arms, for the patients any of them
    includes.
    """
    given = list(trials)
    chosen = sorted(given, key=lambda t: t.start_day)
    cohort.plan(trial.start_day for trial in chosen)
    groups = shared_arm_groups(chosen)
    masks = {trial.key: included_patients(cohort, trial) for trial in chosen}
    simulated: dict[int, tuple[xr.Dataset, NDArray[np.bool_]]] = {}
    results = {}
    for trial in chosen:
        group = groups[trial.key]
        if group.index not in simulated and masks[trial.key].any():
            days = Record((group.start_day, *group.outcome_days))
            patients = np.logical_or.reduce([masks[key] for key in group.keys])
            run = cohort.run_arms(group.start_day, group.arms, days, patients=patients)
            simulated[group.index] = (run, patients)
        run, patients = simulated.get(group.index, (None, None))
        results[trial.key] = run_external_trial(
            cohort, trial, n_boot=n_boot, simulated=run, simulated_patients=patients
        )
        if progress is not None:
            progress(results[trial.key])
    return [results[trial.key] for trial in given]


@dataclass(frozen=True)
class _ArmGroup:
    """Trials that share a start day and arms: one simulation, read at their outcome days."""

    index: int
    start_day: int
    arms: dict[str, Protocol]
    outcome_days: tuple[int, ...]
    keys: tuple[str, ...]


def shared_arm_groups(trials: Sequence[ExternalTrial]) -> dict[str, _ArmGroup]:
    """Each trial's :class:`_ArmGroup` (trials sharing a start day and arms), by trial key.

    Groups are numbered in the order their first trial appears in ``trials``.
    """
    found: list[tuple[int, dict[str, Protocol], set[int], list[str]]] = []
    for trial in trials:
        arms = dict(trial.arms)
        for start_day, group_arms, days, keys in found:
            if start_day == trial.start_day and group_arms == arms:
                days.add(trial.outcome_day)
                keys.append(trial.key)
                break
        else:
            found.append((trial.start_day, arms, {trial.outcome_day}, [trial.key]))
    return {
        key: _ArmGroup(index, start_day, arms, tuple(sorted(days)), tuple(keys))
        for index, (start_day, arms, days, keys) in enumerate(found)
        for key in keys
    }


def run_external_cohort(
    cohort: ValidationCohort, check: ExternalCohort, *, n_boot: int = 1000
) -> CohortResult:
    """Read one held-out cohort finding from the cohort's usual-care course.

    Raises
    ------
    ValueError
        If no virtual patient is in the group.
    """
    group = screened(cohort.assess(check.group_day), check.group)
    if not group.any():
        raise ValueError(f"{check.key}: no virtual patient is in the group")
    outcome = cohort.assess(check.outcome_day)
    rule = check.reach
    reached_rule = criterion_holds(rule, {rule.measure: measure_values(outcome, rule.measure)})
    reached = np.where(reached_rule[group], 100.0, 0.0)
    estimate = float(reached.mean())
    ci = bootstrap_ci(reached, n_boot=n_boot, seed=cohort.seed)
    return CohortResult(
        check=check,
        n_group=int(group.sum()),
        estimate=estimate,
        ci=(ci.low, ci.high),
        verdict=compare_with_published(check.published, estimate, ci),
        independence=independence(check.key, check.source),
    )


def _published_text(published: PublishedEffect, *, share: bool = False) -> str:
    """A published effect as text: signed for a difference, one decimal for a share (%)."""
    if published.interval is None:
        value = "" if published.value is None else f"{published.value:+.2f}, "
        return f"{value}{published.direction} (sign only)"
    low, high = published.interval
    if share:
        return f"{published.value:.1f} [{low:.1f}, {high:.1f}]"
    return f"{published.value:+.2f} [{low:+.2f}, {high:+.2f}]"


def _independence_text(result: ExternalResult | CohortResult) -> str:
    status = result.independence
    return "not determined" if status is None else status.text


def _trial_row(result: ExternalResult) -> str:
    trial = result.trial
    low, high = result.ci
    return (
        f"| {trial.key} | {trial.contrast[0]} − {trial.contrast[1]} | "
        f"{STATISTIC_UNITS[trial.statistic]} | {_published_text(trial.published)} | "
        f"{result.estimate:+.2f} [{low:+.2f}, {high:+.2f}] | {result.n_included} | "
        f"{reported_verdict(result)} |"
    )


def summary_line(results: Sequence[ExternalResult], cohorts: Sequence[CohortResult] = ()) -> str:
    """One sentence: consistent checks, and among them those that are independent.

    Examples
    --------
    >>> summary_line([])
    'Held-out checks: 0; consistent: 0; independent: 0; independent and consistent: 0. \
Calibration set (not counted): none.'
    """
    every: list[ExternalResult | CohortResult] = [*results, *cohorts]
    held = [r for r in every if not _calibration_use(r)]
    consistent = [r for r in held if r.verdict == "consistent"]
    independent = [r for r in held if counts_as_evidence(r)]
    both = [r for r in independent if r.verdict == "consistent"]
    moved = [f"{_key(r)} ({r.verdict})" for r in every if _calibration_use(r)]
    return (
        f"Held-out checks: {len(held)}; consistent: {len(consistent)}; independent: "
        f"{len(independent)}; independent and consistent: {len(both)}. Calibration set (not "
        f"counted): {', '.join(moved) if moved else 'none'}."
    )


def _key(result: ExternalResult | CohortResult) -> str:
    return result.trial.key if isinstance(result, ExternalResult) else result.check.key


def _calibration_use(result: ExternalResult | CohortResult) -> str | None:
    check = result.trial if isinstance(result, ExternalResult) else result.check
    use: str | None = getattr(check, "calibration_use", None)
    return use


def _independence_lines(result: ExternalResult | CohortResult) -> list[str]:
    lines = [f"- **Independence.** {_independence_text(result)}."]
    use = _calibration_use(result)
    if use:
        lines.append(f"- **Used for calibration.** {use}.")
    status = result.independence
    if status is not None and status.design:
        design = "; ".join(f"{c.place.split(':', 1)[1]} ({c.design})" for c in status.design)
        lines.append(f"- **Design taken from it (allowed).** {design}.")
    return lines


def external_markdown(
    results: list[ExternalResult],
    *,
    n: int,
    seed: int,
    cohorts: Sequence[CohortResult] = (),
    figure: str | None = None,
) -> str:
    """A Markdown page: one row per trial and per cohort, then each one's finding and emulation.

    Held-out trials and cohorts come first, with their independence status; trials
    in the calibration set follow in a table of their own. ``figure``: the path of
    :func:`~strokesim.validate.external_figure.external_figure`'s PNG relative to
    the page, shown under the introduction when given.
    """
    held = [r for r in results if not _calibration_use(r)]
    moved = [r for r in results if _calibration_use(r)]
    lines = [
        "# Published trials and cohorts outside the validation targets",
        "",
        f"Model (default parameters) against published trials and cohorts. Virtual cohort "
        f"n = {n}, seed {seed}; each trial's inclusion criteria select from it. Estimates are "
        "mean paired differences between counterfactual twins (experimental − control) with "
        "95% bootstrap intervals. *consistent*: inside the published 95% interval (or, where "
        "only the sign was published, the model's 95% interval on that side of zero). "
        "*independence*: found in code (`strokesim.validate.external_independence`) — "
        "*independent* when no registry parameter's source, no calibration objective and no "
        "protocol default cites the check beyond its design; otherwise what it shares, and its "
        "verdict is marked *not independent* and not counted as evidence of generalisation.",
        "",
        summary_line(results, cohorts),
        "",
        *([f"![Published and model intervals of every check]({figure})", ""] if figure else []),
        "Held-out trials:",
        "",
        "| trial | contrast | unit | published | model | n | verdict | independence |",
        "|---|---|---|---|---|---|---|---|",
        *(f"{_trial_row(r)} {_independence_text(r)} |" for r in held),
    ]
    if cohorts:
        lines += [
            "",
            "Held-out cohorts: the percentage of a group, defined by an early sign, that "
            "reaches an outcome under usual care (model: 95% bootstrap interval; published: 95% "
            "Wilson interval from the reported counts).",
            "",
            "| cohort | group | outcome | published | model | n | verdict | independence |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for found in cohorts:
            check, (low, high) = found.check, found.ci
            lines.append(
                f"| {check.key} | {check.group_text} | {check.outcome_text} | "
                f"{_published_text(check.published, share=True)} | "
                f"{found.estimate:.1f} [{low:.1f}, {high:.1f}] | {found.n_group} | "
                f"{reported_verdict(found)} | {_independence_text(found)} |"
            )
    if moved:
        lines += [
            "",
            "Used for calibration (not external): trials whose result informed a parameter. "
            "They are emulated as before, but their verdicts are no evidence of "
            "generalisation; how each was used is under its heading.",
            "",
            "| trial | contrast | unit | published | model | n | verdict | independence |",
            "|---|---|---|---|---|---|---|---|",
            *(f"{_trial_row(r)} {_independence_text(r)} |" for r in moved),
        ]
    for result in [*held, *moved]:
        trial = result.trial
        arms = ", ".join(f"{name} {value:.2f}" for name, value in result.arm_means.items())
        lines += [
            "",
            f"## {trial.key}",
            "",
            f"- **Finding.** {trial.finding}",
            f"- **Source.** {trial.source}.",
            f"- **Published contrast.** {_published_text(trial.published)}; "
            f"{trial.published.note}.",
            f"- **Emulation.** {trial.emulation}",
            f"- **Model, per arm** ({STATISTIC_UNITS[trial.statistic]}, mean over "
            f"{result.n_included} included patients). {arms}.",
            *_independence_lines(result),
        ]
    for found in cohorts:
        check = found.check
        lines += [
            "",
            f"## {check.key}",
            "",
            f"- **Finding.** {check.finding}",
            f"- **Source.** {check.source}.",
            f"- **Published share.** {_published_text(check.published, share=True)} %; "
            f"{check.published.note}.",
            f"- **Emulation.** {check.emulation}",
            *_independence_lines(found),
        ]
    return "\n".join(lines) + "\n"


def select_checks(
    only: str | None,
) -> tuple[tuple[ExternalTrial, ...], tuple[ExternalCohort, ...]]:
    """The held-out trials and cohorts whose key starts with one of the given names.

    Parameters
    ----------
    only
        ``None`` (all), or comma-separated names matched case-insensitively against
        the start of each key (``"va robotics"`` selects its three checks).

    Raises
    ------
    strokesim.errors.UserInputError
        For a name that matches nothing, or an empty selection (field ``--only``).

    Examples
    --------
    >>> trials, cohorts = select_checks("flame,winters")
    >>> [t.key for t in trials], [c.key for c in cohorts]
    (['FLAME'], ['Winters 2016'])
    """
    if only is None:
        return EXTERNAL_TRIALS, EXTERNAL_COHORTS
    names = [name.strip().lower() for name in only.split(",") if name.strip()]
    keys = [t.key for t in EXTERNAL_TRIALS] + [c.key for c in EXTERNAL_COHORTS]

    def chosen(key: str) -> bool:
        return any(key.lower().startswith(name) for name in names)

    unknown = [name for name in names if not any(k.lower().startswith(name) for k in keys)]
    if unknown or not names:
        problem = f"unknown trial or cohort {', '.join(unknown)}" if unknown else "none given"
        raise UserInputError("--only", f"{problem}; choose from {'; '.join(keys)}")
    return (
        tuple(t for t in EXTERNAL_TRIALS if chosen(t.key)),
        tuple(c for c in EXTERNAL_COHORTS if chosen(c.key)),
    )


def external_command(
    *,
    n: int = 1000,
    seed: int = 0,
    only: str | None = None,
    markdown: str | Path | None = None,
    figure: str | Path | None = None,
    n_boot: int = 1000,
    echo: Callable[[str], None] = print,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Run the held-out checks, print the table, optionally write Markdown and a figure.

    ``only`` selects some of them (:func:`select_checks`). ``figure`` is a PNG of
    :func:`~strokesim.validate.external_figure.external_figure`; when it lies in the
    Markdown page's folder, the page shows it.

    Returns
    -------
    int
        0 (the checks inform; they set no exit code of their own).

    Raises
    ------
    strokesim.errors.UserInputError
        For a bad ``n``/``seed``/``only`` or an unwritable ``markdown`` or ``figure``
        path, before anything runs.
    """
    ValidationCohort.check_size(n, seed)
    trials, checks = select_checks(only)
    if markdown is not None:
        prepare_output(markdown, "--markdown")
    if figure is not None:
        prepare_output(figure, "--figure")
    cohort = ValidationCohort(n=n, seed=seed)
    total = len(checks) + len(trials)
    done: list[CohortResult | ExternalResult] = []

    def step(result: CohortResult | ExternalResult) -> None:
        done.append(result)
        if progress is not None:
            progress(len(done), total)

    cohort.plan(check.group_day for check in checks)
    cohorts = []
    for check in checks:
        cohorts.append(run_external_cohort(cohort, check, n_boot=n_boot))
        step(cohorts[-1])
    results = run_external_trials(cohort, trials, n_boot=n_boot, progress=step)
    beside = (
        figure is not None
        and markdown is not None
        and Path(figure).resolve().parent == Path(markdown).resolve().parent
    )
    shown = Path(figure).name if beside and figure is not None else None
    page = external_markdown(results, n=n, seed=seed, cohorts=cohorts, figure=shown)
    echo(page.split("\n## ", 1)[0].rstrip())
    if figure is not None:
        save_figure(external_figure(results, cohorts), figure, field="--figure")
        echo(f"wrote {figure}")
    if markdown is not None:
        atomic_write_text(markdown, page, field="--markdown")
        echo(f"wrote {markdown}")
    return 0
