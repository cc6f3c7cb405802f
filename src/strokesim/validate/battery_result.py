"""The result of a battery run (no runner, no report).

Kept apart from :mod:`strokesim.validate.battery` so that the report
(:mod:`strokesim.validate.report`) reads results without importing the runner
(no import cycle).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from strokesim.validate.experiments import ExperimentData
from strokesim.validate.metrics import TargetResult

__all__ = ["BatteryResult"]


@dataclass(frozen=True)
class BatteryResult:
    """The outcome of a validation run.

    Attributes
    ----------
    results
        One :class:`~strokesim.validate.metrics.TargetResult` per selected target,
        in VALIDATION.md order.
    data
        Target id → the experiment's data (metric inputs, figure arrays, design).
    seconds
        Target id → wall time (s) of its experiment and metric. A simulation shared
        by several targets is counted for the first target that needs it (the
        natural history for the first of V1–V5, V10, V11; a stretch of the
        usual-care course for the first twin experiment that reaches it).
    settings
        Run settings for the report: n, seed, n_boot, version, parameter hash,
        JAX backend, total seconds.
    """

    results: list[TargetResult]
    data: dict[str, ExperimentData]
    seconds: dict[str, float]
    settings: dict[str, object] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """Whether every selected target passed."""
        return all(result.passed for result in self.results)
