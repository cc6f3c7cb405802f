"""Therapy planning on the calibrated patient: counterfactual twins over posterior draws.

For ``n_draws`` particles resampled from the posterior, every candidate protocol
and usual care are simulated as twins (same ids, seed, descriptors and traits,
so they differ only by the protocol) from onset; a candidate's components
beyond usual care are moved to start the day after the record's last day (the
decision is taken now; the shipped protocols keep their trials' own start days,
some in the chronic phase), keeping their offsets, lengths and doses; a start
day can be given instead. Each protocol is ranked by the expected gain in FMA-UE at the
horizon over its usual-care twin, with the probability that it beats usual care
(gain > 0) and the 80% interval of the gain, and explained in words tied to the
posterior (corticospinal reserve, room above the usual-care prognosis).

The twins share their course up to the last observation day (usual care until
the decision), so that prefix is run once per draw and every arm continues from
it in one batch, one protocol per twin (:func:`twin_outcomes`, on
:mod:`strokesim.predict.twins`); :func:`plan_many` puts several patients' twins in
that batch. The outcomes equal twins simulated from onset with
:func:`strokesim.simulate.simulate` (``simulator=simulate``; tested).

:func:`next_assessment` asks which additional observation would narrow the
80% interval of the horizon FMA-UE most: preposterior simulation over the
posterior particles (draw a particle as the truth, simulate its observation with
the measurement error of :mod:`strokesim.predict.likelihood`, reweight, measure
the new interval; average), with no new model runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from strokesim.errors import UserInputError
from strokesim.predict.library import CHUNK, Simulator
from strokesim.predict.likelihood import INTEGER_SEM, MEP_MISCLASSIFICATION, observation_loglik
from strokesim.predict.measures import INTEGER_SCALES
from strokesim.predict.posterior import Posterior, weighted_quantiles
from strokesim.therapy.library import beyond_usual_care, named_protocol, usual_care
from strokesim.therapy.schema import Protocol

__all__ = [
    "DEFAULT_CANDIDATES",
    "Plan",
    "next_assessment",
    "plan",
    "plan_many",
    "start_after",
    "twin_outcomes",
    "with_minutes",
]

#: Protocols compared when none are given (shipped library names).
DEFAULT_CANDIDATES: tuple[str, ...] = (
    "cimt_2_weeks",
    "high_dose_90h_3_weeks",
    "rtms_1hz_contralesional_training",
    "itbs_ipsilesional_training",
    "vns_paired_6_weeks",
    "bimanual_training",
)
_INHIBITORY = ("rtms_1hz", "ctbs", "tdcs_cathodal")
_EXCITATORY = ("rtms_high_freq", "itbs", "tdcs_anodal")
_TRAINING = ("task_training", "cimt", "bimanual_training", "robot", "virtual_reality")
#: Posterior mean CST lesion load above which corticospinal reserve is called low.
LOW_RESERVE_LOAD = 0.5


def start_after(protocol: Protocol, last_day: int, start_day: int | None = None) -> Protocol:
    """``protocol`` with its components beyond usual care moved to start after ``last_day``.

    The earliest added component starts on ``start_day`` (default ``last_day + 1``);
    the others keep their offsets from it, their lengths and doses. The usual-care
    background is kept as is.
    """
    added = beyond_usual_care(protocol)
    if not added:
        return protocol
    begin = last_day + 1 if start_day is None else int(start_day)
    if begin <= last_day:
        raise UserInputError("start_day", f"must be after the last observation day {last_day}")
    shift = begin - min(c.start_day for c in added)
    if shift == 0:
        return protocol
    moved = [c.model_copy(update={"start_day": c.start_day + shift}) for c in added]
    background = [c for c in protocol.components if c not in added]
    return Protocol(
        name=protocol.name,
        description=f"{protocol.description} [added components start on day {begin}]",
        components=(*background, *moved),
    )


def with_minutes(protocol: Protocol, minutes: float) -> Protocol:
    """``protocol`` with each added training component's sessions set to ``minutes``.

    The trials per session (the dose that drives plasticity; Lang et al. 2009 Arch
    Phys Med Rehabil 90:1692) change in proportion, keeping the component's own
    repetitions per minute; stimulation, drugs and the usual-care background are
    kept. The result is validated like a protocol file (one-line error naming the
    component's field and its range).
    """
    from strokesim.therapy.schema import parse_protocol

    added = beyond_usual_care(protocol)
    doc = protocol.model_dump(mode="json")
    changed = False
    for k, c in enumerate(protocol.components):
        if c not in added or not hasattr(c, "minutes_per_session"):
            continue
        field = (
            "shaping_trials_per_session"
            if hasattr(c, "shaping_trials_per_session")
            else "trials_per_session"
        )
        per_minute = getattr(c, field) / float(c.minutes_per_session)
        doc["components"][k]["minutes_per_session"] = float(minutes)
        doc["components"][k][field] = max(1, round(per_minute * float(minutes)))
        changed = True
    if not changed:
        return protocol
    doc["description"] = f"{protocol.description} [added training: {minutes:g} min per session]"
    return parse_protocol(doc, source=f"{protocol.name} with --minutes-per-session {minutes:g}")


@dataclass(frozen=True)
class Plan:
    """The ranked protocols and what the posterior says about the patient.

    Attributes
    ----------
    table
        One row per protocol, best first: rank, protocol, expected_gain,
        p_beats_usual_care, gain_p10, gain_p90, fma_median (at the horizon), reason.
    patient
        Posterior summaries used in the reasons (``cst_load``, ``mep_present``,
        ``usual_care_median``, ``room``).
    n_draws
        Particles simulated per protocol.
    """

    table: pd.DataFrame
    patient: dict[str, float]
    n_draws: int


def _patient_summary(post: Posterior, horizon: int, last_day: int) -> dict[str, float]:
    lib = post.particles
    w = post.weights
    k_last = max(i for i, d in enumerate(lib.days) if d <= max(last_day, lib.days[0]))
    median = float(
        weighted_quantiles(lib.trajectories["fma_ue"][:, lib.days.index(horizon)], w, [0.5])[0]
    )
    return {
        "cst_load": float(w @ np.asarray(lib.static["cst_lesion_load"], float)),
        "mep_present": float(w @ np.asarray(lib.trajectories["mep_present"][:, k_last], float)),
        "usual_care_median": median,
        "room": 66.0 - median,
    }


def _mechanism(protocol: Protocol, s: dict[str, float], horizon: int) -> str:
    low = s["cst_load"] >= LOW_RESERVE_LOAD
    reserve = (
        f"posterior corticospinal lesion load {s['cst_load']:.2f}, MEP present in "
        f"{s['mep_present']:.0%} of draws"
    )
    parts = []
    for c in beyond_usual_care(protocol):
        kind = c.kind
        if kind == "brain_stimulation" and not getattr(c, "sham", False):
            method, target = c.method, c.target
            if method in _INHIBITORY and target == "contralesional_m1":
                parts.append(
                    f"little corticospinal reserve ({reserve}): the contralesional hemisphere "
                    "carries much of the paretic arm's control, so inhibiting it is expected to "
                    "help little or harm"
                    if low
                    else f"corticospinal reserve is preserved ({reserve}): damping "
                    "contralesional inhibition of the ipsilesional M1 can let it drive the arm"
                )
            elif method in _EXCITATORY or method == "tdcs_dual":
                parts.append(
                    f"few spared corticospinal fibres to potentiate ({reserve})"
                    if low
                    else f"spared ipsilesional output can be potentiated ({reserve})"
                )
            else:
                parts.append(f"{method} over the {target.replace('_', ' ')}")
        elif kind in _TRAINING:
            parts.append(
                f"extra practice ({c.session_count} sessions of {kind.replace('_', ' ')}) "
                f"drives use-dependent plasticity; usual care predicts "
                f"{s['usual_care_median']:.0f}/66 at day {horizon}, "
                + ("little room to gain" if s["room"] < 8 else f"{s['room']:.0f} points of room")
            )
        elif kind == "vns":
            parts.append("vagus nerve stimulation paired with practice boosts plasticity")
        elif kind == "brain_stimulation":
            parts.append("sham stimulation")
        else:
            parts.append(f"{kind.replace('_', ' ')} modulates plasticity")
    return "; ".join(dict.fromkeys(parts)) or "no components beyond usual care"


def _verdict(gain: float, p: float) -> str:
    if p >= 0.8 and gain > 0:
        return "Likely better than usual care"
    if p <= 0.2 and gain < 0:
        return "Likely worse than usual care"
    return "Uncertain against usual care"


def plan(
    post: Posterior,
    protocols: Mapping[str, Protocol] | Sequence[str] | None = None,
    *,
    horizon: int = 180,
    last_day: int | None = None,
    n_draws: int = 64,
    start_day: int | Mapping[str, int] | None = None,
    seed: int = 0,
    simulator: Simulator | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Plan:
    """Rank candidate protocols for the calibrated patient (see the module docstring).

    Parameters
    ----------
    post
        The patient's posterior.
    protocols
        Shipped protocol names, or ``{name: Protocol}``; default :data:`DEFAULT_CANDIDATES`.
    horizon
        Day (since onset) at which gains are measured.
    last_day
        The record's last day (default: the last observation's day).
    n_draws
        Posterior particles simulated (resampled by weight; repeats are simulated once).
    start_day
        Day the added therapy starts (default the day after ``last_day``), for
        every protocol or ``{name: day}`` (protocols not named start the day after).
    seed
        Seed of the resampling.
    simulator, progress
        As in :func:`strokesim.predict.library.simulate_particles`.
    """
    return plan_many(
        [post],
        protocols,
        horizon=horizon,
        last_days=None if last_day is None else [last_day],
        n_draws=n_draws,
        start_day=start_day,
        seeds=[seed],
        simulator=simulator,
        progress=progress,
    )[0]


def plan_many(
    posts: Sequence[Posterior],
    protocols: Mapping[str, Protocol] | Sequence[str] | None = None,
    *,
    horizon: int = 180,
    last_days: Sequence[int] | None = None,
    n_draws: int = 64,
    start_day: int | Mapping[str, int] | None = None,
    seeds: Sequence[int] | None = None,
    simulator: Simulator | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Plan]:
    """:func:`plan` for several patients, their twins simulated together.

    Patients whose posteriors share the last observation day and the particles'
    seed share one batch of twins (fewer padded slots, one prefix run); each
    patient's plan equals what :func:`plan` gives it alone. ``last_days`` and
    ``seeds`` are per patient (defaults: each record's last observation day; 0).
    """
    if protocols is None:
        protocols = DEFAULT_CANDIDATES
    if not isinstance(protocols, Mapping):
        protocols = {name: named_protocol(name) for name in protocols}
    if not protocols:
        raise UserInputError("--protocols", "name at least one protocol")
    posts = list(posts)
    if last_days is None:
        last_days = [max((o.day for o in p.observations), default=0) for p in posts]
    seeds = [0] * len(posts) if seeds is None else list(seeds)
    prepared = []
    for post, last_day, seed in zip(posts, last_days, seeds, strict=True):
        candidates = _candidates(protocols, last_day, horizon, start_day)
        idx = post.resample(n_draws, seed)
        unique, counts = np.unique(idx, return_counts=True)
        prepared.append((post, int(last_day), candidates, unique, counts / counts.sum()))
    outcomes: dict[int, np.ndarray] = {}
    groups: dict[tuple[int, int], list[int]] = {}
    for k, (post, last_day, *_rest) in enumerate(prepared):
        groups.setdefault((last_day, post.particles.seed), []).append(k)
    for (last_day, seed), members in groups.items():
        arms = [usual_care(), *prepared[members[0]][2].values()]
        if simulator is not None:
            for k in members:
                vp = prepared[k][0].particles.patients.take(prepared[k][3])
                outcomes[k] = _twins_simulated(vp, arms, seed, horizon, simulator, progress)
            continue
        parts = [prepared[k][0].particles.patients.take(prepared[k][3]) for k in members]
        vp = parts[0] if len(parts) == 1 else _concat(parts)
        fma = twin_outcomes(vp, arms, seed, last_day, horizon, progress)
        edges = np.cumsum([0, *(len(p) for p in parts)])
        for k, lo, hi in zip(members, edges[:-1], edges[1:], strict=True):
            outcomes[k] = fma[:, lo:hi]
    return [
        _rank(post, candidates, outcomes[k], w, horizon, last_day)
        for k, (post, last_day, candidates, _unique, w) in enumerate(prepared)
    ]


def _candidates(
    protocols: Mapping[str, Protocol],
    last_day: int,
    horizon: int,
    start_day: int | Mapping[str, int] | None,
) -> dict[str, Protocol]:
    """The candidates with their added components moved after ``last_day`` (validated)."""
    if horizon <= last_day:
        raise UserInputError("--horizon", f"must be after the last observation day {last_day}")
    starts = start_day if isinstance(start_day, Mapping) else dict.fromkeys(protocols, start_day)
    for name, day in starts.items():
        if day is not None and not last_day < int(day) < horizon:
            raise UserInputError(
                "--start-day",
                f"must be an integer in {last_day + 1}–{horizon - 1} for {name}, got {day}",
            )
    return {name: start_after(p, last_day, starts.get(name)) for name, p in protocols.items()}


def _concat(parts: list):
    """Several :class:`~strokesim.simulate.VirtualPatients` as one."""
    from strokesim.model.lesion import LesionDescriptors
    from strokesim.simulate import VirtualPatients

    return VirtualPatients(
        ids=tuple(i for p in parts for i in p.ids),
        descriptors=LesionDescriptors(
            *(
                np.concatenate([np.asarray(x) for x in xs])
                for xs in zip(*(p.descriptors for p in parts), strict=True)
            )
        ),
        affected_side=tuple(s for p in parts for s in p.affected_side),
        lesion_volume_ml=np.concatenate([np.asarray(p.lesion_volume_ml) for p in parts]),
        nihss=np.concatenate([np.asarray(p.nihss) for p in parts]),
        source=tuple(s for p in parts for s in p.source),
    )


def _rank(
    post: Posterior,
    candidates: dict[str, Protocol],
    fma: np.ndarray,
    w: np.ndarray,
    horizon: int,
    last_day: int,
) -> Plan:
    """The ranked table of one patient from its twins' FMA-UE (arms × draws)."""
    usual = fma[0]
    summary = _patient_summary(
        post, horizon if horizon in post.particles.days else post.particles.days[-1], last_day
    )
    summary["usual_care_median"] = float(weighted_quantiles(usual, w, [0.5])[0])
    summary["room"] = 66.0 - summary["usual_care_median"]
    rows = []
    for j, (name, protocol) in enumerate(candidates.items(), start=1):
        gain = fma[j] - usual
        mean = float(w @ gain)
        p_beat = float(w @ (gain > 0))
        lo, hi = weighted_quantiles(gain, w, [0.10, 0.90])
        rows.append(
            {
                "protocol": name,
                "expected_gain": round(mean, 2),
                "p_beats_usual_care": round(p_beat, 3),
                "gain_p10": float(lo),
                "gain_p90": float(hi),
                "fma_median": float(weighted_quantiles(fma[j], w, [0.5])[0]),
                "reason": (
                    f"{_verdict(mean, p_beat)}: expected {mean:+.1f} FMA-UE points at day "
                    f"{horizon} (80% interval {lo:+.0f} to {hi:+.0f}; P(beats usual care) "
                    f"{p_beat:.0%}). {_mechanism(protocol, summary, horizon)}."
                ),
            }
        )
    table = pd.DataFrame(rows).sort_values(
        ["expected_gain", "p_beats_usual_care"], ascending=False, kind="stable"
    )
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return Plan(table.reset_index(drop=True), summary, len(w))


def twin_outcomes(
    vp,
    arms: list[Protocol],
    seed: int,
    last_day: int,
    horizon: int,
    progress: Callable[[int, int], None] | None,
) -> np.ndarray:
    """FMA-UE at ``horizon`` of each arm's twins, shape (arms, patients).

    The shared prefix under usual care (onset to ``last_day``) is run once per
    patient; every arm's twins continue from it in one batch, one protocol per twin.
    """
    from strokesim.predict.twins import advance_record, onset_states

    n = len(vp)
    total = n * (1 + len(arms))
    done = 0

    def tick(width: int) -> None:
        nonlocal done
        done += width
        if progress is not None:
            progress(min(done, total), total)

    branch = onset_states(vp, seed)
    if last_day >= 1:
        _, branch = advance_record(branch, (last_day,), horizon=horizon, progress=tick)
    order = np.tile(np.arange(n), len(arms))
    per_twin = [p for p in arms for _ in range(n)]
    out, _ = advance_record(branch.take(order), (horizon,), per_twin, progress=tick)
    return np.asarray(out["fma_ue"][:, -1], float).reshape(len(arms), n)


def _twins_simulated(
    vp,
    arms: list[Protocol],
    seed: int,
    horizon: int,
    simulator: Simulator,
    progress: Callable[[int, int], None] | None,
) -> np.ndarray:
    """As :func:`twin_outcomes`, through a ``simulate``-compatible function (from onset)."""
    from strokesim.simulate import Record

    n = len(vp)
    order = np.tile(np.arange(n), len(arms))
    per_patient = [p for p in arms for _ in range(n)]
    pad = max(0, CHUNK - len(order))  # a small batch is padded to the library's compiled shape
    batch = vp.take(np.concatenate([order, np.zeros(pad, np.int64)]))
    per_patient += [arms[0]] * pad
    ds = simulator(
        batch,
        per_patient,
        days=horizon,
        record=Record((horizon,)),
        seed=seed,
        rater_noise=False,
        chunk_size=CHUNK,
        progress=progress,
    )
    return np.asarray(ds.fma_ue.values[: len(order), -1], float).reshape(len(arms), n)


def _simulated_value(measure: str, true_values: np.ndarray, rng: np.random.Generator):
    if measure in INTEGER_SEM:
        low, high = INTEGER_SCALES[measure]
        y = np.rint(true_values + rng.normal(0, INTEGER_SEM[measure], true_values.shape))
        return np.clip(y, low, high).astype(int)
    if measure == "mep":
        flip = rng.random(true_values.shape) < MEP_MISCLASSIFICATION
        return np.where(flip, ~true_values.astype(bool), true_values.astype(bool))
    raise UserInputError("measure", f"cannot simulate an observation of {measure!r}")


def next_assessment(
    post: Posterior,
    horizon: int = 180,
    candidates: Sequence[tuple[str, int]] | None = None,
    n_sim: int = 200,
    seed: int = 0,
) -> pd.DataFrame:
    """Expected 80% interval width of FMA-UE at ``horizon`` after one more observation.

    Parameters
    ----------
    post
        The patient's posterior (its particles must record ``horizon``).
    horizon
        Day of the prediction.
    candidates
        ``(measure, day)`` pairs among ``fma_ue``, ``arat``, ``safe``, ``mep`` on
        recorded days; default FMA-UE on each recorded day after the last
        observation (before the horizon), and MEP, SAFE and ARAT on the first such day.
    n_sim
        Simulated outcomes per candidate.
    seed
        Seed of the simulation.

    Returns
    -------
    pandas.DataFrame
        One row per candidate, best first: measure, day, expected_width,
        current_width, expected_reduction.
    """
    lib = post.particles
    if horizon not in lib.days:
        raise UserInputError("--horizon", f"is not a recorded day of the posterior ({lib.days})")
    last = max((o.day for o in post.observations), default=0)
    future = [d for d in lib.days if last < d < horizon]
    if candidates is None:
        candidates = [("fma_ue", d) for d in future]
        if future:
            candidates += [("mep", future[0]), ("safe", future[0]), ("arat", future[0])]
    w = post.weights
    target = np.asarray(lib.trajectories["fma_ue"][:, lib.days.index(horizon)], float)
    lo, hi = weighted_quantiles(target, w, [0.10, 0.90])
    current = float(hi - lo)
    rng = np.random.default_rng([seed, 25, 3])
    rows = []
    for measure, day in candidates:
        if day not in lib.days:
            raise UserInputError("candidate day", f"{day} is not a recorded day ({lib.days})")
        at = lib.at_day(day)
        source = at["mep_present"] if measure == "mep" else at[measure]
        truth = rng.choice(len(w), size=n_sim, p=w)
        ys = _simulated_value(measure, np.asarray(source, float)[truth], rng)
        widths = []
        for y in ys:
            ll = observation_loglik(measure, y.item(), at, lib.static)
            lw = np.log(np.maximum(w, 1e-300)) + ll
            wn = np.exp(lw - lw.max())
            wn /= wn.sum()
            q = weighted_quantiles(target, wn, [0.10, 0.90])
            widths.append(q[1] - q[0])
        expected = float(np.mean(widths))
        rows.append(
            {
                "measure": measure,
                "day": int(day),
                "expected_width": round(expected, 2),
                "current_width": round(current, 2),
                "expected_reduction": round(current - expected, 2),
            }
        )
    return pd.DataFrame(rows).sort_values("expected_width", kind="stable").reset_index(drop=True)
