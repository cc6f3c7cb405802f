"""Brain stimulation has effects of its own: virtual electrophysiology during and after a block.

Twins from day 14 get 10 weekday sessions of 1 Hz rTMS to contralesional M1, iTBS to
ipsilesional M1, or the sham of each, before 1 h of training. Right after the last
session (the next record day) the after-effect must show in the MEP and IHI readouts
with the published sign; three weeks after the block it must be gone; the lasting
FMA-UE difference on day 90 must stay within ±2 points in every band (NICHE-like).
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

from strokesim.model.dynamics import stimulated_ihi
from strokesim.model.parameters import model_parameters
from strokesim.model.template import N_M1_UNITS, N_UNITS
from strokesim.simulate import Record
from strokesim.therapy import BrainStimulation, Protocol
from strokesim.validate.experiments_cohort import BASELINE_DAY, ValidationCohort
from strokesim.validate.experiments_protocols import shifted_protocol
from strokesim.validate.experiments_twins import last_stimulation_day, patient_values
from strokesim.validate.metrics_targets import band_masks

N = 16
START = 14
FADE_DAYS = 21  # three weeks after the block
OUTCOME = 90


def _sham(protocol: Protocol) -> Protocol:
    components = tuple(
        c.model_copy(update={"sham": True}) if isinstance(c, BrainStimulation) else c
        for c in protocol.components
    )
    return protocol.model_copy(update={"name": f"sham_{protocol.name}", "components": components})


@pytest.fixture(scope="module")
def arms() -> dict[str, Protocol]:
    rtms = shifted_protocol("rtms_1hz_contralesional_training", START)
    itbs = shifted_protocol("itbs_ipsilesional_training", START)
    return {"rtms": rtms, "rtms_sham": _sham(rtms), "itbs": itbs, "itbs_sham": _sham(itbs)}


@pytest.fixture(scope="module")
def course(arms):
    cohort = ValidationCohort(n=N, seed=5)
    after = last_stimulation_day(arms["rtms"]) + 1
    assert after == last_stimulation_day(arms["itbs"]) + 1
    days = (after, after + FADE_DAYS, OUTCOME)
    result = cohort.run_arms(START, arms, Record(days))
    fma0 = patient_values(cohort.assess(BASELINE_DAY), "fma_ue")
    return result, days, fma0


def _paired(result, arm: str, name: str, day: int) -> np.ndarray:
    active = patient_values(result.sel(arm=arm, day=day), name)
    sham = patient_values(result.sel(arm=f"{arm}_sham", day=day), name)
    return active - sham


def test_1hz_rtms_inhibits_its_target_and_releases_ipsilesional_m1_during_the_block(course):
    result, (after, _, _), _ = course
    mep = _paired(result, "rtms", "mep_contralesional_mv", after)
    assert np.all(mep <= 0) and mep.mean() < -0.05  # the stimulated M1 is less excitable
    ihi = _paired(result, "rtms", "ihi_ratio", after)  # NaN where no paretic MEP
    present = np.isfinite(ihi)
    assert present.sum() >= 3
    # less inhibition onto ipsilesional M1: conditioned/test ratio higher
    assert np.all(ihi[present] > 0)


def test_itbs_facilitates_its_target_and_its_inhibition_of_the_other_m1(course):
    result, (after, _, _), _ = course
    mep = _paired(result, "itbs", "mep_amplitude_mv", after)
    present = patient_values(result.sel(arm="itbs_sham", day=after), "mep_present") > 0
    assert present.sum() >= 3
    assert np.all(mep[present] > 0)
    ihi = _paired(result, "itbs", "ihi_ratio_contralesional", after)
    assert np.all(ihi < 0)  # more inhibition onto contralesional M1


@pytest.mark.parametrize(
    ("arm", "name"),
    [
        ("rtms", "mep_contralesional_mv"),
        ("rtms", "ihi_ratio"),
        ("itbs", "mep_amplitude_mv"),
        ("itbs", "ihi_ratio_contralesional"),
    ],
)
def test_the_after_effect_fades_after_the_block(course, arm: str, name: str):
    result, (after, later, _), _ = course
    during = np.nanmean(np.abs(_paired(result, arm, name, after)))
    fading = np.nanmean(np.abs(_paired(result, arm, name, later)))
    assert during > 0
    assert fading < 0.2 * during


@pytest.mark.parametrize("arm", ["rtms", "itbs"])
def test_lasting_fma_difference_on_day_90_is_small_in_every_band(course, arm: str):
    result, (_, _, outcome), fma0 = course
    difference = _paired(result, arm, "fma_ue", outcome)
    for band, members in band_masks(fma0).items():
        if members.any():
            assert -2.0 <= difference[members].mean() <= 2.0, band


def test_stimulated_ihi_is_neutral_without_shift_or_coupling():
    params = model_parameters()
    ihi = jnp.array([0.9, 0.7])
    shift = jnp.zeros((2, N_UNITS)).at[1, :N_M1_UNITS].set(-0.2)
    alive = jnp.ones((2, N_UNITS))
    np.testing.assert_allclose(stimulated_ihi(ihi, jnp.zeros((2, N_UNITS)), alive, params), ihi)
    np.testing.assert_allclose(
        stimulated_ihi(ihi, shift, alive, {**params, "stimulation_ihi_coupling": 0.0}), ihi
    )
    # inhibiting contralesional M1 lowers the inhibition onto ipsilesional M1 only
    coupled = {**params, "stimulation_ihi_coupling": 1.0}
    changed = stimulated_ihi(ihi, shift, alive, coupled)
    np.testing.assert_allclose(changed, [0.9 * 0.8, 0.7], rtol=1e-5)
    # a stimulated M1 with no unit left able to fire changes no inhibition
    dead = alive.at[1, :N_M1_UNITS].set(0.0)
    np.testing.assert_allclose(stimulated_ihi(ihi, shift, dead, coupled), ihi, rtol=1e-6)
