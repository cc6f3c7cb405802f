"""The compiled engine: batches of patients through days and assessment days.

This is the only place that calls ``jax.jit``. It works on plain arrays; the
labelled, validated API lives in :mod:`strokesim.simulate`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from strokesim.assess.battery import assess_batch
from strokesim.model.dynamics import DayInput, Passes, advance
from strokesim.model.lesion import LesionDescriptors, PatientConstants, patient_constants
from strokesim.model.state import PatientState, initial_state
from strokesim.model.template import Template

__all__ = [
    "ChunkResult",
    "advance_to",
    "day_inputs",
    "device_batch_size",
    "input_horizon",
    "pad_batch",
    "run_chunk",
    "setup_batch",
    "shard_batch",
]


@partial(jax.jit, static_argnames=("passes",))
def _advance(states, constants, inputs, start, stop, template, params, passes):
    return jax.vmap(advance, in_axes=(0, 0, None, None, None, None, None, None))(
        states, constants, inputs, start, stop, template, params, passes
    )


_assess = jax.jit(assess_batch)


@jax.jit
def setup_batch(desc: LesionDescriptors, keys: jax.Array, template: Template, params):
    constants = patient_constants(desc, keys, params)
    n = desc.age.shape[0]
    states = jax.vmap(lambda _: initial_state(template, params))(jnp.arange(n))
    return states, constants


#: Protocol inputs are compiled over whole multiples of this many days, so that runs
#: of different lengths share one compiled program (the loop bounds are traced).
INPUT_BUCKET_DAYS = 365


def input_horizon(days: int) -> int:
    """Length of the compiled protocol inputs for a run of ``days`` days."""
    return -(-(days + 1) // INPUT_BUCKET_DAYS) * INPUT_BUCKET_DAYS


def day_inputs(daily) -> DayInput:
    """Model inputs from :class:`strokesim.therapy.schedule.DailyInputs` (leading day axis)."""
    n = daily.training_trials.shape[0]
    return DayInput(
        day=jnp.arange(n, dtype=jnp.float32),
        training_trials=jnp.asarray(daily.training_trials),
        error_feedback=jnp.asarray(daily.error_feedback),
        engagement=jnp.asarray(daily.engagement),
        constraint=jnp.asarray(daily.constraint),
        excitability_shift=jnp.asarray(daily.excitability_shift),
        plasticity_gain_stim=jnp.asarray(daily.plasticity_gain_stim),
        vns_gain=jnp.asarray(daily.vns_gain),
        vns_paired_fraction=jnp.asarray(daily.vns_paired_fraction),
        drug_gain=jnp.asarray(daily.drug_gain),
    )


def _patient_sharding() -> NamedSharding:
    """Shard the leading (patient) axis over every local device."""
    return NamedSharding(Mesh(np.array(jax.devices()), ("patient",)), PartitionSpec("patient"))


def device_batch_size(n: int) -> int:
    """Smallest batch ≥ n that splits evenly over the local devices."""
    k = len(jax.devices())
    return -(-n // k) * k


def shard_batch(tree):
    """Place a batch (leading patient axis) across the local devices."""
    sharding = _patient_sharding()
    return jax.tree.map(lambda x: jax.device_put(x, sharding), tree)


def pad_batch(tree, size: int):
    """Pad every leaf's leading axis to ``size`` by repeating the last row."""

    def pad(x):
        x = jnp.asarray(x) if not isinstance(x, jax.Array) else x
        extra = size - x.shape[0]
        if extra <= 0:
            return x
        return jnp.concatenate([x, jnp.repeat(x[-1:], extra, axis=0)], axis=0)

    return jax.tree.map(pad, tree)


@dataclass
class ChunkResult:
    """Assessments of one chunk: ``{variable: array (B, n_record_days, ...)}`` and final state."""

    outputs: dict[str, np.ndarray]
    states: PatientState
    constants: PatientConstants


def run_chunk(
    desc: LesionDescriptors,
    keys: jax.Array,
    inputs: DayInput,
    record_days: Sequence[int],
    template: Template,
    params: dict[str, float],
    *,
    passes: Passes,
    rater_noise: float = 1.0,
    pad_to: int | None = None,
    start: tuple[PatientState, PatientConstants, int] | None = None,
    on_day: Callable[[int], None] | None = None,
) -> ChunkResult:
    """Simulate a chunk of patients and assess them on each record day.

    Parameters
    ----------
    desc, keys
        Lesion descriptors and patient keys, leading axis B (ignored when ``start``).
    inputs
        The protocol for every day (leading axis ≥ last record day + 1).
    record_days
        Sorted assessment days.
    template, params
        Healthy template and model parameters.
    passes
        Optional work the protocol needs (a stimulation pass, selective exercises);
        static: each combination compiles once.
    rater_noise
        1 for realistic raters, 0 for noise-free scores.
    pad_to
        Pad the batch to this size so every chunk shares one compiled program.
    start
        ``(states, constants, day)`` to continue from a snapshot instead of onset.
    on_day
        Called with each record day once it is assessed (progress reporting).
    """
    if start is None:
        n = int(desc.age.shape[0])
        size = device_batch_size(max(pad_to or n, n))
        desc, keys = shard_batch((pad_batch(desc, size), pad_batch(keys, size)))
        states, constants = setup_batch(desc, keys, template, params)
        day = 0
    else:
        states, constants, day = start
        n = int(constants.crt.shape[0])
        size = device_batch_size(max(pad_to or n, n))
        states, constants = shard_batch((pad_batch(states, size), pad_batch(constants, size)))
    per_day: list[dict[str, np.ndarray]] = []
    for d in record_days:
        if d < day:
            raise ValueError(f"record day {d} precedes the current day {day}")
        states = _advance(states, constants, inputs, day, d, template, params, passes)
        day = d
        out = _assess(states, constants, template, params, jnp.asarray(float(d)), rater_noise)
        per_day.append({k: np.asarray(v)[:n] for k, v in out.items()})
        if on_day is not None:
            on_day(d)
    outputs = {k: np.stack([o[k] for o in per_day], axis=1) for k in per_day[0]} if per_day else {}
    trim = partial(jax.tree.map, lambda x: x[:n])
    return ChunkResult(outputs, trim(states), trim(constants))


def advance_to(
    states: PatientState,
    constants: PatientConstants,
    inputs: DayInput,
    start_day: int,
    stop_day: int,
    template: Template,
    params: dict[str, float],
    *,
    passes: Passes,
) -> PatientState:
    """Advance a batch from ``start_day`` to ``stop_day`` without assessing."""
    return _advance(states, constants, inputs, start_day, stop_day, template, params, passes)
