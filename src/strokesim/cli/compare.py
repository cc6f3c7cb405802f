"""``strokesim compare``: several protocols on the same virtual patients (counterfactual twins)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from strokesim.cli.common import (
    DISCLAIMER,
    check_days,
    check_seed,
    print_table,
    resolve_protocol,
    user_errors,
)
from strokesim.cli.options import Days, LesionSamples, PatientsFile, Seed
from strokesim.errors import UserInputError

__all__ = ["compare", "register"]


def compare(
    patients: PatientsFile,
    more_protocols: Annotated[
        list[str] | None,
        typer.Argument(hidden=True, show_default=False),
    ] = None,
    protocols: Annotated[
        list[str] | None,
        typer.Option(
            "--protocols",
            "-p",
            help="Protocols to compare (TOML files or names), e.g. "
            "`--protocols usual_care cimt_2_weeks`. The first is the reference.",
            metavar="FILE|NAME ...",
            show_default=False,
        ),
    ] = None,
    days: Days = 180,
    seed: Seed = 0,
    out: Annotated[
        Path, typer.Option(help="Output folder (table, figure, dataset).", metavar="DIR")
    ] = Path("out/compare"),
    lesion_samples: LesionSamples = 16,
) -> None:
    """Run several protocols on the same virtual patients (counterfactual twins)."""
    with user_errors():
        from strokesim.outputs import output_folder, write_all

        check_days(days)
        check_seed(seed)
        names = [*(protocols or []), *(more_protocols or [])]
        if len(names) < 2:
            raise UserInputError("--protocols", "give at least two protocols to compare")
        chosen = {}
        for name in names:
            protocol = resolve_protocol(name)
            if protocol.name in chosen:
                raise UserInputError("--protocols", f"names {protocol.name} twice")
            chosen[protocol.name] = protocol
        from strokesim.patient import load_patients

        specs = load_patients(patients)
        with output_folder(out) as folder:
            from strokesim.compare import compare_protocols, comparison_figure, comparison_table
            from strokesim.io import atomic_write_text, write_results
            from strokesim.report import save_figure

            typer.echo(f"Comparing {len(chosen)} protocols on the same virtual patients…")
            ds = compare_protocols(
                specs, chosen, days=days, seed=seed, n_lesion_samples=lesion_samples
            )
            table = comparison_table(ds)
            written = write_all(
                [
                    (
                        folder / "comparison.csv",
                        lambda p: atomic_write_text(p, table.to_csv(index=False), field="--out"),
                    ),
                    (
                        folder / "comparison.png",
                        lambda p: save_figure(comparison_figure(ds), p, "--out"),
                    ),
                    (folder / "comparison.nc", lambda p: write_results(ds, p, field="--out")),
                ]
            )
        rows = [
            {k: (f"{v:.1f}" if isinstance(v, float) else v) for k, v in row.items()}
            for row in table.to_dict("records")
        ]
        print_table(f"FMA-UE at day {days}: arms vs {names[0]} (paired, same lesions)", rows)
        for path in written:
            typer.echo(f"wrote {path}")
        typer.echo(DISCLAIMER)


def register(app: typer.Typer) -> None:
    """Add ``compare`` to the ``strokesim`` app."""
    app.command()(compare)
