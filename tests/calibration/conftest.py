"""Shared helpers: the calibration scripts are files, not package modules."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

CALIBRATION = Path(__file__).resolve().parents[2] / "calibration"


def _load(name: str) -> ModuleType:
    """Import ``calibration/<name>.py`` as a module named ``name``.

    As when a script runs, ``calibration/`` is on the import path, so scripts can
    share modules of their own (``study_cli``).
    """
    if str(CALIBRATION) not in sys.path:
        sys.path.insert(0, str(CALIBRATION))
    spec = importlib.util.spec_from_file_location(name, CALIBRATION / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def load_script():
    """``load_script(name)`` imports ``calibration/<name>.py``."""
    return _load
