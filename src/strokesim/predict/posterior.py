"""Bayesian calibration of the model to one patient's dated observations.

Prior
    The default virtual population: lesion descriptors (affected share of M1,
    stunned share, corticospinal lesion load, premotor damage), age, and the
    traits and unit-level fates the engine draws from each patient's id
    (recovery speed, plasticity, motor noise, spasticity and stimulation
    response). A :class:`~strokesim.predict.library.Library` holds prior draws
    already simulated.
Likelihood
    Each observation's measurement model (:mod:`strokesim.predict.likelihood`:
    the scale's published SEM for scores), independent given the patient. When
    the library's ages were drawn rather than fixed to the patient's, a normal
    kernel on age (SD :data:`AGE_SD` years) stands in for the exact age (an ABC
    step on a known covariate).
Posterior, method ``"is"``
    Importance sampling: the library's prior draws weighted by the likelihood.
    Effective sample size (ESS) = 1 / Σ w².
Posterior, method ``"smc"``
    When the ESS is below ``ess_target``: resample ``n_particles`` from the
    importance weights, then ``n_moves`` resample-move steps (Gilks & Berzuini
    2001 J R Stat Soc B 63:127): each particle proposes new descriptors by a
    Gaussian random walk in logit space (covariance 2.38²/d times the weighted
    posterior covariance; Roberts & Rosenthal 2001 Stat Sci 16:351) with fresh
    traits drawn from their prior (a new id), is simulated, and is accepted with
    the Metropolis–Hastings ratio of likelihood × prior density. The prior
    density of the descriptors is a Gaussian kernel density estimate over the
    library's prior draws in the same logit space; fresh traits come from their
    prior, so they cancel from the ratio (half the particles propose fresh
    traits, half keep theirs: a mixture of two invariant kernels). Lesion volume
    keeps the particle's own scatter factor.

Sequential updating: :meth:`Posterior.update` multiplies the weights by the
likelihood of new observations without re-simulating when their days are
recorded (otherwise the particles are re-simulated on the extra day: same ids,
same seed, same trajectories).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.special import expit, logit, logsumexp
from scipy.stats import gaussian_kde

from strokesim.cohort.population import POPULATION_PARAMETERS, lesion_volume_ml
from strokesim.errors import UserInputError
from strokesim.model.lesion import LesionDescriptors
from strokesim.predict.library import Library, Simulator, simulate_particles
from strokesim.predict.likelihood import is_used, needs_day, observation_loglik
from strokesim.predict.record import Observation, PatientRecord

__all__ = [
    "AGE_SD",
    "METHODS",
    "Posterior",
    "calibrate",
    "log_likelihood",
    "refine",
    "weighted_quantiles",
]

#: SD (years) of the age kernel used when library ages are drawn.
AGE_SD = 3.0
#: Calibration methods.
METHODS = ("is", "smc")
_EPS = 1e-3


def _age_varies(library: Library) -> bool:
    age = np.asarray(library.static["age"], float)
    return bool(np.ptp(age) > 1e-6)


def log_likelihood(
    library: Library, observations: Sequence[Observation], age: float | None = None
) -> np.ndarray:
    """Σ log-likelihood of ``observations`` for each library patient, shape (N,).

    Every observation's day must be recorded in the library. ``age`` adds the age
    kernel when the library's ages vary.
    """
    total = np.zeros(len(library))
    for obs in observations:
        if not is_used(obs.measure):
            continue
        if not needs_day(obs.measure):
            total += observation_loglik(obs.measure, obs.value, {}, library.static)
            continue
        if not library.has_day(obs.day):
            raise UserInputError(f"day {obs.day}", "is not recorded in the reference library")
        total += observation_loglik(obs.measure, obs.value, library.at_day(obs.day), library.static)
    if age is not None and _age_varies(library):
        total += -0.5 * ((np.asarray(library.static["age"], float) - age) / AGE_SD) ** 2
    return total


def weighted_quantiles(
    values: np.ndarray, weights: np.ndarray, probs: Sequence[float]
) -> np.ndarray:
    """Quantiles of ``values`` along axis 0 under normalised ``weights``.

    Returns shape ``(len(probs), *values.shape[1:])``; the inverse of the weighted
    empirical distribution (the smallest value whose cumulative weight reaches p).
    """
    v = np.asarray(values, float)
    flat = v.reshape(v.shape[0], -1)
    order = np.argsort(flat, axis=0, kind="stable")
    sorted_v = np.take_along_axis(flat, order, axis=0)
    cum = np.cumsum(np.asarray(weights, float)[order], axis=0)
    cum /= cum[-1]
    out = np.empty((len(probs), flat.shape[1]))
    for j, p in enumerate(probs):
        pos = np.argmax(cum >= p - 1e-12, axis=0)
        out[j] = sorted_v[pos, np.arange(flat.shape[1])]
    return out.reshape(len(probs), *v.shape[1:])


@dataclass(frozen=True)
class Posterior:
    """Weighted simulated patients consistent with the observations.

    Attributes
    ----------
    particles
        The simulated patients (a :class:`Library`: trajectories under usual care).
    log_weights
        Normalised log importance weights, shape (N,).
    loglik
        Each particle's total log-likelihood of ``observations`` (for MH moves).
    observations
        The observations conditioned on.
    age
        The patient's age (years), or None.
    method
        ``"is"`` or ``"smc"``.
    prior_z
        Prior draws of the descriptors in logit space (rows), for the prior density.
    diagnostics
        ``ess_library``, ``ess``, ``moves``, ``acceptance`` (per move), ``unique``.
    """

    particles: Library
    log_weights: np.ndarray
    loglik: np.ndarray
    observations: tuple[Observation, ...]
    age: float | None
    method: str
    prior_z: np.ndarray
    diagnostics: dict = field(default_factory=dict)

    @property
    def weights(self) -> np.ndarray:
        """Normalised weights, shape (N,)."""
        return np.exp(self.log_weights)

    @property
    def ess(self) -> float:
        """Effective sample size 1 / Σ w²."""
        return float(1.0 / np.sum(self.weights**2))

    def quantiles(self, variable: str, probs: Sequence[float]) -> np.ndarray:
        """Weighted quantiles of a trajectory variable, shape (len(probs), days)."""
        return weighted_quantiles(self.particles.trajectories[variable], self.weights, probs)

    def mean(self, variable: str) -> np.ndarray:
        """Weighted mean of a trajectory (per day) or static variable."""
        source = self.particles.trajectories.get(variable)
        if source is None:
            source = self.particles.static[variable]
        return np.tensordot(self.weights, np.asarray(source, float), axes=1)

    def resample(self, n: int, seed: int) -> np.ndarray:
        """Systematic resampling: ``n`` particle positions drawn by weight."""
        return _systematic(self.weights, n, np.random.default_rng(seed))

    def update(
        self,
        observations: Sequence[Observation],
        simulator: Simulator | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Posterior:
        """The posterior after also observing ``observations`` (reweighting, no restart).

        Particles are re-simulated (same ids and seed, so the same trajectories)
        only when an observation's day is not recorded yet.
        """
        new = tuple(observations)
        particles = self.particles
        missing = [o.day for o in new if needs_day(o.measure) and not particles.has_day(o.day)]
        if missing:
            particles = particles.with_days(missing, simulator, progress)
        extra = log_likelihood(particles, new)  # age already counted
        lw = self.log_weights + extra
        lw = lw - logsumexp(lw)
        post = replace(
            self,
            particles=particles,
            log_weights=lw,
            loglik=self.loglik + extra,
            observations=tuple(sorted((*self.observations, *new), key=_key)),
        )
        return replace(post, diagnostics={**self.diagnostics, "ess": post.ess})


def _key(o: Observation) -> tuple[int, str]:
    return (o.day, o.measure)


def _systematic(w: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    positions = (rng.random() + np.arange(n)) / n
    cum = np.cumsum(w)
    cum[-1] = 1.0
    return np.searchsorted(cum, positions)


_POP = {k: p.value for k, p in POPULATION_PARAMETERS.items()}


def _to_z(desc: LesionDescriptors, with_age: bool) -> np.ndarray:
    a = np.asarray(desc.affected, float)
    cols = [
        logit(np.clip(a / _POP["affected_max"], _EPS, 1 - _EPS)),
        logit(np.clip(np.asarray(desc.stunned_share, float), _EPS, 1 - _EPS)),
        logit(np.clip(np.asarray(desc.cst_load, float), _EPS, 1 - _EPS)),
        logit(
            np.clip(
                np.asarray(desc.premotor_damage, float)
                / np.maximum(a * _POP["premotor_share_max"], 1e-9),
                _EPS,
                1 - _EPS,
            )
        ),
    ]
    if with_age:
        cols.append((np.asarray(desc.age, float) - _POP["age_mean"]) / _POP["age_sd"])
    return np.stack(cols, axis=1)


def _from_z(z: np.ndarray, age: np.ndarray) -> LesionDescriptors:
    a = expit(z[:, 0]) * _POP["affected_max"]
    premotor = expit(z[:, 3]) * a * _POP["premotor_share_max"]
    if z.shape[1] > 4:
        age = np.clip(z[:, 4] * _POP["age_sd"] + _POP["age_mean"], _POP["age_min"], _POP["age_max"])
    return LesionDescriptors(
        a.astype(np.float32),
        expit(z[:, 1]).astype(np.float32),
        expit(z[:, 2]).astype(np.float32),
        premotor.astype(np.float32),
        np.asarray(age, np.float32),
    )


def calibrate(
    record: PatientRecord | Sequence[Observation],
    library: Library,
    *,
    method: str = "is",
    age: float | None = None,
    ess_target: float = 100.0,
    n_particles: int = 128,
    n_moves: int = 2,
    seed: int = 0,
    simulator: Simulator | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Posterior:
    """Posterior over the patient given its observations (see the module docstring).

    Parameters
    ----------
    record
        A :class:`PatientRecord` (its age is used) or a sequence of observations.
    library
        Prior draws simulated under usual care; re-simulated on missing observation days.
    method
        ``"is"`` (importance sampling only) or ``"smc"`` (plus resample-move
        steps when the ESS is below ``ess_target``).
    age
        The patient's age (years), when ``record`` is a sequence of observations.
    ess_target
        ESS below which ``"smc"`` refines.
    n_particles, n_moves
        Particles and resample-move steps of the refinement.
    seed
        Seed of resampling, proposals and the new particles' traits.
    simulator, progress
        As in :func:`strokesim.predict.library.simulate_particles`.
    """
    if method not in METHODS:
        raise UserInputError("method", f"must be one of {', '.join(METHODS)}, got {method!r}")
    if isinstance(record, PatientRecord):
        observations, age = record.observations, record.age
    else:
        observations = tuple(record)
    missing = [o.day for o in observations if needs_day(o.measure) and not library.has_day(o.day)]
    if missing:
        library = library.with_days(missing, simulator, progress)
    ll = log_likelihood(library, observations, age)
    lw = ll - logsumexp(ll)
    with_age = _age_varies(library)
    post = Posterior(
        particles=library,
        log_weights=lw,
        loglik=ll,
        observations=tuple(sorted(observations, key=_key)),
        age=age,
        method="is",
        prior_z=_to_z(library.patients.descriptors, with_age),
    )
    post = replace(post, diagnostics={"ess_library": post.ess, "ess": post.ess, "moves": 0})
    if method == "smc" and post.ess < ess_target:
        post = refine(post, n_particles, n_moves, seed, simulator, progress)
    return post


def refine(
    posterior: Posterior,
    n_particles: int = 128,
    n_moves: int = 2,
    seed: int = 0,
    simulator: Simulator | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Posterior:
    """Resample ``n_particles`` and apply ``n_moves`` Metropolis–Hastings move steps."""
    from strokesim.simulate import VirtualPatients

    rng = np.random.default_rng([seed, 25, 1])
    idx = posterior.resample(n_particles, int(rng.integers(2**31)))
    lib = posterior.particles.take(idx)
    ll = posterior.loglik[idx]
    with_age = posterior.prior_z.shape[1] > 4
    kde = gaussian_kde(posterior.prior_z.T)
    w = posterior.weights
    zw = _to_z(posterior.particles.patients.descriptors, with_age)
    mean = w @ zw
    cov = ((zw - mean) * w[:, None]).T @ (zw - mean)
    cov += 0.01 * np.cov(posterior.prior_z.T) + 1e-6 * np.eye(zw.shape[1])
    step = np.linalg.cholesky(cov * 2.38**2 / zw.shape[1])
    acceptance = []
    # the moves need each candidate only up to the last observation day: with the default
    # simulator they run that prefix, and the particles moved at least once are run to the
    # horizon at the end (the same trajectories as one run to the horizon)
    full = lib
    prefix = lib.days
    if simulator is None:
        last = max([3, *(o.day for o in posterior.observations if needs_day(o.measure))])
        prefix = tuple(d for d in lib.days if d <= last) or lib.days[:1]
        lib = lib.on_days(prefix)
    moved = np.zeros(len(lib), bool)
    for move in range(n_moves):
        vp = lib.patients
        z = _to_z(vp.descriptors, with_age)
        z_new = z + rng.standard_normal(z.shape) @ step.T
        desc = _from_z(z_new, np.asarray(vp.descriptors.age, float))
        old_a = np.maximum(np.asarray(vp.descriptors.affected, float), 1e-6)
        base = lesion_volume_ml(0.0)
        scatter = (
            (np.asarray(vp.lesion_volume_ml, float) - base)
            / np.maximum(lesion_volume_ml(1.0) - base, 1e-9)
            / old_a ** _POP["volume_exponent"]
        )
        volume = np.array(
            [
                lesion_volume_ml(float(a), float(s))
                for a, s in zip(desc.affected, scatter, strict=True)
            ]
        )
        # half the particles keep their traits and unit fates (their id), half draw fresh
        # ones from the prior: both kernels leave the posterior invariant
        fresh = rng.random(len(vp)) < 0.5
        tag = f"{seed}m{move}"
        ids = tuple(
            f"{i.split('~')[0]}~{tag}-{k:04d}" if f else i
            for k, (i, f) in enumerate(zip(vp.ids, fresh, strict=True))
        )
        proposal = VirtualPatients(
            ids=ids,
            descriptors=desc,
            affected_side=vp.affected_side,
            lesion_volume_ml=volume.astype(np.float32),
            nihss=np.full(len(ids), -1, np.int16),
            source=ids,
        )
        cand = simulate_particles(
            proposal, prefix, lib.seed, simulator, progress=progress, input_days=full.horizon
        )
        ll_new = log_likelihood(cand, posterior.observations, posterior.age)
        log_alpha = ll_new + kde.logpdf(z_new.T) - ll - kde.logpdf(z.T)
        accept = np.log(rng.random(len(ll))) < log_alpha
        acceptance.append(float(accept.mean()))
        lib = _merge(lib, cand, accept)
        ll = np.where(accept, ll_new, ll)
        moved |= accept
    if prefix != full.days:
        lib = _complete(full, lib, moved, progress)
    lw = np.full(len(ll), -np.log(len(ll)))
    unique = len(set(lib.patients.ids))
    return replace(
        posterior,
        particles=lib,
        log_weights=lw,
        loglik=ll,
        method="smc",
        diagnostics={
            **posterior.diagnostics,
            "ess": float(len(ll)),
            "moves": n_moves,
            "acceptance": acceptance,
            "unique": unique,
        },
    )


def _complete(
    full: Library,
    prefix: Library,
    moved: np.ndarray,
    progress: Callable[[int, int], None] | None,
) -> Library:
    """``full``'s particles where not ``moved``, else ``prefix``'s run on all of ``full.days``."""
    where = np.flatnonzero(moved)
    if not len(where):
        return full
    rerun = simulate_particles(prefix.patients.take(where), full.days, full.seed, progress=progress)
    slot = np.zeros(len(moved), np.int64)
    slot[where] = np.arange(len(where))
    return _merge(full, rerun.take(slot), moved)


def _merge(old: Library, new: Library, accept: np.ndarray) -> Library:
    """Particles of ``new`` where ``accept``, else of ``old`` (same days)."""
    from strokesim.simulate import VirtualPatients

    pick = np.asarray(accept, bool)

    def choose(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        mask = pick.reshape(-1, *([1] * (np.ndim(a) - 1)))
        return np.where(mask, b, a)

    vo, vn = old.patients, new.patients
    patients = VirtualPatients(
        ids=tuple(n if p else o for o, n, p in zip(vo.ids, vn.ids, pick, strict=True)),
        descriptors=LesionDescriptors(
            *(
                choose(np.asarray(a), np.asarray(b))
                for a, b in zip(vo.descriptors, vn.descriptors, strict=True)
            )
        ),
        affected_side=vo.affected_side,
        lesion_volume_ml=choose(np.asarray(vo.lesion_volume_ml), np.asarray(vn.lesion_volume_ml)),
        nihss=choose(np.asarray(old.static["nihss"]), np.asarray(new.static["nihss"])).astype(
            np.int16
        ),
        source=tuple(n if p else o for o, n, p in zip(vo.source, vn.source, pick, strict=True)),
    )
    return Library(
        patients,
        old.seed,
        old.days,
        {k: choose(old.trajectories[k], new.trajectories[k]) for k in old.trajectories},
        {k: choose(old.static[k], new.static[k]) for k in old.static},
    )
