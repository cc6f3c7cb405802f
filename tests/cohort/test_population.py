"""The default population's sampler: registry values reproduce the former literal
formulas bit for bit, and the draws agree with what the sources say."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import spearmanr

from strokesim.cohort.population import (
    POPULATION_PARAMETERS,
    lesion_volume_ml,
    nihss_proxy,
    sample_population,
)
from strokesim.errors import UserInputError
from strokesim.model.parameters import model_parameters
from strokesim.random_streams import PURPOSES, id_hash
from strokesim.simulate import Record, VirtualPatients, simulate


def _literal_sampler(patient_ids, seed):
    """The sampler as it was written with literals (commit 398f59f), for comparison."""
    pop = {k: p.value for k, p in POPULATION_PARAMETERS.items()}
    params = model_parameters()
    mean, conc = params["stunned_share_mean"], params["stunned_share_concentration"]

    def lognormal(rng, cv):
        s2 = np.log1p(cv**2)
        return float(np.exp(np.sqrt(s2) * rng.standard_normal() - 0.5 * s2))

    rows = []
    for pid in patient_ids:
        rng = np.random.default_rng([seed, PURPOSES["population"], id_hash(pid)])
        a = float(np.clip(rng.normal(pop["age_mean"], pop["age_sd"]), 30.0, 98.0))
        s = rng.beta(pop["severity_a"], pop["severity_b"])
        cv = pop["lesion_scatter_cv"]
        affected = float(np.clip(s * lognormal(rng, cv), 0.0, 0.95))
        cst = float(np.clip(s ** pop["cst_load_exponent"] * 1.3 * lognormal(rng, cv), 0.0, 1.0))
        stunned = rng.beta(mean * conc, (1.0 - mean) * conc)
        premotor = float(affected * rng.uniform(0.0, 0.8))
        volume = float(1.0 + 150.0 * affected**1.5 * lognormal(rng, 0.5))
        rows.append((a, affected, stunned, cst, premotor, volume))
    return np.array(rows, dtype=np.float64).astype(np.float32).T


def _literal_nihss(fma, volume, seed, patient_ids):
    arm = np.select([fma >= 60, fma >= 43, fma >= 25, fma >= 8], [0, 1, 2, 3], 4)
    leg = np.maximum(arm - 1, 0)
    out = []
    for i, pid in enumerate(patient_ids):
        rng = np.random.default_rng([seed, PURPOSES["population"], id_hash(pid), 7])
        out.append(min(arm[i] + leg[i] + rng.poisson(1.0 + volume[i] / 15.0), 42))
    return np.array(out)


IDS = [f"vp{i:05d}" for i in range(50)]


def test_registry_sampler_equals_the_literal_formulas_bit_for_bit() -> None:
    # cst_independent_share = 0 is the neutral value of the lesion-site mechanism
    # (issue 23 item 4): the cohort of the literal formulas, unchanged
    draw = sample_population(IDS, 0, population={"cst_independent_share": 0.0})
    want = _literal_sampler(IDS, 0)
    got = [
        draw.age,
        draw.affected,
        draw.stunned_share,
        draw.cst_load,
        draw.premotor_damage,
        draw.lesion_volume_ml,
    ]
    for name, g, w in zip(
        ("age", "affected", "stunned", "cst", "premotor", "volume"), got, want, strict=True
    ):
        np.testing.assert_array_equal(g, w, err_msg=name)


def test_lesion_site_share_changes_only_the_cst_load_and_decouples_it() -> None:
    ids = [f"vp{i:05d}" for i in range(400)]
    coupled = sample_population(ids, 3, population={"cst_independent_share": 0.0})
    own = sample_population(ids, 3, population={"cst_independent_share": 1.0})
    for name in ("age", "affected", "stunned_share", "premotor_damage", "lesion_volume_ml"):
        np.testing.assert_array_equal(getattr(coupled, name), getattr(own, name), err_msg=name)
    assert not np.array_equal(coupled.cst_load, own.cst_load)
    r_coupled = spearmanr(coupled.affected, coupled.cst_load).statistic
    r_own = spearmanr(own.affected, own.cst_load).statistic
    assert r_coupled > 0.5 and abs(r_own) < 0.2, (r_coupled, r_own)
    # the marginal distribution of the load is the same (same Beta, same scatter)
    assert abs(np.median(own.cst_load) - np.median(coupled.cst_load)) < 0.1


def test_nihss_proxy_equals_the_literal_formula() -> None:
    rng = np.random.default_rng(3)
    fma = rng.integers(0, 67, 200).astype(float)
    volume = rng.uniform(1.0, 200.0, 200)
    ids = [f"n{i}" for i in range(200)]
    np.testing.assert_array_equal(
        nihss_proxy(fma, volume, 2, ids), _literal_nihss(fma, volume, 2, ids)
    )


def test_volume_of_a_given_lesion_is_the_shared_formula() -> None:
    for affected in (0.0, 0.2, 0.55, 1.0):
        assert lesion_volume_ml(affected) == 1.0 + 150.0 * affected**1.5
    # a patient given by its lesion gets the same volume in simulate()'s specs path
    from strokesim.patient import LesionSpec, PatientSpec
    from strokesim.simulate import _from_specs

    spec = PatientSpec(
        id="a", age=60, affected_side="left", lesion=LesionSpec(affected=0.3, cst_load=0.2)
    )
    vp = _from_specs([spec], 0, model_parameters(), 1)
    assert vp.lesion_volume_ml[0] == np.float32(lesion_volume_ml(0.3))


def test_population_overrides_reach_the_sampler() -> None:
    base = sample_population(IDS[:10], 0)
    scaled = sample_population(IDS[:10], 0, population={"volume_scale_ml": 300.0})
    assert (scaled.lesion_volume_ml > base.lesion_volume_ml).all()
    capped = sample_population(IDS[:10], 0, population={"premotor_share_max": 0.0})
    assert (capped.premotor_damage == 0).all()


# --- against the sources -------------------------------------------------------------


@pytest.fixture(scope="module")
def large_draw():
    return sample_population([f"src{i:05d}" for i in range(2000)], 0)


def test_age_matches_the_prep2_cohort(large_draw) -> None:
    # Stinear 2017: median 72, IQR about 62–80
    q25, q50, q75 = np.percentile(large_draw.age, [25, 50, 75])
    assert abs(q50 - 72) <= 2
    assert abs(q25 - 62) <= 4 and abs(q75 - 80) <= 4


def test_cst_load_rises_faster_than_lesion_size(large_draw) -> None:
    # Zhu 2010: large strokes reach the internal capsule, so CST load rises steeply,
    # where the CST damage follows the cortical extent (cst_independent_share = 0)
    coupled = sample_population(
        [f"src{i:05d}" for i in range(2000)], 0, population={"cst_independent_share": 0.0}
    )
    affected, cst = coupled.affected, coupled.cst_load
    small = affected < np.quantile(affected, 1 / 3)
    large = affected > np.quantile(affected, 2 / 3)
    ratio_small = np.median(cst[small]) / np.median(affected[small])
    ratio_large = np.median(cst[large]) / np.median(affected[large])
    assert ratio_large > 1.5 * ratio_small
    # Feng 2015: CST load and lesion size are related but not interchangeable, in the
    # default cohort too (where some lesions cut the tract regardless of their size)
    for draw in (coupled, large_draw):
        rho = spearmanr(draw.cst_load, draw.lesion_volume_ml).statistic
        assert 0.2 < rho < 0.9, rho


@pytest.fixture(scope="module")
def day3():
    draw = sample_population(IDS, 0)
    ds = simulate(VirtualPatients.from_population(draw), days=3, record=Record((3,)), seed=0)
    return draw, ds


def test_severity_mix_has_every_leaps_band(day3) -> None:
    # severity_a/b are fitted against V4/V10 (calibrate.py stage A), no longer set so
    # that each band holds a third: the fitted mix (n = 1000, seed 0: 59% mild, 16%
    # moderate, 25% severe on day 3) must still hold every band, mild the largest
    _, ds = day3
    fma0 = ds.fma_ue.sel(day=3).values
    shares = [(fma0 >= 43).mean(), ((fma0 >= 29) & (fma0 <= 42)).mean(), (fma0 <= 28).mean()]
    assert all(s >= 0.05 for s in shares), shares
    assert shares[0] == max(shares), shares


def test_nihss_proxy_tracks_volume_as_nihss_does(day3) -> None:
    # Fink 2002: NIHSS correlates with infarct volume, r ≈ 0.5–0.7 (widened for n = 50)
    draw, ds = day3
    nihss = nihss_proxy(ds.fma_ue.sel(day=3).values, draw.lesion_volume_ml, 0, IDS)
    r = np.corrcoef(nihss, draw.lesion_volume_ml)[0, 1]
    assert 0.4 <= r <= 0.85, r
    # the arm item follows FMA-UE: the most impaired quarter scores higher than the least
    fma0 = ds.fma_ue.sel(day=3).values
    assert (
        nihss[fma0 <= np.quantile(fma0, 0.25)].mean()
        > nihss[fma0 >= np.quantile(fma0, 0.75)].mean()
    )


def test_population_values_can_be_given_per_patient() -> None:
    ids = IDS[:6]
    values = [0.6, 1.0, 1.5, 2.0, 2.5, 3.0]
    mixed = sample_population(ids, 0, population={"severity_a": values, "age_sd": 5.0})
    fields = ("age", "affected", "stunned_share", "cst_load", "premotor_damage", "lesion_volume_ml")
    for i, (pid, value) in enumerate(zip(ids, values, strict=True)):
        alone = sample_population([pid], 0, population={"severity_a": value, "age_sd": 5.0})
        for field in fields:
            assert getattr(mixed, field)[i] == getattr(alone, field)[0], (pid, field)
    shared = sample_population(ids, 0, population={"severity_a": values[0]})
    assert not np.array_equal(shared.affected, mixed.affected)
    with pytest.raises(UserInputError, match=r"^population\.severity_a: must be one value or 6"):
        sample_population(ids, 0, population={"severity_a": values[:4]})
