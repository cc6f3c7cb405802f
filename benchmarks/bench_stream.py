"""Memory of a streamed run: peak RSS against the number of patients written to disk.

Usage::

    python benchmarks/bench_stream.py [--sizes 10000,100000] [--days 180] [--chunk-size 512]

Each cohort size runs in its own process (so each peak is its own): the default
population under usual care through the job layer (:func:`strokesim.jobs.run_job`),
each finished chunk written to a Parquet part in a temporary run folder, only the
baseline and the last day assessed. The process samples its resident memory after
every chunk. Prints, per size: wall time, patient-days/s (compiling included),
peak RSS (``ru_maxrss``), RSS at the start (``run_job`` reports progress first
before any chunk runs), at mid-run and at the end,
and the bytes on disk; then the ratio of the largest cohort's peak to the
smallest's (flat memory: ≈ 1). Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GIB = 1024**3


def rss_gib() -> float:
    """Resident memory of this process now (GiB), from /proc/self/statm."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / GIB


def one(n: int, days: int, chunk_size: int) -> dict[str, float]:
    """Run ``n`` patients streamed to a temporary folder; the figures of this process."""
    from strokesim.cohort.population import sample_population
    from strokesim.jobs import run_job
    from strokesim.simulate import BASELINE_DAY, VirtualPatients
    from strokesim.therapy import usual_care

    patients = VirtualPatients.from_population(
        sample_population([f"s{i:07d}" for i in range(n)], 0)
    )
    samples: list[float] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        run_job(
            patients,
            usual_care(),
            Path(folder) / "run",
            days=days,
            record_days=tuple(sorted({min(BASELINE_DAY, days), days})),
            chunk_size=chunk_size,
            progress=lambda done, total: samples.append(rss_gib()),
        )
        wall = time.perf_counter() - started
        disk = sum(p.stat().st_size for p in (Path(folder) / "run").rglob("*") if p.is_file())
    return {
        "patients": n,
        "days": days,
        "wall_s": wall,
        "patient_days_per_s": n * days / wall,
        "peak_rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / GIB,
        "rss_start_gib": samples[0],
        "rss_mid_gib": samples[len(samples) // 2],
        "rss_end_gib": samples[-1],
        "disk_mib": disk / 1024**2,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--chunk-size", type=int, default=512)
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one, args.days, args.chunk_size)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"streamed runs of {args.days} days, chunks of {args.chunk_size}, usual care")
    print(
        f"{'patients':>10} {'wall s':>8} {'pd/s':>8} {'peak GiB':>9} "
        f"{'start':>6} {'mid':>6} {'end':>6} {'disk MiB':>9}"
    )
    rows = []
    for n in sizes:
        command = [sys.executable, __file__, "--one", str(n), "--days", str(args.days)]
        command += ["--chunk-size", str(args.chunk_size)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(done.stderr[-2000:], file=sys.stderr)
            return 1
        r = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(r)
        print(
            f"{n:>10,} {r['wall_s']:>8.0f} {r['patient_days_per_s']:>8,.0f} "
            f"{r['peak_rss_gib']:>9.2f} {r['rss_start_gib']:>6.2f} "
            f"{r['rss_mid_gib']:>6.2f} {r['rss_end_gib']:>6.2f} {r['disk_mib']:>9.1f}",
            flush=True,
        )
    ratio = rows[-1]["peak_rss_gib"] / rows[0]["peak_rss_gib"]
    print(f"peak RSS at {sizes[-1]:,} patients / at {sizes[0]:,}: {ratio:.2f} (flat: ≈ 1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
