"""PatientSpec: a validated description of one stroke patient.

A patient is given either by explicit lesion parameters (for mechanistic
studies) or by clinical descriptors (for prognosis); in the latter case the
simulator samples lesions consistent with them
(:func:`strokesim.predict.lesion_inference.plausible_lesions`).

TOML form::

    [patient]
    id = "moderate-01"
    age = 68
    affected_side = "left"

    [patient.clinical]          # or [patient.lesion]
    assessed_day = 3
    fma_ue = 30
    safe = 4
    mep_present = true
    nihss = 8
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from strokesim.errors import UserInputError
from strokesim.io.toml_config import read_toml
from strokesim.therapy._errors import first_validation_error

__all__ = ["ClinicalDescriptors", "LesionSpec", "PatientSpec", "load_patients"]

Fraction = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LesionSpec(_Strict):
    """Explicit lesion parameters (fractions in [0, 1]).

    Attributes
    ----------
    affected
        Share of ipsilesional M1 units hit by the stroke (dead + stunned).
    cst_load
        Corticospinal tract lesion load: share of surviving units whose axon is cut.
    stunned_share
        Share of affected units that are stunned and return; default: registry mean.
    premotor_damage
        Share of ipsilesional premotor units destroyed.
    """

    affected: Fraction
    cst_load: Fraction
    stunned_share: Fraction | None = None
    premotor_damage: Fraction = 0.0


class ClinicalDescriptors(_Strict):
    """Clinical findings from which consistent lesions are sampled.

    Attributes
    ----------
    assessed_day
        Day since onset of these assessments (days, 1–90).
    fma_ue
        Fugl-Meyer upper-extremity motor score, 0–66.
    safe
        SAFE score (shoulder abduction + finger extension MRC), 0–10.
    mep_present
        Motor evoked potential in a paretic hand muscle.
    nihss
        NIH Stroke Scale, 0–42.
    cst_lesion_load
        Corticospinal tract lesion load from imaging, 0–1.
    lesion_volume_ml
        Infarct volume (ml), 0–500.
    """

    assessed_day: Annotated[int, Field(ge=1, le=90)] = 3
    fma_ue: Annotated[int, Field(ge=0, le=66)]
    safe: Annotated[int, Field(ge=0, le=10)] | None = None
    mep_present: bool | None = None
    nihss: Annotated[int, Field(ge=0, le=42)] | None = None
    cst_lesion_load: Fraction | None = None
    lesion_volume_ml: Annotated[float, Field(ge=0.0, le=500.0, allow_inf_nan=False)] | None = None


class PatientSpec(_Strict):
    """One patient: identity, age, side, and a lesion or clinical descriptors."""

    id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")]
    age: Annotated[float, Field(ge=18.0, le=110.0, allow_inf_nan=False)]
    affected_side: Literal["left", "right"]
    lesion: LesionSpec | None = None
    clinical: ClinicalDescriptors | None = None

    @model_validator(mode="after")
    def _one_description(self) -> PatientSpec:
        if (self.lesion is None) == (self.clinical is None):
            raise ValueError("give exactly one of [patient.lesion] or [patient.clinical]")
        return self


def _parse(data: object, prefix: str) -> PatientSpec:
    try:
        return PatientSpec.model_validate(data)
    except ValidationError as exc:
        raise first_validation_error(exc, prefix, data=data) from None


def load_patients(path: str | Path) -> list[PatientSpec]:
    """Read one ``[patient]`` table or a ``[[patients]]`` array from a TOML file.

    Raises
    ------
    UserInputError
        One line naming the file or field and the allowed values.
    """
    data = read_toml(path)
    if "patient" in data and "patients" in data:
        raise UserInputError(str(path), "give either [patient] or [[patients]], not both")
    if "patient" in data:
        return [_parse(data["patient"], "patient")]
    if "patients" in data:
        entries = data["patients"]
        if not isinstance(entries, list) or not entries:
            raise UserInputError("patients", "must be a non-empty array of tables [[patients]]")
        specs = [_parse(e, f"patients[{i}]") for i, e in enumerate(entries)]
        ids = [s.id for s in specs]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise UserInputError("patients.id", f"must be unique, repeated: {', '.join(dup)}")
        return specs
    raise UserInputError(str(path), "missing table [patient] (or [[patients]])")
