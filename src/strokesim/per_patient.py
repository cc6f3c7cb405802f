"""Per-patient values at the API edge: model parameters, protocols and entry days.

:func:`strokesim.simulate` accepts, besides values shared by every patient, one value
per patient of a run. This module checks them once (one-line
:class:`~strokesim.errors.UserInputError` naming the field) and lines them up with
the virtual patients: a value may be given per virtual patient, or per
:class:`~strokesim.patient.PatientSpec` (then every plausible lesion of that patient
gets its patient's value).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from strokesim.errors import UserInputError
from strokesim.model.parameters import REGISTRY
from strokesim.model.template import TEMPLATE_PARAMETERS
from strokesim.therapy.schema import Protocol

__all__ = [
    "SHARED_ONLY",
    "check_entry_days",
    "check_patient_params",
    "check_patient_protocols",
]

#: Parameters that cannot be set per patient: the healthy template's (one template
#: serves a batch) and the lesion-sampling ones, used before the engine runs.
SHARED_ONLY: tuple[str, ...] = (
    *TEMPLATE_PARAMETERS,
    "stunned_share_mean",
    "stunned_share_concentration",
)


def _line_up(field: str, values: ArrayLike, n: int, expand: np.ndarray | None) -> np.ndarray:
    """``values`` as one entry per virtual patient (length n), expanding per-spec values."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise UserInputError(field, f"must be one value per patient (1-D), got shape {arr.shape}")
    if arr.shape[0] == n:
        return arr
    if expand is not None and arr.shape[0] == int(expand.max(initial=-1)) + 1:
        return arr[expand]
    allowed = f"{n} (one per virtual patient)"
    if expand is not None:
        allowed += f" or {int(expand.max(initial=-1)) + 1} (one per patient spec)"
    raise UserInputError(field, f"must have {allowed} values, got {arr.shape[0]}")


def check_patient_params(
    values: Mapping[str, ArrayLike], n: int, expand: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Check per-patient model parameters and line them up with the virtual patients.

    Parameters
    ----------
    values
        ``{registry name: values}``, one value per patient, in the registry's unit.
    n
        Number of virtual patients.
    expand
        For each virtual patient, the position of the patient spec it comes from, or
        ``None`` when only per-virtual-patient values are allowed.

    Returns
    -------
    dict
        ``{name: float32 array of shape (n,)}``.

    Raises
    ------
    UserInputError
        For an unknown or shared-only name, a wrong length, or a value that is not
        finite or lies outside the registry's range.
    """
    out = {}
    for name, given in values.items():
        field = f"patient_params.{name}"
        if name not in REGISTRY:
            raise UserInputError(field, "unknown parameter; `strokesim params` lists them")
        if name in SHARED_ONLY:
            raise UserInputError(
                field, "cannot be set per patient (template or lesion sampling); use params="
            )
        try:
            arr = _line_up(field, np.asarray(given, dtype=np.float64), n, expand)
        except (TypeError, ValueError) as err:
            if isinstance(err, UserInputError):
                raise
            raise UserInputError(field, "must be numbers, one per patient") from None
        p = REGISTRY[name]
        bad = ~np.isfinite(arr) | (arr < p.low) | (arr > p.high)
        if np.any(bad):
            raise UserInputError(field, f"must lie in {p.range_text}, got {arr[bad][0]:g}")
        out[name] = arr.astype(np.float32)
    return out


def check_entry_days(
    values: ArrayLike, n: int, days: int, max_days: int, expand: np.ndarray | None = None
) -> np.ndarray:
    """Check per-patient entry days (days since onset, integers ≥ 0) for a run of ``days``.

    Raises
    ------
    UserInputError
        For a wrong length, a non-integer, or an entry after ``max_days − days``.
    """
    field = "entry_day"
    try:
        arr = _line_up(field, np.asarray(values, dtype=np.float64), n, expand)
    except (TypeError, ValueError) as err:
        if isinstance(err, UserInputError):
            raise
        raise UserInputError(field, "must be integers, one per patient") from None
    last = max_days - days
    bad = ~np.isfinite(arr) | (arr != np.round(arr)) | (arr < 0) | (arr > last)
    if np.any(bad):
        raise UserInputError(field, f"must be integers in 0–{last}, got {arr[bad][0]:g}")
    return arr.astype(np.int32)


def check_patient_protocols(
    protocols: Sequence[Protocol], n: int, expand: np.ndarray | None = None
) -> tuple[list[Protocol], np.ndarray]:
    """The distinct protocols of a per-patient list and each virtual patient's index into it.

    Raises
    ------
    UserInputError
        For an entry that is not a :class:`~strokesim.therapy.schema.Protocol` or a
        wrong length.
    """
    distinct: list[Protocol] = []
    keys: dict[str, int] = {}
    index = []
    for i, p in enumerate(protocols):
        if not isinstance(p, Protocol):
            raise UserInputError(f"protocol[{i}]", f"must be a Protocol, got {type(p).__name__}")
        key = p.model_dump_json()
        if key not in keys:
            keys[key] = len(distinct)
            distinct.append(p)
        index.append(keys[key])
    return distinct, _line_up("protocol", np.asarray(index, np.int64), n, expand)
