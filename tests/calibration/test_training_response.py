"""The training-response study script: its inputs, its probe protocol and its errors."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def study(load_script):
    return load_script("training_response")


def test_variants_name_registry_parameters_and_the_defaults_come_first(study):
    from strokesim.model.parameters import REGISTRY

    assert next(iter(study.VARIANTS.values())) == {}
    for overrides in study.VARIANTS.values():
        assert set(overrides) <= set(REGISTRY)


def test_outside_range_flags_only_values_beyond_the_registry_range(study):
    assert study.outside_range({"learning_rate": 0.05, "forgetting_rate": 0.0}) == ["learning_rate"]
    assert study.outside_range({"trials_saturation": 2000.0}) == []


def test_headroom_probe_trains_daily_for_the_requested_days(study):
    protocol = study.headroom_protocol(540, 90)
    (training,) = protocol.components
    assert training.start_day == 540
    assert training.duration_days == 90
    assert training.sessions_per_week == 7
    assert training.trials_per_session == 1000
    assert training.task_mix == study.PROGRAMME.task_mix
    assert training.task_mix["selective_movement"] == pytest.approx(0.4)
