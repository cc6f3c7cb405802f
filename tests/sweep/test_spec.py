"""Sweep spec validation: one line naming the field and its allowed range."""

from __future__ import annotations

import pytest

from strokesim.errors import UserInputError
from strokesim.sweep.spec import parse_sweep

from .conftest import tiny_spec


def _error(doc: dict) -> UserInputError:
    with pytest.raises(UserInputError) as info:
        parse_sweep(doc)
    assert "\n" not in str(info.value)
    return info.value


def test_valid_spec_resolves_factors_from_the_registries() -> None:
    loaded = parse_sweep(tiny_spec())
    kinds = {f.name: f.kind for f in loaded.factors}
    assert kinds == {"protocol.trials_per_session": "protocol", "plasticity_peak": "model"}
    # default range: the registry's
    doc = tiny_spec(factor=[{"name": "learning_rate"}, {"name": "severity_a"}])
    factors = parse_sweep(doc).factors
    assert (factors[0].low, factors[0].high) == (0.001, 0.01)
    assert factors[1].kind == "population"


@pytest.mark.parametrize(
    ("factor", "field", "words"),
    [
        ({"name": "plasticity_peak", "high": 12.0}, "factor[0].high", "1–10"),
        ({"name": "plasticity_peak", "low": 0.5}, "factor[0].low", "1–10"),
        ({"name": "no_such_parameter"}, "factor[0].name", "unknown parameter"),
        ({"name": "ihi_strength"}, "factor[0].name", "cannot vary per patient"),
        ({"name": "protocol.volume"}, "factor[0].name", "unknown protocol knob"),
        ({"name": "protocol.sessions_per_week", "low": 1, "high": 9}, "factor[0].high", "1–7"),
        ({"name": "plasticity_peak", "low": 3.0, "high": 2.0}, "factor[0].high", "exceed"),
        ({"name": "plasticity_peak", "colour": 1}, "factor[0].colour", "unknown field"),
    ],
)
def test_bad_factor_names_the_field(factor: dict, field: str, words: str) -> None:
    error = _error(tiny_spec(factor=[factor]))
    assert error.field.startswith(field), error
    assert words in error.problem, error


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"cohort": {"n": 0}}, "cohort.n", "1–10000"),
        ({"cohort": {"days": 20, "protocol": "nope"}}, "cohort.protocol", "unknown protocol"),
        ({"output": [{"measure": "fma_ue", "day": 400}]}, "output[0].day", "1–20"),
        ({"output": [{"measure": "happiness"}]}, "output[0].measure", "unknown measure"),
        ({"output": [{"measure": "fma_ue", "stat": "max"}]}, "output[0].stat", "mean"),
        ({"design": {"kind": "random"}}, "design.kind", "grid"),
        ({"sensitivity": {"samples": 100}}, "sensitivity.samples", "power of 2"),
        ({"cohort": {"fixed": {"learning_rate": 1.0}}}, "cohort.fixed.learning_rate", "0.001"),
        ({"factor": []}, "factor", "at least 1"),
    ],
)
def test_bad_setting_names_the_field(changes: dict, field: str, words: str) -> None:
    error = _error(tiny_spec(**changes))
    assert error.field.startswith(field), error
    assert words in error.problem, error


def test_a_factor_named_twice_is_refused() -> None:
    error = _error(tiny_spec(factor=[{"name": "learning_rate"}, {"name": "learning_rate"}]))
    assert error.field == "factor[1].name"
