"""Validation metric V13: task-related activity is bilateral early and re-lateralises with recovery.

One pure function, :func:`laterality_recovery`, on per-patient arrays of the
default cohort and the laterality index of virtual healthy controls; it returns a
:class:`~strokesim.validate.metrics_core.TargetResult` checked against
:data:`~strokesim.validate.metrics_targets.TARGETS`.

Sources
-------
Ward NS et al. (2003) Brain 126:2476–2496 (longitudinal fMRI: early
over-activation recedes in proportion to recovery); Ward NS et al. (2003) Brain
126:1430–1448 (chronic: poorer outcome, more recruitment beyond controls);
Rehme AK et al. (2012) NeuroImage 59:2771–2782 (meta-analysis); Calautti C,
Baron JC (2003) Stroke 34:1553–1566 (review; laterality index).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from strokesim.stats import Interval, bootstrap_ci
from strokesim.validate.metrics_core import TargetResult, as_vector, make_result, same_length
from strokesim.validate.metrics_targets import band_masks

__all__ = ["laterality_recovery", "pearson_r", "recovered_fraction"]

#: Maximum of the FMA-UE (points).
FMA_MAX: Final[float] = 66.0
#: Fewest controls for a meaningful healthy mean.
MIN_CONTROLS: Final[int] = 20
_BANDS: Final[tuple[str, ...]] = ("mild", "moderate", "severe")


def recovered_fraction(fma0: ArrayLike, fma_late: ArrayLike) -> NDArray[np.float64]:
    """(FMA_late − FMA0)/(66 − FMA0) per patient; NaN where FMA0 = 66 (no room to recover).

    Examples
    --------
    >>> recovered_fraction([16.0, 66.0], [56.0, 66.0]).tolist()
    [0.8, nan]
    """
    start = np.asarray(fma0, dtype=np.float64)
    room = FMA_MAX - start
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(room > 0, (np.asarray(fma_late, np.float64) - start) / room, np.nan)


def pearson_r(x: NDArray[np.float64], y: NDArray[np.float64]) -> float:
    """Pearson correlation; NaN for fewer than 3 pairs or a constant variable.

    Examples
    --------
    >>> round(pearson_r(np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 7.0])), 3)
    0.993
    """
    if x.size < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def laterality_recovery(
    li_w1: ArrayLike,
    li_w26: ArrayLike,
    li_controls: ArrayLike,
    fma0: ArrayLike,
    fma_w26: ArrayLike,
    *,
    n_boot: int = 1000,
    seed: int | np.random.Generator = 0,
    alpha: float = 0.05,
) -> TargetResult:
    """V13: paretic-hand M1 activity is bilateral early and re-lateralises with recovery.

    Parameters
    ----------
    li_w1, li_w26
        Laterality index of M1 activity during paretic-hand movement, (C − I)/(C + I)
        in [−1, 1] (``laterality_index`` of ``docs/dataset.md``), of each patient
        at week 1 and week 26 after onset.
    li_controls
        The same index of virtual healthy controls (at least 20).
    fma0
        FMA-UE at day 3 (points, 0–66): LEAPS band (mild ≥ 43, moderate 29–42,
        severe ≤ 28) and the room to recover.
    fma_w26
        FMA-UE at week 26 (points, 0–66).
    n_boot, seed, alpha
        Bootstrap replicates, seed and 1 − confidence level of the intervals.

    Returns
    -------
    TargetResult
        Ranged: ``{band}_minus_controls_week1`` (band mean − controls' mean at week
        1; every band must be < 0), ``severe_minus_lowest_other_week1`` (severe mean
        − the lower of the mild and moderate means; < 0: lowest in severe),
        ``best_minus_worst_third_rise`` (mean rise of the index from week 1 to week
        26 in the third of patients with the highest recovered fraction − in the
        third with the lowest; > 0) and ``correlation_week26`` (Pearson r of the
        index and the FMA-UE at week 26; ≥ 0.3). Informational: the controls'
        mean, band means at weeks 1 and 26, the thirds' rises and the counts.
        Intervals: percentile bootstrap over patients, the controls' mean held
        fixed (their spread is tiny next to the patients').

    Raises
    ------
    ValueError
        If patient arrays differ in length, values are not finite, or there are
        fewer than 20 controls.

    Notes
    -----
    Recovered fraction = (FMA_w26 − FMA0)/(66 − FMA0); patients with FMA0 = 66 have
    none and are left out of the thirds. Thirds are by rank (n // 3 patients each,
    ties in patient order), as V7's tertiles. An empty band has a NaN mean and
    fails its row.
    """
    week1 = as_vector("li_w1", li_w1)
    week26 = as_vector("li_w26", li_w26)
    controls = as_vector("li_controls", li_controls)
    start = as_vector("fma0", fma0)
    late = as_vector("fma_w26", fma_w26)
    same_length(li_w1=week1, li_w26=week26, fma0=start, fma_w26=late)
    if controls.size < MIN_CONTROLS:
        raise ValueError(f"li_controls needs at least {MIN_CONTROLS} controls, got {controls.size}")
    control_mean = float(controls.mean())
    bands = band_masks(start)
    rise = week26 - week1
    fraction = recovered_fraction(start, late)
    has_room = np.isfinite(fraction)

    def band_mean(values: NDArray[np.float64], members: NDArray[np.bool_]) -> float:
        return float(values[members].mean()) if members.any() else float("nan")

    def severe_gap(values: NDArray[np.float64], fma: NDArray[np.float64]) -> float:
        means = {name: band_mean(values, mask) for name, mask in band_masks(fma).items()}
        return means["severe"] - min(means["mild"], means["moderate"])

    def thirds(change: NDArray[np.float64], recovered: NDArray[np.float64]) -> tuple[float, float]:
        third = change.size // 3
        if third == 0:
            return float("nan"), float("nan")
        order = np.argsort(recovered, kind="stable")
        return float(change[order[-third:]].mean()), float(change[order[:third]].mean())

    def third_gap(change: NDArray[np.float64], recovered: NDArray[np.float64]) -> float:
        best, worst = thirds(change, recovered)
        return best - worst

    def boot(statistic: Callable[..., float], data: tuple[NDArray[np.float64], ...]) -> Interval:
        return bootstrap_ci(statistic, data, n_boot=n_boot, seed=seed, alpha=alpha)

    measured: dict[str, float] = {}
    ci: dict[str, tuple[float, float]] = {}
    for name in _BANDS:
        members = bands[name]
        measured[f"{name}_minus_controls_week1"] = band_mean(week1, members) - control_mean
        ci[f"{name}_minus_controls_week1"] = bootstrap_ci(
            week1[members] - control_mean, n_boot=n_boot, seed=seed, alpha=alpha
        )
    best_rise, worst_rise = thirds(rise[has_room], fraction[has_room])
    measured |= {
        "severe_minus_lowest_other_week1": severe_gap(week1, start),
        "best_minus_worst_third_rise": best_rise - worst_rise,
        "correlation_week26": pearson_r(week26, late),
        "control_mean": control_mean,
        **{f"{name}_mean_week1": band_mean(week1, bands[name]) for name in _BANDS},
        **{f"{name}_mean_week26": band_mean(week26, bands[name]) for name in _BANDS},
        "best_third_rise": best_rise,
        "worst_third_rise": worst_rise,
        **{f"n_{name}": float(bands[name].sum()) for name in _BANDS},
    }
    ci |= {
        "severe_minus_lowest_other_week1": boot(severe_gap, (week1, start)),
        "best_minus_worst_third_rise": boot(third_gap, (rise[has_room], fraction[has_room])),
        "correlation_week26": boot(pearson_r, (week26, late)),
    }
    return make_result(
        "V13",
        measured,
        ci,
        f"{start.size} patients ({', '.join(f'{bands[b].sum()} {b}' for b in _BANDS)}), "
        f"{controls.size} controls (mean index {control_mean:.3g}); thirds of "
        f"{int(has_room.sum()) // 3} patients by recovered fraction (FMA0 < 66)",
    )
