"""A reference model of the escalation ladder, written from docs/oncall.md and nothing
else: what should have been sent, to whom, for which rung, at which instant.

Pure: no database, no engine. ``test_ladder_machine`` runs the real engine beside it and
compares. The org is ``MACHINE_ORG`` (engine_kit's, with the ladder below): the rotation
``ops`` has ana as primary (unless a runtime override says otherwise) and bo as secondary.

- A rung of round ``k`` is due ``k × (last rung's minute + repeat_after) + its minute``
  after the page opened; due rungs fire in order, each at the instant the engines run.
- A rung's targets become people at that instant (a person once per rung, in order); each
  person with a contact method gets a notification by their first method, due at once.
- A notification whose address fails is tried again after 2 s, then 4 s (three attempts
  in all) when the failure may pass ("down"), else at once by the person's next method
  ("gone"). An address that takes the notification but never answers ("mute": the
  channel's time-out) fails the same way as "down", but the person may have it already:
  every later attempt of that notification is marked "possible repeat".
- An acknowledgement or a resolution cancels the rung to come and every notification
  not sent yet; the last rung of the last round leaves the page open, its ladder done.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tests.paging.engine_kit import ORG

__all__ = [
    "CONTACTS",
    "Attempt",
    "Fired",
    "Ladder",
    "Model",
    "Note",
    "Override",
    "Page",
    "machine_org",
]

CONTACTS: dict[str, tuple[str, ...]] = {
    "ana": ("http://hooks.test/ana",),
    "bo": ("http://hooks.test/bo-1", "http://hooks.test/bo-2"),
    "cy": ("cy@ops.example",),
    "dee": ("http://hooks.test/dee",),
    "eli": (),
}
BACKOFF = timedelta(seconds=2)
MAX_ATTEMPTS = 3
REPEAT_AFTER = 7
#: The ladder's rungs: minute, targets (the steps due at one minute, in their order).
RUNGS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (0, ("rotation:ops",)),
    (5, ("rotation:ops/both",)),
    (12, ("Component Owner", "cy", "rotation:ops")),
)


def machine_org(repeat: int) -> dict[str, Any]:
    """engine_kit's org with the ladder above, repeated ``repeat`` more times."""
    org = copy.deepcopy(ORG)
    org["escalation_policies"] = [
        {
            "id": "machine-ladder",
            "name": "Machine ladder",
            "applies_to": ["ops"],
            "repeat": repeat,
            "repeat_after_minutes": REPEAT_AFTER,
            "steps": [
                {"to": target, "after_minutes": minute}
                for minute, targets in RUNGS
                for target in targets
            ],
        }
    ]
    return org


@dataclass(frozen=True, slots=True)
class Ladder:
    repeat: int

    def due(self, rung: int, round_: int) -> timedelta:
        return timedelta(minutes=round_ * (RUNGS[-1][0] + REPEAT_AFTER) + RUNGS[rung][0])

    def after(self, rung: int, round_: int) -> tuple[int, int] | None:
        if rung + 1 < len(RUNGS):
            return rung + 1, round_
        return (0, round_ + 1) if round_ < self.repeat else None


@dataclass
class Override:
    id: int
    person: str
    start: datetime
    end: datetime
    cancelled: bool = False


@dataclass
class Page:
    id: str
    opened: datetime
    component: str | None
    ladder: Ladder
    status: str = "triggered"
    #: The (rung, round) whose timer is pending; None once the ladder is done or stopped.
    next: tuple[int, int] | None = (0, 0)
    done_at: datetime | None = None

    def next_due(self) -> datetime | None:
        if self.status != "triggered" or self.next is None:
            return None
        return self.opened + self.ladder.due(*self.next)


@dataclass
class Note:
    page: str
    person: str
    rung: int
    round: int
    method: int
    due: datetime
    status: str = "pending"
    attempts: int = 0
    repeat: bool = False

    @property
    def identity(self) -> tuple[str, str, int, int, int]:
        return self.page, self.person, self.rung, self.round, self.method


@dataclass(frozen=True, slots=True)
class Attempt:
    """One call of a channel: for whom, which rung and round, which of their methods,
    when, how it went ("delivered", or the address's failure: "down", "gone", "mute"),
    and whether the notice was marked "possible repeat"."""

    page: str
    person: str
    rung: int
    round: int
    method: int
    address: str
    at: datetime
    outcome: str
    repeat: bool


@dataclass(frozen=True, slots=True)
class Fired:
    page: str
    rung: int
    round: int
    at: datetime
    people: tuple[str, ...]


@dataclass
class Model:
    ladder: Ladder
    pages: dict[str, Page] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    #: Failing addresses, and how: "down", "gone" or "mute".
    failing: dict[str, str] = field(default_factory=dict)
    attempts: list[Attempt] = field(default_factory=list)
    fired: list[Fired] = field(default_factory=list)
    #: Rungs that fired after their instant (the engines were away), and rungs whose
    #: targets named one person twice.
    late: int = 0
    merged: int = 0

    # -- who ------------------------------------------------------------------------------

    def primary(self, at: datetime) -> str:
        """The later of the overrides in force wins; else the rotation's primary."""
        for override in reversed(self.overrides):
            if not override.cancelled and override.start <= at < override.end:
                return override.person
        return "ana"

    def reach(self, target: str, at: datetime, component: str | None) -> list[str]:
        if target == "rotation:ops":
            return [self.primary(at)]
        if target == "rotation:ops/both":
            return list(dict.fromkeys([self.primary(at), "bo"]))
        if target == "Component Owner":  # PostgreSQL's owner role: the DBA, dee
            return ["dee"] if component else []
        return [target]

    # -- what people do -----------------------------------------------------------------

    def open(self, page_id: str, at: datetime, component: str | None) -> None:
        self.pages[page_id] = Page(page_id, at, component, self.ladder)

    def close(self, page_id: str, to: str) -> str:
        """Acknowledge or resolve: "changed", "unchanged" (acknowledged twice) or
        "conflict" (it was resolved)."""
        page = self.pages[page_id]
        if page.status == "resolved":
            return "conflict"
        if page.status == to:
            return "unchanged"
        page.status = to
        page.next = None
        for note in self.notes:
            if note.page == page_id and note.status == "pending":
                note.status = "cancelled"
        return "changed"

    # -- what the engines do --------------------------------------------------------------

    def next_due(self) -> datetime | None:
        dues = [due for page in self.pages.values() if (due := page.next_due()) is not None]
        dues += [note.due for note in self.notes if note.status == "pending"]
        return min(dues, default=None)

    def run(self, now: datetime) -> None:
        """Everything due at ``now`` (or before, if the engines were away), at ``now``."""
        progressed = True
        while progressed:
            progressed = False
            for page in self.pages.values():
                while (due := page.next_due()) is not None and due <= now:
                    self._fire(page, now)
                    progressed = True
            for note in list(self.notes):
                if note.status == "pending" and note.due <= now:
                    self._attempt(note, now)
                    progressed = True

    @staticmethod
    def opened_due(page: Page) -> datetime:
        due = page.next_due()
        assert due is not None
        return due

    def _fire(self, page: Page, now: datetime) -> None:
        assert page.next is not None
        rung, round_ = page.next
        self.late += now > self.opened_due(page)
        people: list[str] = []
        for target in RUNGS[rung][1]:
            reached = self.reach(target, now, page.component)
            self.merged += any(p in people for p in reached)
            people += [p for p in reached if p not in people]
        for person in people:
            if CONTACTS[person]:
                self.notes.append(Note(page.id, person, rung, round_, 0, now))
        self.fired.append(Fired(page.id, rung, round_, now, tuple(people)))
        page.next = page.ladder.after(rung, round_)
        if page.next is None:
            page.done_at = now

    def _attempt(self, note: Note, now: datetime) -> None:
        address = CONTACTS[note.person][note.method]
        note.attempts += 1
        failure = self.failing.get(address)
        self.attempts.append(
            Attempt(*note.identity, address, now, failure or "delivered", note.repeat)
        )
        if failure is None:
            note.status = "sent"
            return
        note.repeat = note.repeat or failure == "mute"
        if failure != "gone" and note.attempts < MAX_ATTEMPTS:
            note.due = now + BACKOFF * 2 ** (note.attempts - 1)
            return
        note.status = "failed"
        if note.method + 1 < len(CONTACTS[note.person]):
            self.notes.append(
                Note(note.page, note.person, note.rung, note.round, note.method + 1, now)
            )

    # -- which paths a run took ---------------------------------------------------------

    def paths(self) -> set[str]:
        """The paths this run has taken so far (the test counts them per example)."""
        notes, pages = self.notes, self.pages.values()
        taken = {
            "a call failed and was tried again": any(n.attempts >= 2 for n in notes),
            "a notice was marked a possible repeat": any(a.repeat for a in self.attempts),
            "a method was given up": any(n.status == "failed" for n in notes),
            "a person's next method was used": any(n.method >= 1 for n in notes),
            "an override changed who was paged": any(
                f.people[:1] not in ((), ("ana",)) for f in self.fired
            ),
            "a notification was cancelled": any(n.status == "cancelled" for n in notes),
            "a ladder was done": any(p.done_at for p in pages),
            "a page was closed mid-ladder": any(
                p.status != "triggered" and p.done_at is None for p in pages
            ),
            "a rung fired late, after an outage": self.late > 0,
            "a rung's targets named one person twice": self.merged > 0,
        }
        return {what for what, happened in taken.items() if happened}
