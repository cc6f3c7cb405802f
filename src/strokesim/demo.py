"""The demo: four representative patients under usual care, with a report.

``strokesim demo`` (and ``make demo``) runs :func:`run_demo`: a mild, a moderate
and two severe patients — one with a motor evoked potential (MEP+) and one
without (MEP−), the contrast PREP2 builds on (Stinear et al. 2017 Ann Clin
Transl Neurol 4:811) — are simulated for 180 days of usual care. Each is given
by an explicit lesion chosen so that the day-3 assessment lands in the intended
FMA-UE band (:data:`strokesim.summary.FMA_UE_BANDS`) and MEP status at the
default seed; :func:`demo_table` shows whether it did for the seed used.

One simulated course is one realisation — one draw of which cortical units the
lesion hits, of the patient's traits and motor noise, and of the rater — and says
little about what to expect. Each demo patient is therefore simulated as an
ensemble of :data:`ENSEMBLE_SIZE` virtual patients sharing its description (age,
side, lesion shares; :func:`ensemble_specs`): the patient itself, the
*representative* whose day-3 profile is checked, and replicates whose ids differ,
so that every stream keyed by (seed, id) is drawn afresh. The figures show each
ensemble's median with its 50% and 80% bands and the representative course.

Examples
--------
>>> [p.spec.id for p in DEMO_PATIENTS]
['A-mild', 'B-moderate', 'C-severe-MEP-pos', 'D-severe-MEP-neg']
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import xarray as xr

from strokesim.errors import UserInputError
from strokesim.io import ensure_writable, write_results
from strokesim.outputs import Writer, output_folder, write_all
from strokesim.patient import LesionSpec, PatientSpec
from strokesim.simulate import MAX_DAYS, simulate
from strokesim.summary import SUMMARY_DAYS, fma_ue_band, outcome_summary, summary_record
from strokesim.therapy import usual_care

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "DEMO_FILES",
    "DEMO_PATIENTS",
    "ENSEMBLE_SIZE",
    "LESION_COLUMN",
    "DemoPatient",
    "DemoResult",
    "demo_notes",
    "demo_table",
    "ensemble_specs",
    "run_demo",
]


@dataclass(frozen=True)
class DemoPatient:
    """A demo patient and the clinical profile its lesion was chosen for.

    Attributes
    ----------
    profile
        Readable label, e.g. ``"severe, MEP+"``.
    band
        Intended FMA-UE band at day 3 (``"mild"``, ``"moderate"``, ``"severe"``).
    mep_present
        Intended MEP status at day 3, or ``None`` when the profile does not say.
    spec
        The patient.
    """

    profile: str
    band: str
    mep_present: bool | None
    spec: PatientSpec


def _patient(pid: str, age: float, side: str, lesion: LesionSpec) -> PatientSpec:
    return PatientSpec(id=pid, age=age, affected_side=side, lesion=lesion)


#: The four demo patients. The same patients are in ``examples/patients/``.
#: A virtual patient's unit-level lesion is drawn from (seed, id), so these
#: lesions were checked at seed 0 (``strokesim demo`` prints the check).
DEMO_PATIENTS: tuple[DemoPatient, ...] = (
    DemoPatient(
        profile="mild",
        band="mild",
        mep_present=True,
        spec=_patient("A-mild", 58, "right", LesionSpec(affected=0.25, cst_load=0.05)),
    ),
    DemoPatient(
        profile="moderate",
        band="moderate",
        mep_present=None,
        spec=_patient("B-moderate", 67, "left", LesionSpec(affected=0.5, cst_load=0.3)),
    ),
    # A large cortical stroke, mostly penumbra, with the corticospinal tract largely spared.
    DemoPatient(
        profile="severe, MEP+",
        band="severe",
        mep_present=True,
        spec=_patient(
            "C-severe-MEP-pos",
            71,
            "right",
            LesionSpec(affected=0.8, cst_load=0.2, stunned_share=0.9),
        ),
    ),
    # A large stroke reaching the internal capsule: most corticospinal axons cut.
    DemoPatient(
        profile="severe, MEP−",
        band="severe",
        mep_present=False,
        spec=_patient("D-severe-MEP-neg", 74, "left", LesionSpec(affected=0.85, cst_load=0.85)),
    ),
)

#: Files written by :func:`run_demo`, inside its output folder.
DEMO_FILES: tuple[str, ...] = (
    "demo.nc",
    "demo_ensemble.nc",
    "report.html",
    "fma_ue.png",
    "arat.png",
    "scales.png",
    "cortical_activity.png",
)

#: Virtual patients per demo patient (the representative and its replicates).
ENSEMBLE_SIZE = 32
#: Per-patient coordinate of the ensemble dataset naming each member's demo patient.
ENSEMBLE_COORD = "source_patient"

_BASELINE_DAY = SUMMARY_DAYS[0]
#: Heading of the lesion column of :func:`demo_table`.
LESION_COLUMN = "Lesion (affected / stunned / CST load)"


@dataclass(frozen=True)
class DemoResult:
    """What :func:`run_demo` produced.

    Attributes
    ----------
    dataset
        The representative demo patients (``docs/dataset.md``), one per demo patient.
    files
        Written files, in the order of :data:`DEMO_FILES`.
    table
        :func:`demo_table` of ``dataset`` and ``ensemble``.
    ensemble
        Every simulated virtual patient: :data:`ENSEMBLE_SIZE` per demo patient,
        the coordinate ``source_patient`` naming the demo patient of each.
    """

    dataset: xr.Dataset
    files: tuple[Path, ...]
    table: pd.DataFrame
    ensemble: xr.Dataset | None = None


def ensemble_specs(size: int = ENSEMBLE_SIZE) -> list[PatientSpec]:
    """The demo patients and their replicates: ``size`` virtual patients per demo patient.

    Each demo patient comes first (its id unchanged: the representative), followed by
    ``size − 1`` copies with ids ``"<id>-rNN"``. A copy has the same age, side and
    lesion description; because a virtual patient's unit-level lesion, traits, motor
    noise and rater are drawn from (seed, id), it is another plausible patient with
    the same description.

    Examples
    --------
    >>> [s.id for s in ensemble_specs(2)][:3]
    ['A-mild', 'A-mild-r01', 'B-moderate']
    """
    specs = []
    for patient in DEMO_PATIENTS:
        base = patient.spec
        specs.append(base)
        specs += [base.model_copy(update={"id": f"{base.id}-r{k:02d}"}) for k in range(1, size)]
    return specs


def demo_notes(days: int, seed: int, size: int = ENSEMBLE_SIZE) -> list[str]:
    """The paragraphs that introduce the demo report."""
    return [
        "Four virtual patients, each given by an explicit lesion: the share of "
        "ipsilesional M1 hit by the stroke, the share of those units that are stunned "
        "(and return over weeks) rather than dead, and the corticospinal-tract lesion "
        "load. The lesions were chosen so that at the day-3 assessment the patients "
        "fall in the mild (FMA-UE 43–66), moderate (29–42) and severe (0–28) bands, "
        "the two severe patients differing in whether a motor evoked potential (MEP) "
        "can be elicited in the paretic hand — the distinction PREP2 uses to predict "
        "recovery. The last section of this report shows whether each landed where "
        "intended.",
        f"All four receive usual care (about 30 minutes of arm therapy on weekdays for "
        f"the first three months) and are followed for {days} days; raters add "
        f"measurement noise to every assessment. One simulated course is a single "
        f"realisation, so each patient is simulated {size} times as virtual patients "
        f"sharing its description (age, side, lesion shares): they differ in which "
        f"cortical units the lesion hits and which are stunned, in their individual "
        f"traits and motor noise, and in their rater. The figures show the median of "
        f"each patient's {size} courses with the band of the middle 50% (dark) and of "
        f"10–90% (light), and as a thin line with markers the representative virtual "
        f"patient, the one whose day-3 profile is checked in the table below. Root "
        f"seed {seed}.",
        "These are simulated courses under a model with stated assumptions, not a "
        "prognosis for any real person.",
    ]


def demo_table(ds: xr.Dataset, ensemble: xr.Dataset | None = None) -> pd.DataFrame:
    """The demo patients' intended profile next to their simulated outcomes.

    Columns ``Patient``, ``Profile``, :data:`LESION_COLUMN` (affected share, stunned
    share, CST load), ``FMA-UE day 3`` with its band and ``As intended`` (band and MEP
    as intended at day 3) of the representative in ``ds``, then the columns of
    :func:`strokesim.summary.outcome_summary` after day 3 — of the representative, or,
    given ``ensemble`` (``source_patient`` naming each member's demo patient), of the
    ensemble (``Virtual patients``, then median [10–90%] and the MEP+ share, day 3
    included).
    """
    if ensemble is None:
        outcomes = outcome_summary(ds).set_index("Patient")
    else:
        outcomes = outcome_summary(ensemble).set_index("Patient")
        outcomes = outcomes.rename(
            columns=lambda c: (
                "Virtual patients"
                if c == "Lesions"
                else (f"{c}, median [10–90%]" if c.startswith(("FMA", "ARAT")) else c)
            )
        )
    rows = []
    for patient in DEMO_PATIENTS:
        pid = patient.spec.id
        lesion = patient.spec.lesion
        stunned = float(ds["stunned_share"].sel(patient=pid))
        at = ds.sel(patient=pid, day=_BASELINE_DAY)
        fma = int(at["fma_ue"])
        band = fma_ue_band(fma)
        as_intended = band == patient.band and (
            patient.mep_present is None or bool(at["mep_present"]) == patient.mep_present
        )
        row = {
            "Patient": pid,
            "Profile": patient.profile,
            LESION_COLUMN: f"{lesion.affected:g} / {stunned:.2g} / {lesion.cst_load:g}",
            f"FMA-UE day {_BASELINE_DAY}": f"{fma} ({band})",
            "As intended": "yes" if as_intended else "no",
        }
        later = outcomes.loc[pid].drop(["Lesions", f"FMA-UE day {_BASELINE_DAY}"], errors="ignore")
        if ensemble is not None:
            later = outcomes.loc[pid]
        rows.append(row | later.to_dict())
    return pd.DataFrame(rows)


def run_demo(
    out_dir: str | os.PathLike[str] = "out/demo",
    *,
    days: int = 180,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> DemoResult:
    """Simulate the demo patients under usual care and write the result, figures and report.

    Parameters
    ----------
    out_dir
        Output folder (created if missing); receives the files of :data:`DEMO_FILES`.
    days
        Days to simulate after onset (3–3650).
    seed
        Root seed.
    progress
        Passed to :func:`strokesim.simulate` (``progress(done, total)``).

    Returns
    -------
    DemoResult

    Raises
    ------
    strokesim.errors.UserInputError
        If ``days`` is out of range or the folder cannot be written (checked
        before simulating). On any error or interruption nothing is left behind:
        neither files nor a folder this call created.
    """
    if isinstance(days, bool) or not isinstance(days, int) or not 3 <= days <= MAX_DAYS:
        raise UserInputError("days", f"must be an integer in 3–{MAX_DAYS}, got {days!r}")
    with output_folder(out_dir) as folder:
        paths = {name: ensure_writable(folder / name) for name in DEMO_FILES}
        simulated = simulate(
            ensemble_specs(),
            usual_care(),
            days=days,
            record=summary_record(days),
            seed=seed,
            progress=progress,
        )
        representatives = [p.spec.id for p in DEMO_PATIENTS]
        sources = [
            next(r for r in representatives if pid == r or pid.startswith(f"{r}-r"))
            for pid in simulated["patient"].values.astype(str)
        ]
        ensemble = simulated.assign_coords({ENSEMBLE_COORD: ("patient", sources)})
        ds = simulated.sel(patient=representatives)
        table = demo_table(ds, ensemble)
        written = write_all(_demo_writers(ds, ensemble, table, paths, days, seed))
    return DemoResult(ds, tuple(written), table, ensemble)


def _demo_writers(
    ds: xr.Dataset,
    ensemble: xr.Dataset,
    table: pd.DataFrame,
    paths: dict[str, Path],
    days: int,
    seed: int,
) -> list[Writer]:
    from strokesim.report import (
        cortical_activity,
        patient_courses,
        save_figure,
        scale_panel,
        write_html_report,
    )

    figures: dict[str, tuple[str, Figure]] = {
        "fma_ue.png": (
            "Recovery of arm function (FMA-UE)",
            patient_courses(ensemble, "fma_ue", ENSEMBLE_COORD),
        ),
        "arat.png": (
            "Arm activity (ARAT)",
            patient_courses(ensemble, "arat", ENSEMBLE_COORD),
        ),
        "scales.png": ("Clinical scales", scale_panel(ensemble, ENSEMBLE_COORD)),
        "cortical_activity.png": (
            "Cortical activity",
            cortical_activity(ensemble, ENSEMBLE_COORD),
        ),
    }

    def figure(name: str) -> Callable[[Path], object]:
        return lambda path: save_figure(figures[name][1], path)

    return [
        (paths["demo.nc"], lambda path: write_results(ds, path)),
        (paths["demo_ensemble.nc"], lambda path: write_results(ensemble, path)),
        (
            paths["report.html"],
            lambda path: write_html_report(
                ds,
                path,
                title="strokesim demo: four virtual patients under usual care",
                notes=demo_notes(days, seed),
                figures=list(figures.values()),
                sections=[("Demo patients: intended profile and outcome", table)],
            ),
        ),
        *((paths[name], figure(name)) for name in figures),
    ]
