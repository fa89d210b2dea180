"""``orgplane dev``: tools for developing and benchmarking orgplane itself."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orgplane.cli.console import err, safe, write_text_atomically
from orgplane.errors import UsageError

__all__ = ["dev_app"]

dev_app = typer.Typer(
    help="Tools for developing and benchmarking orgplane (generated data).", no_args_is_help=True
)


@dev_app.command()
def generate(
    out_dir: Annotated[
        Path, typer.Argument(metavar="OUT", help="Folder to write the generated spec to.")
    ],
    departments: Annotated[int, typer.Option(min=1, help="Top-level groups.")] = 20,
    squads_per: Annotated[int, typer.Option(min=0, help="Squads per department.")] = 25,
    units_per: Annotated[int, typer.Option(min=0, help="Units per squad.")] = 8,
    people: Annotated[int, typer.Option(min=0, help="People.")] = 100_000,
    catalog: Annotated[int, typer.Option(min=0, help="Catalog entries.")] = 50_000,
    kpis_per_unit: Annotated[
        int, typer.Option(min=0, help="KPIs of every unit (squads always get one to three).")
    ] = 0,
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed writes the same files.")
    ] = 0,
) -> None:
    """Write a large, deterministic, GENERATED org spec (for benchmarks and demos, not real data)."""
    from orgplane.spec.generator import generate_org

    summary = generate_org(
        out_dir,
        departments=departments,
        squads_per=squads_per,
        units_per=units_per,
        people=people,
        catalog=catalog,
        kpis_per_unit=kpis_per_unit,
        seed=seed,
    )
    err().print(safe(f"generated org in {out_dir}: {summary}"))


@dev_app.command("cli-reference")
def cli_reference(
    write: Annotated[
        Path | None,
        typer.Option("--write", help="Refresh the reference between the markers in this file."),
    ] = None,
) -> None:
    """Print the CLI reference in Markdown (generated from the commands), or refresh a file's copy."""
    from orgplane.cli.app import create_app  # here, not at the top: app imports this module
    from orgplane.cli.reference import END, START, render_reference, replace_reference

    reference = render_reference(create_app())
    if write is None:
        typer.echo(reference, nl=False)
        return
    document = write.read_text(encoding="utf-8")
    if START not in document or END not in document:
        raise UsageError(f"{write}: has no CLI reference markers ({START} … {END})")
    write_text_atomically(write, replace_reference(document, reference))
    err().print(safe(f"refreshed the CLI reference in {write}"))
