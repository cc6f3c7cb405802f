"""Effects of named protocols against usual care in counterfactual twins, by severity band.

Every patient of a default virtual cohort is run under usual care and under each
protocol from the same snapshot (taken on the first day the protocols differ);
the paired difference in FMA-UE on chosen days is summarised by LEAPS band of
FMA-UE at day 3 (mild ≥ 43, moderate 29–42, severe ≤ 28).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from strokesim.branching import run_arms, snapshot
from strokesim.cohort.population import sample_population
from strokesim.compare import divergence_day
from strokesim.simulate import Record, VirtualPatients
from strokesim.stats import mean_ci
from strokesim.therapy.library import usual_care
from strokesim.therapy.schema import Protocol

__all__ = ["BANDS", "protocol_effects", "severity_band"]

#: LEAPS severity bands of FMA-UE (VALIDATION.md conventions).
BANDS = {"mild": (43, 66), "moderate": (29, 42), "severe": (0, 28)}


def severity_band(fma0: np.ndarray) -> np.ndarray:
    """Band name of each FMA-UE value at day 3."""
    return np.select([fma0 >= 43, fma0 >= 29], ["mild", "moderate"], "severe")


def protocol_effects(
    protocols: Mapping[str, Protocol],
    *,
    n: int = 300,
    seed: int = 0,
    days: Sequence[int] = (90, 180),
    params: dict[str, float] | None = None,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Mean paired ΔFMA-UE (protocol − usual care) with 95% CI per band and day."""
    ids = [f"twin{i:05d}" for i in range(n)]
    vp = VirtualPatients.from_population(sample_population(ids, seed, params=params))
    reference = usual_care()
    arms = {"usual_care": reference, **{k: v for k, v in protocols.items() if k != "usual_care"}}
    last = max(days)
    branch = min(divergence_day([reference, p], last) for p in arms.values())
    branch = max(min(branch, 3), 0)  # day 3 is the baseline assessment, before any therapy
    snap = snapshot(vp, reference, day=branch, seed=seed, params=params)
    record = Record(tuple(sorted({3, *days})))
    rows = []
    base = None
    for name, protocol in arms.items():
        if progress is not None:
            progress(name)
        ds = run_arms(snap, {name: protocol}, days=last, record=record)
        fma = ds.fma_ue.isel(arm=0)
        if base is None:
            base = fma
            band = severity_band(fma.sel(day=3).values)
            continue
        for day in days:
            diff = (fma.sel(day=day) - base.sel(day=day)).values.astype(float)
            for label in BANDS:
                values = diff[band == label]
                if values.size < 2:
                    continue
                est = mean_ci(values)
                low, high = est.ci
                rows.append(
                    {
                        "protocol": name,
                        "day": day,
                        "band": label,
                        "n": values.size,
                        "mean_delta_fma": est.mean,
                        "ci_low": low,
                        "ci_high": high,
                    }
                )
    return pd.DataFrame(rows)
