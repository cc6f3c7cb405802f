"""The healthy motor system every virtual patient starts from.

Units are 'muscle-like' (Todorov 2000 Nat Neurosci): each M1 and premotor unit
prefers one muscle group, with weak mixed tuning to the others. Crossed output
goes to the preferred muscle; uncrossed output is about a tenth and biased to
proximal muscles; cortico-reticular output follows the synergy membership of
the preferred muscle. The spinal pool gains γ are then *derived* (least squares)
so that the intact system reproduces the task library: they are not free
parameters.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import jax.numpy as jnp
import numpy as np

from strokesim.model.anatomy import MUSCLES
from strokesim.model.network import (
    SYNERGIES,
    Weights,
    cortical_responses,
    limb_drive,
)
from strokesim.model.tasks import arat_tasks, daily_life_tasks, fma_tasks, mrc_tasks

__all__ = [
    "N_M1_UNITS",
    "N_PREMOTOR_UNITS",
    "N_UNITS",
    "TASK_CODE_SIZE",
    "TEMPLATE_PARAMETERS",
    "Template",
    "healthy_template",
    "task_code",
]

#: M1 units per hemisphere (DESIGN §3.2 suggests 128–512).
N_M1_UNITS = 128
#: Premotor/secondary units per hemisphere (the reserve).
N_PREMOTOR_UNITS = 32
N_UNITS = N_M1_UNITS + N_PREMOTOR_UNITS
#: Task code: desired activation (M) plus a constant input.
TASK_CODE_SIZE = len(MUSCLES) + 1

# Proximal bias of uncrossed corticospinal output (shoulder, elbow ≫ wrist, fingers):
# Bawa et al. 2004 J Neurophysiol; Ziemann 1999.
_UNCROSSED_BIAS = np.array([1, 1, 1, 1, 1, 1, 0.3, 0.3, 0.1, 0.1], dtype=np.float32)
# Mixed tuning: SD of each unit's weak input weights to non-preferred muscles.
_MIXED_TUNING_SD = 0.03
# Constant-input weight: a small firing threshold.
_THRESHOLD = -0.08


class Template(NamedTuple):
    """Healthy weights and derived constants shared by all patients."""

    weights: Weights
    spinal_gain: jnp.ndarray  # (M,)
    preferred_muscle: jnp.ndarray  # (U,) int
    is_premotor: jnp.ndarray  # (U,) bool
    unit_max_output: jnp.ndarray  # (2, U) template max crossed output per unit
    contra_activity_ref: jnp.ndarray  # () healthy ipsilateral-hemisphere mean activity
    healthy_max_activation: jnp.ndarray  # (M,) isolated maximal activation (MRC reference)
    unit_activity_ref: jnp.ndarray  # (2, U) mean activity over daily-life tasks, healthy


def task_code(target: np.ndarray) -> np.ndarray:
    """Task code u = [a*, 1] for targets of shape (K, M)."""
    return np.concatenate([target, np.ones((target.shape[0], 1), np.float32)], axis=1)


def _all_tasks() -> tuple[np.ndarray, np.ndarray]:
    sets = [fma_tasks(), arat_tasks(), mrc_tasks(), daily_life_tasks()]
    target = np.concatenate([s.target for s in sets])
    return target, task_code(target)


@lru_cache(maxsize=8)
def _build(
    uncrossed_share: float,
    reticulospinal_share: float,
    premotor_output_scale: float,
    ipsilateral_recruitment: float,
    ihi_strength: float,
    ceiling: float,
) -> Template:
    rng = np.random.default_rng(20261121)  # fixed: the template is part of the model
    n_m = len(MUSCLES)
    pref = np.arange(N_UNITS) % n_m
    premotor = np.arange(N_UNITS) >= N_M1_UNITS
    onehot = np.eye(n_m, dtype=np.float32)[pref]

    w_in = np.zeros((2, N_UNITS, TASK_CODE_SIZE), np.float32)
    mixed = np.abs(rng.normal(0.0, _MIXED_TUNING_SD, (2, N_UNITS, n_m))) * (1 - onehot)
    w_in[..., :n_m] = onehot + mixed
    w_in[..., n_m] = _THRESHOLD

    out_scale = np.where(premotor, premotor_output_scale, 1.0).astype(np.float32)[:, None]
    w_cross = np.broadcast_to(onehot * out_scale, (2, N_UNITS, n_m)).copy()
    w_uncross = w_cross * uncrossed_share * _UNCROSSED_BIAS
    w_ret = np.broadcast_to(
        reticulospinal_share * (onehot @ SYNERGIES.T) * out_scale, (2, N_UNITS, 2)
    ).copy()
    weights = Weights(*(jnp.asarray(w) for w in (w_in, w_cross, w_uncross, w_ret)))

    target, code = _all_tasks()
    drive = jnp.array([1.0, ipsilateral_recruitment])
    ihi = jnp.array([ihi_strength, ihi_strength])
    r = cortical_responses(
        weights.w_in, jnp.asarray(code), drive, jnp.ones((2, N_UNITS)), ihi, ceiling
    )
    x = limb_drive(r, weights, jnp.ones((2, N_UNITS)), jnp.ones(2), jnp.asarray(1.0), limb=0)
    x = np.asarray(x)
    spinal_gain = (target * x).sum(0) / np.maximum((x * x).sum(0), 1e-9)
    mrc = mrc_tasks()
    first_mrc = len(fma_tasks().names) + len(arat_tasks().names)
    mrc_x = x[first_mrc : first_mrc + len(mrc.names)] * spinal_gain
    healthy_max = np.clip(np.diag(mrc_x), 0.0, 1.0)
    daily = daily_life_tasks()
    r_daily = cortical_responses(
        weights.w_in,
        jnp.asarray(task_code(daily.target)),
        drive,
        jnp.ones((2, N_UNITS)),
        ihi,
        ceiling,
    )
    return Template(
        weights=weights,
        spinal_gain=jnp.asarray(spinal_gain, jnp.float32),
        preferred_muscle=jnp.asarray(pref),
        is_premotor=jnp.asarray(premotor),
        unit_max_output=jnp.asarray(np.broadcast_to(out_scale[:, 0], (2, N_UNITS)).copy()),
        contra_activity_ref=jnp.asarray(float(np.asarray(r)[:, 1].mean())),
        healthy_max_activation=jnp.asarray(healthy_max, jnp.float32),
        unit_activity_ref=jnp.mean(r_daily, axis=0),
    )


#: Registry parameters the healthy template is built from, in :func:`_build`'s order.
#: They are shared by a batch (one template per batch), never set per patient.
TEMPLATE_PARAMETERS = (
    "uncrossed_share",
    "reticulospinal_share",
    "premotor_output_scale",
    "ipsilateral_recruitment",
    "ihi_strength",
    "activity_ceiling",
)


def healthy_template(params: dict[str, float]) -> Template:
    """The healthy template for the given parameter values (cached)."""
    return _build(*(float(params[name]) for name in TEMPLATE_PARAMETERS))
