"""Trial statistics with statsmodels: ANCOVA, responders, mixed model, subgroups.

- Primary: ANCOVA of the change from baseline at the primary visit, adjusted for
  baseline and randomisation strata (OLS; EMA 2015 guideline on adjustment for
  baseline covariates, EMA/CHMP/295050/2013), complete cases.
- Responders (change ≥ threshold): logistic regression with the same covariates
  (adjusted odds ratio) and the unadjusted risk difference with a Wald interval
  (statsmodels ``confint_proportions_2indep``).
- Repeated visits: a linear mixed model (MixedLM, random intercept per patient) of
  change on arm × visit and baseline, the MMRM-style analysis that uses patients
  who dropped out up to their last visit; the arm effect is read at the primary visit.
- Subgroups: ANCOVA within each level and the arm × subgroup interaction F-test.

Effect sizes are the adjusted difference divided by the residual SD.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from statsmodels.stats.proportion import confint_proportions_2indep
from statsmodels.tools.sm_exceptions import SingularMatrixWarning

from strokesim.trial.emulation import TrialDraw, TwinPool

__all__ = [
    "Estimate",
    "analysis_frame",
    "ancova",
    "ancova_arrays",
    "draw_arms",
    "mixed_model",
    "primary_estimate",
    "responder_analysis",
    "subgroup_analysis",
]


@dataclass(frozen=True)
class Estimate:
    """One contrast (arm − control) with its 95% (1 − alpha) interval."""

    contrast: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    n: int
    effect_size: float = float("nan")

    def row(self) -> dict[str, object]:
        """As a table row."""
        return asdict(self)


def analysis_frame(
    pool: TwinPool, draw: TrialDraw, *, scale: str | None = None, visit: int | None = None
) -> pd.DataFrame:
    """One row per randomised patient observed at ``visit``: arm, baseline, change, strata."""
    spec = pool.spec
    scale = scale or spec.outcome.scale
    j = pool.visit_days.index(visit or spec.primary_visit)
    obs = draw.observed[scale]
    position = np.full(len(pool.arms), -1)
    position[list(draw.arms)] = np.arange(len(draw.arms))
    frame = pd.DataFrame(
        {
            "patient": np.arange(len(draw.index)),
            "arm": np.asarray(pool.arms, dtype=object)[draw.arm],
            "arm_index": position[draw.arm],
            "baseline": obs[:, 0],
            "outcome": obs[:, j],
            "stratum": pool.strata(draw.index),
            "severity_band": pool.band[draw.index],
            "mep_present": np.where(pool.mep[draw.index], "MEP+", "MEP-"),
        }
    )
    frame["change"] = frame["outcome"] - frame["baseline"]
    frame["responder"] = (frame["change"] >= spec.outcome.responder_change).astype(float)
    return frame[np.isfinite(frame["outcome"].to_numpy())].reset_index(drop=True)


def _design(arm: np.ndarray, baseline: np.ndarray, strata: np.ndarray | None, k: int) -> np.ndarray:
    cols = [np.ones(arm.size)]
    cols += [(arm == a).astype(float) for a in range(1, k)]
    cols.append(np.asarray(baseline, float))
    if strata is not None:
        levels, codes = np.unique(np.asarray(strata, dtype=str), return_inverse=True)
        cols += [(codes == c).astype(float) for c in range(1, levels.size)]
    return np.column_stack(cols)


def ancova_arrays(
    change: np.ndarray,
    baseline: np.ndarray,
    arm_index: np.ndarray,
    strata: np.ndarray | None,
    arms: tuple[str, ...],
    *,
    alpha: float = 0.05,
) -> list[Estimate]:
    """:func:`ancova` on plain arrays (no table: the power loop's fast path)."""
    k = len(arms)
    x = _design(arm_index, baseline, strata, k)
    # tiny trials: no residual df, or a stratum holding one arm only (rank-deficient design)
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", SingularMatrixWarning)
        fit = sm.OLS(np.asarray(change, float), x).fit()
        ci = fit.conf_int(alpha)
        pvalues = fit.pvalues
    sd = float(np.sqrt(fit.mse_resid)) if fit.df_resid > 0 else float("nan")
    return [
        Estimate(
            f"{arms[a]} − {arms[0]}",
            float(fit.params[a]),
            float(fit.bse[a]),
            float(ci[a, 0]),
            float(ci[a, 1]),
            float(pvalues[a]),
            int(fit.nobs),
            float(fit.params[a]) / sd if sd > 0 else float("nan"),
        )
        for a in range(1, k)
    ]


def ancova(
    frame: pd.DataFrame, arms: tuple[str, ...], *, alpha: float = 0.05, strata: bool = True
) -> list[Estimate]:
    """ANCOVA of change: ``change ~ arm + baseline (+ stratum)``; one estimate per arm vs control.

    Equal to ``statsmodels.formula.api.ols("change ~ C(arm_index) + baseline + C(stratum)")``
    (the design is built directly for speed in power loops).
    """
    return ancova_arrays(
        frame["change"].to_numpy(float),
        frame["baseline"].to_numpy(float),
        frame["arm_index"].to_numpy(),
        frame["stratum"].to_numpy() if strata else None,
        arms,
        alpha=alpha,
    )


def draw_arms(pool: TwinPool, draw: TrialDraw) -> tuple[str, ...]:
    """Names of the arms of a drawn trial (control first)."""
    return tuple(pool.arms[a] for a in draw.arms)


def primary_estimate(pool: TwinPool, draw: TrialDraw, alpha: float | None = None) -> Estimate:
    """The primary ANCOVA estimate of the trial's second arm vs its control.

    Equal to ``ancova(analysis_frame(pool, draw), ...)[0]`` without building a table.
    """
    spec = pool.spec
    alpha = spec.analysis.alpha if alpha is None else alpha
    obs = draw.observed[spec.outcome.scale]
    j = pool.visit_days.index(spec.primary_visit)
    seen = np.isfinite(obs[:, j])
    position = np.full(len(pool.arms), -1)
    position[list(draw.arms)] = np.arange(len(draw.arms))
    return ancova_arrays(
        obs[seen, j] - obs[seen, 0],
        obs[seen, 0],
        position[draw.arm[seen]],
        pool.strata(draw.index[seen]),
        draw_arms(pool, draw),
        alpha=alpha,
    )[0]


#: Largest |log odds ratio| taken as a finite maximum-likelihood estimate. Beyond it the
#: likelihood has no finite maximum (complete or quasi-complete separation, e.g. every
#: patient of one stratum a responder): e^15 ≈ 3·10⁶ is far above any odds ratio a trial
#: of realistic size can resolve, so such a fit is reported as not estimable.
MAX_LOG_ODDS_RATIO = 15.0


def _logit_estimable(fit) -> bool:
    """Whether a logistic fit converged to finite, resolvable coefficients."""
    if fit is None or not fit.mle_retvals.get("converged", False):
        return False
    return bool(np.all(np.isfinite(fit.bse)) and np.all(np.abs(fit.params) < MAX_LOG_ODDS_RATIO))


def responder_analysis(
    frame: pd.DataFrame, arms: tuple[str, ...], *, alpha: float = 0.05
) -> pd.DataFrame:
    """Responders per arm vs control: adjusted odds ratio (logistic) and risk difference."""
    rows = []
    k = len(arms)
    x = _design(
        frame["arm_index"].to_numpy(), frame["baseline"].to_numpy(), frame["stratum"].to_numpy(), k
    )
    y = frame["responder"].to_numpy(float)
    fit = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = sm.Logit(y, x).fit(disp=0, maxiter=100)
        except Exception:  # perfect separation or a singular design in tiny samples
            fit = None
    control = frame["arm_index"].to_numpy() == 0
    for a in range(1, k):
        mine = frame["arm_index"].to_numpy() == a
        c1, n1 = int(y[mine].sum()), int(mine.sum())
        c0, n0 = int(y[control].sum()), int(control.sum())
        rd = (c1 / n1 - c0 / n0) if n1 and n0 else float("nan")
        rd_low, rd_high = (float("nan"),) * 2
        if n1 and n0:
            rd_low, rd_high = confint_proportions_2indep(
                c1, n1, c0, n0, method="wald", compare="diff", alpha=alpha
            )
        odds = low = high = p = float("nan")
        note = "" if _logit_estimable(fit) else "not estimable (separation or too few patients)"
        if not note:
            ci = fit.conf_int(alpha)
            with np.errstate(over="ignore"):  # near-separation: an infinite odds ratio
                odds, low, high = (float(np.exp(v)) for v in (fit.params[a], ci[a, 0], ci[a, 1]))
            p = float(fit.pvalues[a])
        rows.append(
            {
                "contrast": f"{arms[a]} − {arms[0]}",
                "responders_arm": f"{c1}/{n1}",
                "responders_control": f"{c0}/{n0}",
                "risk_difference": rd,
                "rd_ci_low": float(rd_low),
                "rd_ci_high": float(rd_high),
                "odds_ratio": odds,
                "or_ci_low": low,
                "or_ci_high": high,
                "or_p_value": p,
                "or_note": note,
            }
        )
    return pd.DataFrame(rows)


def mixed_model(
    table: pd.DataFrame,
    scale: str,
    primary_visit: int,
    arms: tuple[str, ...],
    *,
    alpha: float = 0.05,
) -> list[Estimate]:
    """MixedLM of change over all post-baseline visits; the arm effect at the primary visit.

    ``table`` is the long patient-visit table of :func:`strokesim.trial.emulation.trial_table`.
    """
    observed = f"{scale}_observed"
    base = table[table["visit"] == 0].set_index("patient")[observed]
    long = table[(table["visit"] > 0) & table[observed].notna()].copy()
    long["baseline"] = long["patient"].map(base)
    long["change"] = long[observed] - long["baseline"]
    long["arm_index"] = long["arm"].map({a: i for i, a in enumerate(arms)})
    formula = (
        f"change ~ C(arm_index) * C(visit, Treatment(reference={primary_visit}))"
        " + baseline + C(stratum)"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = smf.mixedlm(formula, long, groups=long["patient"]).fit(reml=True)
    ci = fit.conf_int(alpha)
    out = []
    for a in range(1, len(arms)):
        name = f"C(arm_index)[T.{a}]"
        out.append(
            Estimate(
                f"{arms[a]} − {arms[0]}",
                float(fit.params[name]),
                float(fit.bse[name]),
                float(ci.loc[name, 0]),
                float(ci.loc[name, 1]),
                float(fit.pvalues[name]),
                int(long["patient"].nunique()),
                float(fit.params[name]) / float(np.sqrt(fit.scale)),
            )
        )
    return out


def subgroup_analysis(
    frame: pd.DataFrame, arms: tuple[str, ...], variable: str, *, alpha: float = 0.05
) -> pd.DataFrame:
    """ANCOVA estimate of each arm vs control within each level of ``variable``.

    The column ``interaction_p`` holds the F-test of the arm × ``variable``
    interaction (nested OLS models, statsmodels ``compare_f_test``).
    """
    rows = []
    for level in sorted(frame[variable].unique()):
        part = frame[frame[variable] == level]
        if part["arm_index"].nunique() < len(arms) or len(part) < len(arms) + 3:
            continue
        for est in ancova(part, arms, alpha=alpha, strata=False):
            rows.append({"subgroup": variable, "level": level, **est.row()})
    p = float("nan")
    if frame[variable].nunique() > 1:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            full = smf.ols(f"change ~ C(arm_index) * C({variable}) + baseline", frame).fit()
            reduced = smf.ols(f"change ~ C(arm_index) + C({variable}) + baseline", frame).fit()
            p = float(full.compare_f_test(reduced)[1])
    out = pd.DataFrame(rows)
    if not out.empty:
        out["interaction_p"] = p
    return out
