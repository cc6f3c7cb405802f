"""Sobol sensitivity indices of sweep outputs (SALib), with bootstrap confidence intervals.

The design is Saltelli's (:func:`strokesim.sweep.design.saltelli_design`): for
``N`` base samples and ``d`` factors, ``N (d + 2)`` points. For each output,
:func:`sobol_indices` returns the first-order index S1 (the share of the output's
variance due to the factor alone) and the total index ST (its share including all
interactions), each with a bootstrap confidence interval (Saltelli et al. 2010
Comput Phys Commun 181:259; Jansen 1999 for ST), computed by
``SALib.analyze.sobol``. SALib is optional: ``pip install 'strokesim[sensitivity]'``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from strokesim.sweep.design import salib_problem
from strokesim.sweep.optional import require_salib
from strokesim.sweep.spec import ResolvedFactor

__all__ = ["ISHIGAMI_INDICES", "indices_table", "ishigami", "sobol_indices"]


def sobol_indices(
    factors: Sequence[ResolvedFactor],
    y: np.ndarray,
    *,
    resamples: int = 500,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """First-order and total Sobol indices of one output over a Saltelli design.

    Parameters
    ----------
    factors
        The design's factors, in its column order.
    y
        The output at every design point, in design order (length ``N (d + 2)``).
    resamples
        Bootstrap resamples for the confidence intervals.
    confidence
        Confidence level of the intervals (e.g. 0.95).
    seed
        Seed of the bootstrap.

    Returns
    -------
    pandas.DataFrame
        One row per factor: ``factor``, ``S1``, ``S1_low``, ``S1_high``, ``ST``,
        ``ST_low``, ``ST_high`` (interval = estimate ± SALib's half-width).

    Raises
    ------
    ValueError
        If ``y`` has the wrong length or non-finite values.
    """
    require_salib()
    from SALib.analyze import sobol

    y = np.asarray(y, dtype=np.float64)
    d = len(factors)
    if y.ndim != 1 or y.size % (d + 2):
        raise ValueError(f"y must have N × {d + 2} values (Saltelli design), got shape {y.shape}")
    if not np.all(np.isfinite(y)):
        raise ValueError("y has non-finite values")
    result = sobol.analyze(
        salib_problem(factors),
        y,
        calc_second_order=False,
        num_resamples=resamples,
        conf_level=confidence,
        # a Generator, not the int: SALib seeds its bootstrap only `if seed:`, so an int
        # seed of 0 would leave the intervals to the global RNG (different every call)
        seed=np.random.default_rng(seed),
    )
    s1, s1c = np.asarray(result["S1"]), np.asarray(result["S1_conf"])
    st, stc = np.asarray(result["ST"]), np.asarray(result["ST_conf"])
    return pd.DataFrame(
        {
            "factor": [f.name for f in factors],
            "S1": s1,
            "S1_low": s1 - s1c,
            "S1_high": s1 + s1c,
            "ST": st,
            "ST_low": st - stc,
            "ST_high": st + stc,
        }
    )


def indices_table(
    factors: Sequence[ResolvedFactor],
    summary: pd.DataFrame,
    columns: Sequence[str],
    *,
    resamples: int = 500,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """:func:`sobol_indices` of each summary column, stacked (column ``output`` first)."""
    tables = []
    for column in columns:
        t = sobol_indices(
            factors,
            summary[column].to_numpy(),
            resamples=resamples,
            confidence=confidence,
            seed=seed,
        )
        t.insert(0, "output", column)
        tables.append(t)
    return pd.concat(tables, ignore_index=True)


#: Analytic indices of the Ishigami function with a = 7, b = 0.1 on [−π, π]³
#: (Ishigami & Homma 1990; Sobol' & Levitan 1999): S1 and ST of x1, x2, x3.
ISHIGAMI_INDICES = {
    "S1": (0.3139, 0.4424, 0.0),
    "ST": (0.5576, 0.4424, 0.2437),
}


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """The Ishigami test function ``sin x1 + a sin² x2 + b x3⁴ sin x1`` (rows of x)."""
    x = np.asarray(x, dtype=np.float64)
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])
