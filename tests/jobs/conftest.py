"""Shared small runs of the job tests: 40 patients, 20 days, so compiled programs are reused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from strokesim.cohort.population import sample_population
from strokesim.simulate import VirtualPatients
from strokesim.summary import summary_record
from strokesim.testing.patients_file import patients_toml

N_PATIENTS = 40
DAYS = 20
SEED = 7
RECORD_DAYS = summary_record(DAYS).days


@pytest.fixture(scope="session")
def patients() -> VirtualPatients:
    """40 patients of the default population (lesions of every severity)."""
    ids = [f"job-{index:03d}" for index in range(N_PATIENTS)]
    return VirtualPatients.from_population(sample_population(ids, SEED))


def write_patients(folder: Path, n: int = N_PATIENTS) -> Path:
    path = folder / "patients.toml"
    path.write_text(patients_toml(n), encoding="utf-8")
    return path


def assert_identical(a: xr.Dataset, b: xr.Dataset) -> None:
    """Same patients, coordinates and variables, bitwise (NaN where undefined, e.g. no MEP)."""
    assert list(a["patient"].values) == list(b["patient"].values)
    assert set(a.data_vars) == set(b.data_vars)
    for name in a.variables:
        left, right = a[name].values, b[name].values
        assert left.dtype == right.dtype, name
        assert np.array_equal(left, right, equal_nan=left.dtype.kind == "f"), name
