"""Notifications: the intents the engine writes, and sending them in three phases.

Imports ``store``, ``integrations``, ``oncall`` and ``services.pages``. The engine
(``services.engine``) fires the ``notify`` timers it claimed as one batch:

1. one transaction locks the batch's pages, keeps the claims (``extend_leases``), and
   commits each notification as ``sending`` — or as ``cancelled`` when its page was
   acknowledged or resolved meanwhile (the lock makes that either-or);
2. the providers are called outside any transaction, with the notification's id as the
   idempotency key, side by side (a slow webhook does not hold the others back);
3. one transaction writes what came of each: ``sent``; a retry with backoff (longer if
   the receiver asked, by ``Retry-After``, up to a minute); or ``failed`` and the
   person's next contact method. Only for the claims that still hold.

A notification found ``sending`` (its worker died between phases one and three) is sent
again, marked "possible repeat": a duplicate beats a missed page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from orgplane.integrations.channels import Channels, DeliveryError, Notice
from orgplane.model import ContactMethod, Person
from orgplane.oncall.directory import Directory
from orgplane.oncall.escalation import Ladder
from orgplane.services.pages import ACK_LINK_LIFETIME, DirectoryCache, ack_token
from orgplane.store import begin_write, notifications, pages, timers
from orgplane.store.pages import NotificationView, PageView
from orgplane.store.timers import ClaimedTimer

__all__ = ["MAX_RETRY_AFTER", "EngineStats", "Notifier", "Writes", "contact_methods"]

#: The longest a receiver's ``Retry-After`` holds back the next attempt.
MAX_RETRY_AFTER = timedelta(seconds=60)


@dataclass
class EngineStats:
    """What an engine has done since it started (for /metrics and the auditor)."""

    fired: int = 0
    sent: int = 0
    failed_attempts: int = 0
    lost_claims: int = 0
    #: |fired − due| of the last timers, in seconds (a bounded window).
    lateness: list[float] = field(default_factory=list)

    def note_lateness(self, seconds: float) -> None:
        self.lateness.append(seconds)
        if len(self.lateness) > 10_000:
            del self.lateness[:5_000]


def contact_methods(person: Person) -> list[ContactMethod]:
    """How to reach ``person``, in order: their contact methods, else their e-mail."""
    if person.contacts:
        return list(person.contacts)
    if person.email:
        return [ContactMethod.model_validate({"kind": "email", "to": person.email})]
    return []


@dataclass
class Writes:
    """What firing a batch of timers writes, gathered and then written in one statement
    per table (``flush``): notifications, their timers, and timeline lines in order."""

    now: datetime
    notifications: list[tuple[str, str, str, int, int, int, str, str]] = field(default_factory=list)
    timers: list[tuple[str, str, datetime, dict[str, Any]]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def event(self, page_id: str, kind: str, text: str, data: dict[str, Any] | None = None) -> None:
        self.events.append(
            {
                "page_id": page_id,
                "at": self.now,
                "kind": kind,
                "actor": "engine",
                "text": text,
                "data": data or {},
            }
        )

    def intend(
        self,
        directory: Directory,
        page_id: str,
        person_id: str,
        rung: int,
        round_: int,
        method_index: int = 0,
    ) -> str:
        """The notification of ``person_id``'s contact method ``method_index``, due at
        once; a problem to put on the timeline when there is none to write."""
        person = directory.people.get(person_id)
        methods = contact_methods(person) if person is not None else []
        if method_index >= len(methods):
            if method_index == 0:
                return f"{person_id} has no contact method: nobody was told"
            return f"every contact method of {person_id} failed"
        method = methods[method_index]
        notification_id = str(uuid.uuid4())
        self.notifications.append(
            (
                notification_id,
                page_id,
                person_id,
                rung,
                round_,
                method_index,
                method.kind.value,
                method.to,
            )
        )
        self.timers.append(("notify", notification_id, self.now, {}))
        return ""

    def flush(self, session: Session) -> None:
        notifications.add_notifications(session, self.notifications, created_at=self.now)
        timers.schedule_many(session, self.timers)
        pages.add_events(session, self.events)


@dataclass(frozen=True, slots=True)
class _Sending:
    timer: ClaimedTimer
    note: NotificationView
    page: PageView
    notice: Notice


@dataclass
class Notifier:
    """Sends the notifications of claimed ``notify`` timers (see the module docstring)."""

    channels: Channels
    secret: str
    public_url: str
    clock: Callable[[], datetime]
    lease: timedelta
    max_attempts: int
    backoff: timedelta
    directories: DirectoryCache
    stats: EngineStats
    _pool: ThreadPoolExecutor | None = None

    def fire(self, session: Session, batch: list[ClaimedTimer]) -> None:
        sending = self._begin(session, batch)
        if not sending:
            return
        outcomes = self._send(sending)
        self._finish(session, sending, outcomes)

    # -- phase one --------------------------------------------------------------------

    def _begin(self, session: Session, batch: list[ClaimedTimer]) -> list[_Sending]:
        begin_write(session)
        notes = notifications.get_notifications(session, [timer.ref for timer in batch])
        locked = pages.lock_pages(session, [note.page_id for note in notes.values()])
        # The clock is read once the locks are held (waiting for them may take a while):
        # the lease extended here runs from the moment "sending" commits, not from before.
        now = self.clock()
        held = timers.extend_leases(session, batch, until=now + self.lease)
        self.stats.lost_claims += len(batch) - len(held)
        changes: list[tuple[str, str, dict[str, Any]]] = []
        done: list[ClaimedTimer] = []
        sending: list[_Sending] = []
        directories: dict[str, Directory] = {}
        for timer in batch:
            if timer.id not in held:
                continue
            note = notes.get(timer.ref)
            page = locked.get(note.page_id) if note is not None else None
            if note is None or page is None:
                done.append(timer)
                continue
            if note.status in ("sent", "failed", "cancelled") or page.status != "triggered":
                if note.status in ("pending", "sending"):
                    why = f"the page was {page.status}"
                    changes.append(
                        (note.id, note.status, {"status": "cancelled", "last_error": why})
                    )
                done.append(timer)
                continue
            repeat = note.possible_repeat or note.status == "sending"
            values = {"status": "sending", "sending_at": now, "attempts": note.attempts + 1}
            changes.append((note.id, note.status, {**values, "possible_repeat": repeat}))
            note = replace(note, **values, possible_repeat=repeat)  # type: ignore[arg-type]
            if page.org_code not in directories:  # one look at the org's version a batch
                directories[page.org_code] = self.directories.get(session, page.org_code)
            person = directories[page.org_code].people.get(note.person_id)
            notice = self._notice(page, note, person.name if person else note.person_id)
            sending.append(_Sending(timer, note, page, notice))
        notifications.update_notifications(session, changes)
        timers.finish_many(session, done, now=now)
        session.commit()
        return sending

    def _notice(self, page: PageView, note: NotificationView, person_name: str) -> Notice:
        expires = self.clock() + ACK_LINK_LIFETIME
        token = ack_token(
            secret=self.secret, page_id=page.id, person=note.person_id, expires=expires
        )
        ladder = Ladder.from_json(page.ladder)
        step = f"Step {note.rung + 1} of {len(ladder.rungs)} of {ladder.name}"
        return Notice(
            key=note.id,
            org=page.org_code,
            page_id=page.id,
            summary=page.summary,
            status=page.status,
            person=note.person_id,
            person_name=person_name,
            step=step,
            ack_url=f"{self.public_url}/pages/{page.id}/ack?token={token}",
            page_url=f"{self.public_url}/orgs/{page.org_code}/pages/{page.id}",
            possible_repeat=note.possible_repeat,
        )

    # -- phase two ----------------------------------------------------------------------

    def _send_one(self, item: _Sending) -> DeliveryError | None:
        try:
            self.channels.send(item.note.kind, item.notice, item.note.address)
        except DeliveryError as error:
            return error
        return None

    def _send(self, sending: list[_Sending]) -> list[DeliveryError | None]:
        if len(sending) == 1:
            return [self._send_one(sending[0])]
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="orgplane-send")
        return list(self._pool.map(self._send_one, sending))

    # -- phase three --------------------------------------------------------------------

    def _finish(
        self, session: Session, sending: list[_Sending], outcomes: list[DeliveryError | None]
    ) -> None:
        now = self.clock()
        begin_write(session)
        retried = {
            item.timer.id
            for item, error in zip(sending, outcomes, strict=True)
            if error is not None and error.retryable and item.note.attempts < self.max_attempts
        }
        settled = [item.timer for item in sending if item.timer.id not in retried]
        held = timers.finish_many(session, settled, now=now)
        writes = Writes(now)
        changes: list[tuple[str, str, dict[str, Any]]] = []
        for item, error in zip(sending, outcomes, strict=True):
            note, page = item.note, item.page
            how = f"{note.person_id} by {note.kind}" + (
                " (possible repeat)" if note.possible_repeat else ""
            )
            if error is not None:
                self.stats.failed_attempts += 1
            if item.timer.id in retried:
                delay = self.backoff * (2 ** (note.attempts - 1))
                if error is not None and error.retry_after is not None:
                    # The receiver's own wait (a 429's Retry-After), within reason: a page
                    # is urgent, and the person's next method waits for this one.
                    asked = timedelta(seconds=error.retry_after)
                    delay = max(delay, min(asked, MAX_RETRY_AFTER))
                if not timers.postpone(session, item.timer, due_at=now + delay):
                    self.stats.lost_claims += 1
                    continue
                changes.append((note.id, "sending", {"status": "pending", **_failure(note, error)}))
                writes.event(
                    page.id,
                    "delivery-retry",
                    f"Notifying {how} failed (attempt {note.attempts}): {error}; "
                    f"trying again in {delay.total_seconds():g} s.",
                    {"notification": note.id},
                )
                continue
            if item.timer.id not in held:
                self.stats.lost_claims += 1
                continue
            if error is None:
                self.stats.sent += 1
                changes.append((note.id, "sending", {"status": "sent", "sent_at": now}))
                writes.event(
                    page.id,
                    "notified",
                    f"Notified {how}.",
                    {"notification": note.id, "possible_repeat": note.possible_repeat},
                )
                continue
            changes.append((note.id, "sending", {"status": "failed", **_failure(note, error)}))
            writes.event(
                page.id,
                "delivery-failed",
                f"Notifying {how} failed after {note.attempts} attempt(s): {error}.",
                {"notification": note.id},
            )
            directory = self.directories.get(session, page.org_code)
            problem = writes.intend(
                directory,
                page.id,
                note.person_id,
                note.rung,
                note.round,
                method_index=note.method_index + 1,
            )
            if problem:
                writes.event(page.id, "undeliverable", problem, {"person": note.person_id})
        notifications.update_notifications(session, changes)
        writes.flush(session)
        session.commit()


def _failure(note: NotificationView, error: DeliveryError | None) -> dict[str, Any]:
    """What a failed attempt records: its error and, when the attempt went out and got
    no answer (so it may have arrived), that the next attempt may be a repeat."""
    maybe = error is not None and error.maybe_delivered
    return {"last_error": str(error), "possible_repeat": note.possible_repeat or maybe}
