"""Exponential recovery mixture model (strokesim.predict.mixture; van der Vliet 2020 form)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import approx_fprime

from strokesim.errors import UserInputError
from strokesim.predict.mixture import (
    FM_MAX,
    MixtureParams,
    _as_panel,
    _neg_ll_and_grad,
    _pack,
    fit_mixture,
    load_fit,
    mixture_curve,
    mixture_log_likelihood,
    mixture_prediction,
    sample_mixture,
)

DAYS = (3, 7, 14, 30, 90, 180)
TRUE = MixtureParams(
    weights=(0.35, 0.65),
    r=(0.15, 0.85),
    tau_weeks=(5.0, 2.0),
    fm0_mean=(6.0, 30.0),
    fm0_sd=(4.0, 10.0),
    sigma=2.5,
)


def test_curve_is_the_published_form() -> None:
    # FM(t) = FM0 + r (66 − FM0)(1 − exp(−t/τ)), t in weeks
    assert mixture_curve(10.0, 0.5, 2.0, 0.0) == pytest.approx(10.0)
    assert mixture_curve(10.0, 0.5, 2.0, 14.0) == pytest.approx(10 + 0.5 * 56 * (1 - np.exp(-1)))
    assert mixture_curve(10.0, 0.5, 2.0, 10_000.0) == pytest.approx(38.0)


def test_gradient_matches_finite_differences() -> None:
    scores, _, _ = sample_mixture(TRUE, DAYS, 40, seed=3)
    scores[0, 2] = np.nan  # a missing visit
    d, y, m = _as_panel(DAYS, scores)
    theta = _pack(TRUE) + 0.2
    value, grad = _neg_ll_and_grad(theta, 2, d, y, m)
    numeric = approx_fprime(theta, lambda t: _neg_ll_and_grad(t, 2, d, y, m)[0], 1e-6)
    np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-3)
    assert value == pytest.approx(-mixture_log_likelihood(_unpacked(theta), DAYS, scores).sum())


def _unpacked(theta):
    from strokesim.predict.mixture import _unpack

    return _unpack(theta, 2)


def test_fit_recovers_known_parameters() -> None:
    scores, classes, _ = sample_mixture(TRUE, DAYS, 400, seed=11)
    fit, ll = fit_mixture(DAYS, scores, 2, n_starts=2, seed=0)
    np.testing.assert_allclose(fit.weights, TRUE.weights, atol=0.06)
    np.testing.assert_allclose(fit.r, TRUE.r, atol=0.05)
    np.testing.assert_allclose(fit.tau_weeks, TRUE.tau_weeks, rtol=0.3)
    np.testing.assert_allclose(fit.fm0_mean, TRUE.fm0_mean, atol=3.0)
    assert fit.sigma == pytest.approx(TRUE.sigma, rel=0.1)
    # the fit is at least as likely as the truth (it is the maximum)
    assert ll >= mixture_log_likelihood(TRUE, DAYS, scores).sum() - 1e-6
    # class membership from the day-7 score alone is mostly right
    _, probs = mixture_prediction(np.clip(scores[:, 1], 0, FM_MAX), 7, 180, params=fit)
    assert (probs.argmax(axis=-1) == classes).mean() > 0.8


def test_fit_rejects_bad_inputs() -> None:
    with pytest.raises(UserInputError, match="n_classes"):
        fit_mixture(DAYS, np.zeros((3, 6)), 0)
    with pytest.raises(UserInputError, match="scores"):
        fit_mixture(DAYS, np.full((3, 6), np.nan), 2)


@pytest.mark.parametrize("params", [TRUE, None])
def test_predictions_stay_in_range_and_probabilities_sum_to_one(params) -> None:
    fma0, day0, horizon = np.meshgrid(
        np.arange(0, 67, 3), [0, 3, 7, 14, 30], [0, 7, 90, 180, 3650], indexing="ij"
    )
    expected, probs = mixture_prediction(fma0, day0, horizon, params=params)
    assert expected.shape == fma0.shape
    assert ((expected >= 0) & (expected <= FM_MAX)).all()
    assert probs.shape[:-1] == fma0.shape
    np.testing.assert_allclose(probs.sum(axis=-1), 1.0, atol=1e-9)
    # a higher early score never predicts a much lower end point at day 180
    at_180 = expected[:, 2, 3]
    assert at_180[-1] > at_180[0]


def test_prediction_rejects_bad_inputs() -> None:
    with pytest.raises(UserInputError, match="fma0"):
        mixture_prediction(70, 7, 180, params=TRUE)
    with pytest.raises(UserInputError, match="day_of_fma0"):
        mixture_prediction(30, -1, 180, params=TRUE)
    with pytest.raises(UserInputError, match="horizon_days"):
        mixture_prediction(30, 7, np.nan, params=TRUE)


def test_shipped_fit_loads_and_is_documented() -> None:
    params, settings = load_fit()
    k = params.n_classes
    assert k == settings["n_classes"] >= 2
    assert sum(params.weights) == pytest.approx(1.0)
    assert all(0 < r < 1 for r in params.r) and list(params.r) == sorted(params.r)
    assert all(t > 0 for t in params.tau_weeks) and params.sigma > 0
    assert settings["seed"] not in (0, 1, 2, 3, 4)  # not a battery / test seed
    assert settings["n_patients"] >= 1000
    assert settings["record_days"] == list(DAYS)
    assert MixtureParams.from_dict(params.to_dict()) == params
