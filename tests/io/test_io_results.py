"""Writing and reading results: formats, round trips, atomic writes, user errors."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import xarray as xr

from strokesim.errors import UserInputError
from strokesim.io import (
    atomic_write_bytes,
    atomic_write_text,
    ensure_writable,
    read_results,
    to_tidy_table,
    write_results,
)
from strokesim.model.anatomy import ARAT_ITEMS, FMA_ITEMS, HEMISPHERES, MUSCLES
from strokesim.report._demo_data import synthetic_dataset

N_PATIENTS, N_DAYS = 4, 8


@pytest.fixture
def dataset() -> xr.Dataset:
    return synthetic_dataset(n_patients=N_PATIENTS, seed=3)


def _files(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


# --- NetCDF ---------------------------------------------------------------------------


def test_netcdf_round_trip_keeps_values_dtypes_and_attrs(
    tmp_path: Path, dataset: xr.Dataset
) -> None:
    dataset.attrs.update(validated=True, options={"record": ["fma_ue"]}, note=None)
    dataset["fma_ue"].attrs.update(units="points", derived=False)
    out = write_results(dataset, tmp_path / "run.nc")
    back = read_results(out)
    xr.testing.assert_identical(back, dataset)
    for name, variable in dataset.variables.items():
        assert back[name].dtype.kind == variable.dtype.kind, name
    assert back.attrs["validated"] is True
    assert back.attrs["seed"] == 3 and type(back.attrs["seed"]) is int
    assert back["fma_ue"].attrs == {"units": "points", "derived": False}
    assert np.isnan(back["rmt_percent"].values).any()  # NaN survives (no-MEP patient)


def test_netcdf_write_does_not_touch_input_attrs(tmp_path: Path, dataset: xr.Dataset) -> None:
    dataset.attrs["flag"] = True
    write_results(dataset, tmp_path / "run.nc")
    assert dataset.attrs["flag"] is True
    assert "strokesim_encoded_attrs" not in dataset.attrs


# --- Parquet / CSV --------------------------------------------------------------------


def test_parquet_is_a_tidy_table(tmp_path: Path, dataset: xr.Dataset) -> None:
    out = write_results(dataset, tmp_path / "run.parquet")
    table = pq.read_table(out)
    frame = table.to_pandas()
    assert len(frame) == N_PATIENTS * N_DAYS
    assert list(frame.columns[:2]) == ["patient", "day"]
    assert frame[["patient", "day"]].drop_duplicates().shape[0] == N_PATIENTS * N_DAYS
    scalars = [name for name, var in dataset.data_vars.items() if var.dims == ("patient", "day")]
    coords = ["age", "nihss", "cst_lesion_load", "cortical_loss", "affected_side"]
    items = (
        [f"fma_item.{item}" for item in FMA_ITEMS]
        + [f"arat_item.{item}" for item in ARAT_ITEMS]
        + [f"mrc.{muscle}" for muscle in MUSCLES]
        + [f"cortical_activity.{side}" for side in HEMISPHERES]
    )
    assert set(frame.columns) == {"patient", "day", *coords, *scalars, *items}
    row = frame[(frame.patient == "P002") & (frame.day == 30)].iloc[0]
    assert row["fma_ue"] == int(dataset.fma_ue.sel(patient="P002", day=30))
    assert row["fma_item.grasp_pincer"] == int(
        dataset.fma_items.sel(patient="P002", day=30, fma_item="grasp_pincer")
    )
    assert row["age"] == float(dataset.age.sel(patient="P002"))
    assert frame["fma_ue"].dtype == np.int16 and frame["mep_present"].dtype == bool
    assert b"strokesim" in table.schema.metadata


def test_parquet_reads_back_to_a_dataset(tmp_path: Path, dataset: xr.Dataset) -> None:
    back = read_results(write_results(dataset, tmp_path / "run.parquet"))
    xr.testing.assert_equal(back, dataset)
    assert back.attrs == dataset.attrs
    assert list(back["patient"].values) == list(dataset["patient"].values)


def test_parquet_without_strokesim_metadata_gives_scalar_variables(
    tmp_path: Path, dataset: xr.Dataset
) -> None:
    path = tmp_path / "foreign.parquet"
    to_tidy_table(dataset).to_parquet(path, index=False)
    back = read_results(path)
    assert "fma_items" not in back
    np.testing.assert_array_equal(back["fma_ue"].values, dataset["fma_ue"].values)
    assert back["nihss"].dims == ("patient",)


def test_csv_has_the_same_table(tmp_path: Path, dataset: xr.Dataset) -> None:
    out = write_results(dataset, tmp_path / "run.csv")
    frame = pd.read_csv(out)
    expected = to_tidy_table(dataset)
    assert list(frame.columns) == list(expected.columns)
    assert len(frame) == N_PATIENTS * N_DAYS
    np.testing.assert_array_equal(frame["fma_ue"].to_numpy(), expected["fma_ue"].to_numpy())


def test_tidy_table_broadcasts_per_patient_variables() -> None:
    ds = synthetic_dataset(n_patients=2, days=[7, 90])
    ds["baseline_fma"] = ds["fma_ue"].isel(day=0, drop=True)
    table = to_tidy_table(ds)
    assert (
        list(table["baseline_fma"]) == [ds.fma_ue.values[0, 0]] * 2 + [ds.fma_ue.values[1, 0]] * 2
    )


# --- user errors and atomicity -------------------------------------------------------


@pytest.mark.parametrize("name", ["run.xlsx", "run", "run.nc.bak"])
def test_unknown_suffix_is_a_user_error(tmp_path: Path, dataset: xr.Dataset, name: str) -> None:
    with pytest.raises(UserInputError, match=r"must end in \.nc, \.parquet or \.csv") as caught:
        write_results(dataset, tmp_path / name)
    assert caught.value.field == "--out"
    assert _files(tmp_path) == []


def test_missing_directory_is_a_user_error(tmp_path: Path, dataset: xr.Dataset) -> None:
    target = tmp_path / "no_such_dir" / "run.nc"
    with pytest.raises(UserInputError, match="does not exist") as caught:
        write_results(dataset, target)
    assert caught.value.field == "--out"
    assert str(target) in str(caught.value)
    assert _files(tmp_path) == []


def test_parent_that_is_a_file_is_a_user_error(tmp_path: Path, dataset: xr.Dataset) -> None:
    (tmp_path / "plain").write_text("x")
    with pytest.raises(UserInputError, match="not a directory"):
        write_results(dataset, tmp_path / "plain" / "run.csv")


def test_unwritable_directory_is_a_user_error(
    tmp_path: Path, dataset: xr.Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    # chmod cannot stop root, so the permission check itself is simulated.
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda path, mode: False if Path(path) == locked else real_access(path, mode)
    )
    with pytest.raises(UserInputError, match="not writable") as caught:
        write_results(dataset, locked / "run.parquet", field="--results")
    assert caught.value.field == "--results"
    assert _files(locked) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_directory_is_a_user_error(tmp_path: Path, dataset: xr.Dataset) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with pytest.raises(UserInputError, match="not writable"):
            write_results(dataset, locked / "run.nc")
    finally:
        locked.chmod(0o755)


@pytest.mark.parametrize("suffix", [".nc", ".parquet", ".csv"])
def test_failure_mid_write_leaves_no_file(
    tmp_path: Path, dataset: xr.Dataset, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    def half_write_then_fail(*args: object, **kwargs: object) -> None:
        target = next(arg for arg in args if isinstance(arg, str | Path))
        Path(target).write_bytes(b"partial")
        raise RuntimeError("simulated crash")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", half_write_then_fail)
    monkeypatch.setattr(pq, "write_table", half_write_then_fail)
    monkeypatch.setattr(pd.DataFrame, "to_csv", half_write_then_fail)
    with pytest.raises(RuntimeError, match="simulated crash"):
        write_results(dataset, tmp_path / f"run{suffix}")
    assert _files(tmp_path) == []


def test_failed_overwrite_keeps_the_previous_file(
    tmp_path: Path, dataset: xr.Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "run.csv"
    write_results(dataset, target)
    before = target.read_bytes()

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", disk_full)
    with pytest.raises(UserInputError, match="No space left on device"):
        write_results(dataset, target)
    assert target.read_bytes() == before
    assert _files(tmp_path) == ["run.csv"]


def test_read_results_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="file not found"):
        read_results(tmp_path / "absent.nc")
    with pytest.raises(UserInputError, match=r"\.nc or \.parquet"):
        read_results(tmp_path / "run.csv")
    garbage = tmp_path / "garbage.nc"
    garbage.write_bytes(b"not netcdf")
    with pytest.raises(UserInputError, match="not a readable strokesim NetCDF file") as caught:
        read_results(garbage)
    assert caught.value.field == str(garbage)


# --- atomic helpers -------------------------------------------------------------------


def test_atomic_text_and_bytes(tmp_path: Path) -> None:
    assert atomic_write_text(tmp_path / "a.txt", "héllo").read_text(encoding="utf-8") == "héllo"
    assert atomic_write_bytes(tmp_path / "b.bin", b"\x00\x01").read_bytes() == b"\x00\x01"
    atomic_write_text(tmp_path / "a.txt", "again")
    assert (tmp_path / "a.txt").read_text() == "again"
    assert _files(tmp_path) == ["a.txt", "b.bin"]


def test_atomic_write_uses_normal_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        out = atomic_write_text(tmp_path / "a.txt", "x")
    finally:
        os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o644


def test_ensure_writable_rejects_directory_target(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="existing directory") as caught:
        ensure_writable(tmp_path, field="--report")
    assert caught.value.field == "--report"


def test_netcdf_rewrite_of_a_read_dataset(tmp_path: Path, dataset: xr.Dataset) -> None:
    dataset.attrs["seed"] = 2**70  # wider than any HDF5 integer: kept as JSON text
    first = read_results(write_results(dataset, tmp_path / "a.nc"))
    second = read_results(write_results(first.isel(day=slice(0, 3)), tmp_path / "b.nc"))
    xr.testing.assert_identical(second, dataset.isel(day=slice(0, 3)))
    assert second.attrs["seed"] == 2**70


def test_public_names_are_exported() -> None:
    import strokesim.io

    for name in strokesim.io.__all__:
        assert hasattr(strokesim.io, name), name
    assert {"read_toml", "reject_nan", "write_results", "read_results"} <= set(strokesim.io.__all__)
