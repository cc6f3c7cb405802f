"""The parameters set by hand that bear on a target: what the target reads across each range.

Usage::

    python calibration/hand_set.py [--n 300] [--seed 0] [--out FILE.md]

Most registry parameters carry a literature value. Those that a published target
pins down are fitted by ``calibration/calibrate.py`` and stored, with that target,
in ``calibrated.json``. A few others bear directly on one target but are not fitted:
their values were set by hand when the mechanism was written (:data:`HAND_SET`).
This study shows, with the battery's own experiments and metrics, what that target
reads at the low end of the parameter's registry range, at its value and at the
high end, so a reader can see how much the choice matters and whether another
value in range would have passed.

Nothing here changes the registry. At ``--n 300`` the table takes about five
minutes on 2 CPU cores.
"""

from __future__ import annotations

import sys
import time

from study_cli import study_main  # calibration/ is on the path of its scripts

import strokesim  # noqa: F401  (sets the XLA device count before JAX loads)
from strokesim.cohort.population import POPULATION_PARAMETERS
from strokesim.model.parameters import REGISTRY, Parameter, model_parameters
from strokesim.validate.battery import run_battery
from strokesim.validate.metrics_core import check_ranges

#: Parameter → the battery target it bears on most directly (set by hand, not fitted;
#: ``max_command_gain`` left this list when stage A of ``calibrate.py`` fitted it, and
#: ``inhibition_plasticity_gating`` when stage D did, both 2026-12-07).
HAND_SET: dict[str, str] = {
    "coordination_noise_gain": "V11",
    # population parameters: the default cohort is drawn again at each value
    "cst_load_scale": "V2",
    "premotor_share_max": "V1",
}


def registry_entry(name: str) -> Parameter:
    """A hand-set parameter's entry, in the model or the population registry."""
    return REGISTRY[name] if name in REGISTRY else POPULATION_PARAMETERS[name]


def range_points(name: str) -> tuple[float, ...]:
    """The registry range's low end, the parameter's value and the high end."""
    p = registry_entry(name)
    return (p.low, p.value, p.high)


def result_row(name: str, value: float, target: str, n: int, seed: int) -> str:
    """One table row: the target's verdict and ranged values with ``name`` at ``value``."""
    if name in POPULATION_PARAMETERS:
        run = run_battery(n=n, seed=seed, only=target, population={name: value})
    else:
        run = run_battery(n=n, seed=seed, only=target, params=model_parameters(**{name: value}))
    result = run.results[0]
    checks = check_ranges(target, result.measured)
    cells = "; ".join(
        f"{key} {result.measured[key]:.3g}{'' if ok else ' ✗'}" for key, ok in checks.items()
    )
    mark = " (value)" if value == registry_entry(name).value else ""
    verdict = "pass" if result.passed else "FAIL"
    return f"| `{name}` | {value:g}{mark} | {target} | {verdict} | {cells} |"


def study(n: int, seed: int) -> list[str]:
    """The table: one row per hand-set parameter and range point."""
    rows = [
        f"### Hand-set parameters across their registry ranges (n = {n}, seed {seed})",
        "",
        "| parameter | value | target | verdict | ranged values (✗ outside the pass range) |",
        "|---|---|---|---|---|",
    ]
    for name, target in HAND_SET.items():
        for value in range_points(name):
            started = time.perf_counter()
            rows.append(result_row(name, value, target, n, seed))
            elapsed = time.perf_counter() - started
            print(f"{name} = {value:g}: {elapsed:.0f} s", file=sys.stderr, flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; prints (and optionally writes) the Markdown table."""
    return study_main(
        argv,
        description="What each hand-set parameter's target reads across its registry range.",
        default_n=300,
        run=study,
    )


if __name__ == "__main__":
    sys.exit(main())
