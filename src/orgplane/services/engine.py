"""The escalation engine: claims due timers and does what they are for.

Imports ``store``, ``integrations``, ``oncall`` and ``settings``. Any number of engines
(threads of ``orgplane worker`` or ``orgplane serve``, on any number of machines sharing
one PostgreSQL) run side by side: a timer is claimed by one of them for a lease, and
whatever the engine writes on its behalf is fenced by the version it claimed.

Two kinds of timers:

- ``rung``: a rung of a page's ladder is due. If the page is still triggered, each of the
  rung's targets is resolved to people *now* (so an override set mid-ladder counts), a
  notification intent is written for each person's first contact method, with a
  ``notify`` timer due at once, and the next rung's timer is scheduled from the page's
  start (lateness never accumulates). After the last rung of the last round, the ladder
  is done and the timeline says nobody acknowledged.
- ``notify``: one notification is due. Phase one commits it as ``sending`` (the page is
  locked, so an acknowledgement either committed before, and nothing is sent, or waits
  for this); phase two calls the provider with the notification's id as idempotency
  key; phase three commits ``sent``, or a retry with backoff, or ``failed`` and the
  person's next contact method. A notification found ``sending`` (its worker died
  between phases one and three) is sent again, marked "possible repeat"; so is one
  whose last attempt went out and got no answer (``DeliveryError.maybe_delivered``).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from orgplane.integrations.channels import Channels, DeliveryError, Notice
from orgplane.model import ContactMethod, Person
from orgplane.oncall.directory import Directory
from orgplane.oncall.escalation import Ladder
from orgplane.services.oncall import runtime_overrides
from orgplane.services.pages import ACK_LINK_LIFETIME, DirectoryCache, ack_token
from orgplane.store import begin_write, pages, timers
from orgplane.store.pages import NotificationView, PageView
from orgplane.store.timers import ClaimedTimer

__all__ = ["Clock", "Engine", "EngineStats", "contact_methods"]

_log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def _wall_clock() -> datetime:
    return datetime.now(UTC)


def contact_methods(person: Person) -> list[ContactMethod]:
    """How to reach ``person``, in order: their contact methods, else their e-mail."""
    if person.contacts:
        return list(person.contacts)
    if person.email:
        return [ContactMethod.model_validate({"kind": "email", "to": person.email})]
    return []


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


class Engine:
    """One engine: ``run_due`` does what is due now; ``run`` loops until stopped."""

    def __init__(
        self,
        *,
        session_factory: Callable[[], Session],
        channels: Channels,
        secret: str,
        public_url: str,
        clock: Clock = _wall_clock,
        worker: str | None = None,
        lease: timedelta = timedelta(seconds=30),
        poll: float = 0.5,
        batch: int = 20,
        max_attempts: int = 3,
        backoff: timedelta = timedelta(seconds=1),
    ) -> None:
        self.session_factory = session_factory
        self.channels = channels
        self.secret = secret
        self.public_url = public_url.rstrip("/")
        self.clock = clock
        self.worker = worker or f"w-{uuid.uuid4().hex[:12]}"
        self.lease = lease
        self.poll = poll
        self.batch = batch
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.directories = DirectoryCache()
        self.stats = EngineStats()

    # -- the loop -----------------------------------------------------------------------

    def run_due(self) -> int:
        """Claim the timers due now and fire each; how many were claimed."""
        with self.session_factory() as session:
            claimed = timers.claim_due(
                session, worker=self.worker, now=self.clock(), lease=self.lease, limit=self.batch
            )
            for timer in claimed:
                try:
                    self._fire(session, timer)
                except Exception:
                    session.rollback()
                    # The timer stays claimed; when its lease runs out another engine
                    # (or this one) fires it again. The auditor reports it if it stays.
                    _log.exception("timer %s (%s %s) failed", timer.id, timer.kind, timer.ref)
            return len(claimed)

    def run(self, stop: threading.Event) -> None:
        """Fire due timers until ``stop`` is set; sleep ``poll`` seconds when idle."""
        while not stop.is_set():
            try:
                fired = self.run_due()
            except Exception:
                _log.exception("engine %s: claiming timers failed", self.worker)
                fired = 0
            if fired == 0:
                stop.wait(self.poll)

    # -- one timer ------------------------------------------------------------------------

    def _fire(self, session: Session, timer: ClaimedTimer) -> None:
        now = self.clock()
        self.stats.fired += 1
        self.stats.note_lateness((now - timer.due_at).total_seconds())
        if timer.kind == "rung":
            self._rung(session, timer, now)
        elif timer.kind == "notify":
            self._notify(session, timer)
        else:  # written by a newer version: leave it for that one
            _log.warning("timer %s has unknown kind %r", timer.id, timer.kind)

    def _commit_fenced(self, session: Session, ok: bool) -> bool:
        if ok:
            session.commit()
            return True
        session.rollback()
        self.stats.lost_claims += 1
        return False

    def _rung(self, session: Session, timer: ClaimedTimer, now: datetime) -> None:
        begin_write(session)
        page = pages.lock_page(session, timer.ref)
        if page is None or page.status != "triggered":
            self._commit_fenced(session, timers.finish(session, timer, now=now))
            return
        ladder = Ladder.from_json(page.ladder)
        rung, round_ = int(timer.data["rung"]), int(timer.data["round"])
        directory = self.directories.get(session, page.org_code)
        extra = runtime_overrides(
            session=session, org=page.org_code, start=now, end=now + timedelta(microseconds=1)
        )
        told: dict[str, str] = {}
        lines: list[str] = []
        for text in ladder.rungs[rung].targets:
            reached = directory.reach(
                text,
                at=now,
                rotation_id=page.rotation_id,
                component=page.component,
                overrides=extra,
            )
            names = [person for person in reached.people if person not in told]
            lines.append(f"{text} → {', '.join(names) or 'nobody'} ({reached.how})")
            for person in names:
                told[person] = self._intend(session, directory, page, person, rung, round_, now)
        step = f"Step {rung + 1}" + (f", round {round_ + 1}" if round_ else "")
        pages.add_event(
            session,
            page.id,
            at=now,
            kind="step",
            actor="engine",
            text=f"{step}: {'; '.join(lines)}.",
            data={"rung": rung, "round": round_, "people": list(told)},
        )
        for person, problem in told.items():
            if problem:
                pages.add_event(
                    session,
                    page.id,
                    at=now,
                    kind="undeliverable",
                    actor="engine",
                    text=problem,
                    data={"person": person},
                )
        self._next(session, page, ladder, rung, round_, now)
        self._commit_fenced(session, timers.finish(session, timer, now=now))

    def _intend(
        self,
        session: Session,
        directory: Directory,
        page: PageView,
        person_id: str,
        rung: int,
        round_: int,
        now: datetime,
        method_index: int = 0,
    ) -> str:
        """Write the notification of ``person_id``'s contact method ``method_index`` and
        its timer; a problem to put on the timeline when there is none to write."""
        person = directory.people.get(person_id)
        methods = contact_methods(person) if person is not None else []
        if method_index >= len(methods):
            if method_index == 0:
                return f"{person_id} has no contact method: nobody was told"
            return f"every contact method of {person_id} failed"
        method = methods[method_index]
        notification_id = str(uuid.uuid4())
        pages.add_notification(
            session,
            notification_id=notification_id,
            page_id=page.id,
            person_id=person_id,
            rung=rung,
            round_=round_,
            method_index=method_index,
            kind=method.kind.value,
            address=method.to,
            created_at=now,
        )
        timers.schedule(session, kind="notify", ref=notification_id, due_at=now)
        return ""

    def _next(
        self,
        session: Session,
        page: PageView,
        ladder: Ladder,
        rung: int,
        round_: int,
        now: datetime,
    ) -> None:
        if rung + 1 < len(ladder.rungs):
            following = (rung + 1, round_)
        elif round_ < ladder.repeat:
            following = (0, round_ + 1)
        else:
            pages.set_page_status(
                session, page.id, expect=["triggered"], values={"ladder_done_at": now}
            )
            pages.add_event(
                session,
                page.id,
                at=now,
                kind="ladder-done",
                actor="engine",
                text="The ladder is done and nobody has acknowledged: the page stays open.",
            )
            return
        due = page.opened_at + timedelta(minutes=ladder.due_minutes(*following))
        timers.schedule(
            session,
            kind="rung",
            ref=page.id,
            due_at=due,
            data={"rung": following[0], "round": following[1]},
        )

    # -- notifications ------------------------------------------------------------------

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

    def _notify(self, session: Session, timer: ClaimedTimer) -> None:
        # Phase one: commit "sending" while the page is locked.
        begin_write(session)
        note = pages.get_notification(session, timer.ref)
        page = pages.lock_page(session, note.page_id) if note is not None else None
        # The clock is read once the lock is held (waiting for it may take a while): the
        # lease extended below runs from the moment "sending" commits, not from before.
        now = self.clock()
        if note is None or page is None:
            self._commit_fenced(session, timers.finish(session, timer, now=now))
            return
        if note.status in ("sent", "failed", "cancelled") or page.status != "triggered":
            if note.status in ("pending", "sending"):
                pages.set_notification(
                    session,
                    note.id,
                    expect=[note.status],
                    values={"status": "cancelled", "last_error": f"the page was {page.status}"},
                )
            self._commit_fenced(session, timers.finish(session, timer, now=now))
            return
        repeat = note.possible_repeat or note.status == "sending"
        pages.set_notification(
            session,
            note.id,
            expect=[note.status],
            values={
                "status": "sending",
                "sending_at": now,
                "attempts": note.attempts + 1,
                "possible_repeat": repeat,
            },
        )
        if not self._commit_fenced(
            session, timers.extend_lease(session, timer, until=now + self.lease)
        ):
            return
        note = pages.get_notification(session, note.id)
        assert note is not None
        directory = self.directories.get(session, page.org_code)
        person = directory.people.get(note.person_id)
        session.rollback()
        # Phase two: the provider, outside any transaction.
        notice = self._notice(page, note, person.name if person else note.person_id)
        error: DeliveryError | None = None
        try:
            self.channels.send(note.kind, notice, note.address)
        except DeliveryError as exc:
            error = exc
        # Phase three: what came of it.
        now = self.clock()
        begin_write(session)
        how = f"{note.person_id} by {note.kind}" + (" (possible repeat)" if repeat else "")
        if error is None:
            self.stats.sent += 1
            pages.set_notification(
                session, note.id, expect=["sending"], values={"status": "sent", "sent_at": now}
            )
            pages.add_event(
                session,
                page.id,
                at=now,
                kind="notified",
                actor="engine",
                text=f"Notified {how}.",
                data={"notification": note.id, "possible_repeat": repeat},
            )
            self._commit_fenced(session, timers.finish(session, timer, now=now))
            return
        self.stats.failed_attempts += 1
        # An attempt that went out and got no answer may have arrived: the next one of
        # this notification may repeat it, and says so.
        failure = {"last_error": str(error), "possible_repeat": repeat or error.maybe_delivered}
        if error.retryable and note.attempts < self.max_attempts:
            delay = self.backoff * (2 ** (note.attempts - 1))
            pages.set_notification(
                session, note.id, expect=["sending"], values={"status": "pending", **failure}
            )
            pages.add_event(
                session,
                page.id,
                at=now,
                kind="delivery-retry",
                actor="engine",
                text=f"Notifying {how} failed (attempt {note.attempts}): {error}; "
                f"trying again in {delay.total_seconds():g} s.",
                data={"notification": note.id},
            )
            self._commit_fenced(session, timers.postpone(session, timer, due_at=now + delay))
            return
        pages.set_notification(
            session, note.id, expect=["sending"], values={"status": "failed", **failure}
        )
        pages.add_event(
            session,
            page.id,
            at=now,
            kind="delivery-failed",
            actor="engine",
            text=f"Notifying {how} failed after {note.attempts} attempt(s): {error}.",
            data={"notification": note.id},
        )
        problem = self._intend(
            session,
            directory,
            page,
            note.person_id,
            note.rung,
            note.round,
            now,
            method_index=note.method_index + 1,
        )
        if problem:
            pages.add_event(
                session,
                page.id,
                at=now,
                kind="undeliverable",
                actor="engine",
                text=problem,
                data={"person": note.person_id},
            )
        self._commit_fenced(session, timers.finish(session, timer, now=now))
