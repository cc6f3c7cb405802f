"""Allocation of patients to arms: simple, permuted blocks, stratified permuted blocks.

Permuted blocks (Pocock 1983, Clinical Trials: A Practical Approach, ch. 5): each
block holds every arm ``ratio × m`` times in random order; stratified
randomisation runs separate block sequences within each stratum, so the arms are
balanced on the stratification variables.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["allocate"]


def _blocks(rng: np.random.Generator, n: int, ratios: Sequence[int], block_size: int) -> np.ndarray:
    unit = np.repeat(np.arange(len(ratios)), ratios)
    block = np.tile(unit, block_size // len(unit))
    out = np.concatenate([rng.permutation(block) for _ in range(-(-n // len(block)))])
    return out[:n]


def allocate(
    rng: np.random.Generator,
    n: int,
    ratios: Sequence[float],
    *,
    method: str = "simple",
    block_size: int | None = None,
    strata: np.ndarray | None = None,
) -> np.ndarray:
    """Arm index (0…k−1) of each of ``n`` patients, in order of enrolment.

    Parameters
    ----------
    rng
        The replicate's generator.
    n
        Patients to allocate.
    ratios
        Allocation ratio of each arm (> 0; whole numbers for block methods).
    method
        ``"simple"`` (independent draws with probabilities ∝ ratios), ``"blocks"``
        or ``"stratified"`` (permuted blocks within each value of ``strata``).
    block_size
        Patients per block; default twice the ratios' sum.
    strata
        Stratum label per patient (``method="stratified"``).
    """
    ratios = np.asarray(ratios, float)
    if method == "simple":
        return rng.choice(len(ratios), size=n, p=ratios / ratios.sum())
    whole = ratios.astype(int)
    size = block_size or 2 * int(whole.sum())
    if method == "blocks" or strata is None:
        return _blocks(rng, n, whole, size)
    out = np.empty(n, int)
    labels = np.asarray(strata)
    for label in sorted(set(labels.tolist())):
        where = np.flatnonzero(labels == label)
        out[where] = _blocks(rng, where.size, whole, size)
    return out
