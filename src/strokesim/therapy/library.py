"""Named protocols matching published ones, and a table view of any protocol.

The canonical TOML files live in ``strokesim/therapy/protocols/`` (package data);
``examples/protocols/`` holds identical copies for users to read and adapt.
"""

from __future__ import annotations

import functools
import numbers
from importlib import resources
from pathlib import Path

from strokesim.errors import UserInputError
from strokesim.io.toml_config import read_toml
from strokesim.registry import registry_values_only
from strokesim.therapy.components import _Component
from strokesim.therapy.schema import Component, Protocol, parse_protocol

__all__ = [
    "beyond_usual_care",
    "describe_protocol",
    "named_protocol",
    "named_protocols",
    "no_therapy",
    "on_usual_care",
    "usual_care",
]

_USUAL_CARE_DESCRIPTION = (
    "Usual care: about 30 minutes of arm therapy on weekdays from day 3 to day {last}, "
    "with 32 repetitions of functional upper-limb movement per session (mean observed by "
    "Lang et al. 2009 Arch Phys Med Rehabil 90:1692)."
)


_NO_THERAPY_DESCRIPTION = (
    "No therapy: spontaneous biological recovery and daily-life use of the arm only "
    "(a mechanistic reference, not a trial arm)."
)


def usual_care(days_of_therapy: int = 90) -> Protocol:
    """Usual care: ~30 min of arm therapy on weekdays from day 3, 32 repetitions per session.

    Lang et al. 2009 Arch Phys Med Rehabil 90:1692 observed a mean of 32
    repetitions of functional upper-limb movement per therapy session.

    Parameters
    ----------
    days_of_therapy
        Length of the usual-care period in days (default 90: the first 3 months).

    Returns
    -------
    Protocol
        One ``task_training`` component: start day 3, 5 sessions/week, 32 trials of
        30 min. Equal to ``named_protocols()["usual_care"]`` for the default.

    Raises
    ------
    strokesim.errors.UserInputError
        If ``days_of_therapy`` is not a positive integer.
    """
    if (
        isinstance(days_of_therapy, bool)
        or not isinstance(days_of_therapy, numbers.Integral)
        or days_of_therapy < 1
    ):
        raise UserInputError("days_of_therapy", f"must be an integer ≥ 1, got {days_of_therapy!r}")
    start_day = 3
    return parse_protocol(
        {
            "name": "usual_care",
            "description": _USUAL_CARE_DESCRIPTION.format(last=start_day + days_of_therapy - 1),
            "components": [
                {
                    "kind": "task_training",
                    "start_day": start_day,
                    "duration_days": int(days_of_therapy),
                    "sessions_per_week": 5,
                    "trials_per_session": 32,
                    "minutes_per_session": 30,
                }
            ],
        }
    )


def on_usual_care(name: str, description: str, *components: Component) -> Protocol:
    """A protocol of ``components`` given on top of the default usual care.

    How trials add therapy to a rehabilitation ward's routine: the usual-care
    component comes first, the added ones follow in the order given.
    """
    return Protocol(
        name=name,
        description=description,
        components=(*usual_care().components, *components),
    )


def beyond_usual_care(protocol: Protocol) -> list[Component]:
    """The components of ``protocol`` that are not the default usual-care background."""
    background = usual_care().components
    return [c for c in protocol.components if c not in background]


def no_therapy() -> Protocol:
    """The empty protocol: spontaneous recovery and daily-life use only.

    Returns
    -------
    Protocol
        Equal to ``named_protocols()["no_therapy"]``.
    """
    return Protocol(name="no_therapy", description=_NO_THERAPY_DESCRIPTION, components=())


@functools.cache
def _load_named() -> tuple[tuple[str, Protocol], ...]:
    folder = resources.files("strokesim.therapy") / "protocols"
    loaded = []
    # cached: component defaults are the registry's, never a caller's override block
    with registry_values_only():
        for entry in sorted(folder.iterdir(), key=lambda item: item.name):
            if entry.name.endswith(".toml"):
                with resources.as_file(entry) as path:
                    loaded.append((entry.name.removesuffix(".toml"), _load(path)))
    return tuple(loaded)


def _load(path: Path) -> Protocol:
    return parse_protocol(read_toml(path), source=str(path))


def named_protocols() -> dict[str, Protocol]:
    """The protocols shipped with strokesim, by name.

    Returns
    -------
    dict of str to Protocol
        Keys are the file names without ``.toml``; each protocol's ``description``
        cites the trial it reproduces. Includes ``usual_care``, ``no_therapy``,
        ``cimt_2_weeks``, ``rtms_1hz_contralesional_training``, ``sham_rtms_training``,
        ``itbs_ipsilesional_training``, ``vns_paired_6_weeks``,
        ``sham_vns_paired_6_weeks``, ``high_dose_90h_3_weeks``,
        ``robot_45min_3x_12weeks``, ``vr_training``, ``fluoxetine_flame``,
        ``tdcs_dual_training`` and ``bimanual_training``.
    """
    return dict(_load_named())


def named_protocol(name: str) -> Protocol:
    """One shipped protocol by name.

    Parameters
    ----------
    name
        A key of :func:`named_protocols`.

    Returns
    -------
    Protocol

    Raises
    ------
    strokesim.errors.UserInputError
        If no shipped protocol has that name (the message lists them).
    """
    protocols = named_protocols()
    if name not in protocols:
        raise UserInputError(
            "protocol", f"unknown protocol {name!r}; named: {', '.join(protocols)}"
        )
    return protocols[name]


def describe_protocol(protocol: Protocol) -> list[dict[str, object]]:
    """Rows of a summary table, one per component.

    Parameters
    ----------
    protocol
        Any protocol.

    Returns
    -------
    list of dict
        Keys: ``component`` (index), ``kind``, ``days`` (``"first–last"`` since
        onset), ``sessions_per_week``, ``sessions`` (total), ``parameters`` (the
        component's own fields as ``key=value`` text).

    Examples
    --------
    >>> describe_protocol(usual_care())[0]["days"]
    '3–92'
    """
    return [_row(index, component) for index, component in enumerate(protocol.components)]


_COMMON = ("kind", "start_day", "duration_days", "sessions_per_week")


def _row(index: int, component: _Component) -> dict[str, object]:
    fields = component.model_dump()
    parameters = []
    for key, value in fields.items():
        if key in _COMMON or value is None or value is False:
            continue
        if isinstance(value, dict):
            value = "/".join(f"{family} {share:.0%}" for family, share in value.items() if share)
        elif isinstance(value, float):
            value = f"{value:g}"
        parameters.append(f"{key}={value}")
    return {
        "component": index,
        "kind": component.kind,
        "days": f"{component.start_day}–{component.end_day - 1}",
        "sessions_per_week": component.sessions_per_week,
        "sessions": component.session_count,
        "parameters": ", ".join(parameters),
    }
