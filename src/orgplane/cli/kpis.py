"""``orgplane kpi``: how orgplane reads KPI text as typed objectives.

``kpi parse TEXT…`` prints the objective of each text: a table for people, or JSON
(one object per text) for scripts. The grammar is ``orgplane.kpis``; docs/kpis.md
lists every form.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from orgplane.cli.console import out, print_raw, text
from orgplane.cli.measurements import (
    import_command,
    list_command,
    pull_command,
    record_command,
)

if TYPE_CHECKING:
    from orgplane.kpis import Objective

__all__ = ["kpi_app"]

kpi_app = typer.Typer(
    help="KPIs: typed objectives, and their measurements in the database.", no_args_is_help=True
)


class KpiFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


@kpi_app.callback()
def kpi() -> None:
    """KPIs: how orgplane reads KPI text, and their measurements (see docs/kpis.md)."""


@kpi_app.command()
def parse(
    texts: Annotated[
        list[str],
        typer.Argument(
            metavar="TEXT...", help='KPI texts, each one argument: "P95 latency < 5ms".'
        ),
    ],
    output_format: Annotated[
        KpiFormat,
        typer.Option("--format", "-f", help="text (a table) for people, json for scripts."),
    ] = KpiFormat.TEXT,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail (exit 1) when a text cannot be typed.")
    ] = False,
) -> None:
    """Type KPI texts: metric, comparator, value, unit, percentile, share, scope, period.

    Values are normalized: seconds for durations, a fraction for percentages (99.9% is
    0.999). A text that states no measurable target is qualitative ("typed": false),
    with the reason. Exit 0, or 1 with --strict when any text is qualitative.
    """
    from orgplane.kpis import parse_objective, render_objective

    objectives = [parse_objective(text) for text in texts]
    if output_format is KpiFormat.JSON:
        rows = [{**o.as_dict(), "canonical": render_objective(o)} for o in objectives]
        print_raw(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        out().print(_table(objectives))
    if strict and not all(o.typed for o in objectives):
        raise typer.Exit(1)


def _table(objectives: list[Objective]) -> Table:
    from orgplane.kpis import render_objective

    table = Table(title="KPIs as typed objectives", title_justify="left")
    for column in ("KPI", "metric", "canonical", "value", "kind", "direction", "qualifiers"):
        table.add_column(column, justify="right" if column == "value" else "left")
    for o in objectives:
        if not o.typed:
            table.add_row(
                text(o.text), text(o.metric), "qualitative", "", "", "", text(o.reason or "")
            )
            continue
        table.add_row(
            text(o.text),
            text(o.metric),
            text(render_objective(o)),
            _value(o),
            o.kind.value,
            o.direction.value if o.direction else "",
            _qualifiers(o),
        )
    return table


def _value(o: Objective) -> str:
    """The normalized value and its unit: "0.005 seconds", "0.999 ratio", "20 count"."""
    from orgplane.kpis import Unit

    if o.value is None or o.unit is None:
        return ""
    unit = o.unit.value.replace("_", " ")
    if o.unit is Unit.COUNT and o.count_unit:
        unit = o.count_unit
    return f"{_number(o.value)} {unit}"


def _number(value: float) -> str:
    """A value as it is: "7776000", "0.99999999999" (``:g`` would round to "1")."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _qualifiers(o: Objective) -> str:
    parts = []
    if o.percentile is not None:
        parts.append(f"percentile {_number(o.percentile)}")
    if o.share is not None:
        parts.append(f"share {_number(o.share)}")
    if o.scope is not None:
        parts.append(f"scope {o.scope}")
    if o.per is not None:
        parts.append(f"per {o.per}")
    if o.period is not None:
        parts.append(f"period {o.period.value}")
    if o.max_value is not None:
        parts.append(f"out of {_number(o.max_value)}")
    if o.nines is not None:
        parts.append(f"{o.nines} nines")
    return "; ".join(parts)


kpi_app.command("list")(list_command)
kpi_app.command("record")(record_command)
kpi_app.command("import")(import_command)
kpi_app.command("pull")(pull_command)
