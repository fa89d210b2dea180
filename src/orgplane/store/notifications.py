"""Notification intents in batches: what the engine writes and reads for many
notifications at once, one statement each.

Imports SQLAlchemy and the store's tables; never commits. The one-at-a-time functions
(``add_notification``, ``set_notification``, ``notifications_of`` …) are in
``store.pages``, beside the pages they belong to. Every change here expects the status
the caller read under the page's lock, as ``set_notification`` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from orgplane.store.pages import NotificationView
from orgplane.store.paging_tables import NotificationRow
from orgplane.store.sync import table_of

__all__ = ["add_notifications", "get_notifications", "update_notifications"]

_TABLE = table_of(NotificationRow)


def add_notifications(
    session: Session,
    rows: Sequence[tuple[str, str, str, int, int, int, str, str]],
    *,
    created_at: datetime,
) -> None:
    """New pending notifications, each ``(id, page_id, person_id, rung, round,
    method_index, kind, address)``."""
    if not rows:
        return
    session.execute(
        insert(_TABLE),
        [
            {
                "id": nid,
                "page_id": page_id,
                "person_id": person_id,
                "rung": rung,
                "round": round_,
                "method_index": method_index,
                "kind": kind,
                "address": address,
                "status": "pending",
                "attempts": 0,
                "possible_repeat": False,
                "created_at": created_at,
                "sending_at": None,
                "sent_at": None,
                "last_error": None,
            }
            for nid, page_id, person_id, rung, round_, method_index, kind, address in rows
        ],
    )


def get_notifications(session: Session, ids: Sequence[str]) -> dict[str, NotificationView]:
    """The notifications of ``ids`` that exist, by id."""
    if not ids:
        return {}
    statement = select(_TABLE).where(_TABLE.c.id.in_(sorted(set(ids))))
    return {row.id: NotificationView(**row._mapping) for row in session.execute(statement)}


def update_notifications(
    session: Session, changes: Sequence[tuple[str, str, dict[str, Any]]]
) -> None:
    """Apply each ``(id, expected status, values)``; changes that set the same columns
    go in one statement."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for nid, expect, values in changes:
        groups.setdefault(tuple(sorted(values)), []).append(
            {"_id": nid, "_expect": expect, **{f"v_{k}": v for k, v in values.items()}}
        )
    for columns, rows in groups.items():
        statement = (
            update(_TABLE)
            .where(_TABLE.c.id == bindparam("_id"), _TABLE.c.status == bindparam("_expect"))
            .values({column: bindparam(f"v_{column}") for column in columns})
        )
        session.execute(statement, rows)
