"""``orgplane oncall``: who is on call, from the spec's rotations.

``now`` answers who holds a rotation (or a group's rotation) at a moment, primary and
secondary, until when; ``schedule`` prints a rotation's final schedule over a stretch of
time, each segment in the rotation's local time with the layer or override it comes
from, and the gaps nobody covers.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from orgplane.cli.console import Loaded, load, out, print_raw, text
from orgplane.cli.measurements import parse_moment
from orgplane.errors import NotFoundError, UsageError

if TYPE_CHECKING:
    from orgplane.model import Rotation
    from orgplane.oncall import Segment

__all__ = ["oncall_app"]

oncall_app = typer.Typer(
    help="Who is on call: now, or a rotation's schedule (from the spec's oncall: rotations).",
    no_args_is_help=True,
)

SpecOption = Annotated[Path | None, typer.Option("--spec", help="Spec file or folder.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print as JSON.")]


def _rotation(loaded: Loaded, target: str) -> tuple[Rotation, str]:
    """The rotation ``target`` names: its id; else the rotation of the group it names,
    or of the catalog entry's owner, or of the nearest group above; with how it was
    found."""
    for rotation in loaded.org.oncall:
        if target.lower() == rotation.id.lower():
            return rotation, f"rotation {rotation.id}"
    resolution = loaded.index.resolve(target)
    if resolution.path:
        return _of_group(loaded, resolution.path, "")
    wanted = target.lower()
    for entry in loaded.org.catalog:
        if wanted in (entry.id.lower(), entry.name.lower()):
            owner = loaded.index.resolve(entry.owner).path if entry.owner else None
            if owner is None:
                raise NotFoundError(
                    f"catalog entry {entry.name!r} has no owner to be on call for it"
                )
            return _of_group(loaded, owner, f"{entry.name} is owned by {owner}; ")
    known = ", ".join(r.id for r in loaded.org.oncall) or "none in this spec"
    raise NotFoundError(
        f"{target!r} is neither a rotation, a group nor a catalog entry (rotations: {known})"
    )


def _of_group(loaded: Loaded, group: str, prefix: str) -> tuple[Rotation, str]:
    """The rotation of ``group``, or of the nearest group above it."""
    by_group = {
        loaded.index.resolve(r.group).path: r for r in loaded.org.oncall if r.group is not None
    }
    path = group
    while True:
        if path in by_group:
            if path == group:
                return by_group[path], f"{prefix}the rotation of {path}"
            return by_group[path], f"{prefix}{group} has no rotation; the one of {path}, above it"
        if "/" not in path:
            raise NotFoundError(f"{prefix}no on-call rotation for {group} or a group above it")
        path = path.rsplit("/", 1)[0]


def _schedule(
    rotation: Rotation, start: datetime, end: datetime, *, secondary: bool = False
) -> list[Segment]:
    from orgplane.oncall import final_schedule
    from orgplane.oncall.build import primary_layers, rotation_overrides, secondary_layers
    from orgplane.oncall.zones import UnknownZoneError

    try:
        if secondary:
            return final_schedule(secondary_layers(rotation), [], start, end)
        return final_schedule(primary_layers(rotation), rotation_overrides(rotation), start, end)
    except UnknownZoneError as exc:
        raise UsageError(f"rotation {rotation.id}: {exc} (see 'orgplane validate')") from None


@oncall_app.command("now")
def now_command(
    target: Annotated[
        str,
        typer.Argument(help="A rotation's id, a group (code or path) or a catalog entry."),
    ],
    at: Annotated[
        str, typer.Option("--at", help="At this moment (ISO 8601 with offset; default now).")
    ] = "now",
    spec: SpecOption = None,
    as_json: JsonOption = False,
) -> None:
    """Who is on call for TARGET: primary and secondary, until when, and how it was found.
    Exit 1 when nobody is."""
    from orgplane.oncall.build import Holders

    loaded = load(spec)
    rotation, how = _rotation(loaded, target)
    moment = parse_moment(at)
    horizon = moment + timedelta(days=400)
    holders = Holders(loaded.org)
    answer: dict[str, object] = {"rotation": rotation.id, "at": moment.isoformat(), "how": how}
    for tier in ("primary", "secondary"):
        segments = _schedule(rotation, moment, horizon, secondary=tier == "secondary")
        current = segments[0] if segments and segments[0].start == moment else None
        if current is None:
            answer[tier] = None
            continue
        # A holder with no handoff in sight (one member, no override) holds it on.
        until = None if current.end >= horizon else current.end.isoformat()
        held = holders.of(current.member)
        answer[tier] = {
            "who": held.name,
            "kind": held.kind,
            "people": list(held.people),
            "until": until,
            "from": current.source,
            "text": held.describe(),
        }
    if as_json:
        print_raw(json.dumps(answer, indent=2, ensure_ascii=False))
    else:
        console = out()
        console.print(text(f"{rotation.name} ({how}), at {moment:%Y-%m-%d %H:%M} UTC"))
        for tier in ("primary", "secondary"):
            row = answer[tier]
            if isinstance(row, dict):
                until = row["until"] or "further notice"
                line = f"  {tier}: {row['text']} until {until} ({row['from']})"
            else:
                line = f"  {tier}: nobody"
            console.print(text(line))
    if answer["primary"] is None:
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
    from orgplane.oncall import gaps
    from orgplane.oncall.zones import zone_named

    loaded = load(spec)
    rotation, _how = _rotation(loaded, rotation_id)
    opened = parse_moment(start, "--from")
    closed = parse_moment(end, "--to") if end is not None else opened + timedelta(days=14)
    if closed <= opened:
        raise UsageError("--to must be after --from")
    if closed - opened > timedelta(days=366 * 2):
        raise UsageError("--from … --to may span at most two years")
    segments = _schedule(rotation, opened, closed)
    holes = gaps(segments, opened, closed)
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
