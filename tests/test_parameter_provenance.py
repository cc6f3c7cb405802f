"""Where each parameter's value comes from is stated truthfully, in every registry.

Every parameter of the model, therapy and population registries is exactly one of:

- **calibrated by code**: ``calibration/calibrate.py`` fits it (a free parameter of a
  stage whose objective contains its target) and ``calibrated.json`` records it with
  that target; its source says "calibrated against <target>";
- **set by hand**: its source says so in these words (and may give its basis);
- **taken from the literature**: its source cites a publication (author and year).

A source that mentions calibration at all must be backed by the code and the file.
A parameter that a calibration stage fits but that calibrated.json does not record yet
(``AWAITING_RECALIBRATION`` in the script: its stage is newer than the stored run)
keeps its hand-set value and says so until the next full run records it.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

import pytest

from strokesim.cohort.population import POPULATION_PARAMETERS
from strokesim.model.parameters import REGISTRY, Parameter
from strokesim.therapy import THERAPY_PARAMETERS

ROOT = Path(__file__).resolve().parents[1]
CALIBRATED_JSON = ROOT / "src" / "strokesim" / "model" / "calibrated.json"
HAND_SET_DOC = ROOT / "docs" / "hand_set.md"

REGISTRIES: dict[str, Mapping[str, Parameter]] = {
    "model": REGISTRY,
    "therapy": THERAPY_PARAMETERS,
    "population": POPULATION_PARAMETERS,
}

CLAIM = re.compile(r"calibrated against (V\d+(?:/V\d+)*)")
MENTIONS_CALIBRATION = re.compile(r"calibrat(?!ion/)", re.IGNORECASE)  # not a path
SET_BY_HAND = re.compile(r"\bset by hand\b", re.IGNORECASE)
#: An author (capitalised word, optionally "et al." or co-authors) and a year.
CITATION = re.compile(r"\b[A-Z][\w'’-]+(?:[ ,&.]+(?:et al\.?|[A-Z][\w'’-]+))*,? (?:19|20)\d\d\b")


def _load_calibrate() -> ModuleType:
    calibration = ROOT / "calibration"
    if str(calibration) not in sys.path:
        sys.path.insert(0, str(calibration))
    spec = importlib.util.spec_from_file_location("calibrate", calibration / "calibrate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fitted_by_code() -> dict[str, str]:
    """Each parameter a calibration stage fits → its target(s) (read from the code)."""
    return _load_calibrate().fitted_targets()


@pytest.fixture(scope="module")
def awaiting() -> frozenset[str]:
    """Parameters a stage fits whose calibrated value the stored run does not hold yet."""
    return _load_calibrate().AWAITING_RECALIBRATION


@pytest.fixture(scope="module")
def fitted(fitted_by_code, awaiting) -> dict[str, str]:
    """Each parameter whose registry value the calibration code fitted → its target(s)."""
    return {name: t for name, t in fitted_by_code.items() if name not in awaiting}


@pytest.fixture(scope="module")
def recorded() -> dict[str, str]:
    """Each parameter calibrated.json records → its target."""
    entries = json.loads(CALIBRATED_JSON.read_text(encoding="utf-8"))["parameters"]
    return {name: str(entry["target"]) for name, entry in entries.items()}


def classify(p: Parameter, fitted: Mapping[str, str], recorded: Mapping[str, str]) -> set[str]:
    """The provenance classes a parameter's registry entry claims (exactly one is expected)."""
    classes = set()
    if p.calibrated_by is not None or p.name in fitted or p.name in recorded:
        classes.add("calibrated by code")
    if SET_BY_HAND.search(p.source):
        classes.add("set by hand")
    if not classes and CITATION.search(p.source):
        classes.add("taken from literature")
    return classes


def all_parameters() -> list[tuple[str, Parameter]]:
    return [(kind, p) for kind, registry in REGISTRIES.items() for p in registry.values()]


def test_every_parameter_is_exactly_one_of_calibrated_hand_set_or_literature(
    fitted, recorded
) -> None:
    counts = {"calibrated by code": 0, "set by hand": 0, "taken from literature": 0}
    bad = []
    for kind, p in all_parameters():
        classes = classify(p, fitted, recorded)
        if len(classes) != 1:
            bad.append(f"{kind}.{p.name}: {sorted(classes) or 'no provenance'}")
            continue
        counts[classes.pop()] += 1
    assert not bad, "\n".join(bad)
    # nothing passes vacuously: each class is used and every parameter was counted
    assert all(n > 0 for n in counts.values()), counts
    assert sum(counts.values()) == len(all_parameters()) == sum(map(len, REGISTRIES.values()))


def test_calibration_code_and_calibrated_json_agree(fitted, recorded) -> None:
    objective = _load_calibrate().OBJECTIVE_TARGETS
    assert fitted, "the calibration code fits nothing"
    assert fitted == recorded
    in_objectives = {t for targets in objective.values() for t in targets}
    assert {t for targets in fitted.values() for t in targets.split("/")} <= in_objectives
    every = {name: p for registry in REGISTRIES.values() for name, p in registry.items()}
    for name, target in fitted.items():
        assert every[name].calibrated_by == target, name


def test_every_calibration_claim_names_only_fitted_targets(fitted, recorded) -> None:
    checked = 0
    bad = []
    for kind, p in all_parameters():
        if not MENTIONS_CALIBRATION.search(p.source):
            continue
        checked += 1
        claims = CLAIM.findall(p.source)
        claimed = {t for claim in claims for t in claim.split("/")}
        if not claimed:
            bad.append(f"{kind}.{p.name}: mentions calibration without 'calibrated against Vn'")
        elif p.name not in fitted:
            bad.append(f"{kind}.{p.name}: claims {sorted(claimed)}; no calibration code fits it")
        elif claimed != set(fitted[p.name].split("/")) or recorded.get(p.name) != fitted[p.name]:
            bad.append(
                f"{kind}.{p.name}: claims {sorted(claimed)}; fitted against {fitted[p.name]}, "
                f"calibrated.json records {recorded.get(p.name)}"
            )
    assert not bad, "\n".join(bad)
    assert checked == len(fitted)  # every calibrated parameter says so, and only those


def test_parameters_awaiting_recalibration_are_fitted_unrecorded_and_still_hand_set(
    fitted_by_code, awaiting, recorded
) -> None:
    registries = {
        name: (kind, p) for kind, registry in REGISTRIES.items() for name, p in registry.items()
    }
    assert awaiting <= fitted_by_code.keys()
    # once the full run records them, this set must be emptied (and the sources updated)
    assert not awaiting & recorded.keys(), sorted(awaiting & recorded.keys())
    for name in awaiting:
        kind, p = registries[name]
        assert p.calibrated_by is None, name
        assert SET_BY_HAND.search(p.source) and "docs/hand_set.md" in p.source, (kind, name)


def test_every_hand_set_parameter_pointing_to_docs_hand_set_is_listed_there() -> None:
    doc = HAND_SET_DOC.read_text(encoding="utf-8")
    pointing = [
        (kind, p.name)
        for kind, p in all_parameters()
        if SET_BY_HAND.search(p.source) and "docs/hand_set.md" in p.source
    ]
    assert pointing
    for kind, name in pointing:
        assert f"`{name}`" in doc, (kind, name)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Ward et al. 2003 Brain 126:2476", {"taken from literature"}),
        ("Nathan, Smith & Deacon 1990 Brain 113:303", {"taken from literature"}),
        ("Set by hand: keeps the range near-linear", {"set by hand"}),
        ("keeps the healthy range near-linear", set()),
        ("calibrated to the band mix (Stinear 2017)", {"taken from literature"}),
    ],
)
def test_the_classifier_reads_sources_as_intended(source: str, expected: set[str]) -> None:
    p = Parameter("x", 1.0, "1", 0.0, 2.0, source)
    assert classify(p, {}, {}) == expected


def test_the_registry_shows_the_provenance_this_test_reads(fitted, recorded) -> None:
    # `strokesim params` prints Parameter.provenance: it must say what the classifier finds
    shown_as = {
        "calibrated": "calibrated by code",
        "set by hand": "set by hand",
        "literature": "taken from literature",
    }
    for kind, p in all_parameters():
        assert {shown_as[p.provenance_kind]} == classify(p, fitted, recorded), (kind, p.name)
