"""Between-patient traits of a stroke (issue 23 item 4): plasticity genotype, diaschisis depth.

Each has a neutral value that gives the constants of the model before the trait
existed (computed here from the formula as it was), and a default whose effect is
what its source says.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from strokesim.model.lesion import (
    LesionDescriptors,
    _lognormal,
    genotype_factor,
    patient_constants,
)
from strokesim.model.parameters import model_parameters

N = 400


def _descriptors(n: int = N, seed: int = 0) -> LesionDescriptors:
    rng = np.random.default_rng(seed)
    f = lambda lo, hi: jnp.asarray(rng.uniform(lo, hi, n), jnp.float32)  # noqa: E731
    return LesionDescriptors(f(0.0, 0.95), f(0.4, 0.95), f(0.0, 1.0), f(0.0, 0.5), f(40.0, 90.0))


def _keys(n: int = N) -> jax.Array:
    return jax.random.split(jax.random.key(7), n)


def _old_plasticity_and_diaschisis(desc, keys, params):
    """plasticity_factor and diaschisis as written before the traits (age × log-normal)."""

    def one(d, key):
        k_pl = jax.random.split(key, 8)[3]
        age = jnp.clip(
            1.0 - params["age_plasticity_slope"] * (d.age - params["age_reference_years"]),
            params["age_factor_min"],
            params["age_factor_max"],
        )
        return (
            age * _lognormal(k_pl, 1.0, params["trait_cv_plasticity"]),
            params["diaschisis_depth"] * d.affected,
        )

    return jax.vmap(one)(desc, keys)


def test_neutral_values_reproduce_the_former_constants_exactly() -> None:
    params = model_parameters() | {"plasticity_allele_share": 0.0, "trait_cv_diaschisis": 0.0}
    desc, keys = _descriptors(), _keys()
    got = patient_constants(desc, keys, params)
    plasticity, diaschisis = _old_plasticity_and_diaschisis(desc, keys, params)
    np.testing.assert_array_equal(got.plasticity_factor, plasticity)
    np.testing.assert_array_equal(got.diaschisis, diaschisis)
    # factor 1 is neutral too, whatever the carrier share
    neutral_factor = patient_constants(
        desc, keys, params | {"plasticity_allele_share": 0.5, "plasticity_allele_factor": 1.0}
    )
    np.testing.assert_array_equal(neutral_factor.plasticity_factor, plasticity)


def test_the_traits_leave_every_other_constant_unchanged() -> None:
    desc, keys = _descriptors(), _keys()
    neutral = model_parameters() | {"plasticity_allele_share": 0.0, "trait_cv_diaschisis": 0.0}
    a = patient_constants(desc, keys, neutral)
    b = patient_constants(desc, keys, model_parameters())
    for name in a._fields:
        if name not in ("plasticity_factor", "diaschisis"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


@settings(max_examples=20, deadline=None)
@given(share=st.floats(0.05, 0.7), factor=st.floats(0.4, 0.99))
def test_genotype_factor_keeps_the_cohort_mean_and_lowers_carriers(share, factor) -> None:
    params = {"plasticity_allele_share": share, "plasticity_allele_factor": factor}
    carrier, other = genotype_factor(True, params), genotype_factor(False, params)
    assert float(carrier) < 1.0 < float(other)
    assert abs(float(share * carrier + (1 - share) * other) - 1.0) < 1e-5
    assert abs(float(carrier / other) - factor) < 1e-5


def test_default_carrier_share_and_cohort_mean() -> None:
    params = model_parameters()
    desc, keys = _descriptors(), _keys()
    genotype_off = patient_constants(desc, keys, params | {"plasticity_allele_share": 0.0})
    on = patient_constants(desc, keys, params)
    ratio = np.asarray(on.plasticity_factor) / np.asarray(genotype_off.plasticity_factor)
    carriers = ratio < 1.0
    share = params["plasticity_allele_share"]
    assert abs(carriers.mean() - share) < 3 * np.sqrt(share * (1 - share) / N)
    assert abs(ratio.mean() - 1.0) < 0.03


def test_diaschisis_trait_spreads_the_depth_with_mean_kept_and_cap() -> None:
    params = model_parameters()
    desc, keys = _descriptors(), _keys()
    on = np.asarray(patient_constants(desc, keys, params).diaschisis)
    depth = params["diaschisis_depth"] * np.asarray(desc.affected)
    assert on.max() <= params["diaschisis_max"] + 1e-6
    assert on.max() > depth.max()  # the trait reaches beyond the deterministic depth
    ratio = on[depth > 0.05] / depth[depth > 0.05]
    assert ratio.std() > 0.5 * params["trait_cv_diaschisis"]
    assert abs(np.median(on / np.maximum(depth, 1e-9)) - 1.0) < 0.5


@settings(max_examples=10, deadline=None)
@given(small=st.floats(0.0, 0.6), extra=st.floats(0.1, 0.35))
def test_larger_affected_share_never_has_shallower_diaschisis(small, extra) -> None:
    """Same patient key, larger lesion: at least as deep an acute depression."""
    params = model_parameters()
    keys = _keys(2)[:1]
    desc = lambda a: LesionDescriptors(  # noqa: E731
        *(jnp.asarray([v], jnp.float32) for v in (a, 0.7, 0.5, 0.2, 70.0))
    )
    d_small = patient_constants(desc(small), keys, params).diaschisis
    d_large = patient_constants(desc(small + extra), keys, params).diaschisis
    assert float(d_large[0]) >= float(d_small[0])
