"""What the result page shows, computed once per job from the shared prognosis.

Every number here is read from :class:`strokesim.predict.pipeline.Prognosis`
(the CLI's result for the same record, seed and settings); this module only
formats it and draws the figures as inline SVG.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from matplotlib.figure import Figure

from strokesim.predict.pipeline import Prognosis
from strokesim.predict.predictive import PREDICTED
from strokesim.predict.prep2 import ARAT_BANDS
from strokesim.web.form import FORM_MEASURES

__all__ = ["ResultView", "plan_options", "protocol_label", "result_view", "svg"]

#: What each PREP2 category means for the arm at 3 months (Stinear et al. 2017).
PREP2_MEANING: dict[str, str] = {
    "Excellent": "likely to regain a near-normal arm and hand within 3 months",
    "Good": "likely to use the affected arm and hand for most daily tasks",
    "Limited": "likely to use the affected arm and hand slowly and with effort",
    "Poor": "unlikely to regain functional use of the affected arm and hand",
}
_MEASURE_LABELS = {
    **FORM_MEASURES,
    "mas_elbow": "Modified Ashworth, elbow",
    "dexterity": "Dexterity (% of healthy)",
}


_SHORT = {
    "fma_ue": "FMA-UE",
    "arat": "ARAT",
    "safe": "SAFE",
    "nihss": "NIHSS",
    "mep": "MEP",
}
_WORDS = {
    "rtms": "rTMS",
    "1hz": "1 Hz",
    "cimt": "CIMT",
    "itbs": "iTBS",
    "vns": "VNS",
    "tdcs": "tDCS",
    "vr": "VR",
    "90h": "90 h",
    "45min": "45 min",
    "3x": "3×",
}


def protocol_label(name: str) -> str:
    """A shipped protocol's name for people: ``rtms_1hz_contralesional_training`` ->
    ``rTMS 1 Hz contralesional training``."""
    words = [_WORDS.get(w, w) for w in name.split("_")]
    first = words[0]
    if first == first.lower():
        words[0] = first[:1].upper() + first[1:]
    return " ".join(words)


def svg(figure: Figure, label: str) -> str:
    """The figure as inline SVG scaled to its container (no date metadata)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r'\swidth="[^"]*pt"\s+height="[^"]*pt"', "", text, count=1)
    return text.replace("<svg ", f'<svg class="plot" role="img" aria-label="{_attr(label)}" ', 1)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _value(measure: str, value: Any) -> str:
    if measure == "mep":
        return "present" if value else "absent"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _minutes_text(minutes: tuple[float, ...]) -> str:
    return ", ".join(f"{m:g}" for m in minutes) if minutes else "—"


def plan_options(p: Prognosis) -> dict[str, Any]:
    """The plan's options as used: the candidates, and each one's start day and minutes.

    Read from the settings through :func:`strokesim.predict.pipeline.candidates`
    (the pipeline's own reading), so the page says what was simulated.

    Returns
    -------
    dict
        ``protocols`` (names in the order given), ``start_day`` and ``minutes``
        (one line each for people), ``per_protocol`` (name -> ``start_day``, the
        day since stroke its added therapy starts, and ``minutes``, the minutes
        per session of its added training, or "—" without training) and ``cli``
        (the matching ``strokesim plan`` options).
    """
    from strokesim.predict.pipeline import candidates
    from strokesim.therapy.library import beyond_usual_care

    s = p.settings
    chosen = candidates(s)
    assert chosen is not None
    protocols, starts = chosen
    last_day = max(o.day for o in p.record.observations)
    per_protocol = {}
    for name, protocol in protocols.items():
        minutes = tuple(
            sorted(
                {
                    float(c.minutes_per_session)
                    for c in beyond_usual_care(protocol)
                    if hasattr(c, "minutes_per_session")
                }
            )
        )
        per_protocol[name] = {
            "start_day": int(starts.get(name, last_day + 1)),
            "minutes": _minutes_text(minutes),
        }
    if not s.start_day:
        start = f"the day after the last assessment (day {last_day + 1})"
    elif len(s.start_day) == 1:
        start = f"day {s.start_day[0]}"
    else:
        start = "per protocol: days " + ", ".join(str(d) for d in s.start_day)
    if not s.minutes_per_session:
        minutes = "each protocol's own"
    elif len(s.minutes_per_session) == 1:
        minutes = f"{s.minutes_per_session[0]:g} min"
    else:
        minutes = "per protocol: " + ", ".join(f"{m:g}" for m in s.minutes_per_session) + " min"
    cli = f"--protocols {','.join(s.protocols or ())}"
    if s.start_day:
        cli += " --start-day " + ",".join(str(d) for d in s.start_day)
    if s.minutes_per_session:
        cli += " --minutes-per-session " + ",".join(f"{m:g}" for m in s.minutes_per_session)
    return {
        "protocols": list(protocols),
        "start_day": start,
        "minutes": minutes,
        "per_protocol": per_protocol,
        "cli": cli,
    }


@dataclass(frozen=True)
class ResultView:
    """The page's content (strings and rows ready for the template)."""

    patient: dict[str, str]
    observations: list[dict[str, str]]
    headline: dict[str, Any]
    figure_main: str
    figure_more: str | None
    horizon_rows: list[dict[str, Any]]
    baselines: dict[str, Any]
    plan_rows: list[dict[str, Any]] | None
    next_rows: list[dict[str, Any]] | None
    next_best: dict[str, Any] | None
    options: dict[str, Any] | None
    diagnostics: dict[str, Any]


def result_view(p: Prognosis) -> ResultView:
    """Format one prognosis for the result page (figures drawn here, in the worker)."""
    from strokesim.predict.predictive import predictive_figure

    r, s, post = p.record, p.settings, p.posterior
    h = s.horizon
    present = [v for v in PREDICTED if v in post.particles.trajectories]
    main = [v for v in ("fma_ue", "arat") if v in present]
    more = [v for v in present if v not in main]
    figure_main = svg(
        predictive_figure(post, r, p.baselines, main), "Predicted FMA-UE and ARAT with bands"
    )
    figure_more = (
        svg(predictive_figure(post, r, p.baselines, more), "Other predicted outcomes")
        if more
        else None
    )
    horizon_rows = [
        {
            "variable": row["variable"],
            "label": PREDICTED[row["variable"]],
            "median": row["median"],
            "i50": (row["p25"], row["p75"]),
            "i80": (row["p10"], row["p90"]),
            "i95": (row["p2.5"], row["p97.5"]),
        }
        for row in p.prediction[p.prediction["day"] == h].to_dict("records")
    ]
    b = p.baselines
    arat90 = None
    days = post.particles.days
    if 90 in days and "arat" in post.particles.trajectories:
        q = post.quantiles("arat", (0.10, 0.50, 0.90))[:, days.index(90)]
        arat90 = {"p10": float(q[0]), "median": float(q[1]), "p90": float(q[2])}
    baselines = {
        "prep2": b.prep2,
        "prep2_range": ARAT_BANDS.get(b.prep2) if b.prep2 else None,
        "prep2_meaning": PREP2_MEANING.get(b.prep2 or "", ""),
        "model_arat90": arat90,
        "proportional": b.proportional,
        "mixture": b.mixture,
    }
    plan_rows = None
    options = plan_options(p) if p.plan is not None else None
    if p.plan is not None:
        plan_rows = [
            {
                "rank": int(row.rank),
                "protocol": row.protocol,
                "name": row.protocol.replace("_", " "),
                "label": protocol_label(row.protocol),
                "expected_gain": float(row.expected_gain),
                "p_beats": float(row.p_beats_usual_care),
                "gain_p10": float(row.gain_p10),
                "gain_p90": float(row.gain_p90),
                "fma_median": float(row.fma_median),
                "reason": row.reason,
                **options["per_protocol"].get(row.protocol, {}),
            }
            for row in p.plan.table.itertuples()
        ]
    next_rows = next_best = None
    if p.next_assessment is not None:
        next_rows = [
            {
                "measure": _MEASURE_LABELS.get(row.measure, row.measure),
                "short": _SHORT.get(row.measure, row.measure),
                "day": int(row.day),
                "expected_width": float(row.expected_width),
                "current_width": float(row.current_width),
                "reduction": float(row.expected_reduction),
            }
            for row in p.next_assessment.itertuples()
        ]
        next_best = next_rows[0] if next_rows else None
    d = post.diagnostics
    return ResultView(
        patient={
            "id": r.patient_id,
            "age": f"{r.age:g}",
            "side": r.affected_side,
            "stroke_date": "—" if r.stroke_date is None else r.stroke_date.isoformat(),
            "last_day": str(max(o.day for o in r.observations)),
        },
        observations=[
            {
                "day": str(o.day),
                "measure": _MEASURE_LABELS.get(o.measure, o.measure),
                "value": _value(o.measure, o.value),
            }
            for o in r.observations
        ],
        headline={"horizon": h, **p.summary},
        figure_main=figure_main,
        figure_more=figure_more,
        horizon_rows=horizon_rows,
        baselines=baselines,
        plan_rows=plan_rows,
        next_rows=next_rows,
        next_best=next_best,
        options=options,
        diagnostics={
            "method": post.method,
            "particles": len(post.particles),
            "ess": float(d.get("ess", post.ess)),
            "ess_library": float(d.get("ess_library", post.ess)),
            "library": s.library,
            "seed": s.seed,
            "draws": s.n_draws if p.plan is not None else None,
        },
    )
