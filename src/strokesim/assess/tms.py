"""Virtual transcranial magnetic stimulation of ipsilesional M1.

- MEP in a paretic hand muscle: the descending volley is the crossed output to the
  finger flexors of units that survive (stunned ones included: a magnetic pulse
  excites depressed but living corticospinal neurons) and whose axons reach the cord,
  relative to a healthy volley. A single pulse must recruit a volley above
  ``mep_volley_threshold`` to fire spinal motoneurons.
- Recruitment by stimulator intensity follows a sigmoid with the healthy resting
  motor threshold at 45% of maximum stimulator output (MSO) and a slope of 3.5% MSO
  (Rossini et al. 2015 Clin Neurophysiol 126:1071; Devanne et al. 1997 Exp Brain Res 114:329).
- IHI: paired-pulse conditioned/unconditioned MEP ratio, 0.6 in healthy adults at
  10 ms ISI (Ferbert et al. 1992 J Physiol 453:525), deepening with the inhibition
  onto ipsilesional M1.
- After-effects of brain stimulation: the test intensity is set from the RMT before
  the session (120% of it), and the MEP is then recorded at the excitability the
  session's after-effect leaves, as in after-effect studies (Huang et al. 2005 Neuron
  45:201; Chen et al. 1997 Neurology 48:1398).

The same readout serves contralesional M1 (MEP in the non-paretic hand, IHI onto
contralesional M1), with all its units alive and their axons intact.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from strokesim.model.anatomy import MUSCLES
from strokesim.model.template import N_M1_UNITS

__all__ = ["ihi_ratio", "virtual_tms"]

_HEALTHY_RMT = 0.45  # fraction of MSO, Rossini 2015
_RECRUITMENT_SLOPE = 0.035  # fraction of MSO; MEP at 120% RMT ≈ 15% of maximum (Devanne 1997)
_HEALTHY_IHI_RATIO = 0.6  # Ferbert 1992
_MEP_TRIAL_CV = 0.2  # mean of 5 trials, single-trial CV ~45% (Kiers 1993)
_HAND = MUSCLES.index("finger_flexion")


def ihi_ratio(ihi_onto: jnp.ndarray, params: dict[str, float]) -> jnp.ndarray:
    """Paired-pulse IHI ratio (conditioned / test MEP) for an inhibition strength onto M1.

    ``0.6 ** (ihi / ihi_strength)``: 0.6 at the healthy strength (Ferbert et al. 1992);
    lower with more inhibition.
    """
    return _HEALTHY_IHI_RATIO ** (ihi_onto / params["ihi_strength"])


def virtual_tms(
    alive_ipsi: jnp.ndarray,
    cst: jnp.ndarray,
    w_cross_ipsi: jnp.ndarray,
    template_w_cross: jnp.ndarray,
    excitability: jnp.ndarray,
    ihi_onto_ipsi: jnp.ndarray,
    key: jax.Array,
    params: dict[str, float],
    acute_shift: jnp.ndarray | float = 0.0,
) -> dict[str, jnp.ndarray]:
    """MEP presence and amplitude (mV), RMT (% MSO, NaN if absent) and IHI ratio.

    ``excitability`` is the M1's excitability before a stimulation session and
    ``acute_shift`` the fractional after-effect acting at the recording (0 without
    stimulation); ``ihi_onto_ipsi`` is the inhibition onto the tested M1 at the
    recording. The MEP is recorded at 120% of the RMT before the session; the RMT
    returned is the one at the recording.
    """
    m1 = slice(0, N_M1_UNITS)
    volley = jnp.sum(alive_ipsi[m1] * cst[m1] * w_cross_ipsi[m1, _HAND]) / jnp.sum(
        template_w_cross[m1, _HAND]
    )
    thr = params["mep_volley_threshold"]
    effective = jnp.maximum(volley - thr, 0.0) / (1.0 - thr)
    size = (
        params["mep_max_mv"]
        * effective
        * jnp.exp(_MEP_TRIAL_CV * jax.random.normal(key) - 0.5 * _MEP_TRIAL_CV**2)
    )

    def logit(p):
        return jnp.log(p / (1.0 - p))

    # intensity of half-maximal recruitment, placed so a healthy volley reaches the
    # MEP threshold exactly at the healthy RMT
    i50 = _HEALTHY_RMT - _RECRUITMENT_SLOPE * logit(
        params["mep_threshold_mv"] / params["mep_max_mv"]
    )

    now = excitability * (1.0 + acute_shift)

    def amplitude(intensity):
        return size * jax.nn.sigmoid((intensity * now - i50) / _RECRUITMENT_SLOPE)

    present = amplitude(1.0) >= params["mep_threshold_mv"]
    # intensity at which the amplitude reaches the threshold (inverse of the sigmoid)
    ratio = jnp.clip(params["mep_threshold_mv"] / jnp.maximum(size, 1e-9), 1e-6, 1 - 1e-6)
    rmt_before = (i50 + _RECRUITMENT_SLOPE * logit(ratio)) / excitability
    rmt = rmt_before * excitability / now
    test = jnp.minimum(1.2 * rmt_before, 1.0)
    return {
        "mep_present": present,
        "mep_amplitude_mv": jnp.where(present, amplitude(test), 0.0),
        "rmt_percent": jnp.where(present, 100.0 * jnp.clip(rmt, 0.0, 1.0), jnp.nan),
        "ihi_ratio": jnp.where(present, ihi_ratio(ihi_onto_ipsi, params), jnp.nan),
    }
