"""Independence of the external checks: detected from the sources, reported, and kept honest."""

from __future__ import annotations

import dataclasses
import math

import pytest

from strokesim.cohort.population import POPULATION_PARAMETERS
from strokesim.model.parameters import REGISTRY
from strokesim.therapy.parameters import THERAPY_PARAMETERS
from strokesim.validate.external import (
    CohortResult,
    ExternalResult,
    external_markdown,
    reported_verdict,
    summary_line,
)
from strokesim.validate.external_independence import (
    DESIGN_CITATIONS,
    cites,
    independence,
    independence_of_all,
)
from strokesim.validate.external_trials import (
    EXTERNAL_COHORTS,
    EXTERNAL_TRIALS,
    external_check,
)

DOSE_TRIAL, FLAME, NICHE = (external_check(k) for k in ("Lang 2016 dose", "FLAME", "NICHE"))
VA_ROBOTICS_12, VNS_REHAB = external_check("VA ROBOTICS week 12"), external_check("VNS-REHAB")
WINTERS_2016 = external_check("Winters 2016")

CHECKS = [*EXTERNAL_TRIALS, *EXTERNAL_COHORTS]


def _registries(therapy=THERAPY_PARAMETERS, population=POPULATION_PARAMETERS):
    return {"model": REGISTRY, "therapy": therapy, "population": population}


def _citing(registry, name: str, source: str):
    """A copy of ``registry`` whose parameter ``name`` has the source ``source``."""
    copy = dict(registry)
    copy[name] = dataclasses.replace(registry[name], source=source)
    return copy


def _status(registries):
    return independence_of_all([(c.key, c.source) for c in CHECKS], registries)


def test_the_shipped_registries_share_flame_and_niche_and_nothing_else():
    """Lang 2016 is held out since the dose model (issue 23): its two parameters are
    re-sourced from physiology that does not cite it. NICHE shares V6, a calibration
    objective since stage D (V6's lasting criterion cites Harvey 2018)."""
    found = _status(_registries())
    shared = {
        key: sorted(c.place for c in status.shared)
        for key, status in found.items()
        if not status.independent
    }
    assert shared == {
        "FLAME": ["therapy:ssri.plasticity_gain"],
        "NICHE": ["objective:V6"],
    }


def test_every_check_that_shares_is_in_the_calibration_set_and_vice_versa():
    """No held-out check hides a dependence; no trial is moved without one."""
    found = _status(_registries())
    for check in CHECKS:
        moved = getattr(check, "calibration_use", None) is not None
        assert moved == (not found[check.key].independent), check.key


@pytest.mark.parametrize(
    ("source", "quoted"),
    [
        ("Dawson et al. 2021 Lancet 397:1545 (FMA-UE +5.0 vs +2.4 after 6 weeks)", "Dawson"),
        ("the arm ratio of VNS-REHAB (5.0 / 2.4)", "VNS-REHAB"),
    ],
)
def test_a_vns_parameter_citing_vns_rehab_makes_that_check_share_it(source, quoted):
    therapy = _citing(THERAPY_PARAMETERS, "vns.peak_plasticity_gain", source)
    status = _status(_registries(therapy=therapy))["VNS-REHAB"]
    assert not status.independent
    assert [c.place for c in status.shared] == ["therapy:vns.peak_plasticity_gain"]
    assert quoted in status.shared[0].quoted
    assert status.text.startswith("shares: vns.peak_plasticity_gain (")
    assert _status(_registries())["VNS-REHAB"].independent  # the shipped source does not


def test_a_population_parameter_citing_a_cohort_makes_it_share_it():
    population = _citing(POPULATION_PARAMETERS, "age_sd", "Winters et al. 2016 PLoS One")
    status = _status(_registries(population=population))["Winters 2016"]
    assert [c.place for c in status.shared] == ["population:age_sd"]


def test_a_design_citation_is_allowed_only_where_declared():
    assert ("therapy:ssri.reference_dose", "FLAME") in DESIGN_CITATIONS
    status = independence(FLAME.key, FLAME.source, [("therapy:ssri.reference_dose", "FLAME")])
    assert (
        status.independent
        and status.design[0].design == DESIGN_CITATIONS[("therapy:ssri.reference_dose", "FLAME")]
    )
    undeclared = independence(FLAME.key, FLAME.source, [("therapy:ssri.other", "FLAME")])
    assert not undeclared.independent


def test_no_declared_design_citation_is_stale():
    found = _status(_registries())
    detected = {(c.place, key) for key, status in found.items() for c in status.design}
    for place, study in DESIGN_CITATIONS:
        assert any(p == place and key.startswith(study) for p, key in detected), place


def test_citations_of_other_papers_by_the_same_author_are_not_matched():
    assert cites("usual care (Lang et al. 2009 Arch Phys Med Rehabil)", DOSE_TRIAL.source) is None
    assert cites("recovery ratios (Winters 2015)", WINTERS_2016.source) is None
    assert cites("see Lang 2016 and Ward 2019", DOSE_TRIAL.source) == "Lang 2016"
    assert cites("NICHE trial", NICHE.source) == "NICHE"
    assert cites("a niche effect", NICHE.source) is None  # acronyms are case-sensitive
    assert cites("as in VA ROBOTICS", VA_ROBOTICS_12.source) == "VA ROBOTICS"


def test_no_published_interval_is_constructed_as_zero_to_twice_the_effect():
    for check in CHECKS:
        published = check.published
        if published.interval is None:
            assert published.direction in ("positive", "negative"), check.key
            continue
        low, high = published.interval
        assert low <= published.value <= high, check.key
        constructed = low == 0.0 and math.isclose(high, 2.0 * published.value)
        assert not constructed, f"{check.key}: interval [0, 2 × effect]"


def test_a_check_that_is_not_independent_is_marked_and_not_counted():
    shared = independence(
        VNS_REHAB.key, VNS_REHAB.source, [("therapy:vns.x", "Dawson et al. 2021")]
    )
    free = independence(DOSE_TRIAL.key, DOSE_TRIAL.source, [])
    results = [
        ExternalResult(VNS_REHAB, 10, {}, 3.0, (2.5, 3.5), "consistent", shared),
        ExternalResult(DOSE_TRIAL, 10, {}, 0.3, (0.0, 0.8), "consistent", free),
        ExternalResult(FLAME, 10, {}, 1.1, (0.9, 1.2), "lower", free),
    ]
    cohort = CohortResult(WINTERS_2016, 30, 70.0, (65.0, 75.0), "higher", free)
    assert reported_verdict(results[0]) == "consistent (not independent)"
    assert reported_verdict(results[1]) == "consistent"
    assert reported_verdict(results[2]) == "lower (calibration set)"
    line = summary_line(results, [cohort])
    assert "Held-out checks: 3; consistent: 2; independent: 2;" in line
    assert "independent and consistent: 1." in line
    assert "Calibration set (not counted): FLAME (lower)." in line
    page = external_markdown(results, n=10, seed=0, cohorts=[cohort])
    assert (
        "| consistent (not independent) | shares: vns.x (therapy registry: source cites 'Dawson"
        in page
    )
    assert "| lower (calibration set) |" in page
    head, calibration = page.split("Used for calibration (not external)", 1)
    assert "| FLAME |" not in head and "| FLAME |" in calibration.split("\n## ", 1)[0]
    assert "- **Used for calibration.** the hand-set `ssri.plasticity_gain`" in page


def test_a_calibration_objective_citing_a_trial_makes_it_share_that_objective(monkeypatch):
    from strokesim.validate import metrics_targets

    targets = dict(metrics_targets.TARGETS)
    targets["V9"] = dataclasses.replace(targets["V9"], source="Ward 2019; Lang et al. 2016")
    monkeypatch.setattr(metrics_targets, "TARGETS", targets)
    status = _status(_registries())["Lang 2016 dose"]
    assert "objective:V9" in [c.place for c in status.shared]
    assert "calibration objective cites 'Lang et al. 2016'" in status.text


def test_an_undeclared_protocol_default_citing_a_trial_makes_it_share_it():
    places = [("protocol:some_vns", "gain from the VNS-REHAB arm ratio")]
    status = independence(VNS_REHAB.key, VNS_REHAB.source, places)
    assert status.text == "shares: some_vns (protocol default cites 'VNS-REHAB')"
