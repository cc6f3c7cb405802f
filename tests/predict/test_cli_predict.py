"""`strokesim predict` / `strokesim plan` on the example records at a tiny library size."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from strokesim.cli import DISCLAIMER, app
from strokesim.report.html import DISCLAIMER as REPORT_DISCLAIMER

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "records"
SHIPPED = Path(__file__).resolve().parents[2] / "src" / "strokesim" / "therapy" / "protocols"
runner = CliRunner()


def test_predict_writes_report_bands_and_draws(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "predict",
            str(EXAMPLES / "patient.toml"),
            "--horizon",
            "30",
            "--library",
            "16",
            "--method",
            "is",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert DISCLAIMER in result.output
    folder = out / "P03"
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert REPORT_DISCLAIMER in html and "Baselines beside the model" in html
    bands = pd.read_csv(folder / "prediction.csv", comment="#")
    assert {"fma_ue", "arat", "mal_amount"} <= set(bands["variable"])
    fma = bands[bands["variable"] == "fma_ue"]
    assert (fma["p2.5"] <= fma["p10"]).all() and (fma["p90"] <= fma["p97.5"]).all()
    draws = pd.read_parquet(folder / "draws.parquet")
    assert abs(draws.groupby("particle")["weight"].first().sum() - 1) < 1e-6
    assert (folder / "prediction.png").stat().st_size > 0


def test_plan_ranks_the_given_protocols(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    result = runner.invoke(
        app,
        [
            "plan",
            str(EXAMPLES / "patient.toml"),
            "--protocols",
            "cimt_2_weeks",
            "--horizon",
            "30",
            "--library",
            "16",
            "--method",
            "is",
            "--draws",
            "4",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    text = (out / "P03" / "plan.csv").read_text(encoding="utf-8")
    assert text.startswith(f"# {DISCLAIMER}")
    table = pd.read_csv(out / "P03" / "plan.csv", comment="#")
    assert list(table["protocol"]) == ["cimt_2_weeks"] and list(table["rank"]) == [1]
    assert (out / "P03" / "next_assessment.csv").exists()
    assert "next assessment" in result.output and DISCLAIMER in result.output


def test_a_bad_record_is_one_line_exit_2_and_nothing_written(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "patient,date,day,measure,value\nP9,,,age,60\nP9,,,affected_side,left\nP9,,3,fma_ue,70\n",
        encoding="utf-8",
    )
    out = tmp_path / "never"
    result = runner.invoke(app, ["predict", str(bad), "--out", str(out)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "fma_ue" in lines[0] and "0–66" in lines[0]
    assert not out.exists()


def test_an_unknown_protocol_is_a_user_error_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "never"
    result = runner.invoke(
        app, ["plan", str(EXAMPLES / "patient.toml"), "--protocols", "magic", "--out", str(out)]
    )
    assert result.exit_code == 2 and "magic" in result.output
    assert not out.exists()


def _plan_error(tmp_path: Path, *extra: str):
    out = tmp_path / "never"
    result = runner.invoke(
        app,
        ["plan", str(EXAMPLES / "patient.toml"), "--horizon", "60", "--out", str(out), *extra],
    )
    lines = [line for line in result.output.splitlines() if line.strip()]
    return result, lines, out


def test_plan_knobs_are_validated_before_any_work(tmp_path: Path) -> None:
    cases = [
        (["--start-day", "2"], "--start-day", "59"),
        (["--start-day", "60"], "--start-day", "59"),
        (["--start-day", "soon"], "--start-day", "soon"),
        (
            ["--protocols", "cimt_2_weeks,bimanual_training", "--start-day", "40,41,42"],
            "--start-day",
            "1 or 2",
        ),
        (["--minutes-per-session", "0"], "--minutes-per-session", "1–480"),
        (["--minutes-per-session", "600"], "--minutes-per-session", "1–480"),
        (["--minutes-per-session", "long"], "--minutes-per-session", "long"),
        (["--protocol-file", "missing.toml"], "missing.toml", ""),
        (
            ["--protocols", "cimt_2_weeks", "--protocol-file", str(SHIPPED / "cimt_2_weeks.toml")],
            "--protocol-file",
            "twice",
        ),
    ]
    for extra, field, allowed in cases:
        result, lines, out = _plan_error(tmp_path, *extra)
        assert result.exit_code == 2, (extra, result.output)
        assert len(lines) == 1 and field in lines[0] and allowed in lines[0], (extra, lines)
        assert not out.exists()


@pytest.mark.slow  # the engine's compiles (14 s after the other CLI tests had compiled)
def test_plan_reads_a_protocol_file_and_applies_its_knobs(tmp_path: Path) -> None:
    text = (SHIPPED / "cimt_2_weeks.toml").read_text(encoding="utf-8")
    path = tmp_path / "my_cimt.toml"
    path.write_text(text.replace('name = "cimt_2_weeks"', 'name = "my_cimt"'), encoding="utf-8")
    out = tmp_path / "plan"
    result = runner.invoke(
        app,
        [
            "plan",
            str(EXAMPLES / "patient.toml"),
            "--protocols",
            "cimt_2_weeks",
            "--protocol-file",
            str(path),
            "--start-day",
            "20,25",
            "--minutes-per-session",
            "120",
            "--horizon",
            "30",
            "--library",
            "16",
            "--method",
            "is",
            "--draws",
            "4",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "P03" / "plan.csv", comment="#")
    assert set(table["protocol"]) == {"cimt_2_weeks", "my_cimt"}
