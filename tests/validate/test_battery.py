"""The battery: selected targets, timing, exit code, HTML report and Markdown table.

The fast tests run V4 and V5 (one natural-history run) on 20 virtual patients;
the slow test runs every target on 300 patients (``pytest -m slow``, ≤ 15 min on
two cores) and checks that each is reported with finite measured values. It does
not assert passing: the model is calibrated against these targets elsewhere.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from strokesim.errors import UserInputError
from strokesim.report.html import DISCLAIMER
from strokesim.validate.battery import BatteryResult, run_battery, validate_command
from strokesim.validate.metrics import TARGETS
from strokesim.validate.report import results_markdown, write_validation_report

N = 20


@pytest.fixture(scope="module")
def small_result() -> BatteryResult:
    calls: list[tuple[int, int]] = []
    result = run_battery(
        n=N, seed=0, only=["V5", "V4"], n_boot=50, progress=lambda *a: calls.append(a)
    )
    assert calls == [(1, 2), (2, 2)]
    return result


def test_selected_targets_are_run_in_order_and_timed(small_result: BatteryResult) -> None:
    assert [r.target_id for r in small_result.results] == ["V4", "V5"]
    assert set(small_result.seconds) == {"V4", "V5"}
    assert all(seconds >= 0 for seconds in small_result.seconds.values())
    assert small_result.settings["n"] == N and small_result.settings["seed"] == 0
    assert small_result.settings["patient_ids"] == "vp00000 …"  # the battery's own ids
    assert small_result.passed == all(r.passed for r in small_result.results)


def test_report_is_self_contained_with_disclaimer_and_a_figure_per_target(
    small_result: BatteryResult, tmp_path: Path
) -> None:
    path = write_validation_report(small_result, tmp_path / "validation.html")
    page = path.read_text(encoding="utf-8")
    assert page.count(DISCLAIMER) == 2  # top and footer
    assert page.count("data:image/png;base64,") == 2
    for target in ("V4", "V5"):
        assert f'id="{target}"' in page and TARGETS[target].source in page
    assert "<script" not in page and "http" not in page.split("<body>")[1]
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_markdown_table_has_a_row_per_measured_value(small_result: BatteryResult) -> None:
    text = results_markdown(small_result)
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    measured = sum(len(r.measured) for r in small_result.results)
    assert len(rows) == 1 + measured  # header + one row per measured value
    assert "`accuracy`" in text and DISCLAIMER in text


def test_validate_command_prints_table_and_writes_outputs(tmp_path: Path) -> None:
    lines: list[str] = []
    report = tmp_path / "nested" / "validation.html"
    markdown = tmp_path / "results.md"
    code = validate_command(
        n=N, seed=0, report=report, only="V5", markdown=markdown, n_boot=50, echo=lines.append
    )
    result_passed = "all targets pass" in lines[-1]
    assert code == (0 if result_passed else 1)
    assert "V5" in lines[0] and "mep_positive_good_share" in lines[0]
    assert report.exists() and markdown.exists()


def test_bad_options_fail_before_any_simulation(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="--only"):
        validate_command(n=N, only="V1,V99", report=None)
    with pytest.raises(UserInputError, match="--n"):
        validate_command(n=3, report=None)
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    with pytest.raises(UserInputError, match="--report"):
        validate_command(n=N, only="V5", report=blocker / "validation.html")


def test_the_command_line_reports_bad_input_with_exit_code_2() -> None:
    from typer.testing import CliRunner

    from strokesim.cli import app

    result = CliRunner().invoke(app, ["validate", "--n", "20", "--only", "V0"])
    assert result.exit_code == 2
    assert "--only" in result.stderr and "V0" in result.stderr


@pytest.mark.slow
def test_full_battery_reports_every_target_with_finite_values(tmp_path: Path) -> None:
    result = run_battery(n=300, seed=0)
    assert [r.target_id for r in result.results] == list(TARGETS)
    for target in result.results:
        for name in TARGETS[target.target_id].ranges:
            assert math.isfinite(target.measured[name]), (target.target_id, name)
    path = write_validation_report(result, tmp_path / "validation.html")
    assert path.read_text(encoding="utf-8").count("data:image/png;base64,") == len(TARGETS)
