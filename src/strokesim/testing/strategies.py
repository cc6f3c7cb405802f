"""Hypothesis strategies for valid strokesim inputs, shared by every property test.

Generating inputs in one place keeps property tests honest: each draws from the
same definition of "a valid patient", so a test cannot quietly narrow it.

Examples
--------
>>> from hypothesis import given, settings
>>> from strokesim.testing.strategies import patient_batches
>>> @settings(max_examples=3, deadline=None)
... @given(patient_batches(size=4))
... def test_ids_unique(batch):
...     assert len({p.id for p in batch}) == 4
>>> test_ids_unique()
"""

from __future__ import annotations

from collections.abc import Sequence

try:
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover - hypothesis is a dev dependency
    raise ImportError(
        "strokesim.testing.strategies needs hypothesis, a development dependency: "
        "pip install 'strokesim[dev]'"
    ) from error

from strokesim.model.parameters import REGISTRY, model_parameters
from strokesim.patient import ClinicalDescriptors, LesionSpec, PatientSpec
from strokesim.therapy.schema import Protocol, parse_protocol

__all__ = [
    "ages",
    "clinical_descriptors",
    "fractions",
    "lesion_specs",
    "parameter_corners",
    "patient_batches",
    "patient_ids",
    "patient_specs",
    "training_protocols",
]

#: Ages a PatientSpec accepts (years).
AGE_RANGE = (18.0, 110.0)


def fractions() -> st.SearchStrategy[float]:
    """A finite fraction in [0, 1], with the end points drawn often."""
    return st.one_of(
        st.sampled_from([0.0, 1.0]),
        st.floats(min_value=0.0, max_value=1.0, allow_nan=False, allow_infinity=False),
    )


def ages() -> st.SearchStrategy[float]:
    """An age in years that :class:`~strokesim.patient.PatientSpec` accepts (18–110)."""
    return st.floats(min_value=AGE_RANGE[0], max_value=AGE_RANGE[1], allow_nan=False)


def patient_ids() -> st.SearchStrategy[str]:
    """A valid patient id (letters, digits, ``_.-``; 1–64 characters)."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"
    return st.text(alphabet=alphabet, min_size=1, max_size=16)


@st.composite
def lesion_specs(draw: st.DrawFn) -> LesionSpec:
    """Explicit lesion parameters over their whole valid range."""
    return LesionSpec(
        affected=draw(fractions()),
        cst_load=draw(fractions()),
        stunned_share=draw(st.one_of(st.none(), fractions())),
        premotor_damage=draw(fractions()),
    )


@st.composite
def clinical_descriptors(draw: st.DrawFn) -> ClinicalDescriptors:
    """Clinical findings over their valid ranges (optional fields sometimes omitted)."""
    maybe = lambda strategy: st.one_of(st.none(), strategy)  # noqa: E731
    return ClinicalDescriptors(
        assessed_day=draw(st.integers(1, 90)),
        fma_ue=draw(st.integers(0, 66)),
        safe=draw(maybe(st.integers(0, 10))),
        mep_present=draw(maybe(st.booleans())),
        nihss=draw(maybe(st.integers(0, 42))),
        cst_lesion_load=draw(maybe(fractions())),
        lesion_volume_ml=draw(maybe(st.floats(0.0, 500.0, allow_nan=False))),
    )


@st.composite
def patient_specs(
    draw: st.DrawFn, *, patient_id: str | None = None, clinical: bool = False
) -> PatientSpec:
    """A valid patient with an explicit lesion (or, with ``clinical=True``, findings)."""
    description = (
        {"clinical": draw(clinical_descriptors())} if clinical else {"lesion": draw(lesion_specs())}
    )
    return PatientSpec(
        id=patient_id if patient_id is not None else draw(patient_ids()),
        age=draw(ages()),
        affected_side=draw(st.sampled_from(["left", "right"])),
        **description,
    )


@st.composite
def patient_batches(draw: st.DrawFn, *, size: int, prefix: str = "p") -> list[PatientSpec]:
    """``size`` lesion-described patients with unique ids ``<prefix>00``, ``<prefix>01``, ...

    A fixed size lets a property test put every example through one compiled batch
    shape (compiling dominates the cost of short simulations).
    """
    return [draw(patient_specs(patient_id=f"{prefix}{i:02d}")) for i in range(size)]


@st.composite
def training_protocols(
    draw: st.DrawFn, *, max_components: int = 3, last_day: int = 120
) -> Protocol:
    """A valid protocol of 0–``max_components`` task-training blocks starting by ``last_day``."""
    components = []
    for _ in range(draw(st.integers(0, max_components))):
        components.append(
            {
                "kind": "task_training",
                "start_day": draw(st.integers(0, last_day)),
                "duration_days": draw(st.integers(1, 120)),
                "sessions_per_week": draw(st.integers(1, 7)),
                "trials_per_session": draw(st.integers(1, 500)),
            }
        )
    return parse_protocol({"name": "generated", "components": components})


def parameter_corners(
    names: Sequence[str] | None = None,
) -> st.SearchStrategy[dict[str, float]]:
    """Model parameters with each named parameter at the low or high end of its range.

    Parameters
    ----------
    names
        Registry names to vary (default: all); the rest keep their registry values.
    """
    chosen = tuple(REGISTRY) if names is None else tuple(names)

    def build(ends: tuple[bool, ...]) -> dict[str, float]:
        overrides = {
            name: REGISTRY[name].high if high else REGISTRY[name].low
            for name, high in zip(chosen, ends, strict=True)
        }
        return model_parameters(**overrides)

    return st.tuples(*(st.booleans() for _ in chosen)).map(build)
