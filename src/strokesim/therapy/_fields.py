"""Field types shared by the protocol models: bounded numbers and a strict base model.

The bounded types report the *whole* allowed range in their error message
(``must be in 0–3.5 mA, got 5``), which pydantic's own ``ge``/``le`` constraints
cannot do because they fail one bound at a time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from strokesim.errors import UserInputError

__all__ = ["Between", "StrictModel", "format_range"]


def format_range(low: float | None, high: float | None, unit: str = "") -> str:
    """Describe an inclusive range for a message, e.g. ``"in 0.5–4 mA"`` or ``"≥ 0 mg"``.

    Parameters
    ----------
    low, high
        Inclusive bounds; ``None`` means unbounded on that side.
    unit
        Unit appended after the range (may be empty).

    Returns
    -------
    str
        A phrase that reads after "must be".
    """
    suffix = f" {unit}" if unit else ""
    if low is not None and high is not None:
        return f"in {low:g}–{high:g}{suffix}"
    if low is not None:
        return f"≥ {low:g}{suffix}"
    if high is not None:
        return f"≤ {high:g}{suffix}"
    return f"a finite number{suffix}"


@dataclass(frozen=True)
class Between:
    """Annotated metadata: a finite number within inclusive bounds, booleans refused.

    Use as ``Annotated[float, Between(0.0, 3.5, "mA")]`` or
    ``Annotated[int, Between(1, 7, "sessions/week")]``.

    Parameters
    ----------
    low, high
        Inclusive bounds; ``None`` leaves that side open.
    unit
        Unit named in the error message.
    """

    low: float | None
    high: float | None
    unit: str = ""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        checked = core_schema.no_info_after_validator_function(self._check, handler(source))
        return core_schema.no_info_before_validator_function(self._refuse_bool, checked)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        if self.low is not None:
            json_schema["minimum"] = self.low
        if self.high is not None:
            json_schema["maximum"] = self.high
        return json_schema

    def _allowed(self) -> str:
        return format_range(self.low, self.high, self.unit)

    def _refuse_bool(self, value: Any) -> Any:
        # pydantic's lax mode reads True as 1; in a dose field that is always a mistake.
        if isinstance(value, bool):
            raise PydanticCustomError(
                "bool_not_number",
                "must be a number {allowed}, got {value}",
                {"allowed": self._allowed(), "value": str(value).lower()},
            )
        return value

    def _check(self, value: float) -> float:
        if isinstance(value, float) and not math.isfinite(value):
            raise PydanticCustomError(
                "finite_number",
                "must be a finite number {allowed}, got {value}",
                {"allowed": self._allowed(), "value": str(value)},
            )
        if (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            raise PydanticCustomError(
                "out_of_range",
                "must be {allowed}, got {value}",
                {"allowed": self._allowed(), "value": _show_number(value)},
            )
        return value


def _show_number(value: float) -> str:
    return str(value) if isinstance(value, int) else f"{value:g}"


class StrictModel(BaseModel):
    """Frozen pydantic model that refuses unknown fields and lists the allowed ones."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _refuse_unknown_fields(cls, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = [key for key in data if key not in cls.model_fields]
            if unknown:
                allowed = ", ".join(cls.model_fields)
                raise UserInputError(str(unknown[0]), f"unknown field; allowed fields: {allowed}")
        return data
