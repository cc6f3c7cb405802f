"""The shared prognosis path: its checks and its file statement (no engine run here).

The pipeline's numbers are tested through the CLI (tests/predict/test_cli_predict.py)
and against the web page (tests/web/test_same_as_cli.py).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from strokesim.errors import UserInputError
from strokesim.predict.pipeline import DEFAULTS, DISCLAIMER, check_all, check_settings
from strokesim.predict.record import record_from_toml


def test_the_file_statement_is_the_clis() -> None:
    from strokesim.cli import DISCLAIMER as CLI

    assert DISCLAIMER == CLI


def test_defaults_are_the_clis() -> None:
    import inspect

    from strokesim.cli.predict import plan

    params = inspect.signature(plan).parameters
    assert DEFAULTS.horizon == params["horizon"].default
    assert DEFAULTS.library == params["library"].default
    assert DEFAULTS.method == params["method"].default
    assert DEFAULTS.n_draws == params["draws"].default
    assert DEFAULTS.seed == params["seed"].default


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"horizon": 13}, "--horizon"),
        ({"library": 15}, "--library"),
        ({"method": "mcmc"}, "--method"),
        ({"seed": -1}, "--seed"),
        ({"protocols": ()}, "--protocols"),
        ({"protocols": ("cimt_2_weeks",), "n_draws": 3}, "--draws"),
    ],
)
def test_settings_are_checked_with_the_clis_option_names(change, field) -> None:
    with pytest.raises(UserInputError) as caught:
        check_settings(replace(DEFAULTS, **change))
    assert caught.value.field == field


def test_records_are_checked_before_any_work() -> None:
    late = record_from_toml(
        {
            "id": "L",
            "age": 60,
            "affected_side": "left",
            "observations": [{"day": 200, "measure": "fma_ue", "value": 30}],
        }
    )
    with pytest.raises(UserInputError, match="after L's last observation day 200"):
        check_all([late], DEFAULTS)
    with pytest.raises(UserInputError):
        check_all([], replace(DEFAULTS, protocols=("no_such_protocol",)))


def _plan_settings(**change):
    return replace(DEFAULTS, **{"protocols": ("cimt_2_weeks", "bimanual_training"), **change})


@pytest.mark.parametrize(
    ("change", "field", "allowed"),
    [
        ({"minutes_per_session": (0.5,)}, "--minutes-per-session", "1–480"),
        ({"minutes_per_session": (60.0, 500.0)}, "--minutes-per-session", "1–480"),
        ({"minutes_per_session": (60.0, 60.0, 60.0)}, "--minutes-per-session", "1 or 2"),
        ({"start_day": (20, 21, 22)}, "--start-day", "1 or 2"),
        ({"protocols": (), "start_day": (20,)}, "--protocols", "at least one"),
    ],
)
def test_plan_knobs_are_checked_with_the_clis_option_names(change, field, allowed) -> None:
    with pytest.raises(UserInputError, match=allowed) as caught:
        check_settings(_plan_settings(**change))
    assert caught.value.field == field


def test_knobs_without_a_plan_and_a_name_given_twice_are_errors() -> None:
    from strokesim.therapy.library import named_protocol

    with pytest.raises(UserInputError) as caught:
        check_settings(replace(DEFAULTS, start_day=(20,)))
    assert caught.value.field == "--protocols"
    twice = _plan_settings(custom_protocols=(named_protocol("bimanual_training"),))
    with pytest.raises(UserInputError, match="'bimanual_training' is given twice") as caught:
        check_settings(twice)
    assert caught.value.field == "--protocol-file"


def test_start_days_must_fall_after_each_record_and_before_the_horizon() -> None:
    record = record_from_toml(
        {
            "id": "S",
            "age": 60,
            "affected_side": "left",
            "observations": [{"day": 14, "measure": "fma_ue", "value": 30}],
        }
    )
    check_all([record], _plan_settings(horizon=60, start_day=(15, 59)))
    for day in (14, 60):
        with pytest.raises(UserInputError, match="15–59") as caught:
            check_all([record], _plan_settings(horizon=60, start_day=(day,)))
        assert caught.value.field == "--start-day"


def test_candidates_apply_the_dose_to_each_and_map_the_start_days() -> None:
    from strokesim.predict.pipeline import candidates
    from strokesim.predict.planner import beyond_usual_care, with_minutes
    from strokesim.therapy.library import named_protocol

    custom = named_protocol("cimt_2_weeks").model_copy(update={"name": "my_cimt"})
    settings = _plan_settings(
        custom_protocols=(custom,), minutes_per_session=(60.0, 90.0, 120.0), start_day=(20,)
    )
    protocols, starts = candidates(settings)
    assert list(protocols) == ["cimt_2_weeks", "bimanual_training", "my_cimt"]
    assert starts == dict.fromkeys(protocols, 20)
    for (name, p), minutes in zip(protocols.items(), (60, 90, 120), strict=True):
        source = custom if name == "my_cimt" else named_protocol(name)
        assert p == with_minutes(source, minutes)
        assert all(c.minutes_per_session == minutes for c in beyond_usual_care(p))
    # no knobs: the shipped protocols themselves, no start days
    protocols, starts = candidates(_plan_settings())
    assert protocols == {n: named_protocol(n) for n in ("cimt_2_weeks", "bimanual_training")}
    assert starts == {}
    assert candidates(DEFAULTS) is None
