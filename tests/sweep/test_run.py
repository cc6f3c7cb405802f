"""A tiny grid sweep: each row equals its design point run alone; resume skips finished chunks."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from strokesim.errors import UserInputError
from strokesim.jobs.manifest import load_manifest
from strokesim.jobs.store import PARTS
from strokesim.simulate import Record, simulate
from strokesim.sweep import run as sweep_run
from strokesim.sweep.design import build_design
from strokesim.sweep.run import (
    base_parameters,
    point_patients,
    point_protocol,
    read_sweep_rows,
    run_sweep,
    summarise,
)
from strokesim.sweep.spec import LoadedSweep


def test_rows_equal_each_point_run_alone(tiny: LoadedSweep, tiny_run: Path) -> None:
    design = build_design(tiny.factors, tiny.spec.design)
    rows = read_sweep_rows(tiny_run)
    n = tiny.spec.cohort.n
    assert len(design) == 4
    assert list(rows["point"]) == [p for p in range(4) for _ in range(n)]
    assert list(rows["patient"]) == list(range(n)) * 4
    differ = set()
    for point, values in enumerate(design.to_dict("records")):
        alone = simulate(
            point_patients(tiny, values),
            point_protocol(tiny, values),
            days=tiny.spec.cohort.days,
            record=Record((20,)),
            seed=tiny.spec.cohort.seed,
            rater_noise=tiny.spec.cohort.rater_noise,
            chunk_size=n,
            params={**base_parameters(tiny), "plasticity_peak": values["plasticity_peak"]},
        ).sel(day=20)
        mine = rows[rows["point"] == point]
        # integer scores bitwise; float outputs within float32 rounding of another batching
        assert np.array_equal(mine["fma_ue_day20"].to_numpy(), alone.fma_ue.values)
        assert mine["fma_ue_day20"].dtype == alone.fma_ue.dtype
        np.testing.assert_allclose(mine["grip_kg_day20"], alone.grip_kg.values, rtol=1e-6)
        differ.add(tuple(alone.fma_ue.values))
    assert len(differ) > 1, "the factors must change the outcome for this test to mean much"


def test_summary_has_one_row_per_point(tiny: LoadedSweep, tiny_run: Path) -> None:
    design = build_design(tiny.factors, tiny.spec.design)
    rows = read_sweep_rows(tiny_run)
    summary = summarise(tiny, design, rows)
    assert list(summary.columns[:3]) == ["point", *design.columns]
    assert len(summary) == len(design)
    first = rows[rows["point"] == 2]["fma_ue_day20"].mean()
    assert summary.loc[2, "fma_ue_day20_mean"] == pytest.approx(first)
    assert (summary["n_patients"] == tiny.spec.cohort.n).all()


def test_resume_skips_finished_chunks(
    tiny: LoadedSweep, tiny_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "run"
    shutil.copytree(tiny_run, folder)
    design = build_design(tiny.factors, tiny.spec.design)
    (folder / PARTS / "part-00001.parquet").unlink()
    ran = []
    real = sweep_run.run_sweep_task

    def counting(task):
        ran.append(task.chunk.index)
        return real(task)

    monkeypatch.setattr(sweep_run, "run_sweep_task", counting)
    result = run_sweep(tiny, design, folder, resume=True)
    assert ran == [1] and result.ran == 1 and result.chunks == 3
    assert read_sweep_rows(folder).equals(read_sweep_rows(tiny_run))
    assert all(c["status"] == "done" for c in load_manifest(folder)["chunks"])
    ran.clear()
    assert run_sweep(tiny, design, folder, resume=True).ran == 0 and ran == []


def test_resume_refuses_another_design(tiny: LoadedSweep, tiny_run: Path, tmp_path: Path) -> None:
    folder = tmp_path / "run"
    shutil.copytree(tiny_run, folder)
    other = build_design(tiny.factors, tiny.spec.design).iloc[::-1].reset_index(drop=True)
    with pytest.raises(UserInputError, match="other settings"):
        run_sweep(tiny, other, folder, resume=True)
    with pytest.raises(UserInputError, match="--resume"):
        run_sweep(tiny, other, folder)


def test_resume_reports_the_finished_rows_first(
    tiny: LoadedSweep, tiny_run: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "run"
    shutil.copytree(tiny_run, folder)
    design = build_design(tiny.factors, tiny.spec.design)
    (folder / PARTS / "part-00000.parquet").unlink()
    calls: list[tuple[int, int]] = []
    result = run_sweep(tiny, design, folder, resume=True, progress=lambda *c: calls.append(c))
    days = tiny.spec.cohort.days
    total = len(design) * tiny.spec.cohort.n * days
    first = load_manifest(folder)["chunks"][0]
    rows_rerun = first["stop"] - first["start"]
    assert calls == [(total - rows_rerun * days, total), (total, total)]
    assert (result.ran, result.patient_days) == (1, rows_rerun * days)
    assert (
        load_manifest(folder)["chunks"][0]["sha256"]
        == load_manifest(tiny_run)["chunks"][0]["sha256"]
    )


def test_reading_a_changed_part_names_its_rows(tiny_run: Path, tmp_path: Path) -> None:
    folder = tmp_path / "run"
    shutil.copytree(tiny_run, folder)
    part = folder / PARTS / "part-00001.parquet"
    part.write_bytes(part.read_bytes()[:-10])
    entry = load_manifest(folder)["chunks"][1]
    rows = f"rows {entry['start']}–{entry['stop'] - 1}"
    with pytest.raises(UserInputError, match=rf"chunk 1 \({rows}\): part {part.name} is missing"):
        read_sweep_rows(folder)
