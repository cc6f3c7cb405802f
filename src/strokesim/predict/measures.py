"""The measures a patient record may hold, with their allowed values.

Each measure is checked by :func:`parse_value`, which turns a raw value (a CSV
cell or a TOML value) into the stored type or raises a one-line
:class:`~strokesim.errors.UserInputError` naming the field.

=====================  =================================================  ==========
measure                allowed values                                     stored as
=====================  =================================================  ==========
``fma_ue``             Fugl-Meyer upper extremity motor total, 0–66       int
``fma_ue.<item>``      one FMA-UE item (``model.anatomy.FMA_ITEMS``), 0–2  int
``arat``               Action Research Arm Test, 0–57                     int
``safe``               SAFE (shoulder abduction + finger extension), 0–10  int
``mrc_<muscle>``       MRC grade of one muscle (``model.anatomy.MUSCLES``),  int
                       0–5
``nihss``              NIH Stroke Scale, 0–42                             int
``mep``                upper-limb MEP present / absent (also true/false,  bool
                       +/-, yes/no, 1/0)
``mep_amplitude_mv``   MEP peak-to-peak amplitude, mV, ≥ 0                float
``cst_lesion_load``    corticospinal tract lesion load, 0–1               float
``lesion_volume_ml``   lesion volume, mL, > 0                             float
``mas_elbow``          Modified Ashworth Scale at the elbow:              str
                       0, 1, 1+, 2, 3, 4
``dexterity``          timed paretic-hand dexterity (Box and Block /      float
                       Nine-Hole-Peg-like), % of a healthy adult, 0–200
                       (simulated variable ``paretic_dexterity``)
=====================  =================================================  ==========

Sources: FMA-UE 0–66 (Fugl-Meyer et al. 1975 Scand J Rehabil Med 7:13); ARAT
0–57 (Lyle 1981 Int J Rehabil Res 4:483); SAFE 0–10 (Stinear et al. 2017 Ann
Neurol 81:402, PREP2); MRC 0–5 (Medical Research Council 1976); NIHSS 0–42
(Brott et al. 1989 Stroke 20:864); MAS (Bohannon & Smith 1987 Phys Ther 67:206);
dexterity in % of age norms (Box and Block norms of Mathiowetz et al. 1985 Am J Occup
Ther 39:386; the bound 200 is twice a healthy adult, far above any published score).
"""

from __future__ import annotations

import math
from typing import Final

from strokesim.errors import UserInputError
from strokesim.model.anatomy import FMA_ITEMS, MUSCLES

__all__ = ["INTEGER_SCALES", "MAS_GRADES", "Value", "is_measure", "parse_value"]

#: A stored observation value.
Value = int | float | bool | str

#: Integer scales: name -> (minimum, maximum).
INTEGER_SCALES: Final[dict[str, tuple[int, int]]] = {
    "fma_ue": (0, 66),
    "arat": (0, 57),
    "safe": (0, 10),
    "nihss": (0, 42),
}
_ITEM_RANGE: Final = (0, 2)
_MRC_RANGE: Final = (0, 5)
#: Modified Ashworth grades, in order.
MAS_GRADES: Final[tuple[str, ...]] = ("0", "1", "1+", "2", "3", "4")
_MEP_WORDS: Final[dict[str, bool]] = {
    "present": True,
    "absent": False,
    "true": True,
    "false": False,
    "+": True,
    "-": False,
    "yes": True,
    "no": False,
    "1": True,
    "0": False,
}
_FLOATS: Final[dict[str, tuple[float, float | None, bool]]] = {
    # name -> (minimum, maximum or None, minimum excluded)
    "mep_amplitude_mv": (0.0, None, False),
    "cst_lesion_load": (0.0, 1.0, False),
    "lesion_volume_ml": (0.0, None, True),
    "dexterity": (0.0, 200.0, False),
}


def _integer_range(measure: str) -> tuple[int, int] | None:
    if measure in INTEGER_SCALES:
        return INTEGER_SCALES[measure]
    if measure.startswith("fma_ue.") and measure.removeprefix("fma_ue.") in FMA_ITEMS:
        return _ITEM_RANGE
    if measure.startswith("mrc_") and measure.removeprefix("mrc_") in MUSCLES:
        return _MRC_RANGE
    return None


def is_measure(measure: str) -> bool:
    """Whether ``measure`` is a known measure name."""
    return (
        _integer_range(measure) is not None or measure in _FLOATS or measure in ("mep", "mas_elbow")
    )


def _number(raw: object) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    if isinstance(raw, str):
        try:
            return float(raw.strip())
        except ValueError:
            return None
    return None


def parse_value(measure: str, raw: object, field: str) -> Value:
    """Check one observation and return its stored value.

    Parameters
    ----------
    measure
        Measure name (see the module table).
    raw
        The value as read: a CSV cell (str) or a TOML value.
    field
        Dotted name used in error messages, e.g. ``"observations[3].value"``.

    Raises
    ------
    strokesim.errors.UserInputError
        If the measure is unknown or the value is outside its allowed values.
    """
    bounds = _integer_range(measure)
    if bounds is not None:
        lo, hi = bounds
        x = _number(raw)
        if x is None or not math.isfinite(x) or x != round(x) or not lo <= x <= hi:
            raise UserInputError(field, f"{measure} must be an integer in {lo}–{hi}, got {raw!r}")
        return int(x)
    if measure in _FLOATS:
        lo, hi, open_lo = _FLOATS[measure]
        x = _number(raw)
        ok = x is not None and math.isfinite(x) and (x > lo if open_lo else x >= lo)
        ok = ok and (hi is None or x <= hi)
        if not ok:
            allowed = f"{'>' if open_lo else '≥'} {lo:g}" if hi is None else f"in {lo:g}–{hi:g}"
            raise UserInputError(field, f"{measure} must be a number {allowed}, got {raw!r}")
        return float(x)  # type: ignore[arg-type]
    if measure == "mep":
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word not in _MEP_WORDS:
            raise UserInputError(
                field, f"mep must be present/absent (or true/false, +/-), got {raw!r}"
            )
        return _MEP_WORDS[word]
    if measure == "mas_elbow":
        grade = "" if isinstance(raw, bool) else str(raw).strip()
        if isinstance(raw, float) and raw.is_integer():
            grade = str(int(raw))
        if grade not in MAS_GRADES:
            raise UserInputError(
                field, f"mas_elbow must be one of {', '.join(MAS_GRADES)}, got {raw!r}"
            )
        return grade
    raise UserInputError(
        field.rsplit(".", 1)[0] + ".measure",
        f"unknown measure {measure!r} (known: fma_ue, fma_ue.<item>, arat, safe, "
        "mrc_<muscle>, nihss, mep, mep_amplitude_mv, cst_lesion_load, lesion_volume_ml, "
        "mas_elbow)",
    )
