"""Exponential recovery mixture model of FMA-UE (the van der Vliet et al. 2020 form).

Each patient belongs to one of ``K`` recovery subgroups. In subgroup ``k`` the
Fugl-Meyer upper-extremity motor score at ``t`` weeks after stroke onset is

    FM(t) = FM0 + r_k · (66 − FM0) · (1 − exp(−t / τ_k)),

where ``FM0`` is the patient's (latent) score at onset, ``r_k`` the proportional
recovery coefficient (share of the potential improvement 66 − FM0 regained) and
``τ_k`` the time constant in weeks. Within subgroup ``k`` the onset score is
distributed as a normal ``N(μ_k, s_k²)`` truncated to 0–66, and each measured
score adds independent normal error ``N(0, σ²)``. Subgroup shares are ``π_k``.

Fitting is by maximum likelihood: ``FM0`` is integrated out exactly on the grid
0, 1, …, 66 and the subgroups are summed, so the log-likelihood of a patient's
series is ``log Σ_k π_k Σ_g p_k(g) Π_j N(y_j | FM_k(t_j; g), σ²)``; it is maximised
with L-BFGS (:func:`scipy.optimize.minimize`, analytic gradient) from several starts. Subgroups are
ordered by ``r_k`` (then ``τ_k``) so that subgroup 0 is the poorest recovery.
Prediction from one early score ``y`` at day ``d`` uses the posterior over
(subgroup, FM0) given ``y``; its subgroup marginal is the class probability.

Differences from the published model: van der Vliet et al. fitted a Bayesian
mixture by MCMC on 412 patients (five subgroups: r = 0.09, 0.46, 0.86, 0.89,
0.93; τ = 5.3, 10.1, 9.8, 2.7, 1.2 weeks); here the parameters are point
estimates by maximum likelihood and the shipped fit (``mixture_fit.json``,
written by ``calibration/fit_mixture.py``) is fitted on the default virtual
cohort under usual care, not on patient data.

Source
------
van der Vliet R, Selles RW, Andrinopoulou E-R, Nijland R, Ribbers GM, Frens MA,
Meskers C, Kwakkel G (2020). Predicting upper limb motor impairment recovery after
stroke: a mixture model. Ann Neurol 87:383–393. doi:10.1002/ana.25679
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from scipy.special import expit, log_softmax, logit, logsumexp
from scipy.stats import norm

from strokesim.errors import UserInputError

__all__ = [
    "FM_MAX",
    "MixtureParams",
    "fit_mixture",
    "load_fit",
    "mixture_curve",
    "mixture_log_likelihood",
    "mixture_prediction",
    "sample_mixture",
]

#: Maximum FMA-UE motor score.
FM_MAX = 66.0
#: Integration grid of the onset score FM0.
_GRID = np.linspace(0.0, FM_MAX, 67)
_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)
_FIT_FILE = "mixture_fit.json"


@dataclass(frozen=True)
class MixtureParams:
    """Parameters of a fitted mixture (arrays are per subgroup, poorest first).

    Attributes
    ----------
    weights
        Subgroup shares π_k (sum to 1).
    r
        Proportional recovery coefficients r_k (0–1).
    tau_weeks
        Time constants τ_k, weeks.
    fm0_mean, fm0_sd
        Mean and SD of the (untruncated) normal onset-score distribution, FMA-UE points.
    sigma
        Measurement error SD, FMA-UE points.
    """

    weights: tuple[float, ...]
    r: tuple[float, ...]
    tau_weeks: tuple[float, ...]
    fm0_mean: tuple[float, ...]
    fm0_sd: tuple[float, ...]
    sigma: float

    @property
    def n_classes(self) -> int:
        """Number of subgroups K."""
        return len(self.weights)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> MixtureParams:
        """Inverse of :meth:`to_dict`."""
        keys = ("weights", "r", "tau_weeks", "fm0_mean", "fm0_sd")
        return cls(*(tuple(float(x) for x in d[k]) for k in keys), sigma=float(d["sigma"]))


def mixture_curve(fm0: ArrayLike, r: ArrayLike, tau_weeks: ArrayLike, day: ArrayLike) -> NDArray:
    """FM(t) = FM0 + r·(66 − FM0)·(1 − exp(−t/τ)) with t = day / 7 (broadcasting)."""
    fm0 = np.asarray(fm0, float)
    t = np.asarray(day, float) / 7.0
    return fm0 + np.asarray(r) * (FM_MAX - fm0) * (1.0 - np.exp(-t / np.asarray(tau_weeks)))


def _log_prior_fm0(p: MixtureParams) -> NDArray:
    """log p_k(g) on the grid, shape (K, G): discretised truncated normal."""
    logp = norm.logpdf(
        _GRID[None, :], np.asarray(p.fm0_mean)[:, None], np.asarray(p.fm0_sd)[:, None]
    )
    return logp - logsumexp(logp, axis=1, keepdims=True)


def _log_joint(p: MixtureParams, days: NDArray, scores: NDArray, mask: NDArray) -> NDArray:
    """log π_k p_k(g) Π_j N(y_j | FM_k(t_j; g)), shape (N, K, G)."""
    return _joint_parts(p, days, scores, mask)[0]


def _joint_parts(
    p: MixtureParams, days: NDArray, scores: NDArray, mask: NDArray
) -> tuple[NDArray, NDArray, NDArray]:
    """The log joint (N, K, G), the residuals e = y − FM (N, K, G, J, masked to 0) and
    the recovery shape 1 − exp(−t/τ) (N, K, 1, J)."""
    r = np.asarray(p.r)[None, :, None, None]
    tau = np.asarray(p.tau_weeks)[None, :, None, None]
    shape = 1.0 - np.exp(-(days[:, None, None, :] / 7.0) / tau)
    g = _GRID[None, None, :, None]
    resid = np.where(
        mask[:, None, None, :], scores[:, None, None, :] - g - r * (FM_MAX - g) * shape, 0.0
    )
    n_obs = mask.sum(axis=1)[:, None, None]
    ll = -0.5 * (resid**2).sum(axis=-1) / p.sigma**2 - n_obs * (np.log(p.sigma) + _LOG_SQRT_2PI)
    joint = ll + _log_prior_fm0(p)[None] + np.log(np.asarray(p.weights))[None, :, None]
    return joint, resid, shape


def _neg_ll_and_grad(
    theta: NDArray, k: int, days: NDArray, scores: NDArray, mask: NDArray
) -> tuple[float, NDArray]:
    """Negative total log-likelihood and its gradient in the unconstrained parameters."""
    p = _unpack(theta, k)
    joint, resid, shape = _joint_parts(p, days, scores, mask)
    per_patient = logsumexp(joint, axis=(1, 2), keepdims=True)
    resp = np.exp(joint - per_patient)  # (N, K, G) posterior over (subgroup, FM0)
    sigma = p.sigma
    r = np.asarray(p.r)
    tau = np.asarray(p.tau_weeks)
    g = _GRID[None, None, :, None]
    # d ll / d r_k and d tau_k through the mean curve
    dmean_dr = (FM_MAX - g) * shape  # (N, K, G, J)
    t = days[:, None, None, :] / 7.0
    dmean_dtau = (
        -r[None, :, None, None] * (FM_MAX - g) * (1.0 - shape) * t / tau[None, :, None, None] ** 2
    )
    weighted = resp[..., None] * resid / sigma**2
    grad_r = (weighted * dmean_dr).sum(axis=(0, 2, 3))
    grad_tau = (weighted * dmean_dtau).sum(axis=(0, 2, 3))
    n_obs = mask.sum(axis=1)
    grad_sigma = (resp * (resid**2).sum(axis=-1)).sum() / sigma**3 - n_obs.sum() / sigma
    # onset-score prior: log p_k(g) = -z^2/2 - log Z_k, z = (g - mu)/s
    mu = np.asarray(p.fm0_mean)[:, None]
    sd = np.asarray(p.fm0_sd)[:, None]
    prior = np.exp(_log_prior_fm0(p))  # (K, G)
    z = (_GRID[None, :] - mu) / sd
    dlp_dmu = z / sd - (prior * z / sd).sum(axis=1, keepdims=True)
    dlp_dsd = z**2 / sd - (prior * z**2 / sd).sum(axis=1, keepdims=True)
    resp_kg = resp.sum(axis=0)  # (K, G)
    grad_mu = (resp_kg * dlp_dmu).sum(axis=1)
    grad_sd = (resp_kg * dlp_dsd).sum(axis=1)
    n_k = resp_kg.sum(axis=1)
    w = np.asarray(p.weights)
    grad_a = (n_k - len(days) * w)[1:]
    grad = np.concatenate(
        [
            grad_a,
            grad_r * r * (1.0 - r),
            grad_tau * tau,
            grad_mu,
            grad_sd * sd[:, 0],
            [grad_sigma * sigma],
        ]
    )
    return -float(per_patient.sum()), -grad


def _as_panel(days: ArrayLike, scores: ArrayLike) -> tuple[NDArray, NDArray, NDArray]:
    d = np.atleast_2d(np.asarray(days, float))
    y = np.atleast_2d(np.asarray(scores, float))
    d = np.broadcast_to(d, y.shape)
    mask = np.isfinite(y) & np.isfinite(d)
    return np.where(mask, d, 0.0), np.where(mask, y, 0.0), mask


def mixture_log_likelihood(p: MixtureParams, days: ArrayLike, scores: ArrayLike) -> NDArray:
    """Log-likelihood of each patient's series (rows; NaN = not observed), shape (N,)."""
    d, y, m = _as_panel(days, scores)
    return logsumexp(_log_joint(p, d, y, m), axis=(1, 2))


def _unpack(theta: NDArray, k: int) -> MixtureParams:
    w = np.exp(log_softmax(np.concatenate([[0.0], theta[: k - 1]])))
    i = k - 1
    r = expit(theta[i : i + k])
    tau = np.exp(theta[i + k : i + 2 * k])
    mu = theta[i + 2 * k : i + 3 * k]
    sd = np.exp(theta[i + 3 * k : i + 4 * k])
    sigma = float(np.exp(theta[i + 4 * k]))
    return MixtureParams(*(tuple(map(float, a)) for a in (w, r, tau, mu, sd)), sigma=sigma)


def _pack(p: MixtureParams) -> NDArray:
    w = np.asarray(p.weights)
    return np.concatenate(
        [
            np.log(w[1:] / w[0]),
            logit(np.clip(p.r, 1e-4, 1 - 1e-4)),
            np.log(p.tau_weeks),
            p.fm0_mean,
            np.log(p.fm0_sd),
            [np.log(p.sigma)],
        ]
    )


def _ordered(p: MixtureParams) -> MixtureParams:
    order = np.lexsort((np.asarray(p.tau_weeks), np.asarray(p.r)))
    fields = (p.weights, p.r, p.tau_weeks, p.fm0_mean, p.fm0_sd)
    return MixtureParams(*(tuple(float(a[i]) for i in order) for a in fields), sigma=p.sigma)


def _bounds(k: int) -> list[tuple[float, float]]:
    """Box bounds of the unconstrained parameters: keep the optimiser in a sane region
    (weights ≥ ~e^-12 of the first, r in 0.0003–0.9997, τ 0.1–104 weeks, onset mean
    −66–132 and SD 1–100 points, σ 0.2–20 points)."""
    return (
        [(-12.0, 12.0)] * (k - 1)
        + [(-8.0, 8.0)] * k
        + [(np.log(0.1), np.log(104.0))] * k
        + [(-FM_MAX, 2 * FM_MAX)] * k
        + [(0.0, np.log(100.0))] * k
        + [(np.log(0.2), np.log(20.0))]
    )


def _start(k: int, y: NDArray, mask: NDArray, rng: np.random.Generator, jitter: bool) -> NDArray:
    first = y[np.arange(len(y)), mask.argmax(axis=1)]
    mu = np.quantile(first, (np.arange(k) + 0.5) / k)
    r = np.linspace(0.15, 0.85, k)
    tau = np.full(k, 3.0)
    if jitter:
        r = np.clip(r + rng.normal(0, 0.1, k), 0.02, 0.98)
        tau = tau * np.exp(rng.normal(0, 0.5, k))
        mu = mu + rng.normal(0, 5, k)
    p = MixtureParams(
        tuple(np.full(k, 1.0 / k)), tuple(r), tuple(tau), tuple(mu), tuple(np.full(k, 10.0)), 3.0
    )
    return _pack(p)


def fit_mixture(
    days: ArrayLike,
    scores: ArrayLike,
    n_classes: int,
    *,
    n_starts: int = 4,
    seed: int = 0,
    maxiter: int = 500,
) -> tuple[MixtureParams, float]:
    """Maximum-likelihood fit of the mixture to FMA-UE series.

    Parameters
    ----------
    days
        Assessment days since onset, shape (N, J) or (J,) shared by all patients.
    scores
        FMA-UE scores, shape (N, J); NaN marks a missing assessment.
    n_classes
        Number of subgroups K (≥ 1).
    n_starts
        Optimiser starts (the first from quantiles of the first scores, the others
        jittered); the best log-likelihood is kept.
    seed
        Seed of the jittered starts.
    maxiter
        L-BFGS iterations per start.

    Returns
    -------
    params
        Fitted parameters, subgroups ordered by r (poorest first).
    log_likelihood
        Total log-likelihood at the optimum.
    """
    if n_classes < 1:
        raise UserInputError("n_classes", f"must be ≥ 1, got {n_classes}")
    d, y, m = _as_panel(days, scores)
    if not m.any(axis=1).all():
        raise UserInputError("scores", "every patient needs at least one finite score")
    rng = np.random.default_rng(seed)

    best = None
    for s in range(n_starts):
        res = minimize(
            _neg_ll_and_grad,
            _start(n_classes, y, m, rng, jitter=s > 0),
            args=(n_classes, d, y, m),
            jac=True,
            bounds=_bounds(n_classes),
            method="L-BFGS-B",
            options={"maxiter": maxiter},
        )
        if best is None or res.fun < best.fun:
            best = res
    assert best is not None
    return _ordered(_unpack(best.x, n_classes)), -float(best.fun)


def sample_mixture(
    p: MixtureParams, days: Sequence[float], n: int, seed: int
) -> tuple[NDArray, NDArray, NDArray]:
    """Draw ``n`` series from the model (for tests and checks).

    Returns
    -------
    scores
        Shape (n, len(days)), with normal measurement error (not rounded or clipped).
    classes
        Subgroup of each patient.
    fm0
        Onset score of each patient (truncated normal, 0–66).
    """
    rng = np.random.default_rng(seed)
    k = rng.choice(p.n_classes, size=n, p=np.asarray(p.weights))
    prior = np.exp(_log_prior_fm0(p))
    fm0 = np.array([rng.choice(_GRID, p=prior[c]) for c in k])
    mean = mixture_curve(
        fm0[:, None],
        np.asarray(p.r)[k][:, None],
        np.asarray(p.tau_weeks)[k][:, None],
        np.asarray(days, float)[None, :],
    )
    return mean + rng.normal(0.0, p.sigma, mean.shape), k, fm0


def load_fit() -> tuple[MixtureParams, dict[str, Any]]:
    """The shipped fit on the default virtual cohort: (parameters, settings of the fit)."""
    text = resources.files("strokesim.predict").joinpath(_FIT_FILE).read_text(encoding="utf-8")
    doc = json.loads(text)
    return MixtureParams.from_dict(doc["params"]), doc["settings"]


def mixture_prediction(
    fma0: ArrayLike,
    day_of_fma0: ArrayLike,
    horizon_days: ArrayLike,
    *,
    params: MixtureParams | None = None,
) -> tuple[NDArray, NDArray]:
    """Expected FMA-UE at ``horizon_days`` from one early score, and subgroup probabilities.

    Parameters
    ----------
    fma0
        Observed FMA-UE (0–66) at ``day_of_fma0`` days after onset.
    day_of_fma0
        Day of that assessment (≥ 0).
    horizon_days
        Day(s) of the prediction (≥ 0); broadcast with the other inputs.
    params
        Mixture parameters; default the shipped fit (:func:`load_fit`).

    Returns
    -------
    expected
        Posterior-mean FMA-UE at the horizon (0–66), shape of the broadcast inputs.
    class_probabilities
        Posterior subgroup probabilities, shape (..., K), subgroups poorest first.
    """
    p = params if params is not None else load_fit()[0]
    y, d0, h = np.broadcast_arrays(
        np.asarray(fma0, float), np.asarray(day_of_fma0, float), np.asarray(horizon_days, float)
    )
    bad = ~(np.isfinite(y) & (y >= 0) & (y <= FM_MAX))
    if bad.any():
        raise UserInputError("fma0", f"must be in 0–66, got {y[bad].flat[0]:g}")
    if not (np.isfinite(d0).all() and (d0 >= 0).all()):
        raise UserInputError("day_of_fma0", "must be ≥ 0")
    if not (np.isfinite(h).all() and (h >= 0).all()):
        raise UserInputError("horizon_days", "must be ≥ 0")
    flat = y.reshape(-1, 1), d0.reshape(-1, 1)
    log_joint = _log_joint(p, flat[1], flat[0], np.ones_like(flat[0], bool))  # (N, K, G)
    post = np.exp(log_joint - logsumexp(log_joint, axis=(1, 2), keepdims=True))
    at_h = mixture_curve(
        _GRID[None, None, :],
        np.asarray(p.r)[None, :, None],
        np.asarray(p.tau_weeks)[None, :, None],
        h.reshape(-1, 1, 1),
    )
    expected = np.clip((post * at_h).sum(axis=(1, 2)), 0.0, FM_MAX)
    probs = post.sum(axis=2)
    return expected.reshape(y.shape), probs.reshape(*y.shape, p.n_classes)
