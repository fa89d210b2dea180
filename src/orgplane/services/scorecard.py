"""Scorecards: every KPI of an org (or of one group's subtree) scored at a moment, and
rolled up unit → squad → department → org.

Imports ``kpis`` and ``store``. Reads only; the caller's session may be any read
session. For each scoring window in use the database sums the measurements of every
series at once (``store.measurements.window_aggregates``); SLOs get their burn-rate
windows the same way; ``kpis.evaluate.assess`` scores each KPI and ``kpis.rollup`` sums
the statuses up the tree. Sparklines (values in equal slices of the last window) are
read only for the KPIs a caller shows. ``at`` must be in the range orgplane supports
(``kpis.instants``): a ``UsageError`` otherwise.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from orgplane.errors import NotFoundError, UsageError
from orgplane.gcpause import paused_gc
from orgplane.kpis.budget import BURN_ALERTS, is_slo
from orgplane.kpis.display import format_value
from orgplane.kpis.evaluate import Aggregate, Assessment, Status, assess
from orgplane.kpis.instants import InstantRangeError, check_instant, minus
from orgplane.kpis.objective import Kind
from orgplane.kpis.rollup import Rollup, roll_up
from orgplane.kpis.windows import Window, parse_window
from orgplane.store import group_queries, orgs
from orgplane.store.group_queries import GroupSummary
from orgplane.store.kpi_series import Series, list_series
from orgplane.store.measurements import bucket_values, window_aggregates

__all__ = [
    "SPARK_BUCKETS",
    "GroupScore",
    "KpiScore",
    "Scorecard",
    "kpi_json",
    "rollup_json",
    "score_org",
    "scorecard_json",
    "sparklines",
]

#: Slices of a sparkline.
SPARK_BUCKETS = 20


@dataclass(frozen=True, slots=True)
class KpiScore:
    """One KPI scored: its series, its window and what the window's measurements say."""

    series: Series
    window: Window
    start: datetime
    end: datetime
    assessment: Assessment

    @property
    def status(self) -> Status:
        return self.assessment.status


@dataclass(frozen=True, slots=True)
class GroupScore:
    """A group on the scorecard: itself, its own KPIs and the roll-up of its subtree."""

    group: GroupSummary
    kpis: list[KpiScore]
    rollup: Rollup


@dataclass(frozen=True, slots=True)
class Scorecard:
    """An org (or one group's subtree) scored at ``at``."""

    org_code: str
    org_name: str
    at: datetime
    #: The group the scorecard is for; ``None`` for the whole org.
    root: GroupSummary | None
    #: The roll-up of everything on the scorecard.
    rollup: Rollup
    #: Groups in tree order (parents first), each with its own KPIs.
    groups: list[GroupScore]
    #: Every KPI scored, by series id.
    scores: dict[int, KpiScore]
    #: Whether any KPI on it holds demo measurements.
    demo: bool


def score_org(
    session: Session, org_code: str, at: datetime, *, group_path: str | None = None
) -> Scorecard:
    """Score every active KPI of ``org_code`` (or of ``group_path``'s subtree) at ``at``."""
    at = _moment(at)
    org = orgs.get_org(session, org_code)
    if org is None:
        raise NotFoundError(f"no org {org_code!r} in the database")
    root: GroupSummary | None = None
    if group_path is not None:
        found = group_queries.summaries_by_path(session, org_code, [group_path])
        root = found.get(group_path)
        if root is None:
            raise NotFoundError(f"org {org_code} has no group {group_path!r}")
    with paused_gc():  # 60,000 KPIs are a million short-lived objects, none cyclic
        series = list_series(session, org_code, group_path=group_path, subtree=True)
        scores = score_series(session, series, at)
    rollups = roll_up(
        (score.series.group_path, score.status, score.series.weight) for score in scores.values()
    )
    by_group: dict[str, list[KpiScore]] = defaultdict(list)
    for score in scores.values():
        by_group[score.series.group_path].append(score)
    summaries = group_queries.all_summaries(session, org_code, under=group_path)
    groups = [
        GroupScore(summary, by_group.get(summary.path, []), rollups.get(summary.path, Rollup()))
        for summary in _tree_order(summaries, group_path)
    ]
    rollup = rollups[group_path] if group_path is not None and group_path in rollups else None
    return Scorecard(
        org_code=org_code,
        org_name=org.name,
        at=at,
        root=root,
        rollup=rollup or (rollups[""] if group_path is None else Rollup()),
        groups=groups,
        scores=scores,
        demo=any(s.demo for s in series),
    )


def _tree_order(summaries: list[GroupSummary], root: str | None) -> list[GroupSummary]:
    """Groups depth first from ``root`` (``None``: the top level): each parent followed by
    its subtree, siblings in spec order."""
    children: dict[str | None, list[GroupSummary]] = defaultdict(list)
    for summary in summaries:  # parents first, siblings by position
        children[summary.parent_path].append(summary)
    ordered: list[GroupSummary] = []
    stack = [s for s in reversed(summaries) if s.path == root] if root else []
    stack = stack or list(reversed(children[None]))
    while stack:
        summary = stack.pop()
        ordered.append(summary)
        stack.extend(reversed(children.get(summary.path, [])))
    return ordered


def score_series(session: Session, series: list[Series], at: datetime) -> dict[int, KpiScore]:
    """Score ``series`` at ``at``: their windows' sums, burn rates for SLOs, statuses."""
    at = _moment(at)
    by_window: dict[str, list[Series]] = defaultdict(list)
    for item in series:
        by_window[item.window].append(item)
    aggregates: dict[int, Aggregate] = {}
    bounds: dict[str, tuple[Window, datetime, datetime]] = {}
    for text, members in by_window.items():
        window = parse_window(text)
        start, end = window.bounds(at)
        bounds[text] = (window, start, end)
        aggregates.update(
            window_aggregates(
                session,
                [s.id for s in members],
                start,
                end,
                ends_for=[s.id for s in members if _needs_ends(s)],
                meeting_for=[s.id for s in members if s.objective.kind is Kind.SHARE],
                percentiles={
                    s.id: s.objective.percentile
                    for s in members
                    if s.objective.kind is Kind.PERCENTILE and s.objective.percentile is not None
                },
            )
        )
    slos = [s for s in series if is_slo(s.objective) and s.id in aggregates]
    burn: dict[int, dict[timedelta, Aggregate]] = defaultdict(dict)
    if slos:
        lengths = sorted({a.long for a in BURN_ALERTS} | {a.short for a in BURN_ALERTS})
        for length in lengths:
            for series_id, aggregate in window_aggregates(
                session,
                [s.id for s in slos],
                minus(at, length),
                at,
                meeting_for=[s.id for s in slos if s.objective.kind is Kind.SHARE],
            ).items():
                burn[series_id][length] = aggregate
    scores: dict[int, KpiScore] = {}
    for item in series:
        window, start, end = bounds[item.window]
        assessment = assess(
            item.objective,
            aggregates.get(item.id, Aggregate()),
            end - start,
            slo_window=window.nominal,
            burn_windows=burn.get(item.id, {}),
        )
        scores[item.id] = KpiScore(item, window, start, end, assessment)
    return scores


def _moment(at: datetime) -> datetime:
    """``at`` in UTC, or a ``UsageError`` when it is outside the supported range."""
    try:
        return check_instant(at)
    except InstantRangeError as error:
        raise UsageError(f"at: {error}") from None


def _needs_ends(series: Series) -> bool:
    return series.objective.kind in (Kind.THRESHOLD, Kind.GROWTH)


def sparklines(
    session: Session, scores: list[KpiScore], buckets: int = SPARK_BUCKETS
) -> dict[int, list[float | None]]:
    """Values of each KPI in ``buckets`` equal slices of its window (for sparklines)."""
    by_bounds: dict[tuple[datetime, datetime], list[int]] = defaultdict(list)
    for score in scores:
        start = minus(score.end, score.window.nominal)
        by_bounds[(start, score.end)].append(score.series.id)
    out: dict[int, list[float | None]] = {}
    for (start, end), ids in by_bounds.items():
        out.update(bucket_values(session, ids, start, end, buckets))
    return out


# -- as JSON (the API and the CLI print the same shape) ---------------------------------


def scorecard_json(card: Scorecard, lines: dict[int, Any] | None = None) -> dict[str, Any]:
    """A scorecard as JSON: the roll-up, each group's roll-up, and every KPI scored."""
    lines = lines or {}
    return {
        "org": card.org_code,
        "at": card.at.astimezone(UTC).isoformat(),
        "group": card.root.path if card.root is not None else None,
        "demo": card.demo,
        "rollup": rollup_json(card.rollup),
        "groups": [
            {
                "path": g.group.path,
                "code": g.group.code,
                "name": g.group.name,
                "kind": g.group.kind,
                "rollup": rollup_json(g.rollup),
                "kpis": [kpi_json(k, lines.get(k.series.id)) for k in g.kpis],
            }
            for g in card.groups
        ],
    }


def rollup_json(rollup: Rollup) -> dict[str, Any]:
    return {
        "status": rollup.worst.value,
        "share_met": rollup.share_met,
        "counts": {status.value: n for status, n in rollup.counts.items()},
        "summary": rollup.summary,
    }


def kpi_json(score: KpiScore, spark: list[float | None] | None = None) -> dict[str, Any]:
    a = score.assessment
    series = score.series
    return {
        "kpi": series.ref,
        "id": series.kpi_id,
        "text": series.text,
        "status": a.status.value,
        "value": a.value,
        "display": format_value(a.value, series.objective),
        "target": series.objective.share
        if series.objective.kind.value == "share"
        else series.objective.value,
        "comparator": series.objective.comparator.value if series.objective.comparator else None,
        "count": a.count,
        "window": score.window.text,
        "window_start": score.start.isoformat(),
        "window_end": score.end.isoformat(),
        "budget_remaining": a.budget_remaining,
        "burn_rates": a.burn_rates,
        "alerts": list(a.alerts),
        "reason": a.reason,
        "source": series.source_type,
        "demo": series.demo,
        **({"sparkline": spark} if spark is not None else {}),
    }
