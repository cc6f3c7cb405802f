"""Fugl-Meyer Assessment of the upper extremity (FMA-UE, motor, 0–66), item by item.

Fugl-Meyer et al. 1975 Scand J Rehabil Med 7:13; standardised administration of
Gladstone et al. 2002 Neurorehabil Neural Repair 16:232. Volitional items are
attempts scored 0 (cannot), 1 (partial) or 2 (complete) from perceived success;
reflex items come from the stretch-reflex state; the 'normal reflex activity'
item is scored only when section A-IV has full marks, as the protocol requires.
"""

from __future__ import annotations

import jax.numpy as jnp

from strokesim.assess.scoring import ordinal_score
from strokesim.model.anatomy import FMA_ITEMS, MUSCLES
from strokesim.model.tasks import FMA_REFLEX_ITEMS

__all__ = ["VOLITIONAL_INDEX", "fugl_meyer_items"]

_VOLITIONAL = [n for n in FMA_ITEMS if n not in FMA_REFLEX_ITEMS]
#: Position of each volitional item's task inside FMA_ITEMS.
VOLITIONAL_INDEX = jnp.array([FMA_ITEMS.index(n) for n in _VOLITIONAL])
_ISOLATED = jnp.array([_VOLITIONAL.index(n) for n in _VOLITIONAL if n.startswith("isolated_")])
_COORD = {n: _VOLITIONAL.index(n) for n in _VOLITIONAL if n.startswith("coordination_")}
_M = {name: i for i, name in enumerate(MUSCLES)}
# A tendon reflex can be elicited when the reflex gain is at least half of normal.
_ELICITABLE = 0.5


def fugl_meyer_items(
    perceived: jnp.ndarray,
    reflex_excess: jnp.ndarray,
    perceived_reflex_excess: jnp.ndarray,
    noise_ratio: jnp.ndarray,
    params: dict[str, float],
) -> jnp.ndarray:
    """All 33 FMA-UE item scores (int8, 0–2) for one patient.

    Parameters
    ----------
    perceived
        Perceived success of each volitional item's attempt, (30,).
    reflex_excess
        Stretch-reflex gain above normal per muscle, (M,); below −0.5 is areflexia.
    perceived_reflex_excess
        The same as the rater feels it (with noise), (M,).
    noise_ratio
        The paretic arm's motor noise relative to a typical healthy arm (tremor).
    params
        Model parameters (item thresholds, MAS step).
    """
    thresholds = jnp.array([params["item_partial_threshold"], params["item_full_threshold"]])
    scores = ordinal_score(perceived, thresholds)
    # D. coordination: tremor from motor noise, dysmetria from accuracy, speed from success.
    can_do = perceived[_COORD["coordination_dysmetria"]] >= thresholds[0]
    tremor = jnp.where(can_do, jnp.where(noise_ratio <= 2.0, 2, 1), 0).astype(jnp.int8)
    scores = scores.at[_COORD["coordination_tremor"]].set(tremor)

    items = jnp.zeros(len(FMA_ITEMS), jnp.int8).at[VOLITIONAL_INDEX].set(scores)
    gain = 1.0 + reflex_excess
    flexors = jnp.maximum(gain[_M["elbow_flexion"]], gain[_M["finger_flexion"]])
    items = items.at[FMA_ITEMS.index("reflex_flexors")].set(
        jnp.where(flexors >= _ELICITABLE, 2, 0).astype(jnp.int8)
    )
    items = items.at[FMA_ITEMS.index("reflex_extensors")].set(
        jnp.where(gain[_M["elbow_extension"]] >= _ELICITABLE, 2, 0).astype(jnp.int8)
    )
    step = params["mas_grade_step"]
    # the three tested reflexes: biceps, triceps, finger flexors
    tested = jnp.array([_M["elbow_flexion"], _M["elbow_extension"], _M["finger_flexion"]])
    hyper = jnp.max(perceived_reflex_excess[tested])
    normal = jnp.where(hyper < step, 2, jnp.where(hyper < 3 * step, 1, 0))
    full_iv = jnp.all(scores[_ISOLATED] == 2)
    items = items.at[FMA_ITEMS.index("normal_reflex_activity")].set(
        jnp.where(full_iv, normal, 0).astype(jnp.int8)
    )
    return items
