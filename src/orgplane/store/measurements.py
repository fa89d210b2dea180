"""KPI measurements in the database: idempotent ingest, and window sums in SQL.

Imports SQLAlchemy, ``kpis`` and ``store``. Moments are stored as integer milliseconds
since the epoch (UTC): compact, and compared as integers. ``insert_measurements`` adds
what is new and skips what is stored (one measurement per series and moment), so the
same file imported twice adds nothing.

Scoring reads sums, not rows: ``window_aggregates`` asks the database for the count,
sum, good/total sums and the number of values meeting each series' limit over a window,
for every series at once; first and last values come from one index probe per series;
only percentile objectives fetch their values. docs/benchmarks.md has the numbers.

Reads never return a stored moment outside the range orgplane supports
(``kpis.instants``): such a row (stored before the range was checked on the way in) is
left out, and ``count_out_of_range`` says how many a series holds, for listings to show.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from orgplane.kpis.evaluate import Aggregate, nearest_rank
from orgplane.kpis.instants import EARLIEST_MS, END_MS
from orgplane.store.kpi_tables import KpiSeriesRow, MeasurementRow
from orgplane.store.sync import table_of

__all__ = [
    "Point",
    "bucket_values",
    "count_measurements",
    "count_out_of_range",
    "delete_measurements",
    "from_ms",
    "insert_measurements",
    "latest_at",
    "series_points",
    "to_ms",
    "window_aggregates",
]

#: Rows per INSERT statement batch.
_BATCH = 5_000


def to_ms(at: datetime) -> int:
    """Milliseconds since the epoch of an aware datetime."""
    if at.tzinfo is None:
        raise ValueError(f"naive datetime {at!r}: orgplane stores UTC times only")
    return int(at.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    """The moment of ``ms``; only for moments in the supported range (reads filter the
    others out in SQL)."""
    return datetime.fromtimestamp(ms / 1000, UTC)


def _window_ms(start: datetime, end: datetime) -> tuple[int, int]:
    """``[start, end)`` in ms, cut to the supported range (so that no stored row outside
    it is ever summed)."""
    return max(to_ms(start), EARLIEST_MS), min(to_ms(end), END_MS)


def _supported() -> Any:
    """SQL: a measurement whose moment is in the supported range."""
    at_ms = table_of(MeasurementRow).c.at_ms
    return and_(at_ms >= EARLIEST_MS, at_ms < END_MS)


@dataclass(frozen=True, slots=True)
class Point:
    """One stored measurement."""

    at: datetime
    value: float
    good: float | None = None
    total: float | None = None


def insert_measurements(
    session: Session, rows: Iterable[tuple[int, int, float, float | None, float | None]]
) -> int:
    """Store ``(series id, at ms, value, good, total)`` rows; returns how many were new.

    A row whose series already has a measurement at that moment is skipped, whatever its
    value: a stored measurement is a fact and is never rewritten.
    """
    table = table_of(MeasurementRow)
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = builder(table).on_conflict_do_nothing(index_elements=["series_id", "at_ms"])
    added = 0
    batch: list[dict[str, object]] = []
    for series_id, at_ms, value, good, total in rows:
        batch.append(
            {"series_id": series_id, "at_ms": at_ms, "value": value, "good": good, "total": total}
        )
        if len(batch) >= _BATCH:
            added += _insert(session, statement, batch)
            batch = []
    if batch:
        added += _insert(session, statement, batch)
    return added


def _insert(session: Session, statement: Any, batch: list[dict[str, object]]) -> int:
    if session.get_bind().dialect.name == "postgresql":
        # psycopg counts no rows of a batch: have the database return the rows it added.
        table = table_of(MeasurementRow)
        returning = statement.returning(table.c.series_id)
        return len(session.execute(returning, batch).all())
    return int(session.execute(statement, batch).rowcount)  # type: ignore[attr-defined]


def delete_measurements(session: Session, series_ids: Sequence[int]) -> int:
    """Delete every measurement of ``series_ids``; returns how many."""
    table = table_of(MeasurementRow)
    total = 0
    for chunk in _chunks(series_ids):
        result = session.execute(table.delete().where(table.c.series_id.in_(chunk)))
        total += result.rowcount  # type: ignore[attr-defined]
    return total


def count_measurements(session: Session, series_ids: Sequence[int] | None = None) -> int:
    table = table_of(MeasurementRow)
    statement = select(func.count()).select_from(table)
    if series_ids is not None:
        statement = statement.where(table.c.series_id.in_(list(series_ids)))
    return int(session.execute(statement).scalar_one())


def latest_at(session: Session, series_ids: Sequence[int]) -> dict[int, datetime]:
    """The moment of the newest measurement of each series that has one."""
    table = table_of(MeasurementRow)
    out: dict[int, datetime] = {}
    for chunk in _chunks(series_ids):
        statement = (
            select(table.c.series_id, func.max(table.c.at_ms))
            .where(table.c.series_id.in_(chunk), _supported())
            .group_by(table.c.series_id)
        )
        out.update((series_id, from_ms(at)) for series_id, at in session.execute(statement))
    return out


def series_points(
    session: Session,
    series_id: int,
    start: datetime | None,
    end: datetime | None,
    *,
    limit: int,
    after_ms: int | None = None,
) -> list[Point]:
    """Measurements of one series in ``[start, end)``, oldest first, at most ``limit``,
    after the moment ``after_ms`` (a page cursor) if given."""
    table = table_of(MeasurementRow)
    statement = select(table.c.at_ms, table.c.value, table.c.good, table.c.total).where(
        table.c.series_id == series_id, _supported()
    )
    if start is not None:
        statement = statement.where(table.c.at_ms >= to_ms(start))
    if end is not None:
        statement = statement.where(table.c.at_ms < to_ms(end))
    if after_ms is not None:
        statement = statement.where(table.c.at_ms > after_ms)
    statement = statement.order_by(table.c.at_ms).limit(limit)
    return [
        Point(from_ms(at), value, good, total)
        for at, value, good, total in session.execute(statement)
    ]


def count_out_of_range(session: Session, series_id: int) -> int:
    """How many stored measurements of one series lie outside the supported range (reads
    leave them out)."""
    table = table_of(MeasurementRow)
    statement = (
        select(func.count()).select_from(table).where(table.c.series_id == series_id, ~_supported())
    )
    return int(session.execute(statement).scalar_one())


def _meets() -> Any:
    """SQL: 1 when a measurement meets its series' limit, else 0 (for shares)."""
    series, measurement = table_of(KpiSeriesRow), table_of(MeasurementRow)
    value, target, comparator = measurement.c.value, series.c.target, series.c.comparator
    return case(
        (and_(comparator == ">=", value >= target), 1),
        (and_(comparator == "<=", value <= target), 1),
        (and_(comparator == ">", value > target), 1),
        (and_(comparator == "<", value < target), 1),
        (and_(comparator == "=", value == target), 1),
        else_=0,
    )


def window_aggregates(
    session: Session,
    series_ids: Sequence[int],
    start: datetime,
    end: datetime,
    *,
    ends_for: Sequence[int] = (),
    meeting_for: Sequence[int] = (),
    percentiles: dict[int, float] | None = None,
) -> dict[int, Aggregate]:
    """The measurements of each series in ``[start, end)``, summed up.

    For the series in ``ends_for``, the first and last values too; for those in
    ``meeting_for``, how many values meet the series' limit; ``percentiles`` (series id →
    percentile) asks for that percentile of the values of those series. Series without
    measurements in the window are absent from the result.
    """
    measurement = table_of(MeasurementRow)
    lo, hi = _window_ms(start, end)
    sums: dict[int, tuple[Any, ...]] = {}
    for chunk in _chunks(series_ids):
        statement = (
            select(
                measurement.c.series_id,
                func.count(),
                func.sum(measurement.c.value),
                func.sum(measurement.c.good),
                func.sum(measurement.c.total),
            )
            .where(_in_window(chunk, lo, hi))
            .group_by(measurement.c.series_id)
        )
        for row in session.execute(statement):
            sums[int(row[0])] = tuple(row[1:])
    present = [series_id for series_id in ends_for if series_id in sums]
    firsts, lasts = _ends(session, present, lo, hi) if present else ({}, {})
    present = [series_id for series_id in meeting_for if series_id in sums]
    meeting = _meeting(session, present, lo, hi) if present else {}
    values: dict[int, float] = {}
    if percentiles:
        values = _percentiles(session, {k: v for k, v in percentiles.items() if k in sums}, lo, hi)
    return {
        series_id: Aggregate(
            count=int(count),
            total_value=float(total_value or 0.0),
            first=firsts.get(series_id),
            last=lasts.get(series_id),
            good=float(good) if good is not None else None,
            total=float(total) if total is not None else None,
            meeting=meeting.get(series_id, 0),
            percentile=values.get(series_id),
        )
        for series_id, (count, total_value, good, total) in sums.items()
    }


def _meeting(session: Session, series_ids: list[int], lo: int, hi: int) -> dict[int, int]:
    """How many values of each series in ``[lo, hi)`` meet the series' limit."""
    series, measurement = table_of(KpiSeriesRow), table_of(MeasurementRow)
    out: dict[int, int] = {}
    for chunk in _chunks(series_ids):
        statement = (
            select(measurement.c.series_id, func.sum(_meets()))
            .select_from(series.join(measurement, measurement.c.series_id == series.c.id))
            .where(series.c.id.in_(chunk), measurement.c.at_ms >= lo, measurement.c.at_ms < hi)
            .group_by(measurement.c.series_id)
        )
        out.update((int(series_id), int(n or 0)) for series_id, n in session.execute(statement))
    return out


def _ends(
    session: Session, series_ids: list[int], lo: int, hi: int
) -> tuple[dict[int, float], dict[int, float]]:
    """First and last value of each series in ``[lo, hi)``: one primary-key probe each."""
    series, measurement = table_of(KpiSeriesRow), table_of(MeasurementRow)
    firsts: dict[int, float] = {}
    lasts: dict[int, float] = {}
    for chunk in _chunks(series_ids):

        def probe(descending: bool) -> object:
            order = measurement.c.at_ms.desc() if descending else measurement.c.at_ms
            return (
                select(measurement.c.value)
                .where(
                    measurement.c.series_id == series.c.id,
                    measurement.c.at_ms >= lo,
                    measurement.c.at_ms < hi,
                )
                .order_by(order)
                .limit(1)
                .scalar_subquery()
            )

        statement = select(series.c.id, probe(False), probe(True)).where(  # type: ignore[call-overload]
            series.c.id.in_(chunk)
        )
        for series_id, first, last in session.execute(statement):
            if first is not None:
                firsts[series_id] = first
                lasts[series_id] = last
    return firsts, lasts


def _percentiles(
    session: Session, percentiles: dict[int, float], lo: int, hi: int
) -> dict[int, float]:
    measurement = table_of(MeasurementRow)
    values: dict[int, list[float]] = defaultdict(list)
    for chunk in _chunks(list(percentiles)):
        statement = select(measurement.c.series_id, measurement.c.value).where(
            _in_window(chunk, lo, hi)
        )
        for series_id, value in session.execute(statement):
            values[series_id].append(value)
    return {
        series_id: nearest_rank(samples, percentiles[series_id])
        for series_id, samples in values.items()
    }


def bucket_values(
    session: Session, series_ids: Sequence[int], start: datetime, end: datetime, buckets: int
) -> dict[int, list[float | None]]:
    """Each series' values in ``buckets`` equal slices of ``[start, end)``: good/total
    where measurements carry them, else the mean; ``None`` for an empty slice (for
    sparklines)."""
    measurement = table_of(MeasurementRow)
    lo, hi = _window_ms(start, end)
    width = max((hi - lo) // buckets, 1)
    slot = ((measurement.c.at_ms - lo) / width).label("slot")
    out: dict[int, list[float | None]] = {}
    for chunk in _chunks(series_ids):
        statement = (
            select(
                measurement.c.series_id,
                func.floor(slot),
                func.avg(measurement.c.value),
                func.sum(measurement.c.good),
                func.sum(measurement.c.total),
            )
            .where(_in_window(chunk, lo, hi))
            .group_by(measurement.c.series_id, func.floor(slot))
        )
        for series_id, index, mean, good, total in session.execute(statement):
            row = out.setdefault(series_id, [None] * buckets)
            position = min(int(index), buckets - 1)
            row[position] = good / total if total else mean
    return out


def _in_window(series_ids: list[int], lo: int, hi: int) -> Any:
    """SQL: a measurement of one of ``series_ids`` in ``[lo, hi)`` (ms)."""
    measurement = table_of(MeasurementRow)
    return and_(
        measurement.c.series_id.in_(series_ids),
        measurement.c.at_ms >= lo,
        measurement.c.at_ms < hi,
    )


def _chunks(ids: Sequence[int], size: int = 900) -> Iterable[list[int]]:
    """Id lists small enough for one IN (…) on every backend."""
    items = list(ids)
    for i in range(0, len(items), size):
        yield items[i : i + size]
