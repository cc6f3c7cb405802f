"""Explicit random streams: every draw is keyed by (root seed, purpose, patient id).

Results therefore do not depend on batch size, chunking, worker count or the
order in which patients are simulated (DESIGN §2).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import jax
import numpy as np

__all__ = ["PURPOSES", "id_hash", "patient_keys"]

#: Stream purposes. Assessment randomness is derived inside the model from the
#: patient stream (see strokesim.assess.battery.ASSESSMENT_PURPOSE).
PURPOSES: dict[str, int] = {
    "patient": 1,  # lesion fate of each unit, individual traits
    "population": 2,  # sampling a virtual population's descriptors
    "candidates": 4,  # lesion candidates consistent with clinical descriptors
    "trial": 5,  # randomisation, dropout and other trial-level draws
}


def id_hash(patient_id: str) -> int:
    """A stable 31-bit integer for a patient id (sha256; platform independent)."""
    return int.from_bytes(hashlib.sha256(patient_id.encode()).digest()[:4], "little") >> 1


def patient_keys(seed: int, purpose: str, patient_ids: Sequence[str]) -> jax.Array:
    """One typed PRNG key per patient for a purpose, shape (len(patient_ids),)."""
    root = jax.random.fold_in(jax.random.key(seed), PURPOSES[purpose])
    hashes = np.array([id_hash(p) for p in patient_ids], dtype=np.uint32)
    return jax.vmap(lambda h: jax.random.fold_in(root, h))(hashes)
