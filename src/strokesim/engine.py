"""The compiled engine: batches of patients through days and assessment days.

This is the only place that calls ``jax.jit``. It works on plain arrays; the
labelled, validated API lives in :mod:`strokesim.simulate`.

Per-patient values
------------------
Everything a batch runs on may be shared by its patients or given per patient:

- **model parameters**: any value of the parameter dict may be an array of shape
  (B,) (one value per patient) while the rest stay scalars; the batch is mapped
  over the per-patient values only, so shared values broadcast without copies.
  The parameters of the healthy template
  (:data:`strokesim.model.template.TEMPLATE_PARAMETERS`) must stay shared: one
  template serves a batch.
- **protocol inputs**: a :class:`DayInput` with a leading day axis (shared) or a
  leading patient axis before it (B, days, ...), one protocol per patient
  (:func:`patient_inputs`).
- **onset offsets**: ``offsets`` of :func:`run_chunk` (days since onset at which
  each patient enters): each patient is assessed on its own record day + offset,
  while inputs stay indexed by day since onset.

Compute blocks
--------------
On a single CPU device every batch is computed in blocks of :data:`CPU_BLOCK`
patients, each through the same compiled programs; the patients left over after
the full blocks form one block padded to the next power of two. Chunk sizes that
are multiples of the block then split any cohort into the same blocks and give
bitwise-identical tables (XLA vectorises each batch shape differently, so
unblocked batches of 64 and 256 differed in the last float bits), every such chunk
size shares one compilation, and a block's working set stays in the core's cache
(benchmarks/README.md). Other chunk sizes differ in the last bits of float
variables only. On accelerators, or several devices, the
whole padded batch is one program, sharded over the devices.

A block runs each day's learning sub-steps as often as its most demanding patient
needs (:func:`strokesim.model.dynamics.learning_substeps`). When the patients of a
batch differ in that demand (per-patient parameters or protocols: a sweep's design
points, a posterior's particles, a planner's twins), the batch is computed in order
of demand and returned in its own order (:func:`demand_order`): each patient's
result is its own, and blocks hold patients of like demand (rows of the Sobol
design of examples/sweeps/sensitivity_fma180.toml, one patient each, took 3.1 times
the sub-steps they need in blocks of 64 without this, 1.8 times with it at chunks
of 256). Patients who share parameters and protocol share the demand: their order,
and so the bitwise identity across chunk sizes above, is untouched.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, partial
from typing import TypeVar

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from strokesim.assess.battery import assess_batch
from strokesim.model.dynamics import DayInput, Passes, advance, learning_demand
from strokesim.model.lesion import LesionDescriptors, PatientConstants, patient_constants
from strokesim.model.state import PatientState, initial_state
from strokesim.model.template import TEMPLATE_PARAMETERS, Template

T = TypeVar("T")

__all__ = [
    "CPU_BLOCK",
    "ChunkResult",
    "advance_to",
    "block_layout",
    "check_batch",
    "compute_block",
    "day_inputs",
    "demand_order",
    "device_batch_size",
    "input_horizon",
    "pad_batch",
    "param_axes",
    "patient_inputs",
    "per_patient_names",
    "run_chunk",
    "setup_batch",
    "shard_batch",
]


def param_axes(params: Mapping[str, object]) -> dict[str, int | None]:
    """The ``vmap`` axis of each parameter: 0 for a per-patient array (B,), None if shared."""
    return {name: 0 if jnp.ndim(value) else None for name, value in params.items()}


def per_patient_names(params: Mapping[str, object]) -> tuple[str, ...]:
    """Names of the parameters given per patient (arrays of shape (B,))."""
    return tuple(name for name, axis in param_axes(params).items() if axis == 0)


def _axis(x) -> int | None:
    return 0 if jnp.ndim(x) else None


def _input_axis(inputs: DayInput) -> int | None:
    """0 for per-patient inputs (patient, day, ...), None for shared (day, ...)."""
    return 0 if jnp.ndim(inputs.day) == 2 else None


@partial(jax.jit, static_argnames=("passes",))
def _advance(states, constants, inputs, start, stop, template, params, passes):
    axes = (0, 0, _input_axis(inputs), _axis(start), _axis(stop), None, param_axes(params), None)
    return jax.vmap(advance, in_axes=axes)(
        states, constants, inputs, start, stop, template, params, passes
    )


_assess = jax.jit(assess_batch)


@jax.jit
def _setup(desc: LesionDescriptors, keys: jax.Array, template: Template, params):
    constants = patient_constants(desc, keys, params)
    n = desc.age.shape[0]
    states = jax.vmap(lambda _, p: initial_state(template, p), in_axes=(0, param_axes(params)))(
        jnp.arange(n), params
    )
    return states, constants


#: Patients per compiled block on a single CPU device. 64 is the fastest batch of the
#: daily loop on the 2-core CPU (7.5k patient-days/s against 6.9k at 128 and 5.3k at
#: 512: the per-sub-step arrays of a block fit the 2 MB L2 cache per core;
#: ../shared/ENGINE-PROFILE.md, "Figures").
CPU_BLOCK = 64


def compute_block() -> int | None:
    """Patients per compiled block: :data:`CPU_BLOCK` on one CPU device, else None (whole batch)."""
    devices = jax.devices()
    return CPU_BLOCK if len(devices) == 1 and devices[0].platform == "cpu" else None


def block_layout(n: int, pad_to: int | None = None) -> tuple[int, list[slice]]:
    """Padded batch size and the slices of its compute blocks for ``n`` patients.

    On one CPU device: as many full blocks of :data:`CPU_BLOCK` as ``n`` fills, then
    the remaining patients in one block padded to the next power of two (so a small
    batch costs at most twice its size, not a whole block). The blocks of a batch
    depend only on its size modulo the block, so chunk sizes that are multiples of
    the block split every cohort into the same blocks.
    """
    block = compute_block()
    if block is None:
        size = device_batch_size(max(pad_to or n, n))
        return size, [slice(0, size)]
    full, rest = divmod(n, block)
    slices = [slice(k * block, (k + 1) * block) for k in range(full)]
    size = full * block
    if rest:
        tail = 1 << (rest - 1).bit_length()
        slices.append(slice(size, size + tail))
        size += tail
    return size, slices


@cache
def _block_pool() -> ThreadPoolExecutor:
    """One thread per CPU core this process may use, shared by every batch."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return ThreadPoolExecutor(cores or 1, thread_name_prefix="strokesim-block")


def _on_cores(work: Callable[[int, slice], T], blocks: Sequence[slice]) -> list[T]:
    """``work(k, block)`` for every compute block, blocks run side by side on the cores.

    A block's program keeps about one core busy (its operations are too small for
    XLA to split); independent blocks started from their own threads run at once
    (ENGINE-PROFILE follow-up, benchmarks/README.md). Each block's result is its
    own whichever thread runs it. Results in block order.
    """
    if len(blocks) == 1:
        return [work(0, blocks[0])]
    return list(_block_pool().map(work, range(len(blocks)), blocks))


def _rows(tree, rows: slice | np.ndarray):
    """The rows ``rows`` (a slice or an index array) of every batched leaf (ndim ≥ 1);
    scalars (shared values) and None pass."""
    return jax.tree.map(lambda x: x[rows] if jnp.ndim(x) else x, tree)


def _inputs_rows(inputs: DayInput, rows: slice | np.ndarray) -> DayInput:
    """Per-patient inputs at ``rows``; shared inputs (day axis first) unchanged."""
    return _rows(inputs, rows) if _input_axis(inputs) == 0 else inputs


def _concat(parts: Sequence):
    return parts[0] if len(parts) == 1 else jax.tree.map(lambda *xs: jnp.concatenate(xs), *parts)


@partial(jax.jit, static_argnames=("passes",))
def _demand(inputs, start, stop, params, passes):
    axes = (_input_axis(inputs), _axis(start), _axis(stop), param_axes(params), None)
    return jax.vmap(learning_demand, in_axes=axes)(inputs, start, stop, params, passes)


def demand_order(
    n: int,
    inputs: DayInput,
    start: int | np.ndarray,
    stop: int | np.ndarray,
    params: Mapping[str, object],
    passes: Passes,
) -> np.ndarray | None:
    """The order in which to compute a batch of ``n`` patients, or None for their own.

    Patients sorted (stably) by their learning sub-steps from ``start`` to ``stop``
    (:func:`strokesim.model.dynamics.learning_demand`), when blocks are in use and the
    demand differs between patients; None when nothing per patient could change it
    or it is the same for all.
    """
    batched = (
        per_patient_names(params) or _input_axis(inputs) == 0 or jnp.ndim(start) or jnp.ndim(stop)
    )
    if compute_block() is None or n <= CPU_BLOCK or not batched:
        return None
    demand = np.asarray(_demand(inputs, start, stop, params, passes))
    if np.all(demand == demand[0]):
        return None
    return np.argsort(demand, kind="stable")


def setup_batch(desc: LesionDescriptors, keys: jax.Array, template: Template, params):
    """Unit-level damage, traits and onset state of a batch (``params`` may be per patient).

    The batch as given (leading axis B); computed in compute blocks.
    """
    n = int(desc.age.shape[0])
    size, blocks = block_layout(n)
    desc, keys = pad_batch(desc, size), pad_batch(keys, size)
    parts = _setup_blocks(desc, keys, template, _pad_params(params, size), blocks)
    return jax.tree.map(lambda x: x[:n], _concat(parts))


def _setup_blocks(desc, keys, template: Template, params, blocks: Sequence[slice]) -> list:
    """``(states, constants)`` of each compute block of a padded batch."""
    return [_setup(_rows(desc, b), keys[b], template, _rows(params, b)) for b in blocks]


def check_batch(
    n: int,
    params: Mapping[str, object],
    inputs: DayInput | None = None,
    days: object | None = None,
) -> None:
    """Check that every per-patient value of a batch of ``n`` patients has length ``n``.

    Raises
    ------
    ValueError
        Naming the parameter (or ``inputs``/``days``) whose shape does not fit, or a
        template parameter given per patient.
    """
    for name, value in params.items():
        shape = jnp.shape(value)
        if shape == ():
            continue
        if name in TEMPLATE_PARAMETERS:
            raise ValueError(f"parameter {name!r} builds the healthy template: must be shared")
        if shape != (n,):
            raise ValueError(f"parameter {name!r}: per-patient shape must be ({n},), got {shape}")
    if inputs is not None and _input_axis(inputs) == 0 and jnp.shape(inputs.day)[0] != n:
        raise ValueError(f"inputs: per-patient leading axis must be {n}, got {inputs.day.shape}")
    if days is not None and jnp.ndim(days) and jnp.shape(days) != (n,):
        raise ValueError(f"days: per-patient shape must be ({n},), got {jnp.shape(days)}")


def _pad_params(params: Mapping[str, object], size: int) -> dict[str, object]:
    """Pad (and place) the per-patient parameters; shared ones pass through untouched."""
    return {
        name: shard_batch(pad_batch(jnp.asarray(value), size)) if jnp.ndim(value) else value
        for name, value in params.items()
    }


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
        training_minutes=jnp.asarray(daily.training_minutes),
    )


def patient_inputs(protocols: Sequence[DayInput], index: np.ndarray) -> DayInput:
    """Per-patient inputs (patient, day, ...): patient ``i`` follows ``protocols[index[i]]``.

    Every protocol's inputs must have the same number of days.
    """
    index = np.asarray(index)
    return jax.tree.map(lambda *xs: jnp.stack(xs)[index], *protocols)


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


def _batch_start(desc: LesionDescriptors | None, start) -> tuple[int, int | np.ndarray]:
    """Patients in a batch and the day it starts from (0: onset, else ``start``'s day)."""
    if start is None:
        return int(desc.age.shape[0]), 0
    return int(start[1].crt.shape[0]), start[2]


def run_chunk(
    desc: LesionDescriptors,
    keys: jax.Array,
    inputs: DayInput,
    record_days: Sequence[int],
    template: Template,
    params: Mapping[str, object],
    *,
    passes: Passes,
    rater_noise: float = 1.0,
    pad_to: int | None = None,
    start: tuple[PatientState, PatientConstants, int | np.ndarray] | None = None,
    offsets: np.ndarray | None = None,
    on_day: Callable[[int], None] | None = None,
) -> ChunkResult:
    """Simulate a chunk of patients and assess them on each record day.

    Parameters
    ----------
    desc, keys
        Lesion descriptors and patient keys, leading axis B (ignored when ``start``).
    inputs
        The protocol for every day: leading axis day since onset (≥ last record day
        + largest offset + 1), shared by the batch, or (B, day, ...) per patient.
    record_days
        Sorted assessment days (relative to each patient's offset).
    template, params
        Healthy template and model parameters; any parameter outside the template's
        may be an array of shape (B,), one value per patient.
    passes
        Optional work the protocol needs (a stimulation pass, selective exercises);
        static: each combination compiles once. For per-patient inputs, the union.
    rater_noise
        1 for realistic raters, 0 for noise-free scores.
    pad_to
        Pad the batch to this size so every chunk shares one compiled program.
    start
        ``(states, constants, day)`` to continue from a snapshot instead of onset;
        ``day`` (day since onset) is an int or one per patient (B,).
    offsets
        Days since onset at which each patient enters, shape (B,) (default 0): patient
        ``i`` is assessed on day ``record_day + offsets[i]`` since onset.
    on_day
        Called with each record day once it is assessed (progress reporting).
    """
    n, day = _batch_start(desc, start)
    check_batch(n, params, inputs, offsets)
    if start is not None:
        check_batch(n, {}, None, day)
    last = max(record_days, default=0)
    stop = last if offsets is None else np.asarray(offsets) + last
    order = demand_order(n, inputs, day, stop, params, passes)
    run = partial(
        _run_blocks,
        record_days=record_days,
        template=template,
        passes=passes,
        rater_noise=rater_noise,
        pad_to=pad_to,
        on_day=on_day,
    )
    if order is None:
        return run(desc, keys, inputs, params, start, offsets)
    result = run(
        _rows(desc, order),
        None if keys is None else keys[order],
        _inputs_rows(inputs, order),
        _rows(dict(params), order),
        _rows(start, order),
        None if offsets is None else np.asarray(offsets)[order],
    )
    back = np.argsort(order)
    return ChunkResult(
        {k: v[back] for k, v in result.outputs.items()},
        _rows(result.states, back),
        _rows(result.constants, back),
    )


def _run_blocks(
    desc,
    keys,
    inputs,
    params,
    start,
    offsets,
    *,
    record_days,
    template,
    passes,
    rater_noise,
    pad_to,
    on_day,
) -> ChunkResult:
    """:func:`run_chunk` on a checked batch, in the order given."""
    n, day = _batch_start(desc, start)
    if start is not None:
        states, constants, _ = start
    size, blocks = block_layout(n, pad_to)
    params = _pad_params(params, size)
    if _input_axis(inputs) == 0:
        inputs = shard_batch(pad_batch(inputs, size))
    if jnp.ndim(day):
        day = shard_batch(pad_batch(np.asarray(day, np.int32), size))
    if offsets is not None:
        offsets = shard_batch(pad_batch(np.asarray(offsets, np.int32), size))
    if start is None:
        desc, keys = shard_batch((pad_batch(desc, size), pad_batch(keys, size)))
        lanes = _setup_blocks(desc, keys, template, params, blocks)
    else:
        states, constants = shard_batch((pad_batch(states, size), pad_batch(constants, size)))
        lanes = [(_rows(states, b), _rows(constants, b)) for b in blocks]
    block_params = [_rows(params, b) for b in blocks]
    block_inputs = [_inputs_rows(inputs, b) for b in blocks]
    per_day: list[dict[str, np.ndarray]] = []
    for d in record_days:
        stop = d if offsets is None else offsets + d
        if np.any(np.asarray(stop) < np.asarray(day)):
            raise ValueError(f"record day {d} precedes the current day {day}")
        when = jnp.asarray(float(d)) if offsets is None else stop.astype(jnp.float32)

        def block_day(k: int, b: slice, day=day, stop=stop, when=when, lanes=lanes):
            states_k, constants_k = lanes[k]
            states_k = _advance(
                states_k,
                constants_k,
                block_inputs[k],
                _rows(day, b),
                _rows(stop, b),
                template,
                block_params[k],
                passes,
            )
            out = _assess(
                states_k, constants_k, template, block_params[k], _rows(when, b), rater_noise
            )
            return (states_k, constants_k), {name: np.asarray(v) for name, v in out.items()}

        done = _on_cores(block_day, blocks)
        lanes = [lane for lane, _ in done]
        outs = [out for _, out in done]
        day = stop
        per_day.append({k: np.concatenate([o[k] for o in outs])[:n] for k in outs[0]})
        if on_day is not None:
            on_day(d)
    outputs = {k: np.stack([o[k] for o in per_day], axis=1) for k in per_day[0]} if per_day else {}
    states, constants = _concat(lanes)
    trim = partial(jax.tree.map, lambda x: x[:n])
    return ChunkResult(outputs, trim(states), trim(constants))


def advance_to(
    states: PatientState,
    constants: PatientConstants,
    inputs: DayInput,
    start_day: int | np.ndarray,
    stop_day: int | np.ndarray,
    template: Template,
    params: Mapping[str, object],
    *,
    passes: Passes,
) -> PatientState:
    """Advance a batch from ``start_day`` to ``stop_day`` without assessing.

    ``start_day``, ``stop_day``, ``inputs`` and any parameter may be per patient
    (leading axis B, the batch as given: no padding here).
    """
    n = int(constants.crt.shape[0])
    check_batch(n, params, inputs, start_day)
    check_batch(n, {}, None, stop_day)
    order = demand_order(n, inputs, start_day, stop_day, params, passes)
    if order is not None:
        states, constants, inputs, start_day, stop_day, params = (
            _rows(states, order),
            _rows(constants, order),
            _inputs_rows(inputs, order),
            *_rows((start_day, stop_day), order),
            _rows(dict(params), order),
        )
        moved = _advance_blocks(
            states, constants, inputs, start_day, stop_day, template, params, passes
        )
        return _rows(moved, np.argsort(order))
    return _advance_blocks(states, constants, inputs, start_day, stop_day, template, params, passes)


def _advance_blocks(
    states, constants, inputs, start_day, stop_day, template, params, passes
) -> PatientState:
    """:func:`advance_to` on a checked batch, in the order given."""
    n = int(constants.crt.shape[0])
    size, blocks = block_layout(n)
    if size == n and len(blocks) == 1:
        return _advance(states, constants, inputs, start_day, stop_day, template, params, passes)
    states, constants = pad_batch(states, size), pad_batch(constants, size)
    params = _pad_params(params, size)
    if _input_axis(inputs) == 0:
        inputs = pad_batch(inputs, size)
    start_day, stop_day = (
        pad_batch(np.asarray(x, np.int32), size) if jnp.ndim(x) else x
        for x in (start_day, stop_day)
    )

    def block(_k: int, b: slice) -> PatientState:
        moved = _advance(
            _rows(states, b),
            _rows(constants, b),
            _inputs_rows(inputs, b),
            _rows(start_day, b),
            _rows(stop_day, b),
            template,
            _rows(params, b),
            passes,
        )
        return jax.block_until_ready(moved)

    return jax.tree.map(lambda x: x[:n], _concat(_on_cores(block, blocks)))
