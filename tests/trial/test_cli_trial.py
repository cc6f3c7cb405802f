"""`strokesim trial` and `strokesim power`: bad specs exit 2 writing nothing; outputs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from strokesim.cli import DISCLAIMER, app
from strokesim.report.html import DISCLAIMER as REPORT_DISCLAIMER
from strokesim.testing.trial_pools import TINY_TRIAL
from strokesim.trial.emulation import simulate_pool
from strokesim.trial.spec import load_trial

TINY = TINY_TRIAL

runner = CliRunner()


def _spec(tmp_path: Path, text: str = TINY) -> Path:
    path = tmp_path / "trial.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('protocol = "cimt_2_weeks"', 'protocol = "foo"', "arms[1].protocol"),
        ("visits = [14, 28]", "visits = [0, 28]", "visits[0]"),
        ('strata = ["severity_band"]', 'strata = ["arat"]', "randomisation.strata[0]"),
        ("responder_change = 5", "responder_change = 99", "outcome.responder_change"),
        (
            "n = 12\nseed = 4",
            "n = 12\nseed = 4\nparameters = { severity_a = 9.0 }",
            "population.parameters.severity_a",
        ),
    ],
)
@pytest.mark.parametrize("command", ["trial", "power"])
def test_bad_spec_exits_2_and_writes_nothing(
    tmp_path: Path, old: str, new: str, field: str, command: str
) -> None:
    spec = _spec(tmp_path, TINY.replace(old, new))
    out = tmp_path / "results"
    result = runner.invoke(app, [command, str(spec), "--out", str(out)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {field}:")
    assert not out.exists()


def test_an_out_of_range_parameter_names_its_range(tmp_path: Path) -> None:
    spec = _spec(tmp_path, TINY.replace("seed = 4", "seed = 4\nparameters = { age_sd = 50.0 }"))
    result = runner.invoke(app, ["trial", str(spec), "--out", str(tmp_path / "results")])
    assert result.exit_code == 2
    assert result.output.strip() == (
        "error: population.parameters.age_sd: must lie in 5–20 year, got 50"
    )


@pytest.mark.parametrize(
    ("option", "value"),
    [("--n", "40,x"), ("--n", "2"), ("--looks", "0.5,0.9"), ("--spending", "linear")],
)
def test_bad_power_options_exit_2(tmp_path: Path, option: str, value: str) -> None:
    out = tmp_path / "results"
    result = runner.invoke(app, ["power", str(_spec(tmp_path)), option, value, "--out", str(out)])
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {option}:")
    assert not out.exists()


@pytest.mark.slow
def test_trial_writes_table_and_report(tmp_path: Path) -> None:
    out = tmp_path / "results"
    result = runner.invoke(app, ["trial", str(_spec(tmp_path)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_parquet(out / "trial.parquet")
    assert set(table["visit"]) == {0, 14, 28}
    assert {"arm", "stratum", "fma_ue_true", "fma_ue_observed", "dropped_out"} <= set(table)
    assert len(table) == 12 * 3  # nobody is screened out by an empty screening
    report = (out / "report.html").read_text()
    for words in ("CONSORT flow", "Baseline by arm", "forest", "Trajectories", REPORT_DISCLAIMER):
        assert words in report
    assert DISCLAIMER in result.output


@pytest.mark.slow
def test_power_writes_curve(tmp_path: Path) -> None:
    out = tmp_path / "results"
    args = ["power", str(_spec(tmp_path)), "--n", "8,16", "--replicates", "20", "--out", str(out)]
    args += ["--looks", "0.5,1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    curve = pd.read_csv(out / "power.csv")
    assert curve.loc[~curve["check"], "n"].tolist() == [8, 16]
    assert (curve["replicates"] == 20).all()
    assert (out / "power.png").stat().st_size > 0
    sequential = pd.read_csv(out / "sequential.csv")
    assert sequential["look"].tolist() == [1, 2, 1, 2]


@pytest.mark.slow
def test_pool_is_independent_of_chunk_size(tmp_path: Path) -> None:
    loaded = load_trial(_spec(tmp_path))
    one = simulate_pool(loaded, chunk_size=12)
    other = simulate_pool(loaded, chunk_size=5)
    for scale in one.true:
        assert (one.true[scale] == other.true[scale]).all()
    pd.testing.assert_frame_equal(one.screening, other.screening)
