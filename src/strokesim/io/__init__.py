"""Reading configuration files (TOML) and writing simulation results (NetCDF, Parquet, CSV).

Every writer here is atomic: an output file is complete or absent. Problems
with user-supplied paths or files raise :class:`strokesim.errors.UserInputError`
with a one-line message naming the field.
"""

from __future__ import annotations

from strokesim.io.atomic import (
    atomic_path,
    atomic_write_bytes,
    atomic_write_text,
    ensure_writable,
    prepare_output,
)
from strokesim.io.results import RESULT_SUFFIXES, read_results, write_results
from strokesim.io.tidy import from_tidy_table, tidy_layout, to_tidy_table
from strokesim.io.toml_config import read_toml, reject_nan

__all__ = [
    "RESULT_SUFFIXES",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "ensure_writable",
    "from_tidy_table",
    "prepare_output",
    "read_results",
    "read_toml",
    "reject_nan",
    "tidy_layout",
    "to_tidy_table",
    "write_results",
]
