"""The outcome table that ``strokesim simulate`` and ``strokesim demo`` print.

One row per patient as the user described them: a patient given by explicit
lesion parameters is one virtual patient; a patient given by clinical findings
expands into several plausible lesions (coordinate ``source_patient``), whose
outcomes are summarised by their median and 10–90% range.

Examples
--------
>>> from strokesim.report._demo_data import synthetic_dataset
>>> table = outcome_summary(synthetic_dataset(days=[3, 90, 180]))
>>> list(table.columns)[2:]
['FMA-UE day 3', 'FMA-UE day 90', 'FMA-UE day 180', 'ARAT day 180', 'MEP day 3']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from strokesim.simulate import MAX_DAYS, Record

__all__ = [
    "FMA_UE_BANDS",
    "SUMMARY_DAYS",
    "fma_ue_band",
    "outcome_summary",
    "summary_record",
]

#: Days shown in the summary besides the last simulated day: the baseline
#: assessment (day 3, as in PREP2) and the 3-month outcome (day 90).
SUMMARY_DAYS: tuple[int, ...] = (3, 90)

#: Impairment bands of the FMA-UE motor score (upper bound of each band, inclusive):
#: Woytowicz et al. 2017 Arch Phys Med Rehabil 98:456 (severe 0–28, moderate 29–42,
#: mild 43–66).
FMA_UE_BANDS: tuple[tuple[str, int], ...] = (("severe", 28), ("moderate", 42), ("mild", 66))

_QUANTILES = (0.1, 0.5, 0.9)


def fma_ue_band(score: float) -> str:
    """Impairment band of an FMA-UE motor score (``"severe"``, ``"moderate"`` or ``"mild"``).

    Examples
    --------
    >>> fma_ue_band(27), fma_ue_band(29), fma_ue_band(60)
    ('severe', 'moderate', 'mild')
    """
    for name, upper in FMA_UE_BANDS:
        if score <= upper:
            return name
    raise ValueError(f"FMA-UE score {score} exceeds 66")


def summary_record(days: int) -> Record:
    """Assessment days of a run whose summary shows days 3, 90 and the last day.

    :meth:`strokesim.simulate.Record.default` plus day 90 (when simulated), so the
    3-month outcome is always assessed.

    Examples
    --------
    >>> 90 in summary_record(180).days, summary_record(30).days[-1]
    (True, 30)
    """
    base = Record.default(days).days
    extra = tuple(d for d in SUMMARY_DAYS if d <= min(days, MAX_DAYS))
    return Record(base + extra)


def outcome_summary(ds: xr.Dataset) -> pd.DataFrame:
    """One row per source patient: FMA-UE on days 3, 90 and last, ARAT last, MEP day 3.

    Parameters
    ----------
    ds
        Result of :func:`strokesim.simulate` (``docs/dataset.md``). Days that were
        not recorded are left out of the table.

    Returns
    -------
    pandas.DataFrame
        Display strings. Columns ``Patient``, ``Lesions`` (virtual patients behind
        the row), ``FMA-UE day d`` for each shown day, ``ARAT day <last>`` and
        ``MEP day 3``. A row of several lesions shows ``median [p10–p90]`` and the
        share of lesions with an MEP; a row of one lesion shows the value and the
        MEP amplitude.
    """
    recorded = [int(d) for d in ds["day"].values]
    last = recorded[-1]
    fma_days = [d for d in dict.fromkeys([*SUMMARY_DAYS, last]) if d in recorded]
    mep_day = SUMMARY_DAYS[0] if SUMMARY_DAYS[0] in recorded else recorded[0]
    sources = ds["source_patient"].values if "source_patient" in ds.coords else ds["patient"].values
    rows = []
    for source in dict.fromkeys(str(s) for s in sources):
        members = ds.isel(patient=np.flatnonzero(sources.astype(str) == source))
        row = {"Patient": source, "Lesions": str(members.sizes["patient"])}
        for day in fma_days:
            row[f"FMA-UE day {day}"] = _spread(members["fma_ue"].sel(day=day).values)
        if "arat" in members:
            row[f"ARAT day {last}"] = _spread(members["arat"].sel(day=last).values)
        if "mep_present" in members:
            row[f"MEP day {mep_day}"] = _mep(members.sel(day=mep_day))
        rows.append(row)
    return pd.DataFrame(rows)


def _spread(values: np.ndarray) -> str:
    values = np.asarray(values, dtype=float)
    if values.size == 1:
        return f"{values[0]:.0f}"
    low, median, high = np.quantile(values, _QUANTILES)
    return f"{median:.0f} [{low:.0f}–{high:.0f}]"


def _mep(at_day: xr.Dataset) -> str:
    present = at_day["mep_present"].values.astype(bool)
    if present.size > 1:
        return f"MEP+ in {int(present.sum())} of {present.size}"
    if not present[0]:
        return "absent"
    if "mep_amplitude_mv" in at_day:
        return f"present ({float(at_day['mep_amplitude_mv'].values[0]):.2f} mV)"
    return "present"
