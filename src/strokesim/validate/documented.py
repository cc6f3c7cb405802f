"""The documented validation results, read back and compared with a fresh run.

``docs/validation_results.md`` (written by ``strokesim validate --markdown``) is the
reference set: each target's verdict and measured values at one n and seed.
:func:`parse_results_markdown` reads it back; :func:`compare_with_documented`
lists every difference between a run and the document that is larger than the
Monte-Carlo error the battery itself reports, so that a change which moves a
documented number must also update the document.

Tolerance rule (one per compared value):

- a value documented with a 95% confidence interval [lo, hi] may move by the
  interval's half-width (hi − lo) / 2, i.e. about 1.96 bootstrap / t standard
  errors;
- a value without its own interval whose name is ``<other>_ci_low`` (the lower
  end of another value's interval) takes ``<other>``'s half-width;
- any other value (e.g. a difference of medians, a threshold position) may move
  by :data:`RELATIVE_TOLERANCE` of its documented size;

plus half a unit in the last printed digit of the document (it rounds to three
significant digits). The values compared are those with a pass range or a
confidence interval; counts and other purely descriptive values are not.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from strokesim.validate.metrics_core import TargetResult

__all__ = [
    "RELATIVE_TOLERANCE",
    "DocumentedTarget",
    "DocumentedValue",
    "compare_with_documented",
    "documented_run_settings",
    "parse_results_markdown",
]

#: Allowed relative change of a compared value that has no confidence interval.
RELATIVE_TOLERANCE: Final[float] = 0.05

_ROW: Final = re.compile(r"^\|(.*)\|\s*$")
_TARGET: Final = re.compile(r"^(V\d+)\b")
_INTERVAL: Final = re.compile(r"^\[\s*(\S+)\s*,\s*(\S+)\s*\]$")


@dataclass(frozen=True)
class DocumentedValue:
    """One documented measured value.

    Attributes
    ----------
    name
        Measured-value name.
    text
        The value as printed (three significant digits).
    ci
        Its 95% confidence interval, if printed.
    ranged
        Whether it has a pass range.
    """

    name: str
    text: str
    ci: tuple[float, float] | None
    ranged: bool

    @property
    def value(self) -> float:
        """The printed value as a float."""
        return float(self.text)

    def tolerance(self, documented: Mapping[str, DocumentedValue]) -> float:
        """Allowed |run − documented| by the rule of the module docstring."""
        rounding = _half_last_digit(self.text)
        interval = self.ci
        if interval is None and self.name.endswith("_ci_low"):
            base = documented.get(self.name.removesuffix("_ci_low"))
            interval = base.ci if base is not None else None
        if interval is not None:
            return (interval[1] - interval[0]) / 2 + rounding
        return RELATIVE_TOLERANCE * abs(self.value) + rounding


@dataclass(frozen=True)
class DocumentedTarget:
    """One target's documented verdict and values."""

    target_id: str
    passed: bool
    values: dict[str, DocumentedValue]

    def compared(self) -> dict[str, DocumentedValue]:
        """The values that are compared: those with a pass range or an interval."""
        return {k: v for k, v in self.values.items() if v.ranged or v.ci is not None}


def parse_results_markdown(text: str) -> dict[str, DocumentedTarget]:
    """Read the results table of ``docs/validation_results.md``.

    Parameters
    ----------
    text
        The document (as :func:`strokesim.validate.report.results_markdown` writes it).

    Returns
    -------
    dict
        Target id → :class:`DocumentedTarget`, in document order.

    Raises
    ------
    ValueError
        If no results table is found or a row cannot be read.
    """
    targets: dict[str, DocumentedTarget] = {}
    current: DocumentedTarget | None = None
    for line in text.splitlines():
        match = _ROW.match(line.strip())
        if match is None:
            continue
        cells = [cell.strip() for cell in match.group(1).split("|")]
        separator = all(cell and set(cell) <= set("-:") for cell in cells)
        if len(cells) != 7 or cells[0] == "target" or separator:
            continue
        label, verdict, name, value, interval, allowed, _check = cells
        if label:
            found = _TARGET.match(label)
            if found is None:
                raise ValueError(f"cannot read the target of row {line!r}")
            passed = verdict.strip("*").upper() == "PASS"
            current = DocumentedTarget(found.group(1), passed, {})
            targets[current.target_id] = current
        if current is None:
            raise ValueError(f"row before any target: {line!r}")
        name = name.strip("`")
        ci = None
        if interval:
            bounds = _INTERVAL.match(interval)
            if bounds is None:
                raise ValueError(f"cannot read the interval of {name}: {interval!r}")
            ci = (float(bounds.group(1)), float(bounds.group(2)))
        current.values[name] = DocumentedValue(name, value, ci, bool(allowed))
    if not targets:
        raise ValueError("no results table found")
    return targets


def documented_run_settings(text: str) -> dict[str, int]:
    """The ``--n`` and ``--seed`` of the command that generated the document."""
    n = re.search(r"--n (\d+)", text)
    seed = re.search(r"--seed (\d+)", text)
    if n is None or seed is None:
        raise ValueError("the document does not say its --n and --seed")
    return {"n": int(n.group(1)), "seed": int(seed.group(1))}


def compare_with_documented(
    results: Iterable[TargetResult], documented: Mapping[str, DocumentedTarget]
) -> list[str]:
    """Every difference between a run and the document beyond Monte-Carlo error.

    Parameters
    ----------
    results
        The run's target results.
    documented
        Output of :func:`parse_results_markdown`.

    Returns
    -------
    list of str
        One line per difference: a target missing on either side, a different
        verdict, a compared value missing, or a compared value further from the
        documented one than its tolerance. Empty when the run matches.
    """
    problems = []
    by_id = {result.target_id: result for result in results}
    for target_id in sorted(set(documented) - set(by_id), key=_order):
        problems.append(f"{target_id}: documented but not run")
    for target_id in sorted(set(by_id) - set(documented), key=_order):
        problems.append(f"{target_id}: run but not documented")
    for target_id, target in documented.items():
        result = by_id.get(target_id)
        if result is None:
            continue
        if result.passed != target.passed:
            problems.append(
                f"{target_id}: verdict {_verdict(result.passed)}, documented "
                f"{_verdict(target.passed)}"
            )
        for name, value in target.compared().items():
            if name not in result.measured:
                problems.append(f"{target_id} {name}: documented but not measured")
                continue
            measured = float(result.measured[name])
            tolerance = value.tolerance(target.values)
            if math.isnan(measured) != math.isnan(value.value) or (
                not math.isnan(measured) and abs(measured - value.value) > tolerance
            ):
                problems.append(
                    f"{target_id} {name}: {measured:.4g}, documented {value.text} "
                    f"(tolerance ±{tolerance:.3g})"
                )
    return problems


def _half_last_digit(text: str) -> float:
    """Half a unit in the last printed digit of '0.619', '51.7', '1.2e+03' (0 for '709').

    The battery prints a value that is a whole number in full, so its rounding is 0.
    """
    if "." not in text and "e" not in text.lower():
        return 0.0
    mantissa = text.lower().split("e")[0]
    exponent = int(text.lower().split("e")[1]) if "e" in text.lower() else 0
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return 0.5 * 10.0 ** (exponent - decimals)


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def _order(target_id: str) -> int:
    return int(target_id[1:]) if target_id[1:].isdigit() else 0
