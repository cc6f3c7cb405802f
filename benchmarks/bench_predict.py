"""Timing of patient-level prognosis and planning (issue 25).

Usage::

    python benchmarks/bench_predict.py            # library 512, horizon 180, 64 draws
    python benchmarks/bench_predict.py --quick    # library 128, horizon 60, 16 draws

Prints, on this machine:

* the one-off simulation of the reference library (prior patients under usual care);
* calibration of one patient with four FMA-UE observations (days 3, 7, 14, 30)
  by importance sampling (``is``) and with the resample-move refinement (``smc``,
  128 particles, 2 moves);
* calibration of 100 patients against the shared library (``is``);
* planning: 6 protocols × ``--draws`` posterior draws as twins with usual care,
  twice (the first call compiles the per-twin-protocol program);
* the load average at the start and the end (the machine is shared).

Goals (issue 25): ≤ 10 s for one patient, ≤ 2 min for 100, ≤ 60 s to plan one
patient on 2 CPU cores. The library is built once and reused (it can be saved
with ``Library.save``), so it is reported apart from the per-patient times.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from strokesim.predict.library import build_library, library_days
from strokesim.predict.planner import DEFAULT_CANDIDATES, plan
from strokesim.predict.posterior import calibrate
from strokesim.predict.record import Observation

DAYS = (3, 7, 14, 30)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the timings."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--library", type=int, default=512)
    ap.add_argument("--horizon", type=int, default=180)
    ap.add_argument("--draws", type=int, default=64)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    if args.quick:
        args.library, args.horizon, args.draws = 128, 60, 16
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)
    t = time.perf_counter()
    lib = build_library(args.library, 777, library_days(DAYS, args.horizon), prefix="bench")
    print(
        f"library: {args.library} patients to day {args.horizon}: "
        f"{time.perf_counter() - t:.1f} s (once)"
    )
    rng = np.random.default_rng(0)
    records = []
    for k in range(100):
        src = lib.take(np.array([k % len(lib)]))
        obs = [
            Observation(
                d, "fma_ue", int(np.clip(src.at_day(d)["fma_ue"][0] + rng.integers(-2, 3), 0, 66))
            )
            for d in DAYS
        ]
        records.append((obs, float(src.static["age"][0])))
    obs, age = records[0]
    t = time.perf_counter()
    post = calibrate(obs, lib, age=age)
    print(
        f"calibrate one patient, 4 observations, is: {time.perf_counter() - t:.3f} s "
        f"(ESS {post.ess:.1f})"
    )
    t = time.perf_counter()
    smc = calibrate(obs, lib, age=age, method="smc", ess_target=1e9, n_particles=128, n_moves=2)
    print(
        f"calibrate one patient, 4 observations, smc (128 particles, 2 moves): "
        f"{time.perf_counter() - t:.1f} s (acceptance {smc.diagnostics['acceptance']})"
    )
    t = time.perf_counter()
    for obs_k, age_k in records:
        calibrate(obs_k, lib, age=age_k)
    print(f"calibrate 100 patients, is: {time.perf_counter() - t:.2f} s")
    for label, source in (("first call, compiles", post), ("second call", smc)):
        t = time.perf_counter()
        result = plan(source, DEFAULT_CANDIDATES, horizon=args.horizon, n_draws=args.draws)
        print(
            f"plan 6 protocols × {result.n_draws} distinct draws to day {args.horizon} "
            f"({label}): {time.perf_counter() - t:.1f} s",
            flush=True,
        )
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
