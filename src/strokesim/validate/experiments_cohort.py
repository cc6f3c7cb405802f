"""The virtual cohort of one validation run, and the simulations its targets share.

A :class:`ValidationCohort` fixes the default virtual population (``n`` patients
drawn with one root seed) and runs, on first use and once only:

- the **natural history**: every patient under usual care for 180 days, assessed
  on :data:`NATURAL_HISTORY_DAYS` (targets V1–V5, V10, V11, V13);
- the **usual-care course**: the same patients advanced day by day under usual
  care, with the full state kept at the days the experiments branch from
  (counterfactual twins of V6–V9, V12). Snapshots are chained: the state at day
  540 is reached from the one at day 270, not re-simulated from onset;
- **healthy controls**: lesion-free virtual people with the cohort's ages (V11, V13).

Every run here continues a snapshot (:func:`strokesim.branching.run_arms`) with the
protocol compiled over one fixed horizon (:data:`COURSE_HORIZON_DAYS`): a run only
simulates up to its last assessment day, and equal input shapes let every run of
the battery reuse one compiled program instead of compiling one per length.

Nothing here computes a metric; :mod:`strokesim.validate.experiments` reads these
runs into the inputs of the metric functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from strokesim.branching import Snapshot, advance, onset, run_arms
from strokesim.cohort.population import sample_population
from strokesim.errors import UserInputError
from strokesim.model.parameters import model_parameters
from strokesim.simulate import Record, VirtualPatients
from strokesim.therapy import Protocol, no_therapy, usual_care

__all__ = [
    "BASELINE_DAY",
    "BATTERY_IDS",
    "COURSE_HORIZON_DAYS",
    "NATURAL_HISTORY_DAYS",
    "CohortIds",
    "ValidationCohort",
]

#: Day of FMA0 (FMA-UE at day 3), SAFE and NIHSS (VALIDATION.md conventions).
BASELINE_DAY: Final[int] = 3
#: Assessment days of the natural-history run: days 3 and 7, weekly to week 12,
#: day 90 (3 months), then every 4 weeks to day 180 (6 months).
NATURAL_HISTORY_DAYS: Final[tuple[int, ...]] = (
    3,
    7,
    *range(14, 85, 7),
    90,
    112,
    140,
    168,
    180,
)
#: Length of the natural-history run (days since onset).
NATURAL_HISTORY_LENGTH: Final[int] = 180
#: Length (days since onset) over which every protocol of the battery is compiled;
#: covers the latest default follow-up (V9: day 743).
COURSE_HORIZON_DAYS: Final[int] = 1095
#: Smallest cohort the validation accepts (a handful of patients per LEAPS band).
MIN_PATIENTS: Final[int] = 8
#: Largest cohort (a sanity bound for a command-line value).
MAX_PATIENTS: Final[int] = 1_000_000


@dataclass(frozen=True)
class CohortIds:
    """The id prefixes of a cohort's virtual patients and healthy controls.

    Every random draw of a patient is keyed by (root seed, purpose, id)
    (:mod:`strokesim.random_streams`), so cohorts with different prefixes draw
    different patients even at the same seed: the prefix, not only the label,
    decides who is in the cohort.

    Attributes
    ----------
    patients
        Prefix of the patients' ids (``"vp"`` → ``vp00000``, ``vp00001`` …).
    controls
        Prefix of the healthy controls' ids (``"hc"`` → ``hc00000`` …).
    """

    patients: str = "vp"
    controls: str = "hc"

    def __post_init__(self) -> None:
        if not self.patients or not self.controls or self.patients == self.controls:
            raise ValueError(f"patient and control prefixes must differ and be non-empty: {self}")

    def patient_ids(self, n: int) -> tuple[str, ...]:
        """The ids of ``n`` patients: prefix and a five-digit index."""
        return tuple(f"{self.patients}{index:05d}" for index in range(n))

    def control_ids(self, n: int) -> tuple[str, ...]:
        """The ids of ``n`` healthy controls: prefix and a five-digit index."""
        return tuple(f"{self.controls}{index:05d}" for index in range(n))


#: The ids of the cohorts the battery and the external checks report.
BATTERY_IDS: Final[CohortIds] = CohortIds("vp", "hc")


class ValidationCohort:
    """The default virtual cohort of a validation run, with its shared simulations.

    Parameters
    ----------
    n
        Number of virtual patients (default 1000, as VALIDATION.md asks).
    seed
        Root seed: the population draw and every patient's random streams.
    params
        Model parameters (default: the registry); a calibration run passes its own.
    ids
        Id prefixes of the patients and healthy controls (default
        :data:`BATTERY_IDS`: ``vp00000`` …, ``hc00000`` …); the calibration uses its
        own, so that its cohorts are disjoint from the ones the battery reports.
    population
        Overrides of the population registry's values
        (:data:`strokesim.cohort.population.POPULATION_PARAMETERS`), e.g. a
        calibration candidate's severity shape.

    Attributes
    ----------
    patients
        The virtual patients (ids ``vp00000`` … by default), resolved to lesion
        descriptors.
    protocol
        Usual care: ~30 min of arm therapy (32 repetitions) on weekdays, days 3–92.

    Raises
    ------
    strokesim.errors.UserInputError
        If ``n`` or ``seed`` is out of range (messages name ``--n`` and ``--seed``).

    Examples
    --------
    >>> cohort = ValidationCohort(n=16, seed=0)          # doctest: +SKIP
    >>> cohort.natural_history().sizes["patient"]        # doctest: +SKIP
    16
    """

    def __init__(
        self,
        n: int = 1000,
        seed: int = 0,
        *,
        params: dict[str, float] | None = None,
        ids: CohortIds = BATTERY_IDS,
        population: Mapping[str, float] | None = None,
    ):
        self.check_size(n, seed)
        self.n = n
        self.seed = seed
        self.params = dict(params) if params is not None else model_parameters()
        self.ids = ids
        self.population = dict(population) if population else None
        self.patients = VirtualPatients.from_population(
            sample_population(
                ids.patient_ids(n), seed, params=self.params, population=self.population
            )
        )
        self.protocol: Protocol = usual_care()
        self._natural_history: xr.Dataset | None = None
        self._snapshots: dict[int, Snapshot] = {}
        self._assessments: dict[int, xr.Dataset] = {}
        self._controls: dict[tuple[int, int], xr.Dataset] = {}
        self._planned: set[int] = set()

    @staticmethod
    def check_size(n: int, seed: int) -> None:
        """Raise :class:`~strokesim.errors.UserInputError` for a bad cohort size or seed."""
        if isinstance(n, bool) or not isinstance(n, int) or not MIN_PATIENTS <= n <= MAX_PATIENTS:
            raise UserInputError(
                "--n", f"must be an integer in {MIN_PATIENTS}–{MAX_PATIENTS}, got {n}"
            )
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
            raise UserInputError("--seed", f"must be an integer in 0–{2**32 - 1}, got {seed}")

    def natural_history(self) -> xr.Dataset:
        """Every patient under usual care for 180 days, assessed on the natural-history days.

        Returns
        -------
        xarray.Dataset
            Variables and coordinates as ``strokesim.simulate`` returns them
            (``docs/dataset.md``), days :data:`NATURAL_HISTORY_DAYS`.
        """
        if self._natural_history is None:
            self._natural_history = self.run_arms(
                0, {"usual_care": self.protocol}, Record(NATURAL_HISTORY_DAYS)
            ).sel(arm="usual_care", drop=True)
        return self._natural_history

    def plan(self, days: Iterable[int]) -> None:
        """Announce snapshot days that experiments will ask for.

        When a later day is requested, the course stops at each announced day on
        the way and keeps its state, so the experiments may run in any order
        without simulating a stretch of usual care twice.
        """
        self._planned.update(int(day) for day in days)

    def snapshot(self, day: int) -> Snapshot:
        """The whole state of every patient on ``day`` (days since onset) under usual care."""
        if day not in self._snapshots:
            if not self._snapshots:
                self._snapshots[0] = onset(
                    self.patients, self.protocol, seed=self.seed, params=self.params
                )
            for stop in sorted({day} | {d for d in self._planned if d < day}):
                if stop not in self._snapshots:
                    latest = max(d for d in self._snapshots if d < stop)
                    self._snapshots[stop] = advance(
                        self._snapshots[latest], stop, horizon=COURSE_HORIZON_DAYS
                    )
        return self._snapshots[day]

    def run_arms(
        self,
        day: int,
        protocols: Mapping[str, Protocol],
        record: Record,
        *,
        patients: NDArray[np.bool_] | None = None,
    ) -> xr.Dataset:
        """Branch the usual-care course on ``day`` into ``protocols`` (counterfactual twins).

        ``patients``: a mask over the cohort; only those patients are simulated (each
        one's course is the same as in a run of the whole cohort).

        Returns
        -------
        xarray.Dataset
            As :func:`strokesim.branching.run_arms`: an ``arm`` dimension in the
            order of ``protocols``.
        """
        horizon = max(COURSE_HORIZON_DAYS, record.days[-1])
        snap = self.snapshot(day)
        if patients is not None:
            snap = snap.take(patients)
        return run_arms(snap, protocols, days=horizon, record=record)

    def assess(self, day: int) -> xr.Dataset:
        """Assess every patient on ``day`` (no therapy change; rater noise as on any day).

        Returns
        -------
        xarray.Dataset
            One recorded day, without a ``day`` dimension. Assessments are keyed by
            (patient, day), so the scores equal those of any run recording that day.
        """
        if day not in self._assessments:
            arms = self.run_arms(day, {"usual_care": self.protocol}, Record((day,)))
            self._assessments[day] = arms.sel(arm="usual_care", day=day, drop=True)
        return self._assessments[day]

    def healthy_controls(self, n_controls: int, day: int) -> xr.Dataset:
        """Lesion-free virtual people with ages drawn like the cohort's, assessed on ``day``.

        Parameters
        ----------
        n_controls
            How many (ids ``hc00000`` … by default; at least 20, for a meaningful 5th percentile).
        day
            Assessment day of a run without therapy (days since "onset").

        Returns
        -------
        xarray.Dataset
            One recorded day, without a ``day`` dimension. Run once per
            (``n_controls``, ``day``) and kept until :meth:`release`, so targets
            asking for the same controls (V11, V13) share one run.
        """
        if n_controls < 20:
            raise UserInputError("n_controls", f"must be at least 20, got {n_controls}")
        if (n_controls, day) in self._controls:
            return self._controls[(n_controls, day)]
        ids = self.ids.control_ids(n_controls)
        draw = sample_population(ids, self.seed, params=self.params, population=self.population)
        controls = VirtualPatients.healthy(ids, draw.age)
        start = onset(controls, no_therapy(), seed=self.seed, params=self.params)
        horizon = max(COURSE_HORIZON_DAYS, day)
        arms = run_arms(start, {"no_therapy": start.protocol}, days=horizon, record=Record((day,)))
        self._controls[(n_controls, day)] = arms.sel(arm="no_therapy", day=day, drop=True)
        return self._controls[(n_controls, day)]

    def release(self) -> None:
        """Drop the kept snapshots, assessments and controls (a snapshot: ~50 kB per patient)."""
        self._snapshots.clear()
        self._assessments.clear()
        self._controls.clear()
