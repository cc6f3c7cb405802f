"""`strokesim compare`: protocols on the same virtual patients (counterfactual twins)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from strokesim.cli import app
from strokesim.compare import compare_protocols, comparison_table, divergence_day
from strokesim.patient import LesionSpec, PatientSpec
from strokesim.simulate import Record
from strokesim.therapy import no_therapy, parse_protocol, usual_care

PATIENT = PatientSpec(
    id="cmp", age=66, affected_side="left", lesion=LesionSpec(affected=0.6, cst_load=0.3)
)


def _extra_training(start: int) -> object:
    return parse_protocol(
        {
            "name": "extra",
            "components": [
                {
                    "kind": "task_training",
                    "start_day": 3,
                    "duration_days": 90,
                    "sessions_per_week": 5,
                    "trials_per_session": 32,
                    "minutes_per_session": 30,  # as usual care (the day's session minutes)
                },
                {
                    "kind": "task_training",
                    "start_day": start,
                    "duration_days": 10,
                    "sessions_per_week": 5,
                    "trials_per_session": 200,
                },
            ],
        }
    )


def test_divergence_day_is_the_first_day_the_inputs_differ() -> None:
    assert divergence_day([usual_care(), _extra_training(12)], 40) == 12
    assert divergence_day([usual_care(), usual_care()], 40) == 40
    assert divergence_day([usual_care(), no_therapy()], 40) == 3


def test_arms_share_their_course_until_the_branch_and_table_is_paired() -> None:
    ds = compare_protocols(
        [PATIENT],
        {"usual": usual_care(), "extra": _extra_training(12)},
        days=30,
        record=Record((3, 7, 14, 30)),
        seed=2,
    )
    assert ds.attrs["branch_day"] == 12
    before = ds.fma_ue.sel(day=[3, 7]).values
    np.testing.assert_array_equal(before[0], before[1])
    table = comparison_table(ds)
    assert list(table["arm"]) == ["usual", "extra"]
    assert table["Δ median"].iloc[0] == 0


def test_cli_compare_writes_table_figure_dataset(tmp_path: Path) -> None:
    patient = tmp_path / "p.toml"
    patient.write_text(
        '[patient]\nid = "c1"\nage = 60\naffected_side = "right"\n'
        "[patient.lesion]\naffected = 0.5\ncst_load = 0.2\n"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "compare",
            str(patient),
            "--protocols",
            "usual_care",
            "no_therapy",
            "--days",
            "30",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"comparison.csv", "comparison.png", "comparison.nc"}
    assert "not clinical advice" in result.output


def test_cli_compare_needs_two_protocols(tmp_path: Path) -> None:
    patient = tmp_path / "p.toml"
    patient.write_text(
        '[patient]\nid = "c1"\nage = 60\naffected_side = "right"\n'
        "[patient.lesion]\naffected = 0.5\ncst_load = 0.2\n"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["compare", str(patient), "--protocols", "usual_care", "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "--protocols" in result.output
    assert not out.exists()
