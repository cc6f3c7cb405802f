"""The dose model of training (issue 23 item 2): neutral values, and what each rule does."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from strokesim.cohort.population import sample_population
from strokesim.model.dynamics import (
    disuse_factor,
    overuse_load,
    overuse_step,
    session_share,
)
from strokesim.model.lesion import patient_constants
from strokesim.model.parameters import REGISTRY, model_parameters
from strokesim.model.state import availability
from strokesim.random_streams import patient_keys
from strokesim.simulate import VirtualPatients

NEUTRAL = {"session_saturation": 0.0, "disuse_forgetting_gain": 0.0, "overuse_harm_rate": 0.0}
TRIALS = jnp.array([0.0, 1.0, 32.0, 100.0, 300.0, 717.0, 3000.0])
USE = jnp.linspace(0.0, 1.0, 11)


@pytest.fixture(scope="module")
def params() -> dict[str, float]:
    return model_parameters()


def test_neutral_values_are_in_the_registry_ranges() -> None:
    for name, value in NEUTRAL.items():
        assert REGISTRY[name].low <= value <= REGISTRY[name].high, name


def test_neutral_values_make_every_rule_an_exact_identity(params) -> None:
    """With the neutral values the day step is the model before issue 23, bit for bit."""
    neutral = {**params, **NEUTRAL}
    for minutes in (0.0, 30.0, 360.0):
        assert np.all(np.asarray(session_share(TRIALS, minutes, neutral)) == 1.0)
    assert np.all(np.asarray(disuse_factor(USE, neutral)) == 1.0)
    for day in (0.0, 3.0, 10.0):
        for use in (0.0, 0.95):
            loss = overuse_step(jnp.asarray(0.0), jnp.asarray(480.0), use, day, neutral)
            assert float(loss) == 0.0


def _constants(params, n: int = 3):
    """Per-patient constants of ``n`` default-population patients, one by one."""
    ids = [f"dose{i}" for i in range(n)]
    desc = VirtualPatients.from_population(
        sample_population(ids, seed=11, params=params)
    ).descriptors
    batch = patient_constants(desc, patient_keys(11, "patient", ids), params)
    return [jax.tree.map(lambda x, i=i: x[i], batch) for i in range(n)]


def test_no_overuse_loss_is_the_old_availability(params) -> None:
    for constants in _constants(params):
        for day in (0.0, 7.0, 40.0):
            old = constants.alive * (1.0 - constants.stunned * jnp.exp(-day / constants.stun_days))
            new = availability(constants, jnp.asarray(day), 0.0)[0]
            np.testing.assert_array_equal(np.asarray(new), np.asarray(old))


def test_overuse_loss_keeps_stunned_units_out_and_spares_the_others(params) -> None:
    for constants in _constants(params):
        day = jnp.asarray(60.0)
        losses = [availability(constants, day, loss)[0] for loss in (0.0, 0.3, 1.0)]
        assert np.all(np.diff(np.stack(losses), axis=0) <= 0.0)
        untouched = np.asarray(constants.stunned) == 0.0
        for avail in losses:
            np.testing.assert_array_equal(
                np.asarray(avail)[untouched], np.asarray(losses[0])[untouched]
            )
        # all of the stunned share lost: the stunned units never return
        stunned = np.asarray(constants.stunned) > 0.0
        assert np.all(np.asarray(losses[2])[stunned] == 0.0)


def test_a_session_counts_less_and_less_per_repetition(params) -> None:
    share = np.asarray(session_share(TRIALS, 60.0, params))
    counted = np.asarray(TRIALS) * share
    assert np.all(np.diff(share) < 0.0)  # each extra repetition adds less
    assert np.all(np.diff(counted) > 0.0)  # but never nothing
    assert np.all(counted < 1.0 / params["session_saturation"])
    # half the capture capacity at 1/s repetitions in one block
    half = 1.0 / params["session_saturation"]
    assert float(half * session_share(jnp.asarray(half), 60.0, params)) == pytest.approx(half / 2)


def test_longer_sessions_hold_more_capacity_and_short_ones_a_whole_block(params) -> None:
    block = params["session_block_minutes"]
    n = jnp.asarray(1000.0)
    one, six = (float(session_share(n, m * block, params)) for m in (1.0, 6.0))
    assert six > one
    # the same trials spread over six blocks count as 1/6 of them in one block, six times
    assert 1000.0 * six == pytest.approx(
        6 * (1000.0 / 6) * float(session_share(n / 6, block, params))
    )
    # a session shorter than a block still has the whole block's capacity
    assert float(session_share(n, 0.25 * block, params)) == one


def test_disuse_speeds_forgetting_and_healthy_use_does_not(params) -> None:
    factor = np.asarray(disuse_factor(USE, params))
    assert np.all(np.diff(factor) <= 0.0)
    assert factor[0] == pytest.approx(1.0 + params["disuse_forgetting_gain"])
    assert np.all(factor[np.asarray(USE) >= 0.5] == 1.0)


def test_overuse_harms_only_early_and_only_above_the_threshold(params) -> None:
    def loss(minutes: float, use: float, day: float) -> float:
        return float(overuse_step(jnp.asarray(0.0), jnp.asarray(minutes), use, day, params))

    threshold = params["overuse_load_threshold"]
    # usual care or an hour of training at healthy even use never reaches the threshold
    assert float(overuse_load(jnp.asarray(60.0), 0.5, params)) < threshold
    assert loss(60.0, 0.5, 3.0) == 0.0
    # healthy use, no therapy: load 1; everything with the paretic arm all day: load 2
    assert float(overuse_load(jnp.asarray(0.0), 0.5, params)) == pytest.approx(1.0)
    assert float(overuse_load(jnp.asarray(0.0), 1.0, params)) == pytest.approx(2.0)
    # a mitt for most waking hours plus hours of shaping does, inside the window only
    early = loss(180.0, 0.93, 10.0)
    assert early > 0.0
    assert loss(180.0, 0.93, params["overuse_window_days"]) == 0.0
    assert loss(360.0, 0.93, 10.0) > early > loss(60.0, 0.93, 10.0)
    # the lost share accumulates and stays within [0, 1]
    lost = jnp.asarray(0.0)
    for day in range(int(params["overuse_window_days"]) + 5):
        lost = overuse_step(lost, jnp.asarray(360.0), 1.0, float(day), params)
        assert 0.0 <= float(lost) <= 1.0
    assert float(lost) > early
