"""Engine throughput: patient-days per second, arithmetic rate, and peak memory (CPU).

Runs a cohort of the default virtual population under usual care through
:func:`strokesim.simulate` in chunks (memory must not grow with cohort size;
only a few days are assessed) and reports, next to the goals of DESIGN §4:

- steady-state throughput in patient-days per second (a warm-up chunk of other
  patients pays for compilation first and is timed separately);
- the engine's arithmetic rate as a fraction of the machine's float32
  matrix-multiply rate, both measured in this run on the same JAX devices. The
  engine's FLOPs per patient-day come from XLA's cost analysis of one compiled
  daily step (``jax.jit(...).lower(...).compile().cost_analysis()``), or, if
  that is unavailable, from an analytic count (the report says which);
- peak resident memory (``resource.getrusage`` max RSS) in GiB.

Usage::

    python benchmarks/bench_engine.py            # 10,000 patients × 180 days
    python benchmarks/bench_engine.py --quick    # 1,000 × 30 smoke run
    python benchmarks/bench_engine.py --patients 2000 --days 90 --chunk-size 256

Not part of the test suite (``tests/test_benchmark_smoke.py`` only checks that it
runs on a tiny cohort).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from dataclasses import asdict, dataclass
from unittest import mock

import jax
import jax.numpy as jnp
import numpy as np

from strokesim.cohort.population import sample_population
from strokesim.engine import day_inputs, setup_batch
from strokesim.model.anatomy import MUSCLES
from strokesim.model.dynamics import Passes, daily_step
from strokesim.model.lesion import LesionDescriptors
from strokesim.model.network import IHI_ITERATIONS, SYNERGIES
from strokesim.model.parameters import model_parameters
from strokesim.model.tasks import daily_life_tasks
from strokesim.model.template import N_UNITS, TASK_CODE_SIZE, healthy_template
from strokesim.random_streams import patient_keys
from strokesim.simulate import BASELINE_DAY, Record, VirtualPatients, simulate
from strokesim.therapy.library import usual_care
from strokesim.therapy.schedule import compile_protocol

__all__ = ["GOALS", "BenchmarkResult", "main", "run_benchmark"]

#: DESIGN §4 goals: (description, key in BenchmarkResult, comparison, threshold).
GOALS = (
    ("throughput ≥ 10,000 patient-days/s on 2 cores", "patient_days_per_s", ">=", 10_000.0),
    ("arithmetic rate ≥ 25% of float32 matmul", "fraction_of_matmul", ">=", 0.25),
    ("peak memory < 4 GiB", "peak_rss_gib", "<", 4.0),
)

_GIB = 1024.0**3


@dataclass
class BenchmarkResult:
    """Measured figures of one benchmark run (times in s, rates per s)."""

    patients: int
    days: int
    chunk_size: int
    cpu_cores: int
    devices: str
    warmup_s: float  # warm-up: compilation + one chunk of other patients
    compile_s: float  # warm-up minus the steady-state cost of one chunk (estimate)
    steady_s: float  # the whole cohort, every program already compiled
    steady_patient_days: int
    patient_days_per_s: float
    flops_per_patient_day: float
    flops_source: str
    bytes_per_patient_day: float
    engine_flops_per_s: float
    matmul_size: int
    matmul_flops_per_s: float
    fraction_of_matmul: float
    peak_rss_gib: float
    rss_after_warmup_gib: float
    rss_at_end_gib: float
    mean_fma_ue_last_day: float


def _rss_now_gib() -> float:
    """Current resident set size (GiB), from /proc where available."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / _GIB
    except (OSError, ValueError):
        return float("nan")


def _peak_rss_gib() -> float:
    """Peak resident set size of this process (GiB); ru_maxrss is KiB on Linux, B on macOS."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / _GIB if sys.platform == "darwin" else peak * 1024.0 / _GIB


def matmul_flops_per_s(size: int = 4096, repeats: int = 3) -> float:
    """Best-of-``repeats`` float32 ``size × size`` matrix-multiply rate (FLOP/s)."""
    key_a, key_b = jax.random.split(jax.random.key(0))
    a = jax.random.normal(key_a, (size, size), jnp.float32)
    b = jax.random.normal(key_b, (size, size), jnp.float32)
    matmul = jax.jit(jnp.matmul)
    matmul(a, b).block_until_ready()  # compile and warm up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        matmul(a, b).block_until_ready()
        best = min(best, time.perf_counter() - start)
    return 2.0 * size**3 / best


def analytic_flops_per_patient_day() -> float:
    """Rough FLOP count of one daily step of one patient, from the array shapes.

    Per attempt set of K daily-life tasks: the cortical input einsum
    (K·2·U·D multiply-adds), the mutual-inhibition iterations (≈ 6 ops per unit
    each), crossed + uncrossed outputs (2·K·U·M multiply-adds), cortico-reticular
    output (2·K·U·S), synergies and spinal pools (≈ 10·K·M). A day attempts with
    both arms and differentiates the loss (backward ≈ 2 × forward); the Hebbian
    update, forgetting and clipping touch each weight a few times.
    """
    k = len(daily_life_tasks().names)
    u, d, m, s = N_UNITS, TASK_CODE_SIZE, len(MUSCLES), SYNERGIES.shape[0]
    forward = (
        2 * k * 2 * u * d
        + IHI_ITERATIONS * 6 * k * 2 * u
        + 2 * 2 * k * u * m
        + 2 * 2 * k * u * s
        + 10 * k * m
    )
    weights = 2 * u * (d + 2 * m + s)
    return float(2 * 3 * forward + 2 * k * 2 * u + 8 * weights)


def flops_per_patient_day(batch: int = 4) -> tuple[float, str, float]:
    """FLOPs of one daily step per patient from XLA's cost analysis (or the analytic count).

    The step is a usual-care day with one learning sub-step (the loop of further
    sub-steps, which such days skip, is left out of the program analysed).

    Returns
    -------
    (flops, source, bytes)
        ``source`` is ``"XLA cost analysis"`` or ``"analytic estimate"``; ``bytes`` is
        XLA's "bytes accessed" per patient-day (memory traffic of one daily step; NaN
        when the backend reports none).
    """
    params = model_parameters()
    template = healthy_template(params)
    ids = [f"flops{i}" for i in range(batch)]
    draw = sample_population(ids, seed=0, params=params)
    desc = LesionDescriptors(
        *(
            np.asarray(getattr(draw, f))
            for f in ("affected", "stunned_share", "cst_load", "premotor_damage", "age")
        )
    )
    states, constants = setup_batch(desc, patient_keys(0, "patient", ids), template, params)
    day = jax.tree.map(lambda x: x[10], day_inputs(compile_protocol(usual_care(), 11)))

    def step(states, constants, day, template, params):
        return jax.vmap(lambda st, co: daily_step(st, co, day, template, params, Passes())[0])(
            states, constants
        )

    # A day of one learning sub-step, as nearly every usual-care day is: the further
    # sub-steps are a loop that such days skip, and XLA would count its body once.
    def no_loop(_lower, _upper, _body, init):
        return init

    try:
        with mock.patch.object(jax.lax, "fori_loop", no_loop):
            lowered = jax.jit(step).lower(states, constants, day, template, params)
        compiled = lowered.compile()
        cost = compiled.cost_analysis()
        if isinstance(cost, list | tuple):
            cost = cost[0]
        flops = float(cost["flops"])
        if flops <= 0:
            raise ValueError("no FLOPs reported")
        return flops / batch, "XLA cost analysis", float(cost.get("bytes accessed", "nan")) / batch
    except Exception:  # cost analysis is optional in XLA backends
        return analytic_flops_per_patient_day(), "analytic estimate", float("nan")


def run_benchmark(
    patients: int = 10_000,
    days: int = 180,
    chunk_size: int = 128,
    *,
    matmul_size: int = 4096,
    seed: int = 0,
) -> BenchmarkResult:
    """Simulate ``patients`` population patients for ``days`` days and measure the engine.

    Parameters
    ----------
    patients, days
        Cohort size and horizon (usual care, default population).
    chunk_size
        Patients per compiled batch (streamed one chunk at a time).
    matmul_size
        Size of the square float32 matrices of the reference matmul.
    seed
        Root seed of the population and the simulation.
    """
    record = Record(tuple(sorted({min(BASELINE_DAY, days), days})))
    chunk = min(chunk_size, patients)
    population = sample_population([f"bench{i:06d}" for i in range(patients)], seed=seed)
    cohort = VirtualPatients.from_population(population)

    # warm-up: one chunk of other patients compiles every program the run needs
    warm_ids = [f"warmup{i:06d}" for i in range(chunk)]
    warm = VirtualPatients.from_population(sample_population(warm_ids, seed=seed))
    start = time.perf_counter()
    simulate(warm, usual_care(), days=days, record=record, seed=seed, chunk_size=chunk)
    warmup_s = time.perf_counter() - start
    rss_after_first = _rss_now_gib()

    # timed run: every program is compiled; chunks stream through one at a time
    start = time.perf_counter()
    ds = simulate(cohort, usual_care(), days=days, record=record, seed=seed, chunk_size=chunk)
    steady_s = time.perf_counter() - start
    rate = patients * days / steady_s
    compile_s = max(warmup_s - chunk * days / rate, 0.0)

    flops, source, traffic = flops_per_patient_day()
    matmul = matmul_flops_per_s(matmul_size)
    engine = flops * rate
    return BenchmarkResult(
        patients=patients,
        days=days,
        chunk_size=chunk,
        cpu_cores=len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else (os.cpu_count() or 0),
        devices=", ".join(str(d) for d in jax.devices()),
        warmup_s=warmup_s,
        compile_s=compile_s,
        steady_s=steady_s,
        steady_patient_days=patients * days,
        patient_days_per_s=rate,
        flops_per_patient_day=flops,
        flops_source=source,
        bytes_per_patient_day=traffic,
        engine_flops_per_s=engine,
        matmul_size=matmul_size,
        matmul_flops_per_s=matmul,
        fraction_of_matmul=engine / matmul,
        peak_rss_gib=_peak_rss_gib(),
        rss_after_warmup_gib=rss_after_first,
        rss_at_end_gib=_rss_now_gib(),
        mean_fma_ue_last_day=float(ds.fma_ue.sel(day=days).mean()),
    )


def goal_rows(result: BenchmarkResult) -> list[tuple[str, float, bool]]:
    """(goal, measured value, met?) for each goal of :data:`GOALS`."""
    rows = []
    for text, key, op, threshold in GOALS:
        value = float(getattr(result, key))
        met = value >= threshold if op == ">=" else value < threshold
        rows.append((text, value, met))
    return rows


def report(result: BenchmarkResult) -> str:
    """A plain-text report of a benchmark run."""
    r = result
    lines = [
        f"strokesim engine benchmark — {platform.processor() or platform.machine()}, "
        f"{r.cpu_cores} CPU cores available, JAX {jax.__version__} on {r.devices}",
        f"cohort: {r.patients:,} patients × {r.days} days (usual care), chunks of {r.chunk_size}",
        "",
        f"warm-up chunk:               {r.warmup_s:8.1f} s   (compile ≈ {r.compile_s:.1f} s, "
        "the rest is one chunk's run)",
        f"steady state:                {r.steady_s:8.1f} s for {r.steady_patient_days:,} "
        "patient-days",
        f"throughput:                  {r.patient_days_per_s:10,.0f} patient-days/s",
        f"FLOPs per patient-day:       {r.flops_per_patient_day / 1e6:10.2f} M  "
        f"({r.flops_source} of one daily step)",
        f"bytes per patient-day:       {r.bytes_per_patient_day / 1e6:10.2f} MB  "
        "(XLA's bytes accessed by one daily step)",
        f"engine arithmetic rate:      {r.engine_flops_per_s / 1e9:10.2f} GFLOP/s",
        f"float32 matmul {r.matmul_size}×{r.matmul_size}:   "
        f"{r.matmul_flops_per_s / 1e9:10.2f} GFLOP/s (best of 3, same devices)",
        f"fraction of matmul rate:     {100 * r.fraction_of_matmul:10.1f} %",
        f"peak RSS:                    {r.peak_rss_gib:10.2f} GiB  (RSS after warm-up "
        f"{r.rss_after_warmup_gib:.2f} GiB, at end {r.rss_at_end_gib:.2f} GiB)",
        f"mean FMA-UE on day {r.days}:      {r.mean_fma_ue_last_day:10.1f}",
        "",
        "goals (DESIGN §4):",
    ]
    for text, value, met in goal_rows(result):
        lines.append(f"  [{'met' if met else 'NOT met':>7}] {text:<48} measured {value:,.3g}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--chunk-size", type=int, default=128)
    parser.add_argument("--matmul-size", type=int, default=4096)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="1,000 patients × 30 days")
    args = parser.parse_args(argv)
    if args.quick:
        args.patients, args.days = 1_000, 30
    result = run_benchmark(
        args.patients, args.days, args.chunk_size, matmul_size=args.matmul_size, seed=args.seed
    )
    print(report(result))
    if os.environ.get("STROKESIM_BENCH_JSON"):
        import json

        print(json.dumps(asdict(result)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
