"""The tables of on-call at runtime: overrides, pages, their timelines, timers and
notifications.

Imports SQLAlchemy and ``store.table_base``. A page is the record of one escalation; its
timers (``timers``) and its notification intents (``notifications``) change in the same
transaction as the page, so an acknowledgement cancels what is pending atomically.
``version`` columns fence writes: a worker writes on a timer's behalf only while the
timer still has the version it claimed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from orgplane.store.table_base import Base, RowId, org_ref

__all__ = [
    "NOTIFICATION_STATES",
    "PAGE_STATES",
    "TIMER_STATES",
    "NotificationRow",
    "OverrideRow",
    "PageEventRow",
    "PageRow",
    "TimerRow",
]

PAGE_STATES = ("triggered", "acknowledged", "resolved")
TIMER_STATES = ("pending", "done", "cancelled")
NOTIFICATION_STATES = ("pending", "sending", "sent", "failed", "cancelled")


def _one_of(column: str, values: tuple[str, ...]) -> CheckConstraint:
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=column)


class OverrideRow(Base):
    """Someone on call for a rotation for a while, set at runtime (not in the spec)."""

    __tablename__ = "oncall_overrides"
    __table_args__ = (Index(None, "org_code", "rotation_id", "end_at"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    org_code: Mapped[str] = mapped_column(String(64), org_ref())
    rotation_id: Mapped[str] = mapped_column(String(128))
    person_id: Mapped[str] = mapped_column(String(128))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None]
    cancelled_by: Mapped[str | None] = mapped_column(Text)


class PageRow(Base):
    """One escalation: what it is about, its ladder, and where it stands."""

    __tablename__ = "pages"
    __table_args__ = (
        Index(None, "org_code", "opened_at"),
        Index(None, "status"),
        _one_of("status", PAGE_STATES),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_code: Mapped[str] = mapped_column(String(64), org_ref())
    summary: Mapped[str] = mapped_column(Text)
    #: What was paged, as given (a group, rotation, catalog entry or person).
    target: Mapped[str] = mapped_column(Text)
    #: The catalog entry the page is about, if any: its owner is the "component owner".
    component: Mapped[str | None] = mapped_column(String(128))
    #: The rotation whose people a role on the ladder is first looked for among.
    rotation_id: Mapped[str | None] = mapped_column(String(128))
    #: The ladder as it was when the page opened (``oncall.escalation.Ladder.to_json``).
    ladder: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int]
    opened_at: Mapped[datetime]
    opened_by: Mapped[str] = mapped_column(Text)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(Text)
    #: Set when the last rung of the last round has fired.
    ladder_done_at: Mapped[datetime | None]


class PageEventRow(Base):
    """One line of a page's timeline: who did or said what, when."""

    __tablename__ = "page_events"
    __table_args__ = (Index(None, "page_id", "id"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    page_id: Mapped[str] = mapped_column(String(36), ForeignKey("pages.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]]


class TimerRow(Base):
    """Something due at ``due_at``: a rung of a page's ladder, or a notification to send.

    A worker claims a due timer by taking its lease (``lease_owner`` until
    ``lease_until``) and bumping ``version``; what it then writes is fenced by that
    version. A timer whose lease ran out is due again.
    """

    __tablename__ = "timers"
    __table_args__ = (
        Index(None, "status", "due_at"),
        Index(None, "ref"),
        _one_of("status", TIMER_STATES),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    #: The page (a rung) or the notification (a send) the timer is for.
    ref: Mapped[str] = mapped_column(String(36))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int]
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    data: Mapped[dict[str, Any]]
    fired_at: Mapped[datetime | None]


class NotificationRow(Base):
    """An intent to tell one person about a page through one contact method.

    Its id is the idempotency key a provider sees. ``sending`` is committed before the
    provider is called and ``sent`` after; one found ``sending`` by another worker may
    have been delivered, and is sent again marked ``possible_repeat``.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index(None, "page_id", "status"),
        _one_of("status", NOTIFICATION_STATES),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    page_id: Mapped[str] = mapped_column(String(36), ForeignKey("pages.id", ondelete="CASCADE"))
    person_id: Mapped[str] = mapped_column(String(128))
    #: Which rung and round of the ladder paged them.
    rung: Mapped[int]
    round: Mapped[int]
    #: Which of the person's contact methods (in their order) this one is.
    method_index: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int]
    possible_repeat: Mapped[bool]
    created_at: Mapped[datetime]
    sending_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
