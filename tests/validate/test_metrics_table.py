"""The TARGETS table, pass decision, results table, public names and docstring examples."""

from __future__ import annotations

import doctest
import importlib
import math

import numpy as np
import pytest

import strokesim.validate.metrics as metrics
from strokesim.validate.metrics_core import check_ranges, make_result
from strokesim.validate.metrics_targets import TARGETS, Range

_MY_MODULES = [
    "strokesim.predict.prep2",
    "strokesim.predict.baselines",
    "strokesim.stats",
    "strokesim.validate.metrics",
    "strokesim.validate.metrics_core",
    "strokesim.validate.metrics_targets",
    "strokesim.validate.metrics_recovery",
    "strokesim.validate.metrics_experiments",
    "strokesim.validate.metrics_secondary",
    "strokesim.validate.metrics_laterality",
]


def test_targets_cover_v1_to_v13_with_ranges_and_sources() -> None:
    assert list(TARGETS) == [f"V{i}" for i in range(1, 14)]
    for target_id, spec in TARGETS.items():
        assert spec.target_id == target_id
        assert spec.ranges, target_id
        assert spec.title and spec.finding and spec.source and spec.criteria


@pytest.mark.parametrize(
    ("bounds", "inside", "outside", "text"),
    [
        (Range(0.6, 0.85), [0.6, 0.7, 0.85], [0.59, 0.86, math.nan], "0.6–0.85"),
        (Range(low=0.0, low_inclusive=False), [1e-9, math.inf], [0.0, -1.0], "> 0"),
        (Range(high=8.0), [8.0, -math.inf], [8.01], "≤ 8"),
        (Range(0.0, 1.0, False, False), [0.5], [0.0, 1.0], "(0, 1)"),
    ],
)
def test_range_bounds_and_text(
    bounds: Range, inside: list[float], outside: list[float], text: str
) -> None:
    assert all(bounds.contains(v) for v in inside)
    assert not any(bounds.contains(v) for v in outside)
    assert str(bounds) == text


def test_make_result_decides_pass_from_the_table() -> None:
    good = make_result("V9", {"mean_gain_end": 8.0, "retention": 0.9}, {}, "")
    bad = make_result("V9", {"mean_gain_end": 8.0, "retention": math.nan}, {}, "")
    assert good.passed and not bad.passed
    assert check_ranges("V9", bad.measured) == {"mean_gain_end": True, "retention": False}
    with pytest.raises(ValueError, match="missing"):
        make_result("V9", {"mean_gain_end": 8.0}, {}, "")


def test_results_table_shows_values_ranges_and_verdicts() -> None:
    results = [
        metrics.training_timing(np.full(5, 2.0), np.full(5, 0.5), n_boot=10),
        metrics.task_specificity(np.zeros(5), np.ones(5)),
    ]
    table = metrics.format_results_table(results)
    lines = table.splitlines()
    assert lines[0].split() == ["target", "measured", "value", "95%", "CI", "range", "check"]
    assert any(line.startswith("V8") and "PASS" in line for line in lines)
    assert any(line.startswith("V12") and "FAIL" in line for line in lines)
    ratio_row = next(line for line in lines if "late_to_early_ratio" in line)
    assert "0.25" in ratio_row and "≤ 0.5" in ratio_row and ratio_row.endswith("pass")


def test_metrics_exports_every_public_name_once() -> None:
    assert len(metrics.__all__) == len(set(metrics.__all__))
    for name in metrics.__all__:
        assert hasattr(metrics, name), name
    functions = {
        "proportional_recovery",
        "non_fitters",
        "recovery_timing",
        "prep2_accuracy",
        "mep_positive_outcome",
        "contralesional_inhibition",
        "learned_non_use",
        "training_timing",
        "chronic_intensive",
        "spasticity",
        "nonparetic_deficit",
        "task_specificity",
        "laterality_recovery",
    }
    assert functions <= set(metrics.__all__)


@pytest.mark.parametrize("module_name", _MY_MODULES)
def test_module_all_is_complete_and_docstring_examples_run(module_name: str) -> None:
    module = importlib.import_module(module_name)
    for name in module.__all__:
        assert hasattr(module, name), f"{module_name}.{name}"
    failures, _ = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert failures == 0
