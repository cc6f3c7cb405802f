"""Strength: MRC grades per muscle group, SAFE, and grip strength.

MRC (Medical Research Council 1976) grades isolated maximal contractions 0–5.
The activation boundaries below express each grade as a share of a healthy
maximal contraction: 1 = flicker, 2 = movement with gravity eliminated,
3 = against gravity, 4 = against some resistance, 5 = normal. They follow the
force ranges reported for MRC grades by Bohannon 2005 (Percept Mot Skills
100:15: grade 4 spans roughly 10–95% of normal force, grade 3 ≈ 5–10%) —
grade boundaries are not model parameters but the scale's definition.

SAFE = MRC shoulder abduction + MRC finger extension (0–10; Nijland 2010 Stroke;
Stinear 2017 PREP2).
"""

from __future__ import annotations

import jax.numpy as jnp

from strokesim.assess.scoring import ordinal_score
from strokesim.model.anatomy import MUSCLES

__all__ = ["MRC_BOUNDARIES", "grip_strength_kg", "mrc_grades", "safe_score"]

#: Share of healthy maximal activation needed for MRC grade 1, 2, 3, 4, 5.
MRC_BOUNDARIES = jnp.array([0.02, 0.05, 0.10, 0.30, 0.90])
_M = {name: i for i, name in enumerate(MUSCLES)}


def mrc_grades(max_activation: jnp.ndarray, healthy_max: jnp.ndarray) -> jnp.ndarray:
    """MRC grade (int8, 0–5) per muscle from isolated maximal activation, (M,)."""
    return ordinal_score(max_activation / healthy_max, MRC_BOUNDARIES)


def safe_score(mrc: jnp.ndarray) -> jnp.ndarray:
    """SAFE score (0–10): shoulder abduction + finger extension MRC grades."""
    return (mrc[..., _M["shoulder_abduction"]] + mrc[..., _M["finger_extension"]]).astype(jnp.int8)


def grip_strength_kg(
    max_activation: jnp.ndarray, healthy_max: jnp.ndarray, params: dict[str, float]
) -> jnp.ndarray:
    """Grip strength (kg) from the finger flexors' maximal activation."""
    i = _M["finger_flexion"]
    return params["grip_healthy_kg"] * jnp.clip(max_activation[i] / healthy_max[i], 0.0, 1.2)
