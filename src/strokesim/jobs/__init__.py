"""The job layer: a run planned as chunks of patients, streamed to disk, resumable.

>>> from strokesim.jobs import plan
>>> [chunk.describe() for chunk in plan(10, 4)]
['chunk 0 (patients 0–3)', 'chunk 1 (patients 4–7)', 'chunk 2 (patients 8–9)']

See :func:`run_job` (run or resume a job into a run folder) and
:func:`read_run` (read a finished run folder back as one dataset).
"""

from __future__ import annotations

from strokesim.jobs.plan import Chunk, check_chunk_size, check_workers, plan
from strokesim.jobs.run import JobFailed, JobResult, check_run_folder, read_run, run_job

__all__ = [
    "Chunk",
    "JobFailed",
    "JobResult",
    "check_chunk_size",
    "check_run_folder",
    "check_workers",
    "plan",
    "read_run",
    "run_job",
]
