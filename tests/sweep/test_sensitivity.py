"""Sobol indices: the Ishigami function's known indices, and a tiny model design's shape."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from strokesim.sweep.design import saltelli_design
from strokesim.sweep.run import read_sweep_rows, run_sweep, summarise
from strokesim.sweep.sensitivity import ISHIGAMI_INDICES, indices_table, ishigami, sobol_indices
from strokesim.sweep.spec import ResolvedFactor, parse_sweep

from .conftest import tiny_spec

pytest.importorskip("SALib")


def _ishigami_factors() -> list[ResolvedFactor]:
    return [ResolvedFactor(f"x{i}", "model", -np.pi, np.pi, "1") for i in (1, 2, 3)]


def test_ishigami_indices_match_the_analytic_values() -> None:
    factors = _ishigami_factors()
    design = saltelli_design(factors, 2048, seed=1)
    assert design.shape == (2048 * 5, 3)
    table = sobol_indices(factors, ishigami(design.to_numpy()), resamples=200, seed=1)
    for key in ("S1", "ST"):
        np.testing.assert_allclose(table[key], ISHIGAMI_INDICES[key], atol=0.04)
        # the intervals cover the truth and are not absurdly wide
        assert np.all(table[f"{key}_low"] <= np.asarray(ISHIGAMI_INDICES[key]) + 0.02)
        assert np.all(table[f"{key}_high"] >= np.asarray(ISHIGAMI_INDICES[key]) - 0.02)
        assert np.all(table[f"{key}_high"] - table[f"{key}_low"] < 0.2)


@pytest.mark.parametrize("seed", [0, 5])
def test_the_intervals_are_reproducible_at_every_seed_including_0(seed: int) -> None:
    # SALib seeds its bootstrap only when the seed is truthy; 0 must not mean "unseeded"
    factors = _ishigami_factors()
    y = ishigami(saltelli_design(factors, 64, seed=1).to_numpy())
    first = sobol_indices(factors, y, resamples=50, seed=seed)
    second = sobol_indices(factors, y, resamples=50, seed=seed)
    assert first.equals(second)
    other = sobol_indices(factors, y, resamples=50, seed=seed + 1)
    assert not np.array_equal(first["S1_low"], other["S1_low"])


def test_sobol_indices_refuse_a_wrong_length() -> None:
    with pytest.raises(ValueError, match="Saltelli"):
        sobol_indices(_ishigami_factors(), np.zeros(7))


def test_tiny_model_design_gives_finite_indices(tmp_path: Path) -> None:
    loaded = parse_sweep(tiny_spec(cohort={"n": 2, "seed": 5, "days": 20}))
    design = saltelli_design(loaded.factors, 4, seed=0)
    assert design.shape == (4 * (2 + 2), 2)
    assert set(design["protocol.trials_per_session"]) <= set(range(32, 301))
    run_sweep(loaded, design, tmp_path / "run")
    summary = summarise(loaded, design, read_sweep_rows(tmp_path / "run"))
    columns = [o.column for o in loaded.spec.output]
    table = indices_table(loaded.factors, summary, columns, resamples=50)
    assert table.shape == (2 * len(columns), 8)
    assert list(table["factor"]) == [f.name for f in loaded.factors] * len(columns)
    values = table[["S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"]].to_numpy()
    assert np.all(np.isfinite(values))
    assert np.all(table["S1_low"] <= table["S1"]) and np.all(table["ST"] <= table["ST_high"])
