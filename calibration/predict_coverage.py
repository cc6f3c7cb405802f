"""Coverage study of the patient-level prognosis (issue 25): virtual patients with known truth.

Usage::

    python calibration/predict_coverage.py [--n 300] [--library 1024] [--smc 16]
        [--particles 64] [--out calibration/predict_coverage.json]

Draws ``--n`` virtual patients from the default population (ids ``pcov-…``,
seed 52025, used nowhere else), simulates them under usual care to day 180 and
observes them *with rater noise*: FMA-UE on days 3, 7, 14 and 30, SAFE and MEP
on day 3, and NIHSS. The truth is the same patients' noise-free FMA-UE on day
180 and ARAT on day 90 (PREP2 predicts the 3-month ARAT band). A reference
library of ``--library`` prior patients (seed 52026, ages drawn) is simulated
once. For two observation sets (day 3 only; days 3–30) it reports:

* the share of patients whose 80% posterior predictive interval of day-180
  FMA-UE covers the truth, and the interval's median width;
* the median |error| of the posterior median vs proportional recovery (from the
  day-3 FMA-UE) and the mixture model (from every observed FMA-UE);
* PREP2's category accuracy beside the model's (band of the posterior median
  ARAT on day 90);
* simulation-based calibration of two posterior quantities (corticospinal
  lesion load and stunned share): randomised ranks of the truth under the
  weighted posterior, 10 bins, chi-square test of uniformity;

for importance sampling from the library (``is``, every patient) and for
importance sampling + resample-move refinement (``smc``, the first ``--smc``
patients, where the two are compared on the same patients).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from scipy.stats import chisquare

from strokesim.cohort.population import sample_population
from strokesim.predict.baselines import proportional_recovery_prediction
from strokesim.predict.comparators import mixture_from_series
from strokesim.predict.library import build_library, library_days, simulate_particles
from strokesim.predict.posterior import calibrate, weighted_quantiles
from strokesim.predict.prep2 import arat_band, prep2_category
from strokesim.predict.record import Observation
from strokesim.simulate import Record, VirtualPatients, simulate

SEED_TRUTH = 52025
SEED_LIBRARY = 52026
FMA_DAYS = (3, 7, 14, 30)
HORIZON = 180
SCENARIOS = {"day 3": (3,), "days 3-30": FMA_DAYS}
OUT = Path(__file__).resolve().with_suffix(".json")


def noisy_observations(noisy, k: int, fma_days) -> list[Observation]:
    """Patient ``k``'s observations: FMA-UE on ``fma_days``, SAFE and MEP on day 3, NIHSS."""
    at3 = noisy.sel(day=3).isel(patient=k)
    obs = [Observation(d, "fma_ue", int(noisy.fma_ue.isel(patient=k).sel(day=d))) for d in fma_days]
    obs += [
        Observation(3, "safe", int(at3.safe)),
        Observation(3, "mep", bool(at3.mep_present)),
        Observation(0, "nihss", int(noisy.nihss.values[k])),
    ]
    return obs


def _sbc_rank(values: np.ndarray, w: np.ndarray, truth: float, rng) -> float:
    below = w[values < truth].sum()
    tied = w[values == truth].sum()
    return float(below + rng.random() * tied)


def _summary(rows: list[dict]) -> dict:
    if not rows:
        return {}
    a = {k: np.array([r[k] for r in rows]) for k in rows[0]}
    out = {
        "n": len(rows),
        "coverage80": float(np.mean((a["lo"] <= a["truth"]) & (a["truth"] <= a["hi"]))),
        "coverage50": float(np.mean((a["lo50"] <= a["truth"]) & (a["truth"] <= a["hi50"]))),
        "median_width80": float(np.median(a["hi"] - a["lo"])),
        "median_abs_error_model": float(np.median(np.abs(a["median"] - a["truth"]))),
        "median_abs_error_proportional": float(np.median(np.abs(a["prop"] - a["truth"]))),
        "median_abs_error_mixture": float(np.median(np.abs(a["mix"] - a["truth"]))),
        "category_accuracy_model": float(np.mean(a["cat_model"] == a["cat_true"])),
        "category_accuracy_prep2": float(np.mean(a["cat_prep2"] == a["cat_true"])),
        "median_ess": float(np.median(a["ess"])),
        "seconds_per_patient": float(np.mean(a["seconds"])),
    }
    for q in ("cst", "stunned"):
        counts = np.histogram(a[f"rank_{q}"], bins=10, range=(0, 1))[0]
        stat, p = chisquare(counts)
        out[f"sbc_{q}_counts"] = counts.tolist()
        out[f"sbc_{q}_chi2"] = float(stat)
        out[f"sbc_{q}_p"] = float(p)
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the study; print and write the JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--library", type=int, default=1024)
    ap.add_argument("--smc", type=int, default=16)
    ap.add_argument("--particles", type=int, default=64)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    ids = [f"pcov-{i:04d}" for i in range(args.n)]
    vp = VirtualPatients.from_population(sample_population(ids, SEED_TRUTH))
    days = (*FMA_DAYS, 90, HORIZON)
    noisy = simulate(vp, days=HORIZON, record=Record(days), seed=SEED_TRUTH, chunk_size=128)
    clean = simulate_particles(vp, days, SEED_TRUTH)
    fma_truth = clean.trajectories["fma_ue"][:, clean.days.index(HORIZON)].astype(float)
    arat_truth = clean.trajectories["arat"][:, clean.days.index(90)]
    rater_sd = float(np.std(noisy.fma_ue.values.astype(float) - clean.trajectories["fma_ue"]))
    print(
        f"truth: {args.n} patients in {time.perf_counter() - t0:.0f} s; "
        f"FMA-UE rater-noise SD {rater_sd:.2f}",
        flush=True,
    )
    t1 = time.perf_counter()
    lib = build_library(args.library, SEED_LIBRARY, library_days(FMA_DAYS, HORIZON))
    t_lib = time.perf_counter() - t1
    print(f"library: {args.library} patients in {t_lib:.0f} s", flush=True)
    h, d90 = lib.days.index(HORIZON), lib.days.index(90)
    rng = np.random.default_rng(SEED_TRUTH)
    results: dict = {}
    for label, fma_days in SCENARIOS.items():
        for method in ("is", "smc"):
            n_run = args.n if method == "is" else min(args.smc, args.n)
            rows = []
            for k in range(n_run):
                obs = noisy_observations(noisy, k, fma_days)
                age = float(vp.descriptors.age[k])
                ts = time.perf_counter()
                post = calibrate(
                    obs,
                    lib,
                    method=method,
                    age=age,
                    ess_target=1e9,
                    n_particles=args.particles,
                    n_moves=1,
                    seed=k,
                )
                sec = time.perf_counter() - ts
                w = post.weights
                fma = post.particles.trajectories["fma_ue"][:, h]
                lo, lo50, med, hi50, hi = weighted_quantiles(fma, w, [0.1, 0.25, 0.5, 0.75, 0.9])
                arat_med = weighted_quantiles(
                    post.particles.trajectories["arat"][:, d90], w, [0.5]
                )[0]
                fm = np.array([[o.value for o in obs if o.measure == "fma_ue"]], float)
                at3 = noisy.sel(day=3).isel(patient=k)
                rows.append(
                    {
                        "truth": fma_truth[k],
                        "lo": lo,
                        "hi": hi,
                        "lo50": lo50,
                        "hi50": hi50,
                        "median": med,
                        "prop": float(proportional_recovery_prediction(fm[0, 0])),
                        "mix": float(
                            mixture_from_series(np.array([fma_days], float), fm, HORIZON)[0]
                        ),
                        "cat_true": str(arat_band(int(arat_truth[k]))),
                        "cat_model": str(arat_band(round(float(arat_med)))),
                        "cat_prep2": str(
                            prep2_category(
                                int(at3.safe),
                                age,
                                bool(at3.mep_present),
                                int(noisy.nihss.values[k]),
                            )
                        ),
                        "rank_cst": _sbc_rank(
                            post.particles.static["cst_lesion_load"],
                            w,
                            float(vp.descriptors.cst_load[k]),
                            rng,
                        ),
                        "rank_stunned": _sbc_rank(
                            post.particles.static["stunned_share"],
                            w,
                            float(vp.descriptors.stunned_share[k]),
                            rng,
                        ),
                        "ess": post.diagnostics["ess_library"],
                        "seconds": sec,
                    }
                )
            results[f"{label} / {method}"] = _summary(rows)
            print(label, method, json.dumps(results[f"{label} / {method}"]), flush=True)
            if method == "is" and args.smc:
                sub = rows[: min(args.smc, args.n)]
                results[f"{label} / is (smc subset)"] = _summary(sub)
    doc = {
        "settings": {
            "n_patients": args.n,
            "library": args.library,
            "smc_patients": args.smc,
            "smc_particles": args.particles,
            "smc_moves": 1,
            "seed_truth": SEED_TRUTH,
            "seed_library": SEED_LIBRARY,
            "fma_days": list(FMA_DAYS),
            "horizon": HORIZON,
            "rater_noise_sd_fma": rater_sd,
            "library_seconds": t_lib,
            "total_seconds": time.perf_counter() - t0,
        },
        "results": results,
    }
    args.out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
