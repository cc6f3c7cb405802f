"""simulate(): virtual patients × protocol × days → a labelled ``xarray.Dataset``.

Example
-------
>>> from strokesim import PatientSpec, simulate
>>> from strokesim.patient import LesionSpec
>>> p = PatientSpec(id="p1", age=65, affected_side="left",
...                 lesion=LesionSpec(affected=0.4, cst_load=0.2))
>>> ds = simulate([p], days=30, record=Record(days=(3, 30)), seed=1)
>>> int(ds.fma_ue.sel(patient="p1", day=30)) >= 0
True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike

from strokesim import __version__
from strokesim.cohort.population import PopulationDraw, lesion_volume_ml, nihss_proxy
from strokesim.engine import day_inputs, input_horizon, patient_inputs, run_chunk
from strokesim.errors import UserInputError
from strokesim.model.anatomy import (
    ARAT_ITEMS,
    FMA_ITEMS,
    HEMISPHERES,
    MUSCLES,
    TASK_FAMILIES,
)
from strokesim.model.dynamics import Passes
from strokesim.model.lesion import LesionDescriptors
from strokesim.model.parameters import model_parameters
from strokesim.model.template import healthy_template
from strokesim.patient import PatientSpec
from strokesim.per_patient import (
    check_entry_days,
    check_patient_params,
    check_patient_protocols,
)
from strokesim.random_streams import patient_keys
from strokesim.therapy.library import usual_care
from strokesim.therapy.schedule import DailyInputs, compile_protocol
from strokesim.therapy.schema import Protocol

if TYPE_CHECKING:
    from strokesim.predict.lesion_inference import SimulatedFindings

__all__ = [
    "MAX_DAYS",
    "Record",
    "VirtualPatients",
    "assessment_findings",
    "resolve_patients",
    "simulate",
]

#: Longest simulation (days): 10 years.
MAX_DAYS = 3650
#: Day of the baseline assessment (FMA0, SAFE, MEP) used for NIHSS and labels.
BASELINE_DAY = 3

_EXTRA_DIMS = {
    "fma_items": ("fma_item", FMA_ITEMS),
    "arat_items": ("arat_item", ARAT_ITEMS),
    "mrc": ("muscle", MUSCLES),
    "cortical_activity": ("hemisphere", HEMISPHERES),
    "task_family_performance": ("task_family", TASK_FAMILIES),
}


@dataclass(frozen=True)
class Record:
    """Which days to assess (days since onset; sorted, unique, ≥ 1)."""

    days: tuple[int, ...]

    def __post_init__(self) -> None:
        if not self.days:
            raise UserInputError("record.days", "must name at least one day")
        days = tuple(sorted({int(d) for d in self.days}))
        if days[0] < 1 or days[-1] > MAX_DAYS:
            raise UserInputError("record.days", f"must lie in 1–{MAX_DAYS}, got {list(days)}")
        object.__setattr__(self, "days", days)

    @classmethod
    def default(cls, days: int) -> Record:
        """Days 3 and 7, weekly to week 12, then every four weeks, and the last day."""
        grid = [3, 7, *range(14, 85, 7), *range(112, MAX_DAYS + 1, 28)]
        return cls((*(d for d in grid if d <= days), days))


@dataclass(frozen=True)
class VirtualPatients:
    """A batch of virtual patients resolved to lesion descriptors (arrays of shape (B,))."""

    ids: tuple[str, ...]
    descriptors: LesionDescriptors
    affected_side: tuple[str, ...]
    lesion_volume_ml: np.ndarray
    nihss: np.ndarray  # −1 where unknown: filled from the day-3 assessment
    source: tuple[str, ...]  # the PatientSpec id each virtual patient comes from

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, index: np.ndarray) -> VirtualPatients:
        """The patients at ``index`` (integer positions or a boolean mask), in that order."""
        positions = np.arange(len(self))[np.asarray(index)]
        return VirtualPatients(
            ids=tuple(self.ids[i] for i in positions),
            descriptors=LesionDescriptors(*(np.asarray(x)[positions] for x in self.descriptors)),
            affected_side=tuple(self.affected_side[i] for i in positions),
            lesion_volume_ml=np.asarray(self.lesion_volume_ml)[positions],
            nihss=np.asarray(self.nihss)[positions],
            source=tuple(self.source[i] for i in positions),
        )

    @classmethod
    def healthy(cls, ids: tuple[str, ...], ages: np.ndarray) -> VirtualPatients:
        """Lesion-free virtual people (healthy controls) of the given ages (years).

        Every lesion descriptor, the lesion volume and the NIHSS are zero; the
        "affected" side is nominally left (both sides are intact).
        """
        n = len(ids)
        zero = np.zeros(n, np.float32)
        return cls(
            ids=tuple(ids),
            descriptors=LesionDescriptors(zero, zero, zero, zero, np.asarray(ages, np.float32)),
            affected_side=tuple("left" for _ in ids),
            lesion_volume_ml=zero.copy(),
            nihss=np.zeros(n, np.int16),
            source=tuple(ids),
        )

    @classmethod
    def from_population(cls, draw: PopulationDraw) -> VirtualPatients:
        """Virtual patients of a sampled population (sides alternate by id hash)."""
        from strokesim.random_streams import id_hash

        n = len(draw.patient_ids)
        return cls(
            ids=draw.patient_ids,
            descriptors=LesionDescriptors(
                draw.affected, draw.stunned_share, draw.cst_load, draw.premotor_damage, draw.age
            ),
            affected_side=tuple("left" if id_hash(i) % 2 else "right" for i in draw.patient_ids),
            lesion_volume_ml=draw.lesion_volume_ml,
            nihss=np.full(n, -1, np.int16),
            source=draw.patient_ids,
        )


def assessment_findings(
    draw: PopulationDraw, day: int, seed: int, params: dict[str, float]
) -> SimulatedFindings:
    """Noise-free findings of sampled lesions on ``day`` under usual care.

    The simulator that :func:`strokesim.predict.lesion_inference.plausible_lesions`
    scores its candidate lesions with (a
    :class:`~strokesim.predict.lesion_inference.SimulatedFindings`).
    """
    from strokesim.predict.lesion_inference import SimulatedFindings

    ds = simulate(
        VirtualPatients.from_population(draw),
        usual_care(),
        days=max(day, 3),
        record=Record((day,)),
        seed=seed,
        rater_noise=False,
        chunk_size=len(draw.patient_ids),
        params=params,
    )
    at = ds.sel(day=day)
    return SimulatedFindings(
        at.fma_ue.values, at.safe.values, at.mep_present.values, ds.nihss.values
    )


def _from_specs(specs: Sequence[PatientSpec], seed: int, params, n_lesions: int) -> VirtualPatients:
    # imported here so that importing the simulator does not load strokesim.predict
    from strokesim.predict.lesion_inference import plausible_lesions

    ids, desc, side, volume, nihss, source = [], [], [], [], [], []
    mean_stunned = params["stunned_share_mean"]
    for spec in specs:
        if spec.lesion is not None:
            lz = spec.lesion
            stunned = mean_stunned if lz.stunned_share is None else lz.stunned_share
            ids.append(spec.id)
            desc.append((lz.affected, stunned, lz.cst_load, lz.premotor_damage, spec.age))
            side.append(spec.affected_side)
            volume.append(lesion_volume_ml(lz.affected))
            nihss.append(-1)
            source.append(spec.id)
        else:
            draw, known_nihss = plausible_lesions(
                spec, n_lesions, seed, params, assessment_findings
            )
            for k, pid in enumerate(draw.patient_ids):
                ids.append(pid)
                desc.append(
                    (
                        draw.affected[k],
                        draw.stunned_share[k],
                        draw.cst_load[k],
                        draw.premotor_damage[k],
                        spec.age,
                    )
                )
                side.append(spec.affected_side)
                volume.append(draw.lesion_volume_ml[k])
                nihss.append(known_nihss[k])
                source.append(spec.id)
    if len(set(ids)) != len(ids):
        raise UserInputError("patient.id", "must be unique within a run")
    cols = np.asarray(desc, dtype=np.float32).reshape(len(desc), 5).T
    return VirtualPatients(
        tuple(ids),
        LesionDescriptors(*cols),
        tuple(side),
        np.asarray(volume, np.float32),
        np.asarray(nihss, np.int16),
        tuple(source),
    )


def resolve_patients(
    specs: Sequence[PatientSpec],
    seed: int = 0,
    *,
    n_lesion_samples: int = 16,
    params: dict[str, float] | None = None,
) -> VirtualPatients:
    """Patient specifications resolved to virtual patients, as :func:`simulate` does.

    A patient given by clinical descriptors becomes ``n_lesion_samples`` plausible
    lesions (ids ``"<id>~kk"``); one given by a lesion stays one patient. Used by
    the job layer (:mod:`strokesim.jobs`), which chunks the resolved patients.
    """
    vp = _from_specs(list(specs), seed, params or model_parameters(), n_lesion_samples)
    if len(vp) == 0:
        raise UserInputError("patients", "must contain at least one patient")
    return vp


def protocol_passes(daily: DailyInputs) -> Passes:
    """The optional passes a compiled protocol needs (stimulation, selective exercises)."""
    selective = TASK_FAMILIES.index("selective_movement")
    return Passes(
        stimulation=bool(
            np.any(daily.excitability_shift != 0) or np.any(daily.plasticity_gain_stim != 1)
        ),
        selective=bool(np.any(daily.training_trials[:, selective] > 0)),
    )


def config_hash(payload: dict) -> str:
    """sha256 of the canonical JSON of a run's inputs."""
    text = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def simulate(
    patients: Sequence[PatientSpec] | VirtualPatients,
    protocol: Protocol | Sequence[Protocol] | None = None,
    *,
    days: int = 180,
    record: Record | None = None,
    seed: int = 0,
    rater_noise: bool = True,
    chunk_size: int = 512,
    n_lesion_samples: int = 16,
    params: dict[str, float] | None = None,
    patient_params: Mapping[str, ArrayLike] | None = None,
    entry_day: ArrayLike | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> xr.Dataset:
    """Simulate virtual patients under a protocol and assess them on the record days.

    Parameters
    ----------
    patients
        Patient specifications, or already-resolved :class:`VirtualPatients`
        (e.g. a sampled population). A patient given by clinical descriptors is
        expanded into ``n_lesion_samples`` plausible lesions (ids ``"<id>~kk"``).
    protocol
        Therapy protocol; default usual care (30 min of arm therapy on weekdays for
        the first three months). A sequence gives one protocol per patient (per
        virtual patient, or per patient spec); the patients still share one compiled
        batch.
    days
        Days to simulate after onset, or after each patient's entry (1–3650).
    record
        Assessment days (after onset, or after each patient's entry); default
        :meth:`Record.default`.
    seed
        Root seed; every patient's streams derive from (seed, purpose, patient id).
    rater_noise
        Whether raters add measurement noise to item scores.
    chunk_size
        Patients per compiled batch; results do not depend on it.
    n_lesion_samples
        Plausible lesions per clinically described patient.
    params
        Model parameters shared by every patient (default: the registry).
    patient_params
        Per-patient model parameters, ``{registry name: one value per patient}``
        (per virtual patient, or per patient spec), overriding ``params`` for those
        names; each value must lie in the registry's range. The parameters of the
        healthy template and of lesion sampling
        (:data:`strokesim.per_patient.SHARED_ONLY`) cannot be set per patient.
    entry_day
        Per-patient day since onset at which each patient enters the run (integers
        ≥ 0; default 0 for all): patient ``i`` is simulated from onset and assessed
        on days ``entry_day[i] + record.days``; the dataset's ``day`` coordinate then
        counts days since entry, and coordinate ``entry_day`` holds the offsets.
        Protocols stay in days since onset (give each patient a protocol starting
        on its entry day for a mixed-chronicity trial).
    progress
        Called as ``progress(done, total)`` in patient-record-days.

    Returns
    -------
    xarray.Dataset
        Variables and dimensions as in ``docs/dataset.md``.
    """
    if not 1 <= int(days) <= MAX_DAYS:
        raise UserInputError("days", f"must be an integer in 1–{MAX_DAYS}, got {days}")
    if chunk_size < 1:
        raise UserInputError("chunk_size", f"must be ≥ 1, got {chunk_size}")
    params = params or model_parameters()
    protocol = usual_care() if protocol is None else protocol
    if not isinstance(protocol, Protocol | Sequence) or isinstance(protocol, str):
        raise UserInputError(
            "protocol", f"must be a Protocol or one per patient, got {type(protocol).__name__}"
        )
    record = record or Record.default(days)
    if record.days[-1] > days:
        raise UserInputError("record.days", f"must not exceed days={days}, got {record.days[-1]}")
    if isinstance(patients, VirtualPatients):
        vp, expand = patients, None
    else:
        specs = list(patients)
        vp = _from_specs(specs, seed, params, n_lesion_samples)
        position = {spec.id: i for i, spec in enumerate(specs)}
        expand = np.asarray([position[s] for s in vp.source], np.int64)
    if len(vp) == 0:
        raise UserInputError("patients", "must contain at least one patient")
    n = len(vp)
    own = check_patient_params(patient_params or {}, n, expand)
    offsets = None if entry_day is None else check_entry_days(entry_day, n, days, MAX_DAYS, expand)
    horizon = input_horizon(days + (0 if offsets is None else int(offsets.max())))
    if isinstance(protocol, Protocol):
        daily = compile_protocol(protocol, horizon)
        inputs, index, passes = day_inputs(daily), None, protocol_passes(daily)
    else:
        distinct, index = check_patient_protocols(list(protocol), n, expand)
        compiled = [compile_protocol(p, horizon) for p in distinct]
        inputs = [day_inputs(d) for d in compiled]
        passes = Passes(*(any(f) for f in zip(*map(protocol_passes, compiled), strict=True)))
    template = healthy_template(params)
    run_days = (
        tuple(sorted(set(record.days) | {BASELINE_DAY})) if days >= BASELINE_DAY else record.days
    )
    keys = patient_keys(seed, "patient", vp.ids)
    size = min(chunk_size, n)
    chunks = []
    done = 0
    for lo in range(0, n, size):
        hi = min(lo + size, n)
        desc = LesionDescriptors(*(np.asarray(x)[lo:hi] for x in vp.descriptors))

        def tick(_day: int, width: int = hi - lo) -> None:
            nonlocal done
            done += width
            if progress is not None:
                progress(done, n * len(run_days))

        res = run_chunk(
            desc,
            keys[lo:hi],
            inputs if index is None else patient_inputs(inputs, index[lo:hi]),
            run_days,
            template,
            {**params, **{name: v[lo:hi] for name, v in own.items()}},
            passes=passes,
            rater_noise=float(rater_noise),
            pad_to=size,
            offsets=None if offsets is None else offsets[lo:hi],
            on_day=tick,
        )
        chunks.append(res.outputs)
    outputs = {k: np.concatenate([c[k] for c in chunks], axis=0) for k in chunks[0]}
    per_patient = _PerPatient(own, offsets, None if index is None else (distinct, index))
    return _to_dataset(
        vp, outputs, run_days, record, protocol, seed, params, days, rater_noise, per_patient
    )


@dataclass(frozen=True)
class _PerPatient:
    """Per-patient values of a run, for the dataset's coordinates and config hash."""

    params: dict[str, np.ndarray]
    entry_day: np.ndarray | None
    protocols: tuple[list[Protocol], np.ndarray] | None


def _to_dataset(
    vp, outputs, run_days, record, protocol, seed, params, days, rater_noise, per_patient=None
):
    per_patient = per_patient or _PerPatient({}, None, None)
    nihss = vp.nihss.copy()
    if np.any(nihss < 0):
        # the proxy reads arm function at day 3, or at the first day of a shorter run
        first = run_days.index(BASELINE_DAY) if BASELINE_DAY in run_days else 0
        fma3 = outputs["fma_ue"][:, first]
        proxy = nihss_proxy(fma3, vp.lesion_volume_ml, seed, vp.ids)
        nihss = np.where(nihss < 0, proxy, nihss)
    keep = [run_days.index(d) for d in record.days]
    data_vars = {}
    for name, arr in outputs.items():
        arr = arr[:, keep]
        dims = ("patient", "day")
        if name in _EXTRA_DIMS:
            dims = (*dims, _EXTRA_DIMS[name][0])
        data_vars[name] = (dims, arr)
    coords = {
        "patient": list(vp.ids),
        "day": np.asarray(record.days, np.int32),
        **{dim: list(labels) for dim, labels in _EXTRA_DIMS.values()},
        "age": ("patient", np.asarray(vp.descriptors.age, np.float32)),
        "nihss": ("patient", nihss.astype(np.int16)),
        "cst_lesion_load": ("patient", np.asarray(vp.descriptors.cst_load, np.float32)),
        "cortical_loss": (
            "patient",
            np.asarray(vp.descriptors.affected * (1 - vp.descriptors.stunned_share), np.float32),
        ),
        "affected_share": ("patient", np.asarray(vp.descriptors.affected, np.float32)),
        "stunned_share": ("patient", np.asarray(vp.descriptors.stunned_share, np.float32)),
        "lesion_volume_ml": ("patient", np.asarray(vp.lesion_volume_ml, np.float32)),
        "affected_side": ("patient", list(vp.affected_side)),
        "source_patient": ("patient", list(vp.source)),
    }
    if per_patient.entry_day is not None:
        coords["entry_day"] = ("patient", per_patient.entry_day)
    if per_patient.protocols is not None:
        distinct, index = per_patient.protocols
        coords["protocol"] = ("patient", [distinct[i].name for i in index])
        protocol_payload = {
            "distinct": [p.model_dump(mode="json") for p in distinct],
            "index": index.tolist(),
        }
        protocol_name = "per-patient"
    else:
        protocol_payload, protocol_name = protocol.model_dump(mode="json"), protocol.name
    payload = {
        "patients": {
            "ids": list(vp.ids),
            "descriptors": [np.asarray(x).round(6).tolist() for x in vp.descriptors],
        },
        "protocol": protocol_payload,
        "days": days,
        "record": list(record.days),
        "seed": seed,
        "rater_noise": rater_noise,
        "params": params,
    }
    # only runs that use them hash per-patient values: earlier hashes stay valid
    if per_patient.params:
        payload["patient_params"] = {k: v.tolist() for k, v in per_patient.params.items()}
    if per_patient.entry_day is not None:
        payload["entry_day"] = per_patient.entry_day.tolist()
    attrs = {
        "strokesim_version": __version__,
        "config_hash": config_hash(payload),
        "seed": int(seed),
        "protocol": protocol_name,
        "rater_noise": int(rater_noise),
        "created_by": "strokesim.simulate",
        "disclaimer": "Research software, not a medical device: not clinical advice.",
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)
