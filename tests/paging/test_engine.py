"""The escalation ladder under a fake clock, on SQLite and PostgreSQL: who is notified
when, through which contact method, and what an acknowledgement stops."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any, cast

import httpx
import pytest
from sqlalchemy import Engine as SqlEngine
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from orgplane.errors import AuthenticationError, ConflictError
from orgplane.integrations.channels import Channels, DeliveryError, Notice, WebhookChannel
from orgplane.services import engine as engine_module
from orgplane.services import pages as page_service
from orgplane.services.engine import Engine
from orgplane.store import begin_write as store_begin_write
from orgplane.store import overrides, pages
from orgplane.store.paging_tables import TimerRow
from tests.paging.engine_kit import ORG, FakeClock, Recorder, apply_org, make_engine
from tests.paging.receiver import Receiver


def _open(
    engine: SqlEngine, clock: FakeClock, target: str = "ops", component: str | None = None
) -> str:
    with Session(engine) as session:
        page = page_service.open_page(
            session=session,
            org_code="OPS",
            target=target,
            summary="Disk full on db-1",
            actor="test",
            now=clock(),
            component=component,
        )
    return page.id


def _drain(worker: object) -> None:
    while worker.run_due():  # type: ignore[attr-defined]
        pass


def _events(engine: SqlEngine, page_id: str) -> list[str]:
    with Session(engine) as session:
        return [event.kind for event in pages.events_of(session, page_id)]


def test_the_ladder_pages_each_rung_when_it_is_due(engine: SqlEngine) -> None:
    apply_org(engine)
    clock, recorder = FakeClock(), Recorder()
    worker = make_engine(engine, clock, recorder)
    page_id = _open(engine, clock, component="postgres")
    _drain(worker)
    assert recorder.addresses() == ["http://hooks.test/ana"]
    clock.advance(minutes=14, seconds=59)
    _drain(worker)
    assert len(recorder.sent) == 1
    clock.advance(seconds=1)
    _drain(worker)
    assert recorder.addresses()[1:] == ["http://hooks.test/bo-1"]
    clock.advance(minutes=15)
    _drain(worker)
    # The component owner: PostgreSQL's owner role, the DBA (nobody of it is on call).
    assert recorder.addresses()[2:] == ["http://hooks.test/dee"]
    # Round two starts 10 minutes after the last rung.
    clock.advance(minutes=10)
    _drain(worker)
    assert recorder.addresses()[3:] == ["http://hooks.test/ana"]
    notice = recorder.sent[0][1]
    assert notice.summary == "Disk full on db-1"
    assert not notice.possible_repeat
    assert notice.ack_url.startswith(f"http://orgplane.test/pages/{page_id}/ack?token=")


def test_an_acknowledgement_stops_everything_pending(engine: SqlEngine) -> None:
    apply_org(engine)
    clock, recorder = FakeClock(), Recorder()
    worker = make_engine(engine, clock, recorder)
    page_id = _open(engine, clock)
    _drain(worker)
    with Session(engine) as session:
        closed = page_service.acknowledge_page(
            session=session, page_id=page_id, actor="ana", now=clock()
        )
    assert closed.page.status == "acknowledged"
    assert closed.changed
    clock.advance(hours=3)
    _drain(worker)
    assert recorder.addresses() == ["http://hooks.test/ana"]
    assert _events(engine, page_id)[-1] == "acknowledged"
    with Session(engine) as session:
        again = page_service.acknowledge_page(
            session=session, page_id=page_id, actor="bo", now=clock()
        )
        assert again.page.acknowledged_by == "ana"
        assert not again.changed
        page_service.resolve_page(session=session, page_id=page_id, actor="ana", now=clock())
        with pytest.raises(ConflictError, match="already resolved by ana"):
            page_service.acknowledge_page(session=session, page_id=page_id, actor="bo", now=clock())


def test_a_failing_method_is_retried_then_the_next_one_is_tried(engine: SqlEngine) -> None:
    apply_org(engine)
    clock = FakeClock()
    recorder = Recorder(
        fail={"http://hooks.test/bo-1": DeliveryError("answered 500", retryable=True)}
    )
    worker = make_engine(engine, clock, recorder)
    page_id = _open(engine, clock, target="ops")
    _drain(worker)
    clock.advance(minutes=15)
    _drain(worker)  # bo's first method fails once
    for _ in range(3):
        clock.advance(seconds=10)
        _drain(worker)
    assert recorder.addresses() == ["http://hooks.test/ana", "http://hooks.test/bo-2"]
    kinds = _events(engine, page_id)
    assert kinds.count("delivery-retry") == 2
    assert "delivery-failed" in kinds
    with Session(engine) as session:
        states = {n.address: n.status for n in pages.notifications_of(session, page_id)}
    assert states["http://hooks.test/bo-1"] == "failed"
    assert states["http://hooks.test/bo-2"] == "sent"


def test_a_permanent_failure_moves_on_at_once(engine: SqlEngine) -> None:
    apply_org(engine)
    clock = FakeClock()
    recorder = Recorder(
        fail={"http://hooks.test/bo-1": DeliveryError("answered 404", retryable=False)}
    )
    worker = make_engine(engine, clock, recorder)
    _open(engine, clock)
    _drain(worker)
    clock.advance(minutes=15)
    _drain(worker)
    assert recorder.addresses() == ["http://hooks.test/ana", "http://hooks.test/bo-2"]


def test_an_override_set_mid_ladder_changes_who_is_paged(engine: SqlEngine) -> None:
    apply_org(engine)
    clock, recorder = FakeClock(), Recorder()
    worker = make_engine(engine, clock, recorder)
    _open(engine, clock)
    _drain(worker)
    with Session(engine) as session:
        overrides.insert_override(
            session,
            org_code="OPS",
            rotation_id="ops",
            person_id="dee",
            start_at=clock(),
            end_at=clock() + timedelta(hours=2),
            note="",
            created_at=clock(),
            created_by="test",
        )
        session.commit()
    clock.advance(minutes=35)  # rungs 2 and 3 (the owner: no component, nobody)
    _drain(worker)
    clock.advance(minutes=10)  # round two: the primary is now dee, by the override
    _drain(worker)
    assert recorder.addresses() == [
        "http://hooks.test/ana",
        "http://hooks.test/bo-1",
        "http://hooks.test/dee",
    ]


class _Died(BaseException):
    """A worker killed between committing "sending" and hearing back."""


def test_a_notification_whose_worker_died_is_sent_again_marked(engine: SqlEngine) -> None:
    apply_org(engine)
    clock = FakeClock()

    def die(_notice: object, _address: str) -> None:
        raise _Died

    dying = make_engine(engine, clock, Recorder(before=die), lease=timedelta(seconds=30))
    page_id = _open(engine, clock)
    with pytest.raises(_Died):
        _drain(dying)
    recorder = Recorder()
    survivor = make_engine(engine, clock, recorder, lease=timedelta(seconds=30))
    _drain(survivor)
    assert recorder.sent == []  # the lease has not run out yet
    clock.advance(seconds=31)
    _drain(survivor)
    assert [(a, n.possible_repeat) for a, n in recorder.sent] == [("http://hooks.test/ana", True)]
    with Session(engine) as session:
        (note,) = pages.notifications_of(session, page_id)
        assert (note.status, note.attempts, note.possible_repeat) == ("sent", 2, True)
        texts = [event.text for event in pages.events_of(session, page_id)]
    assert "Notified ana by webhook (possible repeat)." in texts


def test_a_worker_that_lost_its_claim_changes_nothing(engine: SqlEngine) -> None:
    apply_org(engine)
    clock = FakeClock()
    slow = Recorder()
    first = make_engine(engine, clock, slow, lease=timedelta(seconds=5))
    second_recorder = Recorder()
    second = make_engine(engine, clock, second_recorder, lease=timedelta(seconds=5))
    page_id = _open(engine, clock)
    _drain(first)  # the rung: one notification, and its timer
    with Session(engine) as session:
        (note,) = pages.notifications_of(session, page_id)

    # While the first engine is "in the provider call", its lease runs out and the
    # second one takes the timer over.
    def overtaken(_notice: object, _address: str) -> None:
        clock.advance(seconds=6)
        _drain(second)

    with Session(engine) as session:
        pages.set_notification(session, note.id, expect=["sent"], values={"status": "pending"})
        session.execute(update(TimerRow).where(TimerRow.ref == note.id).values(status="pending"))
        session.commit()
    slow.before = overtaken
    _drain(first)
    assert len(second_recorder.sent) == 1
    assert second_recorder.sent[0][1].possible_repeat
    with Session(engine) as session:
        (again,) = pages.notifications_of(session, page_id)
    assert again.status == "sent"


def test_a_delivery_that_got_no_answer_is_sent_again_marked(engine: SqlEngine) -> None:
    """The receiver has the notice but answers after the channel gave up waiting: the
    retry repeats it, so it is marked "possible repeat" (a regression: it was not, and a
    receiver slower than the time-out got the same page twice, unmarked)."""
    receiver = Receiver(mute_for=1.0)
    base = receiver.start()
    org: dict[str, Any] = copy.deepcopy(ORG)
    for person in cast("list[dict[str, Any]]", org["people"]):
        if person["id"] == "ana":
            person["contacts"] = [f"{base}/mute/ana"]
    apply_org(engine, org)
    clock = FakeClock()
    with httpx.Client(timeout=0.3) as client:
        worker = Engine(
            session_factory=lambda: Session(engine),
            channels=Channels({"webhook": WebhookChannel(client)}),
            secret="s" * 32,
            public_url="http://orgplane.test",
            clock=clock,
            backoff=timedelta(seconds=2),
        )
        page_id = _open(engine, clock)
        _drain(worker)  # the receiver has it; its answer comes too late
        clock.advance(seconds=2)
        _drain(worker)
    receiver.stop()
    with Session(engine) as session:
        (note,) = pages.notifications_of(session, page_id)
        texts = [event.text for event in pages.events_of(session, page_id)]
    got = [(a.key, a.body["possible_repeat"]) for a in receiver.snapshot()]
    assert got == [(note.id, False), (note.id, True)]
    assert (note.status, note.attempts, note.possible_repeat) == ("sent", 2, True)
    assert "Notified ana by webhook (possible repeat)." in texts


def test_a_notification_is_sent_under_a_live_lease_after_a_long_wait_for_the_lock(
    engine: SqlEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Taking the write lock may take longer than the lease (other writers hold it): the
    lease the provider is called under still runs from when "sending" committed. (A
    regression: it ran from before the wait, so it could have run out before the call,
    and another worker could send the same notification at the same time.)"""
    apply_org(engine)
    clock = FakeClock()
    lease = timedelta(seconds=5)
    leases_at_send: list[tuple[datetime | None, datetime]] = []

    def slow_lock(session: Session) -> None:
        clock.advance(seconds=6)  # the wait for the lock, longer than the lease
        store_begin_write(session)

    def look(notice: Notice, _address: str) -> None:
        with Session(engine) as session:
            until = session.scalar(select(TimerRow.lease_until).where(TimerRow.ref == notice.key))
        leases_at_send.append((until, clock()))

    worker = make_engine(engine, clock, Recorder(before=look), lease=lease)
    _open(engine, clock)
    monkeypatch.setattr(engine_module, "begin_write", slow_lock)
    _drain(worker)
    ((until, at),) = leases_at_send
    assert until is not None
    assert until > at


def test_ack_links_are_signed_per_page_and_person_and_expire() -> None:
    clock = FakeClock()
    token = page_service.ack_token(
        secret="k" * 32, page_id="p1", person="ana", expires=clock() + timedelta(hours=1)
    )
    check = page_service.check_ack_token
    assert check(secret="k" * 32, page_id="p1", token=token, now=clock()) == "ana"
    with pytest.raises(AuthenticationError, match="not valid for this page"):
        check(secret="k" * 32, page_id="p2", token=token, now=clock())
    forged = token.replace(token.split(".")[0], "Ym8")  # "bo"
    with pytest.raises(AuthenticationError, match="not valid"):
        check(secret="k" * 32, page_id="p1", token=forged, now=clock())
    with pytest.raises(AuthenticationError, match="expired"):
        check(secret="k" * 32, page_id="p1", token=token, now=clock() + timedelta(hours=2))
    with pytest.raises(AuthenticationError, match="malformed"):
        check(secret="k" * 32, page_id="p1", token="nonsense", now=clock())
