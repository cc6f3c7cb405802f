"""How each result variable is shown: title, axis label with unit, fixed axis range."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SCALES", "Scale", "scale_for"]


@dataclass(frozen=True)
class Scale:
    """Display settings of one result variable.

    Attributes
    ----------
    title
        Panel title (the scale spelled out once).
    axis_label
        Axis label with unit and range.
    low, high
        Fixed axis range; ``high=None`` means "from ``low`` to the data maximum".
    ticks
        Optional tick positions and labels (e.g. MAS grade 1.5 shown as "1+").
    """

    title: str
    axis_label: str
    low: float
    high: float | None
    ticks: tuple[tuple[float, ...], tuple[str, ...]] | None = None


_MAS_TICKS = ((0.0, 1.0, 1.5, 2.0, 3.0, 4.0), ("0", "1", "1+", "2", "3", "4"))

#: Display settings of the result variables of ``docs/dataset.md``.
SCALES: dict[str, Scale] = {
    "fma_ue": Scale("Fugl-Meyer upper extremity (FMA-UE)", "FMA-UE (points, 0–66)", 0, 66),
    "arat": Scale("Action Research Arm Test (ARAT)", "ARAT (points, 0–57)", 0, 57),
    "safe": Scale("SAFE (shoulder abd. + finger ext.)", "SAFE (MRC points, 0–10)", 0, 10),
    "grip_kg": Scale("Paretic grip strength", "Grip strength (kg)", 0, None),
    "mas_elbow": Scale(
        "Elbow flexor spasticity (MAS)", "Modified Ashworth grade", 0, 4, _MAS_TICKS
    ),
    "mas_wrist": Scale(
        "Wrist flexor spasticity (MAS)", "Modified Ashworth grade", 0, 4, _MAS_TICKS
    ),
    "mep_amplitude_mv": Scale("Motor evoked potential (MEP)", "MEP amplitude (mV)", 0, None),
    "rmt_percent": Scale("Resting motor threshold", "RMT (% stimulator output)", 0, 100),
    "ihi_ratio": Scale("Interhemispheric inhibition", "IHI ratio (conditioned / test)", 0, 1.5),
    "mep_contralesional_mv": Scale(
        "Contralesional MEP (non-paretic hand)", "MEP amplitude (mV)", 0, None
    ),
    "ihi_ratio_contralesional": Scale(
        "Inhibition onto contralesional M1", "IHI ratio (conditioned / test)", 0, 1.5
    ),
    "laterality_index": Scale("Laterality index (1 = normal)", "Laterality index (−1 to 1)", -1, 1),
    "paretic_use_fraction": Scale(
        "Paretic arm use in daily life", "Share of arm actions (fraction)", 0, 1
    ),
    "mal_amount": Scale("Motor Activity Log, amount", "MAL amount (0–5)", 0, 5),
    "nonparetic_dexterity": Scale(
        "Non-paretic hand dexterity", "Dexterity (% of healthy adult)", 0, 100
    ),
    "paretic_dexterity": Scale(
        "Paretic hand dexterity (timed)", "Dexterity (% of healthy adult)", 0, None
    ),
    "cortical_activity": Scale(
        "Ipsilesional vs contralesional M1", "M1 activity (model units)", 0, None
    ),
}


def scale_for(variable: str) -> Scale:
    """Display settings of ``variable``; a plain fallback for unknown names.

    Parameters
    ----------
    variable
        Name of a result variable.

    Returns
    -------
    Scale

    Examples
    --------
    >>> scale_for("fma_ue").high
    66
    >>> scale_for("my_metric").axis_label
    'my_metric'
    """
    return SCALES.get(variable, Scale(variable, variable, 0, None))
