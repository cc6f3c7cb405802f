"""Results of the validation checks: the result type, the pass decision and the table.

The pass ranges live in :data:`strokesim.validate.metrics_targets.TARGETS`;
:func:`make_result` decides ``passed`` from them, so no metric function encodes
a range itself. This module also holds the small input checks that the metric
modules share.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from strokesim.validate.metrics_targets import TARGETS

__all__ = [
    "TargetResult",
    "check_ranges",
    "format_results_table",
    "make_result",
]


@dataclass(frozen=True)
class TargetResult:
    """The outcome of one validation check.

    Attributes
    ----------
    target_id
        Key into :data:`TARGETS`.
    measured
        Named measured values (the ranged ones of :data:`TARGETS` and
        informational ones such as counts).
    ci
        95% (by default) confidence intervals of some measured values.
    passed
        Whether every ranged measured value lies in its range.
    detail
        One or two human-readable lines: sample sizes and definitions used.
    tables
        Extra arrays, e.g. ``"confusion"`` for V4 (not compared for equality).
    """

    target_id: str
    measured: dict[str, float]
    ci: dict[str, tuple[float, float]]
    passed: bool
    detail: str
    tables: dict[str, NDArray[np.generic]] = field(default_factory=dict, compare=False)


def check_ranges(target_id: str, measured: Mapping[str, float]) -> dict[str, bool]:
    """Check each ranged measured value of a target against :data:`TARGETS`.

    Parameters
    ----------
    target_id
        Key into :data:`TARGETS`.
    measured
        Must contain every ranged name of the target (a missing one is a bug).

    Returns
    -------
    dict
        Measured-value name → whether it lies in its range.
    """
    ranges = TARGETS[target_id].ranges
    missing = set(ranges) - set(measured)
    if missing:
        raise ValueError(f"{target_id}: measured values missing: {sorted(missing)}")
    return {name: ranges[name].contains(float(measured[name])) for name in ranges}


def make_result(
    target_id: str,
    measured: Mapping[str, float],
    ci: Mapping[str, tuple[float, float]],
    detail: str,
    tables: Mapping[str, NDArray[np.generic]] | None = None,
) -> TargetResult:
    """Build a :class:`TargetResult`, deciding ``passed`` from :data:`TARGETS`."""
    values = {name: float(value) for name, value in measured.items()}
    intervals = {name: (float(low), float(high)) for name, (low, high) in ci.items()}
    passed = all(check_ranges(target_id, values).values())
    return TargetResult(target_id, values, intervals, passed, detail, dict(tables or {}))


def format_results_table(results: Iterable[TargetResult]) -> str:
    """Render validation results as a plain-text table.

    Parameters
    ----------
    results
        Results of the metric functions, in the order to show.

    Returns
    -------
    str
        For each target a line with its id, PASS/FAIL and title, then one row per
        measured value: name, value, confidence interval, allowed range and
        pass/FAIL (range and check blank for informational values).

    Examples
    --------
    >>> result = make_result("V5", {"mep_positive_good_share": 0.9}, {}, "n = 10")
    >>> print(format_results_table([result]))
    target  measured                 value  95% CI  range  check
    V5      PASS  MEP presence predicts a good outcome
            mep_positive_good_share  0.9            ≥ 0.8  pass
    """
    header = ("target", "measured", "value", "95% CI", "range", "check")
    titles: list[tuple[str, str]] = []
    blocks: list[list[tuple[str, ...]]] = []
    for result in results:
        spec = TARGETS[result.target_id]
        titles.append((result.target_id, f"{_verdict(result.passed)}  {spec.title}"))
        checks = check_ranges(result.target_id, result.measured)
        block = []
        for name, value in result.measured.items():
            interval = result.ci.get(name)
            block.append(
                (
                    "",
                    name,
                    _number(value),
                    f"[{_number(interval[0])}, {_number(interval[1])}]" if interval else "",
                    str(spec.ranges[name]) if name in spec.ranges else "",
                    ("pass" if checks[name] else "FAIL") if name in checks else "",
                )
            )
        blocks.append(block)
    rows = [header, *(row for block in blocks for row in block)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    widths[0] = max([widths[0], *(len(target_id) for target_id, _ in titles)])

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(f"{cell:<{w}}" for cell, w in zip(row, widths, strict=True)).rstrip()

    lines = [line(header)]
    for (target_id, title), block in zip(titles, blocks, strict=True):
        lines.append(f"{target_id:<{widths[0]}}  {title}")
        lines.extend(line(row) for row in block)
    return "\n".join(lines)


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def _number(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if value.is_integer() and abs(value) < 1e6:
        return str(int(value))  # counts read better as integers
    return f"{value:.3g}"


# ---- helpers shared by the metric modules -------------------------------------------


def as_vector(name: str, values: ArrayLike) -> NDArray[np.float64]:
    """A 1-D float array of finite values (developer error otherwise)."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one value per patient), got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains non-finite values")
    return array


def as_flags(name: str, values: ArrayLike) -> NDArray[np.bool_]:
    """A 1-D boolean array (developer error if not 1-D)."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one value per patient), got shape {array.shape}")
    return array.astype(bool)


def same_length(**arrays: NDArray[np.generic]) -> int:
    """Check that per-patient arrays agree in length; return it."""
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) != 1:
        raise ValueError(f"per-patient arrays differ in length: {lengths}")
    return next(iter(lengths.values()))


def share(flags: NDArray[np.bool_]) -> float:
    """Mean of booleans; NaN for an empty array."""
    return float(flags.mean()) if flags.size else float("nan")
