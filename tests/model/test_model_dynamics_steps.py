"""The day's learning step: optional passes are exact shortcuts, and high doses stay stable."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from strokesim.cohort.population import sample_population
from strokesim.engine import advance_to, day_inputs, setup_batch
from strokesim.model import dynamics
from strokesim.model.anatomy import TASK_FAMILIES
from strokesim.model.dynamics import Passes, daily_step
from strokesim.model.network import practice_loss
from strokesim.model.parameters import model_parameters
from strokesim.model.state import availability, reflex_excess
from strokesim.model.template import healthy_template
from strokesim.random_streams import patient_keys
from strokesim.simulate import VirtualPatients, protocol_passes
from strokesim.therapy.library import usual_care
from strokesim.therapy.schedule import compile_protocol

DISTAL = TASK_FAMILIES.index("distal_grasp")
SELECTIVE = TASK_FAMILIES.index("selective_movement")


def _patients(params: dict[str, float], day: int = 30):
    """Four default-population patients advanced under usual care to ``day``.

    The lesion-site mechanism is off (``cst_independent_share`` 0), so that the four
    are the ones these tests were written for, one of them clearly impaired.
    """
    template = healthy_template(params)
    ids = [f"step{i}" for i in range(4)]
    population = {"cst_independent_share": 0.0}
    desc = VirtualPatients.from_population(
        sample_population(ids, seed=3, params=params, population=population)
    ).descriptors
    states, constants = setup_batch(desc, patient_keys(3, "patient", ids), template, params)
    inputs = day_inputs(compile_protocol(usual_care(), day + 1))
    states = advance_to(states, constants, inputs, 0, day, template, params, passes=Passes())
    day_in = jax.tree.map(lambda x: x[day], inputs)
    return states, constants, day_in, template


def _step(states, constants, day_in, template, params, passes):
    return jax.vmap(lambda s, c: daily_step(s, c, day_in, template, params, passes)[0])(
        states, constants
    )


def test_passes_follow_the_protocol() -> None:
    daily = compile_protocol(usual_care(), 5)
    assert protocol_passes(daily) == Passes(stimulation=False, selective=False)
    trials, gain = daily.training_trials.copy(), daily.plasticity_gain_stim.copy()
    trials[2, SELECTIVE] = 10
    gain[4, 1] = 1.2
    both = daily._replace(training_trials=trials, plasticity_gain_stim=gain)
    assert protocol_passes(both) == Passes(stimulation=True, selective=True)


def test_skipping_untrained_selective_exercises_leaves_the_day_unchanged() -> None:
    params = model_parameters()
    states, constants, day_in, template = _patients(params)
    fast = _step(states, constants, day_in, template, params, Passes(selective=False))
    full = _step(states, constants, day_in, template, params, Passes(selective=True))
    for a, b in zip(jax.tree.leaves(fast), jax.tree.leaves(full), strict=True):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)


def _trained_loss(states, constants, day_in, template, params) -> np.ndarray:
    """Mean squared error of each patient's distal-grasp practice tasks, (B,)."""
    share = np.asarray(dynamics._FAMILY_SHARE[:, DISTAL]) > 0

    def one(state, const):
        day = day_in.day
        scale_p, _ = dynamics.limb_drive_scales(state, const, day, params)
        _, _, h = dynamics._attempts(
            state.weights,
            state,
            const,
            template,
            params,
            scale_p,
            availability(const, day),
            0,
            reflex_excess(state, const, day, params),
            dynamics._N_DAILY,
        )
        loss = practice_loss(h, dynamics._DAILY_TARGET, dynamics._DAILY_SELECT)
        return jnp.mean(loss[share[: dynamics._N_DAILY]])

    return np.asarray(jax.vmap(one)(states, constants))


def _loss_after_day(states, constants, day_in, template, step_params, params) -> np.ndarray:
    """Trained-task error (measured with ``params``) after one day under ``step_params``."""
    after = _step(states, constants, day_in, template, step_params, Passes())
    return _trained_loss(after, constants, day_in, template, params)


@pytest.mark.parametrize("trials", [2_000.0, 20_000.0])
def test_a_very_high_dose_day_is_integrated_stably(trials: float) -> None:
    # the fastest learning, strongest consolidation and weakest saturation in the
    # registry's ranges
    params = model_parameters(
        learning_rate=0.01,
        trials_saturation=2000.0,
        hebbian_rate=0.0,
        consolidation_gain=20.0,
        consolidation_threshold=50.0,
    )
    states, constants, day_in, template = _patients(params)
    day_in = day_in._replace(training_trials=day_in.training_trials.at[DISTAL].set(trials))
    before = _trained_loss(states, constants, day_in, template, params)
    after = _loss_after_day(states, constants, day_in, template, params, params)
    # sub-steps four times finer integrate the same gradient flow: the default
    # step is converged, not merely non-divergent
    fine = params | {"step_trials": 100.0}
    after_fine = _loss_after_day(states, constants, day_in, template, fine, params)
    assert np.all(np.isfinite(after))
    np.testing.assert_allclose(after, after_fine, rtol=0.05, atol=1e-5)
    # the impaired patient's error falls (near-healthy ones, at ~1e-4, may trade a
    # little of it for the day's other tasks along a strongly consolidated day's flow)
    worst = np.argmax(before)
    assert after[worst] < 0.9 * before[worst]


def test_consolidation_is_a_smooth_threshold_on_the_day_s_dose() -> None:
    params = model_parameters(consolidation_gain=4.0, consolidation_threshold=500.0)
    dose = jnp.array([0.0, 100.0, 500.0, 1000.0, 1e6])
    keep = np.asarray(dynamics.consolidation(dose, params))
    assert keep[0] == 1.0
    assert keep[2] == pytest.approx(3.0)  # half on at the threshold: 1 + 4 / 2
    assert keep[-1] == pytest.approx(5.0, abs=1e-6)
    assert np.all(np.diff(keep) > 0)


def test_a_day_without_therapy_does_not_depend_on_consolidation() -> None:
    """Consolidation is triggered by therapy: natural-history days are untouched by it."""
    params = model_parameters()
    states, constants, day_in, template = _patients(params)
    day_in = day_in._replace(training_trials=jnp.zeros_like(day_in.training_trials))
    base = _step(states, constants, day_in, template, params, Passes())
    strong = params | {"consolidation_gain": 20.0, "consolidation_threshold": 50.0}
    other = _step(states, constants, day_in, template, strong, Passes())
    for a, b in zip(jax.tree.leaves(base), jax.tree.leaves(other), strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_an_intensive_day_teaches_more_with_consolidation() -> None:
    params = model_parameters(consolidation_gain=0.0)
    states, constants, day_in, template = _patients(params)
    day_in = day_in._replace(training_trials=day_in.training_trials.at[DISTAL].set(1000.0))
    before = _trained_loss(states, constants, day_in, template, params)
    without = _loss_after_day(states, constants, day_in, template, params, params)
    strong = params | {"consolidation_gain": 5.0}
    with_ = _loss_after_day(states, constants, day_in, template, strong, params)
    assert np.all(before - with_ > before - without)


def test_shaped_share_is_therapy_against_the_arm_s_own_actions() -> None:
    params = model_parameters(daily_life_actions=300.0)
    share = np.asarray(
        dynamics.shaped_share(jnp.array([0.0, 300.0, 300.0]), jnp.array([0.5, 0.5, 0.0]), params)
    )
    np.testing.assert_allclose(share, [0.0, 300.0 / 450.0, 1.0], rtol=1e-6)


@pytest.mark.parametrize("success", [0.55, 0.95])
def test_graded_therapy_pulls_the_paretic_action_value_toward_its_success_rate(
    success: float,
) -> None:
    """Shaping: the paretic arm's confidence learns the grading's success rate."""
    params = model_parameters(therapy_success_rate=success)
    states, constants, day_in, template = _patients(params)
    rest = day_in._replace(training_trials=jnp.zeros_like(day_in.training_trials))
    shaped = day_in._replace(training_trials=rest.training_trials.at[DISTAL].set(300.0))
    q_rest = np.asarray(_step(states, constants, rest, template, params, Passes()).q_value)
    q_shaped = np.asarray(_step(states, constants, shaped, template, params, Passes()).q_value)
    # the paretic value moves toward the success rate from wherever daily life left it
    moved = q_shaped[:, 0] - q_rest[:, 0]
    assert np.all(np.sign(moved) == np.sign(success - q_rest[:, 0]))
    assert np.all(np.abs(moved) > 0)
    # the non-paretic arm's value does not learn from the paretic arm's therapy
    np.testing.assert_allclose(q_shaped[:, 1], q_rest[:, 1], rtol=1e-6)
