"""One patient's prognosis and plan, computed in memory: the path shared by CLI and web page.

``strokesim predict`` / ``strokesim plan`` (:mod:`strokesim.cli.predict`) call
:func:`prognose_many` and the clinician's page (:mod:`strokesim.web`) calls
:func:`prognose` (the same for one record), so the page's numbers are the
command's for the same record, seed and settings. The steps are those of issue
25: a reference library of prior virtual patients simulated once per run under
usual care (of the patient's age for one record; ages drawn from the population,
with an age kernel in the likelihood, when several patients share it), the
calibration to each record, the published baselines, the posterior-predictive
bands and draws, and (when protocols are given) the ranked protocols, every
patient's twins simulated in one batch, and the next assessment. The plan's
knobs (candidates from protocol files, start day, minutes per session) are
:class:`Settings` fields, checked with the CLI's option names. Nothing is
written to disk here; :func:`parquet_table` and :func:`netcdf_bytes` give the
draws as a Parquet table or NetCDF bytes for whoever saves them.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from strokesim.errors import UserInputError
from strokesim.predict.comparators import Baselines
from strokesim.predict.planner import Plan
from strokesim.predict.posterior import Posterior
from strokesim.predict.record import PatientRecord
from strokesim.therapy.schema import Protocol

__all__ = [
    "DEFAULTS",
    "DISCLAIMER",
    "MINUTES_RANGE",
    "Prognosis",
    "Settings",
    "candidates",
    "check_all",
    "check_record",
    "check_settings",
    "draws_dataset",
    "netcdf_bytes",
    "parquet_bytes",
    "parquet_table",
    "prognose",
    "prognose_many",
]

#: Allowed minutes per session of the added training (``--minutes-per-session``), min.
MINUTES_RANGE = (1.0, 480.0)

#: The one-line statement heading the CSV files and the Parquet metadata (the CLI's own).
DISCLAIMER = "Research software, not a medical device: not clinical advice."

#: ``bars(description, then)``: a context manager yielding a ``progress(done, total)``
#: callback for one simulation stage (the CLI's rich bar, the page's job progress).
Bars = Callable[[str, str], contextlib.AbstractContextManager[Callable[[int, int], None]]]


@dataclass(frozen=True)
class Settings:
    """The knobs of a prognosis (defaults: the CLI's).

    Attributes
    ----------
    horizon
        Last day of the prediction, days since stroke (14–``MAX_DAYS``).
    library
        Prior virtual patients simulated (16–100000).
    method
        Calibration: ``"is"`` (importance sampling) or ``"smc"`` (+ resample-move).
    seed
        Root seed (0–2³¹−1).
    protocols
        Shipped protocol names to rank, or None for a prognosis without a plan
        (empty with ``custom_protocols``: rank only those).
    n_draws
        Posterior draws simulated per protocol (4–4096; used with ``protocols``).
    custom_protocols
        Validated protocols ranked after the named ones (``--protocol-file``; their
        names must differ from the named ones and from each other).
    start_day
        Day since stroke the added therapy starts (``--start-day``): empty for the
        day after the patient's last observation, one day for every candidate, or
        one per candidate (named ones, then custom ones); each after the last
        observation and before the horizon.
    minutes_per_session
        Minutes per session of each candidate's added training
        (``--minutes-per-session``, :data:`MINUTES_RANGE`; trials in proportion, see
        :func:`strokesim.predict.planner.with_minutes`): empty for each protocol's
        own, one value for all or one per candidate.
    """

    horizon: int = 180
    library: int = 512
    method: str = "smc"
    seed: int = 0
    protocols: tuple[str, ...] | None = None
    n_draws: int = 64
    custom_protocols: tuple[Protocol, ...] = ()
    start_day: tuple[int, ...] = ()
    minutes_per_session: tuple[float, ...] = ()


#: The CLI's defaults.
DEFAULTS = Settings()


def check_settings(settings: Settings) -> None:
    """Check the settings; one-line :class:`UserInputError` naming the CLI option."""
    from strokesim.predict.posterior import METHODS
    from strokesim.simulate import MAX_DAYS

    s = settings
    if not 14 <= s.horizon <= MAX_DAYS:
        raise UserInputError("--horizon", f"must be an integer in 14–{MAX_DAYS}, got {s.horizon}")
    if not 16 <= s.library <= 100_000:
        raise UserInputError("--library", f"must be an integer in 16–100000, got {s.library}")
    if s.method not in METHODS:
        raise UserInputError("--method", f"must be one of {', '.join(METHODS)}, got {s.method!r}")
    if not 0 <= s.seed < 2**31:
        raise UserInputError("--seed", f"must be an integer in 0–{2**31 - 1}, got {s.seed}")
    if s.protocols is None:
        if s.custom_protocols or s.start_day or s.minutes_per_session:
            raise UserInputError("--protocols", "plan knobs need candidate protocols")
        return
    if not s.protocols and not s.custom_protocols:
        raise UserInputError("--protocols", "name at least one protocol")
    if not 4 <= s.n_draws <= 4096:
        raise UserInputError("--draws", f"must be an integer in 4–4096, got {s.n_draws}")
    names = [*s.protocols, *(p.name for p in s.custom_protocols)]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise UserInputError("--protocol-file", f"protocol name {twice[0]!r} is given twice")
    for option, values in (
        ("--start-day", s.start_day),
        ("--minutes-per-session", s.minutes_per_session),
    ):
        if len(values) not in (0, 1, len(names)):
            raise UserInputError(
                option,
                f"must give 1 or {len(names)} values (one per protocol), got {len(values)}",
            )
    lo, hi = MINUTES_RANGE
    for minutes in s.minutes_per_session:
        if not lo <= minutes <= hi:
            raise UserInputError(
                "--minutes-per-session", f"must be a number in {lo:g}–{hi:g}, got {minutes:g}"
            )


def check_record(record: PatientRecord, horizon: int, start_day: Sequence[int] = ()) -> None:
    """Check that the record can be calibrated and predicted to ``horizon``, and that
    every ``start_day`` of the added therapy falls after its last observation and
    before ``horizon``."""
    if not record.observations:
        raise UserInputError(f"patients.{record.patient_id}", "has no observations")
    last = max(o.day for o in record.observations)
    if last >= horizon:
        raise UserInputError(
            "--horizon", f"must be after {record.patient_id}'s last observation day {last}"
        )
    for day in start_day:
        if not last < day < horizon:
            raise UserInputError(
                "--start-day",
                f"must be an integer in {last + 1}–{horizon - 1} (after "
                f"{record.patient_id}'s last observation, before the horizon), got {day}",
            )


def candidates(settings: Settings) -> tuple[dict[str, Protocol], dict[str, int]] | None:
    """The candidate protocols with their dose knob applied, and their start days.

    None without a plan. The start days map each candidate given one to its day
    (the others start the day after the last observation).
    """
    from strokesim.predict.planner import with_minutes
    from strokesim.therapy.library import named_protocol

    s = settings
    if s.protocols is None:
        return None
    chosen = {n: named_protocol(n) for n in s.protocols}
    chosen.update({p.name: p for p in s.custom_protocols})
    names = list(chosen)

    def per_candidate(values: tuple) -> list:
        return list(values) * len(names) if len(values) == 1 else list(values)

    for name, minutes in zip(names, per_candidate(s.minutes_per_session), strict=False):
        chosen[name] = with_minutes(chosen[name], minutes)
    starts = dict(zip(names, per_candidate(s.start_day), strict=False))
    return chosen, starts


@dataclass(frozen=True)
class Prognosis:
    """Everything computed for one patient (in memory).

    Attributes
    ----------
    record, settings
        The inputs.
    posterior
        The calibrated posterior (particles under usual care).
    baselines
        PREP2, proportional recovery and the mixture model.
    prediction
        The 50/80/95% bands, one row per (variable, day) (``prediction.csv``).
    figure
        Bands of every predicted variable with the observed points.
    draws
        Posterior particles × days with weights (``draws.parquet``).
    summary
        FMA-UE at the horizon: ``median``, ``p10``, ``p90``.
    plan
        The ranked protocols, or None without protocols.
    next_assessment
        Expected interval widths after one more assessment, or None without protocols.
    report_html
        The self-contained HTML report (``report.html``).
    lines
        The lines the CLI prints for this patient.
    """

    record: PatientRecord
    settings: Settings
    posterior: Posterior
    baselines: Baselines
    prediction: pd.DataFrame
    figure: Figure
    draws: pd.DataFrame
    summary: dict[str, float]
    plan: Plan | None
    next_assessment: pd.DataFrame | None
    report_html: str
    lines: tuple[str, ...]

    def text_files(self) -> dict[str, str]:
        """The text outputs by file name, in the CLI's order: ``plan.csv`` and
        ``next_assessment.csv`` (with a plan), ``report.html``, ``prediction.csv``;
        each CSV starts with a ``# <disclaimer>`` line."""
        files = {}
        if self.plan is not None and self.next_assessment is not None:
            files["plan.csv"] = f"# {DISCLAIMER}\n" + self.plan.table.to_csv(index=False)
            files["next_assessment.csv"] = f"# {DISCLAIMER}\n" + self.next_assessment.to_csv(
                index=False
            )
        files["report.html"] = self.report_html
        files["prediction.csv"] = f"# {DISCLAIMER}\n" + self.prediction.to_csv(index=False)
        return files


@contextlib.contextmanager
def _silent(description: str, then: str) -> Iterator[Callable[[int, int], None]]:
    yield lambda done, total: None


def prognose(
    record: PatientRecord, settings: Settings = DEFAULTS, bars: Bars | None = None
) -> Prognosis:
    """Calibrate the model to one record, predict, and (with protocols) plan.

    Parameters
    ----------
    record
        A validated patient record.
    settings
        Horizon, library size, method, seed, protocols, draws and plan knobs
        (checked here).
    bars
        Progress per simulation stage (default none); see :data:`Bars`.

    Raises
    ------
    strokesim.errors.UserInputError
        On invalid settings, a record without observations or one that reaches the
        horizon, or a start day outside the patient's window.
    """
    return prognose_many([record], settings, bars)[0]


def prognose_many(
    records: Sequence[PatientRecord], settings: Settings = DEFAULTS, bars: Bars | None = None
) -> list[Prognosis]:
    """:func:`prognose` for every record of a run, on one shared reference library.

    One record: the library's patients have its age (what :func:`prognose` gives).
    Several: their ages are drawn from the population and the likelihood adds an
    age kernel (:mod:`strokesim.predict.posterior`); every patient's planner twins
    are simulated in one batch (:func:`strokesim.predict.planner.plan_many`, the
    same plan as each patient alone on that library).

    Raises
    ------
    strokesim.errors.UserInputError
        As :func:`prognose`, for any record, before any simulation.
    """
    from strokesim.predict.library import build_library, library_days
    from strokesim.predict.likelihood import needs_day
    from strokesim.predict.planner import plan_many
    from strokesim.predict.posterior import calibrate

    s = settings
    records = list(records)
    check_all(records, s)
    if not records:
        return []
    chosen = candidates(s)
    bars = bars or _silent
    days = library_days(
        [o.day for r in records for o in r.observations if needs_day(o.measure)], s.horizon
    )
    posts: list[Posterior] = []
    if len(records) == 1:
        (r,) = records
        with bars("simulating library", "calibrating") as bar:
            lib = build_library(s.library, s.seed, days, age=r.age, progress=bar)
            posts.append(calibrate(r, lib, method=s.method, seed=s.seed, progress=bar))
    else:
        with bars(f"reference library ({s.library} patients)", "calibrating") as bar:
            lib = build_library(s.library, s.seed, days, age=None, progress=bar)
        for r in records:
            with bars(f"{r.patient_id}: calibrating", "predicting") as bar:
                posts.append(calibrate(r, lib, method=s.method, seed=s.seed, progress=bar))
    plans: list[Plan | None] = [None] * len(records)
    if chosen is not None:
        protocols, starts = chosen
        with bars("simulating twins", "ranking") as bar:
            plans = list(
                plan_many(
                    posts,
                    protocols,
                    horizon=s.horizon,
                    n_draws=s.n_draws,
                    start_day=starts,
                    seeds=[s.seed] * len(posts),
                    progress=bar,
                )
            )
    return [_assemble(r, s, post, p) for r, post, p in zip(records, posts, plans, strict=True)]


def _assemble(
    record: PatientRecord, settings: Settings, post: Posterior, result: Plan | None
) -> Prognosis:
    """One patient's :class:`Prognosis` from its posterior and plan."""
    from strokesim.predict.comparators import baselines_for
    from strokesim.predict.planner import next_assessment
    from strokesim.predict.predictive import (
        draws_table,
        predictive_figure,
        predictive_table,
        summary_at,
    )
    from strokesim.predict.report import render_patient_report

    s = settings
    r, horizon = record, s.horizon
    base = baselines_for(r, horizon)
    table = predictive_table(post)
    figure = predictive_figure(post, r, base)
    draws = draws_table(post, r.patient_id)
    summary = summary_at(post, horizon)
    lines = [
        f"{r.patient_id}: FMA-UE at day {horizon} median {summary['median']:.0f} "
        f"(80% {summary['p10']:.0f}–{summary['p90']:.0f}); ESS {post.diagnostics['ess']:.1f}; "
        f"PREP2 {base.prep2 or '—'}; proportional "
        f"{'—' if base.proportional is None else f'{base.proportional:.1f}'}; mixture "
        f"{'—' if base.mixture is None else f'{base.mixture:.1f}'}"
    ]
    nxt, extra = None, []
    if result is not None:
        nxt = next_assessment(post, horizon, seed=s.seed)
        extra = [
            (f"Protocols ranked by expected FMA-UE gain at day {horizon}", result.table),
            (f"Which next assessment narrows the day-{horizon} interval most", nxt),
        ]
        for row in result.table.itertuples():
            lines.append(f"  {row.rank}. {row.protocol}: {row.reason}")
        if len(nxt):
            best = nxt.iloc[0]
            lines.append(
                f"  next assessment: {best.measure} on day {best.day} narrows the 80% "
                f"interval from {best.current_width:.1f} to {best.expected_width:.1f} "
                "points"
            )
    page = render_patient_report(r, post, base, figure, table, horizon, extra)
    return Prognosis(
        record=r,
        settings=s,
        posterior=post,
        baselines=base,
        prediction=table,
        figure=figure,
        draws=draws,
        summary=summary,
        plan=result,
        next_assessment=nxt,
        report_html=page,
        lines=tuple(lines),
    )


def parquet_table(draws: pd.DataFrame) -> Any:
    """The draws as a :class:`pyarrow.Table` with the disclaimer in its metadata."""
    import pyarrow as pa

    t = pa.Table.from_pandas(draws, preserve_index=False)
    return t.replace_schema_metadata(
        {**(t.schema.metadata or {}), b"disclaimer": DISCLAIMER.encode()}
    )


def parquet_bytes(draws: pd.DataFrame) -> bytes:
    """The draws as Parquet file contents (what ``draws.parquet`` holds), in memory."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(parquet_table(draws), sink)
    return sink.getvalue().to_pybytes()


def draws_dataset(prognosis: Prognosis) -> Any:
    """The posterior particles as an :class:`xarray.Dataset` (particle × day).

    Variables: ``weight`` (particle), the predicted trajectories (particle, day)
    and the per-particle descriptors; attributes carry the patient id, the
    settings and the disclaimer.
    """
    import xarray as xr

    from strokesim.predict.predictive import PREDICTED

    post = prognosis.posterior
    lib = post.particles
    data: dict[str, Any] = {"weight": ("particle", np.asarray(post.weights, float))}
    for var in PREDICTED:
        if var in lib.trajectories:
            data[var] = (("particle", "day"), np.asarray(lib.trajectories[var], float))
    for name in ("affected_share", "stunned_share", "cst_lesion_load", "age"):
        if name in lib.static:
            data[name] = ("particle", np.asarray(lib.static[name], float))
    s = prognosis.settings
    return xr.Dataset(
        data,
        coords={
            "particle": np.arange(len(lib)),
            "particle_id": ("particle", np.asarray(lib.patients.ids, dtype=str)),
            "day": np.asarray(lib.days),
        },
        attrs={
            "patient": prognosis.record.patient_id,
            "method": post.method,
            "seed": s.seed,
            "library": s.library,
            "horizon": s.horizon,
            "disclaimer": DISCLAIMER,
        },
    )


def netcdf_bytes(prognosis: Prognosis) -> bytes:
    """The draws as NetCDF-4 file contents (h5netcdf engine), in memory."""
    buffer = io.BytesIO()
    draws_dataset(prognosis).to_netcdf(buffer, engine="h5netcdf")
    return buffer.getvalue()


def check_all(records: Sequence[PatientRecord], settings: Settings) -> None:
    """Check the settings, the protocol names, the dose knob and every record (with
    its start days) before any work."""
    check_settings(settings)
    candidates(settings)  # unknown names, a dose outside a component's range
    for r in records:
        check_record(r, settings.horizon, settings.start_day)
