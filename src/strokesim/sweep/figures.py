"""Figures of sweeps and sensitivity analyses (matplotlib, no pyplot, Agg canvas).

* :func:`sweep_figure`: each output against each factor, one panel per pair (the
  design points as dots, the mean per level or per tenth of the range as a line).
* :func:`sensitivity_figure`: first-order and total Sobol indices per factor as
  horizontal bars with their confidence intervals, one panel per output.

Both carry a caption (what is shown, how many points and patients, and that the
results are simulated, not clinical advice).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from strokesim.report._drawing import OKABE_ITO, add_caption, new_figure
from strokesim.sweep.spec import LoadedSweep, OutputSpec, ResolvedFactor

__all__ = ["sensitivity_figure", "sweep_figure"]

#: Panels drawn per output (the first factors of the spec beyond this are left out).
MAX_FACTOR_PANELS = 8
#: Outputs drawn (the first of the spec).
MAX_OUTPUT_ROWS = 4

_NOT_ADVICE = "Simulated virtual patients; research software, not clinical advice."


def _factor_label(f: ResolvedFactor) -> str:
    return f"{f.name} ({f.unit})"


def _binned_mean(x: np.ndarray, y: np.ndarray, integer: bool) -> tuple[np.ndarray, np.ndarray]:
    levels = np.unique(x)
    if len(levels) <= 12:
        return levels, np.array([np.nanmean(y[x == v]) for v in levels])
    edges = np.linspace(x.min(), x.max(), 11)
    which = np.clip(np.digitize(x, edges) - 1, 0, 9)
    centres = 0.5 * (edges[:-1] + edges[1:])
    keep = [k for k in range(10) if np.any(which == k)]
    return centres[keep], np.array([np.nanmean(y[which == k]) for k in keep])


def sweep_figure(loaded: LoadedSweep, summary: pd.DataFrame, design_kind: str) -> Figure:
    """Each output's cohort statistic against each factor, over the design points."""
    factors = list(loaded.factors[:MAX_FACTOR_PANELS])
    outputs: list[OutputSpec] = list(loaded.spec.output[:MAX_OUTPUT_ROWS])
    figure, axes = new_figure(
        (3.2 * len(factors) + 0.6, 2.8 * len(outputs) + 0.4), len(outputs), len(factors)
    )
    for i, out in enumerate(outputs):
        y = summary[out.column].to_numpy(np.float64)
        for j, f in enumerate(factors):
            ax = axes[i * len(factors) + j]
            x = summary[f.name].to_numpy(np.float64)
            ax.scatter(x, y, s=8, color=OKABE_ITO[1], alpha=0.5, linewidths=0)
            bx, by = _binned_mean(x, y, f.integer)
            ax.plot(bx, by, color=OKABE_ITO[5], lw=1.8)
            ax.set_xlabel(_factor_label(f), fontsize=9)
            if j == 0:
                ax.set_ylabel(out.label(), fontsize=9)
            ax.grid(alpha=0.3)
            ax.tick_params(labelsize=8)
    n = loaded.spec.cohort.n
    left_out = len(loaded.factors) - len(factors)
    more = f" ({left_out} more factors not drawn)" if left_out > 0 else ""
    add_caption(
        figure,
        f"Sweep '{loaded.spec.name}': {len(summary)} design points ({design_kind}), each the "
        f"same {n} virtual patients (common random numbers) under protocol "
        f"{loaded.protocol.name} for {loaded.spec.cohort.days} days. Dots: design points; "
        f"line: mean per level (or per tenth of the range){more}. {_NOT_ADVICE}",
    )
    return figure


def sensitivity_figure(
    indices: pd.DataFrame,
    outputs: Sequence[OutputSpec],
    *,
    points: int,
    samples: int,
    n_per_point: int,
    confidence: float,
    title: str,
) -> Figure:
    """Horizontal bars of S1 and ST per factor with their confidence intervals."""
    outputs = list(outputs[:MAX_OUTPUT_ROWS])
    n_factors = indices["factor"].nunique()
    figure, axes = new_figure((7.5, (0.32 * n_factors + 1.4) * len(outputs) + 0.6), len(outputs), 1)
    for ax, out in zip(axes, outputs, strict=True):
        table = indices[indices["output"] == out.column].sort_values("ST", ascending=True)
        y = np.arange(len(table))
        for offset, key, colour, label in (
            (-0.2, "S1", OKABE_ITO[1], "first order S1"),
            (0.2, "ST", OKABE_ITO[5], "total ST"),
        ):
            est = table[key].to_numpy()
            err = np.vstack([est - table[f"{key}_low"], table[f"{key}_high"] - est])
            ax.barh(y + offset, est, height=0.38, color=colour, label=label)
            ax.errorbar(est, y + offset, xerr=err, fmt="none", ecolor="black", lw=0.8, capsize=2)
        ax.set_yticks(y, table["factor"], fontsize=8)
        ax.axvline(0, color="black", lw=0.6)
        ax.set_xlabel(f"Sobol index of {out.label()} (share of variance)", fontsize=9)
        ax.grid(axis="x", alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
        ax.set_title(title, fontsize=10)
    add_caption(
        figure,
        f"Sobol sensitivity indices (SALib, Saltelli design): {samples} base samples × "
        f"({n_factors} factors + 2) = {points} design points, each the same {n_per_point} "
        f"virtual patients (common random numbers). Bars: estimates; whiskers: "
        f"{confidence:.0%} bootstrap confidence intervals. {_NOT_ADVICE}",
    )
    return figure
