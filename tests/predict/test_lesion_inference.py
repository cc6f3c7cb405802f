"""Lesions sampled to match clinical findings (strokesim.predict.lesion_inference).

To share compiled shapes with the other tests (and keep the suite fast), the
candidate pool is cut from 768 to 64 and the findings are taken on day 10.
"""

from __future__ import annotations

import importlib
import subprocess
import sys

import numpy as np
import pytest

import strokesim.predict.lesion_inference as lesion_inference
from strokesim import simulate
from strokesim.model.parameters import model_parameters
from strokesim.patient import ClinicalDescriptors, PatientSpec
from strokesim.predict.lesion_inference import plausible_lesions
from strokesim.simulate import Record, VirtualPatients, assessment_findings

DAY = 10
N = 7
PARAMS = model_parameters()


@pytest.fixture(autouse=True)
def small_candidate_pool(monkeypatch) -> None:
    monkeypatch.setattr(lesion_inference, "CANDIDATES", 64)


def _spec(pid: str, **findings) -> PatientSpec:
    return PatientSpec(
        id=pid,
        age=68,
        affected_side="left",
        clinical=ClinicalDescriptors(assessed_day=DAY, **findings),
    )


def _resimulate(draw) -> object:
    """The kept lesions, simulated again without rater noise to the assessment day."""
    vp = VirtualPatients.from_population(draw)
    return simulate(vp, days=DAY, record=Record((3, DAY)), seed=0, rater_noise=False).sel(day=DAY)


@pytest.mark.parametrize(
    ("findings", "pid"),
    [
        ({"fma_ue": 35, "mep_present": True, "nihss": 8}, "moderate"),
        ({"fma_ue": 8, "mep_present": False}, "severe"),
    ],
)
def test_kept_lesions_are_consistent_with_the_findings(findings, pid) -> None:
    spec = _spec(pid, **findings)
    draw, nihss = plausible_lesions(spec, N, 0, PARAMS, assessment_findings)
    assert len(draw.patient_ids) == N == len(set(draw.patient_ids))
    assert all(i.startswith(f"{pid}~") for i in draw.patient_ids)
    np.testing.assert_array_equal(draw.age, np.float32(68))
    assert nihss.shape == (N,) and ((nihss >= 0) & (nihss <= 42)).all()
    if "nihss" in findings:
        assert (nihss == findings["nihss"]).all()

    at = _resimulate(draw)
    mep = at.mep_present.values
    assert (mep == findings["mep_present"]).sum() >= N - 1
    # closer to the observed FMA-UE than the prior the candidates came from
    prior = _resimulate(
        lesion_inference.sample_population(
            [f"{pid}~{j:04d}" for j in range(N)], 0, age=68, params=PARAMS
        )
    )
    kept_error = np.abs(at.fma_ue.values - findings["fma_ue"]).mean()
    prior_error = np.abs(prior.fma_ue.values - findings["fma_ue"]).mean()
    assert kept_error <= 8.0
    assert kept_error <= prior_error


def test_lesion_load_finding_pulls_the_kept_loads() -> None:
    low, _ = plausible_lesions(
        _spec("load-low", fma_ue=40, cst_lesion_load=0.1), N, 0, PARAMS, assessment_findings
    )
    high, _ = plausible_lesions(
        _spec("load-high", fma_ue=40, cst_lesion_load=0.7), N, 0, PARAMS, assessment_findings
    )
    assert np.median(low.cst_load) < np.median(high.cst_load)


def test_simulate_expands_a_clinical_patient_into_plausible_lesions() -> None:
    spec = _spec("clin", fma_ue=35, mep_present=True, nihss=8)
    ds = simulate([spec], days=DAY, record=Record((3, DAY)), seed=0, n_lesion_samples=N)
    assert ds.sizes["patient"] == N
    assert (ds.source_patient.values == "clin").all()
    assert all(str(i).startswith("clin~") for i in ds.patient.values)
    assert (ds.nihss.values == 8).all()
    assert (ds.affected_side.values == "left").all()
    assert (ds.age.values == 68).all()


def test_no_import_cycle_with_the_simulator() -> None:
    """The ABC does not import the simulator, and importing the simulator does not
    load the ABC (it is imported when a clinically described patient is resolved)."""
    code = (
        "import sys\n"
        "import strokesim.predict.lesion_inference\n"
        "assert 'strokesim.simulate' not in sys.modules, 'ABC imports the simulator'\n"
        "import strokesim.simulate\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
    code = (
        "import sys\n"
        "import strokesim.simulate\n"
        "assert 'strokesim.predict.lesion_inference' not in sys.modules\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_the_old_module_path_is_gone() -> None:
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("strokesim.lesion_inference")
