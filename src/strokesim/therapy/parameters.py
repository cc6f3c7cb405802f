"""Numbers that turn a therapy protocol into model inputs, each with unit, range and source.

The schedule compiler (:mod:`strokesim.therapy.schedule`) and the stimulation and
drug modules read every effect size, time constant and gain from
:data:`THERAPY_PARAMETERS`; no literal numbers enter their equations.

Conventions
-----------
- *Excitability shift* is a fractional change of corticospinal excitability as
  measured by MEP amplitude (``-0.25`` = MEPs 25% smaller than baseline).
- After-effects decay as ``1 / (1 + (t / t_half) ** steepness)`` with ``t`` in
  minutes after the end of stimulation (see :func:`strokesim.therapy.stimulation.after_effect`).
- Gains multiply a plasticity rate; ``1`` means no effect.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from types import MappingProxyType

from strokesim.model.parameters import Parameter

__all__ = ["THERAPY_PARAMETERS", "TherapyParameter", "therapy_parameter", "therapy_parameter_rows"]


#: Therapy parameters share the model registry's record type (value, unit, plausible
#: range, source, description); names are dotted ``"<method or agent>.<quantity>"``.
TherapyParameter = Parameter


_HILL = (
    "set by hand (shape assumption): Hill-type decay whose exponent makes the after-effect fall "
    "below 10% "
    "of peak at about twice the half time, matching the reported durations"
)

# A table, kept compact: name, value, unit, low, high / source / description.
# fmt: off
_ENTRIES: tuple[TherapyParameter, ...] = (
    # --- rtms_1hz ------------------------------------------------------------------------------
    TherapyParameter(
        "rtms_1hz.peak_excitability_shift", -0.25, "fraction", -0.4, -0.1,
        "Chen et al. 1997 Neurology 48:1398 (0.9 Hz, 15 min: MEP −20%); Fitzgerald, Fountain & "
        "Daskalakis 2006 Clin Neurophysiol 117:2584 (review: 1 Hz lowers MEPs ~20–30%); Takeuchi "
        "et al. 2005 Stroke 36:2681 (contralesional 1 Hz, 90% RMT)",
        "MEP change right after 1 Hz rTMS at the reference dose.",
    ),
    TherapyParameter(
        "rtms_1hz.after_effect_half_time", 15.0, "min", 8.0, 30.0,
        "Chen et al. 1997 Neurology 48:1398 (suppression lasted ≥15 min); Maeda et al. 2000 Clin "
        "Neurophysiol 111:800 (after-effects 15–30 min, longer with more pulses)",
        "Minutes after the end of stimulation at which the effect is half its peak.",
    ),
    TherapyParameter(
        "rtms_1hz.after_effect_steepness", 3.0, "1", 2.0, 5.0,
        _HILL,
        "Hill exponent of the after-effect decay.",
    ),
    TherapyParameter(
        "rtms_1hz.reference_pulses", 900.0, "pulses", 600.0, 1500.0,
        "Chen et al. 1997 Neurology 48:1398 (810 pulses at 0.9 Hz)",
        "Pulse count at which the half time above was measured.",
    ),
    TherapyParameter(
        "rtms_1hz.reference_intensity", 90.0, "%RMT", 80.0, 120.0,
        "Takeuchi et al. 2005 Stroke 36:2681 (90% RMT)",
        "Intensity at which the peak shift applies; the peak scales in proportion.",
    ),
    # --- rtms_high_freq ------------------------------------------------------------------------
    TherapyParameter(
        "rtms_high_freq.peak_excitability_shift", 0.25, "fraction", 0.1, 0.5,
        "Pascual-Leone et al. 1994 Brain 117:847; Maeda et al. 2000 Clin Neurophysiol 111:800 "
        "(10–20 Hz raise MEPs); Fitzgerald et al. 2006 Clin Neurophysiol 117:2584",
        "MEP change right after ≥5 Hz rTMS at the reference dose.",
    ),
    TherapyParameter(
        "rtms_high_freq.after_effect_half_time", 15.0, "min", 8.0, 30.0,
        "Maeda et al. 2000 Clin Neurophysiol 111:800; Fitzgerald et al. 2006 (facilitation "
        "outlasts 20 Hz trains by ~15–30 min)",
        "Minutes after the end of stimulation at which the effect is half its peak.",
    ),
    TherapyParameter(
        "rtms_high_freq.after_effect_steepness", 3.0, "1", 2.0, 5.0,
        _HILL,
        "Hill exponent of the after-effect decay.",
    ),
    TherapyParameter(
        "rtms_high_freq.reference_pulses", 1000.0, "pulses", 500.0, 2000.0,
        "Hsu et al. 2012 Stroke 43:1849 (meta-analysis; stroke protocols used ~160–2000 pulses)",
        "Pulse count at which the half time above applies.",
    ),
    TherapyParameter(
        "rtms_high_freq.reference_intensity", 90.0, "%RMT", 80.0, 120.0,
        "Hsu et al. 2012 Stroke 43:1849 (80–120% RMT in stroke trials)",
        "Intensity at which the peak shift applies; the peak scales in proportion.",
    ),
    # --- itbs ----------------------------------------------------------------------------------
    TherapyParameter(
        "itbs.peak_excitability_shift", 0.3, "fraction", 0.15, 0.5,
        "Huang et al. 2005 Neuron 45:201 (iTBS 600 pulses facilitates MEPs for ~20 min); "
        "Wischnewski & Schutter 2015 Brain Stimul 8:685 (meta-analysis: +20–35% up to 30 min)",
        "MEP change right after iTBS at the reference dose.",
    ),
    TherapyParameter(
        "itbs.after_effect_half_time", 16.0, "min", 10.0, 25.0,
        "Huang et al. 2005 Neuron 45:201 (back to baseline by ~20–30 min)",
        "Minutes after the end of stimulation at which the effect is half its peak.",
    ),
    TherapyParameter(
        "itbs.after_effect_steepness", 4.0, "1", 2.0, 6.0,
        _HILL,
        "Hill exponent of the after-effect decay.",
    ),
    TherapyParameter(
        "itbs.reference_pulses", 600.0, "pulses", 600.0, 600.0,
        "Huang et al. 2005 Neuron 45:201 (600 pulses in 190 s)",
        "Pulse count at which the half time above was measured.",
    ),
    TherapyParameter(
        "itbs.reference_intensity", 80.0, "%AMT", 70.0, 90.0,
        "Huang et al. 2005 Neuron 45:201 (80% active motor threshold)",
        "Intensity at which the peak shift applies; the peak scales in proportion.",
    ),
    TherapyParameter(
        "itbs.pulses_per_second", 600 / 190, "pulses/s", 600 / 190, 600 / 190,
        "Huang et al. 2005 Neuron 45:201 (2-s trains every 10 s: 600 pulses in 190 s)",
        "Mean delivery rate, used to convert pulses into stimulation minutes.",
    ),
    # --- ctbs ----------------------------------------------------------------------------------
    TherapyParameter(
        "ctbs.peak_excitability_shift", -0.3, "fraction", -0.5, -0.15,
        "Huang et al. 2005 Neuron 45:201 (cTBS 600 pulses suppresses MEPs ~60 min); Wischnewski &"
        " Schutter 2015 Brain Stimul 8:685 (meta-analysis: −20–30% up to 50 min)",
        "MEP change right after cTBS at the reference dose.",
    ),
    TherapyParameter(
        "ctbs.after_effect_half_time", 33.0, "min", 20.0, 45.0,
        "Huang et al. 2005 Neuron 45:201 (600 pulses: suppression ~60 min; 300 pulses: ~20 min)",
        "Minutes after the end of stimulation at which the effect is half its peak.",
    ),
    TherapyParameter(
        "ctbs.after_effect_steepness", 4.0, "1", 2.0, 6.0,
        _HILL,
        "Hill exponent of the after-effect decay.",
    ),
    TherapyParameter(
        "ctbs.reference_pulses", 600.0, "pulses", 600.0, 600.0,
        "Huang et al. 2005 Neuron 45:201 (600 pulses in 40 s)",
        "Pulse count at which the half time above was measured.",
    ),
    TherapyParameter(
        "ctbs.reference_intensity", 80.0, "%AMT", 70.0, 90.0,
        "Huang et al. 2005 Neuron 45:201 (80% active motor threshold)",
        "Intensity at which the peak shift applies; the peak scales in proportion.",
    ),
    TherapyParameter(
        "ctbs.pulses_per_second", 15.0, "pulses/s", 15.0, 15.0,
        "Huang et al. 2005 Neuron 45:201 (bursts of 3 pulses at 50 Hz every 200 ms)",
        "Delivery rate, used to convert pulses into stimulation minutes.",
    ),
    # --- tdcs_anodal ---------------------------------------------------------------------------
    TherapyParameter(
        "tdcs_anodal.peak_excitability_shift", 0.4, "fraction", 0.1, 0.6,
        "Nitsche & Paulus 2001 Neurology 57:1899 (1 mA for 13 min: MEPs +~40%)",
        "MEP change under the anode right after stimulation at the reference dose.",
    ),
    TherapyParameter(
        "tdcs_anodal.after_effect_half_time", 50.0, "min", 30.0, 70.0,
        "Nitsche & Paulus 2001 Neurology 57:1899 (13 min of 1 mA: after-effects ~90 min)",
        "Minutes after the end of stimulation at which the effect is half its peak.",
    ),
    TherapyParameter(
        "tdcs_anodal.after_effect_steepness", 4.0, "1", 2.0, 6.0,
        _HILL,
        "Hill exponent of the after-effect decay.",
    ),
    TherapyParameter(
        "tdcs_anodal.reference_minutes", 13.0, "min", 13.0, 13.0,
        "Nitsche & Paulus 2001 Neurology 57:1899",
        "Stimulation duration at which the half time above was measured.",
    ),
    # --- tdcs_cathodal -------------------------------------------------------------------------
    TherapyParameter(
        "tdcs_cathodal.peak_excitability_shift", -0.3, "fraction", -0.45, -0.15,
        "Nitsche et al. 2003 Clin Neurophysiol 114:600 (1 mA for 9 min: MEPs −~30% for ~60 min)",
        "MEP change under the cathode right after stimulation at the reference dose.",
    ),
    TherapyParameter(
        "tdcs_cathodal.after_effect_half_time", 30.0, "min", 20.0, 45.0,
        "Nitsche et al. 2003 Clin Neurophysiol 114:600 (after-effects ~60 min after 9 min)",
        "Minutes after the end of stimulation at which the effect is half its peak.",
    ),
    TherapyParameter(
        "tdcs_cathodal.after_effect_steepness", 4.0, "1", 2.0, 6.0,
        _HILL,
        "Hill exponent of the after-effect decay.",
    ),
    TherapyParameter(
        "tdcs_cathodal.reference_minutes", 9.0, "min", 9.0, 9.0,
        "Nitsche et al. 2003 Clin Neurophysiol 114:600",
        "Stimulation duration at which the half time above was measured.",
    ),
    # --- tdcs ----------------------------------------------------------------------------------
    TherapyParameter(
        "tdcs.reference_current", 1.0, "mA", 1.0, 1.0,
        "Nitsche & Paulus 2001 Neurology 57:1899; Nitsche et al. 2003 (both at 1 mA)",
        "Current at which the tDCS peak shifts apply.",
    ),
    TherapyParameter(
        "tdcs.current_saturation", 1.0, "mA", 0.5, 2.0,
        "Jamil et al. 2017 J Physiol 595:1273 (0.5–2 mA: effects not proportional to current); "
        "Batsikadze et al. 2013 J Physiol 591:1987",
        "Current scale of the saturating dose–response 1 − exp(−I / I_sat).",
    ),
    # --- stimulation ---------------------------------------------------------------------------
    TherapyParameter(
        "stimulation.duration_scale_min", 0.25, "1", 0.1, 0.5,
        "Nitsche & Paulus 2001 Neurology 57:1899 (short stimulation: after-effects of minutes)",
        "Lower limit of the dose-dependent stretch of the after-effect time course.",
    ),
    TherapyParameter(
        "stimulation.duration_scale_max", 2.0, "1", 1.5, 3.0,
        "Gamboa et al. 2010 Exp Brain Res 204:181 (longer TBS does not lengthen, can reverse); "
        "Monte-Silva et al. 2013 Brain Stimul 6:424 (same for tDCS beyond ~26 min)",
        "Upper limit of the dose-dependent stretch of the after-effect time course.",
    ),
    TherapyParameter(
        "stimulation.plasticity_coupling", 1.0, "1", 0.3, 2.0,
        "Ziemann & Siebner 2008 Brain Stimul 1:60 (gating of motor learning by prior "
        "stimulation); Reis et al. 2009 PNAS 106:1590 (anodal tDCS during practice raises skill "
        "gains)",
        "Plasticity gain per unit excitability shift: gain = 1 + coupling × shift.",
    ),
    TherapyParameter(
        "stimulation.plasticity_gain_min", 0.5, "1", 0.3, 0.8,
        "set by hand (assumption): inhibitory stimulation slows but does not abolish learning in "
        "the target "
        "(Ziemann & Siebner 2008 Brain Stimul 1:60)",
        "Lowest stimulation gain on plasticity.",
    ),
    TherapyParameter(
        "stimulation.plasticity_gain_max", 1.6, "1", 1.3, 2.0,
        "set by hand (assumption): priming effects on learning are modest (Hsu et al. 2012 Stroke "
        "43:1849, "
        "pooled effect size ~0.55)",
        "Highest stimulation gain on plasticity.",
    ),
    TherapyParameter(
        "stimulation.response_sd", 0.6, "1", 0.3, 1.0,
        "Hamada et al. 2013 Cereb Cortex 23:1593 (TBS: most people do not respond as expected); "
        "López-Alonso et al. 2014 Brain Stimul 7:372 (~50% tDCS non-responders)",
        "Between-person SD of a multiplier on the group-mean stimulation response; applied per "
        "patient by the model, not by the schedule.",
    ),
    # --- vns -----------------------------------------------------------------------------------
    TherapyParameter(
        "vns.peak_plasticity_gain", 2.0, "1", 1.3, 3.0,
        "Rats, ischaemic motor-cortex lesions, rehabilitative training with or without paired "
        "VNS: Khodaparast et al. 2013 Neurobiol Dis 60:80 (paired VNS improved twice as much); "
        "Khodaparast et al. 2016 Neurorehabil Neural Repair 30:676 (chronic: 86% vs 47% "
        "recovery of strength, ×1.8); Meyers et al. 2018 Stroke 49:710 (more than doubled the "
        "benefit of training); the range 1.3–3.0 holds these ratios",
        "Gain on plasticity of paired trials at the optimal current.",
    ),
    TherapyParameter(
        "vns.optimal_current", 0.8, "mA", 0.4, 1.2,
        "Borland et al. 2016 Brain Stimul 9:117 (0.8 mA, not 0.4 or 1.6 mA, drives map "
        "plasticity); Pruitt et al. 2021 Transl Stroke Res 12:65 (after an ischaemic lesion in "
        "rats, 0.8 mA paired VNS improved recovery, 0.4 and 1.6 mA did not)",
        "Current at the top of the inverted-U.",
    ),
    TherapyParameter(
        "vns.current_log_width", 0.4, "ln(mA/mA)", 0.25, 0.7,
        "Borland et al. 2016 Brain Stimul 9:117 (half or double the optimal current is "
        "ineffective: at ×2 the gain keeps ~22% of its peak)",
        "Width of the log-normal inverted-U of gain over current.",
    ),
    # --- ssri ----------------------------------------------------------------------------------
    TherapyParameter(
        "ssri.plasticity_gain", 1.3, "1", 1.0, 1.6,
        "Chollet et al. 2011 Lancet Neurol 10:123 (FLAME: FMA motor +34.0 vs +24.3 at day 90); "
        "FOCUS Trial Collaboration 2019 Lancet 393:265 (no effect on mRS) sets the lower bound",
        "Gain on the plasticity gain P(t) at the reference dose.",
    ),
    TherapyParameter(
        "ssri.reference_dose", 20.0, "mg/day", 20.0, 20.0,
        "Chollet et al. 2011 Lancet Neurol 10:123 (fluoxetine 20 mg/day)",
        "Fluoxetine-equivalent dose at which the gain above applies.",
    ),
    # --- levodopa ------------------------------------------------------------------------------
    TherapyParameter(
        "levodopa.plasticity_gain", 1.2, "1", 1.0, 1.5,
        "Scheidtmann et al. 2001 Lancet 358:787 (levodopa 100 mg/day with physiotherapy for 3 "
        "weeks improved motor recovery)",
        "Gain on the plasticity gain P(t) at the reference dose.",
    ),
    TherapyParameter(
        "levodopa.reference_dose", 100.0, "mg/day", 100.0, 100.0,
        "Scheidtmann et al. 2001 Lancet 358:787",
        "Dose at which the gain above applies.",
    ),
    # --- drug ----------------------------------------------------------------------------------
    TherapyParameter(
        "drug.half_maximal_dose_fraction", 1.0, "1", 0.5, 2.0,
        "set by hand (assumption): Emax dose–response with the half-maximal dose at the studied "
        "dose",
        "Half-maximal dose as a fraction of the reference dose.",
    ),
    # --- robot ---------------------------------------------------------------------------------
    TherapyParameter(
        "robot.assistance", 0.3, "fraction", 0.0, 0.7,
        "assumption, set by hand (no publication gives the fraction; unchanged since before any "
        "robot trial was a check); assist-as-needed control helps only when the patient stalls "
        "(Krebs et al. 1998 IEEE Trans Rehabil Eng 6:75, the MIT-Manus controller)",
        "Default fraction of the error signal a rehabilitation robot removes.",
    ),
    # --- virtual_reality -----------------------------------------------------------------------
    TherapyParameter(
        "virtual_reality.engagement_gain", 1.15, "1", 1.0, 1.5,
        "Laver et al. 2017 Cochrane CD008349 (VR vs dose-matched therapy: SMD 0.07; added to "
        "usual care: SMD 0.49); Saposnik et al. 2016 Lancet Neurol 15:1019 (EVREST: no gain over "
        "recreational activity)",
        "Default learning multiplier of virtual-reality trials (reward, engagement).",
    ),
)
# fmt: on


#: All therapy parameters by name (read-only).
THERAPY_PARAMETERS: Mapping[str, TherapyParameter] = MappingProxyType(
    {parameter.name: parameter for parameter in _ENTRIES}
)


def therapy_parameter(name: str) -> float:
    """Value of a therapy parameter.

    Parameters
    ----------
    name
        Dotted name, e.g. ``"ctbs.after_effect_half_time"``.

    Returns
    -------
    float
        The parameter's value in its unit.

    Raises
    ------
    KeyError
        If no parameter has that name (a developer error).

    Examples
    --------
    >>> therapy_parameter("vns.optimal_current")
    0.8
    """
    return THERAPY_PARAMETERS[name].value


def therapy_parameter_rows() -> list[dict[str, object]]:
    """All therapy parameters as table rows (for ``strokesim params`` and ``docs/model.md``).

    Returns
    -------
    list of dict
        One row per parameter with keys ``name, value, unit, low, high, source, description``.
    """
    rows = [asdict(parameter) for parameter in _ENTRIES]
    for row in rows:
        del row["calibrated_by"]  # therapy parameters come from the literature
    return rows
