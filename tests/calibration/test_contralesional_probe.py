"""The V6 probe script: its variants, its inhibition cuts and its errors."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def probe(load_script):
    return load_script("contralesional_probe")


def test_variants_are_registry_parameters_inside_their_ranges_and_the_defaults_come_first(probe):
    from strokesim.model.parameters import REGISTRY

    assert next(iter(probe.VARIANTS.values())) == {}
    for overrides in probe.VARIANTS.values():
        for name, value in overrides.items():
            assert REGISTRY[name].low <= value <= REGISTRY[name].high, name


def test_day_14_changes_lower_what_they_name_and_command_days_span_the_v6_course(probe):
    from strokesim.model.parameters import REGISTRY
    from strokesim.validate.experiments_protocols import V6_DESIGN

    for change in probe.DAY_14_CHANGES:
        assert 0.0 < change.inhibition <= 1.0
        assert all(0.0 < factor < 1.0 for factor in change.scale.values())
        assert change.inhibition < 1.0 or change.scale, change.label  # each row changes something
        for name, value in change.setting.items():
            assert REGISTRY[name].low <= value <= REGISTRY[name].high, name
    assert probe.COMMAND_DAYS[0] == V6_DESIGN.start_day
    assert probe.COMMAND_DAYS[-1] == V6_DESIGN.outcome_day
    assert list(probe.COMMAND_DAYS) == sorted(set(probe.COMMAND_DAYS))


def test_unwritable_out_exits_2_before_anything_runs(probe, capsys, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    assert probe.main(["--n", "8", "--out", str(blocker / "probe.md")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert "--out" in err


def test_day_90_edits_change_only_the_hemisphere_and_field_they_name(probe):
    import jax
    import numpy as np

    from strokesim.model.parameters import model_parameters
    from strokesim.model.state import initial_state
    from strokesim.model.template import healthy_template

    params = model_parameters()
    one = initial_state(healthy_template(params), params)
    # a batch of two patients, in NumPy arrays as snapshots hold them, with some reflex
    # excess as the probe's day-90 states have
    states = jax.tree.map(lambda x: np.stack([np.asarray(x)] * 2), one)
    states = states._replace(reflex=states.reflex + 0.5)
    flat_before = jax.tree_util.tree_leaves_with_path(states)
    for label in probe.DAY_90_EDITS:
        edited = probe.edited_states(label, states)
        changed = {
            jax.tree_util.keystr(path): np.asarray(after) != np.asarray(before)
            for (path, before), after in zip(flat_before, jax.tree.leaves(edited), strict=True)
            if np.any(np.asarray(after) != np.asarray(before))
        }
        assert changed, label  # each edit changes something
        for path, mask in changed.items():
            if path == ".reflex":
                continue
            hemisphere_axis = mask[:, 0].any(), mask[:, 1].any()  # (patient, hemisphere, ...)
            if label.startswith("ipsilesional") or "onto ipsilesional" in label:
                assert hemisphere_axis == (True, False), (label, path)
            if label.startswith("contralesional"):
                assert hemisphere_axis == (False, True), (label, path)


def test_the_room_table_splits_the_mild_band_inside_it(probe):
    from strokesim.validate.metrics_targets import LEAPS_MILD_MIN_FMA

    assert LEAPS_MILD_MIN_FMA < probe.MILD_SPLIT_FMA <= 66
