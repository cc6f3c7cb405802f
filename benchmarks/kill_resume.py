"""Kill test at scale: a run killed with SIGKILL at random points and resumed each time.

Usage::

    python benchmarks/kill_resume.py [--n 20000] [--days 30] [--chunk-size 512]
        [--kills 5] [--seed 0] [--folder DIR]

Writes a patients file of ``--n`` patients with explicit lesions (the kill test's
own recipe, :func:`strokesim.testing.patients_file.patients_toml`), then runs
``strokesim simulate`` on it twice in subprocesses, in run folders under
``--folder`` (default: a temporary folder): once uninterrupted, and once killed
with SIGKILL ``--kills`` times, each time at a random point (after a random number
of finished chunks, then a random part of one chunk's time) and resumed with
``--resume``, until it finishes.
Prints each kill (finished chunks, seconds into the process), whether the resumed
table is bitwise identical to the uninterrupted one, and whether every patient is
there exactly once. Exit status 1 if not. Not a test: ``tests/jobs/test_kill.py``
kills a real subprocess at small n on every test run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def finished(run: Path) -> int:
    """Chunks whose Parquet part has landed."""
    return len(list((run / "parts").glob("part-*.parquet"))) if (run / "parts").exists() else 0


def launch(arguments: list[str], log: Path) -> subprocess.Popen:
    """The CLI in a subprocess, its output (progress bars included) to ``log``."""
    with log.open("w") as stream:
        return subprocess.Popen(
            [sys.executable, "-c", "from strokesim.cli import main; main()", *arguments],
            stdout=stream,
            stderr=subprocess.STDOUT,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--chunk-size", type=int, default=512)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0, help="seed of the kill points")
    parser.add_argument("--folder", type=Path, default=None)
    args = parser.parse_args()

    from identity_jobs import compare

    from strokesim.jobs import read_run
    from strokesim.testing.patients_file import patients_toml

    rng = random.Random(args.seed)
    chunks = -(-args.n // args.chunk_size)
    if not 0 < args.kills < chunks:
        parser.error(f"--kills: must lie in 1–{chunks - 1} for {chunks} chunks")
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.folder or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        patients = folder / "patients.toml"
        patients.write_text(patients_toml(args.n, width=6), encoding="utf-8")

        def command(run: Path) -> list[str]:
            return [
                "simulate", str(patients), "--days", str(args.days), "--seed", "0",
                "--chunk-size", str(args.chunk_size), "--run-dir", str(run),
            ]  # fmt: skip

        print(f"{args.n:,} patients × {args.days} days in {chunks} chunks of {args.chunk_size}")
        started = time.perf_counter()
        whole = launch(command(folder / "whole"), folder / "whole.log")
        if whole.wait() != 0:
            print((folder / "whole.log").read_text()[-2000:], file=sys.stderr)
            return 1
        uninterrupted = time.perf_counter() - started
        print(f"uninterrupted run: {uninterrupted:.0f} s")

        run = folder / "killed"
        points = sorted(rng.sample(range(1, chunks), args.kills))
        per_chunk = uninterrupted / chunks
        started = time.perf_counter()
        for kill, after in enumerate(points, start=1):
            resume = ["--resume"] if kill > 1 else []
            process = launch([*command(run), *resume], folder / f"killed-{kill}.log")
            t0 = time.perf_counter()
            while finished(run) < after and process.poll() is None:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, per_chunk))
            if process.poll() is not None:
                print(f"kill {kill}: the run ended before it (exit {process.returncode})")
                return 1
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            print(
                f"kill {kill}: SIGKILL after {time.perf_counter() - t0:.1f} s of its process, "
                f"{finished(run)} of {chunks} chunks finished"
            )
        last = launch([*command(run), "--resume"], folder / "resumed.log")
        if last.wait() != 0:
            print((folder / "resumed.log").read_text()[-2000:], file=sys.stderr)
            return 1
        print(f"killed {args.kills} times and resumed: {time.perf_counter() - started:.0f} s")

        table, reference = read_run(run), read_run(folder / "whole")
        ids = [str(x) for x in table["patient"].values]
        complete = ids == [f"K{index:06d}" for index in range(args.n)]
        statuses = {c["status"] for c in json.loads((run / "manifest.json").read_text())["chunks"]}
        bitwise, _, text = compare(reference, table)
        leftovers = list((run / "parts").glob(".*"))
        print(f"every patient exactly once, in order: {complete} ({len(ids):,} rows)")
        print(f"chunk statuses: {sorted(statuses)}; temporary files left: {len(leftovers)}")
        print(f"bitwise identical to the uninterrupted run: {bitwise} ({text})")
        return 0 if complete and bitwise and statuses == {"done"} and not leftovers else 1


if __name__ == "__main__":
    sys.exit(main())
