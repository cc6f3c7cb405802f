"""Throughput of the job layer: the same run serial and in local worker processes.

Usage::

    python benchmarks/bench_jobs.py [--n 128] [--days 180] [--chunk-size 32] [--workers 2]

Prints, for each executor, the wall-clock time of the whole job (compiling the
model included: each worker process compiles once), patient-days per second,
and the median time of a chunk after the first (the compiled program's speed).
Not run as a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=128)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--chunk-size", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from strokesim.cohort.population import sample_population
    from strokesim.jobs import run_job
    from strokesim.simulate import VirtualPatients
    from strokesim.summary import summary_record
    from strokesim.therapy import usual_care

    ids = [f"bench-{index:06d}" for index in range(args.n)]
    patients = VirtualPatients.from_population(sample_population(ids, 0))
    record = summary_record(args.days).days
    with tempfile.TemporaryDirectory() as folder:
        for label, workers in (("serial", 1), (f"{args.workers} processes", args.workers)):
            run = Path(folder) / label.replace(" ", "_")
            started = time.perf_counter()
            result = run_job(
                patients,
                usual_care(),
                run,
                days=args.days,
                record_days=record,
                chunk_size=args.chunk_size,
                workers=workers,
            )
            wall = time.perf_counter() - started
            chunks = json.loads((run / "manifest.json").read_text())["chunks"]
            later = [c["seconds"] for c in chunks][workers:] or [chunks[-1]["seconds"]]
            print(
                f"{label:>12}: {args.n} patients × {args.days} days in {result.chunks} chunks "
                f"of {args.chunk_size}: {wall:.1f} s, {result.patient_days / wall:,.0f} "
                f"patient-days/s (compiling included); median later chunk "
                f"{statistics.median(later):.2f} s = "
                f"{args.chunk_size * args.days / statistics.median(later):,.0f} patient-days/s "
                "per process",
                flush=True,
            )


if __name__ == "__main__":
    main()
