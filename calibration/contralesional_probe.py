"""Why V6 fails: what inhibiting contralesional M1 can change in mild patients at all.

Usage::

    python calibration/contralesional_probe.py [--n 200] [--seed 0] [--out FILE.md]

V6 (VALIDATION.md) asks that 1 Hz rTMS of contralesional M1 before training, days
14–27, help mild patients (FMA0 ≥ 43) at day 90 against sham twins. The model
gives them nothing. This script measures, with the battery's own cohort, protocols
and bands, the three things such a benefit needs:

1. **Room.** The habitual command of each band on the FMA-UE tasks: its projection
   on the tasks' muscle patterns (1 = the healthy command reaches the pattern
   without extra effort), on days 14, 28 and 90 in both arms, and what it would be
   with no transcallosal inhibition at all. A difference between arms on day 90 is
   the lasting state change the stimulation left; the gap to the no-inhibition
   value is the most that releasing ipsilesional M1 could give.
2. **Sensitivity.** Changes made on day 14, then the sham arm: a cut of the
   inhibition onto ipsilesional M1 (the ``ihi`` state × 0.7 and × 0.4, far beyond any
   stimulation protocol; the state then relaxes at its own rate), also without an
   effort reserve; and lasting cuts of the reticulospinal up-regulation and of the
   spasticity gain (the registry parameters × 0.7 from day 14 on): how much the
   FMA-UE moves when inhibition, or the routes and reflexes a contralesional
   mechanism could act on, are changed outright.
3. **Parameters.** The V6 paired difference per band under parameter variants that
   could plausibly open a mild benefit (recruitment, effort reserve, rater, gating,
   carry-over, use-dependent learning of the disinhibited units), with the number
   of mild patients whose outcome differs at all.
4. **Room on the scale.** The sham arm's FMA-UE on day 90 by FMA0 (the mild band
   split at 56), with the points still missing and the share of them that are
   hyperreflexia (the ``normal_reflex_activity`` item): the most any intervention
   could add in each group.
5. **Where a lasting change would have to sit.** The sham arm's day-90 state
   edited once (ipsilesional input or crossed output × 1.2, inhibition onto
   ipsilesional M1 × 0.5 or removed, contralesional uncrossed and reticular output
   × 0.5, contralesional input × 0.7, reflex excess × 0.9) and assessed at once:
   which lasting state change a mild benefit would need, and what it would cost
   severe patients.

Nothing here changes the registry. At ``--n 200`` the script takes about eight
minutes on 2 CPU cores.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Callable, Mapping

import jax
import jax.numpy as jnp
import numpy as np
from study_cli import study_main  # calibration/ is on the path of its scripts

import strokesim  # noqa: F401  (sets the XLA device count before JAX loads)
from strokesim.assess.battery import assess_batch
from strokesim.branching import Snapshot, advance, run_arms
from strokesim.model.anatomy import FMA_ITEMS
from strokesim.model.dynamics import limb_drive_scales
from strokesim.model.network import Weights, cortical_responses, limb_drive
from strokesim.model.parameters import REGISTRY, model_parameters
from strokesim.model.state import PatientState, availability, descending_survival
from strokesim.model.tasks import fma_tasks
from strokesim.model.template import healthy_template, task_code
from strokesim.simulate import Record
from strokesim.validate.experiments_cohort import BASELINE_DAY, ValidationCohort
from strokesim.validate.experiments_protocols import V6_DESIGN, stimulation_protocols
from strokesim.validate.experiments_twins import (
    arm_change,
    contralesional_inhibition_experiment,
    patient_values,
)
from strokesim.validate.metrics_targets import LEAPS_MILD_MIN_FMA, band_masks

#: Parameter variants: overrides of the registry defaults (first: none).
VARIANTS: dict[str, dict[str, float]] = {
    "defaults": {},
    "recruitment at its maxima": {
        "effort_recruitment": REGISTRY["effort_recruitment"].high,
        "ipsilateral_recruitment": REGISTRY["ipsilateral_recruitment"].high,
    },
    "no effort reserve": {"max_command_gain": REGISTRY["max_command_gain"].low},
    "stricter rater": {"item_full_threshold": 0.92},
    "gating at its maximum": {
        "inhibition_plasticity_gating": REGISTRY["inhibition_plasticity_gating"].high
    },
    "carry-over at its maximum": {"stimulation_carryover": REGISTRY["stimulation_carryover"].high},
    "use-dependent learning at its maximum": {"hebbian_rate": REGISTRY["hebbian_rate"].high},
}


@dataclasses.dataclass(frozen=True)
class Day14Change:
    """A change made on the branch day, compared with the sham arm without it.

    Attributes
    ----------
    label
        Row label.
    inhibition
        Factor on the inhibition onto ipsilesional M1, applied once (the state then
        relaxes at its own rate).
    scale
        Factors on registry parameters from the branch day on.
    setting
        Parameter values from the branch day on in *both* runs (the change and its
        reference), so that the row isolates the inhibition or scale change.
    """

    label: str
    inhibition: float = 1.0
    scale: Mapping[str, float] = dataclasses.field(default_factory=dict)
    setting: Mapping[str, float] = dataclasses.field(default_factory=dict)


DAY_14_CHANGES: tuple[Day14Change, ...] = (
    Day14Change("inhibition onto ipsilesional M1 × 0.7", inhibition=0.7),
    Day14Change("inhibition onto ipsilesional M1 × 0.4", inhibition=0.4),
    Day14Change(
        "inhibition × 0.4 without an effort reserve (`max_command_gain` 1.0 in both runs)",
        inhibition=0.4,
        setting={"max_command_gain": REGISTRY["max_command_gain"].low},
    ),
    Day14Change("`reticulospinal_upregulation` × 0.7", scale={"reticulospinal_upregulation": 0.7}),
    Day14Change("`spasticity_gain` × 0.7", scale={"spasticity_gain": 0.7}),
)
#: Days on which the habitual command is measured.
COMMAND_DAYS = (V6_DESIGN.start_day, V6_DESIGN.start_day + 14, V6_DESIGN.outcome_day)


def habitual_command(snap: Snapshot, *, inhibition: float = 1.0) -> np.ndarray:
    """Per patient: mean projection of the habitual paretic command on the FMA-UE tasks.

    ``proj = Σ target · x / Σ target²`` with ``x`` the spinal drive of the habitual
    (healthy-scaled) command, before effort; 1 means the pattern is reached without
    extra effort. ``inhibition`` scales the transcallosal inhibition state.
    """
    tasks = fma_tasks()
    codes = jnp.asarray(task_code(tasks.target))
    target = jnp.asarray(tasks.target)
    params = snap.params
    template = healthy_template(params)
    day = jnp.asarray(float(snap.day))

    def one(state, constants):
        scale, _ = limb_drive_scales(state, constants, day, params)
        r = cortical_responses(
            state.weights.w_in,
            codes,
            scale,
            availability(constants, day),
            state.ihi * inhibition,
            params["activity_ceiling"],
        )
        drive = limb_drive(
            r,
            state.weights,
            descending_survival(constants),
            jnp.stack([constants.crt, 1.0]),
            state.reticulospinal,
            0,
        )
        x = drive * template.spinal_gain
        return jnp.mean(jnp.sum(target * x, -1) / jnp.sum(target * target, -1))

    return np.asarray(jax.vmap(one)(snap.states, snap.constants))


def command_rows(cohort: ValidationCohort, masks: Mapping[str, np.ndarray]) -> list[str]:
    """Table rows: the habitual command per band, day and arm, with and without inhibition."""
    rows = [
        "| arm | day | " + " | ".join(f"{b} (no inhibition)" for b in masks) + " |",
        "|" + "---|" * (2 + len(masks)),
    ]
    start = cohort.snapshot(V6_DESIGN.start_day)
    for arm, protocol in stimulation_protocols(V6_DESIGN).items():
        snap = dataclasses.replace(start, protocol=protocol)
        for day in COMMAND_DAYS:
            snap = advance(snap, day) if day > snap.day else snap
            with_ihi, without = habitual_command(snap), habitual_command(snap, inhibition=0.0)
            cells = [f"{with_ihi[m].mean():.3f} ({without[m].mean():.3f})" for m in masks.values()]
            rows.append(f"| {arm} | {day} | " + " | ".join(cells) + " |")
    return rows


def day_14_change_rows(cohort: ValidationCohort, masks: Mapping[str, np.ndarray]) -> list[str]:
    """Table rows: day-90 FMA-UE change against the unchanged sham arm (:data:`DAY_14_CHANGES`)."""
    start, end = V6_DESIGN.start_day, V6_DESIGN.outcome_day
    snap = cohort.snapshot(start)
    sham = {"sham": stimulation_protocols(V6_DESIGN)["sham"]}
    record = Record((start, end))

    def course(inhibition: float, params: dict[str, float]) -> np.ndarray:
        states = snap.states._replace(ihi=snap.states.ihi * np.array([inhibition, 1.0]))
        changed = dataclasses.replace(snap, states=states, params=params)
        result = run_arms(changed, sham, days=end, record=record)
        return arm_change(result, "sham", "fma_ue", start, end)

    rows = [
        "| change from day 14 | " + " | ".join(f"{b} ΔFMA-UE day 90" for b in masks) + " |",
        "|" + "---|" * (1 + len(masks)),
    ]
    unchanged: dict[tuple[tuple[str, float], ...], np.ndarray] = {}  # one per setting
    for change in DAY_14_CHANGES:
        reference = {**snap.params, **change.setting}
        scaled = {**reference, **{k: reference[k] * f for k, f in change.scale.items()}}
        key = tuple(sorted(change.setting.items()))
        if key not in unchanged:
            unchanged[key] = course(1.0, reference)
        delta = course(change.inhibition, scaled) - unchanged[key]
        cells = " | ".join(f"{delta[m].mean():+.3f}" for m in masks.values())
        rows.append(f"| {change.label} | {cells} |")
    return rows


#: Upper part of the mild band (FMA0, points): patients with at most 10 points to regain.
MILD_SPLIT_FMA = 56
_REFLEX_ITEM = FMA_ITEMS.index("normal_reflex_activity")


def _scaled(weights: Weights, field: str, hemisphere: int, factor: float) -> Weights:
    array = getattr(weights, field)
    return weights._replace(**{field: array.at[:, hemisphere].multiply(factor)})


#: Day-90 state edits (label → edit of the sham arm's states); hemisphere 0 ipsilesional.
DAY_90_EDITS: dict[str, Callable[[PatientState], PatientState]] = {
    "ipsilesional input weights × 1.2": lambda s: s._replace(
        weights=_scaled(s.weights, "w_in", 0, 1.2)
    ),
    "ipsilesional crossed output × 1.2": lambda s: s._replace(
        weights=_scaled(s.weights, "w_cross", 0, 1.2)
    ),
    "inhibition onto ipsilesional M1 × 0.5": lambda s: s._replace(ihi=s.ihi.at[:, 0].multiply(0.5)),
    "inhibition onto ipsilesional M1 removed": lambda s: s._replace(ihi=s.ihi.at[:, 0].set(0.0)),
    "contralesional uncrossed and reticular output × 0.5": lambda s: s._replace(
        weights=_scaled(_scaled(s.weights, "w_uncross", 1, 0.5), "w_ret", 1, 0.5)
    ),
    "contralesional input weights × 0.7": lambda s: s._replace(
        weights=_scaled(s.weights, "w_in", 1, 0.7)
    ),
    "reflex excess × 0.9": lambda s: s._replace(reflex=1.0 + 0.9 * (s.reflex - 1.0)),
}


def edited_states(label: str, states: PatientState) -> PatientState:
    """The states (NumPy or JAX arrays) with the day-90 edit ``label`` applied, as JAX arrays."""
    return DAY_90_EDITS[label](jax.tree.map(jnp.asarray, states))


def _sham_day_90(cohort: ValidationCohort) -> Snapshot:
    start = cohort.snapshot(V6_DESIGN.start_day)
    sham = dataclasses.replace(start, protocol=stimulation_protocols(V6_DESIGN)["sham"])
    return advance(sham, V6_DESIGN.outcome_day)


def _assess(snap: Snapshot, states: PatientState) -> dict[str, np.ndarray]:
    params = snap.params
    scores = assess_batch(
        states,
        snap.constants,
        healthy_template(params),
        params,
        jnp.asarray(float(snap.day)),
    )
    return {k: np.asarray(scores[k]) for k in ("fma_ue", "fma_items")}


def room_rows(
    scores: Mapping[str, np.ndarray], fma0: np.ndarray, masks: Mapping[str, np.ndarray]
) -> list[str]:
    """Table rows: the sham arm's day-90 FMA-UE (``scores``) and the points it still misses."""
    mild = masks["mild"]
    groups = {
        f"mild, FMA0 {LEAPS_MILD_MIN_FMA}–{MILD_SPLIT_FMA - 1}": mild & (fma0 < MILD_SPLIT_FMA),
        f"mild, FMA0 {MILD_SPLIT_FMA}–66": mild & (fma0 >= MILD_SPLIT_FMA),
        **{b: m for b, m in masks.items() if b != "mild"},
    }
    rows = [
        "| group | n | FMA0 | FMA-UE day 90 (sham) | points missing | of them hyperreflexia |",
        "|" + "---|" * 6,
    ]
    for label, m in groups.items():
        if not m.any():
            rows.append(f"| {label} | 0 | | | | |")
            continue
        missing = 66.0 - scores["fma_ue"][m].mean()
        reflex = (2.0 - scores["fma_items"][m, _REFLEX_ITEM]).mean()
        rows.append(
            f"| {label} | {int(m.sum())} | {fma0[m].mean():.1f} | "
            f"{scores['fma_ue'][m].mean():.1f} | {missing:.1f} | {reflex:.2f} |"
        )
    return rows


def day_90_edit_rows(
    snap: Snapshot, scores: Mapping[str, np.ndarray], masks: Mapping[str, np.ndarray]
) -> list[str]:
    """Table rows: day-90 FMA-UE change from editing the sham arm's state (:data:`DAY_90_EDITS`).

    ``scores``: the unedited sham arm's day-90 assessment.
    """
    base = scores["fma_ue"].astype(np.float64)
    rows = [
        "| day-90 edit | "
        + " | ".join(f"{b} ΔFMA-UE" for b in masks)
        + " | mild patients changed |",
        "|" + "---|" * (2 + len(masks)),
    ]
    for label in DAY_90_EDITS:
        delta = _assess(snap, edited_states(label, snap.states))["fma_ue"] - base
        cells = " | ".join(f"{delta[m].mean():+.3f}" for m in masks.values())
        changed = np.count_nonzero(delta[masks["mild"]])
        rows.append(f"| {label} | {cells} | {changed} of {int(masks['mild'].sum())} |")
    return rows


def variant_row(label: str, cohort: ValidationCohort) -> str:
    """One table row: V6 paired difference per band and mild patients that differ."""
    data = contralesional_inhibition_experiment(cohort).inputs
    diff = data["fma_lasting_active"] - data["fma_lasting_sham"]
    masks = band_masks(data["fma0"])
    mild = masks["mild"]
    cells = [f"{diff[m].mean():+.3f}" for m in masks.values()]
    return (
        f"| {label} | {int(mild.sum())} | {np.count_nonzero(diff[mild])} | "
        + " | ".join(cells)
        + f" | {data['fma_lasting_sham'][mild].mean():.2f} |"
    )


def study(variants: Mapping[str, Mapping[str, float]], n: int, seed: int) -> list[str]:
    """Run the three probes; returns the Markdown lines.

    The state probes use the first variant's cohort (the registry defaults), after
    its V6 row, so its course to day 14 and its day-3 assessment are simulated once.
    """
    rows = [
        "",
        "### V6 lasting paired difference (active − sham, FMA-UE day 90) under variants",
        "",
        "| variant | mild n | mild patients differing | mild | moderate | severe "
        "| mild sham FMA-UE day 90 |",
        "|" + "---|" * 7,
    ]
    states: list[str] = []
    for label, overrides in variants.items():
        started = time.perf_counter()
        cohort = ValidationCohort(n, seed, params=model_parameters(**overrides))
        rows.append(variant_row(label, cohort))
        if not states:
            fma0 = patient_values(cohort.assess(BASELINE_DAY), "fma_ue")
            masks = band_masks(fma0)
            states = ["### Habitual command on the FMA-UE tasks (1 = healthy)", ""]
            states += command_rows(cohort, masks)
            states += ["", "### Changes from day 14 (sham arm)", ""]
            states += day_14_change_rows(cohort, masks)
            day_90 = _sham_day_90(cohort)
            scores = _assess(day_90, day_90.states)
            states += ["", "### Room on the scale (sham arm, day 90)", ""]
            states += room_rows(scores, fma0, masks)
            states += ["", "### Day-90 state edits (sham arm, assessed at once)", ""]
            states += day_90_edit_rows(day_90, scores, masks)
        cohort.release()
        print(f"{label}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return states + rows


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; prints (and optionally writes) the Markdown tables."""
    return study_main(
        argv,
        description=__doc__.splitlines()[0],
        default_n=200,
        run=lambda n, seed: study(VARIANTS, n, seed),
    )


if __name__ == "__main__":
    sys.exit(main())
