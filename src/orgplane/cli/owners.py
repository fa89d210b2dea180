"""``orgplane owners``: who owns X — catalog entries, groups, roles, responsibilities, stack,
ranked, across every org unless one is named."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from orgplane.cli.console import out, print_raw
from orgplane.cli.console import text as as_text
from orgplane.cli.source import DbReadOption, OrgPickOption, SpecOption, read_source
from orgplane.cli.tables import Cell, Column, fit_table
from orgplane.errors import NotFoundError

__all__ = ["owners"]


def owners(
    text: Annotated[
        list[str],
        typer.Argument(metavar="TEXT...", help="What to look for: a system, tool or duty."),
    ],
    spec: SpecOption = None,
    db: DbReadOption = None,
    org: OrgPickOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Most answers to show.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Answer "who owns X": groups ranked by how directly they own it, in every org
    unless --org names one.

    A catalog entry's owner ranks first, then a group named X, then a role that answers
    for it, then responsibilities, descriptions and the stack a group runs. Words match
    in any form ("databases" finds "Database management"); each answer says why. Exit 1
    when nobody owns X.
    """
    from orgplane.queries import find_owners_in

    source = read_source(spec, db)
    source.announce()
    searched = [source.org(org)] if org is not None else source.orgs
    query = " ".join(text)
    matches = find_owners_in([loaded.index for loaded in searched], query, limit=limit)
    if not matches:
        where = ", ".join(loaded.org.code for loaded in searched)
        raise NotFoundError(f"no group owns {query!r} in {where}")
    if as_json:
        rows = [
            {
                "org": m.org,
                "kind": m.kind,
                "path": m.path,
                "name": m.name,
                "score": m.score,
                "evidence": list(m.evidence),
            }
            for m in matches
        ]
        print_raw(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    several = len(searched) > 1
    columns = [
        Column("#", wrap=False, justify="right"),
        Column("org", wrap=False),
        Column("group", wrap=False),
        Column("name"),
        Column("why"),
        Column("score", wrap=False, justify="right", drop=1),
    ]
    table_rows: list[list[Cell]] = [
        [
            str(rank),
            as_text(match.org if several else ""),
            as_text(match.path if match.kind == "group" else "role"),
            as_text(match.name),
            as_text("; ".join(match.evidence[:3])),
            f"{match.score:g}",
        ]
        for rank, match in enumerate(matches, start=1)
    ]
    console = out()
    table = fit_table(console, columns, table_rows, title=as_text(f"Who owns {query!r}"))
    console.print(table, soft_wrap=False)
