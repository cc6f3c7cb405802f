"""The parameter registry: every number that enters the model's equations.

Each :class:`Parameter` carries its value, unit, plausible range and source. Values
fixed by the calibration script (``calibration/calibrate.py``) are stored in
``calibrated.json`` beside this module together with the validation target that
fixed them; they override the literature starting values listed here (entries whose
``"registry"`` is ``"population"`` go to the population registry instead,
:mod:`strokesim.cohort.population`).

The equations read parameters from the mapping returned by :func:`model_parameters`
(a ``dict[str, float]`` that JAX treats as a pytree), never from literals.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from types import MappingProxyType

__all__ = [
    "REGISTRY",
    "Parameter",
    "apply_calibrated",
    "calibrated_entries",
    "literature_parameters",
    "model_parameters",
    "registry_rows",
]


@dataclass(frozen=True)
class Parameter:
    """One model parameter.

    Attributes
    ----------
    name
        Identifier used in the equations.
    value
        Default value (literature value, or calibrated value when ``calibrated_by`` is set).
    unit
        Physical or model unit (``"day"``, ``"fraction"``, ``"1/trial"``, ...).
    low, high
        Plausible range; property tests sample inside it.
    source
        Paper, or the reasoning that fixes it.
    description
        What the parameter does, in one sentence.
    calibrated_by
        Validation target id(s) that fixed the value, or ``None`` for literature values.
    """

    name: str
    value: float
    unit: str
    low: float
    high: float
    source: str
    description: str = ""
    calibrated_by: str | None = None


_LITERATURE: tuple[Parameter, ...] = (
    # --- descending pathways -------------------------------------------------------
    Parameter(
        "uncrossed_share",
        0.10,
        "fraction",
        0.05,
        0.2,
        "Nathan, Smith & Deacon 1990 Brain 113:303 (8–15% of CST fibres uncrossed); "
        "DESIGN §3.2 'about a tenth'",
        "Strength of uncrossed corticospinal output relative to crossed output.",
    ),
    Parameter(
        "reticulospinal_share",
        0.03,
        "fraction",
        0.01,
        0.1,
        "Baker 2011 J Physiol 589:5603 (reticulospinal inputs to arm and hand motoneurons "
        "in primates; weaker than CST)",
        "Healthy cortico-reticulospinal contribution to muscle drive.",
    ),
    Parameter(
        "premotor_output_scale",
        0.3,
        "fraction",
        0.1,
        0.5,
        "Dum & Strick 1991 J Neurosci 11:667 (premotor areas give ~1/3 of CST, weaker "
        "monosynaptic output)",
        "Corticospinal output of premotor units relative to M1 units.",
    ),
    Parameter(
        "ipsilateral_recruitment",
        0.2,
        "fraction",
        0.05,
        0.4,
        "Ward et al. 2003 Brain 126:2476 (ipsilateral M1 activation during unimanual "
        "grip in controls, ~20% of contralateral)",
        "Drive of the ipsilateral hemisphere during a unimanual task, relative to contralateral.",
    ),
    Parameter(
        "effort_recruitment",
        0.8,
        "fraction",
        0.0,
        2.0,
        "Ward et al. 2003 Brain 126:2476 and 126:1430 (contralesional over-activation "
        "scales with impairment and effort)",
        "Extra ipsilateral (contralesional) recruitment per unit of expected failure.",
    ),
    Parameter(
        "max_command_gain",
        1.6,
        "× healthy command",
        1.0,
        4.0,
        "Effort reserve: everyday and test movements use a fraction of maximal voluntary "
        "drive (Riek 2000; McCrea 2005 task demands 20–50% MVC), so a reserve of 2–5× is "
        "plausible; calibrated against V1 (how much of their potential MEP+ patients "
        "regain), on the calibration cohorts (calibration/calibrate.py, stage A)",
        "Most a person can scale a task's motor command up to reach its target.",
    ),
    Parameter(
        "ihi_strength",
        0.8,
        "1",
        0.2,
        1.5,
        "Ferbert et al. 1992 J Physiol 453:525 (IHI: conditioned MEP 30–50% of test); "
        "Murase et al. 2004 Ann Neurol 55:400",
        "Transcallosal inhibition per unit of the other hemisphere's mean activity.",
    ),
    Parameter(
        "activity_ceiling",
        4.0,
        "a.u.",
        2.0,
        8.0,
        "Set by hand: a saturating firing-rate nonlinearity whose ceiling keeps the healthy "
        "activity range near-linear",
        "Soft ceiling of cortical unit activity.",
    ),
    Parameter(
        "motor_noise_sd",
        0.03,
        "activation",
        0.0,
        0.08,
        "Harris & Wolpert 1998 Nature 394:780 (signal-dependent motor noise, few %)",
        "Standard deviation of cortical noise added to each unit's drive on an attempt.",
    ),
    # --- lesion and spontaneous recovery --------------------------------------------
    Parameter(
        "stunned_share_mean",
        0.70,
        "fraction",
        0.4,
        0.9,
        "Penumbra/diaschisis share of affected M1 units; DESIGN §3.8; Prabhakaran 2008; "
        "calibrated against V1",
        "Mean share of lesion-affected ipsilesional units that are stunned rather than dead.",
    ),
    Parameter(
        "stunned_share_concentration",
        12.0,
        "1",
        3.0,
        40.0,
        "Spread of recovery ratios among fitters (Winters 2015: fitters 78% ± ~15%)",
        "Beta-distribution concentration of the stunned share across patients.",
    ),
    Parameter(
        "stun_recovery_days",
        14.0,
        "day",
        5.0,
        40.0,
        "Carrera & Tononi 2014 Brain 137:2408 (diaschisis resolves over weeks); "
        "Nakayama 1994 (mild plateau by ~6 weeks)",
        "Time constant of the return of stunned units.",
    ),
    Parameter(
        "diaschisis_depth",
        0.25,
        "fraction",
        0.0,
        0.5,
        "Acute depression of ipsilesional excitability; Traversa 1997; Carrera & Tononi 2014",
        "Maximal acute drop of ipsilesional excitability (scaled by lesion size).",
    ),
    Parameter(
        "trait_cv_diaschisis",
        0.8,
        "CV",
        0.0,
        1.5,
        "Acute dysfunction beyond the infarct varies between patients of the same lesion "
        "(oedema, penumbra, diaschisis: Carrera & Tononi 2014 Brain 137:2408); sized against "
        "the spread of severe patients' outcomes (Feng 2015 Ann Neurol 78:860: in UE-FM <= 10 "
        "at baseline the baseline score explains 11% of the 3-month variance; Nijland 2010 "
        "Stroke 41:745: 25% without early finger extension or shoulder abduction regain some "
        "dexterity); 0 is neutral (every patient at diaschisis_depth)",
        "Coefficient of variation of the individual depth of acute diaschisis.",
    ),
    Parameter(
        "diaschisis_max",
        0.9,
        "fraction",
        0.5,
        1.0,
        "Set by hand: acute diaschisis never silences the whole ipsilesional hemisphere",
        "Largest acute drop of ipsilesional excitability of one patient.",
    ),
    Parameter(
        "diaschisis_days",
        10.0,
        "day",
        3.0,
        30.0,
        "Carrera & Tononi 2014 Brain (days to weeks)",
        "Time constant of diaschisis resolution.",
    ),
    # --- plasticity ----------------------------------------------------------------
    Parameter(
        "plasticity_peak",
        3.0,
        "× chronic",
        1.0,
        10.0,
        "Biernaskie et al. 2004 J Neurosci 24:1245 (rehabilitation at day 5 >> day 30); "
        "Dromerick 2021 PNAS (CPASS); calibrated against V8",
        "Plasticity gain in the first days after onset relative to the chronic floor.",
    ),
    Parameter(
        "plasticity_decay_days",
        50.0,
        "day",
        15.0,
        120.0,
        "Zeiler & Krakauer 2013 Curr Opin Neurol (sensitive period of weeks–months); "
        "Dromerick 2021 (day 60–90 effective, later not); calibrated against V8",
        "Time constant with which plasticity decays from its peak to the chronic floor.",
    ),
    Parameter(
        "age_reference_years",
        60.0,
        "year",
        50.0,
        70.0,
        "Set by hand: the age at which the age term of plasticity is 1 (age_plasticity_slope "
        "counts years above it)",
        "Age at which age does not change plasticity.",
    ),
    Parameter(
        "age_factor_min",
        0.5,
        "1",
        0.3,
        0.8,
        "Set by hand: age at most halves plasticity (Nakayama 1994: the age effect on recovery "
        "is modest)",
        "Lowest age multiplier of plasticity.",
    ),
    Parameter(
        "age_factor_max",
        1.25,
        "1",
        1.0,
        1.5,
        "Set by hand: youth raises plasticity by at most a quarter",
        "Highest age multiplier of plasticity.",
    ),
    Parameter(
        "plasticity_floor",
        1.0,
        "1",
        0.5,
        1.0,
        "Set by hand: the reference level that defines the unit of plasticity (chronic = "
        "healthy adult plasticity; Ward 2019 JNNP: chronic patients still gain)",
        "Chronic plasticity gain (reference unit).",
    ),
    Parameter(
        "age_plasticity_slope",
        0.008,
        "1/year",
        0.0,
        0.02,
        "Modest age effect on recovery (Nakayama 1994; Stinear 2017 PREP2 age term)",
        "Relative loss of plasticity per year of age above age_reference_years.",
    ),
    Parameter(
        "learning_rate",
        0.005,
        "1/trial",
        0.001,
        0.01,
        "Set by hand, not fitted: the motor-learning rate per trial at the chronic floor; "
        "V8 and V9 at twice the value (the range top) in calibration/training_response.py",
        "Error-based learning step per effective trial at plasticity gain 1.",
    ),
    Parameter(
        "trials_saturation",
        400.0,
        "trial/day",
        50.0,
        2000.0,
        "Set by hand at the order of a day's practice beyond which motor-cortex LTP-like "
        "plasticity is occluded: training saturates M1 synaptic strength within its range "
        "(Rioult-Pedotti et al. 2000 Science 290:533) and a session of practice occludes "
        "further LTP-like plasticity (Ziemann et al. 2004 J Neurosci 24:1666); 400 ≈ a day "
        "of daily-life and therapy practice at usual doses; value unchanged since before any "
        "dose trial was a check",
        "Effective trials per day saturate as S·(1 − exp(−n/S)).",
    ),
    Parameter(
        "step_trials",
        400.0,
        "trial",
        100.0,
        400.0,
        "Set by hand (numerical): the largest therapy dose for which one expected-gradient "
        "step is "
        "stable at the default learning_rate (learning_rate × step_trials × error "
        "curvature ≈ 1.4 < 2; measured)",
        "Plasticity-weighted trials per learning sub-step; a day takes 1 + ⌊C·P(t)·trials/S⌋ "
        "steps (C: the day's consolidation).",
    ),
    Parameter(
        "consolidation_gain",
        5.0,
        "1",
        0.0,
        20.0,
        "Synaptic tagging and capture: strong stimulation triggers the protein synthesis "
        "that makes the day's weak and strong changes last (Frey & Morris 1997 Nature "
        "385:533; Redondo & Morris 2011 Nat Rev Neurosci 12:17; tag-trigger-consolidation "
        "model: Clopath et al. 2008 PLoS Comput Biol 4:e1000248); a minimum daily dose "
        "before rehabilitation pays (MacLellan et al. 2011 Neurorehabil Neural Repair "
        "25:740); Ward 2019 chronic gains; calibrated against V9",
        "Extra share of a day's learning that is kept when its practice triggers "
        "consolidation: the day's learning × (1 + gain · trigger).",
    ),
    Parameter(
        "consolidation_threshold",
        1000.0,
        "trial/day",
        50.0,
        3000.0,
        "Dose threshold of rehabilitation: a minimum amount of rehabilitation before "
        "recovery benefits (MacLellan et al. 2011 Neurorehabil Neural Repair 25:740); "
        "repetition alone, without skill acquisition, does not reorganise M1 (Plautz et al. "
        "2000 Neurobiol Learn Mem 74:27); ~1000 repetitions a day helped chronic patients "
        "(Ward 2019 JNNP, V9); calibrated against V9",
        "Plasticity-weighted therapy trials of a day (P(t) × effective trials) at which "
        "the consolidation trigger is half on: trigger = x²/(x² + threshold²).",
    ),
    Parameter(
        "hebbian_rate",
        0.00005,
        "1/trial",
        0.0,
        0.0005,
        "Use-dependent plasticity (Classen 1998 J Neurophysiol; Bütefisch 2000)",
        "Rate at which active units' input tuning moves toward practised tasks.",
    ),
    Parameter(
        "forgetting_rate",
        0.002,
        "1/day",
        0.0,
        0.02,
        "Use-it-or-lose-it decay of learned changes (Han 2008 PLoS Comput Biol)",
        "Daily decay of learned weight changes toward the template without practice.",
    ),
    # --- dose model of training (issue 23 item 2) ------------------------------------
    Parameter(
        "session_saturation",
        1.0 / 150.0,
        "1/trial",
        0.0,
        0.05,
        "Use-dependent plasticity of M1 builds up over a session and saturates within ~30 "
        "min of practice (Classen et al. 1998 J Neurophysiol 79:1117; Bütefisch et al. 2000 "
        "PNAS 97:3661); practice occludes further LTP-like plasticity (Ziemann et al. 2004 "
        "J Neurosci 24:1666; Rioult-Pedotti et al. 2000 Science 290:533). Sized so that half "
        "a block's capture capacity is used by 30 min of functional practice at ~300 "
        "repetitions an hour (Birkenmeier et al. 2010 Neurorehabil Neural Repair 24:620): "
        "1/150; 0 switches the saturation off (the model before issue 23)",
        "A day's effective therapy trials n in b blocks of session time consolidate as "
        "n/(1 + s·n/b): repetitions beyond ~b/s add less and less (capture capacity).",
    ),
    Parameter(
        "session_block_minutes",
        60.0,
        "min",
        30.0,
        240.0,
        "Use-dependent plasticity saturates within ~30 min of practice (Classen et al. 1998 "
        "J Neurophysiol 79:1117) and the occlusion of LTP-like plasticity by practice is "
        "temporary (Stefan et al. 2006 Cereb Cortex 16:376; Avanzino et al. 2015 Front Behav "
        "Neurosci 9:105); assumption: one block of capture capacity per hour of session "
        "(~30 min of practice to saturation plus rest); no effect when session_saturation = 0",
        "Session minutes per block of consolidation capacity; a day of m minutes of therapy "
        "has max(m / this, 1) blocks.",
    ),
    Parameter(
        "disuse_forgetting_gain",
        1.0,
        "1",
        0.0,
        5.0,
        "Use it or lose it: function gained in therapy is kept only if the arm is used in "
        "daily life, and declines below a threshold of use (Han et al. 2008 PLoS Comput Biol "
        "4:e1000133; Schweighofer et al. 2009 Phys Ther 89:1327). Assumption for the size: "
        "an arm not used at all forgets twice as fast as one in healthy (even) use; 0 "
        "switches the gating off",
        "Forgetting toward the template is forgetting_rate · (1 + g · (1 − min(2·use, 1))): "
        "faster the less the paretic arm takes its healthy half of daily actions.",
    ),
    Parameter(
        "overuse_harm_rate",
        0.1,
        "1/day",
        0.0,
        1.0,
        "Forced overuse of the impaired forelimb in the first week after a cortical lesion "
        "expands the lesion into the surrounding tissue and impairs recovery (Kozlowski et al. "
        "1996 J Neurosci 16:4776; Humm et al. 1998 Brain Res 783:286; Bland et al. 2000 "
        "Stroke 31:1144). Sized so that a week of exclusive use (load 2, half a load unit above "
        "the threshold) loses about a third of the stunned (perilesional) units "
        "(1 − exp(−7 · 0.1 · 0.5) ≈ 0.3; Kozlowski 1996: substantial lesion expansion); 0 "
        "switches the harm off",
        "Daily share of the still-returnable stunned units lost for good per unit of paretic "
        "load above the threshold, within the vulnerable window.",
    ),
    Parameter(
        "overuse_load_threshold",
        1.5,
        "1",
        1.0,
        4.0,
        "Between healthy use (load 1: the paretic arm takes half of the daily actions) and the "
        "exclusive use that expanded lesions in rats (load 2: the intact forelimb in a cast; "
        "Kozlowski et al. 1996 J Neurosci 16:4776; Humm et al. 1998 Brain Res 783:286); "
        "moderate early training did not harm (Biernaskie et al. 2004 J Neurosci 24:1245)",
        "Paretic-arm load (its share of the waking day's activity, therapy time counted "
        "whole, relative to the healthy half) above which early overuse harms.",
    ),
    Parameter(
        "waking_minutes",
        960.0,
        "min",
        720.0,
        1080.0,
        "Set by hand: 16 waking hours a day (8 h of sleep)",
        "Minutes awake a day, over which the paretic arm's share of activity is counted.",
    ),
    Parameter(
        "overuse_window_days",
        21.0,
        "day",
        0.0,
        60.0,
        "Forced overuse expanded rat lesions in days 1–7, not days 8–14 (Humm et al. 1998 "
        "Brain Res 783:286), scaled by the ~3× longer course of spontaneous recovery in "
        "humans than in rodents (Krakauer et al. 2012 Neurorehabil Neural Repair 26:923): "
        "7 · 3 = 21 days; 0 switches the harm off",
        "Days after onset during which overuse can expand the lesion.",
    ),
    Parameter(
        "capacity_initial",
        1.3,
        "× template",
        1.0,
        2.0,
        "Set by hand: synaptic resource ceiling of one corticospinal unit (bounded compensation)",
        "Maximal output weight of a unit relative to its healthy value, before sprouting.",
    ),
    Parameter(
        "capacity_max",
        2.0,
        "× template",
        1.2,
        4.0,
        "Carmichael 2003 (axonal sprouting after stroke is bounded)",
        "Ceiling reached by sprouting.",
    ),
    Parameter(
        "sprouting_rate",
        0.01,
        "1/day",
        0.0,
        0.05,
        "Carmichael 2006 Ann Neurol 59:735 (sprouting over weeks, gated by plasticity)",
        "Daily capacity growth per unit of saturated daily practice at plasticity gain 1.",
    ),
    Parameter(
        "reticulospinal_upregulation",
        2.0,
        "× healthy",
        0.0,
        4.0,
        "Zaaimi et al. 2012 Brain 135:2277 (reticulospinal up-regulation after CST lesion); "
        "McPherson 2018 (flexion synergy)",
        "Extra reticulospinal gain per unit fraction of lost corticospinal drive.",
    ),
    Parameter(
        "reticulospinal_days",
        30.0,
        "day",
        7.0,
        90.0,
        "Zaaimi 2012 (weeks to months)",
        "Time constant of reticulospinal up-regulation.",
    ),
    Parameter(
        "homeostasis_days",
        7.0,
        "day",
        1.0,
        30.0,
        "Turrigiano 2008 Cell (homeostatic scaling over days)",
        "Time constant with which excitability relaxes to its set point.",
    ),
    Parameter(
        "inhibition_plasticity_gating",
        8.0,
        "1",
        0.0,
        30.0,
        "GABAergic inhibition gates motor learning (Stagg 2011 Curr Biol 21:480; Blicher "
        "2015 NNR); set by hand, not fitted: V6 across its range in docs/hand_set.md",
        "Suppression of a hemisphere's plasticity per unit of transcallosal inhibition received.",
    ),
    Parameter(
        "ihi_plasticity_rate",
        0.02,
        "1/day",
        0.0,
        0.1,
        "Murase 2004 (abnormal IHI from contralesional M1 grows with its use)",
        "Rate at which inhibition onto a hemisphere follows the other hemisphere's activity.",
    ),
    Parameter(
        "corticoreticular_scatter_cv",
        0.25,
        "CV",
        0.0,
        0.5,
        "Set by hand: corticoreticular fibres run with the CST through the internal capsule "
        "(Schulz et al. 2017), so their loss follows the CST load with modest scatter",
        "Coefficient of variation of the corticoreticular loss around the CST load.",
    ),
    # --- spasticity ----------------------------------------------------------------
    Parameter(
        "spasticity_gain",
        3.0,
        "× normal",
        0.0,
        8.0,
        "Li & Francisco 2015 Front Neurol (reticulospinal hyperexcitability); calibrated "
        "against V10",
        "Stretch-reflex gain rise per unit of lost corticoreticular control.",
    ),
    Parameter(
        "spasticity_days",
        40.0,
        "day",
        10.0,
        120.0,
        "Wissel 2010 J Neurol (onset over weeks, most within 3 months)",
        "Time constant of stretch-reflex gain change.",
    ),
    Parameter(
        "reflex_coactivation",
        0.25,
        "1",
        0.0,
        1.0,
        "Stretch-reflex co-activation of antagonists (Levin 2000; Bhadane 2015)",
        "Antagonist co-activation per unit of excess stretch-reflex gain.",
    ),
    Parameter(
        "acute_areflexia_days",
        5.0,
        "day",
        1.0,
        21.0,
        "Acute flaccid stage (Brunnstrom 1970; Twitchell 1951)",
        "Time constant with which reflexes return after a severe acute lesion.",
    ),
    Parameter(
        "coordination_noise_gain",
        3.0,
        "1",
        0.0,
        10.0,
        "Ipsilesional-arm deficits after stroke (Maenza et al. 2020 Neurorehabil Neural "
        "Repair; Schaefer 2009 Brain); set by hand, not fitted: V11 across its range in "
        "docs/hand_set.md",
        "Extra non-paretic motor noise per unit share of the lesioned hemisphere unavailable.",
    ),
    Parameter(
        "bilateral_adaptation_trials",
        7500.0,
        "trial",
        1000.0,
        50000.0,
        "Non-paretic deficits shrink over weeks to months (Maenza 2020; Haaland 2009)",
        "Effective non-paretic trials (× plasticity) for the intact hemisphere to adapt.",
    ),
    # --- arm use --------------------------------------------------------------------
    Parameter(
        "daily_life_actions",
        300.0,
        "trial/day",
        50.0,
        2000.0,
        "Order of magnitude of purposeful arm movements per day (Bailey & Lang 2014 "
        "Neurorehabil Neural Repair; accelerometry); not all are practice",
        "Daily-life arm actions that act as practice for the arm that performs them.",
    ),
    Parameter(
        "daily_life_learning_weight",
        0.3,
        "1",
        0.0,
        1.0,
        "Daily-life actions are less error-rich than therapy trials (Krakauer 2006); "
        "0.3 is the starting guess; calibrated against V8 (the timing of training effects)",
        "Learning weight of a daily-life action relative to a therapy trial.",
    ),
    Parameter(
        "use_choice_temperature",
        4.0,
        "1",
        1.0,
        20.0,
        "Han et al. 2008 PLoS Comput Biol (softmax arm choice)",
        "Inverse temperature of the softmax that shares daily tasks between arms.",
    ),
    Parameter(
        "use_value_rate",
        0.15,
        "1/day",
        0.01,
        0.5,
        "Han 2008 (action values learned from success)",
        "Learning rate of arm action values from performed attempts.",
    ),
    Parameter(
        "therapy_success_rate",
        0.8,
        "1",
        0.5,
        0.95,
        "Shaping grades task difficulty to the patient (Taub 1994; Morris 2006 Eura Medicophys); "
        "adaptive staircases hold success near 0.8 (3-down-1-up: 0.794, Levitt 1971)",
        "Success rate of therapy trials, which teaches the paretic arm's action value.",
    ),
    Parameter(
        "effort_cost",
        0.2,
        "1",
        0.0,
        1.0,
        "Effort discounting of the weaker arm (Han 2008; Schweighofer 2009)",
        "Cost of using an arm per unit of expected failure.",
    ),
    # --- between-patient variability -------------------------------------------------
    Parameter(
        "trait_cv_recovery_speed",
        0.3,
        "CV",
        0.0,
        0.6,
        "Spread of recovery time courses (van der Vliet 2020 Ann Neurol: time constants "
        "vary several-fold between patients)",
        "Coefficient of variation of the stunned-unit recovery time constant.",
    ),
    Parameter(
        "trait_cv_plasticity",
        0.25,
        "CV",
        0.0,
        0.5,
        "Inter-individual variability of motor learning (Stewart 2017; genetics e.g. BDNF "
        "Val66Met, Kleim 2006)",
        "Coefficient of variation of the individual plasticity factor.",
    ),
    Parameter(
        "plasticity_allele_share",
        0.3,
        "fraction",
        0.0,
        0.7,
        "BDNF Val66Met: about 30% of people of European descent carry the Met allele (Kleim "
        "2006 Nat Neurosci 9:735; 50–70% in East Asian cohorts; Stewart & Cramer 2017 J Neurol "
        "Phys Ther 41:S17); 0 is neutral (no genotype effect)",
        "Share of patients carrying a plasticity-lowering allele.",
    ),
    Parameter(
        "plasticity_allele_factor",
        0.7,
        "1",
        0.4,
        1.0,
        "Set by hand: Met carriers show less training-dependent M1 map expansion and MEP "
        "facilitation than Val/Val (Kleim 2006 Nat Neurosci 9:735) and less improvement with "
        "upper-limb therapy (Shiner 2016 Front Neurol 7:69); 1 is neutral",
        "Plasticity of a carrier relative to a non-carrier (the cohort mean stays that of "
        "the registry).",
    ),
    Parameter(
        "trait_cv_spasticity",
        0.8,
        "CV",
        0.0,
        1.5,
        "Spasticity develops in only a subset of comparable patients (Wissel 2010; Lundström 2010)",
        "Coefficient of variation of the individual spasticity susceptibility.",
    ),
    Parameter(
        "trait_cv_stimulation_response",
        0.6,
        "CV",
        0.0,
        1.0,
        "About half respond to NIBS as expected (Ridding & Ziemann 2010 J Physiol; "
        "Hamada 2013 Cereb Cortex)",
        "Coefficient of variation of the individual response to brain stimulation.",
    ),
    Parameter(
        "trait_cv_motor_noise",
        0.3,
        "CV",
        0.0,
        0.6,
        "Variability of healthy dexterity (Maenza 2020 controls)",
        "Coefficient of variation of individual motor noise.",
    ),
    Parameter(
        "stimulation_carryover",
        0.05,
        "1/session",
        0.0,
        0.3,
        "Cumulative after-effects of repeated sessions (Maeda 2000 Clin Neurophysiol; "
        "Fitzgerald 2006)",
        "Share of a session's excitability shift that persists to the next day.",
    ),
    Parameter(
        "stimulation_ihi_coupling",
        1.0,
        "1",
        0.0,
        2.0,
        "Transcallosal inhibition follows the excitability of the conditioning M1: 1 Hz rTMS "
        "of contralesional M1 reduced the inhibition it exerts on ipsilesional M1 (Takeuchi "
        "et al. 2005 Stroke 36:2681) and of one M1 the IHI onto the other in healthy adults "
        "(Pal et al. 2005 J Neurophysiol 94:1668); 1 = IHI shifts by the same fraction as "
        "the stimulated M1's excitability (the conditioning volley scales with it); 0 = "
        "neutral (stimulation leaves IHI strength alone)",
        "Fractional change of the IHI a hemisphere exerts per unit of its M1's "
        "stimulation after-effect.",
    ),
    # --- assessment -----------------------------------------------------------------
    Parameter(
        "item_partial_threshold",
        0.30,
        "performance",
        0.1,
        0.5,
        "FMA-UE scoring: 1 = partial performance (Gladstone 2002)",
        "Performance above which an FMA-UE item scores 1.",
    ),
    Parameter(
        "item_full_threshold",
        0.80,
        "performance",
        0.6,
        0.95,
        "FMA-UE scoring: 2 = complete performance (Gladstone 2002)",
        "Performance above which an FMA-UE item scores 2.",
    ),
    Parameter(
        "rater_noise_sd",
        0.04,
        "performance",
        0.0,
        0.1,
        "FMA-UE inter-rater ICC ≈ 0.96–0.99 (Sanford 1993 Phys Ther; Hernández 2019)",
        "SD of a rater's noise on an item's perceived performance.",
    ),
    Parameter(
        "mep_threshold_mv",
        0.05,
        "mV",
        0.02,
        0.1,
        "MEP present: ≥ 50 µV peak-to-peak (Stinear 2017; Rossini 2015 IFCN)",
        "Amplitude above which an MEP is present.",
    ),
    Parameter(
        "mep_volley_threshold",
        0.35,
        "fraction",
        0.1,
        0.6,
        "Single-pulse TMS needs a synchronous descending volley from enough fibres to fire "
        "spinal motoneurons (Rossini 2015 IFCN; Stinear 2007 Brain: MEP− with FA "
        "asymmetry ≥ 0.25); calibrated against V2",
        "Share of the healthy corticospinal volley to a hand muscle below which no MEP appears.",
    ),
    Parameter(
        "mep_max_mv",
        4.0,
        "mV",
        1.0,
        8.0,
        "Healthy first dorsal interosseus MEP at high intensity (Rossini 2015)",
        "MEP amplitude of an intact system at maximal stimulator output.",
    ),
    Parameter(
        "mas_grade_step",
        0.35,
        "× normal reflex gain",
        0.15,
        0.6,
        "Maps stretch-reflex gain to Modified Ashworth grades (Bohannon & Smith 1987 Phys "
        "Ther); calibrated against V10",
        "Excess reflex gain per Modified Ashworth grade step (0, 1, 1+, 2, 3, 4).",
    ),
    Parameter(
        "grip_healthy_kg",
        35.0,
        "kg",
        20.0,
        50.0,
        "Bohannon 2006 Physiotherapy (grip norms age 60–79 ~ 25–40 kg)",
        "Grip strength of a healthy older adult.",
    ),
    Parameter(
        "dexterity_precision_share",
        0.33,
        "fraction",
        0.0,
        1.0,
        "Derived: between-person SD of Box and Block scores within a 5-year age group "
        "≈ 10% of the mean (Mathiowetz et al. 1985 Am J Occup Ther 39:386) divided by "
        "the CV of individual motor noise (trait_cv_motor_noise 0.3), so that healthy "
        "timed dexterity spreads as published; speed–accuracy trade-off of Fitts 1954 "
        "and Schmidt et al. 1979 Psychol Rev 86:415",
        "Share of a healthy adult's time per timed-dexterity item spent in its "
        "precision-limited phases (grasp, release), which slow in proportion to motor "
        "noise; 0 makes the paretic score blind to speed.",
    ),
    Parameter(
        "direct_route_dexterity_exponent",
        0.6342,
        "1",
        0.0,
        4.0,
        "Derived: computed by dexterity_scale.py (n = 600 patients of its own cohort, root seed "
        "104729, disjoint from every reported cohort; 2026-12-07) so that "
        "patients of the default cohort with FMA-UE 52–64 on day 180 have the median "
        "timed dexterity of hemiparetic patients with FMA-UE 58 (IQR 52–64): SHAP "
        "index of function 64 (IQR 44–85; Tanaka et al. 2019 BioMed Res Int "
        "2019:9471921); mechanism: Lang & Schieber 2004 J Neurophysiol 91:1722, "
        "Xu et al. 2017 Brain 140:1612",
        "Exponent with which the direct corticospinal route's reserve R slows individuated "
        "finger movement in a timed test (speed ∝ R^β); 0 removes the mechanism.",
    ),
    Parameter(
        "dexterity_healthy_success",
        0.9645,
        "performance",
        0.5,
        1.0,
        "Derived: computed by dexterity_scale.py (500 controls of its own, root seed 104729) "
        "as "
        "the mean success × speed "
        "of healthy virtual adults on the paretic-dexterity tasks, so that they average "
        "100% as age norms do (Mathiowetz et al. 1985 Am J Occup Ther 39:386)",
        "Mean success of one attempt of each paretic-dexterity task by a healthy adult "
        "(the reference of 100%).",
    ),
)


#: The registries whose values ``calibrated.json`` may hold.
CALIBRATED_REGISTRIES = ("model", "population")


def _load_calibrated() -> dict[str, dict[str, object]]:
    try:
        text = resources.files("strokesim.model").joinpath("calibrated.json").read_text()
    except FileNotFoundError:
        return {}
    return json.loads(text)["parameters"]


def calibrated_entries(registry: str = "model") -> dict[str, dict[str, object]]:
    """The entries of ``calibrated.json`` that belong to one registry.

    An entry names its registry in ``"registry"`` (``"model"`` when it names none;
    ``"population"`` for :data:`strokesim.cohort.population.POPULATION_PARAMETERS`).

    Raises
    ------
    ValueError
        If an entry names a registry other than those two.
    """
    entries = _load_calibrated()
    unknown = {
        name: entry.get("registry")
        for name, entry in entries.items()
        if entry.get("registry", "model") not in CALIBRATED_REGISTRIES
    }
    if unknown:
        raise ValueError(f"calibrated.json names unknown registries: {unknown}")
    return {
        name: entry for name, entry in entries.items() if entry.get("registry", "model") == registry
    }


def apply_calibrated(
    literature: Iterable[Parameter], entries: Mapping[str, Mapping[str, object]]
) -> dict[str, Parameter]:
    """A registry: the literature parameters with the calibrated values of ``entries``.

    Each entry (``{"value": …, "target": …}``) replaces its parameter's value and
    records the target in ``calibrated_by``. An entry naming a parameter the
    registry lacks raises ``KeyError``.
    """
    params = {p.name: p for p in literature}
    for name, entry in entries.items():
        if name not in params:
            raise KeyError(f"calibrated.json names unknown parameter {name!r}")
        params[name] = replace(
            params[name], value=float(entry["value"]), calibrated_by=str(entry["target"])
        )
    return params


def _build_registry() -> Mapping[str, Parameter]:
    return MappingProxyType(apply_calibrated(_LITERATURE, calibrated_entries("model")))


#: The registry, by parameter name (read-only).
REGISTRY: Mapping[str, Parameter] = _build_registry()


def model_parameters(**overrides: float) -> dict[str, float]:
    """Parameter values for the equations, with optional overrides.

    Parameters
    ----------
    **overrides
        ``name=value`` pairs replacing registry values (e.g. in sensitivity analysis).

    Returns
    -------
    dict
        ``{name: value}``; a JAX pytree of scalars.
    """
    unknown = set(overrides) - set(REGISTRY)
    if unknown:
        raise KeyError(f"unknown parameter(s): {sorted(unknown)}")
    values = {name: p.value for name, p in REGISTRY.items()}
    values.update({k: float(v) for k, v in overrides.items()})
    return values


def literature_parameters() -> dict[str, float]:
    """Parameter values before calibration (the literature starting values)."""
    return {p.name: p.value for p in _LITERATURE}


def registry_rows() -> list[dict[str, object]]:
    """The registry as a list of rows for tables and documentation."""
    return [
        {
            "name": p.name,
            "value": p.value,
            "unit": p.unit,
            "range": f"{p.low:g}–{p.high:g}",
            "description": p.description,
            "source": p.source,
            "calibrated_by": p.calibrated_by or "",
        }
        for p in REGISTRY.values()
    ]
