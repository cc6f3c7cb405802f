"""Planning: contiguous chunks that cover every patient once; checked sizes and counts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strokesim.errors import UserInputError
from strokesim.jobs import check_chunk_size, check_workers, plan
from strokesim.jobs.plan import MAX_CHUNK_SIZE, MAX_WORKERS


@given(st.integers(1, 5000), st.integers(1, 600))
def test_chunks_cover_every_patient_once_in_order(n: int, size: int) -> None:
    chunks = plan(n, size)
    covered = [i for chunk in chunks for i in range(chunk.start, chunk.stop)]
    assert covered == list(range(n))
    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert all(c.size == size for c in chunks[:-1])
    assert 1 <= chunks[-1].size <= size
    assert plan(n, size) == chunks  # deterministic


def test_chunk_names_sort_in_run_order() -> None:
    names = [c.name for c in plan(25, 2)]
    assert names == sorted(names)
    assert plan(10, 4)[2].describe() == "chunk 2 (patients 8–9)"


@pytest.mark.parametrize("size", [0, -1, MAX_CHUNK_SIZE + 1])
def test_bad_chunk_size_names_field_and_range(size: int) -> None:
    with pytest.raises(UserInputError) as caught:
        check_chunk_size(size)
    assert caught.value.field == "--chunk-size"
    assert f"1–{MAX_CHUNK_SIZE}" in caught.value.problem


@pytest.mark.parametrize("workers", [0, -3, MAX_WORKERS + 1])
def test_bad_workers_names_field_and_range(workers: int) -> None:
    with pytest.raises(UserInputError) as caught:
        check_workers(workers)
    assert caught.value.field == "--workers"
    assert f"1–{MAX_WORKERS}" in caught.value.problem


def test_no_patients_is_refused() -> None:
    with pytest.raises(UserInputError):
        plan(0, 8)
