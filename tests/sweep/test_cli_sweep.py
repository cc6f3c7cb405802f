"""The ``strokesim sweep`` and ``strokesim sensitivity`` commands."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from strokesim.cli import app

from .conftest import tiny_spec

runner = CliRunner()
EXAMPLES = Path(__file__).parents[2] / "examples" / "sweeps"


def _toml(doc: dict) -> str:
    """A small TOML writer for the spec documents of these tests."""

    def value(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return f'"{v}"'
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + " }"
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return repr(v)

    top = [f"{k} = {value(v)}" for k, v in doc.items() if not isinstance(v, dict | list)]
    lines = list(top)
    for k, v in doc.items():
        if isinstance(v, dict):
            lines += [f"[{k}]", *(f"{a} = {value(b)}" for a, b in v.items())]
        elif isinstance(v, list) and v and isinstance(v[0], dict):
            for item in v:
                lines += [f"[[{k}]]", *(f"{a} = {value(b)}" for a, b in item.items())]
    return "\n".join(lines) + "\n"


def _write(tmp_path: Path, doc: dict) -> Path:
    path = tmp_path / "sweep.toml"
    path.write_text(_toml(doc), encoding="utf-8")
    assert tomllib.loads(path.read_text()) == doc
    return path


def test_bad_spec_is_one_line_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    spec = _write(tmp_path, tiny_spec(factor=[{"name": "plasticity_peak", "high": 99.0}]))
    out = tmp_path / "out"
    result = runner.invoke(app, ["sweep", str(spec), "--out", str(out)])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "factor[0].high" in result.output and "1–10" in result.output
    assert not out.exists()


def test_bad_workers_is_refused_before_work(tmp_path: Path) -> None:
    spec = _write(tmp_path, tiny_spec())
    args = ["sweep", str(spec), "--out", str(tmp_path / "o"), "--workers", "0"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "--workers" in result.output
    assert not (tmp_path / "o").exists()


def test_sensitivity_without_salib_is_a_one_line_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "SALib" else real(name, *a)
    )
    spec = _write(tmp_path, tiny_spec())
    result = runner.invoke(app, ["sensitivity", str(spec), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "needs SALib: pip install 'strokesim[sensitivity]'" in result.output
    assert not (tmp_path / "o").exists()


def test_example_specs_are_valid() -> None:
    from strokesim.sweep.spec import load_sweep

    specs = sorted(EXAMPLES.glob("*.toml"))
    assert len(specs) >= 2
    for path in specs:
        assert load_sweep(path).factors


def test_sweep_command_writes_summary_and_plot_and_resumes(tmp_path: Path) -> None:
    spec = _write(tmp_path, tiny_spec())
    out = tmp_path / "out"
    result = runner.invoke(app, ["sweep", str(spec), "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = pd.read_csv(out / "summary.csv")
    assert len(summary) == 4 and "fma_ue_day20_mean" in summary
    assert (out / "sweep.png").stat().st_size > 10_000
    assert "not clinical advice" in result.output
    again = runner.invoke(app, ["sweep", str(spec), "--out", str(out)])
    assert again.exit_code == 2 and "--resume" in again.output
    resumed = runner.invoke(app, ["sweep", str(spec), "--out", str(out), "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert "all 3 chunks were finished already" in resumed.output
    assert pd.read_csv(out / "summary.csv").equals(summary)


def _saltelli_summary(loaded, samples: int) -> pd.DataFrame:
    """A made-up summary of a Saltelli design: each output a smooth function of the factors."""
    from strokesim.sweep.design import saltelli_design

    design = saltelli_design(loaded.factors, samples, seed=0)
    x = design.to_numpy()
    x = (x - x.min(axis=0)) / (x.max(axis=0) - x.min(axis=0))
    summary = design.copy()
    for k, out in enumerate(loaded.spec.output):
        summary[out.column] = x[:, 0] + (k + 2) * x[:, 1] ** 2
    return summary


def test_analyse_sensitivity_is_the_commands_indices_markdown_and_figure() -> None:
    pytest.importorskip("SALib")
    from strokesim.cli.sweep import analyse_sensitivity, indices_markdown
    from strokesim.sweep.sensitivity import indices_table
    from strokesim.sweep.spec import parse_sweep

    loaded = parse_sweep(tiny_spec(sensitivity={"samples": 8, "resamples": 20, "seed": 3}))
    summary = _saltelli_summary(loaded, 8)
    indices, markdown, figure = analyse_sensitivity(loaded, summary, samples=8, title="t")
    columns = [o.column for o in loaded.spec.output]
    expected = indices_table(
        loaded.factors, summary, columns, resamples=20, confidence=0.95, seed=3
    )
    pd.testing.assert_frame_equal(indices, expected)
    assert markdown == indices_markdown(expected, 0.95)
    assert len(figure.axes) == len(columns)
    # the second factor matters more for every output
    st = indices.pivot(index="output", columns="factor", values="ST")
    assert (st["plasticity_peak"] > st["protocol.trials_per_session"]).all()


def test_analyse_sensitivity_refuses_an_undefined_output() -> None:
    pytest.importorskip("SALib")
    from strokesim.cli.sweep import analyse_sensitivity
    from strokesim.errors import UserInputError
    from strokesim.sweep.spec import parse_sweep

    loaded = parse_sweep(tiny_spec(sensitivity={"samples": 4}))
    summary = _saltelli_summary(loaded, 4)
    summary.loc[3, loaded.spec.output[1].column] = float("nan")
    with pytest.raises(UserInputError, match=r"grip_kg_day20.*undefined"):
        analyse_sensitivity(loaded, summary, samples=4, title="t")
