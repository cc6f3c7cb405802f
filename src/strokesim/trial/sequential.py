"""Group-sequential designs: Lan–DeMets alpha spending, boundaries, emulated operating figures.

Two-sided boundaries ``c_1 … c_K`` on the standardised statistic at information
fractions ``t_1 < … < t_K = 1`` are found one look at a time so that the
probability, under the null, of crossing first at look ``k`` equals
``α(t_k) − α(t_{k−1})``; the joint law of the statistics is multivariate normal
with ``corr(Z_i, Z_j) = sqrt(t_i / t_j)`` (the canonical joint distribution,
Jennison & Turnbull 2000, *Group Sequential Methods with Applications to Clinical
Trials*, ch. 3 and 7). Spending functions (Lan & DeMets 1983 Biometrika 70:659):

- O'Brien–Fleming type: ``α(t) = 2 − 2 Φ(z_{1−α/2} / √t)``;
- Pocock type: ``α(t) = α · ln(1 + (e − 1) t)``.

:func:`sequential_summary` emulates the design from a twin pool: in each replicate
the first ``⌈t_k n⌉`` randomised patients are analysed at look ``k`` (ANCOVA; its
two-sided p-value turned into the normal deviate |Z| = Φ⁻¹(1 − p/2), so small
interim samples keep the t distribution's tails) and the trial stops at the first
crossing. It reports the stopping
probability per look, the overall rejection rate and the expected sample size.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from strokesim.trial.analysis import ancova_arrays, draw_arms
from strokesim.trial.emulation import TwinPool, draw_trial

__all__ = [
    "SPENDING",
    "boundaries",
    "sequential_results",
    "sequential_summary",
    "spent_alpha",
    "summarise_sequential",
]

SPENDING = ("obrien-fleming", "pocock")


def spent_alpha(t: np.ndarray | float, alpha: float, kind: str) -> np.ndarray:
    """Cumulative two-sided alpha spent by information fraction ``t`` (0–1)."""
    t = np.asarray(t, float)
    if kind == "obrien-fleming":
        z = stats.norm.isf(alpha / 2)
        with np.errstate(divide="ignore"):
            return np.where(t > 0, 2 * stats.norm.sf(z / np.sqrt(np.maximum(t, 1e-300))), 0.0)
    if kind == "pocock":
        return alpha * np.log1p((math.e - 1) * t)
    raise ValueError(f"unknown spending function {kind!r}; one of {SPENDING}")


def _inside(c: Sequence[float], corr: np.ndarray) -> float:
    """P(|Z_j| < c_j for all j) for standard normals with correlation ``corr``."""
    c = np.asarray(c, float)
    if c.size == 1:
        return float(1 - 2 * stats.norm.sf(c[0]))
    return float(
        stats.multivariate_normal.cdf(
            c,
            mean=np.zeros(c.size),
            cov=corr,
            lower_limit=-c,
            maxpts=200_000 * c.size,
            abseps=1e-7,
            releps=1e-7,
            rng=np.random.default_rng(0),  # the quasi-Monte-Carlo integration is seeded
        )
    )


def boundaries(fractions: Sequence[float], alpha: float = 0.05, kind: str = "obrien-fleming"):
    """Two-sided critical values of the standardised statistic at each look.

    Parameters
    ----------
    fractions
        Information fractions, increasing, the last equal to 1.
    alpha
        Overall two-sided type I error.
    kind
        ``"obrien-fleming"`` or ``"pocock"`` (Lan–DeMets spending).

    Returns
    -------
    numpy.ndarray
        ``c_k`` per look.
    """
    t = np.asarray(fractions, float)
    spent = spent_alpha(t, alpha, kind)
    corr = np.sqrt(np.minimum.outer(t, t) / np.maximum.outer(t, t))
    out: list[float] = []
    for k in range(t.size):
        target = 1.0 - spent[k]
        sub = corr[: k + 1, : k + 1]

        def gap(c: float, sub: np.ndarray = sub, target: float = target) -> float:
            return _inside([*out, c], sub) - target

        out.append(float(optimize.brentq(gap, 0.5, 12.0, xtol=1e-6)))
    return np.asarray(out)


@dataclass(frozen=True)
class SequentialSummary:
    """Operating figures of a group-sequential design over replicates."""

    n: int
    fractions: tuple[float, ...]
    bounds: tuple[float, ...]
    stop_probability: tuple[float, ...]
    rejection: float
    expected_n: float
    replicates: int


def sequential_results(
    pool: TwinPool,
    n: int,
    first: int,
    count: int,
    fractions: Sequence[float],
    *,
    kind: str = "obrien-fleming",
    arms: tuple[int, int] = (0, 1),
    on_replicate: Callable[[], None] | None = None,
) -> dict[str, np.ndarray]:
    """Where replicates ``first`` to ``first + count - 1`` of a group-sequential design stop.

    Returns
    -------
    dict of str to numpy.ndarray
        ``stop_look``: the look (0-based) at which each replicate crossed its bound,
        −1 if it never did; ``used``: the patients analysed when it stopped (the
        last look's when it never crossed). Shape (count,) each, integers.
    """
    alpha = pool.spec.analysis.alpha
    bounds = boundaries(fractions, alpha, kind)
    sizes = [max(math.ceil(f * n), 4) for f in fractions]
    stop_look = np.full(count, -1, dtype=np.int64)
    used = np.full(count, sizes[-1], dtype=np.int64)
    scale = pool.spec.outcome.scale
    j = pool.visit_days.index(pool.spec.primary_visit)
    for i, r in enumerate(range(first, first + count)):
        draw = draw_trial(pool, n, r, arms=arms)
        obs = draw.observed[scale]
        position = np.full(len(pool.arms), -1)
        position[list(draw.arms)] = np.arange(len(draw.arms))
        for k, m in enumerate(sizes):
            seen = np.isfinite(obs[:m, j])
            est = ancova_arrays(
                obs[:m][seen, j] - obs[:m][seen, 0],
                obs[:m][seen, 0],
                position[draw.arm[:m][seen]],
                pool.strata(draw.index[:m][seen]),
                draw_arms(pool, draw),
                alpha=alpha,
            )[0]
            # the ANCOVA t statistic as the normal deviate of equal two-sided p-value
            z = float(stats.norm.isf(est.p_value / 2)) if np.isfinite(est.p_value) else 0.0
            if z >= bounds[k]:
                stop_look[i], used[i] = k, m
                break
        if on_replicate is not None:
            on_replicate()
    return {"stop_look": stop_look, "used": used}


def summarise_sequential(
    pool: TwinPool,
    n: int,
    fractions: Sequence[float],
    results: dict[str, np.ndarray],
    *,
    kind: str = "obrien-fleming",
) -> SequentialSummary:
    """Operating figures from the replicates of :func:`sequential_results`, in their order."""
    bounds = boundaries(fractions, pool.spec.analysis.alpha, kind)
    replicates = len(results["stop_look"])
    stops = np.zeros(len(fractions), int)
    used = 0.0
    for look, size in zip(results["stop_look"], results["used"], strict=True):
        if look >= 0:
            stops[int(look)] += 1
        used += int(size)
    return SequentialSummary(
        n=n,
        fractions=tuple(float(f) for f in fractions),
        bounds=tuple(float(b) for b in bounds),
        stop_probability=tuple(float(s / replicates) for s in stops),
        rejection=float(stops.sum() / replicates),
        expected_n=used / replicates,
        replicates=replicates,
    )


def sequential_summary(
    pool: TwinPool,
    n: int,
    replicates: int,
    fractions: Sequence[float],
    *,
    kind: str = "obrien-fleming",
    arms: tuple[int, int] = (0, 1),
    on_replicate: Callable[[], None] | None = None,
) -> SequentialSummary:
    """Emulate a group-sequential trial of at most ``n`` patients ``replicates`` times."""
    results = sequential_results(
        pool, n, 0, replicates, fractions, kind=kind, arms=arms, on_replicate=on_replicate
    )
    return summarise_sequential(pool, n, fractions, results, kind=kind)
