"""Seed-robust verdicts: the battery at several seeds, and each target's pass count.

VALIDATION.md: "A target passes when it passes at each of the seeds 0–4 (n = 1000
each); one that passes at some seeds only is reported as fragile, with its
margin." :func:`run_seeds` runs :func:`~strokesim.validate.battery.run_battery`
once per seed in one process (the compiled simulation code is shared), saving
each seed's results as JSON as soon as it finishes, so that an interrupted run
resumes without redoing finished seeds. :func:`summarise` turns the per-seed
results into one :class:`TargetRobustness` per target: the headline (ranged)
measured values at every seed, the number of seeds at which the target passes,
and the margin of each headline value.

The margin of a headline value is the signed distance, in the value's own units,
from the worst seed's value to the nearest bound of its pass range: positive
inside the range, negative outside it (so the smallest margin over the seeds).

Example
-------
>>> runs = run_seeds(n=1000, seeds=[0, 1, 2, 3, 4], folder="out/seeds")  # doctest: +SKIP
>>> [t.status for t in summarise(runs)]                                # doctest: +SKIP
['passing', 'fragile', ...]
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

from strokesim.code_version import code_hash
from strokesim.errors import UserInputError
from strokesim.io.atomic import atomic_write_text
from strokesim.validate.metrics_core import TargetResult, check_ranges
from strokesim.validate.seeds_results import (
    SeedRun,
    TargetRobustness,
    ValueRobustness,
    margin,
    summarise,
)

if TYPE_CHECKING:
    from strokesim.validate.battery import BatteryResult

__all__ = [
    "SeedRun",
    "TargetRobustness",
    "ValueRobustness",
    "code_hash",
    "load_seed_run",
    "margin",
    "parse_seeds",
    "run_seeds",
    "save_seed_run",
    "seed_path",
    "seeds_command",
    "summarise",
]

#: Largest seed accepted (JAX/NumPy take 32-bit unsigned root seeds).
MAX_SEED: Final[int] = 2**32 - 1
#: Settings that must agree for a saved seed to be reused by ``--resume``.
RESUME_KEYS: Final[tuple[str, ...]] = (
    "n",
    "seed",
    "n_boot",
    "targets",
    "parameters_sha256",
    "code_sha256",
)
#: Version of the per-seed JSON layout.
FORMAT_VERSION: Final[int] = 1


def parse_seeds(text: str | Sequence[int]) -> list[int]:
    """The seeds of ``--seeds``: comma-separated non-negative integers, no duplicates.

    Parameters
    ----------
    text
        E.g. ``"0,1,2,3,4"`` (spaces allowed) or a sequence of ints.

    Returns
    -------
    list of int
        In the order given.

    Raises
    ------
    strokesim.errors.UserInputError
        For an empty list, a non-integer, a negative or too large seed, or a duplicate
        (field ``--seeds``).

    Examples
    --------
    >>> parse_seeds("0, 1,2")
    [0, 1, 2]
    """
    items = text.split(",") if isinstance(text, str) else [str(item) for item in text]
    words = [item.strip() for item in items]
    allowed = f"comma-separated integers in 0–{MAX_SEED}, e.g. 0,1,2,3,4"
    if not any(words):
        raise UserInputError("--seeds", f"no seed given; expected {allowed}")
    seeds = []
    for word in words:
        if not re.fullmatch(r"[+-]?\d+", word) or not 0 <= int(word) <= MAX_SEED:
            raise UserInputError("--seeds", f"bad seed {word!r}; expected {allowed}")
        seeds.append(int(word))
    duplicates = sorted({seed for seed in seeds if seeds.count(seed) > 1})
    if duplicates:
        shown = ", ".join(map(str, duplicates))
        raise UserInputError("--seeds", f"seed {shown} given twice; expected {allowed}")
    return seeds


def seed_path(folder: str | Path, seed: int) -> Path:
    """Where the results of ``seed`` are saved in ``folder`` (``seed_<seed>.json``)."""
    return Path(folder) / f"seed_{seed}.json"


def save_seed_run(run: SeedRun, path: str | Path) -> Path:
    """Write one seed's results as JSON, atomically (complete or absent)."""
    document = {
        "format": FORMAT_VERSION,
        "seed": run.seed,
        "settings": run.settings,
        "seconds": run.seconds,
        "results": [
            {
                "target_id": r.target_id,
                "measured": r.measured,
                "ci": {name: list(bounds) for name, bounds in r.ci.items()},
                "passed": r.passed,
                "detail": r.detail,
            }
            for r in run.results
        ],
    }
    return atomic_write_text(path, json.dumps(document, indent=1) + "\n", "--results-dir")


def load_seed_run(path: str | Path) -> SeedRun:
    """Read a JSON written by :func:`save_seed_run`.

    The verdicts are decided again from today's pass ranges (the saved ``passed``
    is not trusted), so a saved seed is scored as a fresh one would be.

    Raises
    ------
    ValueError
        If the file is not a per-seed result of this format or its measured values
        no longer cover the target's ranged values.
    """
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(document, dict) or document.get("format") != FORMAT_VERSION:
        raise ValueError(f"{path}: not a per-seed validation result (format {FORMAT_VERSION})")
    results = []
    for item in document["results"]:
        measured = {name: float(value) for name, value in item["measured"].items()}
        checks = check_ranges(item["target_id"], measured)
        results.append(
            TargetResult(
                item["target_id"],
                measured,
                {name: (float(lo), float(hi)) for name, (lo, hi) in item["ci"].items()},
                all(checks.values()),
                str(item["detail"]),
            )
        )
    seconds = {key: float(value) for key, value in document.get("seconds", {}).items()}
    return SeedRun(int(document["seed"]), results, dict(document["settings"]), seconds)


def run_seeds(
    n: int,
    seeds: Sequence[int],
    folder: str | Path,
    *,
    only: str | Iterable[str] | None = None,
    n_boot: int | None = None,
    resume: bool = False,
    echo: Callable[[str], None] = print,
    progress: Callable[[int, int], None] | None = None,
) -> list[SeedRun]:
    """Run the battery at each seed, saving each seed's results as it finishes.

    Parameters
    ----------
    n
        Virtual patients per seed.
    seeds
        Root seeds, e.g. ``[0, 1, 2, 3, 4]``.
    folder
        Where ``seed_<seed>.json`` files go (created if missing), each with its
        results document ``seed_<seed>.md`` (the table that ``strokesim validate
        --seed <seed> --markdown`` writes).
    only, n_boot
        As for :func:`~strokesim.validate.battery.run_battery`.
    resume
        Reuse a saved seed whose n, seed, n_boot, targets, parameter hash and code
        hash (:func:`code_hash`) match this run; otherwise every seed is run (and its
        file replaced).
    echo
        Where one line per seed goes (seed, time, failing targets).
    progress
        Called as ``progress(done, total)`` in targets over all seeds still to run.

    Returns
    -------
    list of SeedRun
        In the order of ``seeds``.
    """
    from strokesim.validate.battery import DEFAULT_N_BOOT, parse_only, run_battery
    from strokesim.validate.report import results_markdown

    boot = DEFAULT_N_BOOT if n_boot is None else n_boot
    selected = parse_only(only)
    Path(folder).mkdir(parents=True, exist_ok=True)
    code = code_hash()
    runs: dict[int, SeedRun] = {}
    if resume:
        for seed in seeds:
            reused = _reusable(seed_path(folder, seed), n, seed, boot, selected, code, echo)
            if reused is not None:
                runs[seed] = reused
    todo = [seed for seed in seeds if seed not in runs]
    total, offset = len(todo) * len(selected), 0
    for seed in todo:

        def step(done: int, _: int, base: int = offset) -> None:
            if progress is not None:
                progress(base + done, total)

        battery = _run_seed(
            lambda seed=seed, step=step: run_battery(
                n=n, seed=seed, only=selected, progress=step, n_boot=boot
            ),
            seed,
            echo,
        )
        settings = {**battery.settings, "code_sha256": code}
        runs[seed] = SeedRun(seed, battery.results, settings, battery.seconds)
        path = save_seed_run(runs[seed], seed_path(folder, seed))
        # the seed's own results document, as `strokesim validate --seed K --markdown`
        # writes it (docs/validation_results.md is seed 0's)
        atomic_write_text(
            path.with_suffix(".md"),
            results_markdown(battery, path.with_suffix(".md")),
            "--results-dir",
        )
        failed = [r.target_id for r in battery.results if not r.passed]
        echo(
            f"seed {seed}: {battery.settings['total_seconds']} s, "
            f"{'all pass' if not failed else 'failing ' + ', '.join(failed)}; wrote {path}"
        )
        offset += len(selected)
    return [runs[seed] for seed in seeds]


def _run_seed(
    run: Callable[[], BatteryResult], seed: int, echo: Callable[[str], None]
) -> BatteryResult:
    """One seed's battery, retried once (a unit of :mod:`strokesim.jobs.units`).

    Raises
    ------
    strokesim.jobs.units.UnitFailed
        If it fails twice; the seeds saved before it stay for ``--resume``.
    """
    from strokesim.jobs.units import ATTEMPTS, UnitFailed

    for attempt in range(1, ATTEMPTS + 1):
        try:
            return run()
        except UserInputError:
            raise
        except Exception as error:
            reason = " ".join(f"{type(error).__name__}: {error}".split())
            if attempt == ATTEMPTS:
                raise UnitFailed(None, f"seed {seed}", reason) from error
            echo(f"seed {seed}: failed ({reason}); trying once more")
    raise AssertionError("unreachable")  # pragma: no cover


def _reusable(
    path: Path,
    n: int,
    seed: int,
    n_boot: int,
    selected: list[str],
    code: str,
    echo: Callable[[str], None],
) -> SeedRun | None:
    """A saved seed that matches this run's settings, or ``None`` (then it is run again)."""
    if not path.is_file():
        return None
    try:
        run = load_seed_run(path)
    except (ValueError, KeyError, TypeError) as error:
        echo(f"seed {seed}: cannot reuse {path} ({error}); running it again")
        return None
    from strokesim.validate.battery import current_parameters_hash

    wanted = {
        "n": n,
        "seed": seed,
        "n_boot": n_boot,
        "targets": ", ".join(selected),
        "parameters_sha256": current_parameters_hash(),
        "code_sha256": code,
    }
    differing = [key for key in RESUME_KEYS if run.settings.get(key) != wanted[key]]
    if differing:
        echo(f"seed {seed}: {path} was run with other {', '.join(differing)}; running it again")
        return None
    echo(f"seed {seed}: reusing {path}")
    return run


def seeds_command(
    n: int,
    seeds: str | Sequence[int],
    folder: str | Path,
    *,
    report: str | Path | None = None,
    markdown: str | Path | None = None,
    only: str | Iterable[str] | None = None,
    n_boot: int | None = None,
    resume: bool = False,
    echo: Callable[[str], None] = print,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """``strokesim validate --seeds``: the battery at each seed, its table and verdicts.

    Parameters
    ----------
    n
        Virtual patients per seed.
    seeds
        ``--seeds`` as given (``"0,1,2,3,4"``) or a sequence of ints.
    folder
        Where each seed's JSON goes (``--results-dir``).
    report, markdown
        HTML page and Markdown document of the seed-robustness table (``None``: none).
    only, n_boot
        As for :func:`~strokesim.validate.battery.run_battery`.
    resume
        Reuse saved seeds with the same settings (see :func:`run_seeds`).
    echo, progress
        Output lines and progress callback.

    Returns
    -------
    int
        0 when every target passes at every seed, else 1; the last line echoed
        names the failing and fragile targets.

    Raises
    ------
    strokesim.errors.UserInputError
        For bad options or unwritable outputs, before anything is run.
    """
    from strokesim import __version__
    from strokesim.io.atomic import prepare_output
    from strokesim.validate.battery import DEFAULT_N_BOOT, current_parameters_hash, parse_only
    from strokesim.validate.experiments_cohort import ValidationCohort
    from strokesim.validate.seeds_report import (
        format_seeds_table,
        render_seeds_html,
        seeds_markdown,
        seeds_verdict_line,
    )

    chosen = parse_seeds(seeds)
    parse_only(only)
    ValidationCohort.check_size(n, chosen[0])
    boot = DEFAULT_N_BOOT if n_boot is None else n_boot
    if isinstance(boot, bool) or not isinstance(boot, int) or boot < 1:
        raise UserInputError("--n-boot", f"must be a positive integer, got {boot}")
    prepare_output(seed_path(folder, chosen[0]), "--results-dir")
    for path, option in ((report, "--report"), (markdown, "--markdown")):
        if path is not None:
            prepare_output(path, option)
    runs = run_seeds(
        n, chosen, folder, only=only, n_boot=boot, resume=resume, echo=echo, progress=progress
    )
    summary = summarise(runs)
    settings: dict[str, object] = {
        "command": f"strokesim validate --n {n} --seeds {','.join(map(str, chosen))}"
        + (f" --only {','.join(parse_only(only))}" if only is not None else ""),
        "n": n,
        "seeds": ", ".join(map(str, chosen)),
        "n_boot": boot,
        "strokesim_version": __version__,
        "parameters_sha256": current_parameters_hash(),
        "code_sha256": code_hash(),
    }
    echo(format_seeds_table(summary))
    if report is not None:
        written = atomic_write_text(report, render_seeds_html(summary, settings), "--report")
        echo(f"wrote {written}")
    if markdown is not None:
        written = atomic_write_text(markdown, seeds_markdown(summary, settings), "--markdown")
        echo(f"wrote {written}")
    echo(seeds_verdict_line(summary))
    return 0 if all(t.status == "passing" for t in summary) else 1
