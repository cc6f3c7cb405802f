"""``strokesim protocols``: the named protocols shipped with strokesim."""

from __future__ import annotations

from typing import Annotated

import typer

from strokesim.cli.common import print_table, user_errors

__all__ = ["protocols", "register"]

_PROTOCOL_HEADINGS = {"component": "#", "sessions_per_week": "per week"}


def protocols(
    name: Annotated[
        str | None,
        typer.Argument(help="Show this protocol's components.", show_default=False),
    ] = None,
) -> None:
    """List the named protocols shipped with strokesim, or describe one."""
    with user_errors():
        from strokesim.therapy import describe_protocol, named_protocol, named_protocols

        if name is None:
            rows = [
                {
                    "name": key,
                    "components": "\n".join(c["kind"] for c in describe_protocol(p)) or "none",
                    "description": p.description,
                }
                for key, p in named_protocols().items()
            ]
            print_table("Named protocols (use with --protocol NAME)", rows, wrap=["description"])
            return
        chosen = named_protocol(name)
        typer.echo(f"{chosen.name}: {chosen.description}")
        rows = [
            {
                _PROTOCOL_HEADINGS.get(key, key): str(value).replace(", ", "\n")
                for key, value in row.items()
            }
            for row in describe_protocol(chosen)
        ]
        if rows:
            print_table(None, rows, wrap=["parameters"])
        else:
            typer.echo("No components.")


def register(app: typer.Typer) -> None:
    """Add ``protocols`` to the ``strokesim`` app."""
    app.command()(protocols)
