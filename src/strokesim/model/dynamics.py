"""One day in the life of a virtual patient (DESIGN §3.4), and many days in a scan.

Each day:

1. the arms share the day's actions by a softmax over learned action values;
2. therapy trials (under that day's stimulation) and daily-life actions of both
   arms are attempted; their squared movement errors, weighted by the number of
   effective trials, make the day's loss; error-based learning follows its
   gradient, scaled by the plasticity gain P(t) and by the consolidation that the
   day's therapy dose triggers (:func:`consolidation`); use-dependent
   (Hebbian) learning pulls active units' tuning toward the practised tasks;
   unpractised learning decays toward the template;
3. slow structural and homeostatic variables relax: sprouting capacity,
   reticulospinal gain, stretch-reflex gain, excitability, interhemispheric
   inhibition, action values (learned from daily-life success and from graded
   therapy's success rate).

The day's trials enter as weights of one batched gradient: the expected update
of a mini-batch of trials at the day's weights (the days are short compared to
the time scales of the state).
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from strokesim.model.anatomy import TASK_FAMILIES
from strokesim.model.lesion import PatientConstants
from strokesim.model.network import (
    Weights,
    attempt,
    performance,
    practice_loss,
)
from strokesim.model.state import (
    FLEXOR_BIAS,
    PatientState,
    availability,
    descending_survival,
    plasticity_gain,
    plasticity_time_course,
    reflex_excess,
    structural_cst_loss,
)
from strokesim.model.tasks import DAILY_LIFE_TASKS, practice_tasks
from strokesim.model.template import N_M1_UNITS, N_UNITS, Template, task_code

__all__ = [
    "DayInput",
    "Passes",
    "advance",
    "arm_use",
    "consolidation",
    "daily_step",
    "disuse_factor",
    "effective_therapy_trials",
    "learning_demand",
    "learning_substeps",
    "limb_drive_scales",
    "overuse_load",
    "overuse_step",
    "session_share",
    "shaped_share",
    "stimulated_ihi",
]

_PRACTICE = practice_tasks()
_CODES = jnp.asarray(task_code(_PRACTICE.target))
_TARGET = jnp.asarray(_PRACTICE.target)
_SELECT = jnp.asarray(_PRACTICE.selectivity)
# daily life practises the first N_DAILY tasks; the selective exercises only in therapy
_N_DAILY = len(DAILY_LIFE_TASKS)
_N_PRACTICE = len(_PRACTICE.target)
_IS_DAILY = (jnp.arange(_N_PRACTICE) < _N_DAILY).astype(jnp.float32)
_DAILY_CODES, _DAILY_TARGET, _DAILY_SELECT = (x[:_N_DAILY] for x in (_CODES, _TARGET, _SELECT))
# (K, F): which family each practice task belongs to, normalised per family.
_FAMILY_SHARE = jax.nn.one_hot(_PRACTICE.family, len(TASK_FAMILIES))
_FAMILY_SHARE = _FAMILY_SHARE / _FAMILY_SHARE.sum(0, keepdims=True)


class Passes(NamedTuple):
    """Which optional work a protocol needs; static, so each combination compiles once.

    Attributes
    ----------
    stimulation
        Some day stimulates the cortex: therapy trials need their own pass under
        the stimulation's excitability and plasticity gains.
    selective
        Some day trains the ``selective_movement`` family: the paretic arm attempts
        the out-of-synergy exercises as well as the daily-life tasks. Without it,
        those exercises carry no trials and are skipped (a third less work).
    """

    stimulation: bool = False
    selective: bool = False


class DayInput(NamedTuple):
    """One day of a protocol, shared by every patient of a run.

    Fields follow :class:`strokesim.therapy.schedule.DailyInputs` at one day.
    """

    day: jnp.ndarray  # () day since onset
    training_trials: jnp.ndarray  # (F,) therapy trials per task family
    error_feedback: jnp.ndarray  # () share of the error signal kept in therapy trials
    engagement: jnp.ndarray  # () learning multiplier of therapy trials
    constraint: jnp.ndarray  # () share of waking hours the non-paretic arm is restrained
    excitability_shift: jnp.ndarray  # (3,) [ipsi M1, contra M1, ipsi premotor] during therapy
    plasticity_gain_stim: jnp.ndarray  # (3,) plasticity gain of therapy trials per target
    vns_gain: jnp.ndarray  # () plasticity gain of VNS-paired trials
    vns_paired_fraction: jnp.ndarray  # () share of therapy trials paired with VNS
    drug_gain: jnp.ndarray  # () gain on P(t)
    training_minutes: jnp.ndarray  # () minutes of training sessions that day


def arm_use(q_value: jnp.ndarray, constraint: jnp.ndarray, params: dict[str, float]):
    """Paretic share of daily-life actions: softmax over value minus effort (Han 2008)."""
    value = q_value - params["effort_cost"] * (1.0 - q_value)
    free = jax.nn.sigmoid(params["use_choice_temperature"] * (value[0] - value[1]))
    return constraint + (1.0 - constraint) * free


def limb_drive_scales(
    state: PatientState, constants: PatientConstants, day: jnp.ndarray, params: dict[str, float]
) -> tuple[jnp.ndarray, jnp.ndarray]:
    """Per-unit drive scales (2, U) for paretic-limb and non-paretic-limb tasks.

    The hemisphere contralateral to the moving arm is driven fully; the ipsilateral
    one is recruited in proportion to expected failure (effort) of that arm.
    """
    diaschisis = constants.diaschisis * jnp.exp(-day / params["diaschisis_days"])
    exc = state.excitability * jnp.array([1.0 - diaschisis, 1.0])[:, None]
    recruit = params["ipsilateral_recruitment"] + params["effort_recruitment"] * (
        1.0 - state.q_value
    )
    paretic = exc * jnp.stack([1.0, recruit[0]])[:, None]
    nonparetic = exc * jnp.stack([recruit[1], 1.0])[:, None]
    return paretic, nonparetic


def consolidation(dose: jnp.ndarray, params: dict[str, float]) -> jnp.ndarray:
    """Share of a day's learning that lasts, relative to a day without therapy (≥ 1).

    Synaptic tagging and capture (Frey & Morris 1997; Redondo & Morris 2011): every
    practised change is tagged, but it lasts only if enough plasticity-related protein
    is made, which takes strong stimulation; once made, it is captured by the day's
    weak changes too. ``dose`` is the day's plasticity-weighted therapy trials
    (P(t) × effective trials); the trigger is a Hill function of it with exponent 2
    (a smooth threshold: Clopath et al. 2008 use a step), and the day's error-based
    learning is scaled by ``1 + consolidation_gain · trigger``.

    The use-dependent (Hebbian) drift is not scaled: scaled too, an intensive day at
    the height of the sensitive period made near-healthy patients' practised error
    worse (their tuning drifted past what the task needs; 1000 grasp trials on day
    30 at a gain of 5 raised it from 0.0003 to 0.0011 in a default patient).
    """
    x2 = jnp.square(dose)
    trigger = x2 / (x2 + jnp.square(params["consolidation_threshold"]))
    return 1.0 + params["consolidation_gain"] * trigger


def session_share(
    trials: jnp.ndarray, minutes: jnp.ndarray, params: dict[str, float]
) -> jnp.ndarray:
    """Share of a day's effective therapy trials that consolidate, 1 / (1 + s·n/b).

    Use-dependent plasticity builds up over a session and saturates within about 30
    min of practice (Classen et al. 1998 J Neurophysiol 79:1117; Bütefisch et al.
    2000 PNAS 97:3661): practice occludes further LTP-like plasticity (Ziemann et al.
    2004 J Neurosci 24:1666), for a while only (Stefan et al. 2006 Cereb Cortex
    16:376). Every kind of training is counted on one scale — ``n`` practised trials
    = repetitions × error signal kept — and the day's ``minutes`` of
    sessions hold ``b = max(minutes / session_block_minutes, 1)`` blocks of capture
    capacity, each saturating: the day's trials count as ``n / (1 + s·n/b)``,
    ``s = session_saturation``: half the capacity is used at ``n = b/s``, and the day
    never counts more than ``b/s`` trials. ``s = 0``: no saturation (1). The
    saturated count, times the neuromodulatory gains of the session (engagement, VNS
    pairing), is what the day's gradient, consolidation trigger, Hebbian drift and
    sprouting see. The gains multiply after the saturation: VNS-paired
    neuromodulation (release of acetylcholine and norepinephrine timed with each
    movement; Engineer et al. 2019 Front Neurosci 13:280) and reward raise how much
    each practised movement changes; they do not add movements that occlude the
    session's capacity.
    """
    blocks = jnp.maximum(minutes / params["session_block_minutes"], 1.0)
    return 1.0 / (1.0 + params["session_saturation"] * trials / blocks)


def disuse_factor(use: jnp.ndarray, params: dict[str, float]) -> jnp.ndarray:
    """Multiplier (≥ 1) of the day's forgetting when the paretic arm is used too little.

    Function kept only when used (Han et al. 2008 PLoS Comput Biol 4:e1000133;
    Schweighofer et al. 2009 Phys Ther 89:1327): ``1 + g · (1 − min(2·use, 1))``, with
    ``use`` the paretic share of daily actions (healthy: one half) and
    ``g = disuse_forgetting_gain``; 1 at healthy use or ``g = 0``.
    """
    return 1.0 + params["disuse_forgetting_gain"] * (1.0 - jnp.minimum(2.0 * use, 1.0))


def overuse_load(
    training_minutes: jnp.ndarray, use: jnp.ndarray, params: dict[str, float]
) -> jnp.ndarray:
    """How much of the waking day the paretic arm is forced to do, relative to healthy use.

    ``2 · (use · (1 − f) + f)`` with ``f = min(training_minutes / waking_minutes, 1)``:
    during therapy the paretic arm does everything, for the rest of the day its share
    of daily actions (``use``, raised by a mitt); 1 at healthy even use, 2 when it does
    everything all day (the casts of Kozlowski et al. 1996). An hour of therapy a day
    without a mitt stays near 1: short daily training from day 5 helped rats
    (Biernaskie et al. 2004 J Neurosci 24:1245).
    """
    therapy = jnp.minimum(training_minutes / params["waking_minutes"], 1.0)
    return 2.0 * (use * (1.0 - therapy) + therapy)


def overuse_step(
    loss: jnp.ndarray,
    training_minutes: jnp.ndarray,
    use: jnp.ndarray,
    day: jnp.ndarray,
    params: dict[str, float],
) -> jnp.ndarray:
    """The share of stunned units lost to early forced overuse, after one more day.

    Forced overuse of the impaired forelimb in the first week after a cortical lesion
    expands the lesion into perilesional tissue (Kozlowski et al. 1996 J Neurosci
    16:4776; Humm et al. 1998 Brain Res 783:286; Bland et al. 2000 Stroke 31:1144).
    Within ``overuse_window_days`` of onset, each day loses the share
    ``1 − exp(−rate · max(load − threshold, 0))`` of the stunned units not yet lost
    (:func:`overuse_load`); afterwards nothing more is lost. ``rate = 0``: never.
    """
    excess = jnp.maximum(
        overuse_load(training_minutes, use, params) - params["overuse_load_threshold"], 0.0
    )
    vulnerable = jnp.where(day < params["overuse_window_days"], 1.0, 0.0)
    hit = 1.0 - jnp.exp(-params["overuse_harm_rate"] * vulnerable * excess)
    return loss + (1.0 - loss) * hit


def shaped_share(
    therapy_trials: jnp.ndarray, use: jnp.ndarray, params: dict[str, float]
) -> jnp.ndarray:
    """Share of the paretic arm's experience on a day that comes from graded therapy.

    ``therapy_trials / (therapy_trials + daily_life_actions · use)``: therapy trials
    against the daily-life actions the paretic arm performs itself (trials, 0–1).

    Therapists grade the difficulty of therapy tasks to the patient (shaping in
    constraint-induced therapy, Taub et al. 1994; Morris et al. 2006 Eura Medicophys
    42:257; adaptive difficulty in robot and game therapy), so the success a patient
    experiences in therapy is the grading's rate (``therapy_success_rate``), not the
    success the arm would have in daily life. The paretic arm's action value learns
    from both, in proportion to this share: shaped practice lifts the confidence of
    patients whose arm fails in daily life and holds back that of patients whose arm
    would succeed more often (Hidaka et al. 2012 PLoS Comput Biol 8:e1002343: therapy
    changes the confidence to use the arm at a given function).
    """
    own = params["daily_life_actions"] * use
    return therapy_trials / (therapy_trials + own + 1e-6)


def _stim_unit_gain(per_target: jnp.ndarray) -> jnp.ndarray:
    """Per-unit multiplier (2, U) from a per-target vector [ipsi M1, contra M1, premotor]."""
    is_pm = jnp.arange(N_UNITS) >= N_M1_UNITS
    ipsi = jnp.where(is_pm, per_target[2], per_target[0])
    return jnp.stack([ipsi, jnp.full((N_UNITS,), per_target[1])])


def stimulated_ihi(
    ihi: jnp.ndarray, unit_shift: jnp.ndarray, avail: jnp.ndarray, params: dict[str, float]
) -> jnp.ndarray:
    """Transcallosal inhibition onto [ipsi, contra] under a stimulation after-effect, (2,).

    The inhibition a hemisphere exerts scales with the excitability of its M1, which
    stimulation shifts: ``k_h' = k_h · max(1 + c · mean_M1 shift_other, 0)`` with
    ``c = stimulation_ihi_coupling`` (Takeuchi et al. 2005 Stroke 36:2681: 1 Hz rTMS of
    contralesional M1 reduced its inhibition of ipsilesional M1). This acts on top of
    the activity dependence of the inhibition (:func:`cortical_responses`: less active
    units inhibit less). ``unit_shift`` is the fractional after-effect per unit, (2, U),
    averaged over the M1 units able to fire (``avail``, (2, U)): units that are dead
    exert nothing, so stimulating an M1 with none left changes no inhibition. With no
    shift, or ``c = 0``, the inhibition is unchanged.
    """
    alive = avail[:, :N_M1_UNITS]
    own = jnp.sum(alive * unit_shift[:, :N_M1_UNITS], axis=1) / (jnp.sum(alive, axis=1) + 1e-6)
    factor = jnp.maximum(1.0 + params["stimulation_ihi_coupling"] * own[::-1], 0.0)
    return ihi * factor


def _inhibition_gate(r: jnp.ndarray, ihi: jnp.ndarray, params: dict[str, float]) -> jnp.ndarray:
    """Plasticity gate of each hemisphere, (2,): inhibition received suppresses plasticity.

    Cortical GABAergic inhibition (including transcallosal inhibition) gates LTP-like
    plasticity and motor learning (Stagg et al. 2011 Curr Biol 21:480; Blicher et al.
    2015 Neurorehabil Neural Repair): ``gate_h = exp(−γ · k_h · mean r_other)``.
    """
    other = jnp.mean(r[:_N_DAILY], axis=(0, 2))[::-1]
    return jnp.exp(-params["inhibition_plasticity_gating"] * ihi * other)


def _attempts(
    w, state, constants, template, params, drive_scale, avail, limb, reflex_ex, k, ihi=None
):
    # the first k practice tasks; the non-paretic arm only does daily-life tasks
    return attempt(
        w,
        _CODES[:k],
        _TARGET[:k],
        drive_scale,
        avail,
        state.ihi if ihi is None else ihi,
        descending_survival(constants),
        jnp.stack([constants.crt, 1.0]),
        state.reticulospinal if limb == 0 else jnp.asarray(1.0),
        template.spinal_gain,
        reflex_ex if limb == 0 else jnp.zeros_like(reflex_ex),
        params,
        limb,
    )


def effective_therapy_trials(day_in: DayInput, params: dict[str, float], k: int) -> jnp.ndarray:
    """A day's effective therapy trials on each of the first ``k`` practice tasks, (k,).

    Therapy trials weighted by feedback, engagement and VNS pairing, on one scale for
    every kind of training. The session saturates on the repetitions and the error
    signal they carry (:func:`session_share`); reward (engagement) and VNS-paired
    neuromodulation raise what each of them leaves, after the saturation (they gate
    plasticity, they are not extra movements). The day's total saturates too
    (``trials_saturation``, in :func:`daily_step`).
    """
    vns = 1.0 + (day_in.vns_gain - 1.0) * day_in.vns_paired_fraction
    therapy_n = (_FAMILY_SHARE @ day_in.training_trials)[:k]
    practised = therapy_n * day_in.error_feedback
    therapy_w = practised * session_share(jnp.sum(practised), day_in.training_minutes, params)
    return therapy_w * day_in.engagement * vns


def _daily_life_actions(params: dict[str, float]) -> jnp.ndarray:
    """Learning-weighted daily-life actions per daily-life task (actions/day)."""
    return params["daily_life_actions"] * params["daily_life_learning_weight"] / _N_DAILY


def learning_substeps(
    day_in: DayInput, therapy_total: jnp.ndarray, params: dict[str, float]
) -> jnp.ndarray:
    """Sub-steps of the day's error-based learning (≥ 1, a whole number as float).

    The day's learning is gradient flow over its effective trials, integrated in
    sub-steps of at most ``step_trials`` plasticity-weighted trials each, so that
    high-dose days and the peak of the sensitive period stay stable. The count uses
    the cohort's P(t) and consolidation (without the individual factor), the day's
    effective therapy trials ``therapy_total`` and every daily-life action the
    paretic arm could take: patients who share parameters and protocol share it.
    """
    flow = plasticity_time_course(day_in.day, params) * day_in.drug_gain
    day_trials = therapy_total + _daily_life_actions(params) * _N_DAILY
    keep_cohort = consolidation(flow * therapy_total, params)
    return 1.0 + jnp.floor(keep_cohort * flow * day_trials / params["step_trials"])


def learning_demand(
    inputs: DayInput,
    start: jnp.ndarray,
    stop: jnp.ndarray,
    params: dict[str, float],
    passes: Passes,
) -> jnp.ndarray:
    """Learning sub-steps that one patient's days ``start`` to ``stop`` take in all.

    The work of a run is about proportional to it (:func:`learning_substeps`); the
    engine groups patients of similar demand into its compute blocks, since a block
    runs each day's sub-steps as often as its most demanding patient needs.
    """
    k = _N_PRACTICE if passes.selective else _N_DAILY

    def body(d, total):
        day_in = jax.tree.map(lambda x: x[d], inputs)
        therapy_total = jnp.sum(effective_therapy_trials(day_in, params, k))
        return total + learning_substeps(day_in, therapy_total, params)

    return jax.lax.fori_loop(start, stop, body, jnp.float32(0.0))


def daily_step(
    state: PatientState,
    constants: PatientConstants,
    day_in: DayInput,
    template: Template,
    params: dict[str, float],
    passes: Passes,
) -> tuple[PatientState, jnp.ndarray]:
    """Advance one patient by one day. Returns the new state and the day's paretic use."""
    day = day_in.day
    k = _N_PRACTICE if passes.selective else _N_DAILY  # paretic-arm tasks attempted
    target, select = _TARGET[:k], _SELECT[:k]
    avail = availability(constants, day, state.overuse_loss)
    p_gain = plasticity_gain(constants, day, params) * day_in.drug_gain
    use = arm_use(state.q_value, day_in.constraint, params)
    reflex_ex = reflex_excess(state, constants, day, params)
    scale_p, scale_n = limb_drive_scales(state, constants, day, params)
    # stimulation acts on the units of its target area only (M1 or premotor)
    unit_shift = constants.stim_response * (_stim_unit_gain(day_in.excitability_shift + 1.0) - 1.0)
    scale_therapy = scale_p * (1.0 + unit_shift)
    # ... and on the inhibition the stimulated hemisphere exerts on the other one
    ihi_therapy = stimulated_ihi(state.ihi, unit_shift, avail, params)

    therapy_w = effective_therapy_trials(day_in, params, k)
    actions = _daily_life_actions(params)
    daily_p = actions * use * _IS_DAILY[:k]
    daily_n = jnp.full((_N_DAILY,), actions) * (1.0 - use)
    sat = params["trials_saturation"]
    total_p = jnp.sum(therapy_w + daily_p) + 1e-6
    squash_p = sat * (1.0 - jnp.exp(-total_p / sat)) / total_p
    total_n = jnp.sum(daily_n) + 1e-6
    squash_n = sat * (1.0 - jnp.exp(-total_n / sat)) / total_n

    def losses(w: Weights):
        r_d, a_d, h_d = _attempts(
            w, state, constants, template, params, scale_p, avail, 0, reflex_ex, k
        )
        r_n, a_n, h_n = _attempts(
            w, state, constants, template, params, scale_n, avail, 1, reflex_ex, _N_DAILY
        )
        l_daily = squash_p * jnp.sum(daily_p * practice_loss(h_d, target, select)) + squash_n * (
            jnp.sum(daily_n * practice_loss(h_n, _DAILY_TARGET, _DAILY_SELECT))
        )
        if passes.stimulation:
            r_t, _, h_t = _attempts(
                w,
                state,
                constants,
                template,
                params,
                scale_therapy,
                avail,
                0,
                reflex_ex,
                k,
                ihi_therapy,
            )
        else:
            r_t, h_t = r_d, h_d
        l_therapy = squash_p * jnp.sum(therapy_w * practice_loss(h_t, target, select))
        return (l_daily, l_therapy), (r_d, a_d, r_n, a_n, r_t)

    def gradient(w: Weights):
        """The day's expected gradient at ``w``, each hemisphere gated by inhibition."""
        if passes.stimulation:
            _, vjp, aux = jax.vjp(losses, w, has_aux=True)
            (g_daily,) = vjp((jnp.asarray(1.0), jnp.asarray(0.0)))
            (g_therapy,) = vjp((jnp.asarray(0.0), jnp.asarray(1.0)))
            r_d, _, _, _, r_t = aux
            therapy_gain = (
                _stim_unit_gain(day_in.plasticity_gain_stim)
                * _inhibition_gate(r_t, ihi_therapy, params)[:, None]
            )
            daily_gain = _inhibition_gate(r_d, state.ihi, params)[:, None]
            grads = jax.tree.map(
                lambda gd, gt: gd * daily_gain[..., None] + gt * therapy_gain[..., None],
                g_daily,
                g_therapy,
            )
            return grads, aux

        def total(w: Weights):
            (l_daily, l_therapy), aux = losses(w)
            return l_daily + l_therapy, aux

        grads, aux = jax.grad(total, has_aux=True)(w)
        gate = _inhibition_gate(aux[0], state.ihi, params)[:, None, None]
        return jax.tree.map(lambda g: g * gate, grads), aux

    # The day's learning is gradient flow over its effective trials, integrated in
    # sub-steps (:func:`learning_substeps`).
    therapy_total = jnp.sum(therapy_w)
    keep = consolidation(p_gain * therapy_total, params)
    substeps = learning_substeps(day_in, therapy_total, params)
    lr = params["learning_rate"] * keep * p_gain / substeps

    def substep(w: Weights) -> tuple[Weights, tuple]:
        g, aux = gradient(w)
        return jax.tree.map(lambda x, gi: x - lr * gi, w, g), aux

    # the day's activity (for IHI, action values, Hebbian learning) is that of its
    # first attempts, at the weights the day started with; the further sub-steps (a
    # loop that most days skip) carry only the weights
    w, (r_d, a_d, r_n, a_n, r_t) = substep(state.weights)
    w = jax.lax.fori_loop(1, substeps.astype(jnp.int32), lambda _, w: substep(w)[0], w)

    # use-dependent (Hebbian) learning: units more active in today's practice than in
    # healthy everyday use strengthen their input (pre × post), others weaken.
    weight_p = squash_p * (therapy_w + daily_p)
    practised = jnp.einsum("k,khu->hu", weight_p, r_t) / (jnp.sum(weight_p) + 1e-6)
    hebb = (
        params["hebbian_rate"]
        * p_gain
        * jnp.sum(weight_p)
        * (practised - template.unit_activity_ref)
    )
    w = w._replace(w_in=w.w_in * (1.0 + jnp.clip(hebb, -0.5, 0.5))[..., None])

    # unpractised learning decays toward the template (use it or lose it), faster
    # when the paretic arm is not used in daily life
    decay = params["forgetting_rate"] * disuse_factor(use, params)
    w = jax.tree.map(lambda x, t: x - decay * (x - t), w, template.weights)
    ceiling = (state.capacity * template.unit_max_output)[..., None]
    w = w._replace(
        # input tuning stays within the range that keeps the network stable at any
        # learning rate in the registry (excitatory inputs at most 3× the template's)
        w_in=jnp.clip(w.w_in, -1.0, 3.0),
        w_cross=jnp.clip(w.w_cross, 0.0, ceiling),
        w_uncross=jnp.clip(w.w_uncross, 0.0, ceiling),
        w_ret=jnp.clip(w.w_ret, 0.0, ceiling),
    )

    # structural and homeostatic variables
    # structural reorganisation is activity dependent (Carmichael 2006 Ann Neurol;
    # Nudo 2006): sprouting grows with the day's effective practice of the paretic arm
    dose = squash_p * total_p / params["trials_saturation"]
    capacity = state.capacity + params["sprouting_rate"] * p_gain * dose * (
        params["capacity_max"] - state.capacity
    )
    rs_target = 1.0 + params["reticulospinal_upregulation"] * structural_cst_loss(constants)
    reticulospinal = (
        state.reticulospinal + (rs_target - state.reticulospinal) / params["reticulospinal_days"]
    )
    reflex_target = (
        1.0
        + params["spasticity_gain"]
        * constants.spasticity_susceptibility
        * (1.0 - constants.crt)
        * reticulospinal
        / (1.0 + params["reticulospinal_upregulation"])
        * FLEXOR_BIAS
    )
    reflex = state.reflex + (reflex_target - state.reflex) / params["spasticity_days"]
    excitability = (
        state.excitability
        + (1.0 - state.excitability) / params["homeostasis_days"]
        + params["stimulation_carryover"] * unit_shift
    )
    ref = template.contra_activity_ref + 0.05
    activity_other = jnp.stack([jnp.mean(r_d[:_N_DAILY, 1]), jnp.mean(r_n[:, 0])])
    ihi_target = params["ihi_strength"] * jnp.clip((activity_other + 0.05) / ref, 0.5, 2.0)
    ihi = state.ihi + params["ihi_plasticity_rate"] * (ihi_target - state.ihi)

    # action values follow success in daily-life tasks, and in therapy trials at the
    # success rate their grading holds (shaping; :func:`shaped_share`)
    perf_p = jnp.mean(performance(a_d[:_N_DAILY], _DAILY_TARGET, _DAILY_SELECT))
    perf_n = jnp.mean(performance(a_n, _DAILY_TARGET, _DAILY_SELECT))
    share = jnp.stack([jnp.minimum(2.0 * use, 1.0), jnp.minimum(2.0 * (1.0 - use), 1.0)])
    q_value = state.q_value + params["use_value_rate"] * share * (
        jnp.stack([perf_p, perf_n]) - state.q_value
    )
    q_value = q_value.at[0].add(
        params["use_value_rate"]
        * shaped_share(jnp.sum(day_in.training_trials), use, params)
        * (params["therapy_success_rate"] - q_value[0])
    )
    # exact for a day of constant practice, so a large day cannot overshoot 1 (a first-
    # order step diverged once P(t) · actions exceeded twice the trial constant)
    adaptation = 1.0 - (1.0 - state.bilateral_adaptation) * jnp.exp(
        -p_gain * (squash_n * jnp.sum(daily_n)) / params["bilateral_adaptation_trials"]
    )
    overuse_loss = overuse_step(state.overuse_loss, day_in.training_minutes, use, day, params)
    new = PatientState(
        w,
        capacity,
        reticulospinal,
        reflex,
        ihi,
        excitability,
        q_value,
        use,
        adaptation,
        overuse_loss,
        unit_shift,
    )
    return new, use


def advance(
    state: PatientState,
    constants: PatientConstants,
    inputs: DayInput,
    start: jnp.ndarray,
    stop: jnp.ndarray,
    template: Template,
    params: dict[str, float],
    passes: Passes,
) -> PatientState:
    """Run one patient from day ``start`` up to (not including) day ``stop``.

    ``inputs`` holds the whole protocol with a leading day axis (index = day since
    onset); ``start`` and ``stop`` may be traced, so one compiled loop serves every
    stretch between assessment days.
    """

    def body(d, s):
        day_in = jax.tree.map(lambda x: x[d], inputs)
        s, _ = daily_step(s, constants, day_in, template, params, passes)
        return s

    return jax.lax.fori_loop(start, stop, body, state)
