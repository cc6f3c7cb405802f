"""Therapy protocols: a validated schema, a library of published protocols, and their
compilation into per-day model inputs (training trials, stimulation, VNS, drugs,
constraint of the non-paretic arm).

Examples
--------
>>> from strokesim.therapy import compile_protocol, named_protocol
>>> inputs = compile_protocol(named_protocol("cimt_2_weeks"), days=180)
>>> round(float(inputs.constraint[120]), 3)
0.9
"""

from __future__ import annotations

from strokesim.therapy._errors import first_validation_error
from strokesim.therapy.components import (
    BimanualTraining,
    ConstraintInducedTherapy,
    RobotTraining,
    TaskTraining,
    VirtualRealityTraining,
)
from strokesim.therapy.drugs import drug_plasticity_gain
from strokesim.therapy.library import (
    beyond_usual_care,
    describe_protocol,
    named_protocol,
    named_protocols,
    no_therapy,
    on_usual_care,
    usual_care,
)
from strokesim.therapy.modulators import (
    STIMULATION_METHODS,
    STIMULATION_TARGETS,
    BrainStimulation,
    Drug,
    VagusNerveStimulation,
)
from strokesim.therapy.parameters import (
    THERAPY_PARAMETERS,
    TherapyParameter,
    therapy_parameter,
    therapy_parameter_rows,
)
from strokesim.therapy.schedule import DailyInputs, compile_protocol
from strokesim.therapy.schema import (
    COMPONENT_KINDS,
    Component,
    Protocol,
    load_protocol,
    parse_protocol,
)
from strokesim.therapy.stimulation import (
    after_effect,
    session_excitability_shift,
    stimulation_plasticity_gain,
    vns_plasticity_gain,
)

__all__ = [
    "COMPONENT_KINDS",
    "STIMULATION_METHODS",
    "STIMULATION_TARGETS",
    "THERAPY_PARAMETERS",
    "BimanualTraining",
    "BrainStimulation",
    "Component",
    "ConstraintInducedTherapy",
    "DailyInputs",
    "Drug",
    "Protocol",
    "RobotTraining",
    "TaskTraining",
    "TherapyParameter",
    "VagusNerveStimulation",
    "VirtualRealityTraining",
    "after_effect",
    "beyond_usual_care",
    "compile_protocol",
    "describe_protocol",
    "drug_plasticity_gain",
    "first_validation_error",
    "load_protocol",
    "named_protocol",
    "named_protocols",
    "no_therapy",
    "on_usual_care",
    "parse_protocol",
    "session_excitability_shift",
    "stimulation_plasticity_gain",
    "therapy_parameter",
    "therapy_parameter_rows",
    "usual_care",
    "vns_plasticity_gain",
]
