"""Virtual TMS: MEP presence needs surviving corticospinal output; healthy RMT is 45% MSO."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from strokesim import simulate
from strokesim.assess.tms import virtual_tms
from strokesim.model.parameters import model_parameters
from strokesim.model.template import N_UNITS, healthy_template
from strokesim.patient import LesionSpec, PatientSpec
from strokesim.simulate import Record

PARAMS = model_parameters()
TEMPLATE_W = healthy_template(PARAMS).weights.w_cross[0]
N_KEYS = 256


@jax.jit
def _tms_many(avail, cst, excitability, ihi, keys):
    """Virtual TMS of one cortex with many trial keys."""
    return jax.vmap(
        lambda k: virtual_tms(avail, cst, TEMPLATE_W, TEMPLATE_W, excitability, ihi, k, PARAMS)
    )(keys)


def _tms(cst_share=1.0, avail_share=1.0, excitability=1.0, ihi=None):
    """Surviving shares are the first units of the M1 population (fates are nested)."""
    units = np.arange(N_UNITS)
    cst = (units < round(cst_share * 128)).astype(np.float32)
    avail = (units < round(avail_share * 128)).astype(np.float32)
    ihi = PARAMS["ihi_strength"] if ihi is None else ihi
    keys = jax.random.split(jax.random.key(0), N_KEYS)
    out = _tms_many(
        jnp.asarray(avail), jnp.asarray(cst), jnp.float32(excitability), jnp.float32(ihi), keys
    )
    return {k: np.asarray(v) for k, v in out.items()}


def test_no_surviving_corticospinal_tract_means_no_mep() -> None:
    for out in (_tms(cst_share=0.0), _tms(avail_share=0.0)):
        assert not out["mep_present"].any()
        assert (out["mep_amplitude_mv"] == 0).all()
        assert np.isnan(out["rmt_percent"]).all() and np.isnan(out["ihi_ratio"]).all()


def test_healthy_resting_motor_threshold_is_45_percent() -> None:
    out = _tms()
    assert out["mep_present"].all()
    assert out["rmt_percent"].mean() == pytest.approx(45.0, abs=1.0)
    assert np.all(np.abs(out["rmt_percent"] - 45.0) < 8.0)
    # at 120% RMT a healthy MEP is well above the 50 µV presence threshold
    assert (out["mep_amplitude_mv"] > PARAMS["mep_threshold_mv"]).all()


def test_volley_below_threshold_gives_no_mep_and_weaker_output_raises_rmt() -> None:
    below = PARAMS["mep_volley_threshold"] - 0.05
    assert not _tms(cst_share=below)["mep_present"].any()
    partial_ = _tms(cst_share=0.7)
    healthy = _tms()
    assert partial_["mep_present"].all()
    # same trial keys: a smaller volley needs a stronger pulse, trial by trial
    assert (partial_["rmt_percent"] > healthy["rmt_percent"]).all()
    # near the volley threshold the MEP at 120% RMT is clearly smaller (between 100% and
    # 70% survival it barely changes: RMT rises with the loss and compensates)
    weak = _tms(cst_share=PARAMS["mep_volley_threshold"] + 0.08)
    assert weak["mep_present"].all()
    assert weak["mep_amplitude_mv"].mean() < 0.8 * healthy["mep_amplitude_mv"].mean()


def test_excitability_lowers_rmt() -> None:
    np.testing.assert_allclose(
        _tms(excitability=1.2)["rmt_percent"], _tms()["rmt_percent"] / 1.2, rtol=1e-4
    )


def test_ihi_ratio_is_0_6_healthy_and_lower_with_more_inhibition() -> None:
    assert _tms()["ihi_ratio"] == pytest.approx(0.6, rel=1e-5)
    assert _tms(ihi=2 * PARAMS["ihi_strength"])["ihi_ratio"] == pytest.approx(0.36, rel=1e-4)


def test_simulated_patients_mep_follows_the_corticospinal_tract() -> None:
    loads = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.1]
    patients = [
        PatientSpec(
            id=f"tms{i}",
            age=65,
            affected_side="right",
            lesion=LesionSpec(affected=0.0 if load == 0 else 0.3, cst_load=load),
        )
        for i, load in enumerate(loads)
    ]
    ds = simulate(patients, days=10, record=Record((3, 10)), seed=4)
    present = ds.mep_present.values
    assert present[:3].all() and not present[3:6].any() and present[6].all()
    rmt = ds.rmt_percent.values[:3]
    assert np.all(np.abs(rmt - 45.0) < 8.0)
    assert np.isnan(ds.rmt_percent.values[3:6]).all()
