"""The ``strokesim serve`` command: the clinician's page on a local web server.

Registered on the main app by :func:`register`. Needs the ``web`` extra
(FastAPI, Uvicorn, Jinja2, python-multipart); without it the command prints a
one-line hint and exits with code 2. Binds 127.0.0.1 unless told otherwise; the
access log is off, so no request (and no patient data) is logged.
"""

from __future__ import annotations

from typing import Annotated

import typer

from strokesim.errors import UserInputError

__all__ = ["WEB_HINT", "register", "serve"]

#: Printed when the web extra is missing.
WEB_HINT = "strokesim serve needs the web extra: pip install 'strokesim[web]'"


def _web_available() -> bool:
    import importlib.util

    return all(
        importlib.util.find_spec(m) is not None
        for m in ("fastapi", "uvicorn", "jinja2", "multipart")
    )


def serve(
    host: Annotated[
        str, typer.Option(help="Address to bind (127.0.0.1: this computer only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", metavar="PORT")] = 8000,
    library: Annotated[
        int,
        typer.Option(
            "--library", help="Prior virtual patients simulated per patient.", metavar="N"
        ),
    ] = 512,
    method: Annotated[
        str, typer.Option(help="Calibration: is (importance sampling) or smc (+ resample-move).")
    ] = "smc",
    protocols: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated shipped protocol names to rank (default: six candidates).",
            metavar="A,B,...",
            show_default=False,
        ),
    ] = None,
    draws: Annotated[
        int, typer.Option(help="Posterior draws simulated per protocol.", metavar="N")
    ] = 64,
    horizon: Annotated[
        int, typer.Option(help="Default horizon of the form (days since stroke).", metavar="DAY")
    ] = 180,
    workers: Annotated[
        int, typer.Option(help="Calibrations run at once (others wait in a queue).", metavar="N")
    ] = 1,
) -> None:
    """Serve the clinician's page: a form, the prognosis with bands, baselines and the plan."""
    from strokesim.cli.common import DISCLAIMER
    from strokesim.cli.common import user_errors as _user_errors

    if not _web_available():
        typer.echo(WEB_HINT, err=True)
        raise typer.Exit(2)
    with _user_errors():
        from strokesim.predict.pipeline import Settings, check_settings
        from strokesim.predict.planner import DEFAULT_CANDIDATES
        from strokesim.therapy.library import named_protocol

        names = (
            DEFAULT_CANDIDATES
            if protocols is None
            else tuple(p.strip() for p in protocols.split(",") if p.strip())
        )
        settings = Settings(
            horizon=horizon, library=library, method=method, protocols=names, n_draws=draws
        )
        check_settings(settings)
        for name in names:
            named_protocol(name)
        if not 0 <= port <= 65535:
            raise UserInputError("--port", f"must be an integer in 0–65535, got {port}")
        if not 1 <= workers <= 16:
            raise UserInputError("--workers", f"must be an integer in 1–16, got {workers}")
    import uvicorn

    from strokesim.web.app import create_app

    typer.echo(f"strokesim page on http://{host}:{port}/ (Ctrl-C to stop). {DISCLAIMER}")
    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(
            f"warning: bound to {host}: other computers can reach the page; patient data "
            "travel unencrypted",
            err=True,
        )
    uvicorn.run(
        create_app(settings, workers=workers),
        host=host,
        port=port,
        access_log=False,
        log_level="warning",
    )


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to the ``strokesim`` app."""
    app.command("serve")(serve)
