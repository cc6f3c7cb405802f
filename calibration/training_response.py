"""How the response to training (V8, V9) moves with the learning and consolidation parameters.

Usage::

    python calibration/training_response.py [--n 150] [--seed 0] [--out FILE.md]

For each named parameter variant (the registry defaults, then single and joint
changes of the learning parameters, some deliberately outside the registry's
ranges), this study runs the two training-response experiments of the battery,
with the same code and metrics as ``strokesim validate``:

- **V8** timing: +20 h of extra training from day 60 vs from day 200, effect at
  the end of training (pass: early > 0 and late ≤ 50% of early);
- **V9** chronic intensity: 90 h over 3 weeks from day 540 in patients with
  FMA-UE 20–50 (pass: mean gain 7–14 points, ≥ 70% retained at 6 months);

and one **headroom** probe that VALIDATION.md does not ask for: the same V9
patients trained 7 days a week at 1000 repetitions a day (the Queen Square daily
dose, with its task mix) for 90 or 300 days. It shows how far practice can move
chronic function in the model at all, so a failing V9 can be read as a shortage of
room (the learned optimum is close to the usual-care state) or of rate (the room
is there but three weeks do not reach it).

Nothing here changes the registry. With consolidation of intensive days the
headroom probe dominates the cost: at ``--n 150`` a variant takes about 7 minutes
on 2 CPU cores, the whole table about an hour.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping

import numpy as np
from study_cli import study_main  # calibration/ is on the path of its scripts

import strokesim  # noqa: F401  (sets the XLA device count before JAX loads)
from strokesim.model.parameters import REGISTRY, model_parameters
from strokesim.simulate import Record
from strokesim.therapy import Protocol, named_protocol
from strokesim.validate.experiments_cohort import ValidationCohort
from strokesim.validate.experiments_protocols import V9_DESIGN
from strokesim.validate.experiments_twins import (
    chronic_intensive_experiment,
    chronic_intensive_included,
    training_timing_experiment,
)
from strokesim.validate.metrics import chronic_intensive, training_timing

_THRESHOLD = REGISTRY["consolidation_threshold"].value

#: Named variants: parameter overrides of the registry defaults.
VARIANTS: dict[str, dict[str, float]] = {
    "defaults": {},
    "no consolidation": {"consolidation_gain": 0.0},
    "consolidation_threshold ×0.5": {"consolidation_threshold": 0.5 * _THRESHOLD},
    "consolidation_threshold ×2": {"consolidation_threshold": 2.0 * _THRESHOLD},
    "learning_rate ×2 (range top)": {"learning_rate": 0.01},
    "no inhibition gating of plasticity": {"inhibition_plasticity_gating": 0.0},
    "no forgetting": {"forgetting_rate": 0.0},
    "no consolidation; therapy ×5, daily life ×1, saturation 2000, no gating": {
        "consolidation_gain": 0.0,
        "learning_rate": 0.025,
        "daily_life_learning_weight": 0.045,
        "trials_saturation": 2000.0,
        "inhibition_plasticity_gating": 0.0,
    },
}

#: Headroom probe: days of daily intensive practice after day 540.
HEADROOM_DAYS = (90, 300)
#: The probe trains at the daily dose and task mix of the V9 programme's therapy.
PROGRAMME = named_protocol("high_dose_90h_3_weeks").components[-1]


def headroom_protocol(start_day: int, days: int) -> Protocol:
    """The V9 programme's daily therapy, every day of the week, for ``days``."""
    training = type(PROGRAMME).model_validate(
        {**PROGRAMME.model_dump(), "start_day": start_day, "duration_days": days}
        | {"sessions_per_week": 7}
    )
    return Protocol(
        name=f"headroom_{days}_days",
        description=f"Daily intensive practice for {days} days from day {start_day}.",
        components=(training,),
    )


def headroom(cohort: ValidationCohort) -> dict[int, float]:
    """Mean FMA-UE gain of the V9 patients after each probe length (points)."""
    start = V9_DESIGN.start_day
    included = chronic_intensive_included(cohort)
    longest = max(HEADROOM_DAYS)
    days = tuple(start + d for d in HEADROOM_DAYS)
    result = cohort.run_arms(
        start, {"probe": headroom_protocol(start, longest)}, Record((start, *days))
    )
    scores = result.sel(arm="probe")["fma_ue"].values[included]
    return {d: float(np.mean(scores[:, i + 1] - scores[:, 0])) for i, d in enumerate(HEADROOM_DAYS)}


def outside_range(overrides: Mapping[str, float]) -> list[str]:
    """Names of overridden parameters whose value lies outside the registry's range."""
    return [k for k, v in overrides.items() if not REGISTRY[k].low <= v <= REGISTRY[k].high]


def study(variants: Mapping[str, Mapping[str, float]], n: int, seed: int) -> list[str]:
    """Run every variant; returns the Markdown table rows."""
    head = (
        "| variant | V8 early | V8 late | V8 ratio | V9 pre | V9 gain end | V9 retention "
        f"| +{HEADROOM_DAYS[0]} d daily | +{HEADROOM_DAYS[1]} d daily |"
    )
    rows = [head, "|" + "---|" * 9]
    for label, overrides in variants.items():
        started = time.perf_counter()
        cohort = ValidationCohort(n, seed, params=model_parameters(**overrides))
        v8 = training_timing(**training_timing_experiment(cohort).inputs)
        v9_data = chronic_intensive_experiment(cohort)
        v9 = chronic_intensive(**v9_data.inputs)
        room = headroom(cohort)
        cohort.release()
        flag = outside_range(overrides)
        name = label + (f" (outside range: {', '.join(flag)})" if flag else "")
        m8, m9 = v8.measured, v9.measured
        rows.append(
            f"| {name} | {m8['early_effect']:.2f} | {m8['late_effect']:.2f} "
            f"| {m8['late_to_early_ratio']:.2f} {'✓' if v8.passed else '✗'} "
            f"| {float(np.mean(v9_data.inputs['fma_pre'])):.1f} "
            f"| {m9['mean_gain_end']:.2f} | {m9['retention']:.2f} {'✓' if v9.passed else '✗'} "
            f"| {room[HEADROOM_DAYS[0]]:+.1f} | {room[HEADROOM_DAYS[1]]:+.1f} |"
        )
        print(f"{label}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; prints (and optionally writes) the Markdown table."""
    return study_main(
        argv,
        description=__doc__.splitlines()[0],
        default_n=150,
        run=lambda n, seed: study(VARIANTS, n, seed),
    )


if __name__ == "__main__":
    sys.exit(main())
