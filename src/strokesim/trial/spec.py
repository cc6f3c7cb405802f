"""``TrialSpec``: a rehabilitation trial declared in TOML, validated once at the edge.

Days are counted from stroke onset (day 0) for screening, randomisation and arm
starts; visits are counted from randomisation. Every invalid spec raises a
:class:`strokesim.errors.UserInputError` naming one field (``arms[1].protocol``,
``randomisation.strata[0]``, ...) before anything is simulated or written.

Example
-------
>>> spec = load_trial("examples/trials/subacute_cimt.toml")  # doctest: +SKIP
>>> [arm.name for arm in spec.arms]                           # doctest: +SKIP
['usual_care', 'cimt']
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

import pydantic
from pydantic import Field

from strokesim.cohort.population import POPULATION_PARAMETERS
from strokesim.compare import divergence_day
from strokesim.errors import UserInputError
from strokesim.io.toml_config import read_toml
from strokesim.model.anatomy import FMA_ITEMS
from strokesim.registry import check_value
from strokesim.simulate import MAX_DAYS
from strokesim.therapy._errors import first_validation_error
from strokesim.therapy._fields import StrictModel
from strokesim.therapy.library import beyond_usual_care, named_protocols, usual_care
from strokesim.therapy.schema import Protocol, load_protocol

__all__ = [
    "BASELINE_MEASURES",
    "MEASURES",
    "RATER_NOISE_SD",
    "SCALE_RANGE",
    "SEVERITY_BAND_DAY",
    "ArmSpec",
    "LoadedTrial",
    "PublishedCheck",
    "PublishedSpec",
    "TrialSpec",
    "load_trial",
    "parse_trial",
]

#: Range of each outcome scale (points).
SCALE_RANGE: dict[str, tuple[int, int]] = {"fma_ue": (0, 66), "arat": (0, 57)}

#: Simulated measures that screening and stratification can read; screening can also
#: read any FMA-UE item by name (:data:`strokesim.model.anatomy.FMA_ITEMS`, scored 0–2).
MEASURES = ("fma_ue", "arat", "mep_present", "severity_band")

#: Range of one FMA-UE item (points).
ITEM_RANGE: tuple[int, int] = (0, 2)

#: Measures that stratification may use (categorical ones, read at baseline).
BASELINE_MEASURES = ("severity_band", "mep_present")

#: Day (since onset) on which the LEAPS severity band is read (FMA-UE at day 3).
SEVERITY_BAND_DAY = 3

#: Rater noise SD (points, one rater, one occasion) added to the true score of each scale.
#: FMA-UE: Hernández et al. 2019 J Rehabil Med 51:652 (inter-rater agreement on the total
#: reaches ~80% only within ±3 points, i.e. an SD of a two-rater difference of ≈ 2.7 and
#: ≈ 1.9 per rater). ARAT: van der Lee et al. 2001 Arch Phys Med Rehabil 82:14
#: (inter-rater limits of agreement −2.35 to 3.85 → SD of the difference 1.58, 1.1 per rater).
RATER_NOISE_SD: dict[str, float] = {"fma_ue": 1.9, "arat": 1.1}

_BANDS = ("mild", "moderate", "severe")

Scale = Literal["fma_ue", "arat"]
#: A measure name: one of :data:`MEASURES` or an FMA-UE item (checked in :func:`parse_trial`).
Measure = Annotated[str, Field(min_length=1)]
Probability = Annotated[float, Field(ge=0.0, lt=1.0)]


class PopulationSpec(StrictModel):
    """The screened population: the default virtual cohort (optionally re-shaped)."""

    n: Annotated[int, Field(ge=1, le=100_000)] = 200
    seed: Annotated[int, Field(ge=0, lt=2**32)] = 0
    parameters: dict[str, float] = Field(default_factory=dict)


class Criterion(StrictModel):
    """One inclusion or exclusion rule on a measure read on the screening day."""

    measure: Measure
    min: float | None = None
    max: float | None = None
    values: tuple[str, ...] | None = None  # severity bands, or "positive"/"negative" for MEP
    reason: str = ""  # why a patient is excluded by this rule (shown in the CONSORT flow)


class ScreeningSpec(StrictModel):
    """Screening on one day since onset (inclusion: all must hold; exclusion: any)."""

    day: Annotated[int, Field(ge=1, le=MAX_DAYS)] = 3
    include: tuple[Criterion, ...] = ()
    exclude: tuple[Criterion, ...] = ()


class ArmSpec(StrictModel):
    """An arm: a named or file protocol, its start day and its allocation ratio."""

    name: Annotated[str, Field(min_length=1, max_length=60)]
    protocol: Annotated[str, Field(min_length=1)]
    start_day: Annotated[int, Field(ge=0, le=MAX_DAYS)] | None = None
    ratio: float = 1.0


class RandomisationSpec(StrictModel):
    """How and when patients are allocated."""

    day: Annotated[int, Field(ge=1, le=MAX_DAYS)] = 3
    method: Literal["simple", "blocks", "stratified"] = "stratified"
    block_size: Annotated[int, Field(ge=1)] | None = None
    strata: tuple[str, ...] = ("severity_band",)


class OutcomeSpec(StrictModel):
    """The primary outcome: change in a scale from baseline to one visit."""

    scale: Scale = "fma_ue"
    visit: Annotated[int, Field(ge=1)] | None = None  # default: the last visit
    responder_change: float = 5.0
    secondary: tuple[Scale, ...] = ()


class DropoutSpec(StrictModel):
    """Probability of dropping out before each visit (monotone missingness)."""

    per_visit: Probability = 0.0
    by_band: dict[Literal["mild", "moderate", "severe"], Probability] = Field(default_factory=dict)


class RaterNoiseSpec(StrictModel):
    """Rater noise SD (points) per scale; default from published inter-rater reliability."""

    enabled: bool = True
    sd: dict[Scale, Annotated[float, Field(ge=0.0, le=20.0)]] = Field(default_factory=dict)


class AnalysisSpec(StrictModel):
    """The analysis plan: two-sided alpha and subgroup variables."""

    alpha: Annotated[float, Field(gt=0.0, lt=0.5)] = 0.05
    subgroups: tuple[str, ...] = ("severity_band", "mep_present")


class PublishedCheck(StrictModel):
    """One published result the trial is compared with (``[[published.checks]]``).

    A *contrast* check compares two arms' mean per-patient statistic (paired twins);
    a *share* check (a prognostic cohort, one arm) reads the percentage of the
    enrolled patients meeting ``reach`` at the visit. ``comparison``: ``interval``
    (the model's estimate inside the published 95% interval) or ``sign`` (only the
    sign was published: the model's 95% interval on that side of zero).
    """

    key: Annotated[str, Field(min_length=1, max_length=60)]
    statistic: Literal["change", "responder", "weekly_slope", "share"] = "change"
    contrast: tuple[str, str] | None = None  # (experimental, control) arm names
    visit: Annotated[int, Field(ge=1)]  # days after randomisation of the outcome
    therapy_weeks: Annotated[float, Field(gt=0.0)] = 1.0  # weekly_slope: change per week
    reach: Criterion | None = None  # share: the outcome rule read at the visit
    comparison: Literal["interval", "sign"]
    value: float | None = None
    interval: tuple[float, float] | None = None
    counts: tuple[int, int] | None = None  # share: "k of n" published; value, Wilson interval
    direction: Literal["positive", "negative"] | None = None
    factor: Annotated[float, Field(gt=0.0)] = 1.0  # published numbers x factor (unit change)
    note: str
    emulation: str
    group_text: str = ""  # share: the group's wording
    outcome_text: str = ""  # share: the outcome's wording


class PublishedSpec(StrictModel):
    """The publication a trial spec emulates, and its checks (``[published]``).

    ``set``: ``held_out`` (no parameter took a number from it) or ``calibration``
    (``calibration_use`` says how its result informed a parameter; reported apart).
    """

    source: Annotated[str, Field(min_length=1)]
    finding: Annotated[str, Field(min_length=1)]
    set: Literal["held_out", "calibration"] = "held_out"
    calibration_use: str | None = None
    checks: tuple[PublishedCheck, ...]


class TrialSpec(StrictModel):
    """A whole trial. ``arms[0]`` is the control arm of every comparison."""

    name: Annotated[str, Field(min_length=1, max_length=100)]
    description: str = ""
    population: PopulationSpec = PopulationSpec()
    screening: ScreeningSpec = ScreeningSpec()
    arms: tuple[ArmSpec, ...]
    randomisation: RandomisationSpec = RandomisationSpec()
    visits: tuple[int, ...]
    outcome: OutcomeSpec = OutcomeSpec()
    dropout: DropoutSpec = DropoutSpec()
    rater_noise: RaterNoiseSpec = RaterNoiseSpec()
    analysis: AnalysisSpec = AnalysisSpec()
    published: PublishedSpec | None = None

    @property
    def primary_visit(self) -> int:
        """Days after randomisation of the primary visit."""
        return self.outcome.visit if self.outcome.visit is not None else self.visits[-1]

    @property
    def last_day(self) -> int:
        """Last simulated day since onset."""
        return self.randomisation.day + max(self.visits)

    def noise_sd(self, scale: str) -> float:
        """Rater noise SD (points) of ``scale`` in this trial."""
        if not self.rater_noise.enabled:
            return 0.0
        return self.rater_noise.sd.get(scale, RATER_NOISE_SD[scale])


def _check(spec: TrialSpec, base: Path | None) -> dict[str, Protocol]:
    """Cross-field checks; returns the arms' protocols, resolved and shifted."""
    if not spec.arms:
        raise UserInputError("arms", "give at least one arm (two for a comparison)")
    names = [arm.name for arm in spec.arms]
    for i, name in enumerate(names):
        if names.index(name) != i:
            raise UserInputError(f"arms[{i}].name", f"{name!r} names two arms")
    for key, value in spec.population.parameters.items():
        if key not in POPULATION_PARAMETERS:
            known = ", ".join(POPULATION_PARAMETERS)
            raise UserInputError(f"population.parameters.{key}", f"unknown (known: {known})")
        check_value(key, value, field=f"population.parameters.{key}")
    rand = spec.randomisation
    if not spec.visits:
        raise UserInputError("visits", "give at least one visit (days after randomisation)")
    for i, visit in enumerate(spec.visits):
        if visit <= 0:
            raise UserInputError(
                f"visits[{i}]", f"must be ≥ 1 day after randomisation, got {visit}"
            )
    if list(spec.visits) != sorted(set(spec.visits)):
        raise UserInputError("visits", f"must be increasing and distinct, got {list(spec.visits)}")
    if spec.last_day > MAX_DAYS:
        raise UserInputError("visits", f"the last visit falls after day {MAX_DAYS} since onset")
    first_visit = rand.day + spec.visits[0]
    if spec.screening.day > first_visit:
        raise UserInputError(
            "screening.day",
            f"must not fall after the first visit (day {first_visit} since onset), "
            f"got {spec.screening.day}",
        )
    if spec.screening.day > rand.day:
        raise UserInputError(
            "screening.day",
            f"must be on or before randomisation (day {rand.day}), got {spec.screening.day}",
        )
    for group in ("include", "exclude"):
        for i, rule in enumerate(getattr(spec.screening, group)):
            _check_criterion(rule, f"screening.{group}[{i}]", spec.screening.day)
    for i, arm in enumerate(spec.arms):
        if not arm.ratio > 0:
            raise UserInputError(f"arms[{i}].ratio", f"must be > 0, got {arm.ratio}")
    for i, stratum in enumerate(rand.strata):
        field = f"randomisation.strata[{i}]"
        measured = [m for m in BASELINE_MEASURES if m != "severity_band" or rand.day >= 3]
        if stratum not in measured:
            raise UserInputError(
                field,
                f"{stratum!r} is not measured at baseline (day {rand.day}); "
                f"baseline measures: {', '.join(measured)}",
            )
    if rand.method in ("blocks", "stratified"):
        for i, arm in enumerate(spec.arms):
            if arm.ratio != int(arm.ratio):
                raise UserInputError(
                    f"arms[{i}].ratio", f"permuted blocks need whole-number ratios, got {arm.ratio}"
                )
        total = int(sum(arm.ratio for arm in spec.arms))
        if rand.block_size is not None and rand.block_size % total:
            raise UserInputError(
                "randomisation.block_size",
                f"must be a multiple of the ratios' sum ({total}), got {rand.block_size}",
            )
    n_strata = _n_strata(spec)
    if spec.population.n < n_strata:
        raise UserInputError(
            "population.n", f"must be ≥ the number of strata ({n_strata}), got {spec.population.n}"
        )
    visit = spec.primary_visit
    if visit not in spec.visits:
        raise UserInputError("outcome.visit", f"must be one of the visits {list(spec.visits)}")
    high = SCALE_RANGE[spec.outcome.scale][1]
    if not 0 < spec.outcome.responder_change <= high:
        raise UserInputError(
            "outcome.responder_change",
            f"must lie in (0, {high}] (the {spec.outcome.scale} range), "
            f"got {spec.outcome.responder_change}",
        )
    for i, name in enumerate(spec.analysis.subgroups):
        if name not in BASELINE_MEASURES:
            raise UserInputError(
                f"analysis.subgroups[{i}]",
                f"unknown {name!r}; allowed: {', '.join(BASELINE_MEASURES)}",
            )
    protocols = {arm.name: _arm_protocol(arm, i, base, rand.day) for i, arm in enumerate(spec.arms)}
    if spec.published is not None:
        _check_published(spec)
    diverge = divergence_day(list(protocols.values()), spec.last_day)
    if diverge < rand.day:
        raise UserInputError(
            "arms",
            f"the arms' protocols differ from day {diverge}, before randomisation on day "
            f"{rand.day} (give every arm the same background until then)",
        )
    return protocols


def _check_published(spec: TrialSpec) -> None:
    """Cross-field checks of ``[published]``: arms, visits, interval or sign, set."""
    published = spec.published
    assert published is not None
    if published.set == "calibration" and not published.calibration_use:
        raise UserInputError("published.calibration_use", "say how the result informed a parameter")
    if published.set == "held_out" and published.calibration_use:
        raise UserInputError("published.set", "a trial with a calibration_use is 'calibration'")
    if not published.checks:
        raise UserInputError("published.checks", "give at least one check")
    names = [arm.name for arm in spec.arms]
    keys = [check.key for check in published.checks]
    for i, check in enumerate(published.checks):
        field = f"published.checks[{i}]"
        if keys.index(check.key) != i:
            raise UserInputError(f"{field}.key", f"{check.key!r} names two checks")
        if check.visit not in spec.visits:
            raise UserInputError(f"{field}.visit", f"must be one of the visits {list(spec.visits)}")
        share = check.statistic == "share"
        if share and (check.reach is None or check.contrast is not None):
            raise UserInputError(f"{field}.reach", "a share check gives reach and no contrast")
        if not share and (check.contrast is None or check.reach is not None):
            raise UserInputError(f"{field}.contrast", "a contrast check gives contrast, no reach")
        for arm in check.contrast or ():
            if arm not in names:
                raise UserInputError(f"{field}.contrast", f"unknown arm {arm!r} (arms: {names})")
        if check.reach is not None:
            _check_criterion(check.reach, f"{field}.reach", spec.randomisation.day)
        interval = check.interval is not None or check.counts is not None
        if check.comparison == "interval" and (not interval or check.direction is not None):
            raise UserInputError(f"{field}.interval", "an interval check gives an interval")
        if check.comparison == "sign" and (interval or check.direction is None):
            raise UserInputError(f"{field}.direction", "a sign check gives a direction only")
        if check.counts is not None and not 0 <= check.counts[0] <= check.counts[1] > 0:
            raise UserInputError(f"{field}.counts", f"need 0 ≤ k ≤ n, n ≥ 1: {check.counts}")


def _check_criterion(rule: Criterion, field: str, day: int) -> None:
    known = (*MEASURES, *FMA_ITEMS)
    if rule.measure not in known:
        raise UserInputError(
            f"{field}.measure",
            f"unknown {rule.measure!r}; one of {', '.join(MEASURES)} or an "
            "FMA-UE item (e.g. finger_mass_extension)",
        )
    if rule.measure in SCALE_RANGE or rule.measure in FMA_ITEMS:
        low, high = SCALE_RANGE.get(rule.measure, ITEM_RANGE)
        if rule.min is None and rule.max is None:
            raise UserInputError(field, "give min and/or max for a scale")
        for key in ("min", "max"):
            value = getattr(rule, key)
            if value is not None and not low <= value <= high:
                raise UserInputError(f"{field}.{key}", f"must lie in {low}–{high}, got {value}")
        return
    allowed = _BANDS if rule.measure == "severity_band" else ("positive", "negative")
    if not rule.values:
        raise UserInputError(f"{field}.values", f"give one or more of: {', '.join(allowed)}")
    for value in rule.values:
        if value not in allowed:
            raise UserInputError(
                f"{field}.values", f"unknown {value!r}; allowed: {', '.join(allowed)}"
            )
    if rule.measure == "severity_band" and day < SEVERITY_BAND_DAY:
        raise UserInputError(
            f"{field}.measure",
            f"the severity band is read on day {SEVERITY_BAND_DAY}, after screening on day {day}",
        )


def _n_strata(spec: TrialSpec) -> int:
    sizes = {"severity_band": 3, "mep_present": 2}
    count = 1
    if spec.randomisation.method == "stratified":
        for stratum in spec.randomisation.strata:
            count *= sizes.get(stratum, 1)
    return count


def _arm_protocol(arm: ArmSpec, index: int, base: Path | None, rand_day: int) -> Protocol:
    field = f"arms[{index}].protocol"
    value = arm.protocol
    if value.lower().endswith(".toml"):
        path = Path(value) if base is None or Path(value).is_absolute() else base / value
        if not path.is_file():
            raise UserInputError(field, f"protocol file not found: {path}")
        try:
            protocol = load_protocol(path)
        except UserInputError as error:
            raise UserInputError(field, f"{error.field}: {error.problem}") from None
    else:
        known = named_protocols()
        if value not in known:
            raise UserInputError(field, f"unknown protocol {value!r} (known: {', '.join(known)})")
        protocol = known[value]
    if arm.start_day is not None:
        protocol = _shift(protocol, arm.start_day)
    start = _first_added_day(protocol)
    if start is not None and start < rand_day:
        raise UserInputError(
            f"arms[{index}].start_day",
            f"the arm's therapy starts on day {start}, before randomisation on day {rand_day}",
        )
    return protocol


def _first_added_day(protocol: Protocol) -> int | None:
    added = beyond_usual_care(protocol)
    return min(c.start_day for c in added) if added else None


def _shift(protocol: Protocol, start_day: int) -> Protocol:
    """The protocol with its components beyond usual care moved to start on ``start_day``."""
    first = _first_added_day(protocol)
    if first is None:
        return protocol
    background = usual_care().components
    offset = start_day - first
    moved = tuple(
        c if c in background else c.model_copy(update={"start_day": c.start_day + offset})
        for c in protocol.components
    )
    return Protocol(name=protocol.name, description=protocol.description, components=moved)


class LoadedTrial:
    """A validated spec with its arms' protocols resolved (dict keyed by arm name)."""

    def __init__(self, spec: TrialSpec, protocols: dict[str, Protocol]) -> None:
        self.spec = spec
        self.protocols = protocols


def parse_trial(data: dict[str, Any], *, base: Path | None = None) -> LoadedTrial:
    """Validate a parsed trial document; ``base`` resolves relative protocol paths."""
    try:
        spec = TrialSpec.model_validate(data)
    except pydantic.ValidationError as exc:
        raise first_validation_error(exc, "", data=data) from exc
    return LoadedTrial(spec, _check(spec, base))


def load_trial(path: str | os.PathLike[str]) -> LoadedTrial:
    """Read and validate a trial TOML file (relative protocol paths: next to it)."""
    path = Path(path)
    if not path.is_file():
        raise UserInputError("TRIAL.toml", f"file not found: {path}")
    return parse_trial(read_toml(path), base=path.parent)
