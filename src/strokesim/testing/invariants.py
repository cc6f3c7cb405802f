"""Checks that a simulation result obeys its contract (``docs/dataset.md``).

:func:`dataset_violations` returns human-readable descriptions of every broken
rule instead of raising at the first, so a failing property test shows the whole
picture (which variable, which patient, which value).

Examples
--------
>>> import numpy as np, xarray as xr
>>> ds = xr.Dataset({"fma_ue": (("patient", "day"), np.array([[70]], np.int16))})
>>> dataset_violations(ds, variables=["fma_ue"])
['fma_ue: 1 value(s) outside 0–66, e.g. 70']
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import xarray as xr

from strokesim.model.anatomy import ARAT_SUBSCALES, FMA_ITEMS, MUSCLES

__all__ = ["COORDINATE_RANGES", "MAS_GRADES", "RANGES", "assert_same_result", "dataset_violations"]

#: Modified Ashworth codes (1.5 = "1+").
MAS_GRADES = (0.0, 1.0, 1.5, 2.0, 3.0, 4.0)

#: Closed ranges of each variable (``None``: unbounded on that side).
RANGES: dict[str, tuple[float | None, float | None]] = {
    "fma_ue": (0, 66),
    "fma_items": (0, 2),
    "arat": (0, 57),
    "arat_items": (0, 3),
    "mrc": (0, 5),
    "safe": (0, 10),
    "grip_kg": (0, None),
    "mep_amplitude_mv": (0, None),
    "rmt_percent": (0, 100),
    "ihi_ratio": (0, None),
    "mep_contralesional_mv": (0, None),
    "ihi_ratio_contralesional": (0, None),
    "laterality_index": (-1, 1),
    "paretic_use_fraction": (0, 1),
    "mal_amount": (0, 5),
    "nonparetic_dexterity": (0, 100),
    "paretic_dexterity": (0, None),
    "cortical_activity": (0, None),
    "task_family_performance": (0, 1),
}

#: Variables that are NaN exactly when no MEP is present.
_NAN_WITHOUT_MEP = ("rmt_percent", "ihi_ratio")
_ISOLATED = [FMA_ITEMS.index(n) for n in FMA_ITEMS if n.startswith("isolated_")]
_NORMAL_REFLEX = FMA_ITEMS.index("normal_reflex_activity")
_REFLEX_ITEMS = [FMA_ITEMS.index("reflex_flexors"), FMA_ITEMS.index("reflex_extensors")]


def _example(values: np.ndarray) -> str:
    return ", ".join(f"{x:g}" for x in np.unique(values)[:5])


def _range_violations(ds: xr.Dataset, names: Iterable[str]) -> list[str]:
    out = []
    for name in names:
        if name not in ds or name not in RANGES:
            continue
        values = np.asarray(ds[name].values, dtype=np.float64)
        lo, hi = RANGES[name]
        finite = np.isfinite(values)
        allowed_nan = name in _NAN_WITHOUT_MEP
        if not allowed_nan and not finite.all():
            out.append(f"{name}: {int((~finite).sum())} non-finite value(s)")
        v = values[finite]
        bad = np.zeros(v.shape, bool)
        if lo is not None:
            bad |= v < lo
        if hi is not None:
            bad |= v > hi
        if bad.any():
            shown = f"{lo if lo is not None else '-inf'}–{hi if hi is not None else 'inf'}"
            out.append(
                f"{name}: {int(bad.sum())} value(s) outside {shown}, e.g. {_example(v[bad])}"
            )
    return out


#: Closed ranges of the per-patient coordinates.
COORDINATE_RANGES: dict[str, tuple[float, float]] = {
    "nihss": (0, 42),
    "age": (18, 110),
    "cst_lesion_load": (0, 1),
    "cortical_loss": (0, 1),
}


def _coordinate_violations(ds: xr.Dataset) -> list[str]:
    out = []
    for name, (lo, hi) in COORDINATE_RANGES.items():
        if name in ds.coords:
            values = np.asarray(ds[name].values, dtype=np.float64)
            bad = ~np.isfinite(values) | (values < lo) | (values > hi)
            if bad.any():
                out.append(
                    f"{name}: {int(bad.sum())} value(s) outside {lo}–{hi}, "
                    f"e.g. {_example(values[bad])}"
                )
    return out


def _rule_violations(ds: xr.Dataset) -> list[str]:
    out = _coordinate_violations(ds)
    if {"fma_ue", "fma_items"} <= set(ds):
        items = ds.fma_items.values.astype(np.int64)
        if not np.array_equal(items.sum(-1), ds.fma_ue.values):
            out.append("fma_ue: differs from the sum of fma_items")
        reflex = items[..., _REFLEX_ITEMS]
        if not np.isin(reflex, (0, 2)).all():
            out.append("fma_items: reflex items (biceps/finger flexors, triceps) must be 0 or 2")
        full_iv = (items[..., _ISOLATED] == 2).all(-1)
        if np.any((items[..., _NORMAL_REFLEX] > 0) & ~full_iv):
            out.append(
                "fma_items: normal_reflex_activity scored although section A-IV lacks full marks"
            )
    if {"arat", "arat_items"} <= set(ds):
        items = ds.arat_items.values.astype(np.int64)
        if not np.array_equal(items.sum(-1), ds.arat.values):
            out.append("arat: differs from the sum of arat_items")
        for name, part in ARAT_SUBSCALES.items():
            block = items[..., part]
            if np.any((block[..., 0] == 3) & (block != 3).any(-1)):
                out.append(f"arat_items: {name} first item is 3 but the subscale is not full")
            if np.any((block[..., 1] == 0) & (block[..., 2:] != 0).any(-1)):
                out.append(f"arat_items: {name} easiest item is 0 but later items score")
    if {"safe", "mrc"} <= set(ds):
        mrc = ds.mrc.values.astype(np.int64)
        expected = (
            mrc[..., MUSCLES.index("shoulder_abduction")]
            + mrc[..., MUSCLES.index("finger_extension")]
        )
        if not np.array_equal(expected, ds.safe.values):
            out.append("safe: differs from MRC shoulder abduction + finger extension")
    for name in ("mas_elbow", "mas_wrist"):
        if name in ds and not np.isin(ds[name].values, MAS_GRADES).all():
            bad = ds[name].values[~np.isin(ds[name].values, MAS_GRADES)]
            out.append(f"{name}: not a Modified Ashworth code, e.g. {_example(bad)}")
    if "mep_present" in ds:
        present = ds.mep_present.values.astype(bool)
        for name in _NAN_WITHOUT_MEP:
            if name in ds and not np.array_equal(np.isnan(ds[name].values), ~present):
                out.append(f"{name}: must be NaN exactly when no MEP is present")
        if "mep_amplitude_mv" in ds:
            amplitude = ds.mep_amplitude_mv.values
            if np.any(amplitude[~present] != 0):
                out.append("mep_amplitude_mv: must be 0 when no MEP is present")
    return out


def dataset_violations(ds: xr.Dataset, variables: Iterable[str] | None = None) -> list[str]:
    """Every broken rule of ``docs/dataset.md`` in a simulation result.

    Checks value ranges (of variables and per-patient coordinates), finiteness
    (NaN allowed only in ``rmt_percent`` and ``ihi_ratio``, exactly where no MEP
    is present), totals equal to item sums,
    SAFE = MRC shoulder abduction + finger extension, the ARAT hierarchical
    shortcut, FMA-UE reflex items and the 'normal reflex activity' rule, and
    Modified Ashworth codes.

    Parameters
    ----------
    ds
        A dataset from :func:`strokesim.simulate` (or a subset of its variables).
    variables
        Restrict the range checks to these variables (default: all present).

    Returns
    -------
    list of str
        One line per violation; empty when the dataset is valid.
    """
    names = list(ds.data_vars) if variables is None else list(variables)
    out = _range_violations(ds, names)
    if variables is None:
        out += _rule_violations(ds)
    return out


def assert_same_result(got: xr.Dataset, want: xr.Dataset) -> None:
    """Assert two simulation results agree patient by patient.

    Integer and boolean variables (every clinical score, MEP status) and all
    coordinates must be identical. Float variables may differ by float round-off
    (relative 1e-5, absolute 1e-6): a patient computed at another place of its
    compute block, or on an accelerator in another batch shape, can be rounded
    differently in the last bits (a cortical activity off by 1e-7 relative has been
    seen). NaN equals NaN.

    Raises
    ------
    AssertionError
        Naming the first variable that differs.
    """
    assert list(got.patient.values) == list(want.patient.values), "patients differ"
    assert set(got.data_vars) == set(want.data_vars), "variables differ"
    for name in want.data_vars:
        a, b = got[name].values, want[name].values
        assert a.dtype == b.dtype, f"{name}: dtype {a.dtype} != {b.dtype}"
        if np.issubdtype(a.dtype, np.floating):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=name)
        else:
            np.testing.assert_array_equal(a, b, err_msg=name)
    for name in want.coords:
        np.testing.assert_array_equal(got[name].values, want[name].values, err_msg=name)
