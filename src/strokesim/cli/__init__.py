"""The ``strokesim`` command line: parses arguments and calls the Python API.

Every command turns a :class:`strokesim.errors.UserInputError` into one line on
standard error (``error: <field>: <problem>``) and exit code 2; Ctrl-C exits
with 130 and leaves no output files. Output paths are checked before any
simulation starts.

One thin module per command (or per small group of commands) lives in this
package; each defines ``register(app)``, which adds its commands to :data:`app`.
Shared pieces: :mod:`strokesim.cli.common` (error handling, progress bar,
tables, checks of seed and days), :mod:`strokesim.cli.options` (the typer
option types: seed, days, patients file, job options, ...) and
:mod:`strokesim.cli.jobs` (validation of the job options, running a job).

Adding a command
----------------
1. Write ``strokesim/cli/<name>.py`` with the command function (options typed
   with :mod:`strokesim.cli.options` where one fits; the API imported inside the
   function so that ``--help`` stays fast; the body inside
   ``with user_errors():``) and ``def register(app): app.command("<name>")(fn)``.
2. Add ``"strokesim.cli.<name>"`` to :data:`COMMAND_MODULES` below, where the
   command should appear in ``strokesim --help``.
3. Test it through ``typer.testing.CliRunner().invoke(strokesim.cli.app, [...])``.
"""

from __future__ import annotations

import importlib

import typer

from strokesim.cli.common import DISCLAIMER

# The helpers under their names from before the split (``strokesim.cli`` was one module),
# so that command modules written against it keep working.
from strokesim.cli.common import check_days as _check_days  # noqa: F401
from strokesim.cli.common import check_seed as _check_seed  # noqa: F401
from strokesim.cli.common import print_table as _print_table  # noqa: F401
from strokesim.cli.common import progress_bar as _progress_bar  # noqa: F401
from strokesim.cli.common import resolve_protocol as _resolve_protocol  # noqa: F401
from strokesim.cli.common import user_errors as _user_errors  # noqa: F401

__all__ = ["COMMAND_MODULES", "DISCLAIMER", "app", "main"]

app = typer.Typer(
    name="strokesim",
    help="Simulate motor recovery after stroke with a mechanistic model.\n\n" + DISCLAIMER,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

#: The modules whose ``register(app)`` adds the commands, in the order of ``--help``.
COMMAND_MODULES: tuple[str, ...] = (
    "strokesim.cli.simulate",
    "strokesim.cli.params",
    "strokesim.cli.protocols",
    "strokesim.cli.demo",
    "strokesim.cli.compare",
    "strokesim.cli.validate",
    "strokesim.cli.external_trials",
    "strokesim.cli.trial",  # trial, power
    "strokesim.cli.predict",  # predict, plan
    "strokesim.cli.serve",  # serve (the clinician's page)
    "strokesim.cli.sweep",  # sweep, sensitivity
)

for _module in COMMAND_MODULES:
    importlib.import_module(_module).register(app)


def main() -> None:
    """Entry point of the ``strokesim`` console script."""
    app()
