"""The result of an external check and its verdict against the published number.

Kept apart from the runner (:mod:`strokesim.validate.external`) so that the report
and the figure (:mod:`strokesim.validate.external_figure`) read results without
importing the runner (no import cycle).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from strokesim.validate.external_independence import Independence
from strokesim.validate.external_trials import ExternalCohort, ExternalTrial, PublishedEffect

__all__ = [
    "CohortResult",
    "ExternalResult",
    "compare_with_published",
    "counts_as_evidence",
    "per_patient_statistic",
    "reported_verdict",
]


@dataclass(frozen=True)
class ExternalResult:
    """The model's estimate of one trial's contrast, beside the published one.

    Attributes
    ----------
    trial
        The trial.
    n_included
        Virtual patients meeting the inclusion criteria.
    arm_means
        Mean per-patient statistic in every arm (the statistic's unit).
    estimate, ci
        Mean paired difference experimental − control, and its 95% bootstrap CI.
    verdict
        ``consistent``, ``higher`` or ``lower`` (see the module docstring).
    independence
        The check's independence status (``None``: not determined).
    """

    trial: ExternalTrial
    n_included: int
    arm_means: dict[str, float]
    estimate: float
    ci: tuple[float, float]
    verdict: str
    independence: Independence | None = None


@dataclass(frozen=True)
class CohortResult:
    """The model's share of a held-out cohort's group reaching its outcome.

    Attributes
    ----------
    check
        The cohort finding.
    n_group
        Virtual patients in the group.
    estimate, ci
        Percentage of the group reaching the outcome, and its 95% bootstrap CI.
    verdict
        ``consistent``, ``higher`` or ``lower`` than the published share.
    independence
        The check's independence status (``None``: not determined).
    """

    check: ExternalCohort
    n_group: int
    estimate: float
    ci: tuple[float, float]
    verdict: str
    independence: Independence | None = None


def reported_verdict(result: ExternalResult | CohortResult) -> str:
    """The verdict as reported: marked when the check is no evidence of generalisation.

    ``"<verdict> (calibration set)"`` for a trial moved into the calibration set,
    ``"<verdict> (not independent)"`` for a check that shares a parameter,
    objective or protocol default with it, the bare verdict otherwise.
    """
    check = result.trial if isinstance(result, ExternalResult) else result.check
    if getattr(check, "calibration_use", None):
        return f"{result.verdict} (calibration set)"
    if result.independence is not None and not result.independence.independent:
        return f"{result.verdict} (not independent)"
    return result.verdict


def counts_as_evidence(result: ExternalResult | CohortResult) -> bool:
    """A held-out (not calibration-set) check whose independence was found."""
    check = result.trial if isinstance(result, ExternalResult) else result.check
    status = result.independence
    return (
        not getattr(check, "calibration_use", None) and status is not None and (status.independent)
    )


def per_patient_statistic(trial: ExternalTrial, change: NDArray[np.float64]) -> NDArray[np.float64]:
    """The trial's statistic for each patient from the outcome's change (points).

    ``change`` as it is; ``responder``: 100 when the change reaches the trial's
    ``responder_points`` and 0 otherwise (so that means are percentages);
    ``weekly_slope``: change per week of therapy.

    Examples
    --------
    >>> from strokesim.validate.external_trials import external_check
    >>> per_patient_statistic(external_check("NICHE"), np.array([4.0, 5.0, 9.0])).tolist()
    [0.0, 100.0, 100.0]
    """
    if trial.statistic == "change":
        return change
    if trial.statistic == "responder":
        return np.where(change >= trial.responder_points, 100.0, 0.0)
    return change / trial.therapy_weeks


def compare_with_published(
    published: PublishedEffect, estimate: float, ci: tuple[float, float]
) -> str:
    """``consistent``, ``higher`` or ``lower`` than the published effect.

    Examples
    --------
    >>> from strokesim.validate.external_trials import external_check
    >>> vns, vectors = external_check("VNS-REHAB"), external_check("VECTORS")
    >>> compare_with_published(vns.published, 1.2, (0.9, 1.5))
    'consistent'
    >>> compare_with_published(vns.published, 0.5, (0.2, 0.8))
    'lower'
    >>> compare_with_published(vectors.published, 0.4, (0.1, 0.7))
    'higher'
    """
    if published.interval is not None:
        low, high = published.interval
        if estimate < low:
            return "lower"
        return "higher" if estimate > high else "consistent"
    if published.direction == "negative":
        return "consistent" if ci[1] < 0 else "higher"
    return "consistent" if ci[0] > 0 else "lower"
