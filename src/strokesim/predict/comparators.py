"""The published predictors beside the model's, computed from a patient's record.

* PREP2 (Stinear et al. 2017 Ann Clin Transl Neurol 4:811): category of ARAT at
  3 months from SAFE and age on day 3, MEP status and NIHSS
  (:func:`strokesim.predict.prep2.prep2_category`); None when a finding the tree
  needs is missing.
* Proportional recovery (Winters et al. 2015 Neurorehabil Neural Repair 29:614):
  from the first FMA-UE observed within the first 14 days.
* The exponential mixture model (van der Vliet et al. 2020 Ann Neurol 87:383,
  :mod:`strokesim.predict.mixture`, shipped fit): posterior mean at the horizon
  given every observed FMA-UE.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from strokesim.errors import UserInputError
from strokesim.predict.baselines import proportional_recovery_prediction
from strokesim.predict.mixture import (
    _GRID,
    FM_MAX,
    MixtureParams,
    _log_joint,
    load_fit,
    mixture_curve,
)
from strokesim.predict.prep2 import prep2_category
from strokesim.predict.record import PatientRecord

__all__ = ["Baselines", "baselines_for", "mixture_from_series"]

#: Latest day of an FMA-UE usable as the proportional rule's FMA0 (days).
PROPORTIONAL_LATEST_DAY = 14


@dataclass(frozen=True)
class Baselines:
    """Published predictions for one patient (None where inputs are missing).

    Attributes
    ----------
    prep2
        PREP2 category (``Excellent``, ``Good``, ``Limited``, ``Poor``).
    proportional
        FMA-UE predicted at 3–6 months by proportional recovery.
    mixture
        FMA-UE predicted at the horizon by the mixture model.
    """

    prep2: str | None
    proportional: float | None
    mixture: float | None


def mixture_from_series(
    days: np.ndarray, scores: np.ndarray, horizon: float, params: MixtureParams | None = None
) -> np.ndarray:
    """Mixture-model posterior mean of FMA-UE at ``horizon`` given series.

    Parameters
    ----------
    days, scores
        Shape (N, J); NaN scores are missing.
    horizon
        Day of the prediction.
    params
        Mixture parameters (default: the shipped fit).
    """
    p = params if params is not None else load_fit()[0]
    scores = np.atleast_2d(np.asarray(scores, float))
    days = np.broadcast_to(np.asarray(days, float), scores.shape)
    mask = np.isfinite(scores)
    lj = _log_joint(p, days, np.where(mask, scores, 0.0), mask)
    post = np.exp(lj - logsumexp(lj, axis=(1, 2), keepdims=True))
    at_h = mixture_curve(
        _GRID[None, None, :],
        np.asarray(p.r)[None, :, None],
        np.asarray(p.tau_weeks)[None, :, None],
        float(horizon),
    )
    return np.clip((post * at_h).sum(axis=(1, 2)), 0.0, FM_MAX)


def _on_day(record: PatientRecord, measure: str, low: int, high: int):
    values = [v for d, v in record.series(measure).items() if low <= d <= high]
    return values[0] if values else None


def baselines_for(record: PatientRecord, horizon: int) -> Baselines:
    """PREP2, proportional recovery and the mixture model for one record."""
    safe = _on_day(record, "safe", 0, 7)
    mep = _on_day(record, "mep", 0, 7)
    nihss = _on_day(record, "nihss", 0, 7)
    category = None
    if safe is not None:
        try:
            category = str(
                prep2_category(
                    safe,
                    record.age,
                    np.nan if mep is None else float(mep),
                    np.nan if nihss is None else nihss,
                )
            )
        except UserInputError:  # a finding the tree needs is missing
            category = None
    fma = record.series("fma_ue")
    early = [v for d, v in fma.items() if d <= PROPORTIONAL_LATEST_DAY]
    proportional = float(proportional_recovery_prediction(early[0])) if early else None
    mixture = None
    if fma:
        mixture = float(
            mixture_from_series(
                np.array([list(fma)], float), np.array([list(fma.values())], float), horizon
            )[0]
        )
    return Baselines(category, proportional, mixture)
