"""Where each parameter's value comes from is stated truthfully.

A source that says a value was calibrated against a target must be backed by
``calibrated.json`` (written by ``calibration/calibrate.py``) for that target; the
parameters set by hand that bear on a target are listed by ``calibration/hand_set.py``,
which shows that target across their registry ranges.
"""

from __future__ import annotations

import re

import pytest

from strokesim.model.parameters import REGISTRY

_CLAIM = re.compile(r"calibrated against (V\d+)")


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_a_claimed_calibration_is_backed_by_calibrated_json(name: str) -> None:
    p = REGISTRY[name]
    claim = _CLAIM.search(p.source)
    if claim is not None:
        assert p.calibrated_by == claim.group(1), (name, p.calibrated_by)


def test_every_calibrated_value_names_its_target_in_its_source() -> None:
    for name, p in REGISTRY.items():
        if p.calibrated_by:
            assert p.calibrated_by in p.source, name
