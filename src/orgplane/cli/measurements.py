"""``orgplane kpi record | import | pull | list``: KPI measurements in the database.

``record`` stores one value by hand, ``import`` a CSV or JSON-lines file, ``pull`` asks
every KPI's declared source (Prometheus, a file) for what is new, and ``list`` shows the
KPIs with their ids, windows and sources. A KPI is named ``[ORG:]GROUP#KPI``
(``B-2#p95-latency``). Ingest is idempotent: the same file twice adds nothing.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from orgplane.cli.console import err, out, print_raw, safe, text
from orgplane.cli.db import DbOption, cli_actor, open_session
from orgplane.errors import UsageError

if TYPE_CHECKING:
    from orgplane.services.measurements import IngestResult, PullOutcome

__all__ = ["import_command", "list_command", "parse_moment", "pull_command", "record_command"]

OrgOption = Annotated[
    str | None,
    typer.Option("--org", help="The org's code (needed when the database holds several)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def parse_moment(text: str, option: str = "--at") -> datetime:
    """``now``, a date (midnight UTC), or what a measurement file's ``at`` may be: an
    ISO 8601 time with an offset or ``Z``, or unix seconds (``services.measurement_values``),
    in the range orgplane supports; a one-line ``UsageError`` naming ``option`` if not."""
    text = text.strip()
    if text == "now":
        return datetime.now(UTC)
    # Imported here: the services package imports the database stack (cli/__init__).
    from orgplane.kpis.instants import InstantRangeError, check_instant
    from orgplane.services.measurement_values import InvalidValueError
    from orgplane.services.measurement_values import parse_moment as parse_value_moment

    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        try:
            return check_instant(datetime.combine(day, time(), UTC))
        except InstantRangeError as exc:
            raise UsageError(f"{option}: {exc}") from None
    try:
        return parse_value_moment(text)
    except InvalidValueError as exc:
        hint = f" (hint: {exc.hint})" if exc.hint else ""
        raise UsageError(f"{option}: time {exc}{hint}") from None


def record_command(
    kpi: Annotated[
        str, typer.Argument(metavar="KPI", help="[ORG:]GROUP#KPI, e.g. B-2#p95-latency.")
    ],
    value: Annotated[
        float,
        typer.Argument(
            help="The value in the KPI's normalized unit: seconds, a fraction (0.999), a count."
        ),
    ],
    at: Annotated[
        str, typer.Option("--at", help="When it was measured (ISO 8601 with offset; default now).")
    ] = "now",
    good: Annotated[float | None, typer.Option("--good", help="Good events (ratio KPIs).")] = None,
    total: Annotated[float | None, typer.Option("--total", help="All events (ratio KPIs).")] = None,
    org: OrgOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record one measurement of a KPI by hand.

    Values are in the KPI's normalized unit (as 'orgplane kpi parse' shows): 0.004 for
    4 ms, 0.9993 for 99.93%. A measurement already stored at that moment is kept.
    """
    from orgplane.services import measurements
    from orgplane.services.measurements import Measurement

    item = Measurement(kpi, parse_moment(at), value, good, total)
    with open_session(db) as session:
        result = measurements.record(session, [item], actor=cli_actor(), org_code=org)
    _print_ingest(result, as_json)


def import_command(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="A CSV file (header: kpi,at,value[,good,total]) "
            'or JSON lines ({"kpi", "at", "value"} per line).',
        ),
    ],
    kpi: Annotated[
        str | None,
        typer.Option("--kpi", help="The KPI of every record, for a file without a kpi column."),
    ] = None,
    file_format: Annotated[
        str | None, typer.Option("--format", help="csv or jsonl (default: from the extension).")
    ] = None,
    org: OrgOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import measurements from a file, all or nothing.

    Bad records are reported with file:line and nothing is stored. Importing the same
    file again adds nothing.
    """
    from orgplane.services import measurements

    with open_session(db) as session:
        result = measurements.import_file(
            session, file, actor=cli_actor(), org_code=org, kpi=kpi, file_format=file_format
        )
    _print_ingest(result, as_json)


def _print_ingest(result: IngestResult, as_json: bool) -> None:
    if as_json:
        print_raw(json.dumps(result.to_json(), indent=2))
        return
    for ref in result.demo_cleared:
        err().print(f"{safe(ref)}: its demo measurements were deleted (real ones arrived)")
    for ref in sorted(set(result.added) | set(result.skipped)):
        added, skipped = result.added.get(ref, 0), result.skipped.get(ref, 0)
        known = f", {skipped} already stored" if skipped else ""
        out().print(f"{safe(ref)}: {added} added{known}")


def pull_command(
    kpis: Annotated[
        list[str] | None,
        typer.Argument(metavar="[KPI]...", help="Only these KPIs (default: every pullable KPI)."),
    ] = None,
    org: OrgOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Fetch new measurements from each KPI's declared source (prometheus, file).

    Each KPI is pulled in a transaction of its own; one failing source does not stop
    the others: each failure is one line on stderr naming its KPI, and the command exits
    1 if any failed. Files are read only inside the spec's folder or a folder of
    ORGPLANE_SOURCE_DIRS; Prometheus only on loopback or a host of
    ORGPLANE_PROMETHEUS_HOSTS.
    """
    from rich.progress import Progress

    from orgplane.services import measurements

    outcomes: list[PullOutcome] = []
    with open_session(db) as session, Progress(console=err(), transient=True) as progress:
        task = progress.add_task("pulling", total=None)

        def advance(outcome: PullOutcome) -> None:
            progress.update(task, advance=1, description=f"pulled {outcome.ref}")

        outcomes = measurements.pull(
            session, actor=cli_actor(), org_code=org, refs=kpis or (), progress=advance
        )
    if as_json:
        print_raw(json.dumps([asdict(outcome) for outcome in outcomes], indent=2))
    elif not outcomes:
        err().print("no KPI declares a prometheus or file source (measure: in the spec)")
    else:
        table = Table("KPI", "source", "fetched", "added", "result")
        for o in outcomes:
            table.add_row(
                text(f"{o.org_code}:{o.ref}"),
                text(o.source),
                str(o.fetched),
                str(o.added),
                "failed" if o.error else "ok",
            )
        out().print(table)
        for o in outcomes:
            if o.error:
                # One plain line per failure: the spec wrote the source it names.
                err().print(
                    text(f"orgplane: error: {o.org_code}:{o.ref}: {o.error}"), soft_wrap=True
                )
    if any(o.error for o in outcomes):
        raise typer.Exit(1)


def list_command(
    group: Annotated[
        str | None, typer.Argument(help="Only this group's subtree (a path, e.g. 1B).")
    ] = None,
    org: OrgOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the KPIs in the database: reference, window, source and text."""
    from orgplane.store.kpi_series import list_series
    from orgplane.store.orgs import list_orgs

    with open_session(db) as session:
        codes = [org] if org else [o.code for o in list_orgs(session)]
        rows = [
            s
            for code in codes
            for s in list_series(session, code, group_path=group, subtree=group is not None)
        ]
    if as_json:
        print_raw(
            json.dumps(
                [
                    {
                        "kpi": f"{s.org_code}:{s.ref}",
                        "text": s.text,
                        "window": s.window,
                        "source": s.source,
                        "demo": s.demo,
                        "objective": s.objective.as_dict(),
                    }
                    for s in rows
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    table = Table("KPI", "window", "source", "text")
    for s in rows:
        table.add_row(text(f"{s.org_code}:{s.ref}"), text(s.window), s.source_type, text(s.text))
    out().print(table)
