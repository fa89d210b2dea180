"""``orgplane deps``: impact analysis — what a group depends on, or what depends on it."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from orgplane.cli.console import out, print_raw, safe, text
from orgplane.cli.groups import ancestor_dependents
from orgplane.cli.source import DbReadOption, OrgPickOption, SpecOption, read_source
from orgplane.cli.tables import Cell, Column, fit_table

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
    spec: SpecOption = None,
    db: DbReadOption = None,
    org: OrgPickOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """What GROUP depends on, transitively; with --reverse, what depends on it.

    A group stands for its whole subtree: "who depends on 1B" includes those that
    depend on B-2. A group does not inherit its parent's dependents: what depends on 1B
    as a whole is not listed for B-2 (the API and the web pages answer the same).
    """
    from orgplane.model.reach import as_a_whole

    source = read_source(spec, db)
    source.announce()
    loaded, path, node = source.group(org, group)
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
    console = out()
    if not rows:
        console.print(safe(f"{title}: nothing"))
    else:
        table_rows: list[list[Cell]] = [
            [
                str(row.depth),
                text(row.path),
                text(loaded.index.groups[row.path].name),
                text(row.edge.dependency.provides),
                text(f"{row.edge.source} → {row.edge.target}"),
            ]
            for row in rows
        ]
        columns = [
            Column("hops", wrap=False, justify="right"),
            Column("group", wrap=False),
            Column("name"),
            Column("for"),
            Column("via", drop=1),
        ]
        console.print(fit_table(console, columns, table_rows, title=text(title)), soft_wrap=False)
        console.print(f"{len(rows)} group{'s' if len(rows) != 1 else ''}")
    above = ancestor_dependents(loaded, path) if reverse else None
    if above is not None:
        parent = loaded.index.groups[above[0]]
        whole = as_a_whole(above[1], parent.code, parent.kind, node.code)
        console.print(safe(f"{whole} (orgplane deps {parent.code} --reverse)"))
