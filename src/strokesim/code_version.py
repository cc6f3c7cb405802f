"""The version of the code that computes results: a hash of the package's sources.

A saved result (a seed of the battery, a unit or chunk of a job) is reused by
``--resume`` only if the code that computed it is the code running now
(:func:`code_hash`), so a resumed run never mixes two versions of the model. Files
and folders that only present results are left out, so a new report layout or
command-line option does not invalidate saved results.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Final

__all__ = ["PRESENTATION_FILES", "PRESENTATION_FOLDERS", "code_hash"]

#: Package files left out of :func:`code_hash`: they present results, not compute them.
PRESENTATION_FILES: Final[frozenset[str]] = frozenset(
    {
        "validate/documented.py",
        "validate/report.py",
        "validate/seeds.py",
        "validate/seeds_report.py",
    }
)
#: Package folders left out of :func:`code_hash` as a whole (the command line).
PRESENTATION_FOLDERS: Final[tuple[str, ...]] = ("cli/",)


def code_hash() -> str:
    """sha256 of the package's Python sources (less the presentation files and folders).

    A saved seed is reused only if the code that computed it is the code running
    now, so ``--resume`` never mixes results of two versions of the model.
    """
    import strokesim

    root = Path(strokesim.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative not in PRESENTATION_FILES and not relative.startswith(PRESENTATION_FOLDERS):
            digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
