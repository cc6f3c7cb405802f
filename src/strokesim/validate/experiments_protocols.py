"""The therapy arms of the validation experiments, and their designs (days, doses, inclusion).

Each experiment of V6–V9 and V12 has a frozen design dataclass whose defaults are
the emulation described in ``docs/validation.md``; tests pass shorter designs.
Where a shipped protocol exists (``rtms_1hz_contralesional_training``,
``sham_rtms_training``, ``cimt_2_weeks``, ``high_dose_90h_3_weeks``), its doses
are taken from the protocol file and only its start day is moved, so each dose
is written once. Every arm keeps the usual-care background (days 3–92), so arms
that branch before day 93 differ only in the added therapy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from strokesim.model.anatomy import TASK_FAMILIES
from strokesim.therapy import (
    Protocol,
    TaskTraining,
    beyond_usual_care,
    named_protocol,
    on_usual_care,
)

__all__ = [
    "V6_DESIGN",
    "V7_DESIGN",
    "V8_DESIGN",
    "V9_DESIGN",
    "V12_DESIGN",
    "ConstraintDesign",
    "ExtraTrainingDesign",
    "IntensiveDesign",
    "StimulationDesign",
    "TaskSpecificityDesign",
    "constraint_protocol",
    "extra_training_protocol",
    "family_training_protocol",
    "intensive_protocol",
    "shifted_protocol",
    "stimulation_protocols",
]

_DAYS_PER_WEEK: Final[int] = 7


@dataclass(frozen=True)
class StimulationDesign:
    """V6: 1 Hz rTMS of contralesional M1 before training, against sham + the same training.

    Attributes
    ----------
    start_day
        Snapshot and first session (days since onset; subacute, VALIDATION.md: 14).
    outcome_day
        Day of the lasting FMA-UE outcome (90).
    acute_measure
        Output variable of the acute outcome (% of healthy).

    Notes
    -----
    Doses from ``rtms_1hz_contralesional_training`` / ``sham_rtms_training``: 10
    weekday sessions of 1500 pulses at 90% RMT (25 min) right before 1 h of task
    training with 300 repetitions (Takeuchi 2005 Stroke 36:2681). The acute outcome
    is ``acute_measure`` right after the last session: a timed paretic-hand score
    without a ceiling for mild patients (VALIDATION.md).
    """

    start_day: int = 14
    outcome_day: int = 90
    acute_measure: str = "paretic_dexterity"


@dataclass(frozen=True)
class ConstraintDesign:
    """V7: 2 weeks of constraint-induced movement therapy in chronic patients.

    Attributes
    ----------
    start_day
        Snapshot and first day of CIMT (270: 9 months, the late end of EXCITE's 3–9).
    follow_up_days
        Days from the end of therapy to the follow-up use measure (365: 12 months).
    fma_range
        Inclusion: FMA-UE at ``start_day`` within this range (points, inclusive).
    min_extension_mrc
        Inclusion like EXCITE's minimum motor criteria (some active wrist and finger
        extension): MRC grade of wrist extension and of finger extension at least this.

    Notes
    -----
    Doses from ``cimt_2_weeks`` (EXCITE, Wolf 2006 JAMA 296:2095): mitt 90% of
    waking hours every day for 14 days, 300 shaping trials on 10 weekdays.
    """

    start_day: int = 270
    follow_up_days: int = 365
    fma_range: tuple[int, int] = (10, 60)
    min_extension_mrc: int = 1


@dataclass(frozen=True)
class ExtraTrainingDesign:
    """V8: the same extra training started early or late, against no-extra twins.

    Attributes
    ----------
    early_start_day, late_start_day
        Snapshot days of the two experiments (60 and 200, as in CPASS's early
        subacute and chronic groups, Dromerick 2021 PNAS).
    weeks, sessions_per_week, minutes_per_session
        10 weeks of 2 × 60 min: 20 extra hours (CPASS).
    trials_per_hour
        64 repetitions per hour: the rate of usual-care arm therapy (32 per 30 min,
        Lang 2009 Arch Phys Med Rehabil 90:1692), so the extra 20 h are "more of
        the same" therapy rather than a different, denser kind.
    """

    early_start_day: int = 60
    late_start_day: int = 200
    weeks: int = 10
    sessions_per_week: int = 2
    minutes_per_session: int = 60
    trials_per_hour: int = 64

    @property
    def duration_days(self) -> int:
        """Length of the training window (days)."""
        return self.weeks * _DAYS_PER_WEEK

    @property
    def trials_per_session(self) -> int:
        """Repetitions per session."""
        return round(self.trials_per_hour * self.minutes_per_session / 60)

    @property
    def extra_hours(self) -> float:
        """Total extra training (hours)."""
        return self.weeks * self.sessions_per_week * self.minutes_per_session / 60


@dataclass(frozen=True)
class IntensiveDesign:
    """V9: 90 h of arm therapy over 3 weeks in chronic, moderately impaired patients.

    Attributes
    ----------
    start_day
        Snapshot and first session (540: 18 months, the Queen Square median).
    follow_up_days
        Days from the end of therapy to follow-up (182: 6 months).
    fma_range
        Inclusion: FMA-UE at ``start_day`` within this range (points, inclusive);
        Ward 2019 JNNP enrolled a median FM-UL of 26/54 with a wide spread.

    Notes
    -----
    Doses from ``high_dose_90h_3_weeks`` (6 h/day, 5 days/week, 3 weeks).
    """

    start_day: int = 540
    follow_up_days: int = 182
    fma_range: tuple[int, int] = (20, 50)


@dataclass(frozen=True)
class TaskSpecificityDesign:
    """V12: four weeks of training on one task family, twins trained on another.

    Attributes
    ----------
    start_day
        Snapshot and first session. Day 180 (chronic): usual care has ended and
        spontaneous return has levelled off, so the gains are those of training
        and the figure's absolute gains read directly.
    weeks, trials_per_session, minutes_per_session
        4 weeks, weekdays, 300 repetitions in 60 min (the ~300 per hour of
        Birkenmeier 2010 Neurorehabil Neural Repair 24:620 and Lang 2016 JAMA
        Neurol 73:1167).
    families
        The two task families trained in the two arms.
    """

    start_day: int = 180
    weeks: int = 4
    trials_per_session: int = 300
    minutes_per_session: int = 60
    families: tuple[str, str] = ("distal_grasp", "proximal_reach")

    def __post_init__(self) -> None:
        unknown = [family for family in self.families if family not in TASK_FAMILIES]
        if unknown or len(set(self.families)) != 2:
            raise ValueError(f"families must be two distinct names of {TASK_FAMILIES}")

    @property
    def duration_days(self) -> int:
        """Length of the training window (days)."""
        return self.weeks * _DAYS_PER_WEEK


#: The default designs: the emulations described in ``docs/validation.md``.
V6_DESIGN: Final[StimulationDesign] = StimulationDesign()
V7_DESIGN: Final[ConstraintDesign] = ConstraintDesign()
V8_DESIGN: Final[ExtraTrainingDesign] = ExtraTrainingDesign()
V9_DESIGN: Final[IntensiveDesign] = IntensiveDesign()
V12_DESIGN: Final[TaskSpecificityDesign] = TaskSpecificityDesign()


def shifted_protocol(name: str, start_day: int) -> Protocol:
    """A shipped protocol with its therapy (not its usual-care background) moved to ``start_day``.

    Parameters
    ----------
    name
        A shipped protocol whose first components are the usual-care background.
    start_day
        New first day (days since onset) of the earliest non-background component;
        the others keep their offsets from it.

    Returns
    -------
    Protocol
        Same name, components and doses; start days moved.
    """
    protocol = named_protocol(name)
    therapy = beyond_usual_care(protocol)
    offset = start_day - min(c.start_day for c in therapy)
    moved = [
        type(c).model_validate({**c.model_dump(), "start_day": c.start_day + offset})
        for c in therapy
    ]
    return on_usual_care(
        protocol.name, f"{protocol.description} Started on day {start_day} here.", *moved
    )


def stimulation_protocols(design: StimulationDesign) -> dict[str, Protocol]:
    """V6 arms: ``{"rtms": active 1 Hz rTMS + training, "sham": sham + the same training}``."""
    return {
        "rtms": shifted_protocol("rtms_1hz_contralesional_training", design.start_day),
        "sham": shifted_protocol("sham_rtms_training", design.start_day),
    }


def constraint_protocol(design: ConstraintDesign) -> Protocol:
    """V7 arm: EXCITE-like CIMT from ``design.start_day``."""
    return shifted_protocol("cimt_2_weeks", design.start_day)


def intensive_protocol(design: IntensiveDesign) -> Protocol:
    """V9 arm: the Queen Square 90-hour programme from ``design.start_day``."""
    return shifted_protocol("high_dose_90h_3_weeks", design.start_day)


def extra_training_protocol(design: ExtraTrainingDesign, start_day: int) -> Protocol:
    """V8 arm: usual care plus 20 h of extra task training over 10 weeks from ``start_day``."""
    extra = TaskTraining(
        start_day=start_day,
        duration_days=design.duration_days,
        sessions_per_week=design.sessions_per_week,
        trials_per_session=design.trials_per_session,
        minutes_per_session=design.minutes_per_session,
    )
    return on_usual_care(
        f"extra_training_day{start_day}",
        (
            f"Usual care plus {design.extra_hours:g} h of extra task training "
            f"({design.sessions_per_week} × {design.minutes_per_session} min per week for "
            f"{design.weeks} weeks, {design.trials_per_session} repetitions per session) "
            f"from day {start_day} (CPASS, Dromerick 2021 PNAS)."
        ),
        extra,
    )


def family_training_protocol(design: TaskSpecificityDesign, family: str) -> Protocol:
    """V12 arm: usual care plus weekday training on ``family`` only from ``design.start_day``."""
    training = TaskTraining(
        start_day=design.start_day,
        duration_days=design.duration_days,
        sessions_per_week=5,
        trials_per_session=design.trials_per_session,
        minutes_per_session=design.minutes_per_session,
        task_mix={family: 1.0},
    )
    return on_usual_care(
        f"train_{family}",
        (
            f"{design.weeks} weeks of weekday training on {family} only "
            f"({design.trials_per_session} repetitions in {design.minutes_per_session} min) "
            f"from day {design.start_day}."
        ),
        training,
    )
