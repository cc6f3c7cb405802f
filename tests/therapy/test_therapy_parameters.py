"""The therapy parameter table is complete, in range and sourced; the public API is listed."""

from __future__ import annotations

import re
from pathlib import Path

import strokesim.therapy as therapy
from strokesim.therapy import THERAPY_PARAMETERS, therapy_parameter_rows

SOURCE_DIR = Path(therapy.__file__).parent


def test_every_parameter_is_in_range_and_sourced() -> None:
    for name, parameter in THERAPY_PARAMETERS.items():
        assert parameter.name == name
        assert parameter.low <= parameter.value <= parameter.high, name
        assert parameter.unit and len(parameter.source) > 10, name


def test_every_parameter_used_in_the_code_exists() -> None:
    used: set[str] = set()
    for path in SOURCE_DIR.glob("*.py"):
        used |= set(re.findall(r'therapy_parameter\(\s*"([a-z0-9_.]+)"', path.read_text()))
    assert used, "expected literal parameter names in the code"
    assert used <= set(THERAPY_PARAMETERS)


def test_rows_for_the_params_table() -> None:
    rows = therapy_parameter_rows()
    assert len(rows) == len(THERAPY_PARAMETERS)
    assert set(rows[0]) == {"name", "value", "unit", "low", "high", "source", "description"}


def test_public_names_are_exported() -> None:
    exported = set(therapy.__all__)
    public = {name for name in vars(therapy) if not name.startswith("_")}
    modules = {"components", "drugs", "library", "modulators", "parameters", "schedule", "schema"}
    modules |= {"stimulation"}
    assert public - exported - modules - {"annotations"} == set()
    assert all(hasattr(therapy, name) for name in exported)
