"""Compare protocols on the same virtual patients (counterfactual twins).

The patients are simulated once up to the first day on which the protocols
differ; that snapshot is then branched into every arm, so differences between
arms come from the protocols alone, not from different lesions or noise.
For a clinically described patient the comparison runs over each plausible
lesion, giving an uncertainty band.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.figure import Figure

from strokesim.branching import run_arms, snapshot
from strokesim.errors import UserInputError
from strokesim.patient import PatientSpec
from strokesim.report._drawing import add_caption
from strokesim.report.plots import SIMULATED_NOTE
from strokesim.report.scales import scale_for
from strokesim.simulate import Record, simulate
from strokesim.therapy.schedule import compile_protocol
from strokesim.therapy.schema import Protocol

__all__ = ["compare_protocols", "comparison_figure", "comparison_table", "divergence_day"]


def divergence_day(protocols: Sequence[Protocol], days: int) -> int:
    """First day on which the compiled inputs of the protocols differ (``days`` if never)."""
    compiled = [compile_protocol(p, days + 1) for p in protocols]
    first = days
    for other in compiled[1:]:
        for a, b in zip(compiled[0], other, strict=True):
            diff = np.any(a != b, axis=tuple(range(1, a.ndim)))
            if diff.any():
                first = min(first, int(np.argmax(diff)))
    return first


def compare_protocols(
    patients: Sequence[PatientSpec],
    protocols: Mapping[str, Protocol],
    *,
    days: int = 180,
    record: Record | None = None,
    seed: int = 0,
    n_lesion_samples: int = 16,
    params: dict[str, float] | None = None,
) -> xr.Dataset:
    """Run every protocol on the same virtual patients; returns a Dataset with dim ``arm``."""
    if len(protocols) < 2:
        raise UserInputError("protocols", "give at least two protocols to compare")
    branch = divergence_day(list(protocols.values()), days)
    record = record or Record.default(days)
    after = Record(tuple(d for d in record.days if d >= branch) or (days,))
    first = next(iter(protocols.values()))
    snap = snapshot(
        patients, first, day=branch, seed=seed, params=params, n_lesion_samples=n_lesion_samples
    )
    ds = run_arms(snap, protocols, days=days, record=after)
    before = tuple(d for d in record.days if d < branch)
    if before:
        # the shared course before the branch: same patients, seed and protocol, so it
        # is the history of every arm
        shared = simulate(
            snap.patients, first, days=branch, record=Record(before), seed=seed, params=params
        )
        shared = xr.concat([shared] * ds.sizes["arm"], dim="arm").assign_coords(arm=ds.arm)
        ds = xr.concat(
            [shared, ds],
            dim="day",
            data_vars="minimal",
            coords="minimal",
            compat="override",
            combine_attrs="override",
        )
    return ds.assign_attrs(branch_day=branch)


def comparison_table(ds: xr.Dataset, variable: str = "fma_ue") -> pd.DataFrame:
    """Per source patient and arm: the last day's median and 10–90% band, and paired Δ.

    Δ is the paired difference with the first arm over the patient's plausible
    lesions (median and 10–90% band).
    """
    last = ds[variable].isel(day=-1)
    reference = last.isel(arm=0)
    rows = []
    for source in dict.fromkeys(ds.source_patient.values):
        mask = ds.source_patient.values == source
        for arm in ds.arm.values:
            values = last.sel(arm=arm).values[mask].astype(float)
            gain = values - reference.values[mask].astype(float)
            rows.append(
                {
                    "patient": source,
                    "arm": arm,
                    "median": np.median(values),
                    "10%": np.percentile(values, 10),
                    "90%": np.percentile(values, 90),
                    "Δ median": np.median(gain),
                    "Δ 10%": np.percentile(gain, 10),
                    "Δ 90%": np.percentile(gain, 90),
                }
            )
    return pd.DataFrame(rows)


def comparison_figure(ds: xr.Dataset, variable: str = "fma_ue") -> Figure:
    """Median trajectory and 10–90% band of each arm, one panel per source patient."""
    sources = list(dict.fromkeys(ds.source_patient.values))
    fig = Figure(figsize=(6.0 * min(len(sources), 3), 4.2), layout="constrained")
    axes = fig.subplots(1, min(len(sources), 3), squeeze=False)[0]
    colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
    days = ds.day.values
    for ax, source in zip(axes, sources, strict=False):
        mask = ds.source_patient.values == source
        for i, arm in enumerate(ds.arm.values):
            values = ds[variable].sel(arm=arm).values[mask].astype(float)
            colour = colours[i % len(colours)]
            ax.plot(days, np.median(values, axis=0), color=colour, label=str(arm), lw=2)
            ax.fill_between(
                days,
                np.percentile(values, 10, axis=0),
                np.percentile(values, 90, axis=0),
                color=colour,
                alpha=0.18,
            )
        ax.set_title(str(source), fontsize=11)
        ax.set_xlabel("days since stroke onset")
        ax.set_ylabel("FMA-UE (points, 0–66)" if variable == "fma_ue" else variable)
        if variable == "fma_ue":
            ax.set_ylim(0, 66)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=9, loc="lower right")
    fig.suptitle(
        "Protocols compared on the same virtual patients (median, 10–90% band)", fontsize=11
    )
    sizes = sorted({int(np.sum(ds.source_patient.values == s)) for s in sources})
    n_text = f"{sizes[0]}" if len(sizes) == 1 else f"{sizes[0]}–{sizes[-1]}"
    shown = f" (the first 3 of {len(sources)})" if len(sources) > 3 else ""
    add_caption(
        fig,
        f"{scale_for(variable).title} over days since stroke onset under each protocol, "
        f"one panel per patient{shown}: line: median, band: 10–90% of the "
        f"{n_text} virtual patients (plausible lesions) of the panel, each run under every "
        f"protocol from the same state (counterfactual twins). {SIMULATED_NOTE}",
    )
    return fig
