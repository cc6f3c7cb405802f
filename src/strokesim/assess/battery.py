"""The full assessment battery administered to a batch of virtual patients on one day.

Returns every variable of ``docs/dataset.md`` for each patient. Rater noise can be
switched off (``rater_noise=0``) for noise-free scores; motor noise of the
attempts themselves is part of the patient and always present.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from strokesim.assess.arat import arat_items
from strokesim.assess.attempts import attempt_tasks
from strokesim.assess.dexterity import NONPARETIC_TASKS, nonparetic_dexterity, paretic_dexterity
from strokesim.assess.fugl_meyer import fugl_meyer_items
from strokesim.assess.laterality import laterality_index, paretic_hand_tasks, task_m1_activity
from strokesim.assess.scoring import perceived
from strokesim.assess.spasticity import felt_reflex_excess, modified_ashworth
from strokesim.assess.strength import grip_strength_kg, mrc_grades, safe_score
from strokesim.assess.tms import ihi_ratio, virtual_tms
from strokesim.model.anatomy import TASK_FAMILIES
from strokesim.model.dynamics import stimulated_ihi
from strokesim.model.lesion import PatientConstants
from strokesim.model.state import PatientState, availability, reflex_excess
from strokesim.model.tasks import (
    TaskSet,
    arat_tasks,
    fma_tasks,
    mrc_tasks,
    practice_tasks,
)
from strokesim.model.template import N_M1_UNITS, Template

__all__ = ["ASSESSMENT_PURPOSE", "assess_batch", "assess_patient"]

#: Stream purpose id of assessment randomness (see strokesim.random_streams).
ASSESSMENT_PURPOSE = 3
# Sub-stream of the patient's rater, drawn once per patient; visits fold in the day
# (0–3650), which never reaches this value.
_RATER_STREAM = 0x7FFFFFFF

_FMA = fma_tasks()
_ARAT = arat_tasks()
_MRC = mrc_tasks()
_PRACTICE = practice_tasks()
# All paretic-arm tasks in one set: one attempt pass (one compiled kernel) per assessment.
_PARETIC = TaskSet(
    *(
        np.concatenate([getattr(t, f) for t in (_FMA, _ARAT, _MRC, _PRACTICE)])
        for f in ("names", "target", "selectivity", "family")
    )
)
# Paretic-hand movements of the practice set: the laterality index's tasks.
_HAND_TASKS = paretic_hand_tasks(_PRACTICE.family)
_SPLITS = np.cumsum([len(t.names) for t in (_FMA, _ARAT, _MRC)])
# MRC grades a contraction held for a few seconds: the rater judges its average, in
# which trial-to-trial motor noise shrinks roughly as 1/√(independent samples ≈ 10)
# (Medical Research Council 1976 testing procedure; Harris & Wolpert 1998 noise).
_PARETIC_NOISE_SCALE = np.ones(len(_PARETIC.names), np.float32)
_PARETIC_NOISE_SCALE[_SPLITS[1] : _SPLITS[2]] = 1.0 / np.sqrt(10.0)
_FAMILY_MEAN = jax.nn.one_hot(_PRACTICE.family, len(TASK_FAMILIES))
_FAMILY_MEAN = _FAMILY_MEAN / _FAMILY_MEAN.sum(0, keepdims=True)
# Self-reported amount of use scatters by about half a point (Uswatte 2006 Neurology).
_MAL_REPORT_SD = 0.4
# A healthy person does half of their one-arm daily actions with each arm.
_HEALTHY_USE = 0.5


def assess_patient(
    state: PatientState,
    constants: PatientConstants,
    template: Template,
    params: dict[str, float],
    day: jnp.ndarray,
    rater_noise: jnp.ndarray | float = 1.0,
) -> dict[str, jnp.ndarray]:
    """Administer every scale to one patient on ``day`` (see docs/dataset.md)."""
    base = jax.random.fold_in(jax.random.wrap_key_data(constants.key), ASSESSMENT_PURPOSE)
    keys = jax.random.split(jax.random.fold_in(base, day), 12)
    rater_sd = params["rater_noise_sd"] * rater_noise

    paretic = attempt_tasks(
        _PARETIC,
        state,
        constants,
        template,
        params,
        day,
        keys[0],
        limb=0,
        noise_scale=_PARETIC_NOISE_SCALE,
    )
    other = attempt_tasks(
        NONPARETIC_TASKS, state, constants, template, params, day, keys[4], limb=1
    )
    fma, arat, mrc, practice = (
        {k: v[part] if k != "noise_sd" else v for k, v in paretic.items()}
        for part in np.split(np.arange(len(_PARETIC.names)), _SPLITS)
    )

    excess = reflex_excess(state, constants, day, params)
    # the patient's one rater: a persistent offset plus bounded visit jitter (spasticity.py)
    felt = felt_reflex_excess(
        excess, jax.random.fold_in(base, _RATER_STREAM), keys[5], params, rater_noise
    )
    fma_items = fugl_meyer_items(
        perceived(fma["performance"], keys[6], rater_sd),
        excess,
        felt,
        # tremor: the paretic arm's noise against the person's own healthy noise level
        jnp.where(constants.motor_noise > 0, fma["noise_sd"] / constants.motor_noise, 1.0),
        params,
    )
    arat_scores = arat_items(perceived(arat["performance"], keys[7], rater_sd), params)
    max_act = jnp.diagonal(mrc["activation"])
    mrc_scores = mrc_grades(max_act, template.healthy_max_activation)
    mas = modified_ashworth(felt, params)
    # TMS excites the corticospinal neurons of stunned (functionally depressed) units
    # too: MEP status marks corticospinal integrity (Stinear et al. 2007 Brain 130:170)
    # right after a stimulation session its after-effect shifts each M1's excitability
    # and the inhibition it exerts (stimulated_ihi); zero on other days
    acute = jnp.mean(state.stim_shift[:, :N_M1_UNITS], axis=1)
    ihi_now = stimulated_ihi(
        state.ihi, state.stim_shift, availability(constants, day, state.overuse_loss), params
    )
    # ipsilesional M1 (hemisphere 0: its surviving units and tract, MEP in the paretic
    # hand) and contralesional M1 (hemisphere 1: intact, MEP in the non-paretic hand);
    # each with the IHI it receives from the other
    intact = jnp.ones_like(constants.alive)
    routes = ((constants.alive, constants.cst, keys[8]), (intact, intact, keys[11]))
    tms, tms_contra = (
        virtual_tms(
            alive,
            cst,
            state.weights.w_cross[h],
            template.weights.w_cross[h],
            jnp.mean(state.excitability[h, :N_M1_UNITS]),
            ihi_now[h],
            key,
            params,
            acute[h],
        )
        for h, (alive, cst, key) in enumerate(routes)
    )
    activity = task_m1_activity(practice["activity"], _HAND_TASKS)
    mal = jnp.clip(
        5.0 * state.use / _HEALTHY_USE + rater_noise * _MAL_REPORT_SD * jax.random.normal(keys[9]),
        0.0,
        5.0,
    )
    return {
        "fma_items": fma_items,
        "fma_ue": jnp.sum(fma_items, dtype=jnp.int16),
        "arat_items": arat_scores,
        "arat": jnp.sum(arat_scores, dtype=jnp.int16),
        "mrc": mrc_scores,
        "safe": safe_score(mrc_scores),
        "grip_kg": grip_strength_kg(max_act, template.healthy_max_activation, params),
        "mas_elbow": mas[0],
        "mas_wrist": mas[1],
        **tms,
        "mep_contralesional_mv": tms_contra["mep_amplitude_mv"],
        # the contralesional M1's own MEP is present in practice; the ratio is kept where
        # it is not (extreme parameters) since the paretic MEP does not gate it
        "ihi_ratio_contralesional": ihi_ratio(ihi_now[1], params),
        "laterality_index": laterality_index(activity),
        "paretic_use_fraction": state.use,
        "mal_amount": mal,
        "nonparetic_dexterity": nonparetic_dexterity(other["performance"]),
        "paretic_dexterity": paretic_dexterity(state, constants, template, params, day, keys[10]),
        "cortical_activity": activity,
        "task_family_performance": practice["performance"] @ _FAMILY_MEAN,
    }


def assess_batch(
    states: PatientState,
    constants: PatientConstants,
    template: Template,
    params: dict[str, float],
    day: jnp.ndarray,
    rater_noise: jnp.ndarray | float = 1.0,
) -> dict[str, jnp.ndarray]:
    """:func:`assess_patient` over a batch (leading axis of ``states`` and ``constants``).

    A value of ``params`` and ``day`` may each be an array of shape (B,), one per
    patient (per-patient parameters, patients on different days since onset); scalars
    are shared by the batch.
    """
    param_axes = {name: 0 if jnp.ndim(value) else None for name, value in params.items()}
    day_axis = 0 if jnp.ndim(day) else None
    return jax.vmap(assess_patient, in_axes=(0, 0, None, param_axes, day_axis, None))(
        states, constants, template, params, day, rater_noise
    )
