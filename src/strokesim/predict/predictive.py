"""Posterior predictive courses: bands over the horizon, draws table, figure.

The predicted values are the model's noise-free scores under usual care
(``fma_ue``, ``arat``, ``paretic_dexterity`` when the simulator provides it, and
amount of use: ``mal_amount`` and ``paretic_use_fraction``), summarised by
weighted quantiles of the posterior particles: the 50%, 80% and 95% central
intervals and the median.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from strokesim.predict.comparators import Baselines
from strokesim.predict.posterior import Posterior
from strokesim.predict.record import PatientRecord

__all__ = [
    "BANDS",
    "PREDICTED",
    "draws_table",
    "predictive_figure",
    "predictive_table",
    "summary_at",
]

#: Central interval levels reported.
BANDS: tuple[float, ...] = (0.50, 0.80, 0.95)
#: Predicted variables, in display order (those the simulator gives are shown).
PREDICTED: dict[str, str] = {
    "fma_ue": "FMA-UE (0–66)",
    "arat": "ARAT (0–57)",
    "paretic_dexterity": "Paretic dexterity (0–100)",
    "mal_amount": "Amount of use (MAL-like, 0–5)",
    "paretic_use_fraction": "Paretic share of arm use (0–1)",
}
_PROBS = (0.025, 0.10, 0.25, 0.50, 0.75, 0.90, 0.975)


def _present(post: Posterior) -> list[str]:
    return [v for v in PREDICTED if v in post.particles.trajectories]


def predictive_table(post: Posterior) -> pd.DataFrame:
    """One row per (variable, day): mean, median and the 50/80/95% interval ends."""
    rows = []
    for var in _present(post):
        q = post.quantiles(var, _PROBS)
        mean = post.mean(var)
        for j, day in enumerate(post.particles.days):
            rows.append(
                {
                    "variable": var,
                    "day": day,
                    "mean": round(float(mean[j]), 3),
                    "median": float(q[3, j]),
                    "p2.5": float(q[0, j]),
                    "p10": float(q[1, j]),
                    "p25": float(q[2, j]),
                    "p75": float(q[4, j]),
                    "p90": float(q[5, j]),
                    "p97.5": float(q[6, j]),
                }
            )
    return pd.DataFrame(rows)


def summary_at(post: Posterior, day: int, variable: str = "fma_ue") -> dict[str, float]:
    """Median and 80% interval of ``variable`` on a recorded ``day``."""
    k = post.particles.days.index(day)
    q = post.quantiles(variable, (0.10, 0.50, 0.90))[:, k]
    return {"p10": float(q[0]), "median": float(q[1]), "p90": float(q[2])}


def draws_table(post: Posterior, patient_id: str) -> pd.DataFrame:
    """The posterior particles as a long table (one row per particle × day).

    Columns: patient, particle, particle_id, weight, the descriptors (affected
    share, stunned share, CST lesion load, age), day and each predicted variable.
    """
    lib = post.particles
    n, days = len(lib), lib.days
    frame = {
        "patient": np.repeat(patient_id, n * len(days)),
        "particle": np.repeat(np.arange(n), len(days)),
        "particle_id": np.repeat(np.asarray(lib.patients.ids), len(days)),
        "weight": np.repeat(post.weights, len(days)),
        "day": np.tile(np.asarray(days), n),
    }
    for name in ("affected_share", "stunned_share", "cst_lesion_load", "age"):
        if name in lib.static:
            frame[name] = np.repeat(np.asarray(lib.static[name], float), len(days))
    for var in _present(post):
        frame[var] = np.asarray(lib.trajectories[var], float).reshape(-1)
    return pd.DataFrame(frame)


def predictive_figure(
    post: Posterior,
    record: PatientRecord,
    baselines: Baselines | None = None,
    variables: Sequence[str] | None = None,
) -> Figure:
    """Bands (50/80/95%) and median of each predicted variable, with the observed points.

    Baselines are drawn at the horizon on the FMA-UE panel (proportional
    recovery, mixture model) and named in the title (PREP2).
    """
    names = [v for v in (variables or _present(post)) if v in post.particles.trajectories]
    fig = Figure(figsize=(4.2 * len(names), 3.6), layout="constrained")
    axes = fig.subplots(1, len(names), squeeze=False)[0]
    days = np.asarray(post.particles.days)
    shades = {0.95: 0.18, 0.80: 0.30, 0.50: 0.45}
    for ax, var in zip(axes, names, strict=True):
        q = post.quantiles(var, _PROBS)
        for level, (lo, hi) in zip(BANDS[::-1], ((0, 6), (1, 5), (2, 4)), strict=True):
            ax.fill_between(
                days,
                q[lo],
                q[hi],
                color="#0072B2",
                alpha=shades[level],
                lw=0,
                label=f"{int(level * 100)}% interval",
            )
        ax.plot(days, q[3], color="#0072B2", lw=2, label="median")
        observed = record.series(var)
        if observed:
            ax.plot(
                list(observed),
                [float(v) for v in observed.values()],
                "o",
                color="#D55E00",
                label="observed",
            )
        if var == "fma_ue" and baselines is not None:
            if baselines.proportional is not None:
                ax.plot(
                    days[-1],
                    baselines.proportional,
                    "s",
                    color="#009E73",
                    label="proportional recovery",
                )
            if baselines.mixture is not None:
                ax.plot(days[-1], baselines.mixture, "D", color="#CC79A7", label="mixture model")
        ax.set_title(PREDICTED[var], fontsize=10)
        ax.set_xlabel("day since stroke")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7, loc="lower right")
    prep2 = f"; PREP2: {baselines.prep2}" if baselines and baselines.prep2 else ""
    fig.suptitle(
        f"{record.patient_id}: posterior predictive under usual care{prep2} — "
        "research software, not clinical advice",
        fontsize=10,
    )
    return fig
