"""Recording KPI measurements: by hand, from files, and from each KPI's declared source.

Imports ``store``, ``kpis`` and the source readers (``services.prometheus``,
``services.measurement_files``) and their policy (``services.measurement_sources``).
Every function owns its transaction and audits what it wrote. A KPI is named by its
reference ``[ORG:]GROUP#KPI``: GROUP is a group code (``B-2``) or path (``1B/B-2``), KPI
the KPI's id (``p95-latency``; ``orgplane kpi list`` shows them). Where the caller names
an org, a reference naming another org is refused. Ingest is idempotent: a series keeps
at most one measurement per moment, and a measurement already stored is skipped, never
rewritten. Every moment is checked against the range orgplane supports
(``kpis.instants``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from orgplane.errors import NotFoundError, OrgplaneError, UsageError
from orgplane.kpis.instants import InstantRangeError, check_instant, minus
from orgplane.model import SourceType
from orgplane.services.measurement_files import FileRecord, read_measurement_file
from orgplane.services.measurement_sources import SourcePolicy
from orgplane.services.prometheus import default_lookback, fetch_samples
from orgplane.store import audit, begin_write, group_queries, orgs
from orgplane.store.kpi_series import Series, find_series, list_series, set_demo
from orgplane.store.measurements import delete_measurements, insert_measurements, latest_at, to_ms

__all__ = [
    "IngestResult",
    "Measurement",
    "PullOutcome",
    "import_file",
    "org_of_group",
    "pull",
    "record",
    "reference_org",
    "resolve_group",
    "resolve_kpi",
]

#: Pullable source types.
PULLED = (SourceType.PROMETHEUS.value, SourceType.FILE.value)


@dataclass(frozen=True, slots=True)
class Measurement:
    """A measurement to store, for the KPI ``ref`` names."""

    ref: str
    at: datetime
    value: float
    good: float | None = None
    total: float | None = None


@dataclass(slots=True)
class IngestResult:
    """What an ingest stored: per KPI reference, how many were new and how many known."""

    added: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    #: KPIs whose demo measurements were deleted because real ones arrived.
    demo_cleared: list[str] = field(default_factory=list)

    @property
    def total_added(self) -> int:
        return sum(self.added.values())

    @property
    def total_skipped(self) -> int:
        return sum(self.skipped.values())

    def to_json(self) -> dict[str, object]:
        return {
            "added": self.total_added,
            "skipped": self.total_skipped,
            "kpis": {
                ref: {"added": self.added.get(ref, 0), "skipped": self.skipped.get(ref, 0)}
                for ref in sorted(set(self.added) | set(self.skipped))
            },
            **({"demo_cleared": sorted(self.demo_cleared)} if self.demo_cleared else {}),
        }


@dataclass(frozen=True, slots=True)
class PullOutcome:
    """One KPI's pull: how many measurements were new, or why it failed."""

    org_code: str
    ref: str
    source: str
    added: int = 0
    fetched: int = 0
    error: str | None = None


def _org_code(session: Session, org_code: str | None) -> str:
    if org_code is not None:
        if orgs.get_org(session, org_code) is None:
            raise NotFoundError(f"no org {org_code!r} in the database")
        return org_code
    codes = [org.code for org in orgs.list_orgs(session)]
    if len(codes) == 1:
        return codes[0]
    if not codes:
        raise NotFoundError("the database holds no org yet: apply a spec first")
    raise UsageError(f"the database holds several orgs ({', '.join(codes)}): name one")


def org_of_group(session: Session, org_code: str | None, group_ref: str) -> str:
    """The org whose group ``group_ref`` names: ``org_code`` if given, else the only org,
    else the one org that has such a group (none or several: a one-line error)."""
    codes = [org.code for org in orgs.list_orgs(session)] if org_code is None else []
    if org_code is not None or len(codes) <= 1:
        return _org_code(session, org_code)
    having = []
    for code in codes:
        try:
            resolve_group(session, code, group_ref)
        except NotFoundError:
            continue
        except UsageError:  # several groups of that org: the org has it
            pass
        having.append(code)
    if len(having) == 1:
        return having[0]
    if having:
        raise UsageError(
            f"{group_ref!r} names groups in several orgs ({', '.join(having)}): name one (--org)"
        )
    raise NotFoundError(f"no group {group_ref!r} in any org of the database ({', '.join(codes)})")


def reference_org(ref: str) -> str | None:
    """The org a KPI reference names (``CIPO`` in ``CIPO:B-2#p95-latency``), if any."""
    org_part, colon, _ = ref.strip().partition(":")
    if colon and "#" not in org_part and "/" not in org_part:
        return org_part
    return None


def resolve_kpi(session: Session, ref: str, org_code: str | None = None) -> Series:
    """The series ``ref`` (``[ORG:]GROUP#KPI``) names; a one-line error if none or several.

    With ``org_code``, the KPI must be one of that org's: a reference naming another org
    is not found (an org's URL bounds what a request touches).
    """
    text = ref.strip()
    named = reference_org(text)
    if named is not None:
        if org_code is not None and named != org_code:
            raise NotFoundError(
                f"KPI reference {text!r} names org {named}, not org {org_code}: "
                f"name a KPI of {org_code}"
            )
        org_code, text = named, text.partition(":")[2]
    group_ref, hash_, kpi_id = text.partition("#")
    org = org_of_group(session, org_code, group_ref)
    path = resolve_group(session, org, group_ref)
    if not hash_ or not kpi_id:
        ids = ", ".join(s.kpi_id for s in list_series(session, org, group_path=path)) or "none"
        raise UsageError(f"name the KPI after '#': {group_ref}#<kpi id> (KPIs of {path}: {ids})")
    series = find_series(session, org, path, kpi_id)
    if series is None or not series.active:
        ids = ", ".join(s.kpi_id for s in list_series(session, org, group_path=path)) or "none"
        raise NotFoundError(f"group {path} of org {org} has no KPI {kpi_id!r} (it has: {ids})")
    return series


def resolve_group(session: Session, org_code: str, group_ref: str) -> str:
    """The path of the group ``group_ref`` names: a path, or a code naming one group."""
    group_ref = group_ref.strip().strip("/")
    if not group_ref:
        raise UsageError("a KPI reference is GROUP#KPI, e.g. B-2#p95-latency")
    if "/" in group_ref:
        if group_ref not in group_queries.summaries_by_path(session, org_code, [group_ref]):
            raise NotFoundError(f"org {org_code} has no group at path {group_ref!r}")
        return group_ref
    matches = group_queries.groups_by_code(session, org_code, group_ref)
    if not matches:
        raise NotFoundError(f"org {org_code} has no group {group_ref!r}")
    if len(matches) > 1:
        paths = ", ".join(group.path for group in matches)
        raise UsageError(f"code {group_ref!r} names several groups ({paths}): use a path")
    return matches[0].path


def _check(value: float, good: float | None, total: float | None, where: str) -> None:
    if not math.isfinite(value):
        raise UsageError(f"{where}: value {value!r} is not a finite number")
    if (good is None) != (total is None):
        raise UsageError(f"{where}: give good and total together, or neither")
    if good is not None and total is not None:
        if not (math.isfinite(good) and math.isfinite(total)) or good < 0 or total < 0:
            raise UsageError(f"{where}: good and total must be finite and not negative")
        if good > total:
            raise UsageError(f"{where}: good ({good:g}) is more than total ({total:g})")


def record(
    session: Session,
    measurements: Sequence[Measurement],
    *,
    actor: str,
    org_code: str | None = None,
) -> IngestResult:
    """Store ``measurements`` (all or nothing), audited as one ``kpi.record``."""
    resolved: list[tuple[Series, Measurement]] = []
    for i, item in enumerate(measurements):
        where = item.ref if len(measurements) == 1 else f"measurement {i + 1} ({item.ref})"
        _check(item.value, item.good, item.total, where)
        try:
            check_instant(item.at)
        except InstantRangeError as error:
            raise UsageError(f"{where}: {error}") from None
        resolved.append((resolve_kpi(session, item.ref, org_code), item))
    return _store(session, resolved, actor=actor, action="kpi.record")


def import_file(
    session: Session,
    path: Path,
    *,
    actor: str,
    org_code: str | None = None,
    kpi: str | None = None,
    file_format: str | None = None,
) -> IngestResult:
    """Store the measurements of a CSV or JSON-lines file (all or nothing).

    Records name their KPI in a ``kpi`` column; ``kpi`` gives it for a file without one.
    """
    records = read_measurement_file(path, file_format)
    cache: dict[str, Series] = {}
    resolved: list[tuple[Series, Measurement]] = []
    for item in records:
        ref = item.kpi or kpi
        if ref is None:
            raise UsageError(f"{path}:{item.line}: no kpi column and no --kpi: name the KPI")
        series = cache.get(ref)
        if series is None:
            try:
                series = cache[ref] = resolve_kpi(session, ref, org_code)
            except OrgplaneError as error:
                raise type(error)(f"{path}:{item.line}: {error}") from error
        resolved.append((series, _measurement(ref, item)))
    return _store(session, resolved, actor=actor, action="kpi.import", detail=str(path))


def _measurement(ref: str, item: FileRecord) -> Measurement:
    return Measurement(ref, item.at, item.value, item.good, item.total)


def _store(
    session: Session,
    items: Iterable[tuple[Series, Measurement]],
    *,
    actor: str,
    action: str,
    detail: str | None = None,
) -> IngestResult:
    by_series: dict[int, tuple[Series, list[Measurement]]] = {}
    for series, item in items:
        by_series.setdefault(series.id, (series, []))[1].append(item)
    result = IngestResult()
    try:
        begin_write(session)
        for series, group in by_series.values():
            ref = f"{series.org_code}:{series.ref}"
            if series.demo:
                # Real measurements replace a KPI's demo data: the two never mix.
                delete_measurements(session, [series.id])
                set_demo(session, [series.id], False)
                result.demo_cleared.append(ref)
            added = insert_measurements(
                session, ((series.id, to_ms(m.at), m.value, m.good, m.total) for m in group)
            )
            result.added[ref] = added
            result.skipped[ref] = len(group) - added
        if result.total_added:
            audit.append_audit(
                session,
                at=datetime.now(UTC),
                actor=actor,
                action=action,
                target="kpis:" + ",".join(sorted(result.added)),
                before=None,
                after={**result.to_json(), **({"file": detail} if detail else {})},
            )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return result


def pull(
    session: Session,
    *,
    actor: str,
    org_code: str | None = None,
    refs: Sequence[str] = (),
    now: datetime | None = None,
    progress: Callable[[PullOutcome], None] | None = None,
    policy: SourcePolicy | None = None,
) -> list[PullOutcome]:
    """Fetch new measurements of every KPI with a prometheus or file source (or of the
    KPIs ``refs`` names), each in its own transaction; a failing source does not stop
    the others, its outcome carries the error.

    ``policy`` says which files and Prometheus hosts may be used (default: the
    settings'); a source it refuses fails its KPI before anything is opened.
    """
    now = check_instant(now or datetime.now(UTC))
    policy = policy or SourcePolicy.from_settings()
    if refs:
        targets = [resolve_kpi(session, ref, org_code) for ref in refs]
    else:
        codes = [org_code] if org_code else [org.code for org in orgs.list_orgs(session)]
        if org_code is not None:
            _org_code(session, org_code)
        targets = [s for code in codes for s in list_series(session, code)]
    targets = [s for s in targets if s.source_type in PULLED]
    last = latest_at(session, [s.id for s in targets])
    session.rollback()
    outcomes: list[PullOutcome] = []
    for series in targets:
        outcome = _pull_one(session, series, last.get(series.id), now, actor, policy)
        outcomes.append(outcome)
        if progress is not None:
            progress(outcome)
    return outcomes


def _names(ref: str, series: Series) -> bool:
    """Whether ``ref`` as written in a file names ``series`` (a path's last part is the
    group's code)."""
    text = ref.strip()
    org, colon, rest = text.partition(":")
    if colon and "#" not in org:
        if org != series.org_code:
            return False
        text = rest
    group, _, kpi_id = text.partition("#")
    group = group.strip("/")
    return kpi_id == series.kpi_id and group in (
        series.group_path,
        series.group_path.split("/")[-1],
    )


def _pull_one(
    session: Session,
    series: Series,
    last: datetime | None,
    now: datetime,
    actor: str,
    policy: SourcePolicy,
) -> PullOutcome:
    assert series.source is not None
    source = series.source
    ref = series.ref
    try:
        if source["type"] == SourceType.PROMETHEUS.value:
            policy.prometheus_url(source)
            start = minus(now, default_lookback(source))
            if last is not None and last > start:
                start = last
            samples = fetch_samples(source, start, now)
            items = [Measurement(ref, s.at, s.value, s.good, s.total) for s in samples]
        else:
            path = policy.file_path(source)
            records = read_measurement_file(path, source.get("format"))
            items = [
                _measurement(ref, record)
                for record in records
                if record.kpi is None or _names(record.kpi, series)
            ]
        result = _store(
            session,
            ((series, item) for item in items),
            actor=actor,
            action="kpi.pull",
            detail=source.get("url") or source.get("path"),
        )
    except OrgplaneError as error:
        session.rollback()
        return PullOutcome(series.org_code, ref, source["type"], error=str(error))
    return PullOutcome(series.org_code, ref, source["type"], result.total_added, len(items))
