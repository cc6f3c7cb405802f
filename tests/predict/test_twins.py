"""Direct engine runs of the prognosis: the same outputs as simulate, prefixes that continue."""

from __future__ import annotations

import numpy as np
import pytest

from strokesim.predict.library import simulate_particles
from strokesim.predict.twins import advance_record, onset_states

DAYS = (3, 7, 14, 21, 30)  # the days of the `small_library` fixture (conftest.py)


@pytest.mark.slow  # compiles the continue-from-a-state program (8 min on the loaded 2 cores)
def test_a_prefix_continued_equals_one_run(small_library) -> None:
    vp = small_library.patients.take(np.arange(6))
    seed = small_library.seed
    whole, end = advance_record(onset_states(vp, seed), DAYS, horizon=DAYS[-1])
    head, branch = advance_record(onset_states(vp, seed), DAYS[:2], horizon=DAYS[-1])
    tail, end2 = advance_record(branch, DAYS[2:], horizon=DAYS[-1])
    assert branch.day == DAYS[1] and end2.day == DAYS[-1] == end.day
    for name, arr in whole.items():
        np.testing.assert_array_equal(np.concatenate([head[name], tail[name]], axis=1), arr)
    # the batch does not matter: the same patients inside the library's run
    np.testing.assert_array_equal(
        whole["fma_ue"], small_library.trajectories["fma_ue"][:6].astype(whole["fma_ue"].dtype)
    )


def test_branch_take_and_record_day_checks(small_library) -> None:
    vp = small_library.patients.take(np.arange(3))
    start = onset_states(vp, 1)
    sub = start.take(np.array([2, 2, 0]))
    assert sub.patients.ids == (vp.ids[2], vp.ids[2], vp.ids[0]) and len(sub) == 3
    with pytest.raises(ValueError, match="after day"):
        advance_record(start, (0,))


@pytest.mark.slow
def test_direct_runs_equal_simulate(small_library) -> None:
    from strokesim.simulate import simulate

    via_simulate = simulate_particles(
        small_library.patients, DAYS, small_library.seed, simulator=simulate
    )
    assert via_simulate.days == small_library.days
    for name, arr in small_library.trajectories.items():
        np.testing.assert_array_equal(arr, via_simulate.trajectories[name], err_msg=name)
    for name, arr in small_library.static.items():
        np.testing.assert_array_equal(arr, via_simulate.static[name], err_msg=name)
