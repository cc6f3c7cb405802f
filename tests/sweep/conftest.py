"""A tiny sweep shared by the sweep tests: 2 × 2 grid × 3 patients, 20 days, chunks of 4 rows.

Chunks of 4 rows mix design points (3 patients per point), so one compiled batch
serves several points; the sensitivity tests reuse the same compiled program
(same chunk size, factors, horizon and assessment days).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from strokesim.sweep.design import build_design
from strokesim.sweep.run import run_sweep
from strokesim.sweep.spec import LoadedSweep, parse_sweep

FACTORS = [
    {"name": "protocol.trials_per_session", "low": 32, "high": 300},
    {"name": "plasticity_peak", "low": 1.5, "high": 5.0},
]


def tiny_spec(**changes) -> dict:
    """The tiny spec as a document (``changes`` replace top-level entries)."""
    doc = {
        "name": "tiny",
        "chunk_size": 4,
        "design": {"kind": "grid", "levels": 2},
        "factor": [dict(f) for f in FACTORS],
        "cohort": {"n": 3, "seed": 5, "days": 20, "rater_noise": True},
        "output": [{"measure": "fma_ue", "day": 20}, {"measure": "grip_kg", "day": 20}],
    }
    doc.update(changes)
    return doc


@pytest.fixture(scope="session")
def tiny() -> LoadedSweep:
    return parse_sweep(tiny_spec())


@pytest.fixture(scope="session")
def tiny_run(tiny: LoadedSweep, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny sweep run once into a run folder (4 points × 3 patients = 12 rows, 3 chunks)."""
    folder = tmp_path_factory.mktemp("sweep") / "run"
    run_sweep(tiny, build_design(tiny.factors, tiny.spec.design), folder)
    return folder
