"""The manifest of a run folder: its settings and every chunk's status.

``manifest.json`` is rewritten atomically (temporary file, ``fsync``,
``os.replace``) after every finished chunk, so it always describes parts that
exist. Its ``settings`` are what must match for ``--resume`` to reuse the
finished chunks: the patients, protocol, days, assessment days, seed, rater
noise, model parameters, chunk size, and the hash of the code that computes
results.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from strokesim.errors import UserInputError
from strokesim.io.atomic import atomic_write_text
from strokesim.jobs.plan import Chunk

if TYPE_CHECKING:
    from strokesim.simulate import VirtualPatients
    from strokesim.therapy.schema import Protocol

__all__ = [
    "FORMAT",
    "MANIFEST",
    "check_same_settings",
    "load_manifest",
    "new_manifest",
    "run_settings",
    "save_manifest",
]

#: File name of the manifest inside a run folder.
MANIFEST = "manifest.json"
#: Version of the manifest layout.
FORMAT = 1


def _sha256_json(value: object) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def patients_hash(patients: VirtualPatients) -> str:
    """sha256 of the patients' ids, lesions, sides, volumes, NIHSS and sources."""
    digest = hashlib.sha256()
    for text in (*patients.ids, "\0", *patients.affected_side, "\0", *patients.source):
        digest.update(text.encode() + b"\0")
    for array in (*patients.descriptors, patients.lesion_volume_ml, patients.nihss):
        values = np.ascontiguousarray(array)
        digest.update(str(values.dtype).encode() + values.tobytes())
    return digest.hexdigest()


def run_settings(
    patients: VirtualPatients,
    protocol: Protocol,
    *,
    days: int,
    record_days: tuple[int, ...],
    seed: int,
    rater_noise: bool,
    params: dict[str, float],
    chunk_size: int,
) -> dict[str, Any]:
    """The settings that decide a run's results (and its plan), as JSON values."""
    from strokesim import __version__
    from strokesim.code_version import code_hash

    return {
        "n_patients": len(patients),
        "patients_sha256": patients_hash(patients),
        "protocol": protocol.name,
        "protocol_sha256": _sha256_json(protocol.model_dump(mode="json")),
        "days": int(days),
        "record_days": [int(day) for day in record_days],
        "seed": int(seed),
        "rater_noise": bool(rater_noise),
        "params_sha256": _sha256_json({k: float(v) for k, v in params.items()}),
        "chunk_size": int(chunk_size),
        "code_sha256": code_hash(),
        "strokesim_version": __version__,
    }


def new_manifest(settings: dict[str, Any], chunks: tuple[Chunk, ...]) -> dict[str, Any]:
    """A manifest with every chunk pending."""
    return {
        "format": FORMAT,
        "created_by": "strokesim.jobs",
        "settings": settings,
        "settings_sha256": _sha256_json(settings),
        "chunks": [
            {
                "index": c.index,
                "start": c.start,
                "stop": c.stop,
                "status": "pending",
                "file": None,
                "sha256": None,
                "attempts": 0,
                "seconds": None,
                "error": None,
            }
            for c in chunks
        ],
    }


def save_manifest(folder: str | os.PathLike[str], manifest: dict[str, Any]) -> Path:
    """Write ``folder/manifest.json`` atomically and durably."""
    text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    return atomic_write_text(Path(folder) / MANIFEST, text, field="--run-dir")


def load_manifest(folder: str | os.PathLike[str]) -> dict[str, Any]:
    """Read ``folder/manifest.json``.

    Raises
    ------
    strokesim.errors.UserInputError
        If it cannot be read or is not a strokesim manifest (field ``--run-dir``).
    """
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        reason = " ".join(str(error).split())
        raise UserInputError("--run-dir", f"cannot read {path}: {reason}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise UserInputError("--run-dir", f"{path} is not a strokesim run manifest")
    return manifest


def check_same_settings(manifest: dict[str, Any], settings: dict[str, Any], folder: Path) -> None:
    """Refuse to resume a run whose settings differ from this one's.

    Raises
    ------
    strokesim.errors.UserInputError
        Naming ``--resume`` and the settings that differ.
    """
    saved = manifest.get("settings", {})
    differ = sorted(k for k in {*saved, *settings} if saved.get(k) != settings.get(k))
    if differ:
        shown = ", ".join(differ)
        raise UserInputError(
            "--resume",
            f"{folder} holds a run with other settings ({shown}); "
            "rerun with its settings or use another --run-dir",
        )
