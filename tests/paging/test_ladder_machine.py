"""The escalation engine against a reference model, as a hypothesis state machine.

Rules open pages (with or without a component), move a fake clock on and run what is due,
acknowledge and resolve pages, change how many rounds new pages' ladders repeat (an
apply of the spec), make contact addresses fail (for a while or for good) and recover,
and add or cancel runtime overrides that change who is primary mid-ladder. The engine
runs on a SQLite file with engine_kit's recording channel; ``ladder_model`` says what it
should have done. After every rule:

- what the channel was given (who, which rung and round, which contact method, at which
  instant) equals what the model sent;
- each rung fired at the model's instant (the clock is stepped to every instant something
  is due, so exactly on time; an outage rule skips ahead, and then everything due fires
  when the engines are back) and reached the model's people;
- each notification's state and attempts are the model's;
- nothing was sent for a page after its acknowledgement or resolution;
- every page that is triggered has its next rung pending at the model's instant, or its
  ladder done.
"""

from __future__ import annotations

import itertools
import shutil
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy.orm import Session

from orgplane.errors import ConflictError
from orgplane.services import overrides as override_service
from orgplane.services import pages as page_service
from orgplane.store import create_engine, timers
from tests.paging.engine_kit import FakeClock, apply_org, make_engine
from tests.paging.ladder_model import CONTACTS, Ladder, Model, Override, machine_org
from tests.paging.machine_kit import TimedRecorder, diff, what_the_engine_did

ADDRESSES = sorted(address for methods in CONTACTS.values() for address in methods)
#: How an address fails (``machine_kit.TimedRecorder``).
FAILURES = st.sampled_from(["down", "gone", "mute"])
START = FakeClock().now


def _t(at: datetime) -> str:
    """An instant as the time since the machine's start, for messages."""
    return f"+{(at - START).total_seconds():g}s"


class LadderMachine(RuleBasedStateMachine):
    #: A SQLite file at the newest schema with the org applied (set per test).
    base: Path
    folder: Path
    numbers = itertools.count()
    #: How many examples took each path.
    taken: Counter[str]

    def __init__(self) -> None:
        super().__init__()
        #: Which paths this example took (``_paths``).
        self.paths: set[str] = set()
        path = self.folder / f"machine-{next(self.numbers)}.db"
        shutil.copyfile(self.base, path)
        self.path = path
        self.db = create_engine(f"sqlite:///{path}")
        self.clock = FakeClock()
        self.recorder = TimedRecorder(self.clock)
        self.engine = make_engine(self.db, self.clock, self.recorder)
        self.model = Model(Ladder(repeat=1))
        #: For each closed page: how many calls the channel had had when it closed.
        self.closed_at_call: dict[str, int] = {}

    def teardown(self) -> None:
        self.taken.update(self.paths)
        self.db.dispose()
        self.path.unlink(missing_ok=True)

    # -- driving ----------------------------------------------------------------------

    def _run_due(self) -> None:
        for _ in range(1000):
            if not self.engine.run_due():
                break
        else:
            raise AssertionError("the engine keeps finding due timers at one instant")
        self.model.run(self.clock())

    def _next_due(self) -> datetime | None:
        with Session(self.db) as session:
            engine_due = timers.next_due_at(session)
        dues = [due for due in (engine_due, self.model.next_due()) if due is not None]
        return min(dues, default=None)

    @initialize(
        failing=st.dictionaries(st.sampled_from(ADDRESSES), FAILURES, max_size=3),
        overrides=st.lists(
            st.tuples(st.sampled_from(sorted(CONTACTS)), st.integers(0, 30), st.integers(5, 60)),
            max_size=2,
        ),
    )
    def start(self, failing: dict[str, str], overrides: list[tuple[str, int, int]]) -> None:
        """Some addresses fail from the start (for a while, or for good), and someone
        may be on call instead of ana for a while."""
        for address, how in failing.items():
            self.fail_address(address, how)
        for person, start, length in overrides:
            self.add_override(person, start, length)
        self._run_due()

    @rule(component=st.booleans())
    def open_page(self, component: bool) -> None:
        with Session(self.db) as session:
            page = page_service.open_page(
                session=session,
                org_code="OPS",
                target="ops",
                summary="Disk full",
                component="postgres" if component else None,
                actor="test",
                now=self.clock(),
            )
        self.model.open(page.id, self.clock(), "postgres" if component else None)

    @rule(
        minutes=st.integers(0, 40),
        seconds=st.sampled_from([0, 1, 2, 3, 6, 30]),
    )
    def advance(self, minutes: int, seconds: int) -> None:
        """Move the clock on, stopping at every instant something is due."""
        target = self.clock() + timedelta(minutes=minutes, seconds=seconds)
        for _ in range(1000):
            due = self._next_due()
            if due is None or due > target:
                break
            self.clock.now = max(due, self.clock())
            self._run_due()
        else:
            raise AssertionError(f"something stays due at {_t(self.clock())}")
        self.clock.now = target
        self._run_due()

    @rule(minutes=st.integers(1, 60))
    def outage(self, minutes: int) -> None:
        """No engine runs for a while; what fell due fires when they are back."""
        self.clock.advance(minutes=minutes)
        self._run_due()

    def _close(self, data: st.DataObject, to: str) -> None:
        page_id = data.draw(st.sampled_from(sorted(self.model.pages)))
        expected = self.model.close(page_id, to)
        close = page_service.acknowledge_page if to == "acknowledged" else page_service.resolve_page
        with Session(self.db) as session:
            if expected == "conflict":
                with pytest.raises(ConflictError):
                    close(session=session, page_id=page_id, actor="test", now=self.clock())
                return
            closed = close(session=session, page_id=page_id, actor="test", now=self.clock())
        assert closed.changed == (expected == "changed")
        self.closed_at_call.setdefault(page_id, len(self.recorder.calls))

    @precondition(lambda self: self.model.pages)
    @rule(data=st.data())
    def acknowledge(self, data: st.DataObject) -> None:
        self._close(data, "acknowledged")

    @precondition(lambda self: self.model.pages)
    @rule(data=st.data())
    def resolve(self, data: st.DataObject) -> None:
        self._close(data, "resolved")

    @rule(repeat=st.integers(0, 2))
    def set_repeat(self, repeat: int) -> None:
        """Apply the spec with another repeat count: pages opened from now on have it."""
        apply_org(self.db, machine_org(repeat))
        self.model.ladder = Ladder(repeat=repeat)

    @rule(address=st.sampled_from(ADDRESSES), how=FAILURES)
    def fail_address(self, address: str, how: str) -> None:
        self.recorder.failing[address] = how
        self.model.failing[address] = how

    @precondition(lambda self: self.model.failing)
    @rule(data=st.data())
    def recover_address(self, data: st.DataObject) -> None:
        address = data.draw(st.sampled_from(sorted(self.model.failing)))
        del self.recorder.failing[address]
        del self.model.failing[address]

    @rule(
        person=st.sampled_from(sorted(CONTACTS)),
        start=st.integers(-20, 40),
        length=st.integers(1, 60),
    )
    def add_override(self, person: str, start: int, length: int) -> None:
        begin = self.clock() + timedelta(minutes=start)
        end = begin + timedelta(minutes=max(length, 1 - start))  # it ends after now
        with Session(self.db) as session:
            made = override_service.add_override(
                session=session,
                org_code="OPS",
                rotation_id="ops",
                person=person,
                start=begin,
                end=end,
                actor="test",
                now=self.clock(),
            )
        self.model.overrides.append(Override(made.id, person, begin, end))

    @precondition(lambda self: any(not o.cancelled for o in self.model.overrides))
    @rule(data=st.data())
    def cancel_override(self, data: st.DataObject) -> None:
        live = [o for o in self.model.overrides if not o.cancelled]
        override = data.draw(st.sampled_from(live))
        with Session(self.db) as session:
            override_service.cancel_override(
                session=session,
                org_code="OPS",
                override_id=override.id,
                actor="test",
                now=self.clock(),
            )
        override.cancelled = True

    # -- what must hold -----------------------------------------------------------------

    @invariant()
    def the_engine_did_what_the_model_did(self) -> None:
        did = what_the_engine_did(self.db, self.recorder)
        model = self.model
        problems = [
            diff("channel calls", did.calls, model.attempts),
            diff(
                "notifications due",
                did.notes_due,
                [(*n.identity, n.due) for n in model.notes if n.status == "pending"],
            ),
            diff("rungs fired", did.fired, model.fired),
            diff(
                "notification states",
                did.note_states,
                [(*n.identity, n.status, n.attempts) for n in model.notes],
            ),
            diff(
                "rungs due",
                did.rungs_due.items(),
                [(p.id, due) for p in model.pages.values() if (due := p.next_due()) is not None],
            ),
            diff(
                "pages",
                did.pages,
                [(p.id, p.status, p.done_at) for p in model.pages.values()],
            ),
        ]
        problems += [
            f"page {page_id[:8]} was closed, and then {call.address} was called at {_t(call.at)}"
            for page_id, mark in self.closed_at_call.items()
            for call in did.calls[mark:]
            if call.page == page_id
        ]
        problems += [
            f"page {page_id[:8]} is open with no pending rung and its ladder not done"
            for page_id, status, done_at in did.pages
            if status == "triggered" and done_at is None and page_id not in did.rungs_due
        ]
        problems = [problem for problem in problems if problem]
        self.paths.update(model.paths())
        assert not problems, f"at {_t(self.clock())}:\n" + "\n".join(problems)


@pytest.fixture
def machine_base(sqlite_template: Path, tmp_path: Path) -> Path:
    base = tmp_path / "base.db"
    shutil.copyfile(sqlite_template, base)
    database = create_engine(f"sqlite:///{base}")
    apply_org(database, machine_org(1))
    database.dispose()
    return base


def test_the_engine_runs_the_ladder_the_model_runs(machine_base: Path, tmp_path: Path) -> None:
    taken: Counter[str] = Counter()
    machine = type(
        "Ladder", (LadderMachine,), {"base": machine_base, "folder": tmp_path, "taken": taken}
    )
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    print(f"examples per path: {dict(taken)}")
