"""Held-out published cohorts: prognosis from early signs, not used in calibration.

Where the held-out trials (:mod:`strokesim.validate.external_trials`) compare arms,
a cohort check compares a proportion: of the patients who show an early sign on a
given day, how many reach an outcome months later under usual care. The model's
proportion comes from the default virtual cohort's natural history; the published
one, with its 95% interval from the reported counts (Wilson), from the paper.

Each check states what the paper left open and how the emulation reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from strokesim.validate.experiments_twins import measure_values
from strokesim.validate.external_trials import PublishedEffect
from strokesim.validate.stats import wilson_interval

__all__ = ["EXTERNAL_COHORTS", "WINTERS_2016", "ExternalCohort"]


@dataclass(frozen=True)
class ExternalCohort:
    """One held-out prognostic cohort finding and its emulation.

    Attributes
    ----------
    key
        Short name (``"Winters 2016"``).
    finding
        The published result in one sentence.
    source
        Citation.
    group_day, group, group_text
        The day (since onset) of the early assessment, the rule that selects the
        group from that day's assessment (a boolean per patient) and its wording.
    outcome_day, outcome, outcome_text
        The day of the outcome assessment, the rule that says who reached it, and
        its wording.
    published
        The published proportion (percent) with its 95% interval.
    emulation
        How the model reads the cohort, and what the paper left open.
    """

    key: str
    finding: str
    source: str
    group_day: int
    group: Callable[[xr.Dataset], NDArray[np.bool_]]
    group_text: str
    outcome_day: int
    outcome: Callable[[xr.Dataset], NDArray[np.bool_]]
    outcome_text: str
    published: PublishedEffect
    emulation: str


def _percent_of(successes: int, n: int) -> tuple[float, tuple[float, float]]:
    """Published k of n as a percentage and its Wilson 95% interval (percent)."""
    low, high = wilson_interval(successes, n)
    return 100.0 * successes / n, (100.0 * low, 100.0 * high)


#: ARAT at or above which a patient has "some dexterity" (can pick up a small
#: object; Kwakkel et al. 2003 Stroke 34:2181; Nijland et al. 2010 Stroke 41:745).
_SOME_DEXTERITY_ARAT: Final[int] = 10


def _no_finger_extension(assessment: xr.Dataset) -> NDArray[np.bool_]:
    return measure_values(assessment, "finger_mass_extension") == 0


def _some_dexterity(assessment: xr.Dataset) -> NDArray[np.bool_]:
    return assessment["arat"].transpose("patient").to_numpy() >= _SOME_DEXTERITY_ARAT


_WINTERS_VALUE, _WINTERS_INTERVAL = _percent_of(45, 100)

WINTERS_2016: Final = ExternalCohort(
    key="Winters 2016",
    finding=(
        "Of 100 patients without voluntary finger extension 8 ± 4 days after stroke, 45 "
        "had some dexterity (ARAT ≥ 10) at 6 months."
    ),
    source=(
        "Winters C, Kwakkel G, Nijland R, van Wegen E (EXPLICIT-stroke). When does return "
        "of voluntary finger extension occur post-stroke? A prospective cohort study. PLoS "
        "One 2016;11:e0160528"
    ),
    group_day=8,
    group=_no_finger_extension,
    group_text="no voluntary finger extension (FMA-UE finger mass extension item 0) on day 8",
    outcome_day=180,
    outcome=_some_dexterity,
    outcome_text="ARAT ≥ 10 on day 180",
    published=PublishedEffect(
        value=_WINTERS_VALUE,
        interval=_WINTERS_INTERVAL,
        note="45 of 100 patients; 95% Wilson interval from these counts",
    ),
    emulation=(
        "Default virtual cohort under usual care. The group is read on day 8, the "
        "paper's mean (8 ± 4 days). The patients of EXPLICIT-stroke's poor-prognosis "
        "trial received 3 weeks of EMG-triggered neuromuscular stimulation or usual care, "
        "which did not differ (Kwakkel et al. 2016 Neurorehabil Neural Repair 30:804); both "
        "are read as usual care. The "
        "cohort's other entry criteria (first-ever ischaemic stroke with arm paresis) "
        "are those of the default population."
    ),
)

#: Every held-out cohort check.
EXTERNAL_COHORTS: Final[tuple[ExternalCohort, ...]] = (WINTERS_2016,)
