"""``orgplane deps``: impact analysis — what a group depends on, or what depends on it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from orgplane.cli.console import load, out, print_raw, safe, text

__all__ = ["deps"]


def deps(
    group: Annotated[
        str, typer.Argument(metavar="GROUP", help="A group code (1B) or path (1D/D-1).")
    ],
    reverse: Annotated[
        bool,
        typer.Option("--reverse", "-r", help="What depends on GROUP (what breaks if it fails)."),
    ] = False,
    depth: Annotated[
        int | None, typer.Option("--depth", "-d", min=1, help="Hops to follow (default: all).")
    ] = None,
    spec: Annotated[Path | None, typer.Option("--spec", help="Spec file or folder.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """What GROUP depends on, transitively; with --reverse, what depends on it.

    A group stands for its whole subtree: "who depends on 1B" includes those that
    depend on B-2.
    """
    loaded = load(spec)
    path, node = loaded.index.group(group)
    rows = loaded.index.impact(path, reverse=reverse, depth=depth)
    if as_json:
        data = [
            {
                "path": row.path,
                "depth": row.depth,
                "via": {"from": row.edge.source, "to": row.edge.target},
                "provides": row.edge.dependency.provides,
                "direction": row.edge.dependency.direction.value,
            }
            for row in rows
        ]
        print_raw(json.dumps(data, indent=2, ensure_ascii=False))
        return
    title = (
        f"What depends on {node.code} {node.name}"
        if reverse
        else f"What {node.code} {node.name} depends on"
    )
    if not rows:
        out().print(safe(f"{title}: nothing"))
        return
    table = Table(title=text(title), title_justify="left")
    table.add_column("hops", justify="right")
    table.add_column("group")
    table.add_column("name")
    table.add_column("via")
    table.add_column("what")
    for row in rows:
        edge = row.edge
        via = f"{edge.source} → {edge.target}"
        table.add_row(
            str(row.depth),
            text(row.path),
            text(loaded.index.groups[row.path].name),
            text(via),
            text(edge.dependency.provides),
        )
    out().print(table)
    out().print(f"{len(rows)} group{'s' if len(rows) != 1 else ''}")
