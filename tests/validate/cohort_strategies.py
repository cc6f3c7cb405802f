"""Hypothesis strategies for synthetic cohorts, shared by the metric property tests."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


def fma0_arrays(min_size: int = 3, max_size: int = 60) -> st.SearchStrategy[np.ndarray]:
    """Day-3 FMA-UE scores (0–65, so that every patient has potential to recover),
    with at least two distinct values (so that a slope is defined)."""
    return hnp.arrays(
        np.float64,
        st.integers(min_size, max_size),
        elements=st.integers(0, 65).map(float),
    ).filter(lambda a: np.unique(a).size >= 2)


def recovery_ratios() -> st.SearchStrategy[float]:
    """Share of the potential improvement regained, a fraction in 0–1."""
    return st.floats(0.0, 1.0, allow_nan=False)


def boolean_arrays(size: int) -> st.SearchStrategy[np.ndarray]:
    """Per-patient flags of a given length (e.g. MEP presence)."""
    return hnp.arrays(np.bool_, size)
