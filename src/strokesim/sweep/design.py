"""Design points: where in the factors' box a sweep runs.

* :func:`grid_design`: the full factorial of each factor's levels.
* :func:`space_filling_design`: a Latin hypercube or a scrambled Sobol sequence
  (``scipy.stats.qmc``), scaled from the unit cube to each factor's range.
* :func:`saltelli_design`: Saltelli's scheme of Sobol-sequence matrices that
  :func:`strokesim.sweep.sensitivity.sobol_indices` analyses (SALib).

Every design is a :class:`pandas.DataFrame`, one row per point and one column per
factor (in the spec's order), with integer knobs rounded.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from strokesim.errors import UserInputError
from strokesim.sweep.spec import MAX_POINTS, DesignSpec, ResolvedFactor

__all__ = [
    "build_design",
    "grid_design",
    "salib_problem",
    "saltelli_design",
    "scale_unit",
    "space_filling_design",
]


def scale_unit(unit: np.ndarray, factors: Sequence[ResolvedFactor]) -> pd.DataFrame:
    """Points of the unit cube (rows) scaled to the factors' ranges; integer knobs rounded."""
    unit = np.asarray(unit, dtype=np.float64)
    columns = {}
    for j, f in enumerate(factors):
        values = f.low + unit[:, j] * (f.high - f.low)
        columns[f.name] = np.round(values) if f.integer else values
    return pd.DataFrame(columns)


def grid_design(factors: Sequence[ResolvedFactor], levels: int = 3) -> pd.DataFrame:
    """The full factorial of the factors' levels (the last factor varies fastest).

    A factor's levels are its ``values``, else ``levels`` (its own, else the
    design's) evenly spaced from low to high, rounded for integer knobs.

    Raises
    ------
    UserInputError
        If the grid has more than :data:`MAX_POINTS` points (field ``design``).
    """
    axes = []
    for f in factors:
        if f.values is not None:
            axis = np.asarray(f.values, dtype=np.float64)
        else:
            axis = np.linspace(f.low, f.high, f.levels or levels)
            if f.integer:
                axis = np.unique(np.round(axis))
        axes.append(axis)
    total = int(np.prod([len(a) for a in axes], dtype=np.float64))
    if total > MAX_POINTS:
        raise UserInputError("design", f"the grid has {total} points; at most {MAX_POINTS}")
    rows = list(itertools.product(*axes))
    return pd.DataFrame(np.asarray(rows, dtype=np.float64), columns=[f.name for f in factors])


def space_filling_design(
    factors: Sequence[ResolvedFactor], kind: str, points: int, seed: int
) -> pd.DataFrame:
    """``points`` points of a Latin hypercube or a scrambled Sobol sequence (scipy.stats.qmc).

    Raises
    ------
    UserInputError
        For a Sobol design whose ``points`` is not a power of 2 (field ``design.points``).
    """
    from scipy.stats import qmc

    d = len(factors)
    if kind == "latin_hypercube":
        unit = qmc.LatinHypercube(d=d, seed=seed).random(points)
    elif kind == "sobol":
        if points & (points - 1):
            raise UserInputError(
                "design.points",
                f"must be a power of 2 for a Sobol design (balance), got {points}",
            )
        unit = qmc.Sobol(d=d, scramble=True, seed=seed).random(points)
    else:  # pragma: no cover - the spec's Literal refuses other kinds
        raise ValueError(kind)
    return scale_unit(unit, factors)


def build_design(factors: Sequence[ResolvedFactor], design: DesignSpec) -> pd.DataFrame:
    """The design of a ``[design]`` table.

    Raises
    ------
    UserInputError
        If a space-filling design lacks ``points``, or the design is too large.
    """
    if design.kind == "grid":
        return grid_design(factors, design.levels)
    if design.points is None:
        raise UserInputError(
            "design.points", f"a {design.kind} design needs points (1–{MAX_POINTS})"
        )
    return space_filling_design(factors, design.kind, design.points, design.seed)


def salib_problem(factors: Sequence[ResolvedFactor]) -> dict[str, object]:
    """The SALib problem dict of the factors (names and bounds)."""
    return {
        "num_vars": len(factors),
        "names": [f.name for f in factors],
        "bounds": [[f.low, f.high] for f in factors],
    }


def saltelli_design(factors: Sequence[ResolvedFactor], samples: int, seed: int = 0) -> pd.DataFrame:
    """Saltelli's sampling scheme for first-order and total Sobol indices.

    ``samples × (d + 2)`` points (``d`` factors): the base matrices A and B of a
    scrambled Sobol sequence and the d matrices A with column i from B (Saltelli
    et al. 2010 Comput Phys Commun 181:259), in SALib's order; integer knobs rounded.

    Raises
    ------
    UserInputError
        If SALib is missing (the one-line hint of :data:`strokesim.sweep.SALIB_HINT`)
        or the design exceeds :data:`MAX_POINTS`.
    """
    sample = _salib_sample()
    total = samples * (len(factors) + 2)
    if total > MAX_POINTS:
        raise UserInputError("sensitivity.samples", f"gives {total} points; at most {MAX_POINTS}")
    unit_problem = {
        "num_vars": len(factors),
        "names": [f.name for f in factors],
        "bounds": [[0.0, 1.0]] * len(factors),
    }
    unit = sample.sample(unit_problem, samples, calc_second_order=False, scramble=True, seed=seed)
    return scale_unit(unit, factors)


def _salib_sample():
    from strokesim.sweep.optional import require_salib

    require_salib()
    from SALib.sample import sobol

    return sobol
