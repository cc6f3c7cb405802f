"""Reading TOML configuration files: one-line errors naming the file or field."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from strokesim.errors import UserInputError
from strokesim.io import read_toml, reject_nan


def _write(tmp_path: Path, text: str | bytes, name: str = "config.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_reads_nested_document(tmp_path: Path) -> None:
    path = _write(tmp_path, '[patient]\nid = "P01"\nnihss = 8\n[[arms]]\ndose = 1.5\n')
    assert read_toml(path) == {"patient": {"id": "P01", "nihss": 8}, "arms": [{"dose": 1.5}]}


def test_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    path = _write(tmp_path, b"\xef\xbb\xbfa = 1\n")
    assert read_toml(path) == {"a": 1}


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    with pytest.raises(UserInputError) as caught:
        read_toml(path)
    assert caught.value.field == str(path)
    assert "not found" in str(caught.value)


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="is not a file") as caught:
        read_toml(tmp_path)
    assert caught.value.field == str(tmp_path)


def test_syntax_error_is_one_line_with_position(tmp_path: Path) -> None:
    path = _write(tmp_path, 'name = "ok"\nnihss = \n')
    with pytest.raises(UserInputError) as caught:
        read_toml(path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message
    assert "line 2" in message
    assert "column" in message


def test_non_utf8_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, 'name = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(UserInputError, match="not UTF-8") as caught:
        read_toml(path)
    assert caught.value.field == str(path)
    assert "\n" not in str(caught.value)


def test_nan_in_file_names_dotted_field_and_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "[protocol]\n[[protocol.arms]]\ndose = 1.0\n[[protocol.arms]]\ndose = nan\n"
    )
    with pytest.raises(UserInputError) as caught:
        read_toml(path)
    assert caught.value.field == "protocol.arms[1].dose"
    assert str(path) in str(caught.value)


def test_nonfinite_allowed_on_request(tmp_path: Path) -> None:
    path = _write(tmp_path, "limit = inf\n")
    assert read_toml(path, allow_nonfinite=True) == {"limit": float("inf")}


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"a": {"b": {"c": float("nan")}}}, "cfg.a.b.c"),
        ({"a": [1.0, 2.0, float("-inf")]}, "cfg.a[2]"),
        ({"a": [{"x": 1}, {"y": [0.0, np.float32("nan")]}]}, "cfg.a[1].y[1]"),
        ({"a": (float("inf"),)}, "cfg.a[0]"),
    ],
)
def test_reject_nan_names_dotted_field(document: dict, field: str) -> None:
    with pytest.raises(UserInputError) as caught:
        reject_nan(document, "cfg")
    assert caught.value.field == field
    assert "finite" in caught.value.problem


def test_reject_nan_accepts_finite_values_and_other_types() -> None:
    reject_nan({"a": 1, "b": True, "c": "nan", "d": [1.5, {"e": None}], "f": np.int64(3)}, "")


def test_reject_nan_without_prefix() -> None:
    with pytest.raises(UserInputError) as caught:
        reject_nan({"dose": float("nan")})
    assert caught.value.field == "dose"
