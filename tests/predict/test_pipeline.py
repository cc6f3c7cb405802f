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
