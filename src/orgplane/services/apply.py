"""Apply a validated spec to the database: sync the org's snapshot and report what changed.

Imports ``store``, ``rules``, ``model`` and ``errors``. ``apply_spec`` is one transaction:
it writes the rows that differ (none when nothing changed), the findings, one apply
record and one audit entry, then commits — or, on any error, writes nothing at all. A
spec with error findings is refused before the database is touched.

Two processes may apply at once: each apply of an org holds that org's lock
(``store.orgs.lock_org``) for its whole transaction, so they take turns, and the second
one compares against what the first one wrote.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from orgplane.errors import Diagnostic, SpecError
from orgplane.gcpause import paused_gc
from orgplane.model import Org, OrgIndex
from orgplane.rules import Finding, Severity
from orgplane.services.changes import (
    ChangeReport,
    Counts,
    FindingCounts,
    group_changes,
    match_moves,
    owner_changes,
)
from orgplane.store import (
    audit,
    begin_write,
    catalog,
    findings,
    groups,
    kpi_series,
    orgs,
    people,
    roles,
)
from orgplane.store.applies import record_apply
from orgplane.store.engine import refresh_statistics
from orgplane.store.sync import Row, diff_keys, diff_rows

__all__ = ["APPLY_ACTION", "ApplyResult", "apply_spec"]

#: The audit log's action for an apply.
APPLY_ACTION = "spec.apply"


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """What ``apply_spec`` did."""

    report: ChangeReport
    #: The apply's id in the history; ``None`` when nothing changed or on a dry run.
    apply_id: int | None
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return not self.report.is_empty


def apply_spec(
    *,
    session: Session,
    org: Org,
    findings: Sequence[Finding],
    actor: str,
    dry_run: bool = False,
    accept_errors: bool = False,
    now: datetime | None = None,
) -> ApplyResult:
    """Make the database's snapshot of ``org`` match ``org``, in one transaction.

    ``findings`` are the validator's findings about ``org``: any error refuses the apply
    (``SpecError``, nothing written) unless ``accept_errors`` — then, as the warnings and
    notes always are, the errors are stored with it, for the findings page to show.
    With ``dry_run`` the report is computed and every write rolled back.
    """
    errors = [finding for finding in findings if finding.severity is Severity.ERROR]
    if errors and not accept_errors:
        raise SpecError([_diagnostic(finding, org) for finding in errors])
    now = now or datetime.now(UTC)
    try:
        begin_write(session)
        orgs.lock_org(session, org.code)
        with paused_gc():
            report, apply_id = _sync(session, org, findings, actor, now, dry_run=dry_run)
        if dry_run:
            session.rollback()
            apply_id = None
        else:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    if apply_id is not None:
        # The query planner's statistics follow the data (without them SQLite scans
        # every dependency row to find a group's dependents).
        refresh_statistics(session)
    return ApplyResult(report, apply_id, dry_run)


def _diagnostic(finding: Finding, org: Org) -> Diagnostic:
    location = finding.location
    if location is None:
        return Diagnostic(finding.code, finding.message, f"org {org.code}", hint=finding.hint)
    return Diagnostic(
        finding.code, finding.message, location.file, location.line, location.col, finding.hint
    )


def _severities(rows: Sequence[Row]) -> dict[str, int]:
    counted = Counter(row["severity"] for row in rows)
    return {severity.value: counted.get(severity.value, 0) for severity in Severity}


def _sync(
    session: Session,
    org: Org,
    spec_findings: Sequence[Finding],
    actor: str,
    now: datetime,
    *,
    dry_run: bool,
) -> tuple[ChangeReport, int | None]:
    code = org.code
    index = OrgIndex(org)

    wanted_org = orgs.org_row(org)
    stored_org = orgs.get_org_row(session, code)
    created = stored_org is None
    org_fields = (
        []
        if stored_org is None
        else [name for name, value in wanted_org.items() if stored_org[name] != value]
    )
    if stored_org is None:
        orgs.insert_org(session, wanted_org, now=now)

    # Groups: rows first (moves update paths in place; the database carries child rows
    # along and deletes those of removed groups), then the child rows.
    old = groups.fetch_snapshot(session, code)
    new = groups.spec_snapshot(org, index)
    moves = match_moves(
        (path for path in old.groups if path not in new.groups),
        (path for path in new.groups if path not in old.groups),
    )
    group_report = group_changes(old, new, moves)
    groups.write_groups(session, groups.diff_groups(old.groups, new.groups, moves))
    alive = set(new.groups)
    kpi_diff = diff_rows(groups.follow_moves(old.kpis, moves, alive), new.kpis)
    dependency_diff = diff_rows(
        groups.follow_moves(old.dependencies, moves, alive), new.dependencies
    )
    membership_diff = diff_keys(
        groups.follow_moves_keys(old.memberships, moves, alive),
        new.memberships,
        groups.MEMBERSHIP_KEY,
    )
    groups.write_children(session, kpi_diff, dependency_diff, membership_diff)

    old_people, new_people = people.fetch_people(session, code), people.spec_people(org)
    people_diff = diff_rows(old_people, new_people, compare=("digest",))
    people.write_people(session, people_diff)

    old_roles, new_roles = roles.fetch_roles(session, code), roles.spec_roles(org)
    roles_diff = diff_rows(old_roles, new_roles, compare=("digest",))
    roles.write_roles(session, roles_diff)

    old_catalog = catalog.fetch_catalog(session, code)
    new_catalog = catalog.spec_catalog(org, index)
    catalog_diff = diff_rows(old_catalog, new_catalog, compare=("digest",), carry=("id",))
    catalog.write_catalog(session, catalog_diff)

    series_diff = kpi_series.sync_series(session, code, kpi_series.spec_series(code, index), moves)

    old_findings = findings.fetch_finding_rows(session, code)
    new_findings = findings.finding_rows(code, spec_findings)
    finding_counts = None
    if old_findings != new_findings:
        findings.replace_findings(session, code, new_findings)
        finding_counts = FindingCounts(_severities(old_findings), _severities(new_findings))

    report = ChangeReport(
        org=code,
        created=created,
        org_fields=org_fields,
        groups_added=group_report.added,
        groups_removed=group_report.removed,
        groups_moved=group_report.moved,
        groups_renamed=group_report.renamed,
        leads_changed=group_report.leads,
        groups_changed=group_report.changed,
        groups_reordered=group_report.reordered,
        owners_changed=owner_changes(old_catalog, new_catalog),
        people=Counts.of(people_diff),
        roles=Counts.of(roles_diff),
        catalog=Counts.of(catalog_diff),
        kpis=Counts.of(series_diff),
        findings=finding_counts,
    )
    if report.is_empty or dry_run:
        return report, None

    if not created:
        changed_org = {name: wanted_org[name] for name in org_fields}
        orgs.update_org(session, code, changed_org, now=now)
    before = (
        None if created else _counts(old.groups, old_people, old_roles, old_catalog, old_findings)
    )
    after = _counts(new.groups, new_people, new_roles, new_catalog, new_findings)
    changes = report.to_json()
    apply_id = record_apply(
        session, org_code=code, actor=actor, at=now, changes=changes, counts=after
    )
    audit.append_audit(
        session,
        at=now,
        actor=actor,
        action=APPLY_ACTION,
        target=f"org:{code}",
        before=before,
        after={**after, "apply_id": apply_id, "changes": changes},
    )
    return report, apply_id


def _counts(
    group_rows: dict[str, Row],
    person_rows: dict[str, Row],
    role_rows: dict[str, Row],
    catalog_rows: dict[str, Row],
    finding_rows: list[Row],
) -> dict[str, Any]:
    """The size of an org's snapshot, for the history and the audit log."""
    return {
        "groups": len(group_rows),
        "people": len(person_rows),
        "roles": len(role_rows),
        "catalog": len(catalog_rows),
        "findings": _severities(finding_rows),
    }
