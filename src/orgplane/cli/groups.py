"""``orgplane show`` and ``orgplane tree``: one group in full, or the org as a tree.

Both answer from the spec or the database (``cli.source``). ``show`` wraps long lines
to the terminal's width, each item under its bullet; it never cuts one.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Group as RichGroup
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from orgplane.cli.console import out, print_raw, safe, text
from orgplane.cli.source import DbReadOption, Loaded, OrgPickOption, SpecOption, read_source

if TYPE_CHECKING:
    from orgplane.model import Group, ImpactRow

__all__ = ["ancestor_dependents", "show", "tree"]


def tree(
    spec: SpecOption = None,
    db: DbReadOption = None,
    org: OrgPickOption = None,
    depth: Annotated[
        int | None, typer.Option("--depth", "-d", min=1, help="Levels below the org to show.")
    ] = None,
    details: Annotated[
        bool, typer.Option("--details", help="Add each group's responsibilities and KPIs.")
    ] = False,
) -> None:
    """Print the org as the documents draw it: a box-drawing tree of its groups (every
    org's, one after the other, unless --org names one)."""
    from orgplane.exporters.markdown import render_tree

    source = read_source(spec, db)
    source.announce()
    chosen = [source.org(org)] if org is not None else source.orgs
    trees = [render_tree(loaded.org, depth=depth, details=details) for loaded in chosen]
    # A view for the terminal, not an export: every character it would act on is made visible.
    print_raw(safe("\n".join(trees), lines=True))


def _person(loaded: Loaded, person_id: str) -> str:
    person = loaded.index.people.get(person_id)
    return f"{person.name} ({person_id})" if person else person_id


def _reached_text(row: ImpactRow, loaded: Loaded, *, reverse: bool) -> str:
    """A group reached in one hop, and which group of this subtree it touches, when it is
    not the one shown (a unit's dependency counts for its squad)."""
    from orgplane.model import Direction

    edge = row.edge
    group = loaded.index.groups[row.path]
    what = f" — {edge.dependency.provides}" if edge.dependency.provides else ""
    mutual = " (both ways)" if edge.dependency.direction is Direction.WITH else ""
    return f"{group.code} {group.name} [{row.path}]{what}{mutual}"


def ancestor_dependents(loaded: Loaded, path: str) -> tuple[str, int] | None:
    """The nearest group above ``path`` that others depend on as a whole, and how many
    groups do: they are that group's dependents, not ``path``'s (``model.reach``)."""
    for ancestor in reversed(loaded.index.ancestors(path)):
        consumers = {
            edge.source
            for edge in loaded.index.incoming(ancestor)
            if not loaded.index.within(edge.source, ancestor)
        }
        if consumers:
            return ancestor, len(consumers)
    return None


def _sections(loaded: Loaded, path: str, node: Group) -> list[tuple[str, list[str]]]:
    from orgplane.model.notes import shown_notes
    from orgplane.model.reach import as_a_whole

    outgoing = loaded.index.impact(path, depth=1)
    incoming = loaded.index.impact(path, reverse=True, depth=1)
    findings = [f for f in loaded.findings() if f.subject == path]
    owns = [f"{e.name} ({e.kind.value})" for e in loaded.index.catalog_by_owner.get(path, [])]
    above = ancestor_dependents(loaded, path)
    dependents = [_reached_text(row, loaded, reverse=True) for row in incoming]
    if above is not None:
        ancestor, count = above
        parent = loaded.index.groups[ancestor]
        whole = as_a_whole(count, parent.code, parent.kind, node.code)
        dependents.append(f"{whole} (orgplane deps {parent.code} --reverse)")
    return [
        ("Owns", owns),
        ("Responsibilities", node.responsibilities),
        ("Stack", [str(item) for item in node.stack]),
        ("KPIs", [kpi.text for kpi in node.kpis]),
        ("Depends on", [_reached_text(row, loaded, reverse=False) for row in outgoing]),
        ("Depended on by", dependents),
        ("Stakeholders", node.stakeholders),
        ("Boundaries", node.boundaries),
        ("Notes", shown_notes(node.notes)),
        ("Findings", [str(f) for f in findings]),
    ]


def show(
    group: Annotated[
        str, typer.Argument(metavar="GROUP", help="A group code (B-2) or path (1B/B-2).")
    ],
    spec: SpecOption = None,
    db: DbReadOption = None,
    org: OrgPickOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show one group: what it owns, kind, path, leads, members, responsibilities, stack,
    KPIs, dependencies in and out, notes and the validator's findings about it."""
    from orgplane.model.notes import shown_notes

    source = read_source(spec, db)
    source.announce()
    loaded, path, node = source.group(org, group)
    if as_json:
        incoming = loaded.index.impact(path, reverse=True, depth=1)
        outgoing = loaded.index.impact(path, depth=1)
        data: dict[str, Any] = {
            "org": loaded.org.code,
            "path": path,
            "code": node.code,
            "kind": node.kind,
            "name": node.name,
            "description": node.description,
            "leads": node.leads,
            "members": node.members,
            "children": [child.code for child in node.groups],
            "owns": [e.id for e in loaded.index.catalog_by_owner.get(path, [])],
            "responsibilities": node.responsibilities,
            "stack": [str(item) for item in node.stack],
            "kpis": [kpi.text for kpi in node.kpis],
            "depends_on": [
                {"path": row.path, "provides": row.edge.dependency.provides} for row in outgoing
            ],
            "depended_on_by": [
                {"path": row.path, "provides": row.edge.dependency.provides} for row in incoming
            ],
            "notes": shown_notes(node.notes),
            "findings": [str(f) for f in loaded.findings() if f.subject == path],
        }
        print_raw(json.dumps(data, indent=2, ensure_ascii=False))
        return
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(overflow="fold")
    # Every value is spec text: a Text, so Rich neither reads it as markup nor passes on
    # the control characters it may hold.
    if len(source.orgs) > 1:
        facts.add_row("org", text(f"{loaded.org.code} {loaded.org.name}"))
    facts.add_row("kind", text(node.kind))
    facts.add_row("path", text(path))
    if node.leads:
        facts.add_row("lead", text(", ".join(_person(loaded, p) for p in node.leads)))
    if node.members:
        facts.add_row("members", text(", ".join(_person(loaded, p) for p in node.members)))
    if node.description:
        facts.add_row("about", text(node.description, lines=True))
    if node.groups:
        facts.add_row("groups", text(", ".join(f"{c.code} {c.name}" for c in node.groups)))
    parts: list[Any] = [facts]
    for title, items in _sections(loaded, path, node):
        if not items:
            continue
        parts.append(Text(f"\n{title}", style="bold"))
        # A bullet and its text in two columns: a long item wraps under its own text.
        listed = Table.grid(padding=(0, 1))
        listed.add_column(no_wrap=True)
        listed.add_column(overflow="fold")
        for item in items:
            listed.add_row("  •", text(item))
        parts.append(listed)
    panel_title = text(f"{node.code} {node.name}")
    out().print(Panel(RichGroup(*parts), title=panel_title, title_align="left"), soft_wrap=False)
