"""Between-patient spread of the default cohort (issue 23 item 4), with V1–V4 and V10.

Usage::

    python calibration/spread_report.py [--n 300] [--seed 0] [--out FILE.md]

Runs the validation battery's natural history (usual care, 180 days) once for
``--n`` patients and reports, from its day-3 and day-180 FMA-UE
(:func:`strokesim.validate.spread.spread_figures`): the share at the ceiling of 66,
the variance of day-180 FMA-UE explained by day-3 FMA-UE, and the day-180
distribution of the patients who start at FMA-UE ≤ 10; then the battery's table for
the targets that read the same run (V1–V4, V10), which are sensitive to the spread.
At ``--n 300`` it takes a few minutes on 2 CPU cores. Nothing here changes the
registry.
"""

from __future__ import annotations

import os
import sys

import numpy as np
from study_cli import study_main  # calibration/ is on the path of its scripts

import strokesim  # noqa: F401  (sets the XLA device count before JAX loads)
from strokesim.validate.battery import run_battery
from strokesim.validate.metrics_core import format_results_table
from strokesim.validate.spread import (
    SEVERE_START_MAX_FMA,
    SOME_CAPACITY_MIN_FMA,
    spread_figures,
)

#: The battery targets that read the natural history the spread is measured on.
TARGETS = "V1,V2,V3,V4,V10"


def run(n: int, seed: int) -> list[str]:
    """Simulate the cohort and return the Markdown report."""
    result = run_battery(n, seed, only=TARGETS)
    inputs = result.data["V1"].inputs
    fig = spread_figures(inputs["fma0"], inputs["fma180"])
    arrays = os.environ.get("STROKESIM_SPREAD_ARRAYS")
    if arrays:  # per-patient inputs for a closer look (np.savez, one array per input)
        np.savez(arrays, **{k: np.asarray(v) for k, v in inputs.items()})
    cut = SEVERE_START_MAX_FMA
    return [
        f"# Between-patient spread, n = {n}, seed {seed} (usual care)",
        "",
        "| figure | value |",
        "|---|---|",
        f"| share at FMA-UE 66 on day 180 | {fig.share_at_ceiling:.3f} |",
        f"| R² of day-180 on day-3 FMA-UE | {fig.r2_day3:.3f} |",
        f"| patients with day-3 FMA-UE ≤ {cut} | {fig.n_severe} |",
        f"| their R² of day-180 on day-3 FMA-UE | {fig.severe_r2_day3:.3f} |",
        f"| their day-180 FMA-UE, mean ± SD | {fig.severe_mean:.1f} ± {fig.severe_sd:.1f} |",
        f"| their day-180 quantiles 10/25/50/75/90% | {fig.severe_q10:.0f} / "
        f"{fig.severe_q25:.0f} / {fig.severe_median:.0f} / {fig.severe_q75:.0f} / "
        f"{fig.severe_q90:.0f} |",
        f"| their share regaining ≥ 30% of 66 − FMA0 (fitters) | {fig.severe_fitter_share:.3f} |",
        f"| their share at day-180 FMA-UE ≥ {SOME_CAPACITY_MIN_FMA} | "
        f"{fig.severe_some_capacity_share:.3f} |",
        f"| their bimodality coefficient (> 0.555: two clusters) | {fig.severe_bimodality:.3f} |",
        "",
        format_results_table(result.results),
        "",
        f"({result.settings['total_seconds']} s)",
    ]


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    return study_main(
        argv,
        description="Between-patient spread of the default cohort, with V1–V4 and V10.",
        default_n=300,
        run=run,
    )


if __name__ == "__main__":
    sys.exit(main())
