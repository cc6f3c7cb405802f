"""Is a held-out check independent of the numbers that drive the model? Detected, not declared.

A published trial or cohort can only test generalisation if nothing the model
runs on was taken from its result. This module finds, by reading the sources in
code, every place that cites a check:

- every registry parameter (model, therapy, population) whose ``source`` cites it;
- every calibration objective (a validation target that fixed a calibrated
  parameter, :attr:`~strokesim.model.parameters.Parameter.calibrated_by`) whose
  finding or source cites it;
- every shipped protocol and every therapy component whose description or
  docstring cites it (their defaults).

A citation is recognised by the check's own tokens, taken from its ``source``
string (:func:`citation_patterns`): the first author with the first year
("Dawson … 2021") and the trial's acronym in the first parenthesis
("VNS-REHAB"), case-sensitive. Taking a trial's *design* (its dose, duration,
current, device) is allowed (issue 30); such a citation is exempted only when it
is listed in :data:`DESIGN_CITATIONS` with what is taken, and a test keeps that
list free of stale entries. Every other citation makes the check "shares: …",
and its verdict cannot count as evidence of generalisation.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from strokesim.model.parameters import REGISTRY, Parameter

__all__ = [
    "DESIGN_CITATIONS",
    "Citation",
    "Independence",
    "citation_patterns",
    "cites",
    "default_places",
    "independence",
]

#: Citations that take only a trial's design (allowed), keyed by (place, study): what
#: the place takes from the trial. A study names every check whose key starts with it
#: ("VA ROBOTICS" names its three readings). Places are ``registry:name``,
#: ``protocol:name`` or ``component:ClassName`` (see :func:`default_places`).
DESIGN_CITATIONS: Final[Mapping[tuple[str, str], str]] = {
    ("therapy:ssri.reference_dose", "FLAME"): "the trial's dose, 20 mg/day",
    ("protocol:fluoxetine_flame", "FLAME"): "the trial's drug, dose and duration",
    ("component:Drug", "FLAME"): "the trial's agent and dose as the default",
    ("protocol:vns_paired_6_weeks", "VNS-REHAB"): "the trial's current, pairing and schedule",
    ("protocol:sham_vns_paired_6_weeks", "VNS-REHAB"): "the trial's sham arm (0 mA)",
    ("component:VagusNerveStimulation", "VNS-REHAB"): "the trial's current and pulse settings",
    ("protocol:robot_45min_3x_12weeks", "VA ROBOTICS"): "the trial's device, dose and schedule",
    ("component:RobotTraining", "VA ROBOTICS"): "the trial's movements per session and mix",
    ("component:TaskTraining", "Lang 2016"): "repetitions per hour the trial delivered",
}

_AUTHOR_YEAR: Final[re.Pattern[str]] = re.compile(
    r"^\s*([A-Z][A-Za-z'\-]+)\b[^;]*?\b((?:19|20)\d{2})\b"
)
_ACRONYM: Final[re.Pattern[str]] = re.compile(r"\(([A-Z][A-Z0-9]+(?:[- ][A-Za-z0-9]+)*)[,;:)]")


def citation_patterns(source: str) -> tuple[re.Pattern[str], ...]:
    """Patterns that recognise a citation of the study whose ``source`` string is given.

    The first author and the first year of ``source`` (matched when at most 40
    characters without a digit, parenthesis or semicolon separate them, so
    "Lang et al. 2016" and "Lang 2016" match and "Lang et al. 2009" does not), and
    the acronym in the first parenthesis when it has three or more capitals (with
    its stem before a hyphen: "EXPLICIT-stroke" also gives "EXPLICIT").

    Examples
    --------
    >>> patterns = citation_patterns("Dawson et al. 2021 Lancet (VNS-REHAB, n = 108)")
    >>> [bool(p.search("as in VNS-REHAB (Dawson et al. 2021)")) for p in patterns]
    [True, True]
    >>> [bool(p.search("Dawson 2019; VNS-REHABILITATION")) for p in patterns]
    [False, False]
    """
    patterns = []
    found = _AUTHOR_YEAR.search(source)
    if found:
        author, year = found.groups()
        patterns.append(rf"\b{re.escape(author)}\b[^;()0-9]{{0,40}}?\b{year}\b")
    acronym = _ACRONYM.search(source)
    if acronym and sum(char.isupper() for char in acronym.group(1)) >= 3:
        names = [acronym.group(1)]
        stem, _, rest = names[0].partition("-")
        if rest and rest.islower():
            names.append(stem)
        patterns += [rf"(?<![A-Za-z0-9\-]){re.escape(name)}(?![A-Za-z0-9])" for name in names]
    return tuple(re.compile(pattern) for pattern in patterns)


def cites(text: str, source: str) -> str | None:
    """The part of ``text`` that cites the study of ``source``, or ``None``.

    Examples
    --------
    >>> cites("Diminishing returns (Lang et al. 2016 JAMA Neurol)", "Lang et al. 2016 JAMA")
    'Lang et al. 2016'
    >>> cites("usual care (Lang et al. 2009 Arch Phys Med)", "Lang et al. 2016 JAMA") is None
    True
    """
    for pattern in citation_patterns(source):
        found = pattern.search(text)
        if found:
            return found.group(0)
    return None


@dataclass(frozen=True)
class Citation:
    """One place that cites a check.

    Attributes
    ----------
    place
        ``registry:name`` (``model:``, ``therapy:``, ``population:``),
        ``objective:Vn``, ``protocol:name`` or ``component:ClassName``.
    quoted
        The citing words found.
    design
        What is taken from the trial's design, when the citation is a declared
        design citation (:data:`DESIGN_CITATIONS`); ``None`` when it counts.
    """

    place: str
    quoted: str
    design: str | None = None

    @property
    def what(self) -> str:
        """What the place shares with the check, in a few words."""
        kind = self.place.split(":", 1)[0]
        if kind == "objective":
            return f"calibration objective cites '{self.quoted}'"
        if kind in ("protocol", "component"):
            return f"{kind} default cites '{self.quoted}'"
        return f"{kind} registry: source cites '{self.quoted}'"


@dataclass(frozen=True)
class Independence:
    """A check's independence status.

    Attributes
    ----------
    key
        The check.
    shared
        Citations that are not design-only: each makes the check not independent.
    design
        Declared design-only citations (allowed).
    """

    key: str
    shared: tuple[Citation, ...]
    design: tuple[Citation, ...] = ()

    @property
    def independent(self) -> bool:
        """True when nothing but the trial's design was taken from it."""
        return not self.shared

    @property
    def text(self) -> str:
        """``independent`` or ``shares: <place> (<what>); …`` for the report's column."""
        if self.independent:
            return "independent"
        parts = [f"{c.place.split(':', 1)[1]} ({c.what})" for c in self.shared]
        return "shares: " + "; ".join(parts)


def _registry_places(
    registries: Mapping[str, Mapping[str, Parameter]],
) -> list[tuple[str, str]]:
    return [
        (f"{registry}:{name}", parameter.source)
        for registry, parameters in registries.items()
        for name, parameter in parameters.items()
    ]


def _objective_places() -> list[tuple[str, str]]:
    from strokesim.validate.metrics_targets import TARGETS

    used = {
        target.strip()
        for parameter in REGISTRY.values()
        if parameter.calibrated_by
        for target in re.split(r"[/,]", parameter.calibrated_by)
    }
    return [
        (f"objective:{tid}", f"{TARGETS[tid].finding} {TARGETS[tid].source}")
        for tid in sorted(used)
        if tid in TARGETS
    ]


def _default_registries() -> dict[str, Mapping[str, Parameter]]:
    from strokesim.cohort.population import POPULATION_PARAMETERS
    from strokesim.therapy.parameters import THERAPY_PARAMETERS

    return {"model": REGISTRY, "therapy": THERAPY_PARAMETERS, "population": POPULATION_PARAMETERS}


def _protocol_places() -> list[tuple[str, str]]:
    from strokesim.therapy import components, modulators
    from strokesim.therapy.library import named_protocols

    places = [(f"protocol:{name}", p.description) for name, p in named_protocols().items()]
    for module in (components, modulators):
        for name, cls in vars(module).items():
            if inspect.isclass(cls) and cls.__module__ == module.__name__:
                places.append((f"component:{name}", inspect.getdoc(cls) or ""))
    return places


def default_places(
    registries: Mapping[str, Mapping[str, Parameter]] | None = None,
) -> list[tuple[str, str]]:
    """Every (place, text) that could take a number from a check.

    ``registries``: ``{"model": …, "therapy": …, "population": …}``; the shipped
    registries when not given (a test passes an altered copy).
    """
    chosen = _default_registries() if registries is None else registries
    return [*_registry_places(chosen), *_objective_places(), *_protocol_places()]


def independence(
    key: str, source: str, places: Iterable[tuple[str, str]] | None = None
) -> Independence:
    """Which places cite the check ``key`` whose citation is ``source``.

    Parameters
    ----------
    key
        The check's key (``"VNS-REHAB"``); design exemptions are looked up by it.
    source
        The check's citation (first author, year, acronym in parentheses).
    places
        (place, text) pairs to search; :func:`default_places` when not given.
    """
    shared, design = [], []
    for place, text in default_places() if places is None else places:
        quoted = cites(text, source)
        if quoted is None:
            continue
        allowed = next(
            (
                what
                for (at, study), what in DESIGN_CITATIONS.items()
                if at == place and key.startswith(study)
            ),
            None,
        )
        (design if allowed else shared).append(Citation(place, quoted, allowed))
    return Independence(key, tuple(shared), tuple(design))


def independence_of_all(
    checks: Sequence[tuple[str, str]],
    registries: Mapping[str, Mapping[str, Parameter]] | None = None,
) -> dict[str, Independence]:
    """:func:`independence` of each (key, source), reading the places once."""
    places = default_places(registries)
    return {key: independence(key, source, places) for key, source in checks}
