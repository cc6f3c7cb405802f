"""A run folder on disk: one Parquet part per chunk, read back as one dataset.

Layout of a run folder::

    RUN/
      manifest.json          settings, hashes, every chunk's status and checksum
      parts/part-00000.parquet
      parts/part-00001.parquet
      ...

Each part is a file :func:`strokesim.io.read_results` reads (the tidy table of
its chunk's patients, with the dataset's attributes in the schema metadata).
A part is written under a hidden temporary name, flushed to disk (``fsync``)
and renamed into place (``os.replace``, atomic on POSIX), and the folder entry
is flushed too: after a crash a part is either complete or absent.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import xarray as xr

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PARTS", "file_sha256", "read_parts", "write_part", "write_table_part"]

#: Sub-folder of a run folder holding the parts.
PARTS = "parts"


def file_sha256(path: str | os.PathLike[str]) -> str:
    """sha256 of a file's bytes (hex)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_folder(folder: Path) -> None:
    # a folder cannot be opened for fsync on every platform (Windows); the rename
    # itself is still atomic there
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _write_atomically(target: Path, write: Callable[[Path], None]) -> str:
    """Call ``write`` on a hidden temporary name, ``fsync``, rename into ``target``; sha256."""
    temporary = target.with_name(f".{target.stem}.{secrets.token_hex(4)}.tmp{target.suffix}")
    try:
        write(temporary)
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        digest = file_sha256(temporary)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise
    _fsync_folder(target.parent)
    return digest


def write_part(ds: xr.Dataset, folder: str | os.PathLike[str], name: str) -> tuple[Path, str]:
    """Write ``ds`` as ``folder/name.parquet`` atomically and durably.

    Returns
    -------
    tuple of (pathlib.Path, str)
        The part's path and the sha256 of its bytes.
    """
    from strokesim.io import write_results

    target = Path(folder) / f"{name}.parquet"
    digest = _write_atomically(target, lambda tmp: write_results(ds, tmp, field=str(target)))
    return target, digest


def write_table_part(
    table: pd.DataFrame, folder: str | os.PathLike[str], name: str
) -> tuple[Path, str]:
    """Write a plain table as ``folder/name.parquet`` atomically and durably (sweep parts).

    Returns
    -------
    tuple of (pathlib.Path, str)
        The part's path and the sha256 of its bytes.
    """
    target = Path(folder) / f"{name}.parquet"
    digest = _write_atomically(target, lambda tmp: table.to_parquet(tmp, index=False))
    return target, digest


def read_parts(paths: list[Path], attrs: dict[str, object] | None = None) -> xr.Dataset:
    """The parts at ``paths``, in that order, as one dataset along ``patient``.

    ``attrs`` replace those of the first part (each part carries its own chunk's
    configuration hash).
    """
    from strokesim.io import read_results

    parts = [read_results(path) for path in paths]
    ds = parts[0] if len(parts) == 1 else xr.concat(parts, dim="patient", join="exact")
    ds.attrs = {**parts[0].attrs, **(attrs or {})}
    return ds
