"""Noise-free engine runs for calibration and planning, on one compiled batch shape.

The prognosis machinery simulates small batches many times: the particles of a
resample-move step, the counterfactual twins of the planner. Through
:func:`strokesim.simulate.simulate` every call sizes its batch to the call, so a
batch of 40 twins and one of 128 particles compile two programs. Here every
batch is padded to :data:`~strokesim.predict.library.CHUNK` patients, so the
same compiled programs serve every call of a process; and a run can stop on a
*branch day* and keep the patients' state, so that the twins of several
protocols continue from one shared prefix under usual care (one batch, one
protocol per twin) instead of each re-running it from onset, and a calibration
step runs only to the last observation day.

Each patient's course depends only on its id, descriptors, the seed and its
protocol (every random stream is keyed by patient), so the outputs equal those
of ``simulate(..., rater_noise=False)`` for the same patients, whatever the batch
they share (tested bitwise in ``tests/predict/test_twins.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import jax
import numpy as np

from strokesim.engine import (
    day_inputs,
    input_horizon,
    patient_inputs,
    run_chunk,
)
from strokesim.model.dynamics import Passes
from strokesim.model.parameters import model_parameters
from strokesim.model.template import healthy_template
from strokesim.random_streams import patient_keys
from strokesim.therapy.library import usual_care
from strokesim.therapy.schedule import compile_protocol
from strokesim.therapy.schema import Protocol

__all__ = ["Branch", "advance_record", "onset_states"]

#: Patients per compiled batch (the library's).
_CHUNK = 128


@dataclass(frozen=True)
class Branch:
    """The engine state of a batch of virtual patients on ``day`` (host arrays, patient axis first).

    Attributes
    ----------
    patients
        :class:`strokesim.simulate.VirtualPatients`.
    states, constants
        Model state and per-patient constants (pytrees of arrays of leading axis N);
        None at onset before the first run.
    day
        Day since onset of the state (0: onset, before any day has run).
    seed
        Root seed of the patients' streams.
    """

    patients: Any
    states: Any
    constants: Any
    day: int
    seed: int

    def __len__(self) -> int:
        return len(self.patients)

    def take(self, index: np.ndarray) -> Branch:
        """The patients at integer positions ``index`` (repeats allowed)."""
        index = np.asarray(index, np.int64)
        if self.states is None:
            return Branch(self.patients.take(index), None, None, self.day, self.seed)
        states, constants = jax.tree.map(lambda x: x[index], (self.states, self.constants))
        return Branch(self.patients.take(index), states, constants, self.day, self.seed)


def onset_states(patients: Any, seed: int) -> Branch:
    """``patients`` at onset (day 0); their damage, traits and onset state are set up by
    the first :func:`advance_record`, inside the run, exactly as
    :func:`strokesim.simulate.simulate` does."""
    return Branch(patients, None, None, 0, int(seed))


def _inputs(protocols: Protocol | Sequence[Protocol] | None, n: int, horizon: int):
    """Shared inputs (one protocol) or stacked distinct ones with each patient's index."""
    from strokesim.simulate import protocol_passes

    if protocols is None or isinstance(protocols, Protocol):
        daily = compile_protocol(protocols or usual_care(), horizon)
        return day_inputs(daily), None, protocol_passes(daily)
    keys: dict[str, int] = {}
    distinct: list[Protocol] = []
    index = np.empty(n, np.int64)
    for i, p in enumerate(protocols):
        key = p.model_dump_json()
        if key not in keys:
            keys[key] = len(distinct)
            distinct.append(p)
        index[i] = keys[key]
    compiled = [compile_protocol(p, horizon) for p in distinct]
    passes = Passes(*(any(f) for f in zip(*map(protocol_passes, compiled), strict=True)))
    return [day_inputs(d) for d in compiled], index, passes


def advance_record(
    branch: Branch,
    record_days: Sequence[int],
    protocols: Protocol | Sequence[Protocol] | None = None,
    *,
    horizon: int | None = None,
    params: dict | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[dict[str, np.ndarray], Branch]:
    """Continue ``branch`` noise-free, assessing on ``record_days``; outputs and last state.

    Parameters
    ----------
    branch
        Where the patients are (:func:`onset_states`, or an earlier call's state).
    record_days
        Sorted days since onset (all after ``branch.day``); the run stops on the last.
    protocols
        One protocol for all (default usual care) or one per patient. Only the
        protocol's days from ``branch.day`` on are applied.
    horizon
        Days of compiled protocol inputs (default the bucket of the last record day):
        give the run's final day so that a prefix and its continuation read the same
        inputs.
    params
        Model parameters (default the registry's).
    progress
        Called with the number of patients assessed on each record day.

    Returns
    -------
    tuple
        ``{variable: array (N, len(record_days), ...)}`` and the :class:`Branch` on
        the last record day.
    """
    params = params or model_parameters()
    template = healthy_template(params)
    days = tuple(int(d) for d in record_days)
    if not days or days[0] <= branch.day or list(days) != sorted(set(days)):
        raise ValueError(f"record days must be sorted, unique and after day {branch.day}: {days}")
    n = len(branch)
    inputs, index, passes = _inputs(protocols, n, input_horizon(max(horizon or 0, days[-1])))
    outputs: list[dict[str, np.ndarray]] = []
    finals = []
    onset = branch.states is None
    vp = branch.patients
    keys = patient_keys(branch.seed, "patient", vp.ids) if onset else None
    for lo in range(0, n, _CHUNK):
        hi = min(lo + _CHUNK, n)
        if onset:
            desc = type(vp.descriptors)(*(np.asarray(x)[lo:hi] for x in vp.descriptors))
            where = {"start": None}
        else:
            desc = None
            part = jax.tree.map(lambda x, lo=lo, hi=hi: x[lo:hi], (branch.states, branch.constants))
            where = {"start": (*part, branch.day)}
        res = run_chunk(
            desc,
            None if keys is None else keys[lo:hi],
            inputs if index is None else patient_inputs(inputs, index[lo:hi]),
            days,
            template,
            params,
            passes=passes,
            rater_noise=0.0,
            pad_to=_CHUNK,
            **where,
            on_day=None if progress is None else (lambda _d, m=hi - lo: progress(m)),
        )
        outputs.append(res.outputs)
        finals.append(jax.tree.map(np.asarray, (res.states, res.constants)))
    merged = {k: np.concatenate([o[k] for o in outputs]) for k in outputs[0]}
    states, constants = jax.tree.map(lambda *xs: np.concatenate(xs), *finals)
    return merged, Branch(branch.patients, states, constants, days[-1], branch.seed)
