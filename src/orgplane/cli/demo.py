"""``orgplane demo measurements``: generated, clearly labelled KPI data to try orgplane with.

The data is made by ``services.demo``; every series holding it is flagged demo, which
the scorecard, the API and the UI show, and ``--clear`` removes it all. Series that hold
real measurements are never touched.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from orgplane.cli.console import ask, err, out, safe, text
from orgplane.cli.db import DbOption, cli_actor, open_session

if TYPE_CHECKING:
    from rich.progress import TaskID
    from sqlalchemy.orm import Session

    from orgplane.services.demo import DemoReport

__all__ = ["demo_app", "fill_demo", "offer_demo"]

#: ``services.demo.MAX_DAYS``, which --days needs when the command is defined: a copy,
#: so that defining it does not import the database layer (a test keeps them equal).
MAX_DAYS = 400

demo_app = typer.Typer(
    help="Generated DEMO data for trying orgplane (never mistaken for measurements).",
    no_args_is_help=True,
)

_LABEL = "DEMO DATA"
_CLEAR_HINT = "orgplane demo measurements --clear"


@demo_app.callback()
def demo() -> None:
    """Generated DEMO data for trying orgplane: flagged as demo everywhere it shows."""


@demo_app.command("measurements")
def measurements_command(
    org: Annotated[
        str | None,
        typer.Option("--org", metavar="CODE", help="Only this org (default: every org)."),
    ] = None,
    days: Annotated[
        int,
        typer.Option("--days", min=1, max=MAX_DAYS, help="How many days of history, ending now."),
    ] = 90,
    seed: Annotated[
        int,
        typer.Option("--seed", help="Another seed gives another (equally plausible) picture."),
    ] = 0,
    clear: Annotated[
        bool,
        typer.Option("--clear", help="Remove every demo measurement instead, and the demo flags."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Fill every KPI of the orgs in the database with generated DEMO measurements.

    About 60% of the KPIs meet their target, 25% are breached or at risk and 15% are
    left without data (qualitative KPIs always), so the scorecard and the UI have
    something true-to-life to show. SLOs get hourly good/total events with an incident
    or two, so error budgets and burn rates mean something; other KPIs get samples,
    daily counts or occurrences as their kind calls for. The same --seed gives the same
    data.

    The data is labelled DEMO wherever it shows. KPIs that hold real measurements are
    never touched; running again replaces the earlier demo data; --clear removes it.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from orgplane.services.demo import clear_demo, generate_demo

    if clear:
        with open_session(db) as session:
            deleted = clear_demo(session, org, actor=cli_actor())
        where = f"org {safe(org)}" if org else "the database"
        if deleted:
            out().print(f"{_LABEL} removed: {deleted} demo measurements deleted from {where}")
        else:
            out().print(f"no demo measurements in {where}; nothing removed")
        return
    now = datetime.now(UTC)
    # Started by the first series, so that an error before it (an unknown org) is the
    # only thing on stderr.
    progress = Progress(
        TextColumn("DEMO {task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        console=err(),
        transient=True,
    )
    task: TaskID | None = None

    def advance(label: str, done: int, total: int) -> None:
        nonlocal task
        if task is None:
            progress.start()
            task = progress.add_task(label, total=total)
        progress.update(task, completed=done, total=total, description=label)

    try:
        with open_session(db) as session:
            report = generate_demo(
                session, org, days=days, now=now, seed=seed, actor=cli_actor(), progress=advance
            )
    finally:
        if task is not None:  # stopping a bar never started still writes a line
            progress.stop()
    _print_report(report)


def _print_report(report: DemoReport) -> None:
    from orgplane.kpis.evaluate import Status

    console = out()
    if not report.orgs:
        console.print("no org in the database: apply a spec first ('orgplane apply')")
        return
    filled = sum(len(org.filled) for org in report.orgs)
    console.print(Text(f"{_LABEL}: generated, not measured", style="bold reverse yellow"))
    console.print(
        f"{report.measurements} demo measurements for {filled} KPIs over {report.days} days "
        f"up to {report.now:%Y-%m-%d %H:%M} UTC (seed {report.seed}). Those KPIs are "
        "flagged demo in the scorecard, the API and the UI."
    )
    statuses = (Status.MET, Status.AT_RISK, Status.BREACHED, Status.NO_DATA)
    table = Table(title="KPIs by status now", title_justify="left")
    table.add_column("org")
    for column in ("KPIs", "measurements", *(s.label for s in statuses), "kept"):
        table.add_column(column, justify="right")
    for org in report.orgs:
        mix: Counter[Status] = org.statuses()
        table.add_row(
            text(org.org_code),
            str(len(org.kpis)),
            str(org.measurements),
            *(str(mix[status]) for status in statuses),
            str(len(org.skipped)),
        )
    console.print(table)
    kept = sum(len(org.skipped) for org in report.orgs)
    if kept:
        console.print(f"kept: {kept} KPIs hold real measurements and were left as they are.")
    console.print(Text.assemble("Remove the demo data with: ", (_CLEAR_HINT, "bold")))


def fill_demo(session: Session) -> None:
    """Fill every org's KPIs with 90 days of demo data now (``serve --demo``)."""
    from orgplane.services.demo import generate_demo

    _print_report(generate_demo(session, None, now=datetime.now(UTC), actor=cli_actor()))


def offer_demo(session: Session) -> None:
    """On a first start with no measurements, offer demo data: ask on a terminal, else
    (no terminal, or its input closed) say how to get it. Nothing is generated without
    a yes."""
    from orgplane.store.measurements import count_measurements

    if count_measurements(session) > 0:
        return
    hint = (
        "no KPI measurements yet: 'orgplane demo measurements' (or 'orgplane serve --demo') "
        f"fills the KPIs with GENERATED demo data, labelled {_LABEL} everywhere"
    )
    question = (
        "No KPI measurements yet. Fill the KPIs with 90 days of GENERATED demo data "
        f"(labelled {_LABEL} everywhere; '{_CLEAR_HINT}' removes it)?"
    )
    answer = ask(question, default=True)
    if answer is None:
        err().print(hint)
    elif answer:
        fill_demo(session)
