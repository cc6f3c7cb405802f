"""The demo: four representative patients, their report, and the example files."""

from __future__ import annotations

from pathlib import Path

import pytest
import xarray as xr

from strokesim.demo import (
    DEMO_FILES,
    DEMO_PATIENTS,
    ENSEMBLE_SIZE,
    DemoResult,
    ensemble_specs,
    run_demo,
)
from strokesim.io import read_results
from strokesim.patient import load_patients
from strokesim.report import DISCLAIMER

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "patients"
DEMO_EXAMPLES = {
    "A-mild": "mild.toml",
    "B-moderate": "moderate.toml",
    "C-severe-MEP-pos": "severe_mep_positive.toml",
    "D-severe-MEP-neg": "severe_mep_negative.toml",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("demo"), days=60, seed=0)


def test_demo_writes_every_file(demo: DemoResult) -> None:
    assert [p.name for p in demo.files] == list(DEMO_FILES)
    for path in demo.files:
        assert path.stat().st_size > 0, path


def test_report_has_disclaimer_and_patients(demo: DemoResult) -> None:
    report = demo.files[DEMO_FILES.index("report.html")].read_text(encoding="utf-8")
    assert DISCLAIMER in report
    for patient in DEMO_PATIENTS:
        assert patient.spec.id in report


def test_result_file_reads_back(demo: DemoResult) -> None:
    ds = read_results(demo.files[DEMO_FILES.index("demo.nc")])
    assert list(ds["patient"].values) == [p.spec.id for p in DEMO_PATIENTS]
    assert int(ds["day"].values[-1]) == 60


def test_each_demo_patient_is_an_ensemble_around_its_representative(demo: DemoResult) -> None:
    ensemble = demo.ensemble
    assert ensemble is not None
    ids = [p.spec.id for p in DEMO_PATIENTS]
    sources = ensemble["source_patient"].values.astype(str)
    assert {pid: int((sources == pid).sum()) for pid in ids} == dict.fromkeys(ids, ENSEMBLE_SIZE)
    # the representatives are members, with the very course of the demo dataset
    xr.testing.assert_equal(
        ensemble["fma_ue"].sel(patient=ids).drop_vars("source_patient", errors="ignore"),
        demo.dataset["fma_ue"].drop_vars("source_patient", errors="ignore"),
    )
    # replicates share the description but not the draws: their courses differ
    for pid in ids:
        courses = ensemble["fma_ue"].values[sources == pid]
        assert len({tuple(course) for course in courses}) > ENSEMBLE_SIZE // 2, pid
    written = read_results(demo.files[DEMO_FILES.index("demo_ensemble.nc")])
    assert written.sizes["patient"] == ENSEMBLE_SIZE * len(ids)


def test_ensemble_specs_share_the_description() -> None:
    specs = ensemble_specs(3)
    assert len(specs) == 3 * len(DEMO_PATIENTS) and len({s.id for s in specs}) == len(specs)
    for index, patient in enumerate(DEMO_PATIENTS):
        group = specs[3 * index : 3 * index + 3]
        assert group[0] == patient.spec
        for copy in group[1:]:
            assert copy.model_dump(exclude={"id"}) == patient.spec.model_dump(exclude={"id"})


def test_report_figures_show_bands_with_captions(demo: DemoResult) -> None:
    from strokesim.report.plots import SIMULATED_NOTE

    report = demo.files[DEMO_FILES.index("report.html")].read_text(encoding="utf-8")
    captions = report.split("<figcaption>")[1:]
    assert len(captions) == 4
    for caption in captions:
        assert SIMULATED_NOTE in caption
        assert "50%" in caption and "10–90%" in caption and "representative" in caption
        assert f"{ENSEMBLE_SIZE}" in caption
    assert "As intended" in report and "median [10–90%]" in report


def test_severe_mep_negative_ends_below_mep_positive_patients(demo: DemoResult) -> None:
    last = demo.dataset["fma_ue"].isel(day=-1)
    mep_negative = int(last.sel(patient="D-severe-MEP-neg"))
    for patient in ("A-mild", "C-severe-MEP-pos"):
        assert mep_negative < int(last.sel(patient=patient)), patient


def test_demo_patients_land_in_their_intended_profile(demo: DemoResult) -> None:
    missed = demo.table.loc[demo.table["As intended"] != "yes"]
    assert missed.empty, (
        "demo patients no longer match their day-3 profile at seed 0; re-tune the lesions "
        f"in src/strokesim/demo.py and examples/patients/:\n{missed.to_string()}"
    )


@pytest.mark.parametrize("patient", DEMO_PATIENTS, ids=lambda p: p.spec.id)
def test_example_files_are_the_demo_patients(patient) -> None:
    (spec,) = load_patients(EXAMPLES / DEMO_EXAMPLES[patient.spec.id])
    assert spec == patient.spec


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.name)
def test_every_example_patient_file_loads(path: Path) -> None:
    assert load_patients(path)


def test_demo_command(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from strokesim.cli import DISCLAIMER as CLI_DISCLAIMER
    from strokesim.cli import app

    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path), "--days", "60"])
    assert result.exit_code == 0, result.output
    for patient in DEMO_PATIENTS:
        assert patient.spec.id in result.stdout
    assert f"wrote {tmp_path / 'report.html'}" in result.stdout
    assert CLI_DISCLAIMER in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(DEMO_FILES)
