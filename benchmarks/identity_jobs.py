"""Identity of a large run across executors and chunk sizes (issue 26's figure at n = 10,000).

Usage::

    python benchmarks/identity_jobs.py [--n 10000] [--days 60] [--chunk-size 128]
        [--other-sizes 64,256] [--workers 2] [--no-dask]

Runs the same default-population cohort under usual care through the job layer
(:func:`strokesim.jobs.run_job`): serially, in ``--workers`` local processes and on a
Dask ``LocalCluster`` with ``--workers`` workers (if the ``[dask]`` extra is
installed), all at ``--chunk-size``; then serially at each of ``--other-sizes``.
Prints, against the serial run at ``--chunk-size``: whether each table is bitwise
identical, and for the other chunk sizes whether the integer variables (the scores)
are bitwise identical and the largest relative difference of any float variable
(NaN where undefined is compared as equal). Also each run's wall time. Not a test:
the tests check the same at small n (tests/jobs/test_run.py).
"""

from __future__ import annotations

import argparse
import importlib.util
import tempfile
import time
from pathlib import Path

import numpy as np
import xarray as xr


def compare(reference: xr.Dataset, other: xr.Dataset) -> tuple[bool, bool, float]:
    """(bitwise identical, integer variables bitwise identical, largest float relative diff)."""
    if list(reference["patient"].values) != list(other["patient"].values):
        return False, False, float("inf")
    bitwise, integers, worst = True, True, 0.0
    for name in reference.variables:
        left, right = reference[name].values, other[name].values
        if left.dtype != right.dtype or left.shape != right.shape:
            return False, False, float("inf")
        if left.dtype.kind == "f":
            same = np.array_equal(left, right, equal_nan=True)
            both = np.isfinite(left) & np.isfinite(right)
            if np.any(np.isnan(left) != np.isnan(right)):
                worst = float("inf")
            elif both.any():
                scale = np.maximum(np.abs(left[both]), 1e-12)
                worst = max(worst, float(np.max(np.abs(left[both] - right[both]) / scale)))
        else:
            same = np.array_equal(left, right)
            integers &= same
        bitwise &= same
    return bitwise, integers, worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--chunk-size", type=int, default=128)
    parser.add_argument("--other-sizes", default="64,256")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-dask", action="store_true")
    args = parser.parse_args()

    from strokesim.cohort.population import sample_population
    from strokesim.jobs import read_run, run_job
    from strokesim.simulate import VirtualPatients
    from strokesim.summary import summary_record
    from strokesim.therapy import usual_care

    ids = [f"ident-{index:06d}" for index in range(args.n)]
    patients = VirtualPatients.from_population(sample_population(ids, 0))
    record = summary_record(args.days).days
    dask = not args.no_dask and importlib.util.find_spec("distributed") is not None
    runs: list[tuple[str, int, dict]] = [
        ("serial", args.chunk_size, {}),
        (f"{args.workers} processes", args.chunk_size, {"workers": args.workers}),
    ]
    if dask:
        label = f"Dask LocalCluster, {args.workers} workers"
        runs.append((label, args.chunk_size, {"workers": args.workers, "dask": True}))
    else:
        print("Dask: not run (install strokesim[dask])")
    runs += [("serial", int(size), {}) for size in args.other_sizes.split(",") if size]
    print(f"{args.n} patients × {args.days} days, usual care, seed 0", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        reference = None
        for index, (label, size, options) in enumerate(runs):
            run = Path(folder) / f"run{index}"
            started = time.perf_counter()
            run_job(
                patients,
                usual_care(),
                run,
                days=args.days,
                record_days=record,
                chunk_size=size,
                **options,
            )
            wall = time.perf_counter() - started
            table = read_run(run)
            if reference is None:
                reference = table
                verdict = "reference"
            else:
                bitwise, integers, worst = compare(reference, table)
                verdict = (
                    f"bitwise identical: {bitwise}; integer variables identical: {integers}; "
                    f"largest float relative difference {worst:.2e}"
                )
            print(f"{label:>32}, chunk {size:>4}: {wall:7.1f} s; {verdict}", flush=True)


if __name__ == "__main__":
    main()
