"""Pages, their timelines and their notification intents.

Imports SQLAlchemy and the store's tables; never commits. State changes of a page are
compare-and-set on its ``status`` (and ``version``), so two people acknowledging at once
make one acknowledgement, and a worker never pages for a page acknowledged meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from orgplane.store.paging_tables import NotificationRow, PageEventRow, PageRow
from orgplane.store.sync import table_of

__all__ = [
    "EventView",
    "NotificationView",
    "PageView",
    "add_event",
    "add_events",
    "add_notification",
    "cancel_pending_notifications",
    "count_pages",
    "events_of",
    "get_notification",
    "get_page",
    "insert_page",
    "list_pages",
    "lock_page",
    "lock_pages",
    "notifications_of",
    "pages_with_prefix",
    "set_notification",
    "set_page_status",
]


@dataclass(frozen=True, slots=True)
class PageView:
    id: str
    org_code: str
    summary: str
    target: str
    component: str | None
    rotation_id: str | None
    ladder: dict[str, Any]
    status: str
    version: int
    opened_at: datetime
    opened_by: str
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    ladder_done_at: datetime | None


@dataclass(frozen=True, slots=True)
class EventView:
    id: int
    at: datetime
    kind: str
    actor: str
    text: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class NotificationView:
    id: str
    page_id: str
    person_id: str
    rung: int
    round: int
    method_index: int
    kind: str
    address: str
    status: str
    attempts: int
    possible_repeat: bool
    created_at: datetime
    sending_at: datetime | None
    sent_at: datetime | None
    last_error: str | None


def _page(row: PageRow) -> PageView:
    return PageView(
        id=row.id,
        org_code=row.org_code,
        summary=row.summary,
        target=row.target,
        component=row.component,
        rotation_id=row.rotation_id,
        ladder=row.ladder,
        status=row.status,
        version=row.version,
        opened_at=row.opened_at,
        opened_by=row.opened_by,
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=row.acknowledged_by,
        resolved_at=row.resolved_at,
        resolved_by=row.resolved_by,
        ladder_done_at=row.ladder_done_at,
    )


def _notification(row: NotificationRow) -> NotificationView:
    return NotificationView(
        id=row.id,
        page_id=row.page_id,
        person_id=row.person_id,
        rung=row.rung,
        round=row.round,
        method_index=row.method_index,
        kind=row.kind,
        address=row.address,
        status=row.status,
        attempts=row.attempts,
        possible_repeat=row.possible_repeat,
        created_at=row.created_at,
        sending_at=row.sending_at,
        sent_at=row.sent_at,
        last_error=row.last_error,
    )


def insert_page(
    session: Session,
    *,
    page_id: str,
    org_code: str,
    summary: str,
    target: str,
    component: str | None,
    rotation_id: str | None,
    ladder: dict[str, Any],
    opened_at: datetime,
    opened_by: str,
) -> None:
    session.add(
        PageRow(
            id=page_id,
            org_code=org_code,
            summary=summary,
            target=target,
            component=component,
            rotation_id=rotation_id,
            ladder=ladder,
            status="triggered",
            version=0,
            opened_at=opened_at,
            opened_by=opened_by,
            acknowledged_at=None,
            acknowledged_by=None,
            resolved_at=None,
            resolved_by=None,
            ladder_done_at=None,
        )
    )
    session.flush()


def get_page(session: Session, page_id: str) -> PageView | None:
    row = session.get(PageRow, page_id)
    return None if row is None else _page(row)


def lock_page(session: Session, page_id: str) -> PageView | None:
    """The page, locked against concurrent state changes until the transaction ends
    (``FOR UPDATE`` on PostgreSQL; SQLite's writer already holds its one lock)."""
    statement = select(PageRow).where(PageRow.id == page_id).with_for_update()
    row = session.scalars(statement.execution_options(populate_existing=True)).first()
    return None if row is None else _page(row)


def lock_pages(session: Session, page_ids: Sequence[str]) -> dict[str, PageView]:
    """The pages, by id, each locked as ``lock_page`` locks one. Locked in the order of
    their ids, so two engines locking overlapping sets never wait for each other in a
    circle."""
    if not page_ids:
        return {}
    table = table_of(PageRow)
    statement = (
        select(table).where(table.c.id.in_(sorted(set(page_ids)))).order_by(table.c.id)
    ).with_for_update()
    return {row.id: PageView(**row._mapping) for row in session.execute(statement)}


def set_page_status(
    session: Session,
    page_id: str,
    *,
    expect: Sequence[str],
    values: dict[str, Any],
) -> bool:
    """Change the page only if its status is one of ``expect``; ``False`` otherwise."""
    result = session.execute(
        update(PageRow)
        .where(PageRow.id == page_id, PageRow.status.in_(expect))
        .values(version=PageRow.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def list_pages(
    session: Session,
    org_code: str,
    *,
    status: Sequence[str] | None = None,
    limit: int = 50,
    before: tuple[datetime, str] | None = None,
) -> list[PageView]:
    """Pages of the org, newest first; ``before`` continues after (opened_at, id)."""
    statement = select(PageRow).where(PageRow.org_code == org_code)
    if status:
        statement = statement.where(PageRow.status.in_(status))
    if before is not None:
        at, page_id = before
        statement = statement.where(
            (PageRow.opened_at < at) | ((PageRow.opened_at == at) & (PageRow.id < page_id))
        )
    statement = statement.order_by(PageRow.opened_at.desc(), PageRow.id.desc()).limit(limit)
    return [_page(row) for row in session.scalars(statement)]


def count_pages(session: Session, *, status: str) -> int:
    return int(session.scalar(select(func.count()).where(PageRow.status == status)) or 0)


def add_event(
    session: Session,
    page_id: str,
    *,
    at: datetime,
    kind: str,
    actor: str,
    text: str,
    data: dict[str, Any] | None = None,
) -> None:
    session.add(
        PageEventRow(page_id=page_id, at=at, kind=kind, actor=actor, text=text, data=data or {})
    )


def add_events(session: Session, events: Sequence[dict[str, Any]]) -> None:
    """Add timeline lines (``page_id``, ``at``, ``kind``, ``actor``, ``text``, ``data``)
    in one statement."""
    if events:
        session.execute(insert(table_of(PageEventRow)), list(events))


def events_of(session: Session, page_id: str) -> list[EventView]:
    rows = session.scalars(
        select(PageEventRow).where(PageEventRow.page_id == page_id).order_by(PageEventRow.id)
    )
    return [EventView(r.id, r.at, r.kind, r.actor, r.text, r.data) for r in rows]


def add_notification(
    session: Session,
    *,
    notification_id: str,
    page_id: str,
    person_id: str,
    rung: int,
    round_: int,
    method_index: int,
    kind: str,
    address: str,
    created_at: datetime,
) -> None:
    session.add(
        NotificationRow(
            id=notification_id,
            page_id=page_id,
            person_id=person_id,
            rung=rung,
            round=round_,
            method_index=method_index,
            kind=kind,
            address=address,
            status="pending",
            attempts=0,
            possible_repeat=False,
            created_at=created_at,
            sending_at=None,
            sent_at=None,
            last_error=None,
        )
    )


def get_notification(session: Session, notification_id: str) -> NotificationView | None:
    row = session.get(NotificationRow, notification_id, populate_existing=True)
    return None if row is None else _notification(row)


def notifications_of(session: Session, page_id: str) -> list[NotificationView]:
    rows = session.scalars(
        select(NotificationRow)
        .where(NotificationRow.page_id == page_id)
        # A person's next method is made when the one before failed: at the same
        # instant, on a coarse clock, so the method's place in the list breaks the tie.
        .order_by(NotificationRow.created_at, NotificationRow.method_index, NotificationRow.id)
    )
    return [_notification(row) for row in rows]


def set_notification(
    session: Session,
    notification_id: str,
    *,
    expect: Sequence[str],
    values: dict[str, Any],
) -> bool:
    """Change the notification only if its status is one of ``expect``."""
    result = session.execute(
        update(NotificationRow)
        .where(NotificationRow.id == notification_id, NotificationRow.status.in_(expect))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def cancel_pending_notifications(session: Session, page_id: str) -> list[str]:
    """Cancel the page's notifications not yet being sent; their ids."""
    ids = list(
        session.scalars(
            select(NotificationRow.id).where(
                NotificationRow.page_id == page_id, NotificationRow.status == "pending"
            )
        )
    )
    if ids:
        session.execute(
            update(NotificationRow)
            .where(NotificationRow.id.in_(ids), NotificationRow.status == "pending")
            .values(status="cancelled")
            .execution_options(synchronize_session=False)
        )
    return ids


def pages_with_prefix(session: Session, prefix: str, limit: int = 5) -> list[str]:
    """Ids of pages starting with ``prefix``."""
    statement = (
        select(PageRow.id).where(PageRow.id.startswith(prefix, autoescape=True)).limit(limit)
    )
    return list(session.scalars(statement))
