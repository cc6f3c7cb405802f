"""The public names of ``strokesim``: complete, documented, and cheap to import."""

from __future__ import annotations

import subprocess
import sys

import strokesim

DOCUMENTED = {
    "simulate",
    "Record",
    "PatientSpec",
    "LesionSpec",
    "ClinicalDescriptors",
    "load_patients",
    "Protocol",
    "load_protocol",
    "named_protocols",
    "usual_care",
    "UserInputError",
    "__version__",
}


def test_all_is_the_documented_set() -> None:
    assert set(strokesim.__all__) == DOCUMENTED
    assert len(strokesim.__all__) == len(DOCUMENTED)


def test_every_public_name_exists() -> None:
    for name in strokesim.__all__:
        assert getattr(strokesim, name) is not None, name
    namespace: dict[str, object] = {}
    exec("from strokesim import *", namespace)
    assert set(namespace) >= DOCUMENTED


def test_public_names_are_the_defining_objects() -> None:
    from strokesim.errors import UserInputError
    from strokesim.patient import PatientSpec
    from strokesim.simulate import Record
    from strokesim.simulate import simulate as simulate_function
    from strokesim.therapy import usual_care

    assert strokesim.Record is Record
    assert strokesim.PatientSpec is PatientSpec
    assert strokesim.UserInputError is UserInputError
    assert strokesim.usual_care is usual_care
    # the function, not the module of the same name, even after that module was imported
    assert strokesim.simulate is simulate_function
    assert callable(strokesim.simulate)


def test_unknown_attribute_raises() -> None:
    try:
        strokesim.no_such_name  # noqa: B018
    except AttributeError as error:
        assert "no_such_name" in str(error)
    else:
        raise AssertionError("expected AttributeError")


def test_import_is_lazy() -> None:
    code = "import sys, strokesim; print('jax' in sys.modules, 'pydantic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_simulate_from_a_fresh_interpreter_is_the_function() -> None:
    code = (
        "import strokesim.simulate as m; from strokesim.simulate import Record; "
        "from strokesim import simulate; print(callable(simulate), type(simulate).__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "function"]
