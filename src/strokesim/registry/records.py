"""The record of one registry parameter and how its provenance is read.

A parameter's *provenance* is one of three kinds (issue 30 item 5):

- ``"calibrated"``: ``calibrated.json`` holds a value fitted by
  ``calibration/calibrate.py``; ``calibrated_by`` names the validation target(s);
- ``"set by hand"``: the source says so (the words "set by hand");
- ``"literature"``: the source cites a publication (or a derivation from one).

The kind is derived from ``calibrated_by`` and the source, never stored beside them,
so it cannot contradict them; ``tests/test_parameter_provenance.py`` checks that every
parameter is exactly one kind and that the calibration code agrees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["PROVENANCE_KINDS", "SET_BY_HAND", "Parameter"]

#: The provenance kinds, in display order.
PROVENANCE_KINDS: tuple[str, ...] = ("calibrated", "set by hand", "literature")

#: How a source says that its value is set by hand.
SET_BY_HAND = re.compile(r"\bset by hand\b", re.IGNORECASE)


@dataclass(frozen=True)
class Parameter:
    """One parameter of the registry.

    Attributes
    ----------
    name
        Identifier used in the equations (therapy: ``"<method>.<quantity>"``).
    value
        Value in ``unit``: the literature or hand-set value, or the calibrated value
        when ``calibrated_by`` is set.
    unit
        Physical or model unit (``"day"``, ``"fraction"``, ``"1/trial"``, ...).
    low, high
        Plausible range; property tests, sweeps and user overrides stay inside it.
    source
        Paper, or the reasoning that fixes it.
    description
        What the parameter does, in one sentence.
    calibrated_by
        Validation target id(s) that fixed the value, or ``None`` when not calibrated.
    """

    name: str
    value: float
    unit: str
    low: float
    high: float
    source: str
    description: str = ""
    calibrated_by: str | None = None

    @property
    def provenance_kind(self) -> str:
        """One of :data:`PROVENANCE_KINDS`.

        Examples
        --------
        >>> Parameter("x", 1.0, "1", 0.0, 2.0, "Set by hand: a guess").provenance_kind
        'set by hand'
        """
        if self.calibrated_by is not None:
            return "calibrated"
        if SET_BY_HAND.search(self.source):
            return "set by hand"
        return "literature"

    @property
    def provenance(self) -> str:
        """The provenance as shown to users: ``"calibrated against V8"``, ``"set by hand"``
        or ``"literature"``.

        Examples
        --------
        >>> Parameter("x", 1.0, "1", 0.0, 2.0, "Ward 2003", calibrated_by="V1/V4").provenance
        'calibrated against V1/V4'
        """
        kind = self.provenance_kind
        return f"calibrated against {self.calibrated_by}" if kind == "calibrated" else kind

    @property
    def range_text(self) -> str:
        """The plausible range with its unit, for error messages.

        Examples
        --------
        >>> Parameter("x", 1.0, "day", 0.5, 3.0, "").range_text
        '0.5–3 day'
        >>> Parameter("x", 1.0, "1", 0.5, 3.0, "").range_text  # dimensionless: no unit
        '0.5–3'
        """
        unit = "" if self.unit == "1" else f" {self.unit}"
        return f"{self.low:g}–{self.high:g}{unit}"
