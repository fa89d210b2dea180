"""``orgplane page`` and ``orgplane pages``: start an escalation, list pages, show one
with its timeline, acknowledge and resolve."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from orgplane.cli.console import err, out, print_raw, safe, text
from orgplane.cli.db import DbOption, cli_actor, open_session
from orgplane.errors import UsageError

if TYPE_CHECKING:
    from orgplane.store.pages import PageView

__all__ = ["page_command", "pages_app"]

pages_app = typer.Typer(
    help="List pages, show one with its timeline, acknowledge or resolve one.",
    no_args_is_help=True,
)

OrgOption = Annotated[
    str | None,
    typer.Option("--org", help="The org's code (needed when several orgs know the target)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print as JSON.")]
PageArgument = Annotated[
    str, typer.Argument(help="The page's id, or its first characters (at least 6).")
]
STATES = ("triggered", "acknowledged", "resolved")


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S UTC") if at else "-"


def _page_json(page: PageView) -> dict[str, object]:
    return {
        "id": page.id,
        "org": page.org_code,
        "summary": page.summary,
        "target": page.target,
        "component": page.component,
        "rotation": page.rotation_id,
        "status": page.status,
        "opened_at": page.opened_at.isoformat(),
        "opened_by": page.opened_by,
        "acknowledged_at": page.acknowledged_at.isoformat() if page.acknowledged_at else None,
        "acknowledged_by": page.acknowledged_by,
        "resolved_at": page.resolved_at.isoformat() if page.resolved_at else None,
        "resolved_by": page.resolved_by,
        "ladder": page.ladder,
    }


def page_command(
    target: Annotated[
        str,
        typer.Argument(
            help="Who to page: a rotation's id, a group (code or path), a catalog entry "
            "or a person's id."
        ),
    ],
    summary: Annotated[
        str, typer.Option("--summary", "-s", help="What is wrong, in a line.", show_default=False)
    ],
    component: Annotated[
        str | None,
        typer.Option(
            "--component",
            help="The catalog entry it is about: its owner is the ladder's 'component owner'.",
        ),
    ] = None,
    org: OrgOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Page TARGET: start its escalation policy's ladder. The engine of 'orgplane serve'
    or 'orgplane worker' sends the notifications; 'orgplane pages ack ID' stops it."""
    from orgplane.services.pages import open_page

    with open_session(db) as session:
        page = open_page(
            session=session,
            org_code=org,
            target=target,
            summary=summary,
            component=component,
            actor=cli_actor(),
            now=datetime.now(UTC),
        )
    if as_json:
        print_raw(json.dumps(_page_json(page), indent=2, ensure_ascii=False))
        return
    out().print(text(f"Paged {target} in {page.org_code}: page {page.id}"))
    ladder = page.ladder
    for rung in ladder["rungs"]:
        out().print(text(f"  {rung['after_minutes']:>4} min  {', '.join(rung['targets'])}"))
    if ladder.get("repeat"):
        out().print(text(f"  then {ladder['repeat']} more round(s)"))
    err().print(
        safe(
            f"acknowledge with: orgplane pages ack {page.id[:8]}  "
            "(the engine of 'orgplane serve' or 'orgplane worker' sends the notifications)"
        )
    )


@pages_app.command("list")
def list_command(
    org: OrgOption = None,
    status: Annotated[
        list[str] | None,
        typer.Option("--status", help="Only pages in this state (triggered, acknowledged, …)."),
    ] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only pages not resolved yet.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="At most this many.")] = 50,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Pages, newest first: id, status, what was paged, the summary, when."""
    from orgplane.services.pages import default_org, list_org_pages

    states = list(status or [])
    if open_only:
        states = ["triggered", "acknowledged"]
    for state in states:
        if state not in STATES:
            raise UsageError(f"--status {state!r}: use {', '.join(STATES)}")
    with open_session(db) as session:
        code = default_org(session, org)
        found = list_org_pages(session=session, org_code=code, status=states, limit=limit)
    if as_json:
        print_raw(json.dumps([_page_json(page) for page in found], indent=2, ensure_ascii=False))
        return
    if not found:
        out().print(text(f"No pages in {code}" + (f" ({', '.join(states)})." if states else ".")))
        return
    table = Table(box=None, pad_edge=False)
    for column in ("page", "status", "target", "summary", "opened"):
        table.add_column(column, overflow="fold")
    for page in found:
        table.add_row(
            text(page.id[:8]),
            text(page.status),
            text(page.target),
            text(page.summary),
            text(_when(page.opened_at)),
        )
    out().print(table)


@pages_app.command("show")
def show_command(page: PageArgument, db: DbOption = None, as_json: JsonOption = False) -> None:
    """A page: what it is about, where it stands, its timeline and its notifications."""
    from orgplane.services.pages import get_page_detail

    with open_session(db) as session:
        detail = get_page_detail(session=session, page_id=page)
    found = detail.page
    if as_json:
        data = _page_json(found)
        data["timeline"] = [
            {"at": e.at.isoformat(), "kind": e.kind, "actor": e.actor, "text": e.text}
            for e in detail.events
        ]
        data["notifications"] = [
            {
                "id": n.id,
                "person": n.person_id,
                "kind": n.kind,
                "status": n.status,
                "attempts": n.attempts,
                "possible_repeat": n.possible_repeat,
                "sent_at": n.sent_at.isoformat() if n.sent_at else None,
                "error": n.last_error,
            }
            for n in detail.notifications
        ]
        print_raw(json.dumps(data, indent=2, ensure_ascii=False))
        return
    console = out()
    console.print(text(f"Page {found.id} ({found.org_code}): {found.summary}", style="bold"))
    console.print(text(f"Status: {found.status}; paged {found.target}"))
    if found.acknowledged_by:
        console.print(
            text(f"Acknowledged by {found.acknowledged_by} at {_when(found.acknowledged_at)}")
        )
    if found.resolved_by:
        console.print(text(f"Resolved by {found.resolved_by} at {_when(found.resolved_at)}"))
    table = Table(title="Timeline", box=None, pad_edge=False, title_justify="left")
    table.add_column("at", no_wrap=True)
    table.add_column("who", overflow="fold")
    table.add_column("what", overflow="fold")
    for event in detail.events:
        table.add_row(text(event.at.strftime("%H:%M:%S")), text(event.actor), text(event.text))
    console.print(table)


def _close(page: str, db: str | None, *, resolve: bool) -> None:
    from orgplane.services.pages import acknowledge_page, find_page_id, resolve_page

    action = resolve_page if resolve else acknowledge_page
    actor = cli_actor()
    with open_session(db) as session:
        page_id = find_page_id(session, page)
        session.rollback()
        result = action(session=session, page_id=page_id, actor=actor, now=datetime.now(UTC))
    closed = result.page
    if resolve:
        out().print(text(f"Page {closed.id[:8]} resolved by {closed.resolved_by}."))
    elif not result.changed:
        out().print(
            text(
                f"Page {closed.id[:8]} was already acknowledged by {closed.acknowledged_by} "
                f"at {_when(closed.acknowledged_at)}."
            )
        )
    else:
        out().print(text(f"Page {closed.id[:8]} acknowledged: its ladder has stopped."))


@pages_app.command("ack")
def ack_command(page: PageArgument, db: DbOption = None) -> None:
    """Acknowledge a page: nothing more is sent for it."""
    _close(page, db, resolve=False)


@pages_app.command("resolve")
def resolve_command(page: PageArgument, db: DbOption = None) -> None:
    """Resolve a page (and acknowledge it, if nobody had)."""
    _close(page, db, resolve=True)
