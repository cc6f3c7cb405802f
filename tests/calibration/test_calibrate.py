"""The calibration script: its stages name registry parameters, and its search is deterministic."""

from __future__ import annotations

import json

import pytest


@pytest.fixture(scope="module")
def cal(load_script):
    return load_script("calibrate")


def test_free_parameters_are_registry_parameters_with_a_start_inside_the_box(cal):
    from strokesim.model.parameters import REGISTRY, literature_parameters

    start = literature_parameters()
    for free in (*cal.STAGE_A, *cal.STAGE_B, *cal.STAGE_C):
        assert free.name in REGISTRY
        assert REGISTRY[free.name].low <= free.low < free.high <= REGISTRY[free.name].high
        assert free.low <= start[free.name] <= free.high


def test_calibrated_values_lie_inside_their_search_boxes_and_registry_ranges(cal):
    import json

    from strokesim.model.parameters import REGISTRY

    stored = json.loads(cal.CALIBRATED.read_text())["parameters"]
    for free in (*cal.STAGE_A, *cal.STAGE_B, *cal.STAGE_C):
        value = stored[free.name]["value"]
        assert free.low <= value <= free.high
        assert REGISTRY[free.name].low <= value <= REGISTRY[free.name].high
        assert REGISTRY[free.name].value == value


def test_objective_is_zero_at_the_centres_and_penalises_missing_values(cal):
    centres = {key: centre for _, key, centre, _ in cal.OBJECTIVE_B}
    assert cal.objective_value(centres, cal.OBJECTIVE_B) == 0.0
    one_off = dict(centres, late_to_early_ratio=centres["late_to_early_ratio"] + 0.2)
    assert cal.objective_value(one_off, cal.OBJECTIVE_B) == pytest.approx(1.0)
    assert cal.objective_value({}, cal.OBJECTIVE_B) == 25.0 * len(cal.OBJECTIVE_B)


def test_search_finds_the_minimum_of_a_known_objective_and_repeats_itself(cal, monkeypatch):
    free = (
        cal.Free("plasticity_peak", 2.0, 10.0, "T"),
        cal.Free("forgetting_rate", 0.0, 0.02, "T"),
    )
    best = {"plasticity_peak": 7.3, "forgetting_rate": 0.004}

    def metrics(params, n, seed):
        return {k: params[k] for k in best}

    objective = (
        ("T", "plasticity_peak", best["plasticity_peak"], 1.0),
        ("T", "forgetting_rate", best["forgetting_rate"], 0.002),
    )
    monkeypatch.setitem(cal.STAGES, "T", (free, objective, metrics))
    runs = [cal.calibrate(10, 0, 60, log=lambda _: None, stage="T") for _ in range(2)]
    assert runs[0] == runs[1]
    assert runs[0]["plasticity_peak"] == pytest.approx(best["plasticity_peak"], abs=0.1)
    assert runs[0]["forgetting_rate"] == pytest.approx(best["forgetting_rate"], abs=2e-4)


def test_a_skipped_stage_keeps_its_stored_values_and_later_stages_start_from_them(cal, monkeypatch):
    seen: list[dict[str, float]] = []

    def fake(n, seed, max_evals, log=print, stage="A", start=None):
        seen.append(dict(start or {}))
        return {f.name: 1.0 for f in cal.STAGES[stage][0]}

    monkeypatch.setattr(cal, "calibrate", fake)
    stored = {f.name: 0.5 for stage in "ABC" for f in cal.STAGES[stage][0]}
    values, minutes = cal.calibrate_all(
        10, 10, 0, 1, 1, 1, log=lambda _: None, stages="A", stored=stored
    )
    stage_b = {f.name for f in cal.STAGE_B}
    assert {k: values[k] for k in stage_b} == {k: 0.5 for k in stage_b}
    assert all(values[f.name] == 1.0 for f in cal.STAGE_A)
    assert len(seen) == 1 and stage_b <= seen[0].keys()  # stage A started from B's stored values
    assert set(minutes) == {"A"}
    with pytest.raises(ValueError, match="stage B is skipped"):
        cal.calibrate_all(10, 10, 0, 1, 1, 1, log=lambda _: None, stages="A")


def test_check_reruns_every_stage_with_the_stored_settings_and_reports_a_difference(
    cal, monkeypatch, tmp_path, capsys
):
    stored = {f.name: 0.5 for stage in "ABC" for f in cal.STAGES[stage][0]}
    settings = {"n": 7, "n_b": 5, "seed": 3, "max_evals": 2, "max_evals_b": 1, "max_evals_c": 1}
    path = tmp_path / "calibrated.json"
    parameters = {k: {"value": v} for k, v in stored.items()}
    path.write_text(json.dumps({"settings": settings, "parameters": parameters}))
    monkeypatch.setattr(cal, "CALIBRATED", path)
    calls: list[tuple] = []

    def fake(*sizes, stages="BCA", stored=None, log=print):
        calls.append((sizes, stages))
        return {**stored, "plasticity_peak": result}, {}

    monkeypatch.setattr(cal, "calibrate_all", fake)
    result = 0.5
    assert cal.main(["--check"]) == 0
    assert "reproduced" in capsys.readouterr().out
    assert calls == [((7, 5, 3, 2, 1, 1), "BCA")]
    result = 0.6
    assert cal.main(["--check"]) == 1
    assert "plasticity_peak" in capsys.readouterr().out
    assert json.loads(path.read_text())["parameters"]["plasticity_peak"]["value"] == 0.5
