"""Errors raised for users (bad input) as opposed to developers (broken invariants)."""

from __future__ import annotations

__all__ = ["UserInputError"]


class UserInputError(ValueError):
    """A user-supplied value is invalid.

    The message is one line that names the field and the allowed values; the CLI
    prints it (no traceback) and exits with code 2.

    Parameters
    ----------
    field
        Dotted name of the offending field, e.g. ``"patient.fma_ue"``.
    problem
        What is wrong and what is allowed, e.g. ``"must be an integer in 0–66, got 70"``.
    """

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")
