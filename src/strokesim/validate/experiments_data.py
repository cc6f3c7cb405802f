"""What a validation experiment hands to its metric, its figure and the report."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

__all__ = ["ExperimentData"]


@dataclass(frozen=True)
class ExperimentData:
    """The outcome of one validation experiment, before any statistics.

    Attributes
    ----------
    target_id
        ``"V1"`` … ``"V13"`` (key of :data:`strokesim.validate.metrics.TARGETS`).
    inputs
        Keyword arguments of the target's metric function (one value per analysed
        patient, in the same order).
    figure
        Extra arrays the target's figure needs (e.g. whole time courses).
    design
        How the finding is emulated: cohort, inclusion, protocol, days (one paragraph).
    n_patients
        Patients analysed (after any inclusion criteria).
    """

    target_id: str
    inputs: dict[str, NDArray[np.generic]]
    figure: dict[str, NDArray[np.generic]] = field(default_factory=dict)
    design: str = ""
    n_patients: int = 0
