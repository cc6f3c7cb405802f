"""A reference library: prior virtual patients simulated once under usual care.

The library draws ``n`` patients from the default virtual population
(:func:`strokesim.cohort.population.sample_population`: lesion descriptors,
stunned share, age; each patient's traits and unit-level fates follow from its
id and the seed inside the engine), simulates them under usual care without
rater noise and keeps their trajectories on a grid of days. The posterior
(:mod:`strokesim.predict.posterior`) weights these trajectories by the
likelihood of a patient's observations; re-simulating the same ids with the same
seed reproduces them exactly, so the library can be extended to new days.

A simulator can be passed in (any :func:`strokesim.simulate.simulate`-compatible
function), so the machinery does not depend on the model's current numbers; by
default the engine is run directly (:mod:`strokesim.predict.twins`: one compiled
batch shape, the same outputs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from strokesim.cohort.population import sample_population
from strokesim.errors import UserInputError
from strokesim.model.lesion import LesionDescriptors
from strokesim.therapy.schema import Protocol

__all__ = [
    "DEFAULT_GRID",
    "STATIC_VARIABLES",
    "TRAJECTORY_VARIABLES",
    "Library",
    "build_library",
    "library_days",
    "simulate_particles",
]

#: Days (since onset) the library always records, up to the horizon.
DEFAULT_GRID: tuple[int, ...] = (3, 7, 14, 21, 30, 45, 60, 90, 120, 150, 180)
#: Outputs kept per day (``paretic_dexterity`` when the simulator gives it).
TRAJECTORY_VARIABLES: tuple[str, ...] = (
    "fma_ue",
    "arat",
    "safe",
    "mrc",
    "mep_present",
    "mep_amplitude_mv",
    "mas_elbow",
    "paretic_use_fraction",
    "mal_amount",
    "paretic_dexterity",
    "laterality_index",
    "ihi_ratio",
)
#: Per-patient values that do not change with the day.
STATIC_VARIABLES: tuple[str, ...] = (
    "nihss",
    "age",
    "cst_lesion_load",
    "lesion_volume_ml",
    "affected_share",
    "stunned_share",
    "cortical_loss",
)
#: Patients per compiled batch: one size everywhere, so one compiled program serves all.
CHUNK = 128

Simulator = Callable[..., xr.Dataset]


def library_days(observation_days: Sequence[int], horizon: int) -> tuple[int, ...]:
    """The grid up to ``horizon``, the observation days (day 0 read as day 1) and the horizon."""
    obs = {max(int(d), 1) for d in observation_days}
    if obs and max(obs) > horizon:
        raise UserInputError(
            "--horizon", f"must be ≥ the last observation day {max(obs)}, got {horizon}"
        )
    return tuple(sorted({d for d in DEFAULT_GRID if d <= horizon} | obs | {int(horizon)}))


@dataclass(frozen=True)
class Library:
    """Simulated prior patients (arrays have the patient axis first).

    Attributes
    ----------
    patients
        The virtual patients (:class:`strokesim.simulate.VirtualPatients`).
    seed
        Root seed of their simulation (traits and unit fates follow from it and the ids).
    days
        Recorded days since onset, sorted.
    trajectories
        ``{variable: array (N, days, ...)}`` of :data:`TRAJECTORY_VARIABLES` present.
    static
        ``{variable: array (N,)}`` of :data:`STATIC_VARIABLES`.
    """

    patients: Any
    seed: int
    days: tuple[int, ...]
    trajectories: dict[str, np.ndarray]
    static: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.patients)

    @property
    def horizon(self) -> int:
        """The last recorded day."""
        return self.days[-1]

    def has_day(self, day: int) -> bool:
        """Whether ``day`` (day 0 read as 1) is recorded."""
        return max(int(day), 1) in self.days

    def at_day(self, day: int) -> dict[str, np.ndarray]:
        """Outputs on one recorded day, ``{variable: (N, ...)}``."""
        k = self.days.index(max(int(day), 1))
        return {name: arr[:, k] for name, arr in self.trajectories.items()}

    def take(self, index: np.ndarray) -> Library:
        """The patients at integer positions ``index`` (repeats allowed)."""
        index = np.asarray(index, np.int64)
        return replace(
            self,
            patients=self.patients.take(index),
            trajectories={k: v[index] for k, v in self.trajectories.items()},
            static={k: v[index] for k, v in self.static.items()},
        )

    def on_days(self, days: Sequence[int]) -> Library:
        """The same patients restricted to recorded ``days`` (a subset of :attr:`days`)."""
        keep = [self.days.index(max(int(d), 1)) for d in days]
        return replace(
            self,
            days=tuple(self.days[k] for k in keep),
            trajectories={k: v[:, keep] for k, v in self.trajectories.items()},
        )

    def with_days(
        self, days: Sequence[int], simulator: Simulator | None = None, progress=None
    ) -> Library:
        """The same patients recorded on ``days`` as well (re-simulated: same ids, same seed)."""
        wanted = tuple(sorted(set(self.days) | {max(int(d), 1) for d in days}))
        if wanted == self.days:
            return self
        return simulate_particles(self.patients, wanted, self.seed, simulator, progress=progress)

    def save(self, path: str | Path) -> None:
        """Write the library to an ``.npz`` file."""
        vp = self.patients
        arrays = {f"traj_{k}": v for k, v in self.trajectories.items()}
        arrays |= {f"static_{k}": v for k, v in self.static.items()}
        arrays |= {f"desc_{f}": np.asarray(getattr(vp.descriptors, f)) for f in _DESC}
        np.savez_compressed(
            path,
            ids=np.asarray(vp.ids),
            side=np.asarray(vp.affected_side),
            volume=np.asarray(vp.lesion_volume_ml),
            nihss=np.asarray(vp.nihss),
            seed=self.seed,
            days=np.asarray(self.days),
            **arrays,
        )

    @classmethod
    def load(cls, path: str | Path) -> Library:
        """Read a library written by :meth:`save`."""
        from strokesim.simulate import VirtualPatients

        with np.load(path) as z:
            ids = tuple(str(i) for i in z["ids"])
            vp = VirtualPatients(
                ids=ids,
                descriptors=LesionDescriptors(*(z[f"desc_{f}"] for f in _DESC)),
                affected_side=tuple(str(s) for s in z["side"]),
                lesion_volume_ml=z["volume"],
                nihss=z["nihss"],
                source=ids,
            )
            traj = {k[5:]: z[k] for k in z.files if k.startswith("traj_")}
            static = {k[7:]: z[k] for k in z.files if k.startswith("static_")}
            return cls(vp, int(z["seed"]), tuple(int(d) for d in z["days"]), traj, static)


_DESC = LesionDescriptors._fields


def simulate_particles(
    patients: Any,
    days: Sequence[int],
    seed: int,
    simulator: Simulator | None = None,
    *,
    protocol: Protocol | Sequence[Protocol] | None = None,
    progress: Callable[[int, int], None] | None = None,
    input_days: int | None = None,
) -> Library:
    """Simulate virtual patients without rater noise and keep them as a :class:`Library`.

    Parameters
    ----------
    patients
        :class:`strokesim.simulate.VirtualPatients`.
    days
        Days to record (≥ 1); the run lasts to the last.
    seed
        Root seed.
    simulator
        ``simulate``-compatible function; default the engine directly, through
        :mod:`strokesim.predict.twins` (batches padded to :data:`CHUNK` patients, one
        compiled program for every call; the same outputs as
        :func:`strokesim.simulate.simulate`).
    protocol
        Protocol, or one per patient (default usual care).
    progress
        ``progress(done, total)`` callback.
    input_days
        Days of compiled protocol inputs (default the run's): a run that stops early
        for a longer one (a prefix) passes the longer run's last day.
    """
    from strokesim.simulate import Record

    days = tuple(sorted({max(int(d), 1) for d in days}))
    if simulator is None:
        return _simulate_direct(patients, days, seed, protocol, progress, input_days)
    ds = simulator(
        patients,
        protocol,
        days=days[-1],
        record=Record(days),
        seed=seed,
        rater_noise=False,
        chunk_size=CHUNK,
        progress=progress,
    )
    return _from_dataset(patients, ds, seed, days)


def _from_dataset(patients: Any, ds: xr.Dataset, seed: int, days: tuple[int, ...]) -> Library:
    traj = {}
    for name in TRAJECTORY_VARIABLES:
        if name in ds:
            arr = ds[name]
            order = ("patient", "day", *[d for d in arr.dims if d not in ("patient", "day")])
            traj[name] = np.asarray(arr.transpose(*order).values)
    static = {name: np.asarray(ds[name].values) for name in STATIC_VARIABLES if name in ds.coords}
    return Library(patients, int(seed), days, traj, static)


def _simulate_direct(
    patients: Any,
    days: tuple[int, ...],
    seed: int,
    protocol: Protocol | Sequence[Protocol] | None,
    progress: Callable[[int, int], None] | None,
    input_days: int | None,
) -> Library:
    """:func:`simulate_particles` on the engine directly (see :mod:`strokesim.predict.twins`)."""
    from strokesim.model.parameters import model_parameters
    from strokesim.predict.twins import advance_record, onset_states
    from strokesim.simulate import BASELINE_DAY, Record, _to_dataset
    from strokesim.therapy.library import usual_care

    params = model_parameters()
    run_days = tuple(sorted(set(days) | {BASELINE_DAY})) if days[-1] >= BASELINE_DAY else days
    total = len(patients) * len(run_days)
    done = 0

    def tick(width: int) -> None:
        nonlocal done
        done += width
        if progress is not None:
            progress(done, total)

    outputs, _ = advance_record(
        onset_states(patients, seed),
        run_days,
        protocol,
        horizon=max(input_days or 0, days[-1]),
        params=params,
        progress=tick,
    )
    ds = _to_dataset(
        patients,
        outputs,
        run_days,
        Record(days),
        protocol if isinstance(protocol, Protocol) else usual_care(),  # attrs only
        seed,
        params,
        days[-1],
        False,
    )
    return _from_dataset(patients, ds, seed, days)


def build_library(
    n: int,
    seed: int,
    days: Sequence[int],
    *,
    age: float | None = None,
    simulator: Simulator | None = None,
    progress: Callable[[int, int], None] | None = None,
    prefix: str = "lib",
) -> Library:
    """Draw ``n`` prior patients from the default population and simulate them.

    Parameters
    ----------
    n
        Library size (≥ 2).
    seed
        Root seed of the draw and of the simulation.
    days
        Days to record (see :func:`library_days`).
    age
        Fix every patient's age (years), e.g. to the patient's own; default drawn.
    simulator, progress
        As in :func:`simulate_particles`.
    prefix
        Id prefix (ids are ``"<prefix><seed>-<i>"``).
    """
    from strokesim.simulate import VirtualPatients

    if n < 2:
        raise UserInputError("library size", f"must be ≥ 2, got {n}")
    ids = [f"{prefix}{seed}-{i:05d}" for i in range(n)]
    vp = VirtualPatients.from_population(sample_population(ids, seed, age=age))
    return simulate_particles(vp, days, seed, simulator, progress=progress)
