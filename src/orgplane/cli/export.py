"""``orgplane export`` and ``orgplane schema``: the org in other tools' formats."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from orgplane.cli.console import err, print_raw, safe, write_text_atomically
from orgplane.cli.source import DbReadOption, OrgPickOption, SpecOption, read_source

if TYPE_CHECKING:
    from orgplane.exporters.openslo import OpenSloExport

__all__ = ["ExportFormat", "export_command", "schema"]


class ExportFormat(StrEnum):
    """The formats of ``orgplane export`` (a test keeps this in step with ``FORMATS``)."""

    MARKDOWN = "markdown"
    MERMAID = "mermaid"
    DOT = "dot"
    JSON = "json"
    BACKSTAGE = "backstage"
    OPENSLO = "openslo"


def export_command(
    fmt: Annotated[ExportFormat, typer.Argument(metavar="FORMAT", help="The format to write.")],
    spec: SpecOption = None,
    db: DbReadOption = None,
    org: OrgPickOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write to this file (all or nothing) instead of stdout."
        ),
    ] = None,
) -> None:
    """Render the org as FORMAT: markdown (the documents' own tables and trees), mermaid,
    dot, json (described by `orgplane schema --export`), backstage (catalog-info YAML), or
    openslo (the SLO-type KPIs as OpenSLO v1; how many KPIs were skipped, and why, goes to
    stderr)."""
    from orgplane.exporters import export
    from orgplane.exporters.openslo import openslo_export

    source = read_source(spec, db)
    source.announce()
    loaded = source.org(org)
    slos = openslo_export(loaded.org, loaded.index) if fmt is ExportFormat.OPENSLO else None
    text = slos.text if slos is not None else export(loaded.org, fmt.value, loaded.index)
    if output is None:
        print_raw(text)
    else:
        write_text_atomically(output, text)
        err().print(safe(f"wrote {output} ({len(text.encode()):,} bytes)"))
    if slos is not None:
        _report_skipped(slos)


def _report_skipped(slos: OpenSloExport) -> None:
    """How many KPIs became SLOs, and how many were left out for each reason (stderr)."""
    console = err()
    console.print(f"openslo: {slos.exported} KPIs exported as SLOs, {len(slos.skipped)} skipped")
    for reason, count in slos.skipped_by_reason().items():
        console.print(safe(f"  {count:>4}  {reason}"))


def schema(
    which: Annotated[
        bool,
        typer.Option("--export", help="The schema of `export json` instead of the spec format."),
    ] = False,
) -> None:
    """Print the JSON Schema of the spec format, so editors complete and check spec files."""
    from orgplane.exporters import export_json_schema
    from orgplane.spec.schema import spec_json_schema

    print_raw(
        json.dumps(
            export_json_schema() if which else spec_json_schema(), indent=2, ensure_ascii=False
        )
    )
