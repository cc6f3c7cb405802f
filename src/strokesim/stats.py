"""Shared statistics: bootstrap, OLS line, odds ratio, means, Wilson interval.

Used by the validation battery (``validate/metrics*``), the external checks and
``cohort/protocol_effects``; the trial analyses use statsmodels directly
(:mod:`strokesim.trial.analysis`). The Wilson interval is statsmodels'. The others
are kept as written because the battery's recorded results depend on them to the
last bit (statsmodels' ``DescrStatsW``, scipy's ``linregress`` and
``bootstrap`` agree only to rounding, or resample differently), and a
recalibration relies on them. Everything is deterministic given an explicit seed.
Inputs come from the simulator, so malformed inputs are developer errors
(``ValueError``), not user errors.

Sources
-------
- Efron B, Tibshirani RJ (1993). An Introduction to the Bootstrap. Chapman & Hall
  (percentile interval, ch. 13).
- Woolf B (1955). On estimating the relation between blood group and disease.
  Ann Hum Genet 19:251–253 (log odds-ratio standard error).
- Haldane JBS (1956). The estimation and significance of the logarithm of a ratio
  of frequencies. Ann Hum Genet 20:309–311 (add 0.5 to every cell).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats as scipy_stats
from statsmodels.stats.proportion import proportion_confint

__all__ = [
    "Interval",
    "LineFit",
    "MeanEstimate",
    "OddsRatio",
    "bootstrap_ci",
    "mean_ci",
    "odds_ratio",
    "odds_ratio_from_groups",
    "ols_slope",
    "paired_mean_difference",
    "wilson_interval",
]

# Resampled index matrices are built in chunks of at most this many elements.
_MAX_CHUNK_ELEMENTS: Final[int] = 4_000_000


class Interval(NamedTuple):
    """A two-sided confidence interval (a plain ``(low, high)`` tuple)."""

    low: float
    high: float


@dataclass(frozen=True)
class MeanEstimate:
    """A mean with its Student-t confidence interval.

    Attributes
    ----------
    mean
        Sample mean.
    ci
        Two-sided confidence interval of the mean (NaN when n < 2).
    sd
        Sample standard deviation (ddof = 1; NaN when n < 2).
    n
        Number of values.
    """

    mean: float
    ci: Interval
    sd: float
    n: int


@dataclass(frozen=True)
class LineFit:
    """Ordinary least-squares line y = intercept + slope·x.

    Attributes
    ----------
    slope, intercept
        Least-squares estimates (NaN when x has no spread or n < 2).
    slope_ci, intercept_ci
        Student-t confidence intervals with n − 2 degrees of freedom (NaN when
        n < 3).
    n
        Number of (x, y) pairs.
    """

    slope: float
    intercept: float
    slope_ci: Interval
    intercept_ci: Interval
    n: int

    @property
    def x_intercept(self) -> float:
        """The x at which the fitted line crosses y = 0 (NaN for a flat line)."""
        if not np.isfinite(self.slope) or self.slope == 0:
            return float("nan")
        return -self.intercept / self.slope


@dataclass(frozen=True)
class OddsRatio:
    """An odds ratio with its Woolf (log-normal) confidence interval.

    Attributes
    ----------
    value
        (a·d)/(b·c) of the table [[a, b], [c, d]], after any correction.
    ci
        Woolf interval exp(log OR ± z·√(1/a + 1/b + 1/c + 1/d)).
    table
        The counts used, after any correction, shape (2, 2).
    corrected
        True when 0.5 was added to every cell because one cell was 0.
    """

    value: float
    ci: Interval
    table: tuple[tuple[float, float], tuple[float, float]]
    corrected: bool


def bootstrap_ci(
    values_or_func: ArrayLike | Callable[..., float],
    data: ArrayLike | tuple[ArrayLike, ...] | None = None,
    *,
    n_boot: int = 1000,
    seed: int | np.random.Generator,
    alpha: float = 0.05,
) -> Interval:
    """Percentile bootstrap confidence interval, resampling patients with replacement.

    Parameters
    ----------
    values_or_func
        Either per-patient values (1-D), whose *mean* is bootstrapped, or a
        statistic ``f(*arrays) -> float`` computed on resampled arrays.
    data
        With a statistic: one array or a tuple of arrays whose first axis is the
        patient; rows are resampled jointly, so pairs stay paired. Must be
        ``None`` when values are given.
    n_boot
        Number of bootstrap replicates.
    seed
        Seed (or numpy ``Generator``) of the resampling; the same seed gives the
        same interval.
    alpha
        1 − confidence level (0.05 gives a 95% interval).

    Returns
    -------
    Interval
        The alpha/2 and 1 − alpha/2 quantiles of the replicates. Non-finite
        replicates (e.g. a resample without any severe patient) are dropped; if
        more than half are non-finite, or there is no patient, both ends are NaN.

    Raises
    ------
    ValueError
        On a bad ``n_boot`` or ``alpha``, arrays of different lengths, or values
        given together with ``data``.

    Examples
    --------
    >>> low, high = bootstrap_ci([1.0, 2.0, 3.0, 4.0], seed=0)
    >>> 1.0 <= low <= 2.5 <= high <= 4.0
    True
    """
    if n_boot < 1:
        raise ValueError(f"n_boot must be ≥ 1, got {n_boot}")
    _check_alpha(alpha)
    rng = np.random.default_rng(seed)
    if callable(values_or_func):
        if data is None:
            raise ValueError("bootstrap_ci: a statistic needs `data`")
        replicates = _bootstrap_statistic(values_or_func, data, n_boot, rng)
    else:
        if data is not None:
            raise ValueError("bootstrap_ci: give either values or a statistic with data")
        replicates = _bootstrap_mean(np.asarray(values_or_func, dtype=np.float64), n_boot, rng)
    finite = replicates[np.isfinite(replicates)]
    if finite.size == 0 or finite.size < 0.5 * replicates.size:
        return Interval(float("nan"), float("nan"))
    low, high = np.quantile(finite, [alpha / 2, 1 - alpha / 2])
    return Interval(float(low), float(high))


def mean_ci(values: ArrayLike, *, alpha: float = 0.05) -> MeanEstimate:
    """Mean with a Student-t confidence interval.

    Parameters
    ----------
    values
        1-D sample.
    alpha
        1 − confidence level.

    Returns
    -------
    MeanEstimate
        Mean, interval mean ± t(1 − alpha/2, n − 1)·sd/√n, sd and n.

    Examples
    --------
    >>> mean_ci([1.0, 2.0, 3.0]).mean
    2.0
    """
    _check_alpha(alpha)
    sample = _vector("values", values)
    n = sample.size
    nan = float("nan")
    if n == 0:
        return MeanEstimate(nan, Interval(nan, nan), nan, 0)
    mean = float(sample.mean())
    if n < 2:
        return MeanEstimate(mean, Interval(nan, nan), nan, n)
    sd = float(sample.std(ddof=1))
    half = float(scipy_stats.t.ppf(1 - alpha / 2, n - 1)) * sd / np.sqrt(n)
    return MeanEstimate(mean, Interval(mean - half, mean + half), sd, n)


def paired_mean_difference(a: ArrayLike, b: ArrayLike, *, alpha: float = 0.05) -> MeanEstimate:
    """Mean of the paired differences a − b with a Student-t confidence interval.

    Parameters
    ----------
    a, b
        1-D samples of the same patients (e.g. counterfactual twins), same length.
    alpha
        1 − confidence level.

    Returns
    -------
    MeanEstimate
        Of the differences a − b.

    Raises
    ------
    ValueError
        If the lengths differ.

    Examples
    --------
    >>> paired_mean_difference([3.0, 4.0, 5.0], [1.0, 2.0, 3.0]).mean
    2.0
    """
    first, second = _vector("a", a), _vector("b", b)
    _same_length(a=first, b=second)
    return mean_ci(first - second, alpha=alpha)


def ols_slope(x: ArrayLike, y: ArrayLike, *, alpha: float = 0.05) -> LineFit:
    """Ordinary least-squares line of y on x with Student-t intervals.

    Parameters
    ----------
    x, y
        1-D samples of the same length.
    alpha
        1 − confidence level.

    Returns
    -------
    LineFit
        Slope, intercept and their intervals (n − 2 degrees of freedom).

    Raises
    ------
    ValueError
        If the lengths differ.

    Examples
    --------
    >>> fit = ols_slope([0.0, 1.0, 2.0, 3.0], [1.0, 3.0, 5.0, 7.0])
    >>> round(fit.slope, 6), round(fit.intercept, 6), round(fit.x_intercept, 6)
    (2.0, 1.0, -0.5)
    """
    _check_alpha(alpha)
    xs, ys = _vector("x", x), _vector("y", y)
    _same_length(x=xs, y=ys)
    n = xs.size
    nan = float("nan")
    no_interval = Interval(nan, nan)
    if n < 2:
        return LineFit(nan, nan, no_interval, no_interval, n)
    x_mean, y_mean = xs.mean(), ys.mean()
    sxx = float(np.sum((xs - x_mean) ** 2))
    if sxx == 0:
        return LineFit(nan, nan, no_interval, no_interval, n)
    slope = float(np.sum((xs - x_mean) * (ys - y_mean)) / sxx)
    intercept = float(y_mean - slope * x_mean)
    if n < 3:
        return LineFit(slope, intercept, no_interval, no_interval, n)
    residual_var = float(np.sum((ys - intercept - slope * xs) ** 2)) / (n - 2)
    t = float(scipy_stats.t.ppf(1 - alpha / 2, n - 2))
    slope_se = np.sqrt(residual_var / sxx)
    intercept_se = np.sqrt(residual_var * (1 / n + x_mean**2 / sxx))
    return LineFit(
        slope,
        intercept,
        Interval(slope - t * slope_se, slope + t * slope_se),
        Interval(intercept - t * intercept_se, intercept + t * intercept_se),
        n,
    )


def odds_ratio(a: float, b: float, c: float, d: float, *, alpha: float = 0.05) -> OddsRatio:
    """Odds ratio of a 2×2 table with a Woolf interval and Haldane correction.

    The table is::

                    outcome   no outcome
        exposed        a          b
        unexposed      c          d

    Parameters
    ----------
    a, b, c, d
        Non-negative counts.
    alpha
        1 − confidence level.

    Returns
    -------
    OddsRatio
        (a·d)/(b·c) with exp(log OR ± z·√(1/a + 1/b + 1/c + 1/d)); when any cell
        is 0, 0.5 is first added to every cell (Haldane 1956).

    Raises
    ------
    ValueError
        If a count is negative or not finite.

    Examples
    --------
    >>> round(odds_ratio(20, 10, 10, 20).value, 6)
    4.0
    """
    _check_alpha(alpha)
    cells = np.array([a, b, c, d], dtype=np.float64)
    if not np.all(np.isfinite(cells)) or np.any(cells < 0):
        raise ValueError(f"odds_ratio: counts must be finite and ≥ 0, got {cells.tolist()}")
    corrected = bool(np.any(cells == 0))
    if corrected:
        cells = cells + 0.5
    ca, cb, cc, cd = (float(v) for v in cells)
    log_or = np.log(ca * cd / (cb * cc))
    half = float(scipy_stats.norm.ppf(1 - alpha / 2)) * np.sqrt(np.sum(1 / cells))
    return OddsRatio(
        float(np.exp(log_or)),
        Interval(float(np.exp(log_or - half)), float(np.exp(log_or + half))),
        ((ca, cb), (cc, cd)),
        corrected,
    )


def wilson_interval(successes: int, n: int, *, alpha: float = 0.05) -> Interval:
    """Wilson score interval of a proportion (Wilson 1927 J Am Stat Assoc 22:209).

    Used for published proportions whose counts are reported (k of n), where the
    paper gave no interval of its own. Computed by statsmodels'
    ``proportion_confint(method="wilson")``.

    Raises
    ------
    ValueError
        If ``n`` < 1 or ``successes`` is not in 0 … ``n``.

    Examples
    --------
    >>> [round(x, 3) for x in wilson_interval(45, 100)]
    [0.356, 0.548]
    """
    _check_alpha(alpha)
    if n < 1 or not 0 <= successes <= n:
        raise ValueError(f"wilson_interval: need 0 ≤ successes ≤ n and n ≥ 1, got {successes}/{n}")
    low, high = proportion_confint(successes, n, alpha=alpha, method="wilson")
    p = successes / n
    # exact arithmetic gives low ≤ p ≤ high within [0, 1]; clip the rounding at 0 and n
    return Interval(float(min(max(low, 0.0), p)), float(max(min(high, 1.0), p)))


def odds_ratio_from_groups(
    outcome: ArrayLike, exposed: ArrayLike, *, alpha: float = 0.05
) -> OddsRatio:
    """Odds ratio of an outcome in exposed vs unexposed patients.

    Parameters
    ----------
    outcome, exposed
        Per-patient booleans of the same length.
    alpha
        1 − confidence level.

    Returns
    -------
    OddsRatio
        As :func:`odds_ratio`.

    Examples
    --------
    >>> round(odds_ratio_from_groups([1, 1, 0, 1, 0, 0], [1, 1, 1, 0, 0, 0]).value, 6)
    4.0
    """
    has_outcome = np.asarray(outcome, dtype=bool).ravel()
    is_exposed = np.asarray(exposed, dtype=bool).ravel()
    _same_length(outcome=has_outcome, exposed=is_exposed)
    return odds_ratio(
        float(np.sum(is_exposed & has_outcome)),
        float(np.sum(is_exposed & ~has_outcome)),
        float(np.sum(~is_exposed & has_outcome)),
        float(np.sum(~is_exposed & ~has_outcome)),
        alpha=alpha,
    )


def _bootstrap_mean(
    values: NDArray[np.float64], n_boot: int, rng: np.random.Generator
) -> NDArray[np.float64]:
    if values.ndim != 1:
        raise ValueError(f"bootstrap_ci: values must be 1-D, got shape {values.shape}")
    n = values.size
    if n == 0:
        return np.full(n_boot, np.nan)
    replicates = np.empty(n_boot)
    rows = max(1, _MAX_CHUNK_ELEMENTS // n)
    for start in range(0, n_boot, rows):
        stop = min(n_boot, start + rows)
        replicates[start:stop] = values[rng.integers(0, n, (stop - start, n))].mean(axis=1)
    return replicates


def _bootstrap_statistic(
    statistic: Callable[..., float],
    data: ArrayLike | tuple[ArrayLike, ...],
    n_boot: int,
    rng: np.random.Generator,
) -> NDArray[np.float64]:
    arrays = tuple(np.asarray(a) for a in data) if isinstance(data, tuple) else (np.asarray(data),)
    lengths = {len(a) for a in arrays}
    if len(lengths) != 1:
        raise ValueError(f"bootstrap_ci: data arrays differ in length: {sorted(lengths)}")
    n = lengths.pop()
    if n == 0:
        return np.full(n_boot, np.nan)
    replicates = np.empty(n_boot)
    for i in range(n_boot):
        rows = rng.integers(0, n, n)
        replicates[i] = statistic(*(a[rows] for a in arrays))
    return replicates


def _vector(name: str, values: ArrayLike) -> NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
    return array


def _same_length(**arrays: NDArray[np.generic]) -> None:
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"arrays must have the same length, got {lengths}")


def _check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
