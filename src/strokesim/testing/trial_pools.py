"""Synthetic twin pools for testing :mod:`strokesim.trial`: known twin effects, no engine run.

The statistical machinery (randomisation, rater noise, dropout, ANCOVA, power) acts
on a :class:`~strokesim.trial.emulation.TwinPool` only, so it is tested on pools whose
twin effects are set by construction; the engine itself is covered by the slow tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from strokesim.cohort.protocol_effects import severity_band
from strokesim.trial.emulation import TwinPool
from strokesim.trial.spec import parse_trial

__all__ = ["TINY_TRIAL", "synthetic_pool", "trial_document"]

#: A tiny two-arm trial for end-to-end tests (12 patients, 42 days).
TINY_TRIAL = """
name = "tiny"
description = "A tiny CIMT trial for the tests."
visits = [14, 28]

[population]
n = 12
seed = 4

[screening]
day = 3

[[arms]]
name = "usual_care"
protocol = "usual_care"

[[arms]]
name = "cimt"
protocol = "cimt_2_weeks"
start_day = 14

[randomisation]
day = 14
method = "stratified"
strata = ["severity_band"]

[outcome]
scale = "fma_ue"
responder_change = 5

[dropout]
per_visit = 0.05
"""


def trial_document(**changes: object) -> dict:
    """A valid three-arm spec (control, its identical twin arm, an active arm)."""
    doc: dict = {
        "name": "synthetic",
        "population": {"n": 60, "seed": 7},
        "screening": {"day": 3},
        "arms": [
            {"name": "control", "protocol": "usual_care"},
            {"name": "sham", "protocol": "usual_care"},
            {"name": "active", "protocol": "cimt_2_weeks", "start_day": 14},
        ],
        "randomisation": {"day": 14, "method": "stratified", "strata": ["severity_band"]},
        "visits": [28, 76],
        "outcome": {"scale": "fma_ue", "visit": 76, "responder_change": 5},
        "dropout": {"per_visit": 0.05},
    }
    doc.update(changes)
    return doc


def synthetic_pool(m: int = 400, effect: float = 4.0, seed: int = 0, **changes: object) -> TwinPool:
    """``m`` twins; arm 1 equals arm 0 exactly, arm 2 adds ``effect`` (×1.5 if moderate)."""
    loaded = parse_trial(trial_document(**changes))
    spec = loaded.spec
    rng = np.random.default_rng(seed)
    base = rng.integers(5, 60, m).astype(float)
    band = severity_band(base).astype(object)
    gain = np.clip(0.3 * (66 - base) + rng.normal(0, 5, m), 0, None)
    visits = (0, *spec.visits)
    frac = np.array([v / visits[-1] for v in visits])
    control = np.clip(np.rint(base[:, None] + gain[:, None] * frac[None, :]), 0, 66)
    lift = effect * np.where(band == "moderate", 1.5, 1.0) * rng.uniform(0.5, 1.5, m)
    active = np.clip(np.rint(control + lift[:, None] * frac[None, :]), 0, 66)
    arat = np.clip(np.rint(control * 57 / 66), 0, 57)
    arat_active = np.clip(np.rint(active * 57 / 66), 0, 57)
    ids = np.array([f"twin{i:04d}" for i in range(m)], dtype=object)
    return TwinPool(
        spec=spec,
        arms=tuple(arm.name for arm in spec.arms),
        screening=pd.DataFrame({"patient": ids, "enrolled": True, "reason": ""}),
        ids=ids,
        band=band,
        mep=rng.random(m) < 0.8,
        visit_days=visits,
        true={
            "fma_ue": np.stack([control, control, active]),
            "arat": np.stack([arat, arat, arat_active]),
        },
    )
