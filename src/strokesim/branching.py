"""Snapshots and counterfactual twins: run the acute phase once, branch into arms.

Like Brian2's ``store()``/``restore()``: :func:`snapshot` simulates a batch of
virtual patients up to a day and keeps their whole state; :func:`run_arms` continues
the *same* patients (same lesions, same traits, same random streams) under
several protocols, so that differences between arms are purely causal.

Example
-------
>>> from strokesim.branching import snapshot, run_arms
>>> from strokesim.therapy import named_protocol
>>> snap = snapshot(patients, usual_care(), day=14, seed=0)      # doctest: +SKIP
>>> ds = run_arms(snap, {"sham": named_protocol("sham_rtms_training"),
...                      "rtms": named_protocol("rtms_1hz_contralesional_training")},
...               days=90, record=Record((14, 90)))              # doctest: +SKIP
>>> (ds.fma_ue.sel(arm="rtms") - ds.fma_ue.sel(arm="sham")).sel(day=90)  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import jax
import numpy as np
import xarray as xr

from strokesim.engine import (
    advance_to,
    day_inputs,
    device_batch_size,
    input_horizon,
    pad_batch,
    run_chunk,
    setup_batch,
    shard_batch,
)
from strokesim.errors import UserInputError
from strokesim.model.lesion import PatientConstants
from strokesim.model.parameters import model_parameters
from strokesim.model.state import PatientState
from strokesim.model.template import healthy_template
from strokesim.patient import PatientSpec
from strokesim.random_streams import patient_keys
from strokesim.simulate import (
    MAX_DAYS,
    Record,
    VirtualPatients,
    _from_specs,
    _to_dataset,
    protocol_passes,
)
from strokesim.therapy.schedule import compile_protocol
from strokesim.therapy.schema import Protocol

__all__ = ["Snapshot", "advance", "onset", "run_arms", "snapshot"]


@dataclass(frozen=True)
class Snapshot:
    """The full state of a batch of virtual patients on ``day``."""

    patients: VirtualPatients
    states: PatientState
    constants: PatientConstants
    day: int
    seed: int
    params: dict[str, float]
    protocol: Protocol

    def take(self, index: np.ndarray) -> Snapshot:
        """The snapshot of the patients at ``index`` (positions or a boolean mask) only.

        Every random stream is keyed by patient, so their course continues exactly as
        it would in the whole batch.
        """
        positions = np.arange(len(self.patients))[np.asarray(index)]
        states, constants = jax.tree.map(
            lambda x: np.asarray(x)[positions], (self.states, self.constants)
        )
        return dataclasses.replace(
            self, patients=self.patients.take(positions), states=states, constants=constants
        )


def onset(
    patients: VirtualPatients, protocol: Protocol, *, seed: int, params: dict[str, float]
) -> Snapshot:
    """The state of every patient at onset (day 0), before any protocol day has run."""
    n = len(patients)
    size = device_batch_size(n)
    keys = patient_keys(seed, "patient", patients.ids)
    desc, keys = shard_batch((pad_batch(patients.descriptors, size), pad_batch(keys, size)))
    states, constants = setup_batch(desc, keys, healthy_template(params), params)
    kept = jax.tree.map(lambda x: np.asarray(x)[:n], (states, constants))
    return Snapshot(patients, kept[0], kept[1], 0, seed, params, protocol)


def advance(earlier: Snapshot, day: int, *, horizon: int | None = None) -> Snapshot:
    """Continue a snapshot under its own protocol to a later ``day``, without assessing.

    ``horizon`` (days of compiled protocol inputs, ≥ ``day``) lets callers share one
    compiled program across many days; by default the bucketed
    :func:`strokesim.engine.input_horizon`.
    """
    if not earlier.day <= day <= MAX_DAYS:
        raise UserInputError("day", f"must be an integer in {earlier.day}–{MAX_DAYS}, got {day}")
    daily = compile_protocol(earlier.protocol, max(horizon or 0, input_horizon(day)))
    n = len(earlier.patients)
    size = device_batch_size(n)
    states, constants = shard_batch(
        (pad_batch(earlier.states, size), pad_batch(earlier.constants, size))
    )
    states = advance_to(
        states,
        constants,
        day_inputs(daily),
        earlier.day,
        day,
        healthy_template(earlier.params),
        earlier.params,
        passes=protocol_passes(daily),
    )
    kept = jax.tree.map(lambda x: np.asarray(x)[:n], states)
    return dataclasses.replace(earlier, states=kept, day=day)


def snapshot(
    patients: Sequence[PatientSpec] | VirtualPatients,
    protocol: Protocol,
    *,
    day: int,
    seed: int = 0,
    params: dict[str, float] | None = None,
    n_lesion_samples: int = 16,
) -> Snapshot:
    """Simulate from onset to ``day`` under ``protocol`` and keep the state."""
    if not 0 <= day <= MAX_DAYS:
        raise UserInputError("day", f"must be an integer in 0–{MAX_DAYS}, got {day}")
    params = params or model_parameters()
    vp = (
        patients
        if isinstance(patients, VirtualPatients)
        else _from_specs(list(patients), seed, params, n_lesion_samples)
    )
    return advance(onset(vp, protocol, seed=seed, params=params), day)


def _splice(before: Protocol, after: Protocol, day: int, days: int):
    """Inputs that follow ``before`` until ``day`` and ``after`` from ``day`` on."""
    first = compile_protocol(before, input_horizon(days))
    second = compile_protocol(after, input_horizon(days))
    return type(second)(
        *(np.concatenate([a[:day], b[day:]], axis=0) for a, b in zip(first, second, strict=True))
    )


def run_arms(
    snap: Snapshot,
    protocols: Mapping[str, Protocol],
    *,
    days: int,
    record: Record,
    rater_noise: bool = True,
    chunk_size: int = 1024,
) -> xr.Dataset:
    """Continue the snapshot under each protocol; results stacked on a new ``arm`` dim.

    Each protocol is read from onset, but only its days from ``snap.day`` on are
    applied (the earlier days already happened under the snapshot's protocol).
    """
    if not protocols:
        raise UserInputError("protocols", "give at least one arm")
    if days > MAX_DAYS or days < snap.day:
        raise UserInputError("days", f"must lie in {snap.day}–{MAX_DAYS}, got {days}")
    if record.days[0] < snap.day or record.days[-1] > days:
        raise UserInputError(
            "record.days", f"must lie in {snap.day}–{days} (after the snapshot), got {record.days}"
        )
    template = healthy_template(snap.params)
    n = len(snap.patients)
    arms = []
    for name, protocol in protocols.items():
        daily = _splice(snap.protocol, protocol, snap.day, days)
        inputs = day_inputs(daily)
        chunks = []
        for lo in range(0, n, chunk_size):
            sl = slice(lo, min(lo + chunk_size, n))
            part = jax.tree.map(lambda x, sl=sl: x[sl], (snap.states, snap.constants))
            res = run_chunk(
                None,
                None,
                inputs,
                record.days,
                template,
                snap.params,
                passes=protocol_passes(daily),
                rater_noise=float(rater_noise),
                pad_to=min(chunk_size, n),
                start=(*part, snap.day),
            )
            chunks.append(res.outputs)
        outputs = {k: np.concatenate([c[k] for c in chunks]) for k in chunks[0]}
        ds = _to_dataset(
            snap.patients,
            outputs,
            record.days,
            record,
            protocol,
            snap.seed,
            snap.params,
            days,
            rater_noise,
        )
        arms.append(ds.assign_attrs(protocol=name))
    out = xr.concat(arms, dim="arm", combine_attrs="drop_conflicts")
    return out.assign_coords(arm=list(protocols)).assign_attrs(
        protocol=",".join(protocols), snapshot_day=snap.day
    )
