"""The validator findings of each org's last apply. Imports ``rules``, ``model``,
``store.tables`` and ``store.sync``.

Findings are stored as a list: when the new list differs from the stored one in any
way, the org's findings are replaced; when it does not, nothing is written.
Repositories never commit.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from orgplane.model import Location
from orgplane.rules import Finding, Severity
from orgplane.store.sync import Row, fetch_rows, table_of
from orgplane.store.tables import FindingRow

__all__ = [
    "fetch_finding_rows",
    "finding_rows",
    "list_findings",
    "page_findings",
    "replace_findings",
]


def finding_rows(org_code: str, findings: Sequence[Finding]) -> list[Row]:
    """The rows ``findings`` become, in their order."""
    rows = []
    for position, finding in enumerate(findings):
        location = finding.location
        rows.append(
            {
                "org_code": org_code,
                "position": position,
                "code": finding.code,
                "severity": finding.severity.value,
                "message": finding.message,
                "file": location.file if location else None,
                "line": location.line if location else None,
                "col": location.col if location else None,
                "hint": finding.hint,
                "subject": finding.subject,
            }
        )
    return rows


def fetch_finding_rows(session: Session, org_code: str) -> list[Row]:
    rows = fetch_rows(session, FindingRow, org_code, ("position",))
    return [rows[position] for position in sorted(rows)]


def replace_findings(session: Session, org_code: str, rows: list[Row]) -> None:
    table = table_of(FindingRow)
    session.execute(delete(table).where(table.c.org_code == org_code))
    if rows:
        session.execute(insert(table), rows)


def list_findings(session: Session, org_code: str, *, subject: str | None = None) -> list[Finding]:
    """The stored findings of ``org_code`` (about one group: ``subject``), in order."""
    statement = select(FindingRow).where(FindingRow.org_code == org_code)
    if subject is not None:
        statement = statement.where(FindingRow.subject == subject)
    return [_finding(row) for row in session.scalars(statement.order_by(FindingRow.position))]


def page_findings(
    session: Session,
    org_code: str,
    *,
    subject: str | None = None,
    severity: str | None = None,
    after: int | None = None,
    limit: int = 50,
) -> list[tuple[int, Finding]]:
    """Up to ``limit`` findings of ``org_code`` in order, each with its position, after
    the position ``after``: only those about ``subject`` and of ``severity``."""
    statement = select(FindingRow).where(FindingRow.org_code == org_code)
    if subject is not None:
        statement = statement.where(FindingRow.subject == subject)
    if severity is not None:
        statement = statement.where(FindingRow.severity == severity)
    if after is not None:
        statement = statement.where(FindingRow.position > after)
    rows = session.scalars(statement.order_by(FindingRow.position).limit(limit))
    return [(row.position, _finding(row)) for row in rows]


def _finding(row: FindingRow) -> Finding:
    location = (
        Location(row.file, row.line, row.col)
        if row.file is not None and row.line is not None and row.col is not None
        else None
    )
    return Finding(row.code, Severity(row.severity), row.message, location, row.hint, row.subject)
