"""Background calibrations: a bounded queue, progress, and a cache by record and settings.

Each submission becomes a :class:`Job` run by a small thread pool (one worker
by default: a calibration already uses every core through XLA), so page
requests are answered at once while the work waits its turn. A finished result
is kept in memory, keyed by the hash of the record and the settings (seed
included); a submission with the same key gets the same job back, finished or
not. One browser session (its ``owner`` token) may have one unfinished job at a
time, and at most ``max_pending`` jobs wait in all. Jobs hold the patient's data
in memory only; what is logged is the job's id, state and timing.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from strokesim.errors import UserInputError
from strokesim.predict.pipeline import Bars, Settings
from strokesim.predict.record import PatientRecord

__all__ = ["Busy", "Job", "JobQueue", "QueueFull", "job_key"]

log = logging.getLogger("strokesim.web")

#: ``compute(record, settings, bars)``: the work of one job; its return value is the result.
Compute = Callable[[PatientRecord, Settings, Bars], Any]


def job_key(record: PatientRecord, settings: Settings) -> str:
    """SHA-256 of the record's content and the settings (the cache key)."""
    text = repr((record, asdict(settings)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Job:
    """One calibration: state, progress and, once done, its result or error.

    Attributes
    ----------
    id
        Unguessable token naming the job in URLs.
    key
        :func:`job_key` of its record and settings.
    owner
        Token of the browser session that submitted it first.
    state
        ``queued``, ``running``, ``done`` or ``failed``.
    stage, done, total
        The current simulation stage and its progress (patients simulated / total).
    stages
        Number of stages expected (2 with a plan, 1 without).
    stage_index
        Stages begun so far.
    """

    id: str
    key: str
    owner: str
    state: str = "queued"
    stage: str = "waiting in the queue"
    done: int = 0
    total: int = 0
    stages: int = 1
    stage_index: int = 0
    submitted: float = field(default_factory=time.monotonic)
    started: float | None = None
    finished: float | None = None
    used: float = 0.0
    result: Any = None
    error: str | None = None
    error_status: int = 500

    @property
    def unfinished(self) -> bool:
        """Queued or running."""
        return self.state in ("queued", "running")

    def fraction(self) -> float:
        """Share of the work done, 0–1 (stages count equally)."""
        if self.state == "done":
            return 1.0
        if self.stage_index == 0:
            return 0.0
        within = self.done / self.total if self.total else 0.0
        return min((self.stage_index - 1 + within) / self.stages, 0.99)


def _last_use(job: Job) -> float:
    return max(job.used, job.finished or 0.0)


class Busy(Exception):
    """The session already has an unfinished job (HTTP 409)."""

    def __init__(self, job: Job) -> None:
        self.job = job
        super().__init__(job.id)


class QueueFull(Exception):
    """Too many jobs are waiting (HTTP 429)."""


class JobQueue:
    """A pool of worker threads running jobs, with a result cache.

    Parameters
    ----------
    compute
        The work of one job (see :data:`Compute`).
    workers
        Jobs run at once.
    max_pending
        Unfinished jobs allowed in all (queued + running).
    cache_size
        Finished jobs kept (least recently used dropped first).
    """

    def __init__(
        self, compute: Compute, *, workers: int = 1, max_pending: int = 64, cache_size: int = 32
    ) -> None:
        self._compute = compute
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="strokesim-job")
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._by_key: dict[str, Job] = {}
        self.max_pending = max_pending
        self.cache_size = cache_size
        self.hits = 0

    def submit(self, owner: str, record: PatientRecord, settings: Settings) -> Job:
        """Queue a job, or return the job already computing or computed for the same key.

        Raises
        ------
        Busy
            The owner has another unfinished job.
        QueueFull
            ``max_pending`` jobs are unfinished.
        """
        key = job_key(record, settings)
        with self._lock:
            known = self._by_key.get(key)
            if known is not None and known.state != "failed":
                known.used = time.monotonic()
                self.hits += 1
                return known
            mine = [j for j in self._jobs.values() if j.owner == owner and j.unfinished]
            if mine:
                raise Busy(mine[0])
            if sum(j.unfinished for j in self._jobs.values()) >= self.max_pending:
                raise QueueFull()
            job = Job(
                id=secrets.token_urlsafe(16),
                key=key,
                owner=owner,
                stages=1 if settings.protocols is None else 2,
            )
            self._jobs[job.id] = job
            self._by_key[key] = job
            self._evict()
        log.info("job %s queued", job.id)
        self._pool.submit(self._run, job, record, settings)
        return job

    def get(self, job_id: str) -> Job | None:
        """The job named ``job_id``, or None."""
        with self._lock:
            return self._jobs.get(job_id)

    def position(self, job: Job) -> int:
        """Jobs submitted before ``job`` that have not started yet (0: next or running)."""
        with self._lock:
            return sum(
                j.state == "queued" and j.submitted < job.submitted for j in self._jobs.values()
            )

    def counts(self) -> dict[str, int]:
        """Jobs by state."""
        with self._lock:
            out: dict[str, int] = {}
            for j in self._jobs.values():
                out[j.state] = out.get(j.state, 0) + 1
            return out

    def shutdown(self) -> None:
        """Stop taking work; queued jobs are dropped, the running one finishes."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _evict(self) -> None:
        finished = sorted((j for j in self._jobs.values() if not j.unfinished), key=_last_use)
        for job in finished[: max(0, len(finished) - self.cache_size)]:
            self._jobs.pop(job.id, None)
            if self._by_key.get(job.key) is job:
                self._by_key.pop(job.key)

    def _bars(self, job: Job) -> Bars:
        @contextlib.contextmanager
        def bars(description: str, then: str) -> Iterator[Callable[[int, int], None]]:
            job.stage_index += 1
            job.stage, job.done, job.total = description, 0, 0

            def progress(done: int, total: int) -> None:
                job.done, job.total = int(done), int(total)
                if total and done >= total:
                    job.stage = then

            yield progress

        return bars

    def _run(self, job: Job, record: PatientRecord, settings: Settings) -> None:
        job.state, job.started = "running", time.monotonic()
        job.stage = "starting (compiling the model on first use)"
        try:
            job.result = self._compute(record, settings, self._bars(job))
            job.state = "done"
        except UserInputError as error:
            job.error = f"{error.field}: {error.problem}"
            job.error_status = 422
            job.state = "failed"
        except Exception as error:  # shown as a message, logged without patient data
            job.error = "the calculation failed (an internal error; see the server log)"
            job.state = "failed"
            log.error("job %s failed: %s", job.id, type(error).__name__)
        finally:
            job.finished = time.monotonic()
            with self._lock:
                if job.state == "failed" and self._by_key.get(job.key) is job:
                    self._by_key.pop(job.key)  # a later submission tries again
                self._evict()
        log.info("job %s %s in %.1f s", job.id, job.state, job.finished - job.started)
