"""The job queue: progress, one unfinished job per session, a bound, and an LRU result cache."""

from __future__ import annotations

import threading
import time

import pytest

from strokesim.predict.record import record_from_toml
from strokesim.web.jobs import Busy, JobQueue, QueueFull, job_key

from .conftest import TINY


def _record(age: int):
    return record_from_toml(
        {
            "id": "J",
            "age": age,
            "affected_side": "left",
            "observations": [{"day": 3, "measure": "fma_ue", "value": 20}],
        }
    )


def _wait(queue: JobQueue, job, state: str = "done") -> None:
    deadline = time.monotonic() + 10
    while queue.get(job.id).state != state:
        assert time.monotonic() < deadline, queue.get(job.id)
        time.sleep(0.01)


def _quick(record, settings, bars):
    with bars("simulating library", "calibrating") as progress:
        progress(3, 4)
        progress(4, 4)
    return record.age


def test_the_key_is_the_record_and_the_settings() -> None:
    from dataclasses import replace

    assert job_key(_record(60), TINY) == job_key(_record(60), TINY)
    assert job_key(_record(60), TINY) != job_key(_record(61), TINY)
    assert job_key(_record(60), TINY) != job_key(_record(60), replace(TINY, seed=4))


def test_progress_result_and_least_recently_used_eviction() -> None:
    queue = JobQueue(_quick, cache_size=2)
    jobs = []
    for age in (60, 61, 62):
        job = queue.submit(f"owner{age}", _record(age), TINY)
        _wait(queue, job)
        jobs.append(job)
        if age == 61:
            assert queue.submit("other", _record(60), TINY) is jobs[0]  # a hit refreshes it
    assert jobs[0].result == 60 and jobs[0].fraction() == 1.0 and jobs[0].stage == "calibrating"
    assert queue.get(jobs[1].id) is None  # the least recently used was dropped
    assert queue.get(jobs[0].id) is jobs[0] and queue.get(jobs[2].id) is jobs[2]
    assert queue.hits == 1


def test_one_unfinished_job_per_owner_and_a_bound_on_waiting_jobs() -> None:
    release = threading.Event()

    def slow(record, settings, bars):
        assert release.wait(10)

    queue = JobQueue(slow, max_pending=2)
    first = queue.submit("a", _record(60), TINY)
    with pytest.raises(Busy) as busy:
        queue.submit("a", _record(61), TINY)
    assert busy.value.job is first
    second = queue.submit("b", _record(61), TINY)
    assert queue.position(second) == (1 if first.state == "queued" else 0)
    with pytest.raises(QueueFull):
        queue.submit("c", _record(62), TINY)
    release.set()
    _wait(queue, second)
    assert queue.counts() == {"done": 2}


def test_a_failed_job_says_why_and_is_not_cached() -> None:
    from strokesim.errors import UserInputError

    def bad(record, settings, bars):
        raise UserInputError("--horizon", "must be after the last observation day 40")

    def broken(record, settings, bars):
        raise RuntimeError("patient J, age 60")  # never shown nor logged

    queue = JobQueue(bad)
    job = queue.submit("a", _record(60), TINY)
    _wait(queue, job, "failed")
    assert job.error == "--horizon: must be after the last observation day 40"
    assert job.error_status == 422
    assert queue.submit("a", _record(60), TINY) is not job  # tried again
    queue = JobQueue(broken)
    job = queue.submit("a", _record(60), TINY)
    _wait(queue, job, "failed")
    assert job.error_status == 500 and "age 60" not in job.error
