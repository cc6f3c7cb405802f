"""Calibration of the trial engine: bias, coverage and rejection of parallel-group emulation.

One twin pool (default 400 screened, all enrolled) under four arms: usual care twice
(a null pair with a twin effect of exactly zero), VR training and CIMT from day 14.
For each comparison with the control, ``--replicates`` parallel-group trials of
``--n`` patients are re-allocated from the pool; printed: the pool's twin effect,
the mean estimate and its Monte-Carlo SE, the 95% interval coverage and the
rejection rate; and the peak Python heap of 100 vs 400 replicates (tracemalloc).

Usage: ``PYTHONPATH=src nice python benchmarks/trial_calibration.py --pool 400 --n 100``

Measured (2026-12-07, pool 400, n = 100, 400 replicates, seed 0; 2 shared CPU cores):
pool simulation 1249 s; null pair: twin effect 0, mean estimate −0.000 (MC SE 0.049),
coverage 0.963, rejection 0.037 ± 0.009; VR: twin effect 3.953, mean 3.898 (MC SE 0.056,
z = −0.97), coverage 0.963, power 0.940; CIMT: twin effect 3.910, mean 3.846 (MC SE 0.057,
z = −1.14), coverage 0.965, power 0.930; peak Python heap 0.06 MiB at 100 and at 400
replicates. Seed 1 with ``--arms bimanual:bimanual_training,tdcs:tdcs_dual_training``
(pool 477 s): null rejection 0.045 ± 0.010, mean −0.073 (MC SE 0.053), coverage 0.955;
bimanual: twin effect 3.075, mean 2.931 (MC SE 0.057, z = −2.54), coverage 0.943, power
0.735; tDCS: twin effect 2.990, mean 2.868 (MC SE 0.058, z = −2.10), coverage 0.948,
power 0.693. The estimates sit 0.06–0.14 points below the twin effects in all four
active comparisons. Part of it is rater noise clipped at the FMA-UE ceiling (43–48% of
the seed-1 twins score ≥ 64 on day 90): without rater noise the same replicates give
2.978 (z = −1.94) and 2.900 (z = −1.76), so about 0.09 points remain unexplained
(possibly the small-sample bias of the no-interaction ANCOVA under strongly
heterogeneous, ceiling-bound effects). On a synthetic pool with few patients at the
ceiling there is no bias (z = 0.01 with noise, 0.08 without).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

from strokesim.trial.emulation import simulate_pool
from strokesim.trial.power import replicate_summary
from strokesim.trial.spec import parse_trial

DEFAULT_ARMS = "vr:vr_training,cimt:cimt_2_weeks"


def calibration_spec(pool: int, seed: int, arms: str = DEFAULT_ARMS) -> dict:
    """The spec of this benchmark: the null pair, then ``name:protocol`` arms from day 14."""
    extra = [
        {"name": name, "protocol": protocol, "start_day": 14}
        for name, protocol in (item.split(":") for item in arms.split(","))
    ]
    return {
        "name": "calibration",
        "population": {"n": pool, "seed": seed},
        "screening": {"day": 14},
        "arms": [
            {"name": "usual_care", "protocol": "usual_care"},
            {"name": "usual_care_b", "protocol": "usual_care"},
            *extra,
        ],
        "randomisation": {"day": 14, "method": "stratified", "strata": ["severity_band"]},
        "visits": [28, 76],
        "outcome": {"scale": "fma_ue", "visit": 76, "responder_change": 5},
        "dropout": {"per_visit": 0.05},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pool", type=int, default=400)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--replicates", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--arms", default=DEFAULT_ARMS, help="name:protocol,... from day 14")
    args = parser.parse_args()
    start = time.perf_counter()
    pool = simulate_pool(parse_trial(calibration_spec(args.pool, args.seed, args.arms)))
    print(f"pool: {len(pool)} twins × {len(pool.arms)} arms in {time.perf_counter() - start:.0f} s")
    for k in range(1, len(pool.arms)):
        start = time.perf_counter()
        row = replicate_summary(pool, args.n, args.replicates, arms=(0, k)).row()
        z = (row["mean_estimate"] - row["twin_effect"]) / row["estimate_mc_se"]
        print(
            f"{pool.arms[k]} − {pool.arms[0]}: twin effect {row['twin_effect']:.3f}; "
            f"mean estimate {row['mean_estimate']:.3f} (MC SE {row['estimate_mc_se']:.3f}, "
            f"z = {z:+.2f}); coverage {row['coverage']:.3f}; rejection {row['power']:.3f} "
            f"± {row['power_mc_se']:.3f}; {time.perf_counter() - start:.1f} s"
        )
    for reps in (100, 400):
        tracemalloc.start()
        replicate_summary(pool, args.n, reps, arms=(0, len(pool.arms) - 1))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"peak Python heap, {reps} replicates: {peak / 2**20:.2f} MiB")


if __name__ == "__main__":
    main()
