"""Writing and reading simulation results (NetCDF, Parquet, CSV).

The format follows the file suffix:

``.nc``
    NetCDF-4 through the ``h5netcdf`` engine: the whole dataset, lossless.
    Attributes NetCDF cannot hold (booleans, ``None``, dictionaries, lists)
    are encoded (bool → int, others → JSON text) and restored by
    :func:`read_results`.
``.parquet``
    The tidy table of :func:`strokesim.io.tidy.to_tidy_table` (one row per
    patient × day); dataset attributes and the column layout are kept in the
    Parquet schema metadata under the key ``strokesim``.
``.csv``
    The same tidy table as plain text (attributes are not kept).

Every write is atomic (see :mod:`strokesim.io.atomic`): the output file is
complete or absent, never half-written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from strokesim.errors import UserInputError
from strokesim.io.atomic import (
    atomic_path,
    atomic_write_bytes,
    atomic_write_text,
    ensure_writable,
)
from strokesim.io.tidy import PATIENT_COORDS, from_tidy_table, tidy_layout, to_tidy_table

__all__ = [
    "RESULT_SUFFIXES",
    "atomic_write_bytes",
    "atomic_write_text",
    "ensure_writable",
    "read_results",
    "write_results",
]

#: File suffixes :func:`write_results` understands.
RESULT_SUFFIXES: tuple[str, ...] = (".nc", ".parquet", ".csv")

#: Attribute that records which attributes were encoded for NetCDF, and how.
_ENCODED_ATTRS = "strokesim_encoded_attrs"
#: Key of the strokesim entry in the Parquet schema metadata.
_PARQUET_KEY = b"strokesim"


def write_results(ds: xr.Dataset, path: str | os.PathLike[str], *, field: str = "--out") -> Path:
    """Write a result dataset to ``path``, in the format given by its suffix.

    Parameters
    ----------
    ds
        Result of :func:`strokesim.simulate` (see ``docs/dataset.md``).
    path
        Output file ending in ``.nc``, ``.parquet`` or ``.csv``.
    field
        Name of the user-facing option that supplied ``path`` (used in messages).

    Returns
    -------
    pathlib.Path
        The written path.

    Raises
    ------
    strokesim.errors.UserInputError
        If the suffix is unknown, or the directory is missing or not writable
        (checked before anything is written), or the system refuses the write.
        In every case no file (complete or partial) is left at ``path``.

    Examples
    --------
    >>> import tempfile
    >>> from strokesim.report._demo_data import synthetic_dataset
    >>> out = write_results(synthetic_dataset(), Path(tempfile.mkdtemp()) / "run.parquet")
    >>> out.suffix
    '.parquet'
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in RESULT_SUFFIXES:
        shown = suffix or "no suffix"
        raise UserInputError(field, f"must end in .nc, .parquet or .csv, got {shown} ({target})")
    with atomic_path(target, field) as temporary:
        if suffix == ".nc":
            _write_netcdf(ds, temporary)
        elif suffix == ".parquet":
            _write_parquet(ds, temporary)
        else:
            to_tidy_table(ds).to_csv(temporary, index=False)
    return target


def read_results(path: str | os.PathLike[str]) -> xr.Dataset:
    """Read results written by :func:`write_results`.

    Parameters
    ----------
    path
        A ``.nc`` or ``.parquet`` file, or a run folder written by the job layer
        (``strokesim simulate --run-dir``; see :func:`strokesim.jobs.read_run`).

    Returns
    -------
    xarray.Dataset
        From NetCDF: the dataset as written, attributes restored. From Parquet:
        all variables, per-patient coordinates and attributes (a Parquet file
        written by other software gives the (``patient``, ``day``) variables).

    Raises
    ------
    strokesim.errors.UserInputError
        If the file is missing, has another suffix or cannot be parsed;
        ``field`` is the path.

    Examples
    --------
    >>> import tempfile
    >>> from strokesim.report._demo_data import synthetic_dataset
    >>> out = write_results(synthetic_dataset(), Path(tempfile.mkdtemp()) / "run.nc")
    >>> read_results(out).attrs["protocol"]
    'synthetic_demo'
    """
    source = Path(path)
    field = str(source)
    if source.is_dir() and (source / "manifest.json").is_file():
        from strokesim.jobs import read_run

        return read_run(source)
    suffix = source.suffix.lower()
    if suffix not in (".nc", ".parquet"):
        raise UserInputError(
            field, f"results are read from .nc or .parquet files, got {suffix or 'no suffix'}"
        )
    if not source.is_file():
        raise UserInputError(field, "file not found" if not source.exists() else "is not a file")
    try:
        return _read_netcdf(source) if suffix == ".nc" else _read_parquet(source)
    except (OSError, ValueError) as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        kind = "NetCDF" if suffix == ".nc" else "Parquet"
        raise UserInputError(field, f"is not a readable strokesim {kind} file: {reason}") from error


# --- NetCDF -------------------------------------------------------------------------


def _write_netcdf(ds: xr.Dataset, path: Path) -> None:
    encodable = ds.copy(deep=False)
    encodable.attrs = _encode_attrs(ds.attrs)
    for name, variable in ds.variables.items():
        encodable.variables[name].attrs = _encode_attrs(variable.attrs)
    encoding = {
        name: {"compression": "gzip", "compression_opts": 4}
        for name, variable in ds.data_vars.items()
        if variable.ndim > 0 and variable.dtype.kind in "biuf"
    }
    try:
        encodable.to_netcdf(path, engine="h5netcdf", encoding=encoding)
    except ImportError as error:  # h5netcdf needs h5py to write
        raise ImportError("writing .nc files needs h5py: pip install h5py") from error


def _read_netcdf(path: Path) -> xr.Dataset:
    ds = xr.load_dataset(path, engine="h5netcdf")
    ds.attrs = _decode_attrs(ds.attrs)
    for variable in ds.variables.values():
        variable.attrs = _decode_attrs(variable.attrs)
    return ds


def _encode_attrs(attrs: Mapping[Any, Any]) -> dict[str, Any]:
    """Make attributes storable in NetCDF-4; record what was changed."""
    encoded: dict[str, Any] = {}
    kinds: dict[str, str] = {}
    for key, value in attrs.items():
        name = str(key)
        if isinstance(value, bool | np.bool_):
            encoded[name], kinds[name] = int(value), "bool"
        elif _is_netcdf_native(value):
            encoded[name] = value
        else:
            encoded[name], kinds[name] = _to_json(value), "json"
    if kinds:
        encoded[_ENCODED_ATTRS] = json.dumps(kinds)
    return encoded


def _is_netcdf_native(value: object) -> bool:
    """Strings, numbers and 1-D numeric arrays are stored by NetCDF as they are."""
    if isinstance(value, np.ndarray):
        return value.ndim == 1 and value.dtype.kind in "iuf"
    if isinstance(value, int):  # e.g. a 128-bit seed would not fit an HDF5 integer
        return -(2**63) <= value < 2**63
    return isinstance(value, str | float | np.number)


def _decode_attrs(attrs: Mapping[Any, Any]) -> dict[str, Any]:
    kinds = json.loads(attrs.get(_ENCODED_ATTRS, "{}"))
    decoded: dict[str, Any] = {}
    for key, value in attrs.items():
        if key == _ENCODED_ATTRS:
            continue
        kind = kinds.get(key)
        if kind == "bool":
            decoded[key] = bool(value)
        elif kind == "json":
            decoded[key] = json.loads(value)
        else:
            decoded[key] = value.item() if isinstance(value, np.generic) else value
    return decoded


def _to_json(value: Any) -> str:
    def default(item: Any) -> Any:
        if isinstance(item, np.generic):
            return item.item()
        if isinstance(item, np.ndarray):
            return item.tolist()
        if isinstance(item, set | frozenset):
            return sorted(item)
        return str(item)

    return json.dumps(value, default=default, sort_keys=True)


# --- Parquet ------------------------------------------------------------------------


def _write_parquet(ds: xr.Dataset, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(to_tidy_table(ds), preserve_index=False)
    coords = [str(name) for name, coord in ds.coords.items() if coord.dims == ("patient",)]
    metadata = {
        "attrs": ds.attrs,
        "layout": tidy_layout(ds),
        "coords": [name for name in coords if name != "patient"],
    }
    schema_metadata = dict(table.schema.metadata or {})
    schema_metadata[_PARQUET_KEY] = _to_json(metadata).encode()
    pq.write_table(table.replace_schema_metadata(schema_metadata), path)


def _read_parquet(path: Path) -> xr.Dataset:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    raw = (table.schema.metadata or {}).get(_PARQUET_KEY)
    metadata = json.loads(raw) if raw else {}
    frame = table.to_pandas()
    coords = metadata.get("coords", [name for name in PATIENT_COORDS if name in frame.columns])
    return from_tidy_table(
        frame, metadata.get("layout"), attrs=metadata.get("attrs", {}), coords=coords
    )
