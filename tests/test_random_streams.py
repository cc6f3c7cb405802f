"""Random streams are keyed by (root seed, purpose, patient id) and stable across versions.

The known values pin the derivation: if they change, every stored result and
every published seed would silently give different virtual patients.
"""

from __future__ import annotations

import hashlib

import jax
import numpy as np
import pytest

from strokesim.random_streams import PURPOSES, id_hash, patient_keys


@pytest.mark.parametrize(
    ("patient_id", "expected"),
    [("p1", 2116592379), ("patient-0001", 1658965360), ("", 560093297), ("ö-ü", 1864850750)],
)
def test_id_hash_known_values(patient_id, expected) -> None:
    assert id_hash(patient_id) == expected
    digest = hashlib.sha256(patient_id.encode()).digest()
    assert expected == int.from_bytes(digest[:4], "little") >> 1
    assert 0 <= expected < 2**31


def test_purposes_are_fixed_and_distinct() -> None:
    assert PURPOSES == {"patient": 1, "population": 2, "candidates": 4, "trial": 5}
    # 3 is taken by the assessment stream (strokesim.assess.battery)
    from strokesim.assess.battery import ASSESSMENT_PURPOSE

    assert ASSESSMENT_PURPOSE not in PURPOSES.values()


def test_patient_keys_known_values() -> None:
    keys = patient_keys(0, "patient", ["p1", "p2"])
    assert jax.config.jax_default_prng_impl == "threefry2x32"
    np.testing.assert_array_equal(
        np.asarray(jax.random.key_data(keys)), [[2128465103, 1188261347], [2563708097, 2283336367]]
    )
    trial = patient_keys(42, "trial", ["p1"])
    np.testing.assert_array_equal(np.asarray(jax.random.key_data(trial)), [[54617689, 1450994652]])


def test_keys_depend_on_id_not_on_position_or_batch() -> None:
    ids = ["a", "b", "c", "d"]
    together = np.asarray(jax.random.key_data(patient_keys(7, "patient", ids)))
    reversed_ = np.asarray(jax.random.key_data(patient_keys(7, "patient", ids[::-1])))
    np.testing.assert_array_equal(together, reversed_[::-1])
    for i, pid in enumerate(ids):
        alone = np.asarray(jax.random.key_data(patient_keys(7, "patient", [pid])))
        np.testing.assert_array_equal(alone[0], together[i])


def test_keys_differ_by_seed_purpose_and_id() -> None:
    def data(seed, purpose, pid):
        return tuple(np.asarray(jax.random.key_data(patient_keys(seed, purpose, [pid])))[0])

    variants = {
        data(0, "patient", "a"),
        data(1, "patient", "a"),
        data(0, "trial", "a"),
        data(0, "population", "a"),
        data(0, "patient", "b"),
    }
    assert len(variants) == 5


def test_unknown_purpose_is_a_developer_error() -> None:
    with pytest.raises(KeyError):
        patient_keys(0, "weather", ["a"])
