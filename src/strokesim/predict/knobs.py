"""The planner's per-candidate knobs as typed by a user (``strokesim plan`` and the page).

``--start-day`` and ``--minutes-per-session`` are comma-separated lists: one
value for every candidate protocol or one per candidate. This module reads
them into the tuples of :class:`strokesim.predict.pipeline.Settings`, with the
CLI's one-line messages; the ranges (after the last observation and before the
horizon; :data:`strokesim.predict.pipeline.MINUTES_RANGE`) and the counts are
checked by :func:`strokesim.predict.pipeline.check_settings` and
:func:`strokesim.predict.pipeline.check_record`. It also lists the shipped
protocols a user may choose as candidates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from strokesim.errors import UserInputError

__all__ = [
    "MINUTES_OPTION",
    "START_DAY_OPTION",
    "candidate_names",
    "parse_minutes",
    "parse_numbers",
    "parse_start_days",
]

#: The CLI option of the start day(s) of the added therapy (days since stroke).
START_DAY_OPTION = "--start-day"
#: The CLI option of the minutes per session of the added training.
MINUTES_OPTION = "--minutes-per-session"

T = TypeVar("T")


def parse_numbers(option: str, text: str | None, kind: Callable[[str], T], allowed: str) -> tuple:
    """A comma-separated option as a tuple of ``kind`` (empty when not given).

    Parameters
    ----------
    option
        The option's name, for the message (e.g. ``"--start-day"``).
    text
        The typed value, or None when the option was not given.
    kind
        ``int`` or ``float``.
    allowed
        What the values must be, for the message (e.g. ``"numbers in 1–480"``).

    Raises
    ------
    UserInputError
        Naming ``option`` and ``allowed`` when an item is not a ``kind``.
    """
    if text is None:
        return ()
    values = []
    for item in text.split(","):
        try:
            values.append(kind(item.strip()))
        except ValueError:
            raise UserInputError(option, f"must be {allowed}, got {item.strip()!r}") from None
    return tuple(values)


def parse_start_days(text: str | None) -> tuple[int, ...]:
    """``--start-day``: the day(s) since stroke the added therapy starts (empty: the
    day after the last observation)."""
    return parse_numbers(START_DAY_OPTION, text, int, "integers (days since stroke)")


def parse_minutes(text: str | None) -> tuple[float, ...]:
    """``--minutes-per-session``: minutes per session of the added training, in
    :data:`strokesim.predict.pipeline.MINUTES_RANGE` (empty: each protocol's own)."""
    from strokesim.predict.pipeline import MINUTES_RANGE

    lo, hi = MINUTES_RANGE
    return parse_numbers(MINUTES_OPTION, text, float, f"numbers in {lo:g}–{hi:g}")


def candidate_names(first: Sequence[str] = ()) -> tuple[str, ...]:
    """The shipped protocols a user may rank: ``first``, then every other shipped
    protocol that adds therapy to usual care (library order).

    Usual care (the reference every candidate is compared with) and no therapy add
    nothing and are left out unless named in ``first``.
    """
    from strokesim.therapy.library import beyond_usual_care, named_protocols

    others = [
        name
        for name, protocol in named_protocols().items()
        if name not in first and beyond_usual_care(protocol)
    ]
    return (*first, *others)
