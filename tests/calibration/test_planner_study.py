"""calibration/planner_study.py: the summary counts ties as ties."""

from __future__ import annotations

import math

import pytest


@pytest.fixture(scope="module")
def study(load_script):
    return load_script("planner_study")


def _row(choice: str, **gains: float) -> dict:
    return {"planner_choice": choice, "true_gain": gains, "ess": 10.0, "distinct_draws": 5}


def test_ties_are_not_counted_as_one_protocol_being_best(study) -> None:
    names = ["a", "b"]
    rows = [
        _row("a", a=0.0, b=0.0),  # all equal: any choice is the true best
        _row("b", a=1.0, b=3.0),  # b strictly best, chosen
        _row("a", a=1.0, b=3.0),  # b strictly best, a chosen: regret 2
    ]
    summary = study.summarise(rows, names)
    assert summary["true_best_counts"] == {"a": 0, "b": 2}
    assert (summary["n_unique_best"], summary["n_all_equal"]) == (2, 1)
    assert summary["planner_true_best"] == pytest.approx(2 / 3)
    assert summary["planner_true_best_unique"] == pytest.approx(1 / 2)
    assert summary["average_true_best_unique"] == 1.0  # always b
    assert summary["planner_mean_regret"] == pytest.approx(2 / 3)


def test_no_unique_best_gives_nan_not_an_error(study) -> None:
    summary = study.summarise([_row("a", a=0.0, b=0.0)], ["a", "b"])
    assert math.isnan(summary["planner_true_best_unique"])
