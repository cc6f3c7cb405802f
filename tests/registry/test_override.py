"""Any registry parameter set by name: checked against its range, applied per run."""

from __future__ import annotations

import numpy as np
import pytest

from strokesim.cohort.population import POPULATION_PARAMETERS, lesion_volume_ml, sample_population
from strokesim.errors import UserInputError
from strokesim.model.parameters import REGISTRY, model_parameters
from strokesim.registry import PARAMETERS, active_overrides, check_value, override
from strokesim.therapy import named_protocols
from strokesim.therapy.library import _load_named
from strokesim.therapy.parameters import THERAPY_PARAMETERS, therapy_parameter
from strokesim.therapy.schedule import compile_protocol

IDS = [f"vp{i:05d}" for i in range(6)]


def _inside(name: str) -> float:
    """A value inside the range of ``name`` that differs from its registry value."""
    p = PARAMETERS[name]
    return p.low if p.value != p.low else p.high


def test_override_checks_each_group_and_splits_the_values() -> None:
    o = override({"vns.optimal_current": 0.6}, severity_a=1.2, max_command_gain=2)
    assert o.model == {"max_command_gain": 2.0}
    assert o.therapy == {"vns.optimal_current": 0.6}
    assert o.population == {"severity_a": 1.2}
    assert all(type(v) is float for v in o.values.values())


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("severity_a", 9.0, r"^severity_a: must lie in 0\.5–3, got 9$"),
        (
            "max_command_gain",
            0.5,
            r"^max_command_gain: must lie in 1–4 × healthy command, got 0\.5$",
        ),
        ("vns.optimal_current", float("nan"), r"^vns\.optimal_current: must lie in 0\.4–1\.2 mA"),
        ("age_sd", "wide", r"^age_sd: must be a number in 5–20 year, got 'wide'$"),
        ("age_sd", True, r"^age_sd: must be a number in 5–20 year, got True$"),
        ("no_such_parameter", 1.0, r"^no_such_parameter: unknown parameter; `strokesim params`"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_parameter_and_its_range(name, value, message) -> None:
    with pytest.raises(UserInputError, match=message) as caught:
        override({name: value})
    assert "\n" not in str(caught.value)


def test_check_value_names_the_given_field_and_accepts_the_range_ends() -> None:
    p = PARAMETERS["age_sd"]
    assert check_value("age_sd", p.low) == p.low and check_value("age_sd", p.high) == p.high
    with pytest.raises(UserInputError, match=r"^population\.parameters\.age_sd: must lie"):
        check_value("age_sd", p.high + 1, field="population.parameters.age_sd")


def test_model_overrides_apply_inside_the_block_only_and_explicit_values_win() -> None:
    name = "max_command_gain"
    value = _inside(name)
    before = model_parameters()
    with override({name: value}).applied():
        assert model_parameters()[name] == value
        assert model_parameters(**{name: REGISTRY[name].value})[name] == REGISTRY[name].value
        assert {k: v for k, v in model_parameters().items() if k != name} == {
            k: v for k, v in before.items() if k != name
        }
    assert model_parameters() == before
    assert active_overrides("model") == {}


def test_nested_blocks_stack() -> None:
    with override(severity_a=1.2).applied(), override(severity_b=2.0).applied():
        assert active_overrides("population") == {"severity_a": 1.2, "severity_b": 2.0}
    assert active_overrides("population") == {}


def test_population_overrides_change_the_draw_as_explicit_values_do() -> None:
    default = sample_population(IDS, 0)
    explicit = sample_population(IDS, 0, population={"severity_a": 2.5})
    with override(severity_a=2.5).applied():
        inside = sample_population(IDS, 0)
        volume = lesion_volume_ml(0.5)
    assert not np.array_equal(default.affected, explicit.affected)
    for field in ("age", "affected", "cst_load", "premotor_damage", "lesion_volume_ml"):
        np.testing.assert_array_equal(getattr(inside, field), getattr(explicit, field))
    assert volume == lesion_volume_ml(0.5)  # severity does not enter the volume formula
    with override(volume_scale_ml=POPULATION_PARAMETERS["volume_scale_ml"].high).applied():
        assert lesion_volume_ml(0.5) > volume


def test_therapy_overrides_reach_the_compiled_protocol_per_run() -> None:
    protocol = named_protocols()["vns_paired_6_weeks"]
    name = "vns.peak_plasticity_gain"
    base = compile_protocol(protocol, 420).vns_gain
    peak = THERAPY_PARAMETERS[name].high
    with override({name: peak}).applied():
        assert therapy_parameter(name) == peak
        raised = compile_protocol(protocol, 420).vns_gain
    assert therapy_parameter(name) == THERAPY_PARAMETERS[name].value
    on = np.asarray(base) > 1
    assert on.any() and np.all(np.asarray(raised)[on] > np.asarray(base)[on])
    np.testing.assert_array_equal(compile_protocol(protocol, 420).vns_gain, base)


def test_cached_named_protocols_keep_the_registry_defaults() -> None:
    _load_named.cache_clear()
    with override({"robot.assistance": 0.6}).applied():
        robot = named_protocols()["robot_45min_3x_12weeks"]
    assistance = [c.assistance for c in robot.components if hasattr(c, "assistance")]
    assert assistance and all(a != 0.6 for a in assistance)
