"""``orgplane oncall``: who is on call, from the rotations of the spec or the database.

``now`` answers who holds a rotation (or a group's, or a catalog entry's owner's) at a
moment, primary and secondary, until when, with the escalation ladder; for a person or a
role, when they are on call next. ``schedule`` prints a rotation's final schedule over a
stretch of time, each segment in the rotation's local time with the layer or override
it comes from, and the gaps nobody covers. The answers are ``oncall.book``'s, the same
the server gives; answered from the database (``cli.source``), they count the overrides
recorded at runtime too, as the server's do.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from orgplane.cli.console import out, print_raw, text
from orgplane.cli.measurements import parse_moment
from orgplane.cli.source import (
    DbReadOption,
    Loaded,
    OrgPickOption,
    Source,
    SpecOption,
    read_source,
)
from orgplane.errors import NotFoundError, UsageError

if TYPE_CHECKING:
    from datetime import datetime

    from orgplane.model import Rotation
    from orgplane.oncall.book import HolderAnswer, OnCallBook, Places, RotationAnswer, Schedule

__all__ = ["oncall_app"]

oncall_app = typer.Typer(
    help="Who is on call: now, or a rotation's schedule (from the spec's oncall: rotations).",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print as JSON.")]


def _book(loaded: Loaded) -> tuple[OnCallBook, Places]:
    from orgplane.oncall.book import spec_book

    return spec_book(loaded.org, loaded.index)


def _names(loaded: Loaded, target: str) -> bool:
    """Whether ``target`` names something on call can be asked about in ``loaded``."""
    book, places = _book(loaded)
    try:
        book.resolve(places, target)
    except NotFoundError as exc:
        # A group or entry with no rotation above it is still this org's.
        return "no on-call rotation" in str(exc) or "has no owner" in str(exc)
    return True


def _org_for(source: Source, org: str | None, target: str) -> Loaded:
    return source.having(org, lambda loaded: _names(loaded, target))


def _answer_now(
    source: Source, loaded: Loaded, target: str, moment: datetime
) -> RotationAnswer | HolderAnswer:
    """Who is on call for ``target``: from the spec's book, or the database's with its
    runtime overrides (what the server answers)."""
    if source.db_url is None:
        book, places = _book(loaded)
        found = book.resolve(places, target)
        if found.rotation is None:
            assert found.holder is not None
            return book.next_on(found.holder, at=moment)
        return book.now(found.rotation, at=moment, how=found.how)
    from orgplane.cli.db import open_session
    from orgplane.oncall.holding import horizon_end
    from orgplane.services import oncall as oncall_service

    code = loaded.org.code
    with open_session(source.db_url) as session:
        extra = oncall_service.runtime_overrides(
            session=session, org=code, start=moment, end=horizon_end(moment)
        )
        return oncall_service.who_is_on_call(
            session=session, org=code, target=target, at=moment, extra_overrides=extra
        )


def _rotation(loaded: Loaded, target: str) -> tuple[OnCallBook, Rotation]:
    """The book, and the rotation ``target`` names or leads to (as ``now``)."""
    book, places = _book(loaded)
    found = book.resolve(places, target)
    if found.rotation is None:
        kind = found.holder.kind if found.holder is not None else "name"
        raise UsageError(f"{target!r} is a {kind}, not a rotation, a group or a catalog entry")
    return book, found.rotation


def _schedule(
    source: Source, loaded: Loaded, rotation: Rotation, opened: datetime, closed: datetime
) -> Schedule:
    book, _ = _book(loaded)
    if source.db_url is None:
        return book.schedule(rotation, opened, closed)
    from orgplane.cli.db import open_session
    from orgplane.services import oncall as oncall_service

    with open_session(source.db_url) as session:
        extra = oncall_service.runtime_overrides(
            session=session, org=loaded.org.code, start=opened, end=closed
        )
    return book.schedule(rotation, opened, closed, extra=extra)


@oncall_app.command("now")
def now_command(
    target: Annotated[
        str,
        typer.Argument(
            help="A rotation's id, a group (code or path), a catalog entry, a person or a role."
        ),
    ],
    at: Annotated[
        str, typer.Option("--at", help="At this moment (ISO 8601 with offset; default now).")
    ] = "now",
    spec: SpecOption = None,
    db: DbReadOption = None,
    org: OrgPickOption = None,
    as_json: JsonOption = False,
) -> None:
    """Who is on call for TARGET: primary and secondary, until when, how it was found, and
    the escalation ladder; for a person or a role, when they are on call next. Exit 1 when
    nobody is."""
    from orgplane.oncall.book import RotationAnswer

    source = read_source(spec, db)
    source.announce()
    loaded = _org_for(source, org, target)
    moment = parse_moment(at)
    answer = _answer_now(source, loaded, target, moment)
    if not isinstance(answer, RotationAnswer):
        _print_next_on(answer, as_json=as_json)
        return
    _print_now(answer, as_json=as_json)
    if answer.primary is None:
        raise typer.Exit(1)


def _print_now(answer: RotationAnswer, *, as_json: bool) -> None:
    rotation = answer.rotation
    data: dict[str, object] = {
        "rotation": rotation.id,
        "at": answer.at.isoformat(),
        "how": answer.how,
    }
    for tier, duty in (("primary", answer.primary), ("secondary", answer.secondary)):
        data[tier] = (
            None
            if duty is None
            else {
                "who": duty.holder.name,
                "kind": duty.holder.kind,
                "people": list(duty.holder.people),
                "until": duty.until.isoformat() if duty.until is not None else None,
                "from": duty.source,
                "text": duty.holder.describe(),
            }
        )
    data["policy"] = answer.policy.id if answer.policy is not None else None
    data["escalation"] = [
        {
            "to": rung.to.describe(),
            "after_minutes": rung.after_minutes,
            "until_minutes": rung.until_minutes,
        }
        for rung in answer.escalation
    ]
    if as_json:
        print_raw(json.dumps(data, indent=2, ensure_ascii=False))
        return
    console = out()
    console.print(text(f"{rotation.name} ({answer.how}), at {answer.at:%Y-%m-%d %H:%M} UTC"))
    for tier in ("primary", "secondary"):
        row = data[tier]
        if isinstance(row, dict):
            until = row["until"] or "further notice"
            line = f"  {tier}: {row['text']} until {until} ({row['from']})"
        else:
            line = f"  {tier}: nobody"
        console.print(text(line))
    if answer.policy is not None:
        console.print(text(f"  escalation policy: {answer.policy.name} ({answer.policy.id})"))
    for rung in answer.escalation:
        span = (
            f"{rung.after_minutes}–{rung.until_minutes}"
            if rung.until_minutes
            else f"{rung.after_minutes}+"
        )
        console.print(text(f"  escalation: {rung.to.describe()} ({span} min)"))


def _print_next_on(answer: HolderAnswer, *, as_json: bool) -> None:
    """When a person or a role is on call: now, or next, per rotation and tier."""
    rows = [
        {
            "rotation": stint.rotation.id,
            "tier": stint.tier,
            "as": stint.member,
            "from": stint.start.isoformat(),
            "until": stint.end.isoformat() if stint.end is not None else None,
            "source": stint.source,
            "now": stint.start <= answer.at,
        }
        for stint in answer.stints
    ]
    holder = answer.holder
    if as_json:
        data = {
            "who": holder.name,
            "kind": holder.kind,
            "at": answer.at.isoformat(),
            "on_call": rows,
        }
        print_raw(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        console = out()
        console.print(text(f"{holder.describe()}, at {answer.at:%Y-%m-%d %H:%M} UTC"))
        for row in rows:
            until = row["until"] or "further notice"
            when = "on call now" if row["now"] else f"next on from {row['from']}"
            console.print(
                text(f"  {row['rotation']} {row['tier']}: {when} until {until} ({row['source']})")
            )
        if not rows:
            console.print(text("  on no rotation's schedule"))
    if not rows:
        raise typer.Exit(1)


@oncall_app.command("schedule")
def schedule_command(
    rotation_id: Annotated[str, typer.Argument(metavar="ROTATION", help="A rotation's id.")],
    start: Annotated[
        str, typer.Option("--from", help="From this moment (ISO 8601; default now).")
    ] = "now",
    end: Annotated[
        str | None, typer.Option("--to", help="Until this moment (default: 14 days after --from).")
    ] = None,
    spec: SpecOption = None,
    db: DbReadOption = None,
    org: OrgPickOption = None,
    as_json: JsonOption = False,
) -> None:
    """A rotation's final schedule: its layers laid over each other, then overrides; each
    segment in the rotation's local time, and the gaps nobody covers."""
    from orgplane.oncall.zones import zone_named

    source = read_source(spec, db)
    source.announce()
    loaded = _org_for(source, org, rotation_id)
    _, rotation = _rotation(loaded, rotation_id)
    opened = parse_moment(start, "--from")
    closed = parse_moment(end, "--to") if end is not None else opened + timedelta(days=14)
    if closed <= opened:
        raise UsageError("--to must be after --from")
    if closed - opened > timedelta(days=366 * 2):
        raise UsageError("--from … --to may span at most two years")
    found = _schedule(source, loaded, rotation, opened, closed)
    segments, holes = found.segments, found.gaps
    if as_json:
        rows = [
            {
                "who": s.member,
                "from": s.start.isoformat(),
                "until": s.end.isoformat(),
                "source": s.source,
            }
            for s in segments
        ]
        holes_json = [{"from": a.isoformat(), "until": b.isoformat()} for a, b in holes]
        print_raw(
            json.dumps({"rotation": rotation.id, "segments": rows, "gaps": holes_json}, indent=2)
        )
        return
    zone = zone_named(rotation.timezone)
    rows_all = [(s.start, s.end, s.member, s.source) for s in segments]
    rows_all += [(a, b, "— nobody —", "gap") for a, b in holes]
    table = Table(
        title=text(f"{rotation.name}: on call ({rotation.timezone})"), title_justify="left"
    )
    for column in ("from", "until", "who", "source"):
        table.add_column(column)
    for opened_at, closed_at, who, origin in sorted(rows_all):
        table.add_row(
            f"{opened_at.astimezone(zone):%a %Y-%m-%d %H:%M}",
            f"{closed_at.astimezone(zone):%a %Y-%m-%d %H:%M}",
            text(who),
            origin,
        )
    out().print(table)
