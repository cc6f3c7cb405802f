"""Screening: inclusion and exclusion rules on simulated measures, with reasons.

Each rule reads one measure on the screening day (the severity band: LEAPS band of
FMA-UE at day 3, the MEP status: presence of a motor evoked potential). A patient is
enrolled when every inclusion rule holds and no exclusion rule does; the first rule a
patient fails is recorded as the reason (CONSORT flow).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from strokesim.trial.spec import Criterion, ScreeningSpec

__all__ = ["criterion_holds", "describe", "screen"]


def describe(rule: Criterion) -> str:
    """A short text for a rule, e.g. ``"fma_ue 20–50"`` (its ``reason`` if given)."""
    if rule.reason:
        return rule.reason
    if rule.values is not None:
        return f"{rule.measure} in {'/'.join(rule.values)}"
    low = "" if rule.min is None else f"{rule.min:g}"
    high = "" if rule.max is None else f"{rule.max:g}"
    return f"{rule.measure} {low}–{high}"


def criterion_holds(rule: Criterion, measures: Mapping[str, np.ndarray]) -> np.ndarray:
    """Boolean per patient: does ``rule`` hold for the measures read at screening?"""
    value = np.asarray(measures[rule.measure])
    if rule.values is not None:
        if rule.measure == "mep_present":
            wanted = [v == "positive" for v in rule.values]
            return np.isin(value.astype(bool), wanted)
        return np.isin(value, list(rule.values))
    ok = np.ones(value.shape, bool)
    if rule.min is not None:
        ok &= value >= rule.min
    if rule.max is not None:
        ok &= value <= rule.max
    return ok


def screen(spec: ScreeningSpec, measures: Mapping[str, np.ndarray]) -> tuple[np.ndarray, list[str]]:
    """Who is enrolled, and each patient's first failed rule (``""`` if enrolled).

    Returns
    -------
    enrolled
        Boolean array of shape (n,).
    reasons
        A failed inclusion rule's ``reason`` (the spec states why a patient is
        excluded), else ``"not <rule>"``; a met exclusion rule's ``reason`` or
        ``"<rule>"``; ``""`` for enrolled patients.
    """
    n = len(next(iter(measures.values())))
    reasons = [""] * n
    for rule in spec.include:
        fails = ~criterion_holds(rule, measures)
        for i in np.flatnonzero(fails):
            reasons[i] = reasons[i] or rule.reason or f"not {describe(rule)}"
    for rule in spec.exclude:
        hits = criterion_holds(rule, measures)
        for i in np.flatnonzero(hits):
            reasons[i] = reasons[i] or describe(rule)
    enrolled = np.array([r == "" for r in reasons], bool)
    return enrolled, reasons
