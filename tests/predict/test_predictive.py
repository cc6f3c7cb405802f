"""Posterior predictive bands, draws, figure and report (synthetic particles, no model run)."""

from __future__ import annotations

import numpy as np
import pytest

from strokesim.model.lesion import LesionDescriptors
from strokesim.predict.comparators import Baselines, baselines_for, mixture_from_series
from strokesim.predict.library import Library
from strokesim.predict.posterior import calibrate
from strokesim.predict.predictive import (
    draws_table,
    predictive_figure,
    predictive_table,
    summary_at,
)
from strokesim.predict.record import Observation, PatientRecord
from strokesim.predict.report import render_patient_report
from strokesim.report.html import DISCLAIMER
from strokesim.simulate import VirtualPatients

DAYS = (3, 7, 30)


def _library(n: int = 50) -> Library:
    rng = np.random.default_rng(4)
    start = rng.integers(0, 40, n)
    fma = np.stack([start, start + 5, np.minimum(start + 20, 66)], axis=1)
    ids = tuple(f"s{i}" for i in range(n))
    desc = LesionDescriptors(
        *(rng.random(n).astype(np.float32) for _ in range(4)), np.full(n, 60, np.float32)
    )
    vp = VirtualPatients(ids, desc, ("left",) * n, np.full(n, 20.0), np.full(n, 5), ids)
    traj = {
        "fma_ue": fma,
        "arat": np.minimum(fma * 57 // 66, 57),
        "mal_amount": fma / 66 * 5,
        "paretic_use_fraction": fma / 132,
        "mep_present": np.ones((n, 3), bool),
        "safe": np.minimum(fma // 6, 10),
    }
    static = {
        "nihss": np.full(n, 5),
        "age": np.full(n, 60.0),
        "cst_lesion_load": rng.random(n),
        "stunned_share": rng.random(n),
        "affected_share": rng.random(n),
    }
    return Library(vp, 1, DAYS, traj, static)


def _record() -> PatientRecord:
    obs = (
        Observation(3, "fma_ue", 20),
        Observation(3, "safe", 6),
        Observation(3, "mep", True),
        Observation(7, "fma_ue", 25),
    )
    return PatientRecord("X1", 60.0, "left", None, obs)


def test_bands_are_nested_and_cover_the_observed_course() -> None:
    post = calibrate(_record(), _library())
    table = predictive_table(post)
    assert set(table["variable"]) == {"fma_ue", "arat", "mal_amount", "paretic_use_fraction"}
    cols = ["p2.5", "p10", "p25", "median", "p75", "p90", "p97.5"]
    assert (np.diff(table[cols].to_numpy(), axis=1) >= 0).all()
    at7 = table[(table.variable == "fma_ue") & (table.day == 7)].iloc[0]
    assert at7["p2.5"] <= 25 <= at7["p97.5"]
    s = summary_at(post, 30)
    assert s["p10"] <= s["median"] <= s["p90"]


def test_draws_table_has_one_row_per_particle_and_day_and_unit_weight() -> None:
    post = calibrate(_record(), _library())
    draws = draws_table(post, "X1")
    assert len(draws) == 50 * len(DAYS)
    assert draws.groupby("particle")["weight"].first().sum() == pytest.approx(1.0)
    assert set(draws["day"]) == set(DAYS)


def test_report_carries_the_statement_observations_and_baselines() -> None:
    record = _record()
    post = calibrate(record, _library())
    base = baselines_for(record, 30)
    assert base.prep2 in {"Excellent", "Good"} and base.proportional is not None
    fig = predictive_figure(post, record, base)
    page = render_patient_report(record, post, base, fig, predictive_table(post), 30)
    assert page.count(DISCLAIMER) == 2
    assert "PREP2" in page and "proportional recovery" in page and "data:image/png" in page


def test_baselines_handle_missing_findings() -> None:
    record = PatientRecord("Y", 70.0, "right", None, (Observation(40, "arat", 10),))
    assert baselines_for(record, 180) == Baselines(None, None, None)


def test_mixture_from_a_series_matches_the_one_score_prediction() -> None:
    from strokesim.predict.mixture import mixture_prediction

    one = mixture_from_series(np.array([[3.0]]), np.array([[20.0]]), 180)
    expected, _ = mixture_prediction(20.0, 3.0, 180.0)
    np.testing.assert_allclose(one[0], expected, rtol=1e-9)
    more = mixture_from_series(np.array([[3.0, 30.0]]), np.array([[20.0, np.nan]]), 180)
    np.testing.assert_allclose(more, one)
