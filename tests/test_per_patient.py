"""Per-patient values at the API edge: one-line errors naming the field, nothing run.

Every check here fails before the engine compiles anything.
"""

from __future__ import annotations

import numpy as np
import pytest

from strokesim import simulate
from strokesim.errors import UserInputError
from strokesim.model.parameters import REGISTRY
from strokesim.patient import LesionSpec, PatientSpec
from strokesim.per_patient import (
    SHARED_ONLY,
    check_entry_days,
    check_patient_params,
    check_patient_protocols,
)
from strokesim.therapy import no_therapy, usual_care

SPECS = [
    PatientSpec(
        id=f"s{i}", age=60 + i, affected_side="left", lesion=LesionSpec(affected=0.3, cst_load=0.2)
    )
    for i in range(3)
]


def _value(name: str) -> float:
    return REGISTRY[name].value


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"patient_params": {"no_such_parameter": [1, 2, 3]}}, "no_such_parameter", "unknown"),
        ({"patient_params": {"ihi_strength": [0.3] * 3}}, "ihi_strength", "per patient"),
        ({"patient_params": {"stunned_share_mean": [0.3] * 3}}, "stunned_share_mean", "patient"),
        ({"patient_params": {"learning_rate": [0.005] * 2}}, "learning_rate", "3"),
        ({"patient_params": {"learning_rate": [[0.005] * 3]}}, "learning_rate", "1-D"),
        ({"patient_params": {"learning_rate": [0.005, 0.005, 1.0]}}, "learning_rate", "0.001"),
        ({"patient_params": {"learning_rate": [0.005, np.nan, 0.005]}}, "learning_rate", "nan"),
        ({"patient_params": {"learning_rate": ["a", "b", "c"]}}, "learning_rate", "numbers"),
        ({"entry_day": [0, -1, 2]}, "entry_day", "-1"),
        ({"entry_day": [0, 1.5, 2]}, "entry_day", "integers"),
        ({"entry_day": [0, 1]}, "entry_day", "3"),
        ({"entry_day": [0, 3641, 0]}, "entry_day", "0–3640"),
    ],
)
def test_simulate_refuses_bad_per_patient_values(kwargs, field, words) -> None:
    with pytest.raises(UserInputError) as err:
        simulate(SPECS, days=10, **kwargs)
    message = str(err.value)
    assert "\n" not in message
    assert field in message
    assert words in message


def test_simulate_refuses_a_per_patient_protocol_list_of_the_wrong_length_or_type() -> None:
    with pytest.raises(UserInputError, match=r"^protocol: must have 3 .*got 2$"):
        simulate(SPECS, [usual_care(), no_therapy()], days=10)
    with pytest.raises(UserInputError, match=r"^protocol\[1\]: must be a Protocol"):
        simulate(SPECS, [usual_care(), "usual_care", no_therapy()], days=10)
    with pytest.raises(UserInputError, match=r"^protocol: must be a Protocol or one per"):
        simulate(SPECS, "usual_care", days=10)


def test_every_shared_only_name_is_refused_and_every_other_registry_name_accepted() -> None:
    for name, p in REGISTRY.items():
        values = {name: [p.value, p.low, p.high]}
        if name in SHARED_ONLY:
            with pytest.raises(UserInputError, match=name):
                check_patient_params(values, 3)
        else:
            got = check_patient_params(values, 3)[name]
            assert got.dtype == np.float32
            np.testing.assert_allclose(got, [p.value, p.low, p.high], rtol=1e-6)


def test_values_per_patient_spec_expand_to_its_plausible_lesions() -> None:
    # three specs expanded to 2, 1 and 3 virtual patients
    expand = np.array([0, 0, 1, 2, 2, 2])
    got = check_patient_params({"learning_rate": [0.002, 0.004, 0.008]}, 6, expand)
    np.testing.assert_allclose(got["learning_rate"], [0.002, 0.002, 0.004, 0.008, 0.008, 0.008])
    np.testing.assert_array_equal(
        check_entry_days([1, 2, 3], 6, 10, 3650, expand), [1, 1, 2, 3, 3, 3]
    )
    distinct, index = check_patient_protocols([usual_care(), no_therapy(), usual_care()], 6, expand)
    assert [p.name for p in distinct] == [usual_care().name, no_therapy().name]
    np.testing.assert_array_equal(index, [0, 0, 1, 0, 0, 0])
    # one value per virtual patient is taken as given
    got = check_patient_params({"learning_rate": np.linspace(0.002, 0.007, 6)}, 6, expand)
    np.testing.assert_allclose(got["learning_rate"], np.linspace(0.002, 0.007, 6), rtol=1e-6)
    with pytest.raises(UserInputError, match=r"6 \(one per virtual patient\) or 3"):
        check_patient_params({"learning_rate": [0.002] * 4}, 6, expand)
