"""Jobs made of named units computed in this process, each saved as soon as it finishes.

A *unit* is a piece of a job whose result depends only on the job's settings and
the unit's key: a seed of the validation battery, a held-out trial (or the trials
sharing one simulation), a block of power replicates, a chunk of a trial's twin
pool. :class:`UnitJob` runs them one after another in this process (they share
compiled code and cached simulations), and with a run folder it

* writes each finished unit's result atomically and durably under
  ``RUN/units/<key>.<json|npz>`` and records its checksum in ``RUN/manifest.json``
  (rewritten atomically after every unit);
* retries a failed unit once, then records it as failed and raises
  :class:`UnitFailed` (the finished units stay for ``--resume``);
* with ``resume``, refuses a folder whose settings differ from this job's and
  returns the saved result of every finished unit whose checksum still matches
  instead of computing it again.

Without a run folder the units are computed in memory (retried once too) and
nothing is written. Progress is reported as ``progress(done, total)`` in the
units' weights (e.g. patients or replicates), the saved units counted as done.

A unit's result is a JSON value (``codec="json"``) or a dict of NumPy arrays
(``codec="npz"``); both read back bitwise-equal to what was saved.

Examples
--------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp()) / "run"
>>> job = UnitJob(folder, {"job": "squares", "n": 3}, total=3)
>>> [job.unit(f"x{i}", lambda i=i: i * i, label=f"square of {i}") for i in range(3)]
[0, 1, 4]
>>> again = UnitJob(folder, {"job": "squares", "n": 3}, resume=True, total=3)
>>> again.unit("x2", lambda: 1 / 0, label="square of 2")  # saved: not computed again
4
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import numpy as np

from strokesim.errors import UserInputError
from strokesim.io.atomic import atomic_write_bytes
from strokesim.jobs.manifest import (
    FORMAT,
    MANIFEST,
    _sha256_json,
    check_same_settings,
    load_manifest,
    save_manifest,
)

__all__ = ["ATTEMPTS", "UNITS", "UnitFailed", "UnitJob", "job_settings"]

#: Sub-folder of a run folder holding the units' results.
UNITS = "units"
#: Attempts per unit: the first run and one retry.
ATTEMPTS = 2

Codec = Literal["json", "npz"]


class UnitFailed(RuntimeError):
    """A unit that failed on every attempt; the finished ones stay on disk for ``--resume``."""

    def __init__(self, folder: Path | None, label: str, reason: str) -> None:
        self.folder = folder
        self.label = label
        self.reason = reason
        super().__init__(f"{label} failed after {ATTEMPTS} attempts: {reason}")


def job_settings(job: str, **values: Any) -> dict[str, Any]:
    """The settings of a unit job: ``values`` plus the code, parameters and version.

    A resumed job reuses saved units only when all of these are equal (the hash of
    the package's computing code and of the model parameter registry included), so
    a resumed run never mixes results of two versions of the model.
    """
    from strokesim import __version__
    from strokesim.code_version import code_hash
    from strokesim.model.parameters import model_parameters

    parameters = {name: float(value) for name, value in model_parameters().items()}
    return {
        "job": job,
        **values,
        "params_sha256": _sha256_json(parameters),
        "code_sha256": code_hash(),
        "strokesim_version": __version__,
    }


def _encode(value: Any, codec: Codec) -> bytes:
    if codec == "json":
        return (json.dumps(value, indent=1, sort_keys=True) + "\n").encode()
    buffer = io.BytesIO()
    np.savez(buffer, **{name: np.asarray(array) for name, array in value.items()})
    return buffer.getvalue()


def _decode(data: bytes, codec: Codec) -> Any:
    if codec == "json":
        return json.loads(data.decode())
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        return {name: arrays[name] for name in arrays.files}


class UnitJob:
    """A job of units run in this process, saved to a run folder when one is given.

    Parameters
    ----------
    folder
        Run folder (``manifest.json`` and ``units/``), or ``None``: compute in memory.
    settings
        What decides the units' results (see :func:`job_settings`); a resumed folder
        must hold the same.
    resume
        Continue the run in ``folder``: reuse its finished units.
    total
        Sum of the weights of the job's units (for ``progress``).
    progress
        Called as ``progress(done, total)`` after each unit.

    Raises
    ------
    strokesim.errors.UserInputError
        For an unusable folder, or ``resume`` of a folder with other settings
        (field ``--run-dir`` or ``--resume``), before any unit runs.
    """

    def __init__(
        self,
        folder: str | os.PathLike[str] | None,
        settings: dict[str, Any],
        *,
        resume: bool = False,
        total: float = 0.0,
        progress: Callable[[float, float], None] | None = None,
    ) -> None:
        from strokesim.jobs.run import check_run_folder

        self.folder = None if folder is None else check_run_folder(folder, resume)
        # as saved and read back (tuples become lists), so a resumed job compares equal
        settings = json.loads(json.dumps(settings, default=str))
        self.total = total
        self.done = 0.0
        self.progress = progress
        self.ran: list[str] = []
        self.reused: list[str] = []
        self._manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_by": "strokesim.jobs.units",
            "settings": settings,
            "settings_sha256": _sha256_json(settings),
            "units": {},
        }
        if self.folder is None:
            return
        if (self.folder / MANIFEST).exists():
            saved = load_manifest(self.folder)
            check_same_settings(saved, settings, self.folder)
            self._manifest["units"] = dict(saved.get("units", {}))
            # temporary files of a killed run (hidden names: never a unit or the manifest)
            for leftover in [
                *(self.folder / UNITS).glob(".*"),
                *self.folder.glob(f".{MANIFEST}.*"),
            ]:
                if leftover.is_file():
                    leftover.unlink(missing_ok=True)
        (self.folder / UNITS).mkdir(parents=True, exist_ok=True)
        save_manifest(self.folder, self._manifest)

    def begin(self, total: float, progress: Callable[[float, float], None] | None) -> None:
        """Start a new stage of progress: ``total`` weight, reported to ``progress``."""
        self.total, self.done = total, 0.0
        self.progress = progress

    def within(self, amount: float) -> None:
        """Report progress inside the running unit: ``amount`` of its weight is done."""
        if self.progress is not None:
            self.progress(self.done + amount, self.total)

    def _saved(self, key: str, codec: Codec) -> tuple[bool, Any]:
        """The saved result of ``key`` if it is finished and its file intact."""
        entry = self._manifest["units"].get(key)
        if self.folder is None or entry is None or entry.get("status") != "done":
            return False, None
        path = self.folder / UNITS / str(entry["file"])
        try:
            data = path.read_bytes()
        except OSError:
            return False, None
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            return False, None
        return True, _decode(data, codec)

    def unit(
        self,
        key: str,
        compute: Callable[[], Any],
        *,
        label: str,
        weight: float = 1.0,
        codec: Codec = "json",
    ) -> Any:
        """The result of unit ``key``: saved (with ``resume``) or computed and saved now.

        Parameters
        ----------
        key
            The unit's name in the manifest and its file stem (letters, digits, ``-_.``).
        compute
            Computes the result (a JSON value, or a dict of arrays for ``"npz"``).
        label
            The unit in messages, e.g. ``"seed 3"``.
        weight
            Its share of ``total`` for the progress.
        codec
            How its result is saved.

        Raises
        ------
        UnitFailed
            If ``compute`` raised on both attempts (recorded in the manifest).
        """
        found, value = self._saved(key, codec)
        if found:
            self.reused.append(key)
            return self._advance(weight, value)
        entry = self._manifest["units"].setdefault(
            key, {"label": label, "status": "pending", "file": None, "sha256": None, "attempts": 0}
        )
        for attempt in range(1, ATTEMPTS + 1):
            started = time.perf_counter()
            entry["attempts"] = int(entry.get("attempts", 0)) + 1
            try:
                value = compute()
                data = _encode(value, codec)
            except UserInputError:
                raise  # the user's to fix: not retried
            except Exception as error:  # reported with the unit after the retry
                reason = " ".join(f"{type(error).__name__}: {error}".split())
                entry.update(status="failed", error=reason)
                self._save_manifest()
                if attempt == ATTEMPTS:
                    raise UnitFailed(self.folder, label, reason) from error
                continue
            if self.folder is not None:
                name = f"{key}.{codec}"
                atomic_write_bytes(self.folder / UNITS / name, data, field="--run-dir")
                entry.update(file=name, sha256=hashlib.sha256(data).hexdigest())
            entry.update(status="done", error=None, seconds=round(time.perf_counter() - started, 3))
            self._save_manifest()
            self.ran.append(key)
            # the result as read back, so a fresh run and a resumed one see the same values
            return self._advance(weight, _decode(data, codec))
        raise AssertionError("unreachable")  # pragma: no cover

    def _advance(self, weight: float, value: Any) -> Any:
        self.done += weight
        if self.progress is not None:
            self.progress(self.done, self.total)
        return value

    def _save_manifest(self) -> None:
        if self.folder is not None:
            save_manifest(self.folder, self._manifest)
