"""``strokesim serve``: the hint without the web extra, and its option checks."""

from __future__ import annotations

from typer.testing import CliRunner

import strokesim.cli.serve as cli_web
from strokesim.cli import app

runner = CliRunner()


def test_without_the_web_extra_one_line_hint_exit_2(monkeypatch) -> None:
    monkeypatch.setattr(cli_web, "_web_available", lambda: False)
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert result.output.strip() == cli_web.WEB_HINT


def test_bad_options_are_one_line_exit_2(monkeypatch) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: (_ for _ in ()).throw(AssertionError))
    for args, words in [
        (["--library", "3"], "--library: must be an integer in 16–100000"),
        (["--protocols", "nope"], "nope"),
        (["--port", "70000"], "--port: must be an integer in 0–65535"),
    ]:
        result = runner.invoke(app, ["serve", *args])
        assert result.exit_code == 2, result.output
        assert words in result.output and "Traceback" not in result.output


def test_binds_loopback_by_default(monkeypatch) -> None:
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))
    result = runner.invoke(app, ["serve", "--library", "16"])
    assert result.exit_code == 0, result.output
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8000 and seen["access_log"] is False
