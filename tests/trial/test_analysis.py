"""The trial analyses equal statsmodels' own formula fits of the same table (to 1e-8)."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.formula.api as smf

from strokesim.trial.analysis import (
    analysis_frame,
    ancova,
    draw_arms,
    mixed_model,
    responder_analysis,
    subgroup_analysis,
)
from strokesim.trial.emulation import TwinPool, draw_trial, trial_table

TOL = 1e-8


@pytest.fixture(scope="module")
def drawn(pool: TwinPool):
    draw = draw_trial(pool, 160, 3)
    return draw, analysis_frame(pool, draw), draw_arms(pool, draw)


def test_ancova_equals_statsmodels_formula_fit(drawn) -> None:
    _, frame, arms = drawn
    ours = ancova(frame, arms)
    fit = smf.ols("change ~ C(arm_index) + baseline + C(stratum)", frame).fit()
    ci = fit.conf_int()
    for a, est in enumerate(ours, start=1):
        name = f"C(arm_index)[T.{a}]"
        assert est.estimate == pytest.approx(fit.params[name], abs=TOL)
        assert est.se == pytest.approx(fit.bse[name], abs=TOL)
        assert est.ci_low == pytest.approx(ci.loc[name, 0], abs=TOL)
        assert est.ci_high == pytest.approx(ci.loc[name, 1], abs=TOL)
        assert est.p_value == pytest.approx(fit.pvalues[name], abs=TOL)
        assert est.n == int(fit.nobs) == len(frame)


def test_logistic_odds_ratio_equals_statsmodels(drawn) -> None:
    _, frame, arms = drawn
    table = responder_analysis(frame, arms)
    fit = smf.logit("responder ~ C(arm_index) + baseline + C(stratum)", frame).fit(disp=0)
    for a, row in enumerate(table.itertuples(), start=1):
        name = f"C(arm_index)[T.{a}]"
        assert row.odds_ratio == pytest.approx(np.exp(fit.params[name]), rel=1e-6)
    mine = frame["arm_index"] == 2
    control = frame["arm_index"] == 0
    expected = frame.loc[mine, "responder"].mean() - frame.loc[control, "responder"].mean()
    assert table["risk_difference"].iloc[1] == pytest.approx(expected, abs=TOL)
    assert table["rd_ci_low"].iloc[1] < expected < table["rd_ci_high"].iloc[1]


def test_mixed_model_equals_statsmodels(pool: TwinPool, drawn) -> None:
    draw, _, arms = drawn
    table = trial_table(pool, draw)
    ours = mixed_model(table, "fma_ue", 76, arms)
    long = table[(table["visit"] > 0) & table["fma_ue_observed"].notna()].copy()
    base = table[table["visit"] == 0].set_index("patient")["fma_ue_observed"]
    long["baseline"] = long["patient"].map(base)
    long["change"] = long["fma_ue_observed"] - long["baseline"]
    long["arm_index"] = long["arm"].map({a: i for i, a in enumerate(arms)})
    fit = smf.mixedlm(
        "change ~ C(arm_index) * C(visit, Treatment(reference=76)) + baseline + C(stratum)",
        long,
        groups=long["patient"],
    ).fit(reml=True)
    assert ours[1].estimate == pytest.approx(fit.params["C(arm_index)[T.2]"], abs=TOL)
    assert ours[1].se == pytest.approx(fit.bse["C(arm_index)[T.2]"], abs=TOL)


def test_subgroups_and_interaction(drawn) -> None:
    _, frame, arms = drawn
    table = subgroup_analysis(frame, arms, "severity_band")
    assert set(table["level"]) <= {"mild", "moderate", "severe"}
    full = smf.ols("change ~ C(arm_index) * C(severity_band) + baseline", frame).fit()
    reduced = smf.ols("change ~ C(arm_index) + C(severity_band) + baseline", frame).fit()
    assert table["interaction_p"].iloc[0] == pytest.approx(full.compare_f_test(reduced)[1], abs=TOL)
    moderate = frame[frame["severity_band"] == "moderate"]
    fit = smf.ols("change ~ C(arm_index) + baseline", moderate).fit()
    row = table[(table["level"] == "moderate") & (table["contrast"] == "active − control")]
    assert row["estimate"].iloc[0] == pytest.approx(fit.params["C(arm_index)[T.2]"], abs=TOL)


def test_separated_responders_are_not_estimable() -> None:
    """Every treated patient a responder and no control: no finite odds ratio is reported."""
    import pandas as pd

    n = 12
    frame = pd.DataFrame(
        {
            "arm_index": np.repeat([0, 1], n),
            "baseline": np.tile(np.linspace(20.0, 50.0, n), 2),
            "stratum": np.zeros(2 * n, int),
            "responder": np.repeat([False, True], n),
        }
    )
    row = responder_analysis(frame, ("control", "active")).iloc[0]
    assert np.isnan(row.odds_ratio) and np.isnan(row.or_p_value)
    assert "not estimable" in row.or_note
    assert row.risk_difference == pytest.approx(1.0)


def test_estimable_fit_has_no_note(drawn) -> None:
    _, frame, arms = drawn
    table = responder_analysis(frame, arms)
    assert (table["or_note"] == "").all()
    assert np.isfinite(table["odds_ratio"]).all()
