"""Per-seed results of the battery and their summary over seeds (no runner, no report).

What :mod:`strokesim.validate.seeds` runs and saves (:class:`SeedRun`) and what it
summarises (:func:`summarise`, :class:`TargetRobustness`), kept apart so that the
report (:mod:`strokesim.validate.seeds_report`) reads them without importing the
runner (no import cycle).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from strokesim.validate.metrics_core import TargetResult
from strokesim.validate.metrics_targets import TARGETS, Range

__all__ = ["SeedRun", "TargetRobustness", "ValueRobustness", "margin", "summarise"]


@dataclass(frozen=True)
class SeedRun:
    """The scored battery at one seed (what a per-seed JSON holds).

    Attributes
    ----------
    seed
        Root seed of the cohort, simulations and bootstrap.
    results
        One result per target run, in VALIDATION.md order.
    settings
        Run settings as in :attr:`strokesim.validate.battery.BatteryResult.settings`.
    seconds
        Target id → wall time (s).
    """

    seed: int
    results: list[TargetResult]
    settings: dict[str, object]
    seconds: dict[str, float]


@dataclass(frozen=True)
class ValueRobustness:
    """One headline (ranged) measured value of a target across the seeds.

    Attributes
    ----------
    name
        Measured-value name (a key of the target's pass ranges).
    values
        Its value at each seed, in the order of :attr:`TargetRobustness.seeds`.
    range
        Its pass range.
    passes
        Whether it lies in its range at each seed.
    margin
        Signed distance of the worst seed's value to the nearest bound (value's units;
        negative when outside the range, NaN when a value is NaN).
    """

    name: str
    values: tuple[float, ...]
    range: Range
    passes: tuple[bool, ...]
    margin: float


@dataclass(frozen=True)
class TargetRobustness:
    """One target's verdict across the seeds.

    Attributes
    ----------
    target_id
        Key into :data:`~strokesim.validate.metrics_targets.TARGETS`.
    seeds
        The seeds, in the order given.
    passed
        Whether the target passed (every headline value in range) at each seed.
    values
        One :class:`ValueRobustness` per headline value.
    """

    target_id: str
    seeds: tuple[int, ...]
    passed: tuple[bool, ...]
    values: tuple[ValueRobustness, ...]

    @property
    def n_passed(self) -> int:
        """Seeds at which the target passes."""
        return sum(self.passed)

    @property
    def status(self) -> str:
        """``"passing"`` (every seed), ``"fragile"`` (some seeds) or ``"failing"`` (none)."""
        if self.n_passed == len(self.seeds):
            return "passing"
        return "fragile" if self.n_passed else "failing"

    @property
    def margin(self) -> float:
        """The smallest margin of the target's headline values (NaN if any is NaN).

        Only meaningful for a target with one headline value or values in the same
        units; tables show the margin of each value.
        """
        margins = [value.margin for value in self.values]
        if not margins or any(math.isnan(m) for m in margins):
            return float("nan")
        return min(margins)


def summarise(runs: Sequence[SeedRun]) -> list[TargetRobustness]:
    """Each target's pass count and headline values across the seeds.

    Parameters
    ----------
    runs
        Results at each seed (same targets in each).

    Returns
    -------
    list of TargetRobustness
        In the order of the first run's targets.
    """
    seeds = tuple(run.seed for run in runs)
    by_seed = [{r.target_id: r for r in run.results} for run in runs]
    summary = []
    for first in runs[0].results if runs else []:
        target_id = first.target_id
        results = [results[target_id] for results in by_seed]
        values = []
        for name, allowed in TARGETS[target_id].ranges.items():
            series = tuple(float(r.measured[name]) for r in results)
            values.append(
                ValueRobustness(
                    name,
                    series,
                    allowed,
                    tuple(allowed.contains(value) for value in series),
                    margin(allowed, series),
                )
            )
        summary.append(
            TargetRobustness(target_id, seeds, tuple(r.passed for r in results), tuple(values))
        )
    return summary


def margin(allowed: Range, values: Iterable[float]) -> float:
    """Signed distance of the worst value to the nearest bound of ``allowed``.

    Parameters
    ----------
    allowed
        The pass range.
    values
        The value at each seed.

    Returns
    -------
    float
        ``min`` over the values of ``min(value − low, high − value)`` (open sides
        ignored): positive inside the range, negative outside; NaN if any value is
        NaN; +inf for a range open on both sides.

    Examples
    --------
    >>> margin(Range(low=0.6), [0.615, 0.627])
    0.015
    >>> round(margin(Range(high=0.5), [0.464, 0.535]), 3)
    -0.035
    """
    worst = math.inf
    for value in values:
        if math.isnan(value):
            return float("nan")
        finite = [d for d in (value - allowed.low, allowed.high - value) if math.isfinite(d)]
        worst = min([worst, *finite])
    return round(worst, 12) if math.isfinite(worst) else worst
