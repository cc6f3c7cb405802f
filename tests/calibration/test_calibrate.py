"""The calibration script: its stages name registry parameters, and its search is deterministic."""

from __future__ import annotations

import json

import pytest


@pytest.fixture(scope="module")
def cal(load_script):
    return load_script("calibrate")


def _all_free(cal):
    return [f for stage in cal.STAGES.values() for f in stage.free]


def test_free_parameters_are_registry_parameters_with_a_start_inside_the_box(cal):
    start = cal.starting_candidate()
    for free in _all_free(cal):
        registry = cal.REGISTRIES[free.registry]
        assert free.name in registry, free
        assert registry[free.name].low <= free.low < free.high <= registry[free.name].high
        assert free.low <= start[free.name] <= free.high


def test_every_stage_runs_in_a_full_run_and_every_parameter_is_fitted_once(cal):
    assert sorted(cal.STAGE_ORDER) == sorted(cal.STAGES)
    names = [f.name for f in _all_free(cal)]
    assert len(names) == len(set(names))
    assert set(cal.fitted_targets()) == set(names)
    assert cal.AWAITING_RECALIBRATION.issubset(names)


def test_the_new_stage_a_parameters_are_fitted_in_their_own_registries(cal):
    free = {f.name: f for f in cal.STAGE_A}
    assert free["max_command_gain"].registry == "model"
    assert free["max_command_gain"].targets == ("V1",)
    for name in ("severity_a", "severity_b"):
        assert free[name].registry == "population"
        assert set(free[name].targets) <= set(cal.OBJECTIVE_TARGETS["A"])
    assert cal.OBJECTIVE_TARGETS["A"] == ("V1", "V2", "V4", "V10")


def test_calibrated_values_lie_inside_their_search_boxes_and_registry_ranges(cal):
    stored = json.loads(cal.CALIBRATED.read_text())["parameters"]
    checked = 0
    for free in _all_free(cal):
        if free.name in cal.AWAITING_RECALIBRATION:
            assert free.name not in stored  # recorded only by the next full run
            continue
        registry = cal.REGISTRIES[free.registry]
        value = stored[free.name]["value"]
        assert free.low <= value <= free.high
        assert registry[free.name].low <= value <= registry[free.name].high
        assert registry[free.name].value == value
        checked += 1
    assert checked >= 9


def test_terms_aim_at_the_middle_of_two_sided_pass_ranges(cal):
    t = cal.term("V1", "slope")  # VALIDATION.md: 0.60–0.85
    assert (t.centre, t.half_width) == pytest.approx((0.725, 0.125))
    assert t.label == "V1.slope"
    for stage in cal.STAGES.values():
        for t in stage.objective:
            assert cal.TARGETS[t.target].ranges[t.key].contains(t.centre), t


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("V1", "no_such_value"), "no ranged value"),
        (("V2", "non_fitter_mep_negative_share"), "one-sided"),
        (("V2", "non_fitter_mep_negative_share", 0.5, 0.1), "outside"),
    ],
)
def test_a_term_outside_the_targets_ranges_is_refused(cal, args, match):
    with pytest.raises(ValueError, match=match):
        cal.term(*args)


def test_objective_is_zero_at_the_centres_and_penalises_missing_values(cal):
    centres = {t.label: t.centre for t in cal.OBJECTIVE_B}
    assert cal.objective_value(centres, cal.OBJECTIVE_B) == 0.0
    one_off = dict(centres, **{"V8.late_to_early_ratio": centres["V8.late_to_early_ratio"] + 0.2})
    assert cal.objective_value(one_off, cal.OBJECTIVE_B) == pytest.approx(1.0)
    assert cal.objective_value({}, cal.OBJECTIVE_B) == 25.0 * len(cal.OBJECTIVE_B)
    # a value of another target with the same key does not stand in for it
    assert cal.objective_value({"V7.slope": 0.725}, (cal.term("V1", "slope"),)) == 25.0


def test_a_stage_measures_the_targets_its_objective_names_on_the_calibration_cohort(
    cal, monkeypatch
):
    import strokesim.validate.battery as battery

    calls = []

    class Result:
        def __init__(self, target):
            self.target_id, self.measured = target, {"x": 1.0}

    def fake_run_battery(**kwargs):
        calls.append(kwargs)
        return type("R", (), {"results": [Result(t) for t in kwargs["only"]]})()

    monkeypatch.setattr(battery, "run_battery", fake_run_battery)
    extended = cal.Stage(
        "A",
        (*cal.STAGE_A, cal.Free("learning_rate", 0.001, 0.01, "V12")),
        (*cal.OBJECTIVE, cal.term("V12", "mean_difference", 1.0, 1.0)),
        size="n",
        evals="max_evals",
    )
    candidate = cal.starting_candidate({"severity_a": 2.0, "max_command_gain": 2.5})
    measured = extended.measure(candidate, 12, cal.CALIBRATION_SEED)
    (kwargs,) = calls
    assert kwargs["only"] == ("V1", "V2", "V4", "V10", "V12")
    assert kwargs["ids"] == cal.CALIBRATION_IDS and kwargs["seed"] == cal.CALIBRATION_SEED
    assert kwargs["population"]["severity_a"] == 2.0
    assert "severity_a" not in kwargs["params"] and kwargs["params"]["max_command_gain"] == 2.5
    assert set(measured) == {f"{t}.x" for t in kwargs["only"]}


def test_search_finds_the_minimum_of_a_known_objective_and_repeats_itself(cal, monkeypatch):
    free = (
        cal.Free("plasticity_peak", 2.0, 10.0, "T"),
        cal.Free("severity_a", 0.5, 3.0, "T", registry="population"),
    )
    best = {"plasticity_peak": 7.3, "severity_a": 2.1}

    def metrics(candidate, n, seed):
        return {f"T.{k}": candidate[k] for k in best}

    objective = (
        cal.Term("T", "plasticity_peak", best["plasticity_peak"], 1.0),
        cal.Term("T", "severity_a", best["severity_a"], 0.3),
    )
    stage = cal.Stage("T", free, objective, size="n", evals="max_evals", metrics=metrics)
    monkeypatch.setitem(cal.STAGES, "T", stage)
    runs = [cal.calibrate(10, 0, 80, log=lambda _: None, stage="T") for _ in range(2)]
    assert runs[0] == runs[1]
    assert runs[0]["plasticity_peak"] == pytest.approx(best["plasticity_peak"], abs=0.1)
    assert runs[0]["severity_a"] == pytest.approx(best["severity_a"], abs=0.05)


def _settings(cal, **changes):
    return {**cal.DEFAULT_SETTINGS, **changes}


def test_a_skipped_stage_keeps_its_stored_values_and_later_stages_start_from_them(cal, monkeypatch):
    seen: list[dict[str, float]] = []
    sizes: list[tuple[int, int, int]] = []

    def fake(n, seed, max_evals, log=print, stage="A", start=None):
        seen.append(dict(start or {}))
        sizes.append((n, seed, max_evals))
        return {f.name: 1.0 for f in cal.STAGES[stage].free}

    monkeypatch.setattr(cal, "calibrate", fake)
    stored = {f.name: 0.5 for f in _all_free(cal)}
    settings = _settings(cal, n=10, seed=5, max_evals=3)
    values, minutes = cal.calibrate_all(settings, log=lambda _: None, stages="A", stored=stored)
    stage_b = {f.name for f in cal.STAGE_B}
    assert {k: values[k] for k in stage_b} == {k: 0.5 for k in stage_b}
    assert all(values[f.name] == 1.0 for f in cal.STAGE_A)
    assert len(seen) == 1 and stage_b <= seen[0].keys()  # stage A started from B's stored values
    assert sizes == [(10, 5, 3)]
    assert set(minutes) == {"A"}
    with pytest.raises(ValueError, match="stage B is skipped"):
        cal.calibrate_all(settings, log=lambda _: None, stages="A")
    # a stage whose parameters calibrated.json does not record yet cannot be skipped
    # ... and that is refused before any stage runs (a late refusal lost a run's results)
    partial = {k: v for k, v in stored.items() if k != "max_command_gain"}
    seen.clear()
    with pytest.raises(ValueError, match="max_command_gain"):
        cal.calibrate_all(settings, log=lambda _: None, stages="BC", stored=partial)
    assert seen == []


def test_the_best_point_evaluated_is_returned_when_the_budget_ends_mid_iteration(cal, monkeypatch):
    free = (cal.Free("plasticity_peak", 2.0, 10.0, "T"),)
    seen: list[float] = []

    def metrics(candidate, n, seed):
        seen.append(candidate["plasticity_peak"])
        return {"T.plasticity_peak": candidate["plasticity_peak"]}

    objective = (cal.Term("T", "plasticity_peak", 9.5, 1.0),)
    stage = cal.Stage("T", free, objective, size="n", evals="max_evals", metrics=metrics)
    monkeypatch.setitem(cal.STAGES, "T", stage)
    lines: list[str] = []
    for budget in range(2, 9):
        seen.clear()
        result = cal.calibrate(10, 0, budget, log=lines.append, stage="T")
        closest = min(seen, key=lambda v: abs(v - 9.5))
        assert result["plasticity_peak"] == pytest.approx(closest, abs=1e-4)
    assert "plasticity_peak=" in lines[-1]  # each evaluation logs its candidate


def test_written_settings_name_the_calibration_seed_and_id_prefixes(cal):
    values = {f.name: 1.0 for f in _all_free(cal)}
    out = cal.payload(values, cal.DEFAULT_SETTINGS, {"A": 1.0, "B": 2.0, "C": None})
    settings = out["settings"]
    assert settings["seed"] == cal.CALIBRATION_SEED
    assert settings["patient_ids"] == "cal-vp00000 …"
    assert settings["control_ids"] == "cal-hc00000 …"
    assert str(cal.CALIBRATION_SEED) in settings["cohorts"]
    assert settings["minutes"] == 3.0
    entries = out["parameters"]
    assert entries["severity_a"]["registry"] == "population"
    assert entries["max_command_gain"] == {
        "value": 1.0,
        "target": "V1",
        "registry": "model",
        "literature_start": 1.6,
    }
    assert set(entries) == {f.name for f in _all_free(cal)}


def test_written_population_entries_reach_the_population_registry_only(cal):
    from strokesim.cohort.population import _POPULATION_LITERATURE
    from strokesim.model.parameters import _LITERATURE, apply_calibrated

    values = {f.name: f.low for f in _all_free(cal)}
    entries = cal.payload(values, cal.DEFAULT_SETTINGS, {})["parameters"]
    by_registry = {
        r: {k: e for k, e in entries.items() if e["registry"] == r} for r in cal.REGISTRIES
    }
    population = apply_calibrated(_POPULATION_LITERATURE.values(), by_registry["population"])
    model = apply_calibrated(_LITERATURE, by_registry["model"])
    assert population["severity_b"].value == 0.5 and population["severity_b"].calibrated_by
    assert model["max_command_gain"].value == 1.0
    with pytest.raises(KeyError, match="severity_a"):
        apply_calibrated(_LITERATURE, entries)


def test_check_reruns_every_stage_with_the_stored_settings_and_reports_a_difference(
    cal, monkeypatch, tmp_path, capsys
):
    stored = {f.name: 0.5 for f in _all_free(cal)}
    settings = {
        "n": 7,
        "n_b": 5,
        "seed": 3,
        "max_evals": 2,
        "max_evals_b": 1,
        "max_evals_c": 1,
        "max_evals_d": 1,
        "max_evals_e": 1,
    }
    path = tmp_path / "calibrated.json"
    parameters = {k: {"value": v} for k, v in stored.items()}
    document = {"settings": settings | cal.cohort_settings(3), "parameters": parameters}
    path.write_text(json.dumps(document))
    monkeypatch.setattr(cal, "CALIBRATED", path)
    calls: list[tuple] = []

    def fake(sizes, stages="BCADE", stored=None, log=print):
        calls.append((dict(sizes), stages))
        return {**stored, "plasticity_peak": result}, {}

    monkeypatch.setattr(cal, "calibrate_all", fake)
    result = 0.5
    assert cal.main(["--check"]) == 0
    assert "reproduced" in capsys.readouterr().out
    assert calls == [(settings, "BCADE")]
    result = 0.6
    assert cal.main(["--check"]) == 1
    assert "plasticity_peak" in capsys.readouterr().out
    assert json.loads(path.read_text())["parameters"]["plasticity_peak"]["value"] == 0.5
    # a file from before the disjoint cohorts cannot be checked against them
    path.write_text(json.dumps({"settings": settings, "parameters": parameters}))
    with pytest.raises(SystemExit):
        cal.main(["--check"])
    assert "predates the disjoint calibration cohorts" in capsys.readouterr().err


def test_a_partial_run_records_the_stored_budgets_of_the_stages_it_skips(
    cal, monkeypatch, tmp_path
):
    stored = {f.name: 0.5 for f in _all_free(cal)}
    budgets = {
        "max_evals": 3,
        "max_evals_b": 4,
        "max_evals_c": 5,
        "max_evals_d": 6,
        "max_evals_e": 2,
    }
    settings = {"n": 7, "n_b": 5, "seed": 3} | budgets
    path = tmp_path / "calibrated.json"
    parameters = {k: {"value": v} for k, v in stored.items()}
    path.write_text(json.dumps({"settings": settings, "parameters": parameters}))
    monkeypatch.setattr(cal, "CALIBRATED", path)
    seen: list[dict] = []

    def fake(sizes, stages="BCADE", stored=None, log=print):
        seen.append(dict(sizes))
        return dict(stored), {"D": 0.1}

    monkeypatch.setattr(cal, "calibrate_all", fake)
    assert cal.main(["--stages", "D", "--max-evals-d", "9", "--write"]) == 0
    written = json.loads(path.read_text())["settings"]
    # the skipped stages keep the budgets their stored runs had, not the defaults
    assert {k: written[k] for k in budgets} == budgets | {"max_evals_d": 9}
    assert seen[0]["max_evals"] == 3


def test_a_stage_on_a_published_trial_needs_metrics_of_its_own(cal):
    trial = cal.Term("Lang2016", "arat_slope_difference", 0.0, 0.4)
    free = (cal.Free("consolidation_threshold", 200.0, 3000.0, "Lang2016"),)
    with pytest.raises(ValueError, match="no battery targets"):
        cal.Stage("D", free, (trial,), size="n_b", evals="max_evals_c")
    with pytest.raises(ValueError, match="unknown setting"):
        cal.Stage("D", free, (trial,), size="n_d", evals="max_evals_c", metrics=dict)
    stage = cal.Stage(
        "D",
        free,
        (trial, cal.term("V9", "mean_gain_end")),
        size="n_b",
        evals="max_evals_c",
        metrics=lambda candidate, n, seed: {"Lang2016.arat_slope_difference": 0.4},
    )
    assert stage.targets == ("V9", "Lang2016")
    measured = stage.measure(cal.starting_candidate(), 10, cal.CALIBRATION_SEED)
    assert cal.objective_value(measured, (trial,)) == pytest.approx(1.0)


def test_an_entry_for_an_unknown_registry_is_refused(monkeypatch):
    import strokesim.registry.load as parameters

    entry = {"value": 1.0, "target": "V4", "registry": "populaton"}
    monkeypatch.setattr(parameters, "_load_calibrated", lambda: {"severity_a": entry})
    with pytest.raises(ValueError, match="populaton"):
        parameters.calibrated_entries("population")
    monkeypatch.setattr(parameters, "_load_calibrated", lambda: {"severity_a": {"value": 1.0}})
    assert parameters.calibrated_entries("population") == {}
    assert set(parameters.calibrated_entries("model")) == {"severity_a"}  # no registry: model
