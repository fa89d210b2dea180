"""The escalation engine: claims due timers and does what they are for.

Imports ``store``, ``integrations``, ``oncall`` and ``settings``. Any number of engines
(threads of ``orgplane worker`` or ``orgplane serve``, on any number of machines sharing
one PostgreSQL) run side by side: a timer is claimed by one of them for a lease, and whatever the engine
writes on its behalf is fenced by the version it claimed.

Two kinds of timers:

- ``rung``: a rung of a page's ladder is due. If the page is still triggered, each of the
  rung's targets is resolved to people *now* (so an override set mid-ladder counts), a
  notification intent is written for each person's first contact method, with a
  ``notify`` timer due at once, and the next rung's timer is scheduled from the page's
  start (lateness never accumulates). After the last rung of the last round, the ladder
  is done and the timeline says nobody acknowledged.
- ``notify``: one notification is due; ``services.notifying`` sends it in three phases
  (``sending`` committed before the provider is called, ``sent`` after).

An engine claims up to ``batch`` due timers at a time and fires them together: the rungs
in one transaction, the notifications in one per phase, each a few statements for the
whole batch (``finish_many`` and ``extend_leases`` fence every claim of it at once and
say which still hold). A batch that fails is fired again one timer at a time, so one bad
timer does not hold the others back. When nothing is due, an engine sleeps until the
next timer nobody holds is due, at most ``poll`` seconds, or until ``wake`` is called
(``services.workers`` calls it when the database changes).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from orgplane.integrations.channels import Channels
from orgplane.oncall.directory import Directory
from orgplane.oncall.escalation import Ladder
from orgplane.services.notifying import (
    MAX_RETRY_AFTER,
    EngineStats,
    Notifier,
    Writes,
    contact_methods,
)
from orgplane.services.oncall import ExtraOverrides, runtime_overrides
from orgplane.services.pages import DirectoryCache
from orgplane.store import begin_write, pages, timers
from orgplane.store.pages import PageView
from orgplane.store.timers import ClaimedTimer

__all__ = [
    "MAX_RETRY_AFTER",
    "Clock",
    "Engine",
    "EngineStats",
    "contact_methods",
    "engine_id",
]

_log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def _wall_clock() -> datetime:
    return datetime.now(UTC)


def engine_id() -> str:
    """A name for one engine, written as the lease owner of the timers it holds:
    ``host:pid:random``, so whoever looks at the timers table sees which process holds
    what (a lease owner is at most 64 characters)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


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
        self.clock = clock
        self.worker = worker or engine_id()
        self.lease = lease
        self.poll = poll
        self.batch = batch
        self.directories = DirectoryCache()
        self.notifier = Notifier(
            channels=channels,
            secret=secret,
            public_url=public_url.rstrip("/"),
            clock=clock,
            lease=lease,
            max_attempts=max_attempts,
            backoff=backoff,
            directories=self.directories,
            stats=EngineStats(),
        )
        self._wake = threading.Event()

    @property
    def stats(self) -> EngineStats:
        return self.notifier.stats

    @stats.setter
    def stats(self, stats: EngineStats) -> None:
        self.notifier.stats = stats

    # -- the loop -----------------------------------------------------------------------

    def run_due(self) -> int:
        """Claim the timers due now and fire them; how many were claimed."""
        now = self.clock()
        with self.session_factory() as session:
            claimed = timers.claim_due(
                session, worker=self.worker, now=now, lease=self.lease, limit=self.batch
            )
            for timer in claimed:
                self.stats.fired += 1
                self.stats.note_lateness((now - timer.due_at).total_seconds())
            rungs = [timer for timer in claimed if timer.kind == "rung"]
            notes = [timer for timer in claimed if timer.kind == "notify"]
            for timer in claimed:
                if timer.kind not in ("rung", "notify"):  # a newer version's: leave it
                    _log.warning("timer %s has unknown kind %r", timer.id, timer.kind)
            self._fire(session, rungs, self._rungs)
            self._fire(session, notes, self.notifier.fire)
            return len(claimed)

    def _fire(
        self,
        session: Session,
        batch: list[ClaimedTimer],
        fire: Callable[[Session, list[ClaimedTimer]], None],
    ) -> None:
        if not batch:
            return
        try:
            fire(session, batch)
        except Exception:
            session.rollback()
            if len(batch) > 1:  # one bad timer must not hold the others back
                for timer in batch:
                    self._fire(session, [timer], fire)
                return
            # The timer stays claimed; when its lease runs out another engine (or this
            # one) fires it again. The auditor reports it if it stays.
            timer = batch[0]
            _log.exception("timer %s (%s %s) failed", timer.id, timer.kind, timer.ref)

    def wake(self) -> None:
        """Look for due timers now, not at the end of the idle wait (something was
        written that may have made one due)."""
        self._wake.set()

    def run(self, stop: threading.Event) -> None:
        """Fire due timers until ``stop`` is set (call ``wake`` too, to end a wait)."""
        while not stop.is_set():
            try:
                fired = self.run_due()
            except Exception:
                _log.exception("engine %s: claiming timers failed", self.worker)
                fired = 0
            if fired == 0 and not stop.is_set():
                self._wake.wait(self._idle_wait())
                self._wake.clear()

    def _idle_wait(self) -> float:
        """Seconds until the next timer nobody holds is due, at most ``poll``."""
        try:
            with self.session_factory() as session:
                now = self.clock()
                due = timers.next_due_at(session, now=now)
        except Exception:
            _log.exception("engine %s: looking for the next timer failed", self.worker)
            return self.poll
        if due is None:
            return self.poll
        return min(self.poll, max(0.0, (due - now).total_seconds()))

    # -- rungs --------------------------------------------------------------------------

    def _rungs(self, session: Session, batch: list[ClaimedTimer]) -> None:
        now = self.clock()
        begin_write(session)
        locked = pages.lock_pages(session, [timer.ref for timer in batch])
        held = timers.finish_many(session, batch, now=now)
        self.stats.lost_claims += len(batch) - len(held)
        writes = Writes(now)
        orgs: dict[str, tuple[Directory, ExtraOverrides]] = {}
        for timer in batch:
            page = locked.get(timer.ref)
            if timer.id not in held or page is None or page.status != "triggered":
                continue
            if page.org_code not in orgs:
                orgs[page.org_code] = (
                    self.directories.get(session, page.org_code),
                    runtime_overrides(
                        session=session,
                        org=page.org_code,
                        start=now,
                        end=now + timedelta(microseconds=1),
                    ),
                )
            directory, extra = orgs[page.org_code]
            self._rung(session, writes, directory, extra, page, timer)
        writes.flush(session)
        session.commit()

    def _rung(
        self,
        session: Session,
        writes: Writes,
        directory: Directory,
        extra: ExtraOverrides,
        page: PageView,
        timer: ClaimedTimer,
    ) -> None:
        now = writes.now
        ladder = Ladder.from_json(page.ladder)
        rung, round_ = int(timer.data["rung"]), int(timer.data["round"])
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
                told[person] = writes.intend(directory, page.id, person, rung, round_)
        step = f"Step {rung + 1}" + (f", round {round_ + 1}" if round_ else "")
        writes.event(
            page.id,
            "step",
            f"{step}: {'; '.join(lines)}.",
            {"rung": rung, "round": round_, "people": list(told)},
        )
        for person, problem in told.items():
            if problem:
                writes.event(page.id, "undeliverable", problem, {"person": person})
        self._next(session, writes, page, ladder, rung, round_)

    def _next(
        self,
        session: Session,
        writes: Writes,
        page: PageView,
        ladder: Ladder,
        rung: int,
        round_: int,
    ) -> None:
        if rung + 1 < len(ladder.rungs):
            following = (rung + 1, round_)
        elif round_ < ladder.repeat:
            following = (0, round_ + 1)
        else:
            pages.set_page_status(
                session, page.id, expect=["triggered"], values={"ladder_done_at": writes.now}
            )
            writes.event(
                page.id,
                "ladder-done",
                "The ladder is done and nobody has acknowledged: the page stays open.",
            )
            return
        due = page.opened_at + timedelta(minutes=ladder.due_minutes(*following))
        writes.timers.append(("rung", page.id, due, {"rung": following[0], "round": following[1]}))
