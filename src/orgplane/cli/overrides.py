"""``orgplane oncall override``, ``overrides`` and ``cancel-override``: runtime overrides
of a rotation, kept in the database and audited."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.table import Table

from orgplane.cli.console import out, print_raw, text
from orgplane.cli.db import DbOption, cli_actor, open_session
from orgplane.cli.measurements import parse_moment

__all__ = ["cancel_override_command", "override_command", "overrides_command"]

OrgOption = Annotated[
    str | None,
    typer.Option("--org", help="The org's code (needed when the database holds several)."),
]


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def override_command(
    rotation: Annotated[str, typer.Argument(help="The rotation's id.")],
    person: Annotated[
        str, typer.Option("--person", help="Who is on call instead (a person's id).")
    ],
    start: Annotated[str, typer.Option("--from", help="From (ISO 8601 with an offset, or 'now').")],
    end: Annotated[str, typer.Option("--to", help="Until (ISO 8601 with an offset).")],
    note: Annotated[str, typer.Option("--note", help="Why (kept with it).")] = "",
    org: OrgOption = None,
    db: DbOption = None,
) -> None:
    """Put PERSON on call for ROTATION from --from until --to, whoever the schedule says.
    It wins over the spec's layers and overrides, and the escalation engine uses it."""
    from orgplane.services.overrides import add_override
    from orgplane.services.pages import default_org

    begins, ends = parse_moment(start, "--from"), parse_moment(end, "--to")
    with open_session(db) as session:
        code = default_org(session, org)
        session.rollback()
        made = add_override(
            session=session,
            org_code=code,
            rotation_id=rotation,
            person=person,
            start=begins,
            end=ends,
            note=note,
            actor=cli_actor(),
            now=datetime.now(UTC),
        )
    out().print(
        text(
            f"Override {made.id}: {made.person_id} is on call for {made.rotation_id} "
            f"from {_when(made.start_at)} until {_when(made.end_at)}."
        )
    )


def overrides_command(
    rotation: Annotated[str | None, typer.Argument(help="Only this rotation's (its id).")] = None,
    start: Annotated[str, typer.Option("--from", help="In force from (default now).")] = "now",
    days: Annotated[int, typer.Option("--days", min=1, max=366, help="Over this many days.")] = 30,
    org: OrgOption = None,
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Runtime overrides in force from --from over --days (cancelled ones left out)."""
    from orgplane.services.overrides import list_overrides
    from orgplane.services.pages import default_org

    begins = parse_moment(start, "--from")
    with open_session(db) as session:
        code = default_org(session, org)
        found = list_overrides(
            session=session,
            org_code=code,
            rotation_id=rotation,
            start=begins,
            end=begins + timedelta(days=days),
        )
    if as_json:
        print_raw(json.dumps([item.to_json() for item in found], indent=2, ensure_ascii=False))
        return
    if not found:
        out().print(text(f"No overrides in {code} from {_when(begins)} over {days} days."))
        return
    table = Table(box=None, pad_edge=False)
    for column in ("id", "rotation", "person", "from", "until", "by", "note"):
        table.add_column(column, overflow="fold")
    for item in found:
        table.add_row(
            text(str(item.id)),
            text(item.rotation_id),
            text(item.person_id),
            text(_when(item.start_at)),
            text(_when(item.end_at)),
            text(item.created_by),
            text(item.note),
        )
    out().print(table)


def cancel_override_command(
    override_id: Annotated[int, typer.Argument(help="The override's id (see 'overrides').")],
    org: OrgOption = None,
    db: DbOption = None,
) -> None:
    """Cancel a runtime override: the schedule is as if it had never been set."""
    from orgplane.services.overrides import cancel_override
    from orgplane.services.pages import default_org

    with open_session(db) as session:
        code = default_org(session, org)
        session.rollback()
        cancelled = cancel_override(
            session=session,
            org_code=code,
            override_id=override_id,
            actor=cli_actor(),
            now=datetime.now(UTC),
        )
    out().print(text(f"Override {cancelled.id} cancelled."))
