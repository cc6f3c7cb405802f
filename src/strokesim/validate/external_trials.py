"""The external checks: published trials and cohorts outside VALIDATION.md, as trial specs.

Every check lives in a trial-spec TOML file of ``strokesim/validate/trials/``
(:class:`~strokesim.trial.spec.TrialSpec`, validated by
:func:`~strokesim.trial.spec.load_trial`): the screening rule on the randomisation
day, the arms (shipped protocols, or protocol files in ``trials/protocols/``), the
visits, and a ``[published]`` table with the source, the finding, the set
(``held_out`` or ``calibration``) and one ``[[published.checks]]`` entry per
published number: its contrast of two arms (or, for a prognostic cohort, the share
of the screened group meeting ``reach``), the visit, the statistic, the kind of
comparison (``interval`` or ``sign``), the published value and interval (or sign),
where the numbers come from (``note``) and how the model emulates the trial
(``emulation``). Files are read in the order of their names (the report's order).

Most checks are held out: no parameter's value was taken from their result, and
they test whether a model calibrated to V1–V12 generalises to designs it never saw.
A trial whose result informed a parameter is in the calibration set
(``set = "calibration"`` with its ``calibration_use``): it is still emulated and
reported, apart, but it is no evidence of generalisation. Whether a check is
independent is found in code by :mod:`strokesim.validate.external_independence`
from the tokens of its ``source``.

The trials: VNS-REHAB (Dawson et al. 2021), NICHE (Harvey et al. 2018), the dose
trial of Lang et al. 2016, VECTORS (Dromerick et al. 2009), EXPLICIT-stroke
(Kwakkel et al. 2016, weeks 5 and 12), FLAME (Chollet et al. 2011, calibration
set) and VA ROBOTICS (Lo et al. 2010, three readings); the cohort: Winters et al.
2016 (return of dexterity without early finger extension).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from strokesim.stats import wilson_interval
from strokesim.therapy import Protocol
from strokesim.trial.spec import (
    Criterion,
    LoadedTrial,
    PublishedCheck,
    ScreeningSpec,
    load_trial,
)

__all__ = [
    "EXTERNAL_COHORTS",
    "EXTERNAL_TRIALS",
    "STATISTIC_UNITS",
    "TRIALS_DIR",
    "ExternalCohort",
    "ExternalTrial",
    "PublishedEffect",
    "external_check",
    "load_external_checks",
]

#: Folder of the external checks' trial specs (package data).
TRIALS_DIR: Final[Path] = Path(__file__).with_name("trials")

#: Statistic computed per patient before the between-arm difference is taken.
Statistic = Literal["change", "responder", "weekly_slope"]
#: Unit of each statistic's between-arm difference.
STATISTIC_UNITS: Final[dict[str, str]] = {
    "change": "points",
    "responder": "percentage points",
    "weekly_slope": "points/week",
}


@dataclass(frozen=True)
class PublishedEffect:
    """A check's published number, as the comparison reads it.

    Attributes
    ----------
    value
        The published difference (experimental − control) in the statistic's unit,
        or the published share (percent) of a cohort.
    interval
        Its 95% interval; ``None`` where only the direction was reported.
    direction
        Where no interval is given: the published sign (``"negative"`` or
        ``"positive"``), checked by the model's 95% CI excluding zero on that side.
    note
        Where the numbers come from (quoted or derived).
    """

    value: float | None
    interval: tuple[float, float] | None
    note: str
    direction: Literal["negative", "positive"] | None = None

    def __post_init__(self) -> None:
        if (self.interval is None) == (self.direction is None):
            raise ValueError("give either an interval or a direction")


@dataclass(frozen=True)
class ExternalTrial:
    """One published between-arm check, read from a trial spec.

    Attributes
    ----------
    key
        Short name (``"VNS-REHAB"``), the check's ``key``.
    finding, source
        The published result in one sentence, and its citation.
    start_day
        Day (since onset) of randomisation: the twins branch from usual care.
    screening
        The inclusion rules read on ``start_day`` (trial engine's screening).
    arms
        ``{name: protocol}``, each keeping the usual-care background.
    contrast
        (experimental, control) arm names.
    outcome_measure, outcome_day
        The scale whose change from ``start_day`` to ``outcome_day`` is analysed.
    statistic
        ``change`` (points), ``responder`` (percent with a change ≥
        ``responder_points``) or ``weekly_slope`` (change per week of therapy).
    published
        The published effect of the contrast.
    emulation
        How the model runs the trial, and the assumptions the publication left open.
    responder_points
        Threshold of a responder (points; 0 for other statistics).
    therapy_weeks
        Weeks of therapy, for ``weekly_slope``.
    calibration_use
        ``None`` for a held-out check; otherwise how the trial's result informed a
        parameter (calibration set, reported apart).
    spec
        The trial spec file it comes from.
    """

    key: str
    finding: str
    source: str
    start_day: int
    screening: ScreeningSpec
    arms: Mapping[str, Protocol]
    contrast: tuple[str, str]
    outcome_measure: Literal["fma_ue", "arat"]
    outcome_day: int
    statistic: Statistic
    published: PublishedEffect
    emulation: str
    responder_points: float = 0.0
    therapy_weeks: float = 1.0
    calibration_use: str | None = None
    spec: str = ""


@dataclass(frozen=True)
class ExternalCohort:
    """One published prognostic share under usual care, read from a one-arm trial spec.

    Attributes
    ----------
    key, finding, source
        Short name, the published result in one sentence, and its citation.
    group_day, group, group_text
        Day (since onset) of the early assessment, the screening rules that select
        the group on that day, and their wording.
    outcome_day, reach, outcome_text
        Day of the outcome assessment, the rule that says who reached the outcome,
        and its wording.
    published
        The published share (percent) with its 95% interval.
    emulation
        How the model reads the cohort, and what the paper left open.
    calibration_use
        As for :class:`ExternalTrial`.
    spec
        The trial spec file it comes from.
    """

    key: str
    finding: str
    source: str
    group_day: int
    group: ScreeningSpec
    group_text: str
    outcome_day: int
    reach: Criterion
    outcome_text: str
    published: PublishedEffect
    emulation: str
    calibration_use: str | None = None
    spec: str = ""


def published_effect(check: PublishedCheck) -> PublishedEffect:
    """The published number of a spec's check, scaled by its ``factor``.

    ``counts`` (k of n) give the share 100·k/n (percent) and its Wilson interval.
    """
    if check.counts is not None:
        k, n = check.counts
        low, high = wilson_interval(k, n)
        return PublishedEffect(100.0 * k / n, (100.0 * low, 100.0 * high), check.note)
    factor = check.factor
    value = None if check.value is None else check.value * factor
    interval = (
        None if check.interval is None else (check.interval[0] * factor, check.interval[1] * factor)
    )
    return PublishedEffect(value, interval, check.note, check.direction)


def _checks_of(loaded: LoadedTrial, name: str) -> list[ExternalTrial | ExternalCohort]:
    spec, published = loaded.spec, loaded.spec.published
    if published is None:
        raise ValueError(f"{name}: an external check needs a [published] table")
    start = spec.randomisation.day
    found: list[ExternalTrial | ExternalCohort] = []
    for check in published.checks:
        common = {
            "key": check.key,
            "finding": published.finding,
            "source": published.source,
            "published": published_effect(check),
            "emulation": check.emulation,
            "calibration_use": published.calibration_use,
            "spec": name,
        }
        if check.statistic == "share":
            assert check.reach is not None
            found.append(
                ExternalCohort(
                    **common,
                    group_day=spec.screening.day,
                    group=spec.screening,
                    group_text=check.group_text,
                    outcome_day=start + check.visit,
                    reach=check.reach,
                    outcome_text=check.outcome_text,
                )
            )
            continue
        assert check.contrast is not None
        responder = check.statistic == "responder"
        found.append(
            ExternalTrial(
                **common,
                start_day=start,
                screening=spec.screening,
                arms=dict(loaded.protocols),
                contrast=check.contrast,
                outcome_measure=spec.outcome.scale,
                outcome_day=start + check.visit,
                statistic=check.statistic,
                responder_points=spec.outcome.responder_change if responder else 0.0,
                therapy_weeks=check.therapy_weeks,
            )
        )
    return found


def load_external_checks(
    folder: str | Path = TRIALS_DIR,
) -> tuple[tuple[ExternalTrial, ...], tuple[ExternalCohort, ...]]:
    """Every check of the trial specs in ``folder`` (its ``*.toml``, in name order).

    Raises
    ------
    strokesim.errors.UserInputError
        For an invalid spec (the field named, as for any trial spec).
    ValueError
        For a spec without ``[published]``, or two checks with one key.
    """
    checks: list[ExternalTrial | ExternalCohort] = []
    for path in sorted(Path(folder).glob("*.toml")):
        checks += _checks_of(load_trial(path), path.name)
    keys = [check.key for check in checks]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        raise ValueError(f"external checks named twice: {', '.join(twice)}")
    return (
        tuple(c for c in checks if isinstance(c, ExternalTrial)),
        tuple(c for c in checks if isinstance(c, ExternalCohort)),
    )


#: The shipped trials and cohorts, in the order of the report.
EXTERNAL_TRIALS, EXTERNAL_COHORTS = load_external_checks()


def external_check(key: str) -> ExternalTrial | ExternalCohort:
    """The shipped check named ``key`` (e.g. ``"NICHE"``, ``"Winters 2016"``).

    Raises
    ------
    KeyError
        If no shipped check has that key.
    """
    for check in (*EXTERNAL_TRIALS, *EXTERNAL_COHORTS):
        if check.key == key:
            return check
    raise KeyError(key)
