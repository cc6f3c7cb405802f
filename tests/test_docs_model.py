"""docs/model.md is generated from the code and must be up to date."""

from __future__ import annotations

from pathlib import Path

from strokesim.docs_model import markdown_table, parameter_rows, render_model_doc
from strokesim.model.parameters import REGISTRY
from strokesim.therapy import THERAPY_PARAMETERS

MODEL_DOC = Path(__file__).resolve().parents[1] / "docs" / "model.md"


def test_model_doc_is_up_to_date() -> None:
    assert MODEL_DOC.read_text(encoding="utf-8") == render_model_doc(), (
        "docs/model.md is out of date; regenerate it with "
        "`python -m strokesim.docs_model > docs/model.md`"
    )


def test_model_doc_lists_every_parameter() -> None:
    text = render_model_doc()
    for name in [*REGISTRY, *THERAPY_PARAMETERS]:
        assert f"| {name} |" in text, name


def test_parameter_rows_have_range_and_source() -> None:
    for kind in ("model", "therapy", "population"):
        for row in parameter_rows(kind):
            assert row["range"] and row["source"], (kind, row["name"])


def test_markdown_table_escapes_pipes_and_newlines() -> None:
    table = markdown_table([{"a": "x|y", "b": "two\nlines"}], {"a": "A", "b": "B"})
    assert table.splitlines()[-1] == "| x\\|y | two lines |"
