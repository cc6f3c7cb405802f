"""Brain stimulation and vagus nerve stimulation: from a dose to model inputs.

Non-invasive brain stimulation (rTMS, theta burst, tDCS) shifts cortical
excitability in its target; the shift peaks at the end of stimulation and decays
over tens of minutes (the *after-effect*). Training that follows (or runs
during) stimulation sees the after-effect averaged over the session, which is
what :func:`session_excitability_shift` returns. The shift also gates plasticity
of the concurrent training (:func:`stimulation_plasticity_gain`).

Vagus nerve stimulation (VNS) paired with movement raises plasticity of the
paired trials, with an inverted U over current (:func:`vns_plasticity_gain`).

All numbers come from :mod:`strokesim.therapy.parameters`. Between-person
response variability (``stimulation.response_sd``) and the need for surviving
tissue are applied per patient by the model, not here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from strokesim.therapy.modulators import STIMULATION_METHODS, STIMULATION_TARGETS, BrainStimulation
from strokesim.therapy.parameters import therapy_parameter

__all__ = [
    "after_effect",
    "mean_session_effect",
    "session_excitability_shift",
    "stimulation_minutes",
    "stimulation_plasticity_gain",
    "vns_plasticity_gain",
]

# Resolution of the session average; the after-effects vary over minutes.
_INTEGRATION_STEP_MINUTES = 0.25


def _time_course_key(method: str) -> str:
    if method not in STIMULATION_METHODS:
        raise ValueError(f"unknown stimulation method {method!r}; known: {STIMULATION_METHODS}")
    return "tdcs_anodal" if method == "tdcs_dual" else method  # dual: the anode's time course


def after_effect(
    method: str, minutes_after_end: npt.ArrayLike, *, duration_scale: float = 1.0
) -> npt.NDArray[np.float64]:
    """Excitability after-effect as a fraction of its peak, by time after stimulation.

    ``f(t) = 1 / (1 + (t / t_half) ** n)`` with ``t_half`` and ``n`` from
    ``<method>.after_effect_half_time`` and ``<method>.after_effect_steepness``.
    Reference time courses: cTBS (600 pulses) suppresses for ~60 min and iTBS
    facilitates for ~20 min (Huang et al. 2005 Neuron 45:201); 13 min of anodal
    tDCS outlasts stimulation by ~90 min (Nitsche & Paulus 2001 Neurology
    57:1899); 1 Hz rTMS by ~15–30 min (Chen et al. 1997 Neurology 48:1398).

    Parameters
    ----------
    method
        One of ``STIMULATION_METHODS``; ``tdcs_dual`` follows the anodal time course.
    minutes_after_end
        Time since the end of stimulation (min); negative times count as 0.
    duration_scale
        Stretch of the time course for doses other than the reference
        (e.g. 300-pulse cTBS: 0.5).

    Returns
    -------
    numpy.ndarray
        Fraction of peak effect (1 at the end of stimulation, decreasing to 0), same
        shape as ``minutes_after_end``.

    Examples
    --------
    >>> float(after_effect("ctbs", 0.0))
    1.0
    >>> bool(after_effect("ctbs", 90.0) < 0.1)
    True
    """
    key = _time_course_key(method)
    half_time = therapy_parameter(f"{key}.after_effect_half_time") * duration_scale
    steepness = therapy_parameter(f"{key}.after_effect_steepness")
    minutes = np.maximum(np.asarray(minutes_after_end, dtype=np.float64), 0.0)
    return 1.0 / (1.0 + (minutes / half_time) ** steepness)


def mean_session_effect(
    method: str,
    session_minutes: float,
    *,
    timing: str = "before_training",
    stimulation_minutes: float = 0.0,
    duration_scale: float = 1.0,
) -> float:
    """Mean fraction of peak effect over a training session.

    Parameters
    ----------
    method
        One of ``STIMULATION_METHODS``.
    session_minutes
        Length of the training session (min).
    timing
        ``before_training``: the session starts when stimulation ends.
        ``during_training``: stimulation starts with the session; the effect builds
        up linearly to its peak while stimulation lasts (assumption), then decays.
    stimulation_minutes
        Duration of stimulation (min); used for ``during_training``.
    duration_scale
        Passed to :func:`after_effect`.

    Returns
    -------
    float
        Session-averaged fraction of the peak effect, in 0–1.
    """
    steps = max(1, math.ceil(session_minutes / _INTEGRATION_STEP_MINUTES))
    minutes = (np.arange(steps) + 0.5) * (session_minutes / steps)  # midpoint rule
    if timing == "before_training":
        course = after_effect(method, minutes, duration_scale=duration_scale)
    elif timing == "during_training":
        ramp = minutes / max(stimulation_minutes, _INTEGRATION_STEP_MINUTES)
        after = after_effect(method, minutes - stimulation_minutes, duration_scale=duration_scale)
        course = np.where(minutes < stimulation_minutes, ramp, after)
    else:
        raise ValueError(f"unknown timing {timing!r}")
    return float(course.mean())


def stimulation_minutes(component: BrainStimulation) -> float:
    """Duration of one stimulation session (min) from its dose.

    rTMS: pulses / frequency; theta burst: pulses / mean pulse rate
    (``itbs.pulses_per_second``, ``ctbs.pulses_per_second``); tDCS: ``minutes``.
    """
    method = component.method
    if method.startswith("tdcs"):
        return float(component.minutes)  # type: ignore[arg-type]
    pulses = float(component.pulses)  # type: ignore[arg-type]
    if method in ("itbs", "ctbs"):
        return pulses / therapy_parameter(f"{method}.pulses_per_second") / 60.0
    return pulses / float(component.frequency_hz) / 60.0  # type: ignore[arg-type]


@dataclass(frozen=True)
class _Effect:
    target: str
    method: str  # whose time course applies
    peak: float  # excitability shift at the end of stimulation (fraction)
    duration_scale: float


def _duration_scale(dose: float, reference: float) -> float:
    low = therapy_parameter("stimulation.duration_scale_min")
    high = therapy_parameter("stimulation.duration_scale_max")
    return float(np.clip(dose / reference, low, high))


def _tdcs_effect(target: str, polarity: str, current_ma: float, minutes: float) -> _Effect:
    saturation = therapy_parameter("tdcs.current_saturation")
    reference = therapy_parameter("tdcs.reference_current")
    current_factor = (1.0 - math.exp(-current_ma / saturation)) / (
        1.0 - math.exp(-reference / saturation)
    )
    peak = therapy_parameter(f"{polarity}.peak_excitability_shift") * current_factor
    scale = _duration_scale(minutes, therapy_parameter(f"{polarity}.reference_minutes"))
    return _Effect(target, polarity, peak, scale)


def _effects(component: BrainStimulation) -> list[_Effect]:
    method, target = component.method, component.target
    if method.startswith("tdcs"):
        current, minutes = float(component.current_ma), float(component.minutes)  # type: ignore[arg-type]
        if method != "tdcs_dual":
            return [_tdcs_effect(target, method, current, minutes)]
        other = "contralesional_m1" if target == "ipsilesional_m1" else "ipsilesional_m1"
        return [
            _tdcs_effect(target, "tdcs_anodal", current, minutes),
            _tdcs_effect(other, "tdcs_cathodal", current, minutes),
        ]
    intensity = component.intensity_pct_amt if method in ("itbs", "ctbs") else None
    intensity = intensity if intensity is not None else component.intensity_pct_rmt
    peak = therapy_parameter(f"{method}.peak_excitability_shift") * (
        float(intensity) / therapy_parameter(f"{method}.reference_intensity")  # type: ignore[arg-type]
    )
    scale = _duration_scale(
        float(component.pulses),  # type: ignore[arg-type]
        therapy_parameter(f"{method}.reference_pulses"),
    )
    return [_Effect(target, method, peak, scale)]


def session_excitability_shift(
    component: BrainStimulation, session_minutes: float
) -> npt.NDArray[np.float64]:
    """Mean excitability shift per target over one training session.

    Parameters
    ----------
    component
        The stimulation (method, target, dose, timing, sham).
    session_minutes
        Minutes of training on that day.

    Returns
    -------
    numpy.ndarray, shape (3,)
        Fractional change of excitability for ``STIMULATION_TARGETS``
        (ipsilesional_m1, contralesional_m1, ipsilesional_premotor), averaged
        over the session; all zero for sham.

    Examples
    --------
    >>> from strokesim.therapy import BrainStimulation
    >>> rtms = BrainStimulation(
    ...     start_day=14, duration_days=14, method="rtms_1hz", target="contralesional_m1"
    ... )
    >>> shift = session_excitability_shift(rtms, 60.0)
    >>> bool(-0.25 < shift[1] < 0.0 and shift[0] == 0.0)
    True
    """
    shift = np.zeros(len(STIMULATION_TARGETS))
    if component.sham:
        return shift
    duration = stimulation_minutes(component)
    for effect in _effects(component):
        mean = mean_session_effect(
            effect.method,
            session_minutes,
            timing=component.timing,
            stimulation_minutes=duration,
            duration_scale=effect.duration_scale,
        )
        shift[STIMULATION_TARGETS.index(effect.target)] += effect.peak * mean
    return shift


def stimulation_plasticity_gain(excitability_shift: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Gain on plasticity of concurrent training from a session-mean excitability shift.

    ``gain = clip(1 + coupling * shift, gain_min, gain_max)`` with
    ``stimulation.plasticity_coupling``, ``stimulation.plasticity_gain_min`` and
    ``stimulation.plasticity_gain_max``: excitatory priming gates learning up,
    inhibitory stimulation slows learning in its target (Ziemann & Siebner 2008
    Brain Stimul 1:60).

    Parameters
    ----------
    excitability_shift
        Fractional excitability change(s).

    Returns
    -------
    numpy.ndarray
        Gain(s), same shape; 1 where the shift is 0.
    """
    coupling = therapy_parameter("stimulation.plasticity_coupling")
    gain = 1.0 + coupling * np.asarray(excitability_shift, dtype=np.float64)
    return np.clip(
        gain,
        therapy_parameter("stimulation.plasticity_gain_min"),
        therapy_parameter("stimulation.plasticity_gain_max"),
    )


def vns_plasticity_gain(current_ma: float) -> float:
    """Gain on plasticity of VNS-paired trials: an inverted U over current.

    ``gain = 1 + (peak - 1) * exp(-ln(I / I_opt)**2 / (2 w**2))`` with
    ``vns.peak_plasticity_gain``, ``vns.optimal_current`` (0.8 mA) and
    ``vns.current_log_width``; ``gain(0) = 1``. In rats 0.8 mA drove motor-map
    plasticity while 0.4 and 1.6 mA did not (Borland et al. 2016 Brain Stimul
    9:117); VNS-REHAB used 0.8 mA (Dawson et al. 2021 Lancet 397:1545).

    Parameters
    ----------
    current_ma
        Stimulation current (mA), ≥ 0.

    Returns
    -------
    float
        Gain ≥ 1.

    Examples
    --------
    >>> vns_plasticity_gain(0.8) > vns_plasticity_gain(1.6) > vns_plasticity_gain(0.0)
    True
    """
    if current_ma <= 0.0:
        return 1.0
    peak = therapy_parameter("vns.peak_plasticity_gain")
    optimum = therapy_parameter("vns.optimal_current")
    width = therapy_parameter("vns.current_log_width")
    return 1.0 + (peak - 1.0) * math.exp(-(math.log(current_ma / optimum) ** 2) / (2 * width**2))
