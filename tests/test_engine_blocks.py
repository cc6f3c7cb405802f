"""Compute blocks: a patient's result does not depend on the chunk it was run in."""

from __future__ import annotations

import jax
import numpy as np
import pytest

from strokesim.cohort.population import sample_population
from strokesim.engine import CPU_BLOCK, compute_block
from strokesim.simulate import Record, VirtualPatients, simulate
from strokesim.therapy import usual_care

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
