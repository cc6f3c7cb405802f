"""Turn a pydantic ``ValidationError`` into a one-line :class:`~strokesim.errors.UserInputError`.

Every configuration loader (protocols, patients, cohorts, trials) validates with
pydantic and reports the *first* problem to the user as ``field: problem``, where
``field`` is a dotted path such as ``components[1].current_ma``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pydantic

from strokesim.errors import UserInputError

__all__ = ["first_validation_error", "format_location"]

_MAX_INPUT_CHARS = 60

# Plain-language problems for pydantic's type errors (the input is appended).
_TYPE_PROBLEMS = {
    "int_from_float": "must be a whole number",
    "int_parsing": "must be an integer",
    "int_type": "must be an integer",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text (a quoted string)",
    "list_type": "must be a list (in TOML: [[...]] tables or [...])",
    "tuple_type": "must be a list (in TOML: [[...]] tables or [...])",
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
}


def first_validation_error(
    exc: pydantic.ValidationError, prefix: str = "", *, data: Any = None
) -> UserInputError:
    """Convert the first error of a pydantic ``ValidationError`` into a ``UserInputError``.

    Parameters
    ----------
    exc
        The error raised by ``Model.model_validate(...)``.
    prefix
        Dotted name of the validated object inside the user's file (``""`` for the
        whole document, ``"patient"``, ``"cohort.arms[0]"``, ...).
    data
        The raw input that was validated. When given, the tag that pydantic inserts
        into error locations of discriminated unions (``components.1.vns.current_ma``)
        is recognised and dropped, so the user sees ``components[1].current_ma``.

    Returns
    -------
    strokesim.errors.UserInputError
        ``field`` is the dotted path, ``problem`` a one-line description naming the
        allowed values. A :class:`UserInputError` raised inside a validator keeps its
        own ``field`` (appended to the location) and ``problem``.

    Examples
    --------
    >>> from pydantic import BaseModel
    >>> class Dose(BaseModel):
    ...     current_ma: float
    >>> try:
    ...     Dose.model_validate({"current_ma": "high"})
    ... except pydantic.ValidationError as exc:
    ...     print(first_validation_error(exc, "vns"))
    vns.current_ma: must be a number, got 'high'
    """
    error = exc.errors(include_url=False)[0]
    location = format_location(prefix, error["loc"], data)
    kind = error["type"]
    context = error.get("ctx") or {}
    inner = context.get("error")
    if isinstance(inner, UserInputError):
        return UserInputError(_join(location, inner.field), _one_line(inner.problem))
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        discriminator = str(context.get("discriminator", "kind")).strip("'\"")
        field = _join(location, discriminator)
        if kind == "union_tag_not_found":
            return UserInputError(field, "required field is missing")
        expected = context.get("expected_tags", "")
        return UserInputError(field, f"unknown value {context.get('tag')!r}; allowed: {expected}")
    return UserInputError(location or "<input>", _describe(error))


def format_location(prefix: str, loc: Sequence[int | str], data: Any = None) -> str:
    """Dotted path of a pydantic error location, e.g. ``components[1].current_ma``.

    Parameters
    ----------
    prefix
        Name of the validated object (may be empty).
    loc
        The ``loc`` tuple of one pydantic error.
    data
        The raw input, used to drop discriminated-union tags from ``loc``.

    Returns
    -------
    str
        The joined path.
    """
    path = prefix
    node = data
    for part in loc:
        if _is_union_tag(node, part):
            continue  # e.g. "vns" in components.1.vns.current_ma: not a field of the input
        path = f"{path}[{part}]" if isinstance(part, int) else _join(path, part)
        node = _child(node, part)
    return path


def _is_union_tag(node: Any, part: int | str) -> bool:
    return (
        isinstance(node, Mapping)
        and isinstance(part, str)
        and part not in node
        and any(value == part for value in node.values() if isinstance(value, str))
    )


def _child(node: Any, part: int | str) -> Any:
    if isinstance(node, Mapping):
        return node.get(part)
    if isinstance(part, int) and isinstance(node, Sequence) and not isinstance(node, str):
        return node[part] if -len(node) <= part < len(node) else None
    return None


def _join(path: str, name: str) -> str:
    if not name:
        return path
    if not path or name.startswith("["):
        return f"{path}{name}"
    return f"{path}.{name}"


def _describe(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    context = error.get("ctx") or {}
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind in _TYPE_PROBLEMS:
        return f"{_TYPE_PROBLEMS[kind]}, got {_show(error.get('input'))}"
    if kind in ("literal_error", "enum"):
        return f"must be one of {context.get('expected')}, got {_show(error.get('input'))}"
    message = str(error["msg"])
    for pydantic_phrase, ours in (
        ("Value error, ", ""),
        ("Assertion failed, ", ""),
        ("Input should be", "must be"),
        ("String should", "must"),
        ("List should", "must"),
        ("Tuple should", "must"),
        ("Dictionary should", "must"),
    ):
        if message.startswith(pydantic_phrase):
            message = ours + message[len(pydantic_phrase) :]
    if kind not in ("out_of_range", "finite_number", "bool_not_number", "value_error"):
        message = f"{message}, got {_show(error.get('input'))}"
    return _one_line(message)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, Mapping):
        text = "a table"
    elif isinstance(value, list | tuple):
        text = "a list"
    else:
        text = repr(value)
    return text if len(text) <= _MAX_INPUT_CHARS else text[: _MAX_INPUT_CHARS - 3] + "..."


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
