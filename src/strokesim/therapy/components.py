"""The building blocks of a protocol: the schedule fields shared by all, and the training kinds.

Every component runs from ``start_day`` (day since stroke onset) for
``duration_days`` days, with sessions on the first ``sessions_per_week`` days of
each 7-day week counted from ``start_day`` (5 → a Monday–Friday pattern).

Training components (task training, CIMT shaping, bimanual, robot, virtual
reality) supply therapy trials; stimulation components (brain stimulation, VNS)
act on the training given on the same day; drugs act on the plasticity gain P(t)
on dosing days (those two live in :mod:`strokesim.therapy.modulators`).
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import AfterValidator, Field, model_validator

from strokesim.errors import UserInputError
from strokesim.model.anatomy import TASK_FAMILIES
from strokesim.therapy._fields import Between, StrictModel
from strokesim.therapy.parameters import therapy_parameter

__all__ = [
    "BimanualTraining",
    "ConstraintInducedTherapy",
    "RobotTraining",
    "TaskTraining",
    "VirtualRealityTraining",
]

# Ten years after onset bounds every schedule (and the arrays built from it).
_MAX_DAY = 3650
_TASK_MIX_TOLERANCE = 0.01  # users write thirds as 0.33/0.33/0.34
_UNIMANUAL_EVEN = {"proximal_reach": 1 / 3, "distal_grasp": 1 / 3, "fine_pinch": 1 / 3}

Trials = Annotated[int, Between(1, 1000, "trials")]
Minutes = Annotated[float, Between(1, 480, "min")]
Fraction = Annotated[float, Between(0.0, 1.0, "(fraction)")]


def _check_task_mix(mix: dict[str, float]) -> dict[str, float]:
    for family in mix:
        if family not in TASK_FAMILIES:
            raise UserInputError(
                family, f"unknown task family; allowed: {', '.join(TASK_FAMILIES)}"
            )
    total = sum(mix.values())
    if abs(total - 1.0) > _TASK_MIX_TOLERANCE:
        raise UserInputError("", f"fractions must sum to 1, got {total:.3g}")
    return mix


TaskMix = Annotated[dict[str, Fraction], AfterValidator(_check_task_mix)]


class _Component(StrictModel):
    """Fields shared by every component (days since stroke onset)."""

    kind: str
    start_day: Annotated[int, Between(0, _MAX_DAY, "days since onset")]
    duration_days: Annotated[int, Between(1, _MAX_DAY, "days")]
    sessions_per_week: Annotated[int, Between(1, 7, "sessions/week")] = 5

    @property
    def end_day(self) -> int:
        """First day after the component (exclusive end), in days since onset."""
        return self.start_day + self.duration_days

    def session_mask(self, days: int) -> np.ndarray:
        """Which of days ``0 .. days-1`` carry a session (bool array, length ``days``)."""
        offset = np.arange(days) - self.start_day
        return (offset >= 0) & (offset < self.duration_days) & (offset % 7 < self.sessions_per_week)

    @property
    def session_count(self) -> int:
        """Number of sessions over the whole component."""
        weeks, rest = divmod(self.duration_days, 7)
        return weeks * self.sessions_per_week + min(rest, self.sessions_per_week)


class _Training(_Component):
    """A component that supplies therapy trials."""

    def trials(self) -> float:
        """Therapy trials per session."""
        return float(self.trials_per_session)  # type: ignore[attr-defined]

    def session_minutes(self) -> float:
        """Minutes of training per session."""
        return float(self.minutes_per_session)  # type: ignore[attr-defined]

    def family_fractions(self) -> np.ndarray:
        """Share of the trials in each of :data:`~strokesim.model.anatomy.TASK_FAMILIES`."""
        mix: dict[str, float] = self.task_mix  # type: ignore[attr-defined]
        shares = np.array([mix.get(family, 0.0) for family in TASK_FAMILIES], dtype=float)
        return shares / shares.sum()

    def error_feedback(self) -> float:
        """Fraction of the error signal kept in these trials (1 = unassisted)."""
        return 1.0

    def engagement(self) -> float:
        """Learning multiplier of these trials (1 = ordinary practice)."""
        return 1.0


class TaskTraining(_Training):
    """Task-specific (repetitive, functional) arm training.

    Dose is the number of trials, not the minutes: Lang et al. 2009 Arch Phys Med
    Rehabil 90:1692 counted a mean of 32 functional repetitions per usual-care
    session; Birkenmeier et al. 2010 Neurorehabil Neural Repair 24:620 and Lang et
    al. 2016 JAMA Neurol 73:1167 delivered ~300 repetitions per hour.

    Attributes
    ----------
    trials_per_session
        Repetitions per session (1–1000).
    task_mix
        Share of trials per task family (keys from ``TASK_FAMILIES``, summing to 1);
        default: even over proximal_reach, distal_grasp, fine_pinch.
    minutes_per_session
        Session length in minutes (1–480); sets the window over which a paired
        brain stimulation is averaged.
    """

    kind: Literal["task_training"] = "task_training"
    trials_per_session: Trials
    task_mix: TaskMix = Field(default_factory=lambda: dict(_UNIMANUAL_EVEN))
    minutes_per_session: Minutes = 60.0


class ConstraintInducedTherapy(_Training):
    """Constraint-induced movement therapy (CIMT): a mitt on the non-paretic hand plus shaping.

    EXCITE (Wolf et al. 2006 JAMA 296:2095): mitt for 90% of waking hours for 2
    weeks and up to 6 h/day of shaping on weekdays. Shaping practises each task
    in sets of ten 30-s trials with feedback (Taub et al. 1993 Arch Phys Med
    Rehabil 74:347; Morris, Taub & Mark 2006 Eura Medicophys 42:257); with rest,
    feedback and task changes this is ~50 trials per hour, so ~300 trials in a
    6-hour day.

    Attributes
    ----------
    mitt_fraction_of_waking_hours
        Fraction of waking hours the non-paretic hand is restrained (0–1, default 0.9).
    mitt_days_per_week
        Days per week the mitt is worn, counted like sessions (default 7: every day).
    shaping_trials_per_session
        Shaping trials per day of therapy (1–1000, default 300).
    minutes_per_session
        Shaping minutes per session (default 360 = 6 h).
    task_mix
        Unimanual task families only (the other hand is in a mitt).
    """

    kind: Literal["cimt"] = "cimt"
    mitt_fraction_of_waking_hours: Fraction = 0.9
    mitt_days_per_week: Annotated[int, Between(1, 7, "days/week")] = 7
    shaping_trials_per_session: Trials = 300
    minutes_per_session: Minutes = 360.0
    task_mix: TaskMix = Field(default_factory=lambda: dict(_UNIMANUAL_EVEN))

    @model_validator(mode="after")
    def _unimanual_only(self) -> ConstraintInducedTherapy:
        if self.task_mix.get("bimanual", 0.0) > 0.0:
            raise UserInputError(
                "task_mix.bimanual", "must be 0 for cimt (the non-paretic hand is in a mitt)"
            )
        return self

    def trials(self) -> float:
        """Shaping trials per session."""
        return float(self.shaping_trials_per_session)

    def mitt_mask(self, days: int) -> np.ndarray:
        """Which of days ``0 .. days-1`` the mitt is worn (bool array)."""
        offset = np.arange(days) - self.start_day
        in_window = (offset >= 0) & (offset < self.duration_days)
        return in_window & (offset % 7 < self.mitt_days_per_week)


class BimanualTraining(_Training):
    """Bimanual arm training: every trial is a bimanual task.

    E.g. BATRAC, bilateral arm training with rhythmic auditory cueing (Whitall et
    al. 2000 Stroke 31:2390; Luft et al. 2004 JAMA 292:1853: 1 h, 3×/week, 6 weeks).

    Attributes
    ----------
    trials_per_session
        Repetitions per session (1–1000).
    minutes_per_session
        Session length in minutes.
    """

    kind: Literal["bimanual_training"] = "bimanual_training"
    trials_per_session: Trials
    minutes_per_session: Minutes = 60.0

    def family_fractions(self) -> np.ndarray:
        """All trials belong to the ``bimanual`` family."""
        return np.array([family == "bimanual" for family in TASK_FAMILIES], dtype=float)


class RobotTraining(_Training):
    """Robot-assisted arm training: many movements, with assistance that removes error.

    VA ROBOTICS (Lo et al. 2010 N Engl J Med 362:1772): MIT-Manus, 1-h sessions
    with ~45 min of robot time and ~1024 movements, 3×/week for 12 weeks, moving
    from shoulder/elbow to wrist and hand modules (default mix 3/4 proximal, 1/4
    grasp).

    Attributes
    ----------
    trials_per_session
        Movements per session (1–2000, default 1024).
    assistance
        Fraction of the error signal the robot removes (0–1); the learning signal
        kept is ``1 - assistance``. Default from ``robot.assistance``.
    task_mix, minutes_per_session
        As for :class:`TaskTraining` (default 45 min).
    """

    kind: Literal["robot"] = "robot"
    # Robots deliver more movements than a therapist can (Lo 2010: ~1024 in 45 min).
    trials_per_session: Annotated[int, Between(1, 2000, "trials")] = 1024
    assistance: Fraction = Field(default_factory=lambda: therapy_parameter("robot.assistance"))
    task_mix: TaskMix = Field(
        default_factory=lambda: {"proximal_reach": 0.75, "distal_grasp": 0.25}
    )
    minutes_per_session: Minutes = 45.0

    def error_feedback(self) -> float:
        """Fraction of the error signal kept: ``1 - assistance``."""
        return 1.0 - self.assistance


class VirtualRealityTraining(_Training):
    """Virtual-reality or video-game based arm training.

    Laver et al. 2017 Cochrane CD008349; EVREST (Saposnik et al. 2016 Lancet
    Neurol 15:1019: ten 60-min sessions over 2 weeks).

    Attributes
    ----------
    trials_per_session
        Movements per session (1–1000).
    engagement_gain
        Learning multiplier from reward and engagement (1–2); default from
        ``virtual_reality.engagement_gain``.
    task_mix, minutes_per_session
        As for :class:`TaskTraining`.
    """

    kind: Literal["virtual_reality"] = "virtual_reality"
    trials_per_session: Trials
    engagement_gain: Annotated[float, Between(1.0, 2.0, "(learning multiplier)")] = Field(
        default_factory=lambda: therapy_parameter("virtual_reality.engagement_gain")
    )
    task_mix: TaskMix = Field(default_factory=lambda: dict(_UNIMANUAL_EVEN))
    minutes_per_session: Minutes = 60.0

    def engagement(self) -> float:
        """Learning multiplier of VR trials."""
        return float(self.engagement_gain)
