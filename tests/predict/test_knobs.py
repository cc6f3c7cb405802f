"""The planner's knobs as typed (shared by `strokesim plan` and the page)."""

from __future__ import annotations

import pytest

from strokesim.errors import UserInputError
from strokesim.predict.knobs import candidate_names, parse_minutes, parse_start_days
from strokesim.predict.planner import DEFAULT_CANDIDATES
from strokesim.therapy.library import beyond_usual_care, named_protocols


def test_lists_are_read_and_not_given_is_empty() -> None:
    assert parse_start_days(None) == () and parse_minutes(None) == ()
    assert parse_start_days("10, 12") == (10, 12)
    assert parse_minutes("45") == (45.0,) and parse_minutes("30,60.5") == (30.0, 60.5)


@pytest.mark.parametrize(
    ("read", "text", "line"),
    [
        (parse_start_days, "soon", "--start-day: must be integers (days since stroke), got 'soon'"),
        (parse_start_days, "10,", "--start-day: must be integers (days since stroke), got ''"),
        (parse_minutes, "long", "--minutes-per-session: must be numbers in 1–480, got 'long'"),
    ],
)
def test_a_bad_item_is_one_line_naming_the_option(read, text, line) -> None:
    with pytest.raises(UserInputError) as caught:
        read(text)
    assert f"{caught.value.field}: {caught.value.problem}" == line


def test_the_candidates_offered_are_the_given_then_the_librarys_that_add_therapy() -> None:
    names = candidate_names(DEFAULT_CANDIDATES)
    assert names[: len(DEFAULT_CANDIDATES)] == DEFAULT_CANDIDATES
    assert len(set(names)) == len(names)
    adding = {n for n, p in named_protocols().items() if beyond_usual_care(p)}
    assert set(names) == adding | set(DEFAULT_CANDIDATES)
    assert "usual_care" not in names and "no_therapy" not in names
    assert candidate_names(("usual_care",))[0] == "usual_care"  # named: offered first
