"""strokesim: mechanistic simulation of motor recovery after stroke.

Research software, not a medical device: nothing it prints is clinical advice.

The public names are listed here, one by one; everything else lives in
submodules. They are imported on first use, so ``import strokesim`` (and the
command line's ``--help``) does not pay for JAX.

Examples
--------
>>> import strokesim
>>> sorted(strokesim.__all__)[:3]
['ClinicalDescriptors', 'LesionSpec', 'PatientSpec']
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:  # for type checkers and IDEs; at run time see _PUBLIC below
    from strokesim.errors import UserInputError
    from strokesim.patient import ClinicalDescriptors, LesionSpec, PatientSpec, load_patients
    from strokesim.simulate import Record, simulate
    from strokesim.therapy import Protocol, load_protocol, named_protocols, usual_care

__all__ = [
    "ClinicalDescriptors",
    "LesionSpec",
    "PatientSpec",
    "Protocol",
    "Record",
    "UserInputError",
    "__version__",
    "load_patients",
    "load_protocol",
    "named_protocols",
    "simulate",
    "usual_care",
]

#: Public name → module that defines it.
_PUBLIC: dict[str, str] = {
    "ClinicalDescriptors": "strokesim.patient",
    "LesionSpec": "strokesim.patient",
    "PatientSpec": "strokesim.patient",
    "load_patients": "strokesim.patient",
    "Protocol": "strokesim.therapy",
    "load_protocol": "strokesim.therapy",
    "named_protocols": "strokesim.therapy",
    "usual_care": "strokesim.therapy",
    "Record": "strokesim.simulate",
    "UserInputError": "strokesim.errors",
}


def __getattr__(name: str) -> object:
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module 'strokesim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """The ``strokesim`` module object, with ``simulate`` always the function.

    The function ``simulate`` lives in the module ``strokesim.simulate``. When that
    module is first imported (by anyone), Python binds the *module* to the
    package attribute ``simulate``; this property keeps the public name pointing
    at the function instead, as an eager ``from strokesim.simulate import
    simulate`` in this file would, without importing JAX up front.
    """

    @property
    def simulate(self):  # type: ignore[override]
        return importlib.import_module("strokesim.simulate").simulate

    @simulate.setter
    def simulate(self, module: types.ModuleType) -> None:
        # The import system's binding of the submodule; the module stays reachable
        # as sys.modules["strokesim.simulate"].
        pass


sys.modules[__name__].__class__ = _Package
