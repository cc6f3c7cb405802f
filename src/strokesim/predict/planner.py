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
    "start_after",
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
    start_day: int | None = None,
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
        Day the added therapy starts (default the day after ``last_day``).
    seed
        Seed of the resampling.
    simulator, progress
        As in :func:`strokesim.predict.library.simulate_particles`.
    """
    from strokesim.simulate import Record, simulate

    if protocols is None:
        protocols = DEFAULT_CANDIDATES
    if not isinstance(protocols, Mapping):
        protocols = {name: named_protocol(name) for name in protocols}
    if not protocols:
        raise UserInputError("--protocols", "name at least one protocol")
    if last_day is None:
        last_day = max((o.day for o in post.observations), default=0)
    if horizon <= last_day:
        raise UserInputError("--horizon", f"must be after the last observation day {last_day}")
    candidates = {name: start_after(p, last_day, start_day) for name, p in protocols.items()}
    idx = post.resample(n_draws, seed)
    unique, counts = np.unique(idx, return_counts=True)
    w = counts / counts.sum()
    vp = post.particles.patients.take(unique)
    arms = [usual_care(), *candidates.values()]
    n = len(unique)
    order = np.tile(np.arange(n), len(arms))
    per_patient = [p for p in arms for _ in range(n)]
    pad = max(0, CHUNK - len(order))  # a small batch is padded to the library's compiled shape
    batch = vp.take(np.concatenate([order, np.zeros(pad, np.int64)]))
    per_patient += [arms[0]] * pad
    run = simulator or simulate
    ds = run(
        batch,
        per_patient,
        days=horizon,
        record=Record((horizon,)),
        seed=post.particles.seed,
        rater_noise=False,
        chunk_size=CHUNK,
        progress=progress,
    )
    fma = np.asarray(ds.fma_ue.values[: len(order), -1], float).reshape(len(arms), n)
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
    return Plan(table.reset_index(drop=True), summary, n)


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
