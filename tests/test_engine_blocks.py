"""Compute blocks: a patient's result does not depend on the chunk it was run in."""

from __future__ import annotations

import jax
import numpy as np
import pytest

from strokesim import engine
from strokesim.cohort.population import sample_population
from strokesim.engine import CPU_BLOCK, compute_block, day_inputs, demand_order, input_horizon
from strokesim.model.dynamics import Passes
from strokesim.model.parameters import model_parameters
from strokesim.model.template import healthy_template
from strokesim.random_streams import patient_keys
from strokesim.simulate import Record, VirtualPatients, simulate
from strokesim.therapy import usual_care
from strokesim.therapy.schedule import compile_protocol

#: Two full blocks and a partial third (the last block is padded).
N = 2 * CPU_BLOCK + 5
DAYS = 6


@pytest.fixture(scope="module")
def runs() -> dict[int, object]:
    ids = [f"blk{i:04d}" for i in range(N)]
    patients = VirtualPatients.from_population(sample_population(ids, 3))
    return {
        size: simulate(
            patients, usual_care(), days=DAYS, record=Record((3, DAYS)), seed=3, chunk_size=size
        )
        for size in (CPU_BLOCK, 2 * CPU_BLOCK, 512, 50)
    }


def test_one_cpu_device_computes_in_blocks() -> None:
    devices = jax.devices()
    if len(devices) == 1 and devices[0].platform == "cpu":
        assert compute_block() == CPU_BLOCK
    else:
        assert compute_block() is None


@pytest.mark.skipif(compute_block() is None, reason="blocks are computed on one CPU device")
def test_chunk_sizes_that_are_whole_blocks_give_bitwise_equal_tables(runs) -> None:
    reference = runs[512]
    for size in (CPU_BLOCK, 2 * CPU_BLOCK):
        for name, variable in reference.data_vars.items():
            assert np.array_equal(
                runs[size][name].values, variable.values, equal_nan=variable.dtype.kind == "f"
            ), (size, name)


def test_any_chunk_size_gives_equal_scores_and_floats_within_1e_6(runs) -> None:
    """Chunks of 50 put patients at other places in a block: last-bit float differences."""
    reference, other = runs[512], runs[50]
    for name, variable in reference.data_vars.items():
        if variable.dtype.kind in "biu":
            assert np.array_equal(other[name].values, variable.values), name
        else:
            np.testing.assert_allclose(
                other[name].values, variable.values, rtol=1e-6, atol=1e-6, err_msg=name
            )


def _per_patient_peak(n: int) -> dict[str, np.ndarray]:
    """Per-patient sensitive-period peaks from 1 to 8: demand varies by patient."""
    return {"plasticity_peak": np.linspace(8.0, 1.0, n).astype(np.float32)}


@pytest.mark.skipif(compute_block() is None, reason="blocks are computed on one CPU device")
def test_patients_of_unlike_demand_are_computed_in_order_of_demand() -> None:
    params = model_parameters()
    inputs = day_inputs(compile_protocol(usual_care(), input_horizon(DAYS)))
    shared = demand_order(N, inputs, 0, DAYS, params, Passes())
    assert shared is None  # shared parameters and protocol: one demand, the batch's order
    order = demand_order(N, inputs, 0, DAYS, {**params, **_per_patient_peak(N)}, Passes())
    assert order is not None
    assert sorted(order) == list(range(N))
    position = np.argsort(order)
    assert position[N - 1] < position[0]  # the lowest peak needs the fewest sub-steps


@pytest.mark.skipif(compute_block() is None, reason="blocks are computed on one CPU device")
def test_sorting_by_demand_returns_each_patient_its_own_result() -> None:
    """The batch computed in order of demand equals the batch computed in its own order."""
    n = CPU_BLOCK + 2
    ids = [f"dem{i:04d}" for i in range(n)]
    desc = VirtualPatients.from_population(sample_population(ids, 5)).descriptors
    keys = patient_keys(5, "patient", ids)
    params = {**model_parameters(), **_per_patient_peak(n)}
    inputs = day_inputs(compile_protocol(usual_care(), input_horizon(DAYS)))
    template = healthy_template(params)
    assert engine.demand_order(n, inputs, 0, DAYS, params, Passes()) is not None
    in_demand_order = engine.run_chunk(
        desc, keys, inputs, (3, DAYS), template, params, passes=Passes()
    )
    own_order = engine._run_blocks(
        desc,
        keys,
        inputs,
        params,
        None,
        None,
        record_days=(3, DAYS),
        template=template,
        passes=Passes(),
        rater_noise=1.0,
        pad_to=None,
        on_day=None,
    )
    for name, values in own_order.outputs.items():
        if values.dtype.kind in "biu":
            assert np.array_equal(in_demand_order.outputs[name], values), name
        else:
            np.testing.assert_allclose(
                in_demand_order.outputs[name], values, rtol=1e-5, atol=1e-6, err_msg=name
            )
