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

from orgplane.errors import ConflictError, NotFoundError, SignedLinkError, UsageError
from orgplane.oncall.directory import Directory
from orgplane.oncall.escalation import Ladder
from orgplane.store import audit, begin_write, orgs, pages, timers
from orgplane.store.org_model import org_model, snapshot_version
from orgplane.store.pages import EventView, NotificationView, PageView

__all__ = [
    "ACK_LINK_LIFETIME",
    "Closed",
    "DirectoryCache",
    "PageDetail",
    "ack_token",
    "acknowledge_page",
    "check_ack_token",
    "default_org",
    "get_page_detail",
    "list_org_pages",
    "open_page",
    "org_for",
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
class Closed:
    """A page after an acknowledgement or resolution; ``changed`` is ``False`` when it
    had been acknowledged already (the first acknowledgement stands)."""

    page: PageView
    changed: bool


@dataclass(frozen=True, slots=True)
class PageDetail:
    page: PageView
    events: list[EventView]
    notifications: list[NotificationView]


def default_org(session: Session, org_code: str | None) -> str:
    """``org_code`` if the database has it, else its only org."""
    codes = [org.code for org in orgs.list_orgs(session)]
    if org_code is not None:
        if org_code not in codes:
            raise NotFoundError(f"no org {org_code!r} in the database")
        return org_code
    if len(codes) == 1:
        return codes[0]
    if not codes:
        raise NotFoundError("the database holds no org yet: apply a spec first")
    raise UsageError(f"the database holds several orgs ({', '.join(codes)}): name one with --org")


def org_for(
    session: Session, *, org_code: str | None, target: str, directories: DirectoryCache
) -> str:
    """The org a page of ``target`` is for: ``org_code``, else the only org, else the
    one org that knows ``target``."""
    codes = [org.code for org in orgs.list_orgs(session)]
    if org_code is not None:
        if org_code not in codes:
            raise NotFoundError(f"no org {org_code!r} in the database")
        return org_code
    if not codes:
        raise NotFoundError("the database holds no org yet: apply a spec first")
    if len(codes) == 1:
        return codes[0]
    knowing = []
    for code in codes:
        try:
            directories.get(session, code).page_target(target)
        except NotFoundError:
            continue
        knowing.append(code)
    if len(knowing) == 1:
        return knowing[0]
    where = ", ".join(knowing or codes)
    raise UsageError(f"{target!r} may be paged in several orgs ({where}): name one with --org")


def describe_ladder(ladder: Ladder) -> str:
    rungs = "; ".join(
        f"{rung.after_minutes} min: {', '.join(rung.targets)}" for rung in ladder.rungs
    )
    repeat = f", repeated {ladder.repeat}×" if ladder.repeat else ""
    return f"{rungs}{repeat}"


def open_page(
    *,
    session: Session,
    org_code: str | None,
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
        directories = directories or DirectoryCache()
        org_code = org_for(session, org_code=org_code, target=target, directories=directories)
        directory = directories.get(session, org_code)
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
) -> Closed:
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
            return Closed(page, changed=False)
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
        return Closed(closed, changed=True)
    except BaseException:
        session.rollback()
        raise


def acknowledge_page(
    *, session: Session, page_id: str, actor: str, now: datetime, via: str = "cli"
) -> Closed:
    """Acknowledge the page: its ladder stops, nothing more is sent. Acknowledging
    again changes nothing; a resolved page cannot be (``ConflictError``)."""
    return _close(
        session=session, page_id=page_id, actor=actor, now=now, via=via, to="acknowledged"
    )


def resolve_page(
    *, session: Session, page_id: str, actor: str, now: datetime, via: str = "cli"
) -> Closed:
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


def _signed(secret: str, page_id: str, person: str, stamp: int) -> str:
    message = f"{page_id}\n{person}\n{stamp}".encode()
    signature = hmac.new(secret.encode(), message, hashlib.sha256).digest()[:20]
    return f"{_b64(person.encode())}.{stamp}.{_b64(signature)}"


def ack_token(*, secret: str, page_id: str, person: str, expires: datetime) -> str:
    """A token that lets ``person`` acknowledge ``page_id`` until ``expires``."""
    return _signed(secret, page_id, person, int(expires.timestamp()))


def check_ack_token(*, secret: str, page_id: str, token: str, now: datetime) -> str:
    """The person a valid token is for; ``SignedLinkError`` (an ``AuthenticationError``)
    when it is malformed, forged or expired, with that ``reason``."""
    try:
        person_part, stamp_text, _signature = token.split(".")
        person = base64.urlsafe_b64decode(person_part + "=" * (-len(person_part) % 4)).decode()
        stamp = int(stamp_text)
    except (ValueError, UnicodeDecodeError):
        raise SignedLinkError(
            "this acknowledgement link is malformed", reason="malformed"
        ) from None
    # Compared as bytes: a link is text from anywhere, and compare_digest refuses
    # strings with non-ASCII characters.
    expected = _signed(secret, page_id, person, stamp)
    if not hmac.compare_digest(expected.encode(), token.encode()):
        raise SignedLinkError(
            "this acknowledgement link is not valid for this page", reason="forged"
        )
    if now.timestamp() > stamp:
        raise SignedLinkError(
            "this acknowledgement link has expired; acknowledge with the CLI or the API, "
            "or with the link in the newest notification",
            reason="expired",
        )
    return person
