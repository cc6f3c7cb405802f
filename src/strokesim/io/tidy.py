"""Flattening a result dataset into a tidy table (one row per patient × day) and back.

Column layout of the table, left to right:

- ``patient``, ``day``;
- per-patient (and per-day) coordinates, e.g. ``age``, ``nihss``, ``cst_lesion_load``;
- variables of dims (``patient``, ``day``), e.g. ``fma_ue``, ``grip_kg``;
- one column per label for variables with an extra dimension, named
  ``<prefix>.<label>``. The prefix is the item dimension for item scores
  (``fma_items`` → ``fma_item.grasp_pincer``, ``arat_items`` →
  ``arat_item.grasp_stone``) and the variable name otherwise
  (``mrc.shoulder_abduction``, ``cortical_activity.ipsilesional``).

:func:`tidy_layout` describes how the extra-dimension columns map back to
variables; the Parquet writer stores it in the file so that
:func:`from_tidy_table` can rebuild the full dataset.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

__all__ = ["PATIENT_COORDS", "from_tidy_table", "tidy_layout", "to_tidy_table"]

_ROW_DIMS = ("patient", "day")

#: Per-patient coordinates of the result contract (``docs/dataset.md``).
PATIENT_COORDS: tuple[str, ...] = (
    "age",
    "nihss",
    "cst_lesion_load",
    "cortical_loss",
    "affected_side",
)


def _column_prefix(name: Hashable, extra_dims: tuple[Hashable, ...]) -> str:
    # "fma_items" along "fma_item" reads best as fma_item.<label>.
    if len(extra_dims) == 1 and name == f"{extra_dims[0]}s":
        return str(extra_dims[0])
    return str(name)


def tidy_layout(ds: xr.Dataset) -> dict[str, dict[str, Any]]:
    """Describe the extra-dimension variables of ``ds`` as tidy-table columns.

    Parameters
    ----------
    ds
        Result dataset with dimensions ``patient`` and ``day``.

    Returns
    -------
    dict
        Variable name → ``{"dims": [...], "labels": {dim: [...]}, "columns": [...]}``
        where ``columns`` lists the table columns in C order over ``dims``.

    Examples
    --------
    >>> from strokesim.report._demo_data import synthetic_dataset
    >>> tidy_layout(synthetic_dataset())["mrc"]["columns"][0]
    'mrc.shoulder_flexion'
    """
    layout: dict[str, dict[str, Any]] = {}
    for name, variable in ds.data_vars.items():
        extra = tuple(dim for dim in variable.dims if dim not in _ROW_DIMS)
        if not extra:
            continue
        labels = {str(dim): [_plain(label) for label in ds[dim].values] for dim in extra}
        prefix = _column_prefix(name, extra)
        columns = [
            ".".join([prefix, *(str(label) for label in combo)])
            for combo in itertools.product(*labels.values())
        ]
        layout[str(name)] = {
            "dims": [str(dim) for dim in extra],
            "labels": labels,
            "columns": columns,
        }
    return layout


def to_tidy_table(ds: xr.Dataset) -> pd.DataFrame:
    """Flatten ``ds`` into one row per patient × day.

    Parameters
    ----------
    ds
        Result dataset with dimensions ``patient`` and ``day`` (see ``docs/dataset.md``).

    Returns
    -------
    pandas.DataFrame
        Rows ordered patient-major, then by day; columns as described in the
        module docstring. Dtypes of the dataset are kept (``int8``, ``bool``, ...).

    Examples
    --------
    >>> from strokesim.report._demo_data import synthetic_dataset
    >>> table = to_tidy_table(synthetic_dataset(n_patients=2, days=[7, 90]))
    >>> table.shape[0], list(table.columns[:3])
    (4, ['patient', 'day', 'age'])
    """
    missing = [dim for dim in _ROW_DIMS if dim not in ds.dims]
    if missing:
        raise ValueError(f"a result dataset needs dimensions {_ROW_DIMS}; missing {missing}")
    n_patients, n_days = ds.sizes["patient"], ds.sizes["day"]
    row_sizes = {"patient": n_patients, "day": n_days}

    def rows(array: xr.DataArray) -> np.ndarray:
        """Values as (patient × day, labels), broadcasting over absent row dims."""
        variable = array.variable
        missing = {dim: size for dim, size in row_sizes.items() if dim not in variable.dims}
        expanded = variable.set_dims({**missing, **variable.sizes})
        extra = [dim for dim in expanded.dims if dim not in _ROW_DIMS]
        values = expanded.transpose(*_ROW_DIMS, *extra).values
        return values.reshape(n_patients * n_days, -1)

    columns: dict[str, np.ndarray] = {
        "patient": np.repeat(ds["patient"].values, n_days),
        "day": np.tile(ds["day"].values, n_patients),
    }
    for name, coord in ds.coords.items():
        if name not in _ROW_DIMS and set(coord.dims) <= set(_ROW_DIMS):
            columns[str(name)] = rows(coord)[:, 0]
    layout = tidy_layout(ds)
    for name, variable in ds.data_vars.items():
        if str(name) not in layout:
            columns[str(name)] = rows(variable)[:, 0]
    for name, spec in layout.items():
        block = rows(ds[name])
        columns.update(zip(spec["columns"], block.T, strict=True))
    return pd.DataFrame(columns)


def from_tidy_table(
    table: pd.DataFrame,
    layout: Mapping[str, Mapping[str, Any]] | None = None,
    attrs: Mapping[str, Any] | None = None,
    coords: Sequence[str] | None = None,
) -> xr.Dataset:
    """Rebuild a dataset from a table made by :func:`to_tidy_table`.

    Parameters
    ----------
    table
        One row per patient × day with ``patient`` and ``day`` columns. Patients
        keep their order of first appearance; days are sorted. Missing
        patient × day rows become NaN.
    layout
        Output of :func:`tidy_layout` for the original dataset. Without it, the
        columns with a dot in their name are left out and only the variables of
        dims (``patient``, ``day``) are rebuilt.
    attrs
        Dataset attributes to attach.
    coords
        Columns that hold per-patient coordinates (their value on the first
        recorded day is kept). Default: the per-patient coordinates of
        ``docs/dataset.md`` that are present in ``table``.

    Returns
    -------
    xarray.Dataset
        The other plain columns become variables of dims (``patient``, ``day``).

    Examples
    --------
    >>> from strokesim.report._demo_data import synthetic_dataset
    >>> ds = synthetic_dataset(n_patients=2, days=[7, 90])
    >>> back = from_tidy_table(to_tidy_table(ds), tidy_layout(ds))
    >>> bool((back.fma_items == ds.fma_items).all())
    True
    """
    patients = pd.unique(table["patient"])
    days = np.sort(pd.unique(table["day"]))
    grid = pd.MultiIndex.from_product([patients, days], names=list(_ROW_DIMS))
    indexed = table.set_index(list(_ROW_DIMS)).reindex(grid)
    shape = (len(patients), len(days))
    layout = dict(layout or {})
    layout_columns = {column for spec in layout.values() for column in spec["columns"]}
    if coords is None:
        coords = [name for name in PATIENT_COORDS if name in indexed.columns]

    coordinates: dict[str, Any] = {"patient": _as_numpy(pd.Series(patients)), "day": days}
    data_vars: dict[str, Any] = {}
    # Keep the table's column order for the variables: an extra-dimension
    # variable takes the place of its first column.
    first_columns = {
        spec["columns"][0]: name
        for name, spec in layout.items()
        if set(spec["columns"]) <= set(indexed.columns)
    }
    for column in indexed.columns:
        if column in first_columns:
            name = first_columns[column]
            spec = layout[name]
            sizes = [len(spec["labels"][dim]) for dim in spec["dims"]]
            block = np.stack([_as_numpy(indexed[col]) for col in spec["columns"]], axis=-1)
            data_vars[name] = ((*_ROW_DIMS, *spec["dims"]), block.reshape(*shape, *sizes))
            for dim in spec["dims"]:
                coordinates.setdefault(dim, np.asarray(spec["labels"][dim]))
        elif column in layout_columns or "." in str(column):
            continue
        elif column in coords:
            coordinates[str(column)] = ("patient", _as_numpy(indexed[column]).reshape(shape)[:, 0])
        else:
            data_vars[str(column)] = (_ROW_DIMS, _as_numpy(indexed[column]).reshape(shape))
    return xr.Dataset(data_vars, coords=coordinates, attrs=dict(attrs or {}))


def _as_numpy(series: pd.Series) -> np.ndarray:
    """Column values as a NumPy array, strings as fixed-width ``str`` (not object)."""
    if pd.api.types.is_string_dtype(series.dtype) or series.dtype == object:
        return series.to_numpy(dtype=str)
    return series.to_numpy()


def _plain(value: Any) -> Any:
    """A coordinate label as a JSON-friendly Python scalar."""
    return value.item() if isinstance(value, np.generic) else value
