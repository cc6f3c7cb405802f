"""The command line shared by the calibration studies: cohort size, seed, Markdown output.

A study is a function ``run(n, seed) -> lines`` that simulates ``n`` virtual patients
of the default cohort and returns Markdown lines; this module parses ``--n``,
``--seed`` and ``--out``, refuses a bad cohort size or seed with one line on stderr
and exit code 2 before anything runs (an unwritable ``--out`` too), prints the
Markdown and optionally writes it whole (atomically).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from strokesim.errors import UserInputError
from strokesim.io import atomic_write_text, prepare_output
from strokesim.validate.experiments_cohort import ValidationCohort

__all__ = ["study_main"]


def study_main(
    argv: list[str] | None,
    *,
    description: str,
    default_n: int,
    run: Callable[[int, int], list[str]],
) -> int:
    """Parse the arguments, run the study, print (and optionally write) its Markdown."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--n", type=int, default=default_n, help=f"virtual patients (default {default_n})"
    )
    parser.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    parser.add_argument("--out", type=Path, help="also write the Markdown to this file")
    args = parser.parse_args(argv)
    try:
        ValidationCohort.check_size(args.n, args.seed)
        if args.out is not None:
            prepare_output(args.out, "--out")
    except UserInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    text = "\n".join(run(args.n, args.seed)) + "\n"
    print(text)
    if args.out is not None:
        atomic_write_text(args.out, text, field="--out")
    return 0
