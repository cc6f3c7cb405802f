"""A synthetic result dataset that follows ``docs/dataset.md``, for tests and demos.

The values are random but in range and roughly shaped like recovery (better
scores over time, worse with higher corticospinal-tract lesion load); they come
from no model and mean nothing clinically. Writers, plots and reports are tested
on this dataset so that they do not depend on the simulator.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import xarray as xr

from strokesim import __version__
from strokesim.model.anatomy import ARAT_ITEMS, FMA_ITEMS, HEMISPHERES, MUSCLES

__all__ = ["DEMO_DAYS", "synthetic_dataset"]

#: Recorded days since onset used by default (8 days).
DEMO_DAYS: tuple[int, ...] = (3, 7, 14, 30, 60, 90, 120, 180)

_MAS_GRADES = np.array([0.0, 1.0, 1.5, 2.0, 3.0, 4.0], dtype=np.float32)


def synthetic_dataset(
    n_patients: int = 4, days: Sequence[int] = DEMO_DAYS, seed: int = 0
) -> xr.Dataset:
    """Build a random, in-range dataset with every variable of the result contract.

    Parameters
    ----------
    n_patients
        Number of virtual patients (ids ``P001``, ``P002``, ...).
    days
        Recorded days since stroke onset.
    seed
        Seed of the random generator; the same seed gives the same dataset.

    Returns
    -------
    xarray.Dataset
        Dimensions ``patient``, ``day``, ``fma_item``, ``arat_item``, ``muscle``,
        ``hemisphere``; all data variables, per-patient coordinates and
        attributes listed in ``docs/dataset.md``.

    Examples
    --------
    >>> ds = synthetic_dataset(n_patients=2, days=[7, 90])
    >>> dict(ds.sizes)["patient"], int(ds.fma_ue.max()) <= 66
    (2, True)
    """
    rng = np.random.default_rng(seed)
    day = np.asarray(days, dtype=np.int64)
    patients = [f"P{index + 1:03d}" for index in range(n_patients)]

    # Spread lesion loads over mild..severe so that every demo has a patient
    # without MEP (NaN resting motor threshold) and one near full recovery.
    cst_load = rng.permutation(np.linspace(0.1, 0.9, n_patients))
    cst_load = cst_load + rng.uniform(-0.05, 0.05, n_patients)
    cortical_loss = rng.uniform(0.0, 0.5, n_patients) * cst_load
    nihss = np.clip(np.round(2 + 18 * cst_load + rng.normal(0, 2, n_patients)), 0, 42)
    age = np.round(rng.uniform(40, 88, n_patients), 1)
    side = rng.choice(["left", "right"], n_patients)

    # Latent motor function in [0, 1]: an acute level plus saturating recovery
    # towards a ceiling that shrinks with lesion load.
    acute = np.clip(0.7 * (1 - cst_load) + rng.normal(0, 0.05, n_patients), 0.02, 0.9)
    ceiling = np.clip(acute + (1 - acute) * (1 - cst_load) * 0.8, acute, 0.98)
    tau = rng.uniform(15, 40, n_patients)
    progress = 1 - np.exp(-day[None, :] / tau[:, None])
    latent = acute[:, None] + (ceiling - acute)[:, None] * progress
    latent = np.clip(latent + rng.normal(0, 0.02, latent.shape), 0, 1)

    fma_items = _item_scores(rng, latent, len(FMA_ITEMS), max_score=2)
    arat_items = _item_scores(rng, latent**1.5, len(ARAT_ITEMS), max_score=3)
    mrc = _item_scores(rng, latent**0.8, len(MUSCLES), max_score=5)
    # SAFE = MRC shoulder abduction + MRC finger extension (docs/dataset.md).
    safe = mrc[..., MUSCLES.index("shoulder_abduction")]
    safe = safe + mrc[..., MUSCLES.index("finger_extension")]

    spastic = np.clip(cst_load[:, None] * progress * 4 + rng.normal(0, 0.5, latent.shape), 0, 5)
    mas_elbow = _MAS_GRADES[np.clip(np.round(spastic), 0, 5).astype(int)]
    mas_wrist = _MAS_GRADES[np.clip(np.round(spastic * 0.8), 0, 5).astype(int)]

    mep_present = (latent > 0.3) | (cst_load[:, None] < 0.5)
    noise = rng.normal(0, 1, latent.shape)
    mep_amplitude = np.where(mep_present, 0.05 + 2.5 * latent**2, 0.02 + 0.01 * noise.clip(-2, 2))
    rmt = np.where(mep_present, np.clip(80 - 40 * latent + 3 * noise, 30, 100), np.nan)

    ipsi = 0.3 + 0.7 * latent + rng.uniform(0, 0.1, latent.shape)
    contra = 0.2 + 0.8 * (1 - latent) * (1 - progress * 0.5) + rng.uniform(0, 0.1, latent.shape)
    laterality = (ipsi - contra) / (ipsi + contra)
    use = np.clip(latent**1.3 + rng.normal(0, 0.03, latent.shape), 0, 1)
    dexterity = np.clip(rng.normal(88, 5, n_patients)[:, None] + 2 * progress, 0, 100)

    patient_day = ("patient", "day")
    data_vars = {
        "fma_ue": (patient_day, fma_items.sum(axis=-1).astype(np.int16)),
        "fma_items": ((*patient_day, "fma_item"), fma_items.astype(np.int8)),
        "arat": (patient_day, arat_items.sum(axis=-1).astype(np.int16)),
        "arat_items": ((*patient_day, "arat_item"), arat_items.astype(np.int8)),
        "mrc": ((*patient_day, "muscle"), mrc.astype(np.int8)),
        "safe": (patient_day, safe.astype(np.int8)),
        "grip_kg": (patient_day, (40 * latent**1.5).astype(np.float32)),
        "mas_elbow": (patient_day, mas_elbow),
        "mas_wrist": (patient_day, mas_wrist),
        "mep_present": (patient_day, mep_present),
        "mep_amplitude_mv": (patient_day, mep_amplitude.astype(np.float32)),
        "rmt_percent": (patient_day, rmt.astype(np.float32)),
        "ihi_ratio": (patient_day, np.clip(0.4 + 0.5 * latent, 0, 1.5).astype(np.float32)),
        "laterality_index": (patient_day, laterality.astype(np.float32)),
        "paretic_use_fraction": (patient_day, use.astype(np.float32)),
        "mal_amount": (patient_day, (5 * use).astype(np.float32)),
        "nonparetic_dexterity": (patient_day, dexterity.astype(np.float32)),
        "paretic_dexterity": (patient_day, (100 * latent**1.5).astype(np.float32)),
        "cortical_activity": (
            (*patient_day, "hemisphere"),
            np.stack([ipsi, contra], axis=-1).astype(np.float32),
        ),
    }
    coords = {
        "patient": patients,
        "day": day,
        "fma_item": list(FMA_ITEMS),
        "arat_item": list(ARAT_ITEMS),
        "muscle": list(MUSCLES),
        "hemisphere": list(HEMISPHERES),
        "age": ("patient", age),
        "nihss": ("patient", nihss.astype(np.int16)),
        "cst_lesion_load": ("patient", cst_load),
        "cortical_loss": ("patient", cortical_loss),
        "affected_side": ("patient", side.astype(str)),
    }
    config = f"synthetic_dataset(n_patients={n_patients}, days={list(day)}, seed={seed})"
    attrs = {
        "strokesim_version": __version__,
        "config_hash": hashlib.sha256(config.encode()).hexdigest(),
        "seed": seed,
        "protocol": "synthetic_demo",
        "created_by": "strokesim.report._demo_data.synthetic_dataset",
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def _item_scores(
    rng: np.random.Generator, latent: np.ndarray, n_items: int, max_score: int
) -> np.ndarray:
    """Integer item scores in 0..max_score: harder items need more latent function."""
    difficulty = np.linspace(-0.15, 0.15, n_items)
    noise = rng.normal(0, 0.08, (*latent.shape, n_items))
    level = (latent[..., None] - difficulty + noise) * max_score
    return np.clip(np.round(level), 0, max_score).astype(np.int64)
