"""A stand-in for the engine: closed-form recovery curves, so the web tests need no JAX compile.

Same call and output shape as :func:`strokesim.simulate.simulate` for what the
prediction code reads (``fma_ue``, ``arat``, ``safe``, ``mep_present``, ...,
per patient and recorded day, and the static coordinates). Recovery depends on
the lesion descriptors and an id-derived trait; any protocol other than usual
care adds a gain that shrinks with corticospinal lesion load, so the planner has
something to rank, and that grows with the minutes per session of the added
components and shrinks with their start day, so the plan's knobs (``--start-day``,
``--minutes-per-session``) change the numbers. Deterministic: the same ids,
descriptors and protocols give the same values.
"""

from __future__ import annotations

import zlib

import numpy as np
import xarray as xr

__all__ = ["fake_simulate"]


def _trait(ids) -> np.ndarray:
    return np.array([zlib.crc32(str(i).split("~")[0].encode()) % 1000 / 1000 for i in ids])


def _added_dose(protocol) -> tuple[float, float]:
    """Earliest start day and total minutes per session of the components beyond usual care."""
    from strokesim.therapy.library import beyond_usual_care

    added = beyond_usual_care(protocol) if getattr(protocol, "components", None) else []
    if not added:
        return 0.0, 0.0
    start = float(min(c.start_day for c in added))
    minutes = float(sum(getattr(c, "minutes_per_session", 0.0) for c in added))
    return start, minutes


def fake_simulate(patients, protocol=None, *, days=180, record=None, seed=0, progress=None, **_):
    """Closed-form trajectories of ``patients`` on ``record.days`` (see the module docstring)."""
    d = patients.descriptors
    n = len(patients)
    t = np.asarray(record.days if record is not None else range(1, days + 1), float)
    cst = np.asarray(d.cst_load, float)
    stunned = np.asarray(d.stunned_share, float)
    affected = np.asarray(d.affected, float)
    trait = _trait(patients.ids)
    ceiling = 66 * (1 - 0.75 * cst) * (0.75 + 0.25 * trait)
    start = ceiling * (1 - stunned) * (0.3 + 0.4 * (1 - affected))
    arms = [protocol] * n if not isinstance(protocol, list | tuple) else list(protocol)
    names = [getattr(p, "name", "usual_care") for p in arms]
    doses = {id(p): _added_dose(p) for p in arms}
    start, minutes = np.array([doses[id(p)] for p in arms]).reshape(n, 2).T
    extra = np.array([0.0 if m == "usual_care" else 1.0 for m in names])
    rank = np.array([zlib.crc32(m.encode()) % 7 / 7 for m in names])
    dose = (1 + minutes / 120) * np.exp(-start / 90)
    gain = extra * (6 * (1 - cst) - 2 + 3 * rank) * dose
    tau = 20 + 30 * trait
    fma = ceiling[:, None] - (ceiling - start)[:, None] * np.exp(-t[None, :] / tau[:, None])
    fma = np.clip(fma + gain[:, None] * (1 - np.exp(-t[None, :] / 60)), 0, 66)
    arat = np.clip(57 * fma / 66 - 4, 0, 57)
    mep = np.repeat((cst < 0.55)[:, None], len(t), axis=1)
    coords = {
        "patient": list(patients.ids),
        "day": t.astype(int),
        "nihss": ("patient", np.rint(2 + 14 * affected).astype(int)),
        "age": ("patient", np.asarray(d.age, float)),
        "cst_lesion_load": ("patient", cst),
        "lesion_volume_ml": ("patient", np.asarray(patients.lesion_volume_ml, float)),
        "affected_share": ("patient", affected),
        "stunned_share": ("patient", stunned),
        "cortical_loss": ("patient", affected * 0.5),
    }
    dims = ("patient", "day")
    ds = xr.Dataset(
        {
            "fma_ue": (dims, fma),
            "arat": (dims, arat),
            "safe": (dims, np.rint(10 * fma / 66)),
            "mep_present": (dims, mep),
            "mep_amplitude_mv": (dims, np.where(mep, 0.2 + fma / 66, 0.0)),
            "mal_amount": (dims, 5 * fma / 66),
            "paretic_use_fraction": (dims, 0.5 * fma / 66),
        },
        coords=coords,
    )
    if progress is not None:
        progress(n, n)
    return ds
