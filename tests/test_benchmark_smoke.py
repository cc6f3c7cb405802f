"""The engine benchmark runs end to end on a tiny cohort (no timing assertions)."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_engine.py"


def _load():
    spec = importlib.util.spec_from_file_location("bench_engine", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_benchmark_core_runs_on_a_tiny_cohort() -> None:
    bench = _load()
    result = bench.run_benchmark(8, 5, 7, matmul_size=128)
    assert result.patients == 8 and result.days == 5 and result.chunk_size == 7
    for name in (
        "patient_days_per_s",
        "flops_per_patient_day",
        "matmul_flops_per_s",
        "fraction_of_matmul",
        "peak_rss_gib",
    ):
        value = getattr(result, name)
        assert math.isfinite(value) and value > 0, name
    assert result.flops_source in ("XLA cost analysis", "analytic estimate")
    if result.flops_source == "XLA cost analysis":
        assert result.bytes_per_patient_day > 0
    assert "bytes per patient-day" in bench.report(result)
    text = bench.report(result)
    assert "patient-days/s" in text and "goals" in text
    assert [row[0] for row in bench.goal_rows(result)] == [g[0] for g in bench.GOALS]
    assert bench.analytic_flops_per_patient_day() > 0
