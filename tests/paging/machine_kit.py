"""The engine's side of ``test_ladder_machine``: a channel that notes every call, and
what the engine did, read from the database in the reference model's terms
(``ladder_model``), so that the two compare as multisets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from orgplane.integrations.channels import DeliveryError, Notice
from orgplane.store.paging_tables import NotificationRow, PageEventRow, PageRow, TimerRow
from tests.paging.engine_kit import FakeClock, Recorder
from tests.paging.ladder_model import Attempt, Fired

__all__ = ["EngineDid", "TimedRecorder", "diff", "what_the_engine_did"]

Identity = tuple[str, str, int, int, int]  # page, person, rung, round, method


class TimedRecorder(Recorder):
    """engine_kit's recorder, noting every call (its key, address, the fake clock's
    instant, how it went, and the notice's "possible repeat" mark), with three ways
    for an address to fail: ``down`` (not delivered, it may pass), ``gone`` (for good),
    ``mute`` (delivered, but no answer comes: what a webhook channel's time-out is)."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock
        self.calls: list[tuple[str, str, datetime, str, bool]] = []
        self.failing: dict[str, str] = {}

    def send(self, notice: Notice, address: str) -> None:
        failure = self.failing.get(address)
        self.calls.append(
            (notice.key, address, self.clock(), failure or "delivered", notice.possible_repeat)
        )
        if failure == "mute":
            self.sent.append((address, notice))
            raise DeliveryError("no answer within 5 s", retryable=True, maybe_delivered=True)
        if failure is not None:
            raise DeliveryError(failure, retryable=failure == "down")
        super().send(notice, address)


@dataclass(frozen=True, slots=True)
class EngineDid:
    #: Every channel call, in order.
    calls: list[Attempt]
    fired: list[Fired]
    #: Each notification: its identity, status and attempts.
    note_states: list[tuple[str, str, int, int, int, str, int]]
    #: Each notification waiting to be sent: its identity and when it is due.
    notes_due: list[tuple[str, str, int, int, int, datetime]]
    #: Each page's pending rung: when it is due.
    rungs_due: dict[str, datetime]
    #: Each page: its id, status and when its ladder was done.
    pages: list[tuple[str, str, datetime | None]]


def what_the_engine_did(db: Engine, recorder: TimedRecorder) -> EngineDid:
    with Session(db) as session:
        notes: dict[str, Identity] = {}
        states = []
        for note in session.scalars(select(NotificationRow)):
            identity = (note.page_id, note.person_id, note.rung, note.round, note.method_index)
            notes[note.id] = identity
            states.append((*identity, note.status, note.attempts))
        steps = session.execute(
            select(PageEventRow.page_id, PageEventRow.at, PageEventRow.data).where(
                PageEventRow.kind == "step"
            )
        ).all()
        due = session.execute(
            select(TimerRow.kind, TimerRow.ref, TimerRow.due_at).where(TimerRow.status == "pending")
        ).all()
        pages = [
            (row.id, row.status, row.ladder_done_at) for row in session.scalars(select(PageRow))
        ]
    return EngineDid(
        calls=[
            Attempt(*notes[key], address, at, outcome, repeat)
            for key, address, at, outcome, repeat in recorder.calls
        ],
        fired=[
            Fired(page_id, data["rung"], data["round"], at, tuple(data["people"]))
            for page_id, at, data in steps
        ],
        note_states=states,
        notes_due=[(*notes[ref], at) for kind, ref, at in due if kind == "notify"],
        rungs_due={ref: at for kind, ref, at in due if kind == "rung"},
        pages=pages,
    )


def diff(name: str, engine: Iterable[Any], model: Iterable[Any]) -> str:
    """What differs between the engine's and the model's (as multisets); empty if none."""
    got, want = Counter(engine), Counter(model)
    if got == want:
        return ""
    extra = sorted(map(str, (got - want).elements()))
    missing = sorted(map(str, (want - got).elements()))
    return f"{name}: the engine's and not the model's {extra}; the model's only {missing}"
