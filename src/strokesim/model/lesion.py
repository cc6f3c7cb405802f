"""A stroke: from lesion descriptors to unit-level damage and patient traits.

Lesion descriptors (per patient, all fractions in [0, 1]):

- ``affected``: share of ipsilesional M1 units hit by the stroke (core + penumbra);
- ``stunned_share``: share of the affected units that are stunned (penumbra,
  diaschisis) rather than dead; stunned units return over weeks (DESIGN §3.8);
- ``cst_load``: corticospinal tract lesion load, share of the *surviving* units
  whose descending axons are cut;
- ``premotor_damage``: share of premotor units dead.

Each unit draws its fate from uniform numbers fixed by the patient's key, so a
patient's lesion is nested: the units cut at load 0.4 are also cut at load 0.6.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from strokesim.model.template import N_M1_UNITS, N_UNITS

__all__ = ["LesionDescriptors", "PatientConstants", "genotype_factor", "patient_constants"]


class LesionDescriptors(NamedTuple):
    """Lesion and person descriptors of a batch of patients (each shape (B,))."""

    affected: jnp.ndarray
    stunned_share: jnp.ndarray
    cst_load: jnp.ndarray
    premotor_damage: jnp.ndarray
    age: jnp.ndarray


class PatientConstants(NamedTuple):
    """What a stroke fixes for one patient (per patient; batch axis leading when batched)."""

    alive: jnp.ndarray  # (U,) ipsilesional units not destroyed (0/1)
    stunned: jnp.ndarray  # (U,) ipsilesional units stunned at onset (0/1)
    cst: jnp.ndarray  # (U,) descending axon of ipsilesional unit intact (0/1)
    crt: jnp.ndarray  # () ipsilesional corticoreticular projection surviving (fraction)
    diaschisis: jnp.ndarray  # () acute drop of ipsilesional excitability (fraction)
    stun_days: jnp.ndarray  # () time constant of stunned-unit return (day)
    plasticity_factor: jnp.ndarray  # () age, genotype and individual plasticity multiplier
    motor_noise: jnp.ndarray  # () individual motor noise SD (activation)
    spasticity_susceptibility: jnp.ndarray  # () individual multiplier
    stim_response: jnp.ndarray  # () individual response to brain stimulation
    key: jnp.ndarray  # patient's PRNG key (raw uint32 data)


def _lognormal(key: jax.Array, mean: float, cv: float) -> jnp.ndarray:
    """A positive draw with the given mean and coefficient of variation."""
    sigma2 = jnp.log1p(cv**2)
    return mean * jnp.exp(jnp.sqrt(sigma2) * jax.random.normal(key) - 0.5 * sigma2)


#: Sub-stream (``fold_in`` of the patient key) of the plasticity genotype, so that adding
#: it left every earlier draw of the patient unchanged.
_GENOTYPE_STREAM = 101
#: Sub-stream of the individual depth of acute diaschisis (same reason).
_DIASCHISIS_STREAM = 102


def genotype_factor(carrier: jnp.ndarray, params: dict[str, float]) -> jnp.ndarray:
    """Plasticity multiplier of a patient's genotype, normalised to a cohort mean of 1.

    A carrier of a plasticity-lowering allele (BDNF Val66Met; Kleim 2006 Nat Neurosci
    9:735) learns at ``plasticity_allele_factor`` × a non-carrier's rate; both are
    divided by the cohort mean ``1 − p + p · factor`` (``p`` the carrier share), so that
    the registry's plasticity remains the cohort average it was calibrated as.

    Parameters
    ----------
    carrier
        Whether the patient carries the allele (bool or 0/1).
    params
        Model parameters (``plasticity_allele_share``, ``plasticity_allele_factor``).
    """
    share, factor = params["plasticity_allele_share"], params["plasticity_allele_factor"]
    mean = 1.0 - share + share * factor
    return jnp.where(carrier, factor, 1.0) / mean


def _diaschisis(affected: jnp.ndarray, key: jax.Array, params: dict[str, float]) -> jnp.ndarray:
    """Acute drop of ipsilesional excitability (fraction): ``depth · affected`` × a trait.

    The trait is log-normal with mean 1 and CV ``trait_cv_diaschisis`` (exactly 1 at CV
    0); the product is capped at ``diaschisis_max`` only when the trait is active, so that
    CV 0 reproduces the deterministic depth.
    """
    cv = params["trait_cv_diaschisis"]
    depth = params["diaschisis_depth"] * affected
    scaled = jnp.minimum(depth * _lognormal(key, 1.0, cv), params["diaschisis_max"])
    return jnp.where(cv > 0, scaled, depth)


def _one_patient(
    desc: LesionDescriptors, key: jax.Array, params: dict[str, float]
) -> PatientConstants:
    k_unit, k_cst, k_rec, k_pl, k_noise, k_sp, k_stim, k_crt = jax.random.split(key, 8)
    u = jax.random.uniform(k_unit, (N_UNITS,))
    v = jax.random.uniform(k_cst, (N_UNITS,))
    is_m1 = jnp.arange(N_UNITS) < N_M1_UNITS
    dead_frac = desc.affected * (1.0 - desc.stunned_share)
    stun_frac = desc.affected * desc.stunned_share
    alive = jnp.where(is_m1, u >= dead_frac, u >= desc.premotor_damage).astype(jnp.float32)
    stunned = (is_m1 & (u >= dead_frac) & (u < dead_frac + stun_frac)).astype(jnp.float32)
    cst = (v >= desc.cst_load).astype(jnp.float32)
    # corticoreticular fibres run with the CST through the internal capsule (Schulz 2017);
    # their loss follows the CST load with individual scatter.
    crt_loss = desc.cst_load * _lognormal(k_crt, 1.0, params["corticoreticular_scatter_cv"])
    crt = jnp.clip(1.0 - crt_loss, 0.0, 1.0)
    age_factor = jnp.clip(
        1.0 - params["age_plasticity_slope"] * (desc.age - params["age_reference_years"]),
        params["age_factor_min"],
        params["age_factor_max"],
    )
    k_gen = jax.random.fold_in(key, _GENOTYPE_STREAM)
    carrier = jax.random.uniform(k_gen) < params["plasticity_allele_share"]
    individual = _lognormal(k_pl, 1.0, params["trait_cv_plasticity"])
    return PatientConstants(
        alive=alive,
        stunned=stunned,
        cst=cst,
        crt=crt,
        diaschisis=_diaschisis(desc.affected, jax.random.fold_in(key, _DIASCHISIS_STREAM), params),
        stun_days=_lognormal(
            k_rec, params["stun_recovery_days"], params["trait_cv_recovery_speed"]
        ),
        plasticity_factor=age_factor * individual * genotype_factor(carrier, params),
        motor_noise=_lognormal(k_noise, params["motor_noise_sd"], params["trait_cv_motor_noise"]),
        spasticity_susceptibility=_lognormal(k_sp, 1.0, params["trait_cv_spasticity"]),
        stim_response=_lognormal(k_stim, 1.0, params["trait_cv_stimulation_response"]),
        key=jax.random.key_data(key),
    )


def patient_constants(
    desc: LesionDescriptors, keys: jax.Array, params: dict[str, float]
) -> PatientConstants:
    """Unit-level damage and traits for a batch of patients.

    Parameters
    ----------
    desc
        Lesion descriptors, each of shape (B,).
    keys
        One typed PRNG key per patient, shape (B,), derived from the root seed and
        the patient id (never from batch position).
    params
        Model parameters (:func:`strokesim.model.parameters.model_parameters`); a
        value may be an array of shape (B,), one per patient, the rest scalars.
    """
    axes = {name: 0 if jnp.ndim(value) else None for name, value in params.items()}
    return jax.vmap(_one_patient, in_axes=(0, 0, axes))(desc, keys, params)
