"""Components that modulate learning rather than supply trials: brain stimulation, VNS, drugs.

Stimulation components must fall on days with training (checked by the
protocol); drugs act on the plasticity gain P(t) on their dosing days.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import StrictBool, model_validator

from strokesim.errors import UserInputError
from strokesim.therapy._fields import Between, format_range
from strokesim.therapy.components import Trials, _Component

__all__ = [
    "STIMULATION_METHODS",
    "STIMULATION_TARGETS",
    "BrainStimulation",
    "Drug",
    "VagusNerveStimulation",
]

StimulationMethod = Literal[
    "rtms_1hz", "rtms_high_freq", "itbs", "ctbs", "tdcs_anodal", "tdcs_cathodal", "tdcs_dual"
]
StimulationTarget = Literal["ipsilesional_m1", "contralesional_m1", "ipsilesional_premotor"]

#: Stimulation methods, in a fixed order.
STIMULATION_METHODS: tuple[str, ...] = StimulationMethod.__args__  # type: ignore[attr-defined]
#: Stimulation targets; the order of the last axis of the stimulation inputs.
STIMULATION_TARGETS: tuple[str, ...] = StimulationTarget.__args__  # type: ignore[attr-defined]

# Dose fields of each stimulation method, their method-specific ranges and defaults.
# Defaults follow the protocols cited: Takeuchi et al. 2005 Stroke 36:2681 (1 Hz,
# 90% RMT, 25 min = 1500 pulses); Hsu et al. 2012 Stroke 43:1849 (high-frequency
# 10 Hz, ~1000 pulses); Huang et al. 2005 Neuron 45:201 (TBS 600 pulses at 80% AMT);
# Hummel et al. 2005 Brain 128:490 (anodal 1 mA, 20 min); Lindenberg et al. 2010
# Neurology 75:2176 (dual 1.5 mA, 30 min).
_DOSE_FIELDS: dict[str, dict[str, tuple[float, float, float, str]]] = {
    "rtms_1hz": {
        "intensity_pct_rmt": (90.0, 80.0, 120.0, "% RMT"),
        "frequency_hz": (1.0, 0.2, 1.0, "Hz"),
        "pulses": (1500, 100, 3000, "pulses"),
    },
    "rtms_high_freq": {
        "intensity_pct_rmt": (90.0, 80.0, 120.0, "% RMT"),
        "frequency_hz": (10.0, 5.0, 25.0, "Hz"),
        "pulses": (1000, 100, 3000, "pulses"),
    },
    "itbs": {
        "intensity_pct_amt": (80.0, 70.0, 100.0, "% AMT"),
        "pulses": (600, 300, 1800, "pulses"),
    },
    "ctbs": {
        "intensity_pct_amt": (80.0, 70.0, 100.0, "% AMT"),
        "pulses": (600, 300, 1800, "pulses"),
    },
    "tdcs_anodal": {"current_ma": (1.0, 0.5, 4.0, "mA"), "minutes": (20.0, 5.0, 40.0, "min")},
    "tdcs_cathodal": {"current_ma": (1.0, 0.5, 4.0, "mA"), "minutes": (20.0, 5.0, 40.0, "min")},
    "tdcs_dual": {"current_ma": (1.5, 0.5, 4.0, "mA"), "minutes": (30.0, 5.0, 40.0, "min")},
}
_ALL_DOSE_FIELDS = ("intensity_pct_rmt", "intensity_pct_amt", "frequency_hz", "pulses")
_ALL_DOSE_FIELDS += ("current_ma", "minutes")


class BrainStimulation(_Component):
    """Non-invasive brain stimulation (rTMS, theta burst, tDCS) paired with training.

    It must fall on days with a training session; its excitability after-effect
    is averaged over that day's training (see :mod:`strokesim.therapy.stimulation`).

    Attributes
    ----------
    method
        ``rtms_1hz`` (inhibitory), ``rtms_high_freq`` (≥5 Hz, excitatory), ``itbs``
        (excitatory), ``ctbs`` (inhibitory), ``tdcs_anodal``, ``tdcs_cathodal``, or
        ``tdcs_dual`` (anode over ``target``, cathode over the other M1).
    target
        ``ipsilesional_m1``, ``contralesional_m1`` or ``ipsilesional_premotor``.
    sham
        Sham stimulation: same schedule, no physiological effect.
    timing
        ``before_training`` (priming: training starts when stimulation ends) or
        ``during_training``.
    intensity_pct_rmt, frequency_hz, pulses
        rTMS dose: 80–120% resting motor threshold; 0.2–1 Hz (``rtms_1hz``) or
        5–25 Hz (``rtms_high_freq``); 100–3000 pulses.
    intensity_pct_amt, pulses
        Theta-burst dose: 70–100% active motor threshold; 300–1800 pulses.
    current_ma, minutes
        tDCS dose: 0.5–4 mA for 5–40 min.
    """

    kind: Literal["brain_stimulation"] = "brain_stimulation"
    method: StimulationMethod
    target: StimulationTarget
    sham: StrictBool = False
    timing: Literal["before_training", "during_training"] = "before_training"
    intensity_pct_rmt: Annotated[float, Between(80.0, 120.0, "% RMT")] | None = None
    intensity_pct_amt: Annotated[float, Between(70.0, 100.0, "% AMT")] | None = None
    frequency_hz: Annotated[float, Between(0.2, 25.0, "Hz")] | None = None
    pulses: Annotated[int, Between(100, 3000, "pulses")] | None = None
    current_ma: Annotated[float, Between(0.5, 4.0, "mA")] | None = None
    minutes: Annotated[float, Between(5.0, 40.0, "min")] | None = None

    @model_validator(mode="before")
    @classmethod
    def _fill_method_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict) or data.get("method") not in _DOSE_FIELDS:
            return data
        method = data["method"]
        fields = _DOSE_FIELDS[method]
        for name in _ALL_DOSE_FIELDS:
            if name not in fields and data.get(name) is not None:
                raise UserInputError(
                    name, f"does not apply to method {method!r}; its fields: {', '.join(fields)}"
                )
        given = {name: value for name, value in data.items() if value is not None}
        return {**{name: spec[0] for name, spec in fields.items()}, **given}

    @model_validator(mode="after")
    def _check_method_ranges(self) -> BrainStimulation:
        for name, (_, low, high, unit) in _DOSE_FIELDS[self.method].items():
            value = getattr(self, name)
            if not low <= value <= high:
                raise UserInputError(
                    name,
                    f"must be {format_range(low, high, unit)} for method {self.method!r}, "
                    f"got {value:g}",
                )
        if self.method == "tdcs_dual" and self.target == "ipsilesional_premotor":
            raise UserInputError(
                "target",
                "tdcs_dual places the anode over one M1 and the cathode over the other; "
                "target must be 'ipsilesional_m1' or 'contralesional_m1'",
            )
        return self


class VagusNerveStimulation(_Component):
    """Vagus nerve stimulation (VNS) paired with movement trials of the same day's training.

    VNS-REHAB (Dawson et al. 2021 Lancet 397:1545): 0.8 mA, 100-µs pulses at 30 Hz
    for 0.5 s with each movement; 3 in-clinic sessions/week for 6 weeks with ≥300
    paired movements per session (Kimberley et al. 2018 Stroke 49:2789). Rat work
    shows an inverted U over current (Borland et al. 2016 Brain Stimul 9:117).

    Attributes
    ----------
    current_ma
        Stimulation current (0–3.5 mA, default 0.8).
    paired_trials_per_session
        Trials paired with a VNS burst (1–1000, default 300); at most the day's
        therapy trials.
    sham
        Sham (0 mA) stimulation.
    """

    kind: Literal["vns"] = "vns"
    current_ma: Annotated[float, Between(0.0, 3.5, "mA")] = 0.8
    paired_trials_per_session: Trials = 300
    sham: StrictBool = False


# Dose ranges (mg/day) and defaults: fluoxetine-equivalent SSRI 20 mg in FLAME
# (Chollet et al. 2011 Lancet Neurol 10:123), licensed range 10–80 mg; levodopa
# 100 mg in Scheidtmann et al. 2001 Lancet 358:787, trials used 50–600 mg.
_DRUG_DOSES: dict[str, tuple[float, float, float]] = {
    "ssri": (20.0, 10.0, 80.0),
    "levodopa": (100.0, 50.0, 600.0),
    "placebo": (0.0, 0.0, 0.0),  # any dose ≥ 0 is accepted and has no effect
}


class Drug(_Component):
    """A drug that modulates plasticity, given on dosing days within its window.

    Attributes
    ----------
    agent
        ``ssri`` (fluoxetine-equivalent; FLAME, Chollet et al. 2011 Lancet Neurol
        10:123: 20 mg/day from days 5–10 for 90 days), ``levodopa`` (Scheidtmann et
        al. 2001 Lancet 358:787: 100 mg/day for 3 weeks) or ``placebo``.
    dose_mg
        Daily dose in mg (ssri 10–80, levodopa 50–600; default 20 and 100).
    sessions_per_week
        Dosing days per week (default 7: daily).
    """

    kind: Literal["drug"] = "drug"
    agent: Literal["ssri", "levodopa", "placebo"]
    dose_mg: Annotated[float, Between(0.0, None, "mg/day")] = 0.0  # filled per agent
    sessions_per_week: Annotated[int, Between(1, 7, "doses/week")] = 7

    @model_validator(mode="before")
    @classmethod
    def _fill_default_dose(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("agent") in _DRUG_DOSES and "dose_mg" not in data:
            return {**data, "dose_mg": _DRUG_DOSES[data["agent"]][0]}
        return data

    @model_validator(mode="after")
    def _check_dose(self) -> Drug:
        _, low, high = _DRUG_DOSES[self.agent]
        dose = self.dose_mg
        if self.agent != "placebo" and not low <= dose <= high:
            raise UserInputError(
                "dose_mg",
                f"must be {format_range(low, high, 'mg/day')} for agent {self.agent!r}, "
                f"got {dose:g}",
            )
        return self
