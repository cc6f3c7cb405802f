"""Seed-robust verdicts: --seeds parsing, margins, pass counts, saved seeds, resume, exit code.

The summary and command tests use constructed per-seed results (the battery is
replaced by a stub that records its calls), so they run in well under a second;
the plumbing through the real battery is checked once on 12 patients and one
target (V5).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from strokesim.cli import app
from strokesim.errors import UserInputError
from strokesim.report.html import DISCLAIMER
from strokesim.validate import battery
from strokesim.validate.battery import BatteryResult, current_parameters_hash
from strokesim.validate.metrics_core import TargetResult, make_result
from strokesim.validate.metrics_targets import Range
from strokesim.validate.seeds import (
    SeedRun,
    code_hash,
    load_seed_run,
    margin,
    parse_seeds,
    run_seeds,
    save_seed_run,
    seed_path,
    seeds_command,
    summarise,
)
from strokesim.validate.seeds_report import (
    format_seeds_table,
    render_seeds_html,
    seeds_markdown,
    seeds_verdict_line,
)

#: V5 passes at mep_positive_good_share ≥ 0.8; V2 needs severe share 0.2–0.5 and
#: MEP− share ≥ 0.85 (metrics_targets.TARGETS).
V5_BY_SEED = {0: 0.95, 1: 0.85, 2: 0.90}
V2_SEVERE_BY_SEED = {0: 0.46, 1: 0.53, 2: 0.44}


def _results(seed: int) -> list[TargetResult]:
    return [
        make_result(
            "V2",
            {
                "severe_non_fitter_share": V2_SEVERE_BY_SEED[seed],
                "non_fitter_mep_negative_share": 0.7,  # fails at every seed
                "n_severe": 100.0,
            },
            {},
            "constructed",
        ),
        make_result("V5", {"mep_positive_good_share": V5_BY_SEED[seed]}, {}, "constructed"),
    ]


def _run(seed: int, n: int = 12, n_boot: int = 1000) -> SeedRun:
    settings = {
        "n": n,
        "seed": seed,
        "n_boot": n_boot,
        "targets": "V2, V5",
        "parameters_sha256": current_parameters_hash(),
        "code_sha256": code_hash(),
    }
    return SeedRun(seed, _results(seed), settings, {"V2": 1.0, "V5": 2.0})


@pytest.mark.parametrize(
    ("text", "expected"), [("0,1,2,3,4", [0, 1, 2, 3, 4]), (" 7 , 3", [7, 3]), ("5", [5])]
)
def test_parse_seeds_keeps_order(text: str, expected: list[int]) -> None:
    assert parse_seeds(text) == expected


@pytest.mark.parametrize("text", ["", " , ", "0,-1", "0,1.5", "a", "0,,1", "1,2,1", "4294967296"])
def test_bad_seeds_name_the_option(text: str) -> None:
    with pytest.raises(UserInputError) as error:
        parse_seeds(text)
    assert error.value.field == "--seeds"


@pytest.mark.parametrize("text", ["", "0,-1", "0,x", "2,2"])
def test_cli_bad_seeds_is_one_line_exit_2_and_writes_nothing(text: str, tmp_path: Path) -> None:
    results = tmp_path / "seeds"
    outcome = CliRunner().invoke(
        app,
        ["validate", "--n", "12", "--seeds", text, "--results-dir", str(results), "--report",
         str(tmp_path / "r.html")],
    )  # fmt: skip
    assert outcome.exit_code == 2
    lines = outcome.output.strip().splitlines()
    assert len(lines) == 1 and "--seeds" in lines[0]
    assert not results.exists() and not (tmp_path / "r.html").exists()


def test_cli_rejects_seed_with_seeds_and_resume_without_seeds(tmp_path: Path) -> None:
    both = CliRunner().invoke(app, ["validate", "--seed", "1", "--seeds", "0,1"])
    assert both.exit_code == 2 and "--seeds" in both.output
    alone = CliRunner().invoke(app, ["validate", "--resume", "--report", str(tmp_path / "r")])
    assert alone.exit_code == 2 and "--resume" in alone.output


def test_margin_is_signed_distance_of_worst_value_to_nearest_bound() -> None:
    assert margin(Range(low=0.6), [0.615, 0.627]) == pytest.approx(0.015)
    assert margin(Range(low=0.2, high=0.5), [0.464, 0.535, 0.444]) == pytest.approx(-0.035)
    assert margin(Range(low=0.2, high=0.5), [0.25, 0.3]) == pytest.approx(0.05)  # nearer low
    assert math.isnan(margin(Range(low=0.0), [1.0, math.nan]))
    assert margin(Range(), [3.0]) == math.inf


def test_summary_counts_passes_and_labels_fragile_and_failing() -> None:
    summary = summarise([_run(0), _run(1), _run(2)])
    v2, v5 = summary
    assert v5.passed == (True, True, True) and v5.status == "passing" and v5.n_passed == 3
    assert v5.values[0].values == (0.95, 0.85, 0.90)
    assert v5.margin == pytest.approx(0.05)  # seed 1: 0.85 − 0.8
    assert v2.status == "failing" and v2.n_passed == 0
    severe = v2.values[0]
    assert severe.passes == (True, False, True)
    assert severe.margin == pytest.approx(-0.03)  # seed 1: 0.5 − 0.53
    assert [value.name for value in v2.values] == [
        "severe_non_fitter_share",
        "non_fitter_mep_negative_share",
    ]  # only the ranged values; n_severe is descriptive


def test_fragile_target_is_named_on_the_verdict_line() -> None:
    runs = [_run(0), _run(1), _run(2)]
    fixed = [
        SeedRun(
            run.seed,
            [
                make_result(
                    "V2",
                    {
                        "severe_non_fitter_share": V2_SEVERE_BY_SEED[run.seed],
                        "non_fitter_mep_negative_share": 0.9,
                    },
                    {},
                    "constructed",
                ),
                run.results[1],
            ],
            run.settings,
            run.seconds,
        )
        for run in runs
    ]
    summary = summarise(fixed)
    assert summary[0].status == "fragile" and summary[0].n_passed == 2
    assert seeds_verdict_line(summary) == "fragile: V2 (2/3)"
    table = format_seeds_table(summary)
    assert "fragile" in table and "2/3" in table and "-0.03" in table
    assert seeds_verdict_line(summarise(runs)) == "failing at every seed: V2"


def test_markdown_and_html_show_every_seed_and_the_disclaimer() -> None:
    summary = summarise([_run(0), _run(1), _run(2)])
    settings = {"n": 12, "seeds": "0, 1, 2", "n_boot": 1000, "command": "strokesim validate"}
    text = seeds_markdown(summary, settings)
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + 3  # header + V2's two ranged values + V5's one
    assert "| seed 0 | seed 1 | seed 2 |" in rows[0] and "**failing**" in text
    assert DISCLAIMER in text
    page = render_seeds_html(summary, settings)
    assert page.count(DISCLAIMER) == 2 and "seed 2" in page and "<script" not in page


def test_saved_seed_round_trips_and_is_rescored(tmp_path: Path) -> None:
    run = _run(1)
    path = save_seed_run(run, seed_path(tmp_path, 1))
    loaded = load_seed_run(path)
    assert loaded.seed == 1 and loaded.settings == run.settings
    assert [r.measured for r in loaded.results] == [r.measured for r in run.results]
    assert [r.passed for r in loaded.results] == [False, True]
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


class _StubBattery:
    """Stands in for run_battery: returns the constructed results, records the seeds."""

    def __init__(self) -> None:
        self.seeds: list[int] = []

    def __call__(
        self,
        *,
        n: int,
        seed: int,
        only: list[str],
        progress: Callable[[int, int], None],
        n_boot: int,
    ) -> BatteryResult:
        self.seeds.append(seed)
        results = [r for r in _results(seed) if r.target_id in only]
        for done in range(1, len(results) + 1):
            progress(done, len(results))
        settings = _run(seed, n=n, n_boot=n_boot).settings | {
            "targets": ", ".join(only),
            "total_seconds": 3.0,
        }
        return BatteryResult(results, {}, {r.target_id: 1.0 for r in results}, settings)


def test_each_seed_is_saved_and_resume_skips_finished_seeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stub = _StubBattery()
    monkeypatch.setattr(battery, "run_battery", stub)
    calls: list[tuple[int, int]] = []
    run_seeds(12, [0, 1], tmp_path, only="V2,V5", progress=lambda *a: calls.append(a),
              echo=lambda _: None)  # fmt: skip
    assert stub.seeds == [0, 1] and calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert seed_path(tmp_path, 0).exists() and seed_path(tmp_path, 1).exists()
    document = seed_path(tmp_path, 1).with_suffix(".md").read_text()
    assert "| V2 " in document and "| V5 " in document and "--seed 1" in document
    lines: list[str] = []
    runs = run_seeds(12, [0, 1, 2], tmp_path, only="V2,V5", resume=True, echo=lines.append)
    assert stub.seeds == [0, 1, 2]  # only seed 2 was run again
    assert [run.seed for run in runs] == [0, 1, 2]
    assert sum("reusing" in line for line in lines) == 2
    run_seeds(20, [0], tmp_path, only="V2,V5", resume=True, echo=lines.append)
    assert stub.seeds[-1] == 0 and "other n" in lines[-2]  # other n: not reused
    saved = seed_path(tmp_path, 1)
    saved.write_text(saved.read_text().replace(code_hash(), "0" * 64))
    run_seeds(12, [1], tmp_path, only="V2,V5", resume=True, echo=lines.append)
    assert stub.seeds[-1] == 1 and "other code_sha256" in lines[-2]  # other code: run again


def test_seeds_command_exit_code_and_last_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(battery, "run_battery", _StubBattery())
    lines: list[str] = []
    code = seeds_command(
        12,
        "0,1,2",
        tmp_path / "seeds",
        report=tmp_path / "seeds.html",
        markdown=tmp_path / "seeds.md",
        only="V2,V5",
        echo=lines.append,
    )
    assert code == 1 and lines[-1] == "failing at every seed: V2"
    assert (tmp_path / "seeds.html").exists() and (tmp_path / "seeds.md").exists()
    monkeypatch.setattr(battery, "run_battery", _StubBattery())
    assert seeds_command(12, "0,1,2", tmp_path / "seeds", only="V5", echo=lines.append) == 0
    assert lines[-1] == "all targets pass at every seed (3)"


def test_seeds_through_the_real_battery(tmp_path: Path) -> None:
    lines: list[str] = []
    code = seeds_command(12, [0, 1], tmp_path, only="V5", n_boot=20, echo=lines.append)
    saved = [load_seed_run(seed_path(tmp_path, seed)) for seed in (0, 1)]
    assert [run.settings["seed"] for run in saved] == [0, 1]
    assert [r.target_id for r in saved[0].results] == ["V5"]
    summary = summarise(saved)
    assert code == (0 if summary[0].status == "passing" else 1)
    assert lines[-1] == seeds_verdict_line(summary)
