"""The measurement model: proper distributions, floors and ceilings, MEP."""

from __future__ import annotations

import numpy as np

from strokesim.predict.likelihood import (
    INTEGER_SEM,
    MEP_MISCLASSIFICATION,
    integer_loglik,
    is_used,
    observation_loglik,
)


def test_integer_likelihood_is_a_distribution_over_the_scale() -> None:
    mu = np.array([0.0, 12.3, 40.0, 66.0])
    total = sum(np.exp(integer_loglik(y, mu, INTEGER_SEM["fma_ue"], 0, 66)) for y in range(67))
    np.testing.assert_allclose(total, 1.0, atol=1e-9)


def test_integer_likelihood_peaks_at_the_simulated_value_and_keeps_the_tails_at_the_ends() -> None:
    values = np.arange(67.0)
    ll = integer_loglik(20, values, 2.46, 0, 66)
    assert int(np.argmax(ll)) == 20
    # an observed floor score is likely for every simulated value below it
    floor = np.exp(integer_loglik(0, np.array([-5.0, 0.0, 5.0]), 2.46, 0, 66))
    assert floor[0] > 0.95 and floor[1] > 0.5 and floor[2] < 0.1


def test_mep_status_uses_the_misclassification_rate() -> None:
    at = {"mep_present": np.array([True, False])}
    ll = observation_loglik("mep", True, at, {"nihss": np.zeros(2)})
    np.testing.assert_allclose(np.exp(ll), [1 - MEP_MISCLASSIFICATION, MEP_MISCLASSIFICATION])


def test_unused_measures_add_nothing() -> None:
    assert not is_used("fma_ue.shoulder_flexion")
    assert is_used("mrc_finger_extension") and is_used("fma_ue")
    ll = observation_loglik("fma_ue.x", 1, {}, {"nihss": np.zeros(3)})
    np.testing.assert_array_equal(ll, np.zeros(3))


def test_a_measure_the_simulator_does_not_give_is_not_used() -> None:
    ll = observation_loglik("arat", 30, {"fma_ue": np.zeros(2)}, {"nihss": np.zeros(2)})
    np.testing.assert_array_equal(ll, np.zeros(2))
