"""TrialSpec: every bad spec is one UserInputError naming the field; good specs load."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from strokesim.errors import UserInputError
from strokesim.testing.trial_pools import trial_document
from strokesim.trial.spec import RATER_NOISE_SD, load_trial, parse_trial

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "trials").glob("*.toml"))


def _with(path: str, value: object) -> dict:
    doc = copy.deepcopy(trial_document())
    target = doc
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    last = keys[-1]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return doc


BAD = [
    ("arms.1.protocol", "foo", "arms[1].protocol", "unknown protocol 'foo'"),
    ("randomisation.strata", ["fma_change"], "randomisation.strata[0]", "not measured at baseline"),
    ("arms.0.ratio", 0, "arms[0].ratio", "> 0"),
    ("arms.2.ratio", -1.0, "arms[2].ratio", "> 0"),
    ("visits", [0, 76], "visits[0]", "after randomisation"),
    ("visits", [-7, 76], "visits[0]", "after randomisation"),
    ("population.n", 2, "population.n", "number of strata (3)"),
    ("outcome.responder_change", 80, "outcome.responder_change", "range"),
    ("outcome.responder_change", 0, "outcome.responder_change", "range"),
    ("arms", [], "arms", "at least one arm"),
    ("screening.day", 60, "screening.day", "first visit"),
    ("randomisation.method", "coin", "randomisation.method", "simple"),
    ("outcome.visit", 30, "outcome.visit", "one of the visits"),
    ("arms.2.start_day", 7, "arms[2].start_day", "before randomisation"),
    ("population.parameters", {"severity_a": 9.0}, "population.parameters.severity_a", "0.5"),
]


@pytest.mark.parametrize(("path", "value", "field", "words"), BAD)
def test_bad_spec_names_the_field(path: str, value: object, field: str, words: str) -> None:
    with pytest.raises(UserInputError) as caught:
        parse_trial(_with(path, value))
    assert caught.value.field == field
    assert words in caught.value.problem
    assert "\n" not in str(caught.value)


def test_stratifying_by_band_before_day_3_is_refused() -> None:
    doc = trial_document(
        screening={"day": 1}, randomisation={"day": 2, "strata": ["severity_band"]}
    )
    with pytest.raises(UserInputError) as caught:
        parse_trial(doc)
    assert caught.value.field == "randomisation.strata[0]"


def test_arms_differing_before_randomisation_are_refused() -> None:
    arms = [
        {"name": "control", "protocol": "usual_care"},
        {"name": "nothing", "protocol": "no_therapy"},
    ]
    with pytest.raises(UserInputError) as caught:
        parse_trial(trial_document(arms=arms))
    assert caught.value.field == "arms"
    assert "before randomisation on day 14" in caught.value.problem


def test_block_size_must_fit_the_ratios() -> None:
    doc = trial_document(randomisation={"day": 14, "method": "blocks", "block_size": 4})
    with pytest.raises(UserInputError) as caught:
        parse_trial(doc)
    assert caught.value.field == "randomisation.block_size"


def test_start_day_shifts_only_the_added_therapy() -> None:
    loaded = parse_trial(trial_document())
    active = loaded.protocols["active"]
    starts = sorted(c.start_day for c in active.components)
    assert starts == [3, 14]  # usual care stays on day 3, CIMT moves from day 120 to 14


def test_default_rater_noise_comes_from_the_cited_table() -> None:
    spec = parse_trial(trial_document()).spec
    assert spec.noise_sd("fma_ue") == RATER_NOISE_SD["fma_ue"] > 0
    quiet = parse_trial(trial_document(rater_noise={"enabled": False})).spec
    assert quiet.noise_sd("arat") == 0.0


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_load(path: Path) -> None:
    loaded = load_trial(path)
    assert len(loaded.protocols) >= 2
    assert loaded.spec.primary_visit in loaded.spec.visits
