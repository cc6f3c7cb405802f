"""`strokesim params`: every registry parameter, by group, searched, as table, csv or json."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from strokesim.cli import app
from strokesim.registry import GROUP_OF, PARAMETERS

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def test_json_lists_every_parameter_with_group_range_and_provenance() -> None:
    result = invoke("params", "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [r["name"] for r in records] == list(PARAMETERS)
    for r in records:
        p = PARAMETERS[r["name"]]
        assert r["group"] == GROUP_OF[p.name]
        assert (r["value"], r["low"], r["high"], r["unit"]) == (p.value, p.low, p.high, p.unit)
        assert r["provenance"] == p.provenance and r["source"] == p.source
    kinds = {r["provenance"].split(" against ")[0] for r in records}
    assert kinds == {"calibrated", "set by hand", "literature"}


def test_group_and_search_filter_the_csv() -> None:
    result = invoke("params", "--group", "therapy", "--search", "VNS", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and all(r["group"] == "therapy" for r in rows)
    assert {r["name"] for r in rows} >= {"vns.optimal_current", "vns.peak_plasticity_gain"}
    assert all(float(r["low"]) <= float(r["value"]) <= float(r["high"]) for r in rows)
    calibrated = invoke("params", "--search", "calibrated against", "--format", "csv")
    names = [r["name"] for r in csv.DictReader(io.StringIO(calibrated.stdout))]
    assert names == [n for n, p in PARAMETERS.items() if p.calibrated_by]


def test_table_and_markdown_name_every_parameter_of_the_group() -> None:
    for fmt in ("table", "markdown"):
        result = invoke("params", "--group", "population", "--format", fmt)
        assert result.exit_code == 0, result.output
        population = [n for n, g in GROUP_OF.items() if g == "population"]
        assert all(name in result.stdout for name in population), fmt
        assert "vns.optimal_current" not in result.stdout


def test_the_older_group_flags_still_work() -> None:
    result = invoke("params", "--therapy", "--format", "csv")
    assert result.exit_code == 0, result.output
    names = [r["name"] for r in csv.DictReader(io.StringIO(result.stdout))]
    assert names == [n for n, g in GROUP_OF.items() if g == "therapy"]


def test_user_errors_are_one_line_and_exit_2() -> None:
    for args in (("--search", "no-such-text-anywhere"), ("--therapy", "--group", "model")):
        result = runner.invoke(app, ["params", *args])
        assert result.exit_code == 2, result.output
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
