"""Action Research Arm Test (ARAT, 0–57): 19 items scored 0–3, with the hierarchical shortcut.

Lyle 1981 Int J Rehabil Res 4:483; Yozbatiran et al. 2008 Neurorehabil Neural
Repair 22:78. In each subscale the first (hardest) item is tested first: a 3
gives full marks for the subscale; otherwise the second (easiest) item is
tested, and a 0 there scores every remaining item 0.
"""

from __future__ import annotations

import jax.numpy as jnp

from strokesim.assess.scoring import ordinal_score
from strokesim.model.anatomy import ARAT_SUBSCALES

__all__ = ["arat_items"]


def arat_items(perceived: jnp.ndarray, params: dict[str, float]) -> jnp.ndarray:
    """ARAT item scores (int8, 0–3), (19,), from the perceived success of each item.

    Score 1 = partial, 2 = completed with difficulty or slowly, 3 = normal; the
    middle threshold lies halfway between the partial and full FMA thresholds.
    """
    lo, hi = params["item_partial_threshold"], params["item_full_threshold"]
    scores = ordinal_score(perceived, jnp.array([lo, 0.5 * (lo + hi), hi]))
    out = scores
    for part in ARAT_SUBSCALES.values():
        block = scores[part]
        first_full = block[0] == 3
        easiest_zero = block[1] == 0
        rest = jnp.where(first_full, 3, jnp.where(easiest_zero, 0, block[1:]))
        out = out.at[part].set(jnp.concatenate([block[:1], rest.astype(jnp.int8)]))
    return out
