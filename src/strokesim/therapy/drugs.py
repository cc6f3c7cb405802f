"""Drugs that modulate plasticity: a gain on the plasticity gain P(t) on dosing days.

SSRIs (fluoxetine; FLAME, Chollet et al. 2011 Lancet Neurol 10:123) and levodopa
(Scheidtmann et al. 2001 Lancet 358:787) enhanced motor recovery in small trials;
larger trials of fluoxetine (FOCUS 2019 Lancet 393:265) found no benefit on
disability, so the plausible range of each gain starts at 1 (no effect).
"""

from __future__ import annotations

from strokesim.therapy.parameters import therapy_parameter

__all__ = ["drug_plasticity_gain"]


def drug_plasticity_gain(agent: str, dose_mg: float) -> float:
    """Gain on P(t) for one day's dose of a drug.

    An Emax dose–response normalised to the studied dose:
    ``gain = 1 + (g_ref - 1) * E(dose) / E(ref)`` with ``E(d) = d / (d + d50)``,
    ``g_ref = <agent>.plasticity_gain``, ``ref = <agent>.reference_dose`` and
    ``d50 = drug.half_maximal_dose_fraction * ref``.

    Parameters
    ----------
    agent
        ``"ssri"``, ``"levodopa"`` or ``"placebo"``.
    dose_mg
        Daily dose (mg/day), ≥ 0.

    Returns
    -------
    float
        Gain (1 for placebo or a zero dose).

    Examples
    --------
    >>> round(drug_plasticity_gain("ssri", 20.0), 3)
    1.3
    >>> drug_plasticity_gain("placebo", 20.0)
    1.0
    """
    if agent == "placebo" or dose_mg <= 0.0:
        return 1.0
    if agent not in ("ssri", "levodopa"):
        raise ValueError(f"unknown drug agent {agent!r}")
    reference = therapy_parameter(f"{agent}.reference_dose")
    half_maximal = therapy_parameter("drug.half_maximal_dose_fraction") * reference
    relative = (dose_mg / (dose_mg + half_maximal)) / (reference / (reference + half_maximal))
    return 1.0 + (therapy_parameter(f"{agent}.plasticity_gain") - 1.0) * relative
