"""``orgplane show`` and ``orgplane tree``: one group in full, or the whole org as a tree."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Group as RichGroup
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from orgplane.cli.console import Loaded, load, out, print_raw, safe, text

if TYPE_CHECKING:
    from orgplane.model import Edge

__all__ = ["show", "tree"]

SpecOption = Annotated[
    Path | None,
    typer.Option("--spec", help="Spec file or folder. Default: $ORGPLANE_SPEC, ./org, or '.'."),
]


def tree(
    spec: SpecOption = None,
    depth: Annotated[
        int | None, typer.Option("--depth", "-d", min=1, help="Levels below the org to show.")
    ] = None,
    details: Annotated[
        bool, typer.Option("--details", help="Add each group's responsibilities and KPIs.")
    ] = False,
) -> None:
    """Print the org as the documents draw it: a box-drawing tree of its groups."""
    from orgplane.exporters.markdown import render_tree

    loaded = load(spec)
    # A view for the terminal, not an export: every character it would act on is made visible.
    print_raw(safe(render_tree(loaded.org, depth=depth, details=details), lines=True))


def _edge_text(edge: Edge, other: str, loaded: Loaded) -> str:
    from orgplane.model import Direction

    group = loaded.index.groups[other]
    what = f" — {edge.dependency.provides}" if edge.dependency.provides else ""
    mutual = " (both ways)" if edge.dependency.direction is Direction.WITH else ""
    return f"{group.code} {group.name} [{other}]{what}{mutual}"


def _person(loaded: Loaded, person_id: str) -> str:
    person = loaded.index.people.get(person_id)
    return f"{person.name} ({person_id})" if person else person_id


def show(
    group: Annotated[
        str, typer.Argument(metavar="GROUP", help="A group code (B-2) or path (1B/B-2).")
    ],
    spec: SpecOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show one group: kind, path, leads, members, responsibilities, stack, KPIs,
    dependencies in and out, notes and the validator's findings about it."""
    from orgplane.rules import default_registry

    loaded = load(spec)
    path, node = loaded.index.group(group)
    outgoing = loaded.index.outgoing(path)
    incoming = loaded.index.incoming(path)
    findings = [f for f in default_registry().check(loaded.org) if f.subject == path]
    if as_json:
        data: dict[str, Any] = {
            "path": path,
            "code": node.code,
            "kind": node.kind,
            "name": node.name,
            "description": node.description,
            "leads": node.leads,
            "members": node.members,
            "children": [child.code for child in node.groups],
            "responsibilities": node.responsibilities,
            "stack": [str(item) for item in node.stack],
            "kpis": [kpi.text for kpi in node.kpis],
            "depends_on": [{"path": e.target, "provides": e.dependency.provides} for e in outgoing],
            "depended_on_by": [
                {"path": e.source, "provides": e.dependency.provides} for e in incoming
            ],
            "notes": node.notes,
            "findings": [str(f) for f in findings],
        }
        print_raw(json.dumps(data, indent=2, ensure_ascii=False))
        return
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    # Every value is spec text: a Text, so Rich neither reads it as markup nor passes on
    # the control characters it may hold.
    facts.add_row("kind", text(node.kind))
    facts.add_row("path", text(path))
    if node.description:
        facts.add_row("about", text(node.description, lines=True))
    if node.leads:
        facts.add_row("lead", text(", ".join(_person(loaded, p) for p in node.leads)))
    if node.members:
        facts.add_row("members", text(", ".join(_person(loaded, p) for p in node.members)))
    if node.groups:
        facts.add_row("groups", text(", ".join(f"{c.code} {c.name}" for c in node.groups)))
    parts: list[Any] = [facts]
    sections: list[tuple[str, list[str]]] = [
        ("Responsibilities", node.responsibilities),
        ("Stack", [str(item) for item in node.stack]),
        ("KPIs", [kpi.text for kpi in node.kpis]),
        ("Depends on", [_edge_text(e, e.target, loaded) for e in outgoing]),
        ("Depended on by", [_edge_text(e, e.source, loaded) for e in incoming]),
        ("Stakeholders", node.stakeholders),
        ("Boundaries", node.boundaries),
        ("Notes", node.notes),
        (
            "Owns",
            [f"{e.name} ({e.kind.value})" for e in loaded.index.catalog_by_owner.get(path, [])],
        ),
        ("Findings", [str(f) for f in findings]),
    ]
    for title, items in sections:
        if items:
            body = Text()
            body.append(f"\n{title}\n", style="bold")
            body.append("\n".join(f"  • {safe(item)}" for item in items))
            parts.append(body)
    panel_title = text(f"{node.code} {node.name}")
    out().print(Panel(RichGroup(*parts), title=panel_title, title_align="left"))
