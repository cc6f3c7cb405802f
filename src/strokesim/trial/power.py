"""Power and sample size by replicated parallel-group emulation from one twin pool.

For each sample size ``n`` and replicate ``r``, :func:`strokesim.trial.emulation.draw_trial`
re-allocates simulated twins (sampling, randomisation, rater noise, dropout) and the
primary ANCOVA is run; only running sums are kept (rejections, estimates, interval
coverage of the pool's twin effect), so memory does not grow with replicates. The
``n`` for a target power is interpolated linearly in log n between the bracketing
sizes and rounded up to whole allocation blocks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from strokesim.trial.analysis import primary_estimate
from strokesim.trial.emulation import TwinPool, draw_trial

__all__ = [
    "RESULT_FIELDS",
    "ReplicateSummary",
    "n_for_power",
    "power_curve",
    "replicate_results",
    "replicate_summary",
    "summarise_replicates",
]


@dataclass
class ReplicateSummary:
    """Running sums over replicates of one design (no per-replicate table is kept)."""

    n: int
    twin_effect: float
    replicates: int = 0
    rejections: int = 0
    covered: int = 0
    fitted: int = 0
    sum_estimate: float = 0.0
    sum_estimate_sq: float = 0.0

    def add(self, estimate: float, low: float, high: float, p_value: float, alpha: float) -> None:
        """Accumulate one replicate's primary result (NaN results count as no rejection)."""
        self.replicates += 1
        if not np.isfinite(estimate):
            return
        self.fitted += 1
        self.rejections += int(p_value < alpha)
        self.covered += int(low <= self.twin_effect <= high)
        self.sum_estimate += estimate
        self.sum_estimate_sq += estimate * estimate

    def row(self) -> dict[str, float]:
        """Power with its Monte-Carlo SE, mean estimate with its MC SE, coverage."""
        r, f = self.replicates, max(self.fitted, 1)
        power = self.rejections / r if r else math.nan
        mean = self.sum_estimate / f
        var = max(self.sum_estimate_sq / f - mean * mean, 0.0) * f / max(f - 1, 1)
        return {
            "n": self.n,
            "replicates": r,
            "power": power,
            "power_mc_se": math.sqrt(power * (1 - power) / r) if r else math.nan,
            "mean_estimate": mean,
            "estimate_mc_se": math.sqrt(var / f),
            "sd_estimate": math.sqrt(var),
            "twin_effect": self.twin_effect,
            "coverage": self.covered / f,
        }


#: What :func:`replicate_results` keeps of each replicate's primary analysis.
RESULT_FIELDS = ("estimate", "ci_low", "ci_high", "p_value")


def replicate_results(
    pool: TwinPool,
    n: int,
    first: int,
    count: int,
    *,
    arms: tuple[int, int] = (0, 1),
    on_replicate: Callable[[], None] | None = None,
) -> dict[str, np.ndarray]:
    """The primary result of replicates ``first`` to ``first + count - 1`` of one design.

    Each replicate depends only on the pool, ``n``, its number and ``arms``, so a
    design's replicates may be computed in blocks (a job's units) and summed in
    order by :func:`summarise_replicates`.

    Returns
    -------
    dict of str to numpy.ndarray
        :data:`RESULT_FIELDS`, shape (count,) each; NaN where the model could not be
        fitted.
    """
    values = np.full((len(RESULT_FIELDS), count), np.nan)
    for i, r in enumerate(range(first, first + count)):
        draw = draw_trial(pool, n, r, arms=arms)
        try:
            est = primary_estimate(pool, draw)
            values[:, i] = (est.estimate, est.ci_low, est.ci_high, est.p_value)
        except (ValueError, np.linalg.LinAlgError):
            pass
        if on_replicate is not None:
            on_replicate()
    return dict(zip(RESULT_FIELDS, values, strict=True))


def summarise_replicates(
    pool: TwinPool,
    n: int,
    results: dict[str, np.ndarray],
    *,
    arms: tuple[int, int] = (0, 1),
) -> ReplicateSummary:
    """Running sums over the replicates of :func:`replicate_results`, in their order."""
    alpha = pool.spec.analysis.alpha
    summary = ReplicateSummary(n, pool.twin_effect(arms[1]) - pool.twin_effect(arms[0]))
    for estimate, low, high, p_value in zip(*(results[f] for f in RESULT_FIELDS), strict=True):
        summary.add(float(estimate), float(low), float(high), float(p_value), alpha)
    return summary


def replicate_summary(
    pool: TwinPool,
    n: int,
    replicates: int,
    *,
    arms: tuple[int, int] = (0, 1),
    first: int = 0,
    on_replicate: Callable[[], None] | None = None,
) -> ReplicateSummary:
    """Emulate ``replicates`` parallel-group trials of ``n`` patients; sums of the results."""
    results = replicate_results(pool, n, first, replicates, arms=arms, on_replicate=on_replicate)
    return summarise_replicates(pool, n, results, arms=arms)


def power_curve(
    pool: TwinPool,
    sizes: Sequence[int],
    replicates: int,
    *,
    arms: tuple[int, int] = (0, 1),
    on_replicate: Callable[[], None] | None = None,
) -> pd.DataFrame:
    """Power, mean estimate and coverage per sample size (one row per ``n``)."""
    rows = [
        replicate_summary(pool, n, replicates, arms=arms, on_replicate=on_replicate).row()
        for n in sizes
    ]
    return pd.DataFrame(rows)


def n_for_power(curve: pd.DataFrame, target: float = 0.8, multiple: int = 2) -> int | None:
    """Smallest ``n`` reaching ``target`` power, interpolated in log n; None if never reached.

    Rounded up to a multiple of ``multiple`` (the allocation block's ratio sum).
    """
    n = curve["n"].to_numpy(float)
    power = curve["power"].to_numpy(float)
    order = np.argsort(n)
    n, power = n[order], power[order]
    above = np.flatnonzero(power >= target)
    if above.size == 0:
        return None
    i = int(above[0])
    if i == 0:
        value = n[0]
    else:
        lo, hi = power[i - 1], power[i]
        t = (target - lo) / (hi - lo) if hi > lo else 1.0
        value = math.exp(math.log(n[i - 1]) + t * (math.log(n[i]) - math.log(n[i - 1])))
    return int(math.ceil(value / multiple) * multiple)
