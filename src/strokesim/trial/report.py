"""Trial results: the analyses of one emulated trial, its HTML report and the power figure.

The report is one self-contained HTML file (figures as base64 PNG): CONSORT-style
flow, baseline table by arm, the primary ANCOVA, responders, the mixed model,
subgroups, the counterfactual-twin effect by stratum as a forest plot and the
observed trajectories by arm with 25–75% bands. Like every clinical-looking
output of strokesim it carries the research-software statement.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from strokesim import __version__
from strokesim.report.html import DISCLAIMER, _figure_html, _table_html
from strokesim.trial.analysis import (
    analysis_frame,
    ancova,
    draw_arms,
    mixed_model,
    responder_analysis,
    subgroup_analysis,
)
from strokesim.trial.emulation import TrialDraw, TwinPool, trial_table, twin_effects

__all__ = ["TrialResults", "analyse_trial", "power_figure", "render_trial_report"]


@dataclass(frozen=True)
class TrialResults:
    """Everything the report shows, as tables."""

    table: pd.DataFrame
    flow: pd.DataFrame
    baseline: pd.DataFrame
    primary: pd.DataFrame
    secondary: pd.DataFrame
    responders: pd.DataFrame
    mixed: pd.DataFrame
    subgroups: pd.DataFrame
    twins: pd.DataFrame


def _flow(pool: TwinPool, draw: TrialDraw) -> pd.DataFrame:
    screened = pool.screening
    rows = [("screened", "", len(screened))]
    for reason, count in screened.loc[~screened["enrolled"], "reason"].value_counts().items():
        rows.append(("excluded", reason, int(count)))
    rows.append(("randomised", "", len(draw.index)))
    last = len(pool.visit_days) - 1
    j = pool.visit_days.index(pool.spec.primary_visit)
    for k in draw.arms:
        mine = draw.arm == k
        rows.append(("allocated", pool.arms[k], int(mine.sum())))
        rows.append(("lost to follow-up", pool.arms[k], int((draw.dropped_at[mine] <= j).sum())))
        rows.append(("analysed (primary)", pool.arms[k], int((draw.dropped_at[mine] > j).sum())))
        rows.append(
            ("completed all visits", pool.arms[k], int((draw.dropped_at[mine] > last).sum()))
        )
    return pd.DataFrame(rows, columns=["stage", "detail", "patients"])


def _baseline(table: pd.DataFrame, arms: tuple[str, ...]) -> pd.DataFrame:
    base = table[table["visit"] == 0]
    rows = []
    for arm in arms:
        part = base[base["arm"] == arm]
        row = {"arm": arm, "n": len(part)}
        for scale in ("fma_ue", "arat"):
            values = part[f"{scale}_observed"]
            row[f"{scale} mean (SD)"] = f"{values.mean():.1f} ({values.std():.1f})"
        for band in ("mild", "moderate", "severe"):
            row[band] = int((part["severity_band"] == band).sum())
        row["MEP+"] = int(part["mep_present"].sum())
        rows.append(row)
    return pd.DataFrame(rows)


def analyse_trial(pool: TwinPool, draw: TrialDraw) -> TrialResults:
    """Run the analysis plan on one drawn trial."""
    spec = pool.spec
    alpha = spec.analysis.alpha
    arms = draw_arms(pool, draw)
    table = trial_table(pool, draw)
    frame = analysis_frame(pool, draw)
    primary = pd.DataFrame([e.row() for e in ancova(frame, arms, alpha=alpha)])
    secondary = [
        {"scale": scale, **e.row()}
        for scale in spec.outcome.secondary
        for e in ancova(analysis_frame(pool, draw, scale=scale), arms, alpha=alpha)
    ]
    mixed = pd.DataFrame(
        [
            e.row()
            for e in mixed_model(table, spec.outcome.scale, spec.primary_visit, arms, alpha=alpha)
        ]
    )
    subgroups = pd.concat(
        [subgroup_analysis(frame, arms, v, alpha=alpha) for v in spec.analysis.subgroups]
        or [pd.DataFrame()],
        ignore_index=True,
    )
    return TrialResults(
        table=table,
        flow=_flow(pool, draw),
        baseline=_baseline(table, arms),
        primary=primary,
        secondary=pd.DataFrame(secondary),
        responders=responder_analysis(frame, arms, alpha=alpha),
        mixed=mixed,
        subgroups=subgroups,
        twins=twin_effects(pool),
    )


def forest_plot(twins: pd.DataFrame, scale: str, visit: int) -> Figure:
    """Counterfactual-twin effect (mean, 95% CI) per stratum, one row per level."""
    rows = twins[twins["n"] > 0].reset_index(drop=True)
    figure = Figure(figsize=(7.0, 0.45 * len(rows) + 1.4), layout="constrained")
    axes = figure.add_subplot()
    y = np.arange(len(rows))[::-1]
    axes.errorbar(
        rows["effect"],
        y,
        xerr=[rows["effect"] - rows["ci_low"], rows["ci_high"] - rows["effect"]],
        fmt="o",
        color="#0072B2",
        capsize=3,
    )
    axes.axvline(0.0, color="0.4", lw=0.8, ls="--")
    axes.set_yticks(
        y,
        [
            f"{c}: {lv} (n={n})"
            for c, lv, n in zip(rows["comparison"], rows["level"], rows["n"], strict=True)
        ],
    )
    axes.set_xlabel(f"twin effect on {scale} at visit day {visit} (points)")
    axes.set_title("Twin effect by stratum (mean, 95% CI)")
    return figure


def trajectory_plot(table: pd.DataFrame, scale: str) -> Figure:
    """Observed score by arm over visits: median and 25–75% band."""
    figure = Figure(figsize=(7.0, 4.0), layout="constrained")
    axes = figure.add_subplot()
    colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"]
    for k, (arm, part) in enumerate(table.groupby("arm", sort=False)):
        stats = part.groupby("visit")[f"{scale}_observed"].quantile([0.25, 0.5, 0.75]).unstack()
        colour = colours[k % len(colours)]
        axes.plot(stats.index, stats[0.5], "-o", color=colour, label=str(arm))
        axes.fill_between(stats.index, stats[0.25], stats[0.75], color=colour, alpha=0.2)
    axes.set_xlabel("days after randomisation")
    axes.set_ylabel(f"{scale} (observed)")
    axes.set_title("Trajectories by arm (median, 25–75% band)")
    axes.legend()
    return figure


def power_figure(curve: pd.DataFrame, n_target: int | None, target: float = 0.8) -> Figure:
    """Power against randomised sample size (log axis), with Monte-Carlo 95% bars."""
    figure = Figure(figsize=(6.0, 4.0), layout="constrained")
    axes = figure.add_subplot()
    axes.errorbar(
        curve["n"],
        curve["power"],
        yerr=1.96 * curve["power_mc_se"],
        fmt="-o",
        color="#0072B2",
        capsize=3,
    )
    axes.axhline(target, color="0.4", lw=0.8, ls="--")
    if n_target is not None:
        axes.axvline(n_target, color="#D55E00", lw=0.8, ls=":", label=f"n = {n_target}")
        axes.legend()
    axes.set_xscale("log")
    axes.set_xticks(curve["n"], [str(int(n)) for n in curve["n"]])
    axes.minorticks_off()
    axes.set_ylim(0, 1)
    axes.set_xlabel("patients randomised")
    axes.set_ylabel("power")
    axes.set_title("Power by replicated parallel-group emulation")
    return figure


def _fmt(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.apply(lambda col: col.map(lambda v: f"{v:.3g}" if isinstance(v, float) else v))


def render_trial_report(pool: TwinPool, results: TrialResults) -> str:
    """The HTML report of one emulated trial."""
    spec = pool.spec
    scale = spec.outcome.scale
    sections = [
        ("CONSORT flow", _table_html(results.flow)),
        ("Baseline by arm", _table_html(results.baseline)),
        (
            f"Primary outcome: change in {scale} at visit day {spec.primary_visit} "
            "(ANCOVA adjusted for baseline and strata)",
            _table_html(_fmt(results.primary)),
        ),
        ("Secondary outcomes (ANCOVA)", _table_html(_fmt(results.secondary))),
        (
            f"Responders (change ≥ {spec.outcome.responder_change:g} points)",
            _table_html(_fmt(results.responders)),
        ),
        (
            "Repeated visits (mixed model, effect at the primary visit)",
            _table_html(_fmt(results.mixed)),
        ),
        (
            "Subgroups (ANCOVA within level; arm × subgroup interaction F-test)",
            _table_html(_fmt(results.subgroups)),
        ),
        (
            "Counterfactual twins: the effect by stratum",
            _figure_html(forest_plot(results.twins, scale, spec.primary_visit), "forest plot")
            + _table_html(_fmt(results.twins)),
        ),
        (
            "Trajectories by arm",
            _figure_html(trajectory_plot(results.table, scale), "trajectories"),
        ),
    ]
    body = "\n".join(
        f"<section><h2>{html.escape(h)}</h2>\n{content}</section>" for h, content in sections
    )
    title = html.escape(f"Emulated trial: {spec.name}")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse;font-size:.9rem}}th,td{{border:1px solid #ccc;padding:.2rem .5rem}}
.disclaimer{{border-left:5px solid #D55E00;background:#fff4ec;padding:.6rem 1rem;font-weight:600}}
img{{max-width:100%}}</style></head><body>
<h1>{title}</h1><p>{html.escape(spec.description)}</p>
<p>strokesim {html.escape(__version__)}; population seed {spec.population.seed}.</p>
<p class="disclaimer">{html.escape(DISCLAIMER)}</p>
{body}
<footer><p class="disclaimer">{html.escape(DISCLAIMER)}</p></footer>
</body></html>
"""
