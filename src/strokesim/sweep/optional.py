"""Optional dependencies of sweeps: a one-line hint when one is missing.

SALib (Sobol sensitivity indices) is optional: ``pip install 'strokesim[sensitivity]'``.
"""

from __future__ import annotations

import importlib.util

from strokesim.errors import UserInputError

__all__ = ["SALIB_HINT", "require_salib"]

#: The hint printed (exit code 2) when SALib is not installed.
SALIB_HINT = "needs SALib: pip install 'strokesim[sensitivity]'"


def require_salib() -> None:
    """Raise the one-line hint unless SALib can be imported.

    Raises
    ------
    UserInputError
        ``strokesim sensitivity: needs SALib: pip install 'strokesim[sensitivity]'``.
    """
    if importlib.util.find_spec("SALib") is None:
        raise UserInputError("strokesim sensitivity", SALIB_HINT)
