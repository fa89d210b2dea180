"""``orgplane audit``: the latest entries of the audit log."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from orgplane.cli.console import err, out, print_raw, text
from orgplane.cli.db import DbOption, open_session

if TYPE_CHECKING:
    from orgplane.services.audit import AuditEntry

__all__ = ["audit_command"]


def audit_command(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Entries to show.")] = 20,
    target: Annotated[
        str | None, typer.Option("--target", help="Only entries about this (org:CIPO, token:ID).")
    ] = None,
    action: Annotated[
        str | None, typer.Option("--action", help="Only this action (spec.apply, token.create …).")
    ] = None,
    db: DbOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print as JSON, with each entry's before and after.")
    ] = False,
) -> None:
    """Show the audit log, newest first: who changed what, and when."""
    from orgplane.services import list_audit_entries

    with open_session(db) as session:
        entries = list_audit_entries(session=session, limit=limit, target=target, action=action)
    if as_json:
        print_raw(json.dumps([_as_json(e) for e in entries], indent=2, ensure_ascii=False))
        return
    if not entries:
        err().print("the audit log is empty")
        return
    table = Table("id", "at", "actor", "action", "target", "summary")
    for entry in entries:
        table.add_row(
            str(entry.id),
            entry.at.strftime("%Y-%m-%d %H:%M:%S UTC"),
            text(entry.actor),
            text(entry.action),
            text(entry.target),
            text(_summary(entry)),
        )
    out().print(table)


def _as_json(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "target": entry.target,
        "before": entry.before,
        "after": entry.after,
    }


def _summary(entry: AuditEntry) -> str:
    after = entry.after or {}
    changes = after.get("changes")
    if isinstance(changes, dict):
        if changes.get("created"):
            return f"created: {after.get('groups', 0)} groups, {after.get('people', 0)} people"
        parts = [
            f"{len(changes.get(key) or [])} {label}"
            for key, label in (
                ("groups_added", "added"),
                ("groups_removed", "removed"),
                ("groups_moved", "moved"),
                ("groups_renamed", "renamed"),
                ("leads_changed", "lead changes"),
                ("groups_changed", "changed"),
            )
            if changes.get(key)
        ]
        return "groups: " + ", ".join(parts) if parts else "people, roles, catalog or findings"
    if entry.action == "token.create":
        return f"role {after.get('role')}, name {after.get('name') or '-'}"
    return ""
