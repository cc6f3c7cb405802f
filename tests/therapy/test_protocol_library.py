"""The shipped protocols: they load, match their names, and mirror examples/protocols."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from strokesim.errors import UserInputError
from strokesim.therapy import (
    COMPONENT_KINDS,
    beyond_usual_care,
    compile_protocol,
    describe_protocol,
    load_protocol,
    named_protocol,
    named_protocols,
    no_therapy,
    on_usual_care,
    usual_care,
)

PACKAGE_DIR = Path(str(resources.files("strokesim.therapy") / "protocols"))
EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples" / "protocols"
PACKAGED = sorted(PACKAGE_DIR.glob("*.toml"))

REQUIRED = {
    "usual_care",
    "no_therapy",
    "cimt_2_weeks",
    "rtms_1hz_contralesional_training",
    "sham_rtms_training",
    "itbs_ipsilesional_training",
    "vns_paired_6_weeks",
    "high_dose_90h_3_weeks",
    "robot_45min_3x_12weeks",
    "vr_training",
    "fluoxetine_flame",
    "tdcs_dual_training",
    "bimanual_training",
}


def test_all_required_protocols_are_shipped() -> None:
    assert set(named_protocols()) >= REQUIRED


@pytest.mark.parametrize("path", PACKAGED, ids=lambda p: p.stem)
def test_each_shipped_toml_loads_and_is_named_after_its_file(path: Path) -> None:
    protocol = load_protocol(path)
    assert protocol.name == path.stem
    if protocol.name != "no_therapy":
        assert any(char.isdigit() for char in protocol.description)  # cites a year
    inputs = compile_protocol(protocol, days=500)
    assert inputs.days == 500


@pytest.mark.parametrize("path", PACKAGED, ids=lambda p: p.stem)
def test_examples_are_identical_to_package_copies(path: Path) -> None:
    example = EXAMPLES_DIR / path.name
    assert example.is_file(), f"examples/protocols/{path.name} is missing"
    assert example.read_bytes() == path.read_bytes()


def test_no_extra_examples() -> None:
    assert {p.name for p in EXAMPLES_DIR.glob("*.toml")} == {p.name for p in PACKAGED}


def test_functions_match_their_files() -> None:
    assert usual_care() == named_protocol("usual_care")
    assert no_therapy() == named_protocol("no_therapy")


def test_sham_arms_match_their_active_arms_except_for_sham() -> None:
    for active, sham in [
        ("rtms_1hz_contralesional_training", "sham_rtms_training"),
        ("vns_paired_6_weeks", "sham_vns_paired_6_weeks"),
    ]:
        a, s = named_protocol(active), named_protocol(sham)
        assert len(a.components) == len(s.components)
        for ca, cs in zip(a.components, s.components, strict=True):
            assert ca.model_copy(update={"sham": False}) == cs.model_copy(update={"sham": False})
        assert any(getattr(c, "sham", False) for c in s.components)


def test_toml_files_cover_every_component_kind() -> None:
    kinds = {c.kind for p in named_protocols().values() for c in p.components}
    assert kinds == set(COMPONENT_KINDS)


def test_named_protocol_unknown_name() -> None:
    with pytest.raises(UserInputError) as info:
        named_protocol("reiki")
    assert info.value.field == "protocol" and "usual_care" in info.value.problem


def test_describe_protocol_rows() -> None:
    rows = describe_protocol(named_protocol("vns_paired_6_weeks"))
    assert [row["kind"] for row in rows] == ["task_training", "task_training", "vns"]
    vns = rows[2]
    assert vns["days"] == "365–406"
    assert vns["sessions_per_week"] == 3 and vns["sessions"] == 18  # Dawson 2021: 18 sessions
    assert "current_ma=0.8" in str(vns["parameters"])
    assert describe_protocol(no_therapy()) == []


def test_toml_files_are_plain_toml() -> None:
    for path in PACKAGED:
        assert "name" in tomllib.loads(path.read_text(encoding="utf-8"))


def test_therapy_on_usual_care_is_separated_from_its_background_again() -> None:
    therapy = beyond_usual_care(named_protocol("cimt_2_weeks"))
    assert therapy and all(c not in usual_care().components for c in therapy)
    rebuilt = on_usual_care("again", "CIMT on usual care.", *therapy)
    assert rebuilt.components[: len(usual_care().components)] == usual_care().components
    assert beyond_usual_care(rebuilt) == therapy
    assert beyond_usual_care(usual_care()) == []
