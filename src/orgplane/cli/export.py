"""``orgplane export`` and ``orgplane schema``: the org in other tools' formats."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from orgplane.cli.console import err, load, print_raw, write_text_atomically
from orgplane.exporters import export, export_json_schema
from orgplane.spec.schema import spec_json_schema

__all__ = ["ExportFormat", "export_command", "schema"]


class ExportFormat(StrEnum):
    """The formats of ``orgplane export`` (a test keeps this in step with ``FORMATS``)."""

    MARKDOWN = "markdown"
    MERMAID = "mermaid"
    DOT = "dot"
    JSON = "json"
    BACKSTAGE = "backstage"


def export_command(
    fmt: Annotated[ExportFormat, typer.Argument(metavar="FORMAT", help="The format to write.")],
    spec: Annotated[Path | None, typer.Option("--spec", help="Spec file or folder.")] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write to this file (all or nothing) instead of stdout."
        ),
    ] = None,
) -> None:
    """Render the org as FORMAT: markdown (the documents' own tables and trees), mermaid,
    dot, json (described by `orgplane schema --export`), or backstage (catalog-info YAML)."""
    loaded = load(spec)
    text = export(loaded.org, fmt.value, loaded.index)
    if output is None:
        print_raw(text)
    else:
        write_text_atomically(output, text)
        err().print(f"wrote {output} ({len(text.encode()):,} bytes)")


def schema(
    which: Annotated[
        bool,
        typer.Option("--export", help="The schema of `export json` instead of the spec format."),
    ] = False,
) -> None:
    """Print the JSON Schema of the spec format, so editors complete and check spec files."""
    print_raw(
        json.dumps(
            export_json_schema() if which else spec_json_schema(), indent=2, ensure_ascii=False
        )
    )
