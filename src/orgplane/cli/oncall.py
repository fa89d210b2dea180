"""``orgplane oncall``: who is on call, from the spec's rotations.

``now`` answers who holds a rotation (or a group's, or a catalog entry's owner's) at a
moment, primary and secondary, until when, with the escalation ladder; for a person or a
role, when they are on call next. ``schedule`` prints a rotation's final schedule over a
stretch of time, each segment in the rotation's local time with the layer or override
it comes from, and the gaps nobody covers. The answers are ``oncall.book``'s, the same
the server gives.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from orgplane.cli.console import Loaded, load, out, print_raw, text
from orgplane.cli.measurements import parse_moment
from orgplane.errors import UsageError

if TYPE_CHECKING:
    from orgplane.model import Rotation
    from orgplane.oncall.book import HolderAnswer, OnCallBook, Places, RotationAnswer

__all__ = ["oncall_app"]

oncall_app = typer.Typer(
    help="Who is on call: now, or a rotation's schedule (from the spec's oncall: rotations).",
    no_args_is_help=True,
)

SpecOption = Annotated[Path | None, typer.Option("--spec", help="Spec file or folder.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print as JSON.")]


def _book(loaded: Loaded) -> tuple[OnCallBook, Places]:
    from orgplane.oncall.book import spec_book

    return spec_book(loaded.org, loaded.index)


def _rotation(loaded: Loaded, target: str) -> tuple[OnCallBook, Rotation]:
    """The spec's book, and the rotation ``target`` names or leads to (as ``now``)."""
    book, places = _book(loaded)
    found = book.resolve(places, target)
    if found.rotation is None:
        kind = found.holder.kind if found.holder is not None else "name"
        raise UsageError(f"{target!r} is a {kind}, not a rotation, a group or a catalog entry")
    return book, found.rotation


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
    as_json: JsonOption = False,
) -> None:
    """Who is on call for TARGET: primary and secondary, until when, how it was found, and
    the escalation ladder; for a person or a role, when they are on call next. Exit 1 when
    nobody is."""
    loaded = load(spec)
    book, places = _book(loaded)
    found = book.resolve(places, target)
    moment = parse_moment(at)
    if found.rotation is None:
        assert found.holder is not None
        _print_next_on(book.next_on(found.holder, at=moment), as_json=as_json)
        return
    answer = book.now(found.rotation, at=moment, how=found.how)
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
    as_json: JsonOption = False,
) -> None:
    """A rotation's final schedule: its layers laid over each other, then overrides; each
    segment in the rotation's local time, and the gaps nobody covers."""
    from orgplane.oncall.zones import zone_named

    loaded = load(spec)
    book, rotation = _rotation(loaded, rotation_id)
    opened = parse_moment(start, "--from")
    closed = parse_moment(end, "--to") if end is not None else opened + timedelta(days=14)
    if closed <= opened:
        raise UsageError("--to must be after --from")
    if closed - opened > timedelta(days=366 * 2):
        raise UsageError("--from … --to may span at most two years")
    found = book.schedule(rotation, opened, closed)
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
    for opened_at, closed_at, who, source in sorted(rows_all):
        table.add_row(
            f"{opened_at.astimezone(zone):%a %Y-%m-%d %H:%M}",
            f"{closed_at.astimezone(zone):%a %Y-%m-%d %H:%M}",
            text(who),
            source,
        )
    out().print(table)
