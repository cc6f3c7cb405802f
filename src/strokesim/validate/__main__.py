"""``python -m strokesim.validate``: the validation battery from the command line.

The same as ``strokesim validate`` (see :func:`strokesim.validate.battery.validate_command`)::

    python -m strokesim.validate --n 1000 --seed 0 --report out/validation.html
    python -m strokesim.validate --n 1000 --markdown docs/validation_results.md
    python -m strokesim.validate --n 200 --only V1,V3
    python -m strokesim.validate --n 1000 --seeds 0,1,2,3,4 --results-dir out/seeds --resume

Exit codes: 0 every selected target passes (with --seeds: at every seed), 1 some
target fails (or is fragile), 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from strokesim.errors import UserInputError
from strokesim.report.html import DISCLAIMER


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, run the battery, return the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m strokesim.validate",
        description="Run the validation battery (VALIDATION.md targets V1–V13). " + DISCLAIMER,
    )
    parser.add_argument("--n", type=int, default=1000, help="virtual patients (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    parser.add_argument(
        "--report", type=Path, default=Path("out/validation.html"), help="HTML report path"
    )
    parser.add_argument("--no-report", action="store_true", help="do not write the HTML report")
    parser.add_argument("--only", default=None, help="targets to run, e.g. V1,V3")
    parser.add_argument("--markdown", type=Path, default=None, help="also write a Markdown table")
    parser.add_argument(
        "--n-boot", type=int, default=1000, help="bootstrap replicates (default 1000)"
    )
    parser.add_argument(
        "--seeds", default=None, help="run at each of these seeds, e.g. 0,1,2,3,4 (pass counts)"
    )
    parser.add_argument(
        "--results-dir",
        type=Path,
        default=Path("out/validation_seeds"),
        help="with --seeds: folder of the per-seed results",
    )
    parser.add_argument(
        "--resume", action="store_true", help="with --seeds: reuse matching saved seeds"
    )
    options = parser.parse_args(argv)
    from strokesim.validate.battery import validate_command
    from strokesim.validate.seeds import seeds_command

    try:
        if options.seeds is not None:
            return seeds_command(
                options.n,
                options.seeds,
                options.results_dir,
                report=None if options.no_report else options.report,
                markdown=options.markdown,
                only=options.only,
                n_boot=options.n_boot,
                resume=options.resume,
                progress=_print_progress,
            )
        if options.resume:
            raise UserInputError("--resume", "only with --seeds (a single seed is run whole)")
        return validate_command(
            n=options.n,
            seed=options.seed,
            report=None if options.no_report else options.report,
            only=options.only,
            markdown=options.markdown,
            n_boot=options.n_boot,
            progress=_print_progress,
        )
    except UserInputError as error:
        print(f"error: {error.field}: {error.problem}", file=sys.stderr)
        return 2


def _print_progress(done: int, total: int) -> None:
    print(f"[{done}/{total} targets done]", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
