"""The validation battery: run the experiments of V1–V12, score them, report them.

:func:`run_battery` runs the selected experiments on one
:class:`~strokesim.validate.experiments.ValidationCohort` (shared simulations run
once), applies each target's metric and times every target.
:func:`validate_command` is the body of ``strokesim validate``: it prints the
results table, writes the HTML report (and optionally a Markdown table) and
returns the exit code.

Example
-------
>>> result = run_battery(n=200, seed=0, only=["V4", "V5"])      # doctest: +SKIP
>>> [r.target_id for r in result.results]                        # doctest: +SKIP
['V4', 'V5']
"""

from __future__ import annotations

import hashlib
import inspect
import json
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Final

import jax

from strokesim import __version__
from strokesim.errors import UserInputError
from strokesim.io.atomic import prepare_output
from strokesim.validate.battery_result import BatteryResult
from strokesim.validate.experiments import (
    EXPERIMENTS,
    SNAPSHOT_DAYS,
    ExperimentData,
    ValidationCohort,
)
from strokesim.validate.experiments_cohort import BATTERY_IDS, CohortIds
from strokesim.validate.metrics import (
    TARGETS,
    TargetResult,
    chronic_intensive,
    contralesional_inhibition,
    format_results_table,
    laterality_recovery,
    learned_non_use,
    mep_positive_outcome,
    non_fitters,
    nonparetic_deficit,
    prep2_accuracy,
    proportional_recovery,
    recovery_timing,
    spasticity,
    task_specificity,
    training_timing,
)

__all__ = ["METRICS", "BatteryResult", "parse_only", "run_battery", "score", "validate_command"]

#: Target id → metric function (keyword inputs from the experiment's ExperimentData).
METRICS: Final[dict[str, Callable[..., TargetResult]]] = {
    "V1": proportional_recovery,
    "V2": non_fitters,
    "V3": recovery_timing,
    "V4": prep2_accuracy,
    "V5": mep_positive_outcome,
    "V6": contralesional_inhibition,
    "V7": learned_non_use,
    "V8": training_timing,
    "V9": chronic_intensive,
    "V10": spasticity,
    "V11": nonparetic_deficit,
    "V12": task_specificity,
    "V13": laterality_recovery,
}
#: Bootstrap replicates of the confidence intervals.
DEFAULT_N_BOOT: Final[int] = 1000


def parse_only(only: str | Iterable[str] | None) -> list[str]:
    """The selected target ids, in VALIDATION.md order.

    Parameters
    ----------
    only
        ``None`` (all), a comma-separated string (``"V1,v3"``) or an iterable of ids.

    Returns
    -------
    list of str

    Raises
    ------
    strokesim.errors.UserInputError
        For an unknown or empty selection (field ``--only``).
    """
    if only is None:
        return list(TARGETS)
    items = only.split(",") if isinstance(only, str) else list(only)
    wanted = {str(item).strip().upper() for item in items if str(item).strip()}
    unknown = sorted(wanted - set(TARGETS))
    if unknown or not wanted:
        problem = f"unknown target {', '.join(unknown)}" if unknown else "no target given"
        raise UserInputError("--only", f"{problem}; choose from {', '.join(TARGETS)}")
    return [target for target in TARGETS if target in wanted]


def run_battery(
    n: int = 1000,
    seed: int = 0,
    only: str | Iterable[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    n_boot: int = DEFAULT_N_BOOT,
    params: Mapping[str, float] | None = None,
    ids: CohortIds = BATTERY_IDS,
    population: Mapping[str, float] | None = None,
) -> BatteryResult:
    """Run the validation experiments and score them against VALIDATION.md.

    Parameters
    ----------
    n
        Virtual patients in the default cohort (VALIDATION.md asks for ≥ 1000).
    seed
        Root seed of the cohort, of every simulation and of the bootstrap.
    only
        Target ids to run (default all), e.g. ``["V1", "V3"]`` or ``"V1,V3"``.
    progress
        Called as ``progress(done, total)`` in targets, after each target.
    n_boot
        Bootstrap replicates of the confidence intervals.
    params
        Model parameters (default: the registry), e.g. a calibration candidate.
    ids
        Id prefixes of the cohort's patients and controls (default: the battery's,
        ``vp``/``hc``); ``calibration/calibrate.py`` passes its own, disjoint ones.
    population
        Overrides of the population registry's values (default: none).

    Returns
    -------
    BatteryResult

    Raises
    ------
    strokesim.errors.UserInputError
        For a bad ``n``, ``seed`` or ``only``.
    """
    selected = parse_only(only)
    started = time.perf_counter()
    cohort = ValidationCohort(
        n,
        seed,
        params=dict(params) if params is not None else None,
        ids=ids,
        population=population,
    )
    for target in selected:
        cohort.plan(SNAPSHOT_DAYS.get(target, ()))
    results, data, seconds = [], {}, {}
    for done, target in enumerate(selected, start=1):
        began = time.perf_counter()
        data[target] = EXPERIMENTS[target](cohort)
        results.append(score(data[target], n_boot=n_boot, seed=seed))
        seconds[target] = time.perf_counter() - began
        if progress is not None:
            progress(done, len(selected))
    cohort.release()
    settings: dict[str, object] = {
        "n": n,
        "seed": seed,
        "n_boot": n_boot,
        "patient_ids": f"{cohort.patients.ids[0]} …",
        "targets": ", ".join(selected),
        "strokesim_version": __version__,
        "parameters_sha256": _parameters_hash(cohort.params),
        "jax_backend": jax.default_backend(),
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    if cohort.population:
        settings["population_overrides"] = dict(cohort.population)
    return BatteryResult(results, data, seconds, settings)


def score(data: ExperimentData, *, n_boot: int = DEFAULT_N_BOOT, seed: int = 0) -> TargetResult:
    """Apply the target's metric to an experiment's data.

    The bootstrap settings are passed to the metrics that bootstrap; the others
    (t intervals only) take the inputs alone.
    """
    metric = METRICS[data.target_id]
    accepted = inspect.signature(metric).parameters
    options = {
        name: value for name, value in (("n_boot", n_boot), ("seed", seed)) if name in accepted
    }
    return metric(**data.inputs, **options)


def validate_command(
    n: int = 1000,
    seed: int = 0,
    report: str | Path | None = Path("out/validation.html"),
    only: str | Iterable[str] | None = None,
    markdown: str | Path | None = None,
    *,
    n_boot: int = DEFAULT_N_BOOT,
    echo: Callable[[str], None] = print,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """``strokesim validate``: run the battery, print the table, write the report.

    Parameters
    ----------
    n, seed, only, n_boot
        As for :func:`run_battery` (``only`` as given on the command line, "V1,V3").
    report
        HTML report path (its folder is created); ``None`` for no report.
    markdown
        Also write the results table as Markdown to this path (e.g.
        ``docs/validation_results.md``).
    echo
        Where lines of output go (the CLI passes ``typer.echo``).
    progress
        Progress callback, as for :func:`run_battery`.

    Returns
    -------
    int
        0 when every selected target passes, else 1.

    Raises
    ------
    strokesim.errors.UserInputError
        For bad options or an unwritable output path, before anything is run
        (the CLI prints it and exits with code 2).
    """
    from strokesim.validate.report import write_markdown_results, write_validation_report

    parse_only(only)  # fail on a bad selection before any simulation
    ValidationCohort.check_size(n, seed)
    outputs = [(report, "--report"), (markdown, "--markdown")]
    for path, option in outputs:
        if path is not None:
            prepare_output(path, option)
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 1:
        raise UserInputError("--n-boot", f"must be a positive integer, got {n_boot}")
    result = run_battery(n=n, seed=seed, only=only, progress=progress, n_boot=n_boot)
    echo(format_results_table(result.results))
    echo(
        "time per target (s): "
        + ", ".join(f"{target} {secs:.0f}" for target, secs in result.seconds.items())
    )
    if report is not None:
        echo(f"wrote {write_validation_report(result, report)}")
    if markdown is not None:
        echo(f"wrote {write_markdown_results(result, markdown)}")
    failed = [r.target_id for r in result.results if not r.passed]
    echo("all targets pass" if not failed else f"failing: {', '.join(failed)}")
    return 0 if not failed else 1


def current_parameters_hash() -> str:
    """The sha256 of the default model parameters, as a run's settings record it."""
    from strokesim.model.parameters import model_parameters

    return _parameters_hash(model_parameters())


def _parameters_hash(params: Mapping[str, float]) -> str:
    text = json.dumps({k: float(v) for k, v in params.items()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()
