"""Planner: a ranked table with reasons; which next assessment narrows the interval."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from strokesim.errors import UserInputError
from strokesim.predict.planner import next_assessment, plan, start_after
from strokesim.predict.posterior import calibrate
from strokesim.predict.record import Observation
from strokesim.therapy.library import beyond_usual_care, named_protocol


def _posterior(lib):
    at = lib.take(np.array([40]))
    obs = [Observation(d, "fma_ue", int(at.at_day(d)["fma_ue"][0])) for d in (3, 7)]
    return calibrate(obs, lib, age=float(at.static["age"][0]))


def test_start_after_moves_added_components_to_the_day_after_the_last() -> None:
    itbs = named_protocol("itbs_ipsilesional_training")
    moved = start_after(itbs, 20)
    added, original = beyond_usual_care(moved), beyond_usual_care(itbs)
    assert [c.start_day for c in added] == [21] * len(original)
    assert [c.duration_days for c in added] == [c.duration_days for c in original]
    assert [c.start_day for c in beyond_usual_care(start_after(itbs, 20, 40))] == [40, 40]
    assert start_after(itbs, 13) == itbs
    with pytest.raises(UserInputError, match="start_day"):
        start_after(itbs, 20, 10)


@pytest.mark.slow  # ~56 s: twins of posterior draws for several protocols
def test_plan_returns_a_ranked_table_with_reasons(small_library) -> None:
    post = _posterior(small_library)
    result = plan(post, ["cimt_2_weeks", "high_dose_90h_3_weeks"], horizon=30, n_draws=16, seed=1)
    t = result.table
    assert list(t["rank"]) == [1, 2]
    assert set(t["protocol"]) == {"cimt_2_weeks", "high_dose_90h_3_weeks"}
    assert t["expected_gain"].is_monotonic_decreasing
    assert t["p_beats_usual_care"].between(0, 1).all()
    assert (t["gain_p10"] <= t["gain_p90"]).all()
    assert all("FMA-UE" in r and "usual care" in r for r in t["reason"])
    assert 0 <= result.patient["cst_load"] <= 1


def test_plan_rejects_a_horizon_before_the_last_observation(small_library) -> None:
    with pytest.raises(UserInputError, match="horizon"):
        plan(_posterior(small_library), ["cimt_2_weeks"], horizon=7)


def _synthetic_posterior():
    """400 particles whose day-30 FMA-UE is weakly tied to day 3 and 7 (no model run)."""
    from strokesim.model.lesion import LesionDescriptors
    from strokesim.predict.library import Library
    from strokesim.simulate import VirtualPatients

    n = 400
    rng = np.random.default_rng(7)
    start = rng.integers(5, 40, n)
    later = np.clip(start + 10 + np.rint(rng.normal(0, 8, n)), 0, 66)
    fma = np.stack([start, start + 5, later], axis=1)
    ids = tuple(f"s{i}" for i in range(n))
    desc = LesionDescriptors(*(np.full(n, 0.3, np.float32) for _ in range(4)), np.full(n, 60.0))
    vp = VirtualPatients(ids, desc, ("left",) * n, np.full(n, 20.0), np.full(n, 5), ids)
    static = {"nihss": np.full(n, 5), "age": np.full(n, 60.0), "cst_lesion_load": np.zeros(n)}
    lib = Library(vp, 1, (3, 7, 30), {"fma_ue": fma}, static)
    return calibrate([Observation(3, "fma_ue", 20)], lib, age=60.0)


def test_observing_the_horizon_itself_narrows_the_interval_most() -> None:
    post = _synthetic_posterior()
    table = next_assessment(post, horizon=30, candidates=[("fma_ue", 7), ("fma_ue", 30)], n_sim=80)
    assert list(table["day"]) == [30, 7]
    horizon, early = table.iloc[0], table.iloc[1]
    assert horizon.expected_width < 0.6 * horizon.current_width
    # day 7 adds little: it is tied to day 3, which is already observed
    assert early.expected_width > 0.8 * early.current_width
    np.testing.assert_allclose(
        table["expected_reduction"], table["current_width"] - table["expected_width"], atol=0.011
    )


def test_with_minutes_scales_the_added_training_and_keeps_the_rest() -> None:
    from strokesim.predict.planner import with_minutes
    from strokesim.therapy.library import usual_care

    cimt = named_protocol("cimt_2_weeks")
    half = with_minutes(cimt, 180)
    (added,) = beyond_usual_care(half)
    (orig,) = beyond_usual_care(cimt)
    assert added.minutes_per_session == 180
    assert added.shaping_trials_per_session == round(orig.shaping_trials_per_session / 2)
    assert [c for c in half.components if c in usual_care().components]
    assert added.start_day == orig.start_day and added.duration_days == orig.duration_days
    # stimulation alone has no training minutes: unchanged
    assert with_minutes(usual_care(), 60) == usual_care()
    # too many trials per session for the component: its field, its range and the knob
    with pytest.raises(
        UserInputError, match=r"shaping_trials_per_session: must be in 1–1000.*minutes-per-session"
    ):
        with_minutes(cimt, 480 * 4)


def test_plan_rejects_a_start_day_outside_the_window(small_library) -> None:
    post = _posterior(small_library)
    with pytest.raises(UserInputError, match=r"--start-day.*8–29"):
        plan(post, ["cimt_2_weeks"], horizon=30, start_day=30)
    with pytest.raises(UserInputError, match="--start-day"):
        plan(post, ["cimt_2_weeks"], horizon=30, start_day={"cimt_2_weeks": 7})


@pytest.mark.slow
def test_twins_from_the_shared_prefix_equal_twins_from_onset(small_library) -> None:
    from strokesim.simulate import simulate

    post = _posterior(small_library)
    names = ["cimt_2_weeks", "itbs_ipsilesional_training"]
    fast = plan(post, names, horizon=30, n_draws=8, seed=2)
    slow = plan(post, names, horizon=30, n_draws=8, seed=2, simulator=simulate)
    pd.testing.assert_frame_equal(fast.table, slow.table)


@pytest.mark.slow
def test_plan_many_gives_each_patient_its_own_plan(small_library) -> None:
    # three patients on a library of 32: two share the last observation day (one batch
    # of twins), one has a later one (its own prefix); each plan equals plan() alone
    from strokesim.predict.planner import plan_many

    lib = small_library.take(np.arange(32))
    posts = []
    for k, days in ((40, (3, 7)), (41, (3, 7)), (42, (3, 7, 14))):
        at = small_library.take(np.array([k]))
        obs = [Observation(d, "fma_ue", int(at.at_day(d)["fma_ue"][0])) for d in days]
        posts.append(calibrate(obs, lib, age=float(at.static["age"][0])))
    names = ["cimt_2_weeks", "rtms_1hz_contralesional_training"]
    together = plan_many(posts, names, horizon=30, n_draws=6, seeds=[0, 1, 2])
    for k, post in enumerate(posts):
        alone = plan(post, names, horizon=30, n_draws=6, seed=k)
        pd.testing.assert_frame_equal(together[k].table, alone.table)
        assert together[k].n_draws == alone.n_draws
