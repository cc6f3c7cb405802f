"""Modified Ashworth Scale (MAS) of elbow and wrist flexors.

Bohannon & Smith 1987 Phys Ther 67:206: grades 0, 1, 1+, 2, 3, 4 (1+ coded 1.5).
The rater feels the stretch-reflex gain above normal; each grade step is
``mas_grade_step`` of excess gain (a calibrated registry parameter).
"""

from __future__ import annotations

import jax.numpy as jnp

from strokesim.model.anatomy import MUSCLES

__all__ = ["MAS_CODES", "modified_ashworth"]

#: Numeric codes of the MAS grades 0, 1, 1+, 2, 3, 4.
MAS_CODES = jnp.array([0.0, 1.0, 1.5, 2.0, 3.0, 4.0])
_M = {name: i for i, name in enumerate(MUSCLES)}


def modified_ashworth(perceived_excess: jnp.ndarray, params: dict[str, float]) -> jnp.ndarray:
    """MAS codes of [elbow flexors, wrist flexors] from perceived reflex excess, (2,)."""
    muscles = jnp.array([_M["elbow_flexion"], _M["wrist_flexion"]])
    grade = jnp.floor(perceived_excess[muscles] / params["mas_grade_step"])
    return MAS_CODES[jnp.clip(grade, 0, 5).astype(jnp.int32)]
