"""Pages: open one (an escalation starts), acknowledge it, resolve it, read it.

Imports ``store``, ``oncall``, ``model`` and ``errors``. Opening a page writes the page,
its first timeline line, its first timer and an audit entry in one transaction; the
engine (``services.engine``) does the rest. Acknowledging or resolving cancels, in the
same transaction, every timer and every notification not yet being sent: once it
commits, nothing more goes out for the page. Acknowledgement links in notifications are
signed (``ack_token``) with the installation's secret, per page and person, and expire.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from orgplane.errors import AuthenticationError, ConflictError, NotFoundError, UsageError
from orgplane.oncall.directory import Directory
from orgplane.oncall.escalation import Ladder
from orgplane.store import audit, begin_write, pages, timers
from orgplane.store.org_model import org_model, snapshot_version
from orgplane.store.pages import EventView, NotificationView, PageView

__all__ = [
    "ACK_LINK_LIFETIME",
    "DirectoryCache",
    "PageDetail",
    "ack_token",
    "acknowledge_page",
    "check_ack_token",
    "get_page_detail",
    "list_org_pages",
    "open_page",
    "resolve_page",
]

#: How long a notification's acknowledgement link works.
ACK_LINK_LIFETIME = timedelta(days=2)
_SUMMARY_LIMIT = 500


class DirectoryCache:
    """Each org's ``Directory``, rebuilt when an apply changed the org."""

    def __init__(self) -> None:
        self._kept: dict[str, tuple[int, Directory]] = {}

    def get(self, session: Session, org_code: str) -> Directory:
        version = snapshot_version(session, org_code)
        if version is None:
            raise NotFoundError(f"no org {org_code!r} in the database (apply its spec first)")
        kept = self._kept.get(org_code)
        if kept is not None and kept[0] == version:
            return kept[1]
        org = org_model(session, org_code)
        if org is None:
            raise NotFoundError(f"no org {org_code!r} in the database (apply its spec first)")
        directory = Directory(org)
        self._kept[org_code] = (version, directory)
        return directory


@dataclass(frozen=True, slots=True)
class PageDetail:
    page: PageView
    events: list[EventView]
    notifications: list[NotificationView]


def describe_ladder(ladder: Ladder) -> str:
    rungs = "; ".join(
        f"{rung.after_minutes} min: {', '.join(rung.targets)}" for rung in ladder.rungs
    )
    repeat = f", repeated {ladder.repeat}×" if ladder.repeat else ""
    return f"{rungs}{repeat}"


def open_page(
    *,
    session: Session,
    org_code: str,
    target: str,
    summary: str,
    component: str | None = None,
    actor: str,
    now: datetime,
    directories: DirectoryCache | None = None,
) -> PageView:
    """Start escalating ``summary`` to ``target`` (a rotation, group, catalog entry or
    person) by its escalation policy; ``component`` names the catalog entry it is about."""
    summary = " ".join(summary.split())
    if not summary:
        raise UsageError("a page needs a summary: say what is wrong")
    if len(summary) > _SUMMARY_LIMIT:
        raise UsageError(f"the summary is {len(summary)} characters; at most {_SUMMARY_LIMIT}")
    try:
        begin_write(session)
        directory = (directories or DirectoryCache()).get(session, org_code)
        found = directory.page_target(target, component=component)
        page_id = str(uuid.uuid4())
        ladder = found.ladder
        pages.insert_page(
            session,
            page_id=page_id,
            org_code=org_code,
            summary=summary,
            target=target,
            component=found.component,
            rotation_id=found.rotation_id,
            ladder=ladder.to_json(),
            opened_at=now,
            opened_by=actor,
        )
        pages.add_event(
            session,
            page_id,
            at=now,
            kind="opened",
            actor=actor,
            text=f"Paged {target}: {summary}. Escalates by {found.how}: {describe_ladder(ladder)}.",
            data={"how": found.how},
        )
        timers.schedule(
            session,
            kind="rung",
            ref=page_id,
            due_at=now + timedelta(minutes=ladder.due_minutes(0, 0)),
            data={"rung": 0, "round": 0},
        )
        audit.append_audit(
            session,
            at=now,
            actor=actor,
            action="page.open",
            target=f"page:{page_id}",
            after={"org": org_code, "target": target, "summary": summary, "how": found.how},
        )
        page = pages.get_page(session, page_id)
        assert page is not None
        session.commit()
        return page
    except BaseException:
        session.rollback()
        raise


def _close(
    *,
    session: Session,
    page_id: str,
    actor: str,
    now: datetime,
    via: str,
    to: str,
) -> PageView:
    try:
        begin_write(session)
        page = pages.lock_page(session, page_id)
        if page is None:
            raise NotFoundError(f"no page {page_id!r}")
        if page.status == "resolved":
            raise ConflictError(
                f"page {page_id} was already resolved by {page.resolved_by} at "
                f"{page.resolved_at:%Y-%m-%d %H:%M:%S} UTC"
            )
        if page.status == to:  # acknowledged twice: the first one stands
            session.rollback()
            return page
        values: dict[str, object] = {"status": to, f"{to}_at": now, f"{to}_by": actor}
        if to == "resolved" and page.acknowledged_at is None:
            values.update(acknowledged_at=now, acknowledged_by=actor)
        if not pages.set_page_status(session, page_id, expect=[page.status], values=values):
            raise ConflictError(f"page {page_id} changed meanwhile; try again")
        cancelled = pages.cancel_pending_notifications(session, page_id)
        stopped = timers.cancel_timers(session, [page_id, *cancelled])
        verb = "Acknowledged" if to == "acknowledged" else "Resolved"
        pages.add_event(
            session,
            page_id,
            at=now,
            kind=to,
            actor=actor,
            text=f"{verb} by {actor} ({via}); {stopped} pending step(s) and "
            f"notification(s) stopped.",
            data={"via": via, "stopped": stopped},
        )
        audit.append_audit(
            session,
            at=now,
            actor=actor,
            action=f"page.{'ack' if to == 'acknowledged' else 'resolve'}",
            target=f"page:{page_id}",
            before={"status": page.status},
            after={"status": to, "via": via},
        )
        closed = pages.get_page(session, page_id)
        assert closed is not None
        session.commit()
        return closed
    except BaseException:
        session.rollback()
        raise


def acknowledge_page(
    *, session: Session, page_id: str, actor: str, now: datetime, via: str = "cli"
) -> PageView:
    """Acknowledge the page: its ladder stops, nothing more is sent. Acknowledging
    again changes nothing; a resolved page cannot be (``ConflictError``)."""
    return _close(
        session=session, page_id=page_id, actor=actor, now=now, via=via, to="acknowledged"
    )


def resolve_page(
    *, session: Session, page_id: str, actor: str, now: datetime, via: str = "cli"
) -> PageView:
    """Resolve the page (acknowledging it, if nobody had)."""
    return _close(session=session, page_id=page_id, actor=actor, now=now, via=via, to="resolved")


def find_page_id(session: Session, given: str) -> str:
    """The id of the page ``given`` names: its full id or a unique prefix (≥ 6 characters)."""
    given = given.strip().lower()
    if pages.get_page(session, given) is not None:
        return given
    if len(given) >= 6:
        found = pages.pages_with_prefix(session, given)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise UsageError(f"{given!r} names {len(found)} pages: give more of the id")
    raise NotFoundError(f"no page {given!r}")


def get_page_detail(*, session: Session, page_id: str) -> PageDetail:
    try:
        page = pages.get_page(session, find_page_id(session, page_id))
        if page is None:
            raise NotFoundError(f"no page {page_id!r}")
        return PageDetail(
            page, pages.events_of(session, page.id), pages.notifications_of(session, page.id)
        )
    finally:
        session.rollback()


def list_org_pages(
    *,
    session: Session,
    org_code: str,
    status: list[str] | None = None,
    limit: int = 50,
    before: tuple[datetime, str] | None = None,
) -> list[PageView]:
    try:
        return pages.list_pages(session, org_code, status=status, limit=limit, before=before)
    finally:
        session.rollback()


# -- signed acknowledgement links -------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def ack_token(*, secret: str, page_id: str, person: str, expires: datetime) -> str:
    """A token that lets ``person`` acknowledge ``page_id`` until ``expires``."""
    stamp = int(expires.timestamp())
    message = f"{page_id}\n{person}\n{stamp}".encode()
    signature = hmac.new(secret.encode(), message, hashlib.sha256).digest()[:20]
    return f"{_b64(person.encode())}.{stamp}.{_b64(signature)}"


def check_ack_token(*, secret: str, page_id: str, token: str, now: datetime) -> str:
    """The person a valid token is for; ``AuthenticationError`` when it is forged,
    malformed or expired."""
    try:
        person_part, stamp_text, _signature = token.split(".")
        person = base64.urlsafe_b64decode(person_part + "=" * (-len(person_part) % 4)).decode()
        stamp = int(stamp_text)
    except (ValueError, UnicodeDecodeError):
        raise AuthenticationError("this acknowledgement link is malformed") from None
    expected = ack_token(
        secret=secret,
        page_id=page_id,
        person=person,
        expires=datetime.fromtimestamp(stamp, tz=now.tzinfo),
    )
    if not hmac.compare_digest(expected, token):
        raise AuthenticationError("this acknowledgement link is not valid for this page")
    if now.timestamp() > stamp:
        raise AuthenticationError("this acknowledgement link has expired; open the page instead")
    return person
