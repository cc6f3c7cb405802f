"""Validation metrics V1–V13: one pure function per published target, and a cohort adapter.

The public surface of the validation metrics, re-exported from the modules that
implement them:

- :mod:`~strokesim.validate.metrics_targets`: :data:`TARGETS` (pass ranges,
  written once);
- :mod:`~strokesim.validate.metrics_core`: :class:`TargetResult`,
  :func:`format_results_table`;
- :mod:`~strokesim.validate.metrics_recovery`: natural recovery in the default
  cohort (V1–V5);
- :mod:`~strokesim.validate.metrics_experiments`: counterfactual-twin experiments
  (V6–V9, V12);
- :mod:`~strokesim.validate.metrics_secondary`: spasticity and the non-paretic
  arm (V10, V11);
- :mod:`~strokesim.validate.metrics_laterality`: laterality of task-related
  cortical activity (V13).

Every metric takes plain per-patient arrays. :func:`evaluate_cohort` reads those
arrays from the ``xarray.Dataset`` that ``strokesim.simulate`` returns for the
default cohort (see ``docs/dataset.md``) and runs the cohort targets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from strokesim.validate.metrics_core import TargetResult, format_results_table
from strokesim.validate.metrics_experiments import (
    chronic_intensive,
    contralesional_inhibition,
    learned_non_use,
    task_specificity,
    training_timing,
)
from strokesim.validate.metrics_laterality import laterality_recovery
from strokesim.validate.metrics_recovery import (
    mep_positive_outcome,
    non_fitters,
    prep2_accuracy,
    proportional_recovery,
    recovery_timing,
)
from strokesim.validate.metrics_secondary import nonparetic_deficit, spasticity
from strokesim.validate.metrics_targets import TARGETS, Range, TargetSpec

if TYPE_CHECKING:
    import xarray as xr

__all__ = [
    "TARGETS",
    "Range",
    "TargetResult",
    "TargetSpec",
    "chronic_intensive",
    "contralesional_inhibition",
    "evaluate_cohort",
    "format_results_table",
    "laterality_recovery",
    "learned_non_use",
    "mep_positive_outcome",
    "non_fitters",
    "nonparetic_deficit",
    "prep2_accuracy",
    "proportional_recovery",
    "recovery_timing",
    "spasticity",
    "task_specificity",
    "training_timing",
]

#: Day of FMA0, SAFE and NIHSS (day 0 = onset).
BASELINE_DAY: Final[int] = 3
#: Window (days) in which an MEP counts as "early" (PREP2 tests TMS on days 3–7).
MEP_WINDOW_DAYS: Final[tuple[int, int]] = (3, 7)
#: Days of the week-1 and week-26 non-paretic assessments, and the slack allowed.
WEEK1_DAY: Final[int] = 7
WEEK26_DAY: Final[int] = 182
_WEEK_SLACK_DAYS: Final[int] = 3


def evaluate_cohort(
    dataset: xr.Dataset,
    *,
    dex_controls: ArrayLike | None = None,
    n_boot: int = 1000,
    seed: int | np.random.Generator = 0,
    alpha: float = 0.05,
) -> list[TargetResult]:
    """Run the targets measured on the default cohort under usual care.

    Parameters
    ----------
    dataset
        Output of ``strokesim.simulate`` for the default cohort (``docs/dataset.md``):
        must record days 3, 7, 84, 90 and 180, a day in 3–7 for the MEP and, for
        V11, a day within 3 days of 182.
    dex_controls
        Non-paretic dexterity of virtual healthy controls; V11 is skipped when
        ``None``.
    n_boot, seed, alpha
        Bootstrap replicates, seed and 1 − confidence level of the intervals.

    Returns
    -------
    list of TargetResult
        V1, V2, V3, V4, V5, V10 and (with controls) V11, in that order.

    Raises
    ------
    ValueError
        If a needed day or variable is not in the dataset.

    Notes
    -----
    Days: FMA0, SAFE at day 3; MEP at the first recorded day in 3–7; ARAT at day
    90; FMA-UE at day 84 and 180; MAS at days 7, 90, 180; non-paretic dexterity at
    week 1 (day 7) and week 26 (the recorded day nearest 182, ±3).
    """
    boot = {"n_boot": n_boot, "seed": seed, "alpha": alpha}
    fma0 = _at_day(dataset, "fma_ue", BASELINE_DAY)
    fma180 = _at_day(dataset, "fma_ue", 180)
    mep = _early_mep(dataset)
    arat90 = _at_day(dataset, "arat", 90)
    results = [
        proportional_recovery(fma0, fma180, mep, alpha=alpha),
        non_fitters(fma0, fma180, mep, **boot),
        recovery_timing(
            dataset["day"].to_numpy(),
            dataset["fma_ue"].transpose("patient", "day").to_numpy(),
            fma0,
            baseline_day=BASELINE_DAY,
            **boot,
        ),
        prep2_accuracy(
            _at_day(dataset, "safe", BASELINE_DAY),
            dataset["age"].to_numpy(),
            mep,
            dataset["nihss"].to_numpy(),
            arat90,
            **boot,
        ),
        mep_positive_outcome(mep, arat90, **boot),
        spasticity(
            _at_day(dataset, "mas_elbow", 7),
            _at_day(dataset, "mas_elbow", 90),
            _at_day(dataset, "mas_elbow", 180),
            fma0,
            **boot,
        ),
    ]
    if dex_controls is not None:
        results.append(
            nonparetic_deficit(
                _at_day(dataset, "nonparetic_dexterity", WEEK1_DAY, slack=_WEEK_SLACK_DAYS),
                _at_day(dataset, "nonparetic_dexterity", WEEK26_DAY, slack=_WEEK_SLACK_DAYS),
                dex_controls,
                fma0,
                **boot,
            )
        )
    return results


def _at_day(dataset: xr.Dataset, name: str, day: int, *, slack: int = 0) -> NDArray[np.float64]:
    """One value per patient of a (patient, day) variable at the recorded day nearest ``day``."""
    if name not in dataset:
        raise ValueError(f"dataset has no variable {name!r}")
    days = dataset["day"].to_numpy()
    distance = np.abs(days - day)
    if days.size == 0 or distance.min() > slack:
        within = f" (±{slack})" if slack else ""
        raise ValueError(f"{name}: day {day}{within} is not among the recorded days")
    chosen = days[int(np.argmin(distance))]
    values = dataset[name].sel(day=chosen).transpose("patient")
    return values.to_numpy().astype(np.float64)


def _early_mep(dataset: xr.Dataset) -> NDArray[np.bool_]:
    """MEP presence at the first recorded day within :data:`MEP_WINDOW_DAYS`."""
    first, last = MEP_WINDOW_DAYS
    days = dataset["day"].to_numpy()
    in_window = days[(days >= first) & (days <= last)]
    if in_window.size == 0:
        raise ValueError(f"mep_present: no recorded day in {first}–{last}")
    return dataset["mep_present"].sel(day=in_window[0]).transpose("patient").to_numpy().astype(bool)
