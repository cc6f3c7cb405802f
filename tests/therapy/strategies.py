"""Hypothesis strategies for valid therapy components and protocols (shared by the tests)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from strokesim.therapy import STIMULATION_METHODS

start_days = st.integers(min_value=0, max_value=400)
durations = st.integers(min_value=1, max_value=120)
sessions_per_week = st.integers(min_value=1, max_value=7)
trials = st.integers(min_value=1, max_value=500)


@st.composite
def schedules(draw: st.DrawFn) -> dict[str, int]:
    """Common fields of a component: start day, duration, sessions per week."""
    return {
        "start_day": draw(start_days),
        "duration_days": draw(durations),
        "sessions_per_week": draw(sessions_per_week),
    }


@st.composite
def task_training(draw: st.DrawFn) -> dict[str, Any]:
    """A valid ``task_training`` component as a dict."""
    return {"kind": "task_training", **draw(schedules()), "trials_per_session": draw(trials)}


@st.composite
def training_protocols(draw: st.DrawFn) -> dict[str, Any]:
    """A valid protocol dict made of 0–4 task-training components."""
    components = draw(st.lists(task_training(), max_size=4))
    return {"name": "generated", "components": components}


@st.composite
def stimulation_sessions(draw: st.DrawFn, *, sham: bool | None = None) -> dict[str, Any]:
    """A valid protocol dict: task training plus one brain stimulation on the same days."""
    schedule = draw(schedules())
    method = draw(st.sampled_from(STIMULATION_METHODS))
    targets = ["ipsilesional_m1", "contralesional_m1"]
    if method != "tdcs_dual":
        targets.append("ipsilesional_premotor")
    stimulation: dict[str, Any] = {
        "kind": "brain_stimulation",
        **schedule,
        "method": method,
        "target": draw(st.sampled_from(targets)),
        "sham": draw(st.booleans()) if sham is None else sham,
        "timing": draw(st.sampled_from(["before_training", "during_training"])),
    }
    if method.startswith("tdcs"):
        stimulation["current_ma"] = draw(st.floats(0.5, 4.0))
        stimulation["minutes"] = draw(st.floats(5.0, 40.0))
    elif method in ("itbs", "ctbs"):
        stimulation["pulses"] = draw(st.integers(300, 1800))
    else:
        stimulation["pulses"] = draw(st.integers(100, 3000))
    training = {
        "kind": "task_training",
        **schedule,
        "trials_per_session": draw(trials),
        "minutes_per_session": draw(st.floats(5.0, 240.0)),
    }
    return {"name": "stimulation", "components": [training, stimulation]}
