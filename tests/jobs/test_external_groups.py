"""The external-trials job's units: one per simulation the trials share."""

from __future__ import annotations

from strokesim.jobs.external import trial_groups
from strokesim.validate.external import shared_arm_groups
from strokesim.validate.external_trials import EXTERNAL_TRIALS


def test_every_shipped_trial_is_in_exactly_one_group_of_one_start_day_and_one_set_of_arms() -> None:
    groups = trial_groups(EXTERNAL_TRIALS)
    keys = [trial.key for group in groups for trial in group]
    assert sorted(keys) == sorted(trial.key for trial in EXTERNAL_TRIALS)
    for group in groups:
        assert len({trial.start_day for trial in group}) == 1
        assert all(dict(trial.arms) == dict(group[0].arms) for trial in group)
    starts = [group[0].start_day for group in groups]
    assert starts == sorted(starts)


def test_the_groups_are_the_simulations_run_external_trials_shares() -> None:
    shared = shared_arm_groups(EXTERNAL_TRIALS)
    for group in trial_groups(EXTERNAL_TRIALS):
        assert {shared[trial.key].index for trial in group} == {shared[group[0].key].index}
        assert set(shared[group[0].key].keys) == {trial.key for trial in group}
    # one trial read at two follow-ups is one simulation
    explicit = [g for g in trial_groups(EXTERNAL_TRIALS) if g[0].key.startswith("EXPLICIT")]
    assert [len(g) for g in explicit] == [2]
