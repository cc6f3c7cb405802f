"""Sobol indices from the finished prefix of a ``strokesim sensitivity`` run folder.

Saltelli's design is laid out base sample by base sample (``d + 2`` consecutive
points each, SALib's order) and the sweep's rows point by point, so the chunks
finished first hold complete base samples. This script reads the finished parts
of a run folder that has not finished (or was stopped), keeps the largest
power-of-2 number ``M`` of complete base samples (a prefix of a scrambled Sobol
sequence of length 2^k is itself balanced), and computes the indices of that
smaller design with the same code path as the command
(:func:`strokesim.cli.sweep.analyse_sensitivity`), writing ``indices.csv``,
``indices.md`` and ``sensitivity.png`` into ``--out``.

Usage::

    python benchmarks/sensitivity_partial.py SPEC.toml RUN_DIR --out FOLDER
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd


def main() -> None:
    """Read the finished parts, analyse the complete power-of-2 prefix, write the outputs."""
    from strokesim.cli.sweep import analyse_sensitivity
    from strokesim.jobs.manifest import load_manifest
    from strokesim.jobs.store import PARTS
    from strokesim.report import save_figure
    from strokesim.sweep.design import saltelli_design
    from strokesim.sweep.run import summarise
    from strokesim.sweep.spec import load_sweep

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", type=Path)
    parser.add_argument("run", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    loaded = load_sweep(args.spec)
    cfg = loaded.spec.sensitivity
    d, n = len(loaded.factors), loaded.spec.cohort.n
    design = saltelli_design(loaded.factors, cfg.samples, cfg.seed)
    manifest = load_manifest(args.run)
    tables = []
    for entry in manifest["chunks"]:
        if entry["status"] != "done":
            break
        tables.append(pd.read_parquet(args.run / PARTS / entry["file"]))
    rows = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    complete_points = len(rows) // n
    base = complete_points // (d + 2)
    m = 1 << (base.bit_length() - 1) if base else 0
    if m < 2:
        raise SystemExit(f"only {base} complete base samples finished; need at least 2")
    points = m * (d + 2)
    rows = rows[rows["point"] < points]
    summary = summarise(loaded, design.iloc[:points].reset_index(drop=True), rows)
    title = f"Sensitivity '{loaded.spec.name}' (first {m} of {cfg.samples} base samples)"
    indices, markdown, figure = analyse_sensitivity(loaded, summary, samples=m, title=title)
    args.out.mkdir(parents=True, exist_ok=True)
    indices.to_csv(args.out / "indices.csv", index=False)
    summary.to_csv(args.out / "summary.csv", index=False)
    (args.out / "indices.md").write_text(markdown, encoding="utf-8")
    save_figure(figure, args.out / "sensitivity.png")
    print(f"{m} base samples × ({d} + 2) = {points} design points × {n} patients")
    print(markdown)


if __name__ == "__main__":
    main()
