"""Sweeps and sensitivity analyses over registry parameters and protocol knobs.

A spec (``SWEEP.toml``, :mod:`strokesim.sweep.spec`) names factors, a design
(:mod:`strokesim.sweep.design`), a cohort and outputs; :func:`run_sweep` runs
every (design point, patient) row on the job layer's executors in batches that mix
points (per-patient parameters), streaming Parquet parts with a manifest so a run
resumes; :func:`summarise` gives one row per point. :mod:`strokesim.sweep.sensitivity`
computes Sobol indices with SALib (optional: ``strokesim[sensitivity]``).
"""

from __future__ import annotations

from strokesim.sweep.design import build_design, grid_design, saltelli_design
from strokesim.sweep.optional import SALIB_HINT, require_salib
from strokesim.sweep.run import read_sweep_rows, run_sweep, summarise
from strokesim.sweep.spec import LoadedSweep, load_sweep, parse_sweep

__all__ = [
    "SALIB_HINT",
    "LoadedSweep",
    "build_design",
    "grid_design",
    "load_sweep",
    "parse_sweep",
    "read_sweep_rows",
    "require_salib",
    "run_sweep",
    "saltelli_design",
    "summarise",
]
