"""The command modules of ``strokesim.cli``: each registers its commands, in a fixed order."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import typer
from typer.testing import CliRunner

import strokesim
from strokesim.cli import COMMAND_MODULES, app

#: The commands of ``strokesim --help``, in order.
COMMANDS = [
    "simulate",
    "params",
    "protocols",
    "demo",
    "compare",
    "validate",
    "external-trials",
    "trial",
    "power",
    "predict",
    "plan",
    "serve",
    "sweep",
    "sensitivity",
]


def _names(typer_app: typer.Typer) -> list[str]:
    return [
        info.name or info.callback.__name__.replace("_", "-")
        for info in typer_app.registered_commands
    ]


def test_every_module_registers_its_commands_in_help_order() -> None:
    assert _names(app) == COMMANDS
    fresh = typer.Typer()
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(fresh)
    assert _names(fresh) == COMMANDS


def test_help_lists_the_commands_in_order() -> None:
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    positions = [result.output.find(f" {name} ") for name in COMMANDS]
    assert all(p > 0 for p in positions), positions
    assert positions == sorted(positions)


def test_python_dash_m_runs_the_command_line() -> None:
    source = str(Path(strokesim.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run(
        [sys.executable, "-m", "strokesim.cli", "--help"],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": "120"},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "external-trials" in result.stdout


def test_validate_n_boot_and_no_report_reach_the_battery(monkeypatch, tmp_path) -> None:
    from typer.testing import CliRunner

    import strokesim.validate.battery as battery

    seen: dict[str, object] = {}

    def fake(**kwargs):
        seen.update(kwargs)
        return 0

    monkeypatch.setattr(battery, "validate_command", fake)
    runner = CliRunner()
    result = runner.invoke(app, ["validate", "--n", "40", "--n-boot", "50", "--no-report"])
    assert result.exit_code == 0, result.output
    assert seen["n_boot"] == 50 and seen["report"] is None
    result = runner.invoke(app, ["validate", "--n", "40"])
    assert seen["n_boot"] == battery.DEFAULT_N_BOOT and seen["report"] is not None
    bad = runner.invoke(app, ["validate", "--n-boot", "0", "--report", str(tmp_path / "r.html")])
    assert bad.exit_code == 2 and "--n-boot" in bad.output
    assert len(bad.output.strip().splitlines()) == 1 and not (tmp_path / "r.html").exists()
