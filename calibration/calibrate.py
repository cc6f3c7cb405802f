"""Calibrate the default model's free parameters against the published targets.

Usage::

    python calibration/calibrate.py [--n 1000] [--n-b 300] [--seed 104729] [--write]
    python calibration/calibrate.py --stages A --write  # stage A only, B and C as stored
    python calibration/calibrate.py --check      # re-run and compare with calibrated.json

Starting from the literature values, stage B fits the plasticity time course and
the learning weight of daily-life actions to the timing experiment (V8), stage C
fits the consolidation of intensive days' learning to the chronic intensive
programme (V9), stage A fits the parameters that the default-cohort targets
pin down (V1, V2, V4, V10): the stunned share, the MEP threshold, spasticity, the
effort reserve (``max_command_gain``, V1) and the shape of the population's latent
severity (``severity_a``, ``severity_b``: the cohort-wide shares of V4 and V10 read
the severity mix), stage D fits how strongly received inhibition gates a
hemisphere's plasticity to the contralesional-inhibition experiment (V6), and stage
E last fits the daily forgetting of learned changes to the retention of the chronic
programme's gains (V9). Each
parameter is named with the target that fixes it. Each stage minimises a
simulation-based objective with Nelder–Mead (scipy) under common random numbers
(one fixed seed, so the objective is deterministic):

    J(θ) = Σ_terms ((measured − centre of pass range) / half-width)²

Measured values come from the validation battery's own experiments and metric
functions (:func:`strokesim.validate.battery.run_battery`), run on the
**calibration cohorts**: patients ``cal-vp00000`` … and healthy controls
``cal-hc00000`` … drawn with the root seed :data:`CALIBRATION_SEED`. Every random
draw of a patient is keyed by (root seed, purpose, patient id)
(:mod:`strokesim.random_streams`), so these patients share neither ids nor random
streams with any cohort that the battery (``vp``/``hc``, seeds 0–4), the external
checks (``vp``, seed 0), the trial emulations (``screen``), the mixture baseline
(``mix-``) or the tests report: the reference set is out of sample
(``tests/calibration/test_disjoint_cohorts.py`` checks it).

Stages are pluggable: a stage is a :class:`Stage` (its free parameters, the terms
of its objective, the cohort size and evaluation budget it uses). A new parameter
is fitted by adding a :class:`Free` entry (registry ``"model"`` or
``"population"``) to a stage and, where its target is not yet in the stage's
objective, a :func:`term`; the stage's metrics then run that target's experiment
too.

With ``--write`` the result goes to ``src/strokesim/model/calibrated.json``,
which the parameter registries read (each value records its target and registry;
the settings record the seed and the id prefixes of the calibration cohorts). The
run is deterministic given ``--seed``, ``--n`` and the evaluation budgets;
``--check`` re-runs it with the settings stored in the file and compares the
values. Stages B and C start from the literature values of stage A's parameters,
so they do not depend on stage A and ``--stages A`` gives what a full run gives.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
from scipy.optimize import minimize

import strokesim  # noqa: F401  (sets the XLA device count before JAX loads)
from strokesim.cohort.population import POPULATION_PARAMETERS, population_literature
from strokesim.model.parameters import REGISTRY, Parameter, literature_parameters
from strokesim.validate.experiments_cohort import CohortIds
from strokesim.validate.metrics_targets import TARGETS

CALIBRATED = Path(__file__).resolve().parents[1] / "src/strokesim/model/calibrated.json"

#: Root seed of the calibration cohorts: one that no cohort the battery, the external
#: checks, the trial examples, the mixture fit or the tests report uses (an arbitrary
#: large prime; the disjointness does not rest on it alone, see :data:`CALIBRATION_IDS`).
CALIBRATION_SEED = 104_729
#: Id prefixes of the calibration cohorts' patients and healthy controls; the battery's
#: are ``vp`` and ``hc`` (:data:`strokesim.validate.experiments_cohort.BATTERY_IDS`).
CALIBRATION_IDS = CohortIds(patients="cal-vp", controls="cal-hc")

#: Default settings of a run (cohort sizes, seed, evaluation budgets).
DEFAULT_SETTINGS: dict[str, int] = {
    "n": 1000,
    "n_b": 300,
    "seed": CALIBRATION_SEED,
    "max_evals": 80,
    "max_evals_b": 24,
    "max_evals_c": 16,
    "max_evals_d": 10,
    "max_evals_e": 8,
}

#: Registries a free parameter may belong to.
REGISTRIES: dict[str, Mapping[str, Parameter]] = {
    "model": REGISTRY,
    "population": POPULATION_PARAMETERS,
}


@dataclass(frozen=True)
class Free:
    """A free parameter: its search interval and the target that fixes it.

    ``target`` is one target id or several joined by ``/`` (each must be in its
    stage's objective); ``registry`` is ``"model"`` or ``"population"``.
    """

    name: str
    low: float
    high: float
    target: str
    registry: str = "model"

    @property
    def targets(self) -> tuple[str, ...]:
        """The target ids this parameter is fitted against."""
        return tuple(self.target.split("/"))


class Term(NamedTuple):
    """One term of an objective: a target's measured value, its aim and its scale."""

    target: str
    key: str
    centre: float
    half_width: float

    @property
    def label(self) -> str:
        """The key under which a stage's metrics report this term's measured value."""
        return f"{self.target}.{self.key}"


def term(target: str, key: str, centre: float | None = None, half: float | None = None) -> Term:
    """An objective term aimed at the middle of ``key``'s pass range (VALIDATION.md).

    For a two-sided range the centre and half-width default to its middle and half
    its width; a one-sided range needs both given (the centre must lie in the range).

    Raises
    ------
    ValueError
        If the target has no such ranged value, a one-sided range lacks a centre
        or half-width, or the centre lies outside the pass range.
    """
    ranges = TARGETS[target].ranges
    if key not in ranges:
        raise ValueError(f"{target} has no ranged value {key!r}; it has {sorted(ranges)}")
    pass_range = ranges[key]
    if centre is None or half is None:
        if not (math.isfinite(pass_range.low) and math.isfinite(pass_range.high)):
            raise ValueError(f"{target}.{key}: one-sided range {pass_range}; give centre, half")
        centre = (pass_range.low + pass_range.high) / 2
        half = (pass_range.high - pass_range.low) / 2
    if not pass_range.contains(centre) or half <= 0:
        raise ValueError(f"{target}.{key}: centre {centre} outside {pass_range} or half ≤ 0")
    return Term(target, key, float(centre), float(half))


Candidate = dict[str, float]
Metrics = Callable[[Candidate, int, int], dict[str, float]]


@dataclass(frozen=True)
class Stage:
    """One calibration stage.

    Attributes
    ----------
    name
        ``"A"``, ``"B"``, …
    free
        The parameters it fits.
    objective
        The terms of its objective.
    size
        The setting that gives its cohort size (``"n"`` or ``"n_b"``).
    evals
        The setting that gives its evaluation budget (``"max_evals"`` …).
    metrics
        ``metrics(candidate, n, seed) -> {"<target>.<key>": value}``; ``None``: the
        battery's experiments of the objective's targets on the calibration cohort
        (:func:`battery_metrics`). A stage whose objective names something other than
        a battery target (a published trial moved into the calibration set, built with
        :class:`Term` directly) must give its own, simulated on
        :data:`CALIBRATION_IDS`-prefixed patients at the run's seed.
    """

    name: str
    free: tuple[Free, ...]
    objective: tuple[Term, ...]
    size: str
    evals: str
    metrics: Metrics | None = None

    def __post_init__(self) -> None:
        for setting in (self.size, self.evals):
            if setting not in DEFAULT_SETTINGS:
                raise ValueError(f"stage {self.name}: unknown setting {setting!r}")
        outside = [t.target for t in self.objective if t.target not in TARGETS]
        if outside and self.metrics is None:
            raise ValueError(f"stage {self.name}: {outside} are no battery targets; give metrics")

    @property
    def targets(self) -> tuple[str, ...]:
        """The targets its objective contains: the battery's in VALIDATION.md order, then others."""
        named = list(dict.fromkeys(t.target for t in self.objective))
        battery = [t for t in TARGETS if t in named]
        return (*battery, *(t for t in named if t not in TARGETS))

    def measure(self, candidate: Candidate, n: int, seed: int) -> dict[str, float]:
        """The measured values of its objective's keys for one candidate."""
        if self.metrics is not None:
            return self.metrics(candidate, n, seed)
        return battery_metrics(self.targets, candidate, n, seed)


#: Bootstrap replicates of the battery's confidence intervals during calibration
#: (the objective reads point estimates only).
N_BOOT = 20


def split_candidate(candidate: Mapping[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    """A candidate's model parameters and its population values (overrides)."""
    population = {k: float(v) for k, v in candidate.items() if k in POPULATION_PARAMETERS}
    params = {k: float(v) for k, v in candidate.items() if k not in POPULATION_PARAMETERS}
    return params, population


def battery_metrics(
    targets: tuple[str, ...], candidate: Candidate, n: int, seed: int
) -> dict[str, float]:
    """The battery's measured values of ``targets`` on the calibration cohort.

    Keys are ``"<target>.<key>"`` (``"V1.slope"``), as :attr:`Term.label` names them.
    """
    from strokesim.validate.battery import run_battery

    params, population = split_candidate(candidate)
    result = run_battery(
        n=n,
        seed=seed,
        only=targets,
        params=params,
        n_boot=N_BOOT,
        ids=CALIBRATION_IDS,
        population=population,
    )
    return {f"{r.target_id}.{k}": float(v) for r in result.results for k, v in r.measured.items()}


#: Stage A: parameters fixed by the default cohort (usual care, 180 days).
STAGE_A = (
    Free("stunned_share_mean", 0.55, 0.9, "V1"),
    Free("mep_volley_threshold", 0.2, 0.6, "V2"),
    Free("spasticity_gain", 0.5, 5.0, "V10"),
    Free("mas_grade_step", 0.15, 0.6, "V10"),
    # The effort reserve sets how far surviving drive can be scaled up to reach a task,
    # so how much of their potential MEP+ patients regain (V1's slope; docs/hand_set.md).
    Free("max_command_gain", 1.0, 4.0, "V1"),
    # The severity mix: PREP2's accuracy (V4) and the cohort-wide spasticity
    # prevalences (V10) are shares of the whole cohort and move with it.
    Free("severity_a", 0.5, 3.0, "V4/V10", registry="population"),
    Free("severity_b", 0.5, 3.0, "V4/V10", registry="population"),
)

#: Terms of stage A's objective (centre and half-width of each pass range; V2's
#: MEP− share is one-sided, ≥ 0.85, and aims at 0.95).
OBJECTIVE = (
    term("V1", "slope"),
    term("V1", "mean_recovered_fraction"),
    term("V2", "severe_non_fitter_share"),
    term("V2", "non_fitter_mep_negative_share", 0.95, 0.10),
    term("V4", "accuracy"),
    term("V10", "prevalence_mas1_day180"),
    term("V10", "prevalence_mas3_day180"),
)

#: Stage B: the plasticity time course and daily-life learning, fixed by the timing
#: experiment (V8).
STAGE_B = (
    Free("plasticity_peak", 2.0, 10.0, "V8"),
    Free("plasticity_decay_days", 20.0, 90.0, "V8"),
    # Daily-life learning sets how fast weights relax after extra training early on
    # (it is ∝ P(t) too), so it shapes the early effect of V8 as much as P(t) does.
    Free("daily_life_learning_weight", 0.05, 0.6, "V8"),
)

#: V8's ranges are one-sided (ratio ≤ 0.5, early effect > 0).
OBJECTIVE_B = (
    term("V8", "late_to_early_ratio", 0.30, 0.20),
    term("V8", "early_effect", 1.0, 0.9),
)

#: Stage C: consolidation of a day's learning by an intensive dose, fixed by the
#: chronic intensive programme (V9).
STAGE_C = (
    Free("consolidation_gain", 0.5, 20.0, "V9"),
    Free("consolidation_threshold", 200.0, 3000.0, "V9"),
)

#: V9's retention range is one-sided (≥ 0.7); its objective centres on full
#: retention with 0.7 one half-width below (Ward 2019 saw 1.4).
OBJECTIVE_C = (
    term("V9", "mean_gain_end"),
    term("V9", "retention", 1.0, 0.3),
)

#: Stage D: how strongly the inhibition a hemisphere receives gates its plasticity,
#: fixed by the contralesional-inhibition experiment (V6): the FMA0 at which
#: inhibiting the contralesional M1 turns from harmful to helpful moves with it
#: (docs/hand_set.md: 49.4 / 29.5 / 73.4 at 0 / 8 / 30). The search interval is the
#: lower part of the registry's range [0, 30]: above about 16 the severe band's
#: acute effect turns positive (hand_set.md at 30), which V6 excludes outright.
STAGE_D = (Free("inhibition_plasticity_gating", 0.0, 16.0, "V6"),)

#: V6's crossover aims at the middle of its range (30–50); V13's rise from week 1 to
#: week 26 (one-sided, > 0) is in the objective as a guard, because the gate acts on
#: the interhemispheric dynamics that V13 reads (centre 0.1, half-width 0.1).
OBJECTIVE_D = (
    term("V6", "crossover_fma0"),
    term("V13", "best_minus_worst_third_rise", 0.10, 0.10),
)

#: Stage E: the daily forgetting of learned changes without practice, fixed by how much
#: of the chronic intensive programme's gain is kept at follow-up (V9's retention).
#: Stage C's consolidation sets how much of an intensive day's learning is kept
#: overnight; what is left six months later is set by the forgetting toward the
#: template (a stage-C refit with the gate at stage D's value kept retention at
#: 0.55–0.67 over its whole search: docs/validation.md, "Calibration"). The search
#: interval brackets the literature value, 0.002/day (Han 2008), by ×4 down and ×2 up.
STAGE_E = (Free("forgetting_rate", 0.0005, 0.004, "V9"),)

#: V9's retention aims at full retention with 0.7 one half-width below (as stage C);
#: V9's gain and V1's slope are guards: forgetting also acts during the programme and
#: on the natural history of every patient.
OBJECTIVE_E = (
    term("V9", "retention", 1.0, 0.3),
    term("V9", "mean_gain_end"),
    term("V1", "slope"),
)

#: Every stage, by name.
STAGES: dict[str, Stage] = {
    "A": Stage("A", STAGE_A, OBJECTIVE, size="n", evals="max_evals"),
    "B": Stage("B", STAGE_B, OBJECTIVE_B, size="n_b", evals="max_evals_b"),
    "C": Stage("C", STAGE_C, OBJECTIVE_C, size="n_b", evals="max_evals_c"),
    "D": Stage("D", STAGE_D, OBJECTIVE_D, size="n_b", evals="max_evals_d"),
    "E": Stage("E", STAGE_E, OBJECTIVE_E, size="n_b", evals="max_evals_e"),
}
#: The order in which a full run fits the stages (each starts from the results of
#: the earlier ones and the literature values of the rest).
STAGE_ORDER = ("B", "C", "A", "D", "E")

#: Parameters that a stage fits but that calibrated.json does not record yet: the
#: stored calibration predates their stage, so the registries still hold their
#: hand-set values and say so ("set by hand", docs/hand_set.md). The next full run
#: with ``--write`` records them; then empty this set and re-source them as
#: "calibrated against <target>" (tests/test_parameter_provenance.py insists).
AWAITING_RECALIBRATION: frozenset[str] = frozenset()

#: Each stage's objective: the targets it contains, by stage.
OBJECTIVE_TARGETS: dict[str, tuple[str, ...]] = {
    name: stage.targets for name, stage in STAGES.items()
}


def fitted_targets() -> dict[str, str]:
    """Each parameter this script fits → the target(s) named for it in its stage.

    Every named target is one its stage's objective contains (checked here), so a
    parameter recorded in calibrated.json with this target was fitted against it.
    """
    out: dict[str, str] = {}
    for name, stage in STAGES.items():
        for f in stage.free:
            missing = [t for t in f.targets if t not in stage.targets]
            if missing:
                raise ValueError(f"{f.name}: stage {name}'s objective lacks {missing}")
            if f.registry not in REGISTRIES or f.name not in REGISTRIES[f.registry]:
                raise ValueError(f"{f.name}: not a parameter of the {f.registry} registry")
            out[f.name] = f.target
    return out


def objective_value(measured: Mapping[str, float], objective: tuple[Term, ...]) -> float:
    """Sum of squared normalised distances from the centres of the pass ranges.

    A value the metrics did not report (or a NaN) counts 25 (five half-widths).
    """
    total = 0.0
    for t in objective:
        value = measured.get(t.label, np.nan)
        total += 25.0 if not np.isfinite(value) else ((value - t.centre) / t.half_width) ** 2
    return total


def starting_candidate(start: Mapping[str, float] | None = None) -> Candidate:
    """Every model and population parameter at its literature value, updated by ``start``.

    The start does not depend on what calibrated.json holds when the script runs.
    """
    base = literature_parameters() | population_literature()
    unknown = set(start or {}) - set(base)
    if unknown:
        raise KeyError(f"unknown parameter(s): {sorted(unknown)}")
    return base | dict(start or {})


def calibrate(
    n: int,
    seed: int,
    max_evals: int,
    log=print,
    stage: str = "A",
    start: dict[str, float] | None = None,
) -> dict[str, float]:
    """Nelder–Mead over one stage's parameters (in unit-cube coordinates).

    Every parameter starts from its literature value, updated by ``start`` (the
    results of earlier stages), so the procedure does not depend on what
    calibrated.json holds when it runs.
    """
    chosen = STAGES[stage]
    free = chosen.free
    base = starting_candidate(start)
    lows = np.array([f.low for f in free])
    highs = np.array([f.high for f in free])

    def to_candidate(z: np.ndarray) -> Candidate:
        x = lows + np.clip(z, 0.0, 1.0) * (highs - lows)
        return base | {f.name: float(v) for f, v in zip(free, x, strict=True)}

    evals = 0
    best: tuple[float, np.ndarray] = (math.inf, np.zeros(len(free)))

    def f(z: np.ndarray) -> float:
        nonlocal evals, best
        evals += 1
        t0 = time.time()
        candidate = to_candidate(z)
        measured = chosen.measure(candidate, n, seed)
        outside = np.clip(-z, 0, None) + np.clip(z - 1, 0, None)
        value = objective_value(measured, chosen.objective) + 100.0 * float(np.sum(outside))
        if value < best[0]:
            best = (value, z.copy())
        shown = ", ".join(
            f"{t.label}={measured.get(t.label, np.nan):.3f}" for t in chosen.objective
        )
        values = ", ".join(f"{p.name}={candidate[p.name]:.4g}" for p in free)
        log(f"[{evals:3d}] J={value:7.3f} ({time.time() - t0:.0f}s) {shown} | {values}")
        return value

    z0 = np.array([(base[f.name] - f.low) / (f.high - f.low) for f in free])
    res = minimize(
        f,
        z0,
        method="Nelder-Mead",
        options={
            "maxfev": max_evals,
            "xatol": 0.01,
            "fatol": 0.02,
            "initial_simplex": _simplex(z0),
        },
    )
    # the best point evaluated: when the budget runs out in the middle of an iteration,
    # its last trial point can beat every vertex of the simplex that scipy returns
    chosen_z = best[1] if best[0] < float(res.fun) else res.x
    result = to_candidate(chosen_z)
    return {f.name: round(result[f.name], 4) for f in free}


def _simplex(start: np.ndarray, step: float = 0.15) -> np.ndarray:
    pts = [start]
    for i in range(len(start)):
        p = start.copy()
        p[i] = p[i] + step if p[i] + step <= 1 else p[i] - step
        pts.append(p)
    return np.array(pts)


def calibrate_all(
    settings: Mapping[str, int],
    log=print,
    stages: str = "BCADE",
    stored: Mapping[str, float] | None = None,
) -> tuple[dict[str, float], dict[str, float]]:
    """The stages in :data:`STAGE_ORDER`, from the literature starting values.

    ``settings`` holds the cohort sizes, the seed and the evaluation budgets
    (the keys of :data:`DEFAULT_SETTINGS`). A stage left out of ``stages`` is not
    re-run: its parameters take their ``stored`` values (the stored result of the
    same deterministic stage, so the later stages start where a full run would).
    Returns the values and the minutes each stage run took.

    Raises
    ------
    ValueError
        If a skipped stage has no stored value for one of its parameters.
    """
    # refuse before running anything: a stage found unskippable only after the
    # others have run would throw their results away
    for name in STAGE_ORDER:
        if name in stages:
            continue
        missing = [f.name for f in STAGES[name].free if stored is None or f.name not in stored]
        if missing:
            raise ValueError(
                f"stage {name} is skipped but no stored values were given for {missing}; "
                f"run stage {name}"
            )
    values: dict[str, float] = {}
    minutes: dict[str, float] = {}
    for name in STAGE_ORDER:
        stage = STAGES[name]
        names = [f.name for f in stage.free]
        if name not in stages:
            assert stored is not None  # checked above
            values |= {k: stored[k] for k in names}
            log(f"stage {name}: stored values {[values[k] for k in names]}")
            continue
        log(f"stage {name}: {names}")
        t0 = time.time()
        values |= calibrate(
            settings[stage.size],
            settings["seed"],
            settings[stage.evals],
            log=log,
            stage=name,
            start=values,
        )
        minutes[name] = round((time.time() - t0) / 60, 1)
    return values, minutes


def cohort_settings(seed: int) -> dict[str, object]:
    """What calibrated.json records about the calibration cohorts."""
    return {
        "patient_ids": f"{CALIBRATION_IDS.patient_ids(1)[0]} …",
        "control_ids": f"{CALIBRATION_IDS.control_ids(1)[0]} …",
        "cohorts": (
            f"calibration cohorts: ids {CALIBRATION_IDS.patients}…/{CALIBRATION_IDS.controls}…, "
            f"root seed {seed}; every draw is keyed by (seed, purpose, id), so they share no "
            "patient or random stream with the cohorts of the battery (vp/hc), the external "
            "checks and the tests (tests/calibration/test_disjoint_cohorts.py)"
        ),
    }


def payload(
    values: Mapping[str, float], settings: Mapping[str, int], stage_minutes: Mapping[str, object]
) -> dict[str, object]:
    """The content of calibrated.json for one run's values and settings."""
    literature = literature_parameters() | population_literature()
    minutes = sum(m for m in stage_minutes.values() if isinstance(m, int | float))
    return {
        "settings": {
            **{k: settings[k] for k in DEFAULT_SETTINGS},
            **cohort_settings(settings["seed"]),
            "stages": ", ".join(STAGE_ORDER[:-1]) + f", then {STAGE_ORDER[-1]}, "
            "from the literature starting values",
            "minutes": round(minutes, 1),
            "stage_minutes": dict(stage_minutes),
        },
        "parameters": {
            f.name: {
                "value": values[f.name],
                "target": f.target,
                "registry": f.registry,
                "literature_start": literature[f.name],
            }
            for name in STAGE_ORDER
            for f in STAGES[name].free
        },
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    d = DEFAULT_SETTINGS
    ap.add_argument("--n", type=int, default=d["n"], help="patients per stage-A evaluation")
    ap.add_argument("--n-b", type=int, default=d["n_b"], help="patients per stage-B/C evaluation")
    ap.add_argument(
        "--seed",
        type=int,
        default=d["seed"],
        help=f"root seed of the calibration cohorts (default {d['seed']})",
    )
    ap.add_argument("--max-evals", type=int, default=d["max_evals"], help="stage-A evaluations")
    ap.add_argument("--max-evals-b", type=int, default=d["max_evals_b"], help="stage-B evaluations")
    ap.add_argument("--max-evals-c", type=int, default=d["max_evals_c"], help="stage-C evaluations")
    ap.add_argument("--max-evals-d", type=int, default=d["max_evals_d"], help="stage-D evaluations")
    ap.add_argument("--max-evals-e", type=int, default=d["max_evals_e"], help="stage-E evaluations")
    ap.add_argument(
        "--stages",
        default="".join(STAGE_ORDER),
        help="stages to run (others keep their values from calibrated.json), e.g. A",
    )
    ap.add_argument("--write", action="store_true", help="write calibrated.json")
    ap.add_argument("--check", action="store_true", help="re-run with stored settings and compare")
    args = ap.parse_args(argv)
    previous = json.loads(CALIBRATED.read_text()) if CALIBRATED.exists() else None
    if args.check:
        if previous is None:
            ap.error(f"--check: no stored calibration at {CALIBRATED}")
        stored_settings = previous["settings"]
        if "patient_ids" not in stored_settings:
            ap.error(
                "--check: calibrated.json predates the disjoint calibration cohorts "
                "(its settings name no patient_ids); run a full calibration with --write"
            )
        settings = {k: int(stored_settings.get(k, v)) for k, v in DEFAULT_SETTINGS.items()}
        stages = "".join(STAGE_ORDER)
    else:
        if set(args.stages) - set(STAGES) or not args.stages:
            ap.error(f"--stages: give some of {', '.join(STAGE_ORDER)} (got {args.stages!r})")
        settings = {k: int(getattr(args, k)) for k in DEFAULT_SETTINGS}
        stages = args.stages
        if previous is not None:
            # a stage not re-run keeps the evaluation budget its stored run had
            for name in set(STAGES) - set(stages):
                key = STAGES[name].evals
                settings[key] = int(previous["settings"].get(key, settings[key]))
    stored = {k: v["value"] for k, v in previous["parameters"].items()} if previous else None
    try:
        values, stage_minutes = calibrate_all(settings, stages=stages, stored=stored)
    except ValueError as error:
        print(f"error: --stages: {error}", file=sys.stderr)
        return 2
    if args.check:
        assert stored is not None
        bad = {
            k: (v, stored.get(k))
            for k, v in values.items()
            if k not in stored or abs(v - stored[k]) > 1e-3
        }
        print("reproduced" if not bad else f"differs: {bad}")
        return 0 if not bad else 1
    if previous is not None:
        # a stage not re-run keeps the time its stored run took
        earlier = previous["settings"].get("stage_minutes", {})
        stage_minutes = {s: stage_minutes.get(s, earlier.get(s)) for s in STAGE_ORDER}
    minutes = sum(m for m in stage_minutes.values() if m is not None)
    print(f"calibrated in {minutes:.1f} min ({stage_minutes}): {values}")
    if args.write:
        CALIBRATED.write_text(json.dumps(payload(values, settings, stage_minutes), indent=2) + "\n")
        print(f"wrote {CALIBRATED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
