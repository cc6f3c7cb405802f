"""Reading configuration files (patients, protocols, cohorts, trials) written in TOML.

Only the file-level problems are handled here (missing file, encoding, syntax,
non-finite numbers); the meaning of the fields is validated by the pydantic
models of ``patient.py``, ``therapy/`` and ``cohort/``.
"""

from __future__ import annotations

import math
import numbers
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from strokesim.errors import UserInputError

__all__ = ["read_toml", "reject_nan"]


def read_toml(path: str | os.PathLike[str], *, allow_nonfinite: bool = False) -> dict[str, Any]:
    """Read a TOML file into a dictionary, with one-line errors for users.

    Parameters
    ----------
    path
        The ``.toml`` file.
    allow_nonfinite
        TOML allows ``nan`` and ``inf``; no strokesim setting accepts them, so by
        default they are rejected (see :func:`reject_nan`).

    Returns
    -------
    dict
        The parsed document.

    Raises
    ------
    strokesim.errors.UserInputError
        If the file is missing, is not a regular file, cannot be read, is not
        UTF-8, is not valid TOML (the message gives line and column), or holds a
        NaN/infinite number (the message names the dotted field). For file-level
        problems ``field`` is the path.

    Examples
    --------
    >>> import tempfile
    >>> cfg = Path(tempfile.mkdtemp()) / "patient.toml"
    >>> _ = cfg.write_text('[patient]\\nid = "P01"\\nnihss = 8\\n')
    >>> read_toml(cfg)
    {'patient': {'id': 'P01', 'nihss': 8}}
    """
    file = Path(path)
    field = str(file)
    if not file.exists():
        raise UserInputError(field, "file not found")
    if not file.is_file():
        raise UserInputError(field, "is not a file (expected a .toml file)")
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise UserInputError(field, f"cannot be read: {error.strerror or error}") from error
    try:
        # utf-8-sig: tolerate the byte-order mark some Windows editors add.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserInputError(
            field,
            f"is not UTF-8 text (invalid byte 0x{raw[error.start]:02x} at offset {error.start})",
        ) from error
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        reason = " ".join(str(error).split())
        raise UserInputError(field, f"invalid TOML: {reason}") from error
    if not allow_nonfinite:
        try:
            reject_nan(document)
        except UserInputError as error:
            raise UserInputError(error.field, f"{error.problem} (in {file})") from error
    return document


def reject_nan(mapping: Mapping[str, Any] | list[Any] | tuple[Any, ...], prefix: str = "") -> None:
    """Raise if any number nested in ``mapping`` is NaN or infinite.

    Parameters
    ----------
    mapping
        Parsed configuration: nested dictionaries, lists and scalars.
    prefix
        Dotted name of ``mapping`` itself, prepended to the field names in
        messages (e.g. ``"protocol"``).

    Raises
    ------
    strokesim.errors.UserInputError
        Naming the first offending field, e.g. ``protocol.arms[1].intensity``.

    Examples
    --------
    >>> reject_nan({"arms": [{"dose": 1.0}, {"dose": float("nan")}]}, prefix="protocol")
    Traceback (most recent call last):
    ...
    strokesim.errors.UserInputError: protocol.arms[1].dose: must be a finite number, got nan
    """
    if isinstance(mapping, Mapping):
        children = (
            (f"{prefix}.{key}" if prefix else str(key), value) for key, value in mapping.items()
        )
    else:
        children = ((f"{prefix}[{index}]", value) for index, value in enumerate(mapping))
    for field, value in children:
        if isinstance(value, Mapping | list | tuple):
            reject_nan(value, field)
        elif _is_nonfinite(value):
            raise UserInputError(field, f"must be a finite number, got {float(value)}")


def _is_nonfinite(value: object) -> bool:
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, numbers.Integral)
        and not math.isfinite(value)
    )
