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
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from strokesim.model.anatomy import MUSCLES
from strokesim.model.template import N_M1_UNITS

__all__ = ["virtual_tms"]

_HEALTHY_RMT = 0.45  # fraction of MSO, Rossini 2015
_RECRUITMENT_SLOPE = 0.035  # fraction of MSO; MEP at 120% RMT ≈ 15% of maximum (Devanne 1997)
_HEALTHY_IHI_RATIO = 0.6  # Ferbert 1992
_MEP_TRIAL_CV = 0.2  # mean of 5 trials, single-trial CV ~45% (Kiers 1993)
_HAND = MUSCLES.index("finger_flexion")


def virtual_tms(
    alive_ipsi: jnp.ndarray,
    cst: jnp.ndarray,
    w_cross_ipsi: jnp.ndarray,
    template_w_cross: jnp.ndarray,
    excitability: jnp.ndarray,
    ihi_onto_ipsi: jnp.ndarray,
    key: jax.Array,
    params: dict[str, float],
) -> dict[str, jnp.ndarray]:
    """MEP presence and amplitude (mV), RMT (% MSO, NaN if absent) and IHI ratio."""
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

    def amplitude(intensity):
        return size * jax.nn.sigmoid((intensity * excitability - i50) / _RECRUITMENT_SLOPE)

    present = amplitude(1.0) >= params["mep_threshold_mv"]
    # intensity at which the amplitude reaches the threshold (inverse of the sigmoid)
    ratio = jnp.clip(params["mep_threshold_mv"] / jnp.maximum(size, 1e-9), 1e-6, 1 - 1e-6)
    rmt = (i50 + _RECRUITMENT_SLOPE * logit(ratio)) / excitability
    test = jnp.minimum(1.2 * rmt, 1.0)
    ihi_ratio = _HEALTHY_IHI_RATIO ** (ihi_onto_ipsi / params["ihi_strength"])
    return {
        "mep_present": present,
        "mep_amplitude_mv": jnp.where(present, amplitude(test), 0.0),
        "rmt_percent": jnp.where(present, 100.0 * jnp.clip(rmt, 0.0, 1.0), jnp.nan),
        "ihi_ratio": jnp.where(present, ihi_ratio, jnp.nan),
    }
