"""``orgplane owners``: who owns X — catalog entries, groups, responsibilities, stack, ranked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from orgplane.cli.console import load, out, print_raw
from orgplane.cli.console import text as as_text
from orgplane.errors import NotFoundError

__all__ = ["owners"]


def owners(
    text: Annotated[
        list[str],
        typer.Argument(metavar="TEXT...", help="What to look for: a system, tool or duty."),
    ],
    spec: Annotated[Path | None, typer.Option("--spec", help="Spec file or folder.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Most answers to show.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Answer "who owns X": groups ranked by how directly they own it.

    A catalog entry's owner ranks first, then a group named X, then responsibilities,
    then the stack a group runs. Exit 1 when nobody owns X.
    """
    from orgplane.queries import find_owners

    loaded = load(spec)
    query = " ".join(text)
    matches = find_owners(loaded.index, query, limit=limit)
    if not matches:
        raise NotFoundError(f"no group owns {query!r} in org {loaded.org.code}")
    if as_json:
        rows = [
            {"path": m.path, "name": m.name, "score": m.score, "evidence": list(m.evidence)}
            for m in matches
        ]
        print_raw(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table(title=as_text(f"Who owns {query!r}"), title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("group")
    table.add_column("name")
    table.add_column("score", justify="right")
    table.add_column("why")
    for rank, match in enumerate(matches, start=1):
        table.add_row(
            str(rank),
            as_text(match.path),
            as_text(match.name),
            f"{match.score:g}",
            as_text("; ".join(match.evidence[:3])),
        )
    out().print(table)
