"""Identity of a large run across executors and chunk sizes (issue 26's figure at n = 10,000).

Usage::

    python benchmarks/identity_jobs.py [--n 10000] [--days 60] [--chunk-size 128]
        [--other-sizes 64,256] [--workers 2] [--no-dask] [--serial-only]

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


def compare(reference: xr.Dataset, other: xr.Dataset) -> tuple[bool, bool, str]:
    """(bitwise identical, integer variables bitwise identical, the largest float difference).

    The float difference names the variable with the largest relative difference
    |a − b| / |a| (over values where both are finite) and gives it with that
    variable's largest absolute difference, so a tiny value's large relative
    difference is seen for what it is.
    """
    if list(reference["patient"].values) != list(other["patient"].values):
        return False, False, "different patients"
    bitwise, integers = True, True
    worst = (0.0, 0.0, "")
    for name in reference.variables:
        left, right = reference[name].values, other[name].values
        if left.dtype != right.dtype or left.shape != right.shape:
            return False, False, f"{name}: different dtype or shape"
        if left.dtype.kind == "f":
            same = np.array_equal(left, right, equal_nan=True)
            if np.any(np.isnan(left) != np.isnan(right)):
                return False, integers, f"{name}: NaN in one run only"
            both = np.isfinite(left) & np.isfinite(right)
            if both.any():
                diff = np.abs(left[both] - right[both])
                relative = float(np.max(diff / np.maximum(np.abs(left[both]), 1e-12)))
                if relative > worst[0]:
                    worst = (relative, float(np.max(diff)), str(name))
        else:
            same = np.array_equal(left, right)
            integers &= same
        bitwise &= same
    text = f"largest float relative difference {worst[0]:.2e}"
    if worst[2]:
        text += f" ({worst[2]}, largest absolute difference {worst[1]:.2e})"
    return bitwise, integers, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--chunk-size", type=int, default=128)
    parser.add_argument("--other-sizes", default="64,256")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument(
        "--serial-only", action="store_true", help="only the serial runs (chunk sizes)"
    )
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
    runs: list[tuple[str, int, dict]] = [("serial", args.chunk_size, {})]
    if not args.serial_only:
        runs.append((f"{args.workers} processes", args.chunk_size, {"workers": args.workers}))
    if dask and not args.serial_only:
        label = f"Dask LocalCluster, {args.workers} workers"
        runs.append((label, args.chunk_size, {"workers": args.workers, "dask": True}))
    elif not args.serial_only:
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
                bitwise, integers, floats = compare(reference, table)
                verdict = (
                    f"bitwise identical: {bitwise}; integer variables identical: {integers}; "
                    f"{floats}"
                )
            print(f"{label:>32}, chunk {size:>4}: {wall:7.1f} s; {verdict}", flush=True)


if __name__ == "__main__":
    main()
