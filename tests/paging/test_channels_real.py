"""The channels against real receivers on loopback: HTTP servers that accept, ask to slow
down, fail or never answer, and an SMTP server (aiosmtpd). Then the engine with these
real channels (under the fake clock): a failing method gives way to the next one, and
the ladder goes on."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import timedelta
from email.utils import parseaddr, parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import Engine as SqlEngine
from sqlalchemy.orm import Session

from orgplane.integrations.channels import Channels, DeliveryError, Notice, channels_from_settings
from orgplane.services import pages as page_service
from orgplane.services.engine import Engine
from orgplane.settings import get_settings
from orgplane.store import pages
from tests.paging.engine_kit import ORG, FakeClock, apply_org
from tests.paging.receivers import Answer, HookServer, SmtpSink, hook_server, smtp_sink

SECRET = "s" * 32
PUBLIC_URL = "http://orgplane.test"


@pytest.fixture
def hooks() -> Iterator[HookServer]:
    with hook_server() as server:
        yield server


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with smtp_sink() as server:
        yield server


def _channels(*, smtp: SmtpSink | None = None, timeout: float = 2.0) -> Channels:
    environ = {}
    if smtp is not None:
        environ["ORGPLANE_SMTP_URL"] = f"smtp://127.0.0.1:{smtp.port}?from=orgplane@ops.example"
    return channels_from_settings(get_settings(environ), timeout=timeout)


def _notice(**changes: Any) -> Notice:
    values: dict[str, Any] = {
        "key": "6f1c1a52-7d0e-4a43-9d43-5b0d3f1f8a10",
        "org": "OPS",
        "page_id": "0d8f4c1e-1111-4222-8333-944455556666",
        "summary": "Disk full on db-1",
        "status": "triggered",
        "person": "ana",
        "person_name": "Ana",
        "step": "Step 1 of 3 of Ops ladder",
        "ack_url": f"{PUBLIC_URL}/pages/0d8f/ack?token=YW5h.1790000000.sig",
        "page_url": f"{PUBLIC_URL}/orgs/OPS/pages/0d8f",
    }
    values.update(changes)
    return Notice(**values)


# -- each channel against a receiver that accepts --------------------------------------


def test_a_webhook_posts_the_notice_as_json_with_its_idempotency_key(hooks: HookServer) -> None:
    notice = _notice()
    _channels().send("webhook", notice, hooks.url("/hook"))
    (request,) = hooks.received
    assert request.headers["idempotency-key"] == notice.key
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {
        "id": notice.key,
        "org": "OPS",
        "page": notice.page_id,
        "summary": "Disk full on db-1",
        "status": "triggered",
        "person": "ana",
        "step": "Step 1 of 3 of Ops ladder",
        "ack_url": notice.ack_url,
        "page_url": notice.page_url,
        "possible_repeat": False,
    }


@pytest.mark.parametrize("kind", ["slack", "mattermost"])
def test_slack_and_mattermost_get_one_text_with_both_links(hooks: HookServer, kind: str) -> None:
    notice = _notice(possible_repeat=True)
    _channels().send(kind, notice, hooks.url(f"/{kind}"))
    (request,) = hooks.received
    assert request.headers["idempotency-key"] == notice.key
    body = request.json()
    assert list(body) == ["text"]
    lines = body["text"].splitlines()
    assert lines[0] == "[OPS] Page: Disk full on db-1 (possible repeat)"
    assert f"Acknowledge: {notice.ack_url}" in lines
    assert f"Page: {notice.page_url}" in lines


def test_teams_gets_an_adaptive_card_with_an_acknowledge_action(hooks: HookServer) -> None:
    notice = _notice()
    _channels().send("teams", notice, hooks.url("/teams"))
    (request,) = hooks.received
    assert request.headers["idempotency-key"] == notice.key
    body = request.json()
    assert body["type"] == "message"
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["version"] == "1.4"
    assert card["body"][0] == {
        "type": "TextBlock",
        "text": "[OPS] Page: Disk full on db-1",
        "weight": "Bolder",
        "wrap": True,
    }
    actions = {action["title"]: action for action in card["actions"]}
    assert actions["Acknowledge"] == {
        "type": "Action.OpenUrl",
        "title": "Acknowledge",
        "url": notice.ack_url,
    }
    assert actions["Open the page"]["url"] == notice.page_url


# -- receivers that do not accept --------------------------------------------------------


def test_a_429_is_retryable_with_its_retry_after_and_the_retry_has_the_same_key(
    hooks: HookServer,
) -> None:
    hooks.answers["/busy"] = Answer.BUSY_ONCE
    hooks.retry_after = "7"
    notice, channels = _notice(), _channels()
    with pytest.raises(DeliveryError, match="answered 429") as raised:
        channels.send("webhook", notice, hooks.url("/busy"))
    assert raised.value.retryable
    assert raised.value.retry_after == 7.0
    channels.send("webhook", notice, hooks.url("/busy"))
    assert [r.headers["idempotency-key"] for r in hooks.to("/busy")] == [notice.key] * 2


def test_a_retry_after_given_as_a_date_is_read_as_seconds(hooks: HookServer) -> None:
    hooks.answers["/busy"] = Answer.BUSY_ONCE
    hooks.retry_after = "Wed, 21 Oct 2015 07:28:00 GMT"  # in the past: at once
    with pytest.raises(DeliveryError) as raised:
        _channels().send("slack", _notice(), hooks.url("/busy"))
    assert raised.value.retry_after == 0.0


def test_a_500_is_retryable(hooks: HookServer) -> None:
    hooks.answers["/down"] = Answer.FAIL
    with pytest.raises(DeliveryError, match="answered 500 Internal Server Error") as raised:
        _channels().send("teams", _notice(), hooks.url("/down"))
    assert raised.value.retryable
    assert raised.value.retry_after is None


def test_a_404_is_not_retryable(hooks: HookServer) -> None:
    hooks.answers["/gone"] = Answer.GONE
    with pytest.raises(DeliveryError, match="answered 404") as raised:
        _channels().send("webhook", _notice(), hooks.url("/gone"))
    assert not raised.value.retryable


def test_a_receiver_that_never_answers_times_out_retryably(hooks: HookServer) -> None:
    hooks.answers["/hang"] = Answer.HANG
    with pytest.raises(DeliveryError, match=r"no answer within 0\.3 s") as raised:
        _channels(timeout=0.3).send("webhook", _notice(), hooks.url("/hang"))
    assert raised.value.retryable
    assert len(hooks.to("/hang")) == 1  # the request did arrive


def test_a_refused_connection_is_retryable(hooks: HookServer) -> None:
    closed = HookServer()
    with hook_server() as other:
        closed.port = other.port
    with pytest.raises(DeliveryError, match="ConnectError") as raised:
        _channels().send("webhook", _notice(), closed.url("/nobody"))
    assert raised.value.retryable


# -- e-mail ------------------------------------------------------------------------------


def test_an_email_has_its_headers_the_summary_and_both_links(sink: SmtpSink) -> None:
    notice = _notice()
    _channels(smtp=sink).send("email", notice, "ana@ops.example")
    assert sink.envelopes == [("orgplane@ops.example", ["ana@ops.example"])]
    (message,) = sink.messages
    assert message["From"] == "orgplane@ops.example"
    assert message["To"] == "ana@ops.example"
    assert message["Subject"] == "[OPS] Page: Disk full on db-1"
    assert message["Message-ID"] == f"<{notice.key}@ops.example>"
    assert parsedate_to_datetime(message["Date"]).tzinfo is not None
    assert message["X-Orgplane-Page"] == notice.page_id
    body = message.get_content()
    assert "[OPS] Page: Disk full on db-1" in body
    assert f"Acknowledge: {notice.ack_url}" in body.splitlines()
    assert f"Page: {notice.page_url}" in body.splitlines()


def test_email_without_an_smtp_server_is_a_permanent_failure() -> None:
    with pytest.raises(DeliveryError, match="ORGPLANE_SMTP_URL") as raised:
        _channels().send("email", _notice(), "ana@ops.example")
    assert not raised.value.retryable


# -- the engine with real channels -------------------------------------------------------


def _org_reaching(contacts: dict[str, list[Any]]) -> dict[str, Any]:
    org = copy.deepcopy(ORG)
    people: list[dict[str, Any]] = org["people"]  # type: ignore[assignment]
    for person in people:
        if person["id"] in contacts:
            person["contacts"] = contacts[person["id"]]
    return org


def _engine(engine: SqlEngine, clock: FakeClock, channels: Channels) -> Engine:
    return Engine(
        session_factory=lambda: Session(engine),
        channels=channels,
        secret=SECRET,
        public_url=PUBLIC_URL,
        clock=clock,
        backoff=timedelta(seconds=2),
    )


def _drain(worker: Engine) -> None:
    while worker.run_due():
        pass


def _open(engine: SqlEngine, clock: FakeClock) -> str:
    with Session(engine) as session:
        page = page_service.open_page(
            session=session,
            org_code="OPS",
            target="ops",
            summary="Disk full on db-1",
            actor="test",
            now=clock(),
        )
    return page.id


def _timeline(engine: SqlEngine, page_id: str) -> list[tuple[str, str]]:
    with Session(engine) as session:
        return [(event.kind, event.text) for event in pages.events_of(session, page_id)]


def test_a_webhook_that_answers_500_gives_way_to_the_next_method_and_the_ladder_goes_on(
    engine: SqlEngine, hooks: HookServer
) -> None:
    hooks.answers["/ana"] = Answer.FAIL
    apply_org(
        engine,
        _org_reaching(
            {
                "ana": [hooks.url("/ana"), {"kind": "slack", "to": hooks.url("/ana-chat")}],
                "bo": [hooks.url("/bo")],
            },
        ),
    )
    clock = FakeClock()
    worker = _engine(engine, clock, _channels())
    page_id = _open(engine, clock)
    _drain(worker)  # attempt 1 of the webhook: 500
    clock.advance(seconds=2)
    _drain(worker)  # attempt 2: 500
    clock.advance(seconds=4)
    _drain(worker)  # attempt 3: 500, then the next method, at once
    assert [r.path for r in hooks.received] == ["/ana", "/ana", "/ana", "/ana-chat"]
    keys = [r.headers["idempotency-key"] for r in hooks.received]
    assert keys[0] == keys[1] == keys[2] != keys[3]
    timeline = _timeline(engine, page_id)
    kinds = [kind for kind, _ in timeline]
    assert kinds == [
        "opened",
        "step",
        "delivery-retry",
        "delivery-retry",
        "delivery-failed",
        "notified",
    ]
    assert "Notifying ana by webhook failed (attempt 1): answered 500" in timeline[2][1]
    assert "failed after 3 attempt(s): answered 500" in timeline[4][1]
    assert timeline[5][1] == "Notified ana by slack."
    # The second rung is due 15 minutes into the page, whatever the first one cost.
    clock.advance(minutes=15, seconds=-6)
    _drain(worker)
    assert [r.path for r in hooks.received][4:] == ["/bo"]
    assert hooks.received[4].json()["step"] == "Step 2 of 3 of Ops ladder"


def test_a_webhook_that_never_answers_costs_its_timeout_then_the_next_method(
    engine: SqlEngine, hooks: HookServer
) -> None:
    hooks.answers["/ana"] = Answer.HANG
    apply_org(
        engine,
        _org_reaching({"ana": [hooks.url("/ana"), hooks.url("/ana-2")]}),
    )
    clock = FakeClock()
    worker = _engine(engine, clock, _channels(timeout=0.2))
    page_id = _open(engine, clock)
    for _ in range(3):
        _drain(worker)
        clock.advance(seconds=4)
    assert [r.path for r in hooks.received] == ["/ana", "/ana", "/ana", "/ana-2"]
    texts = [text for kind, text in _timeline(engine, page_id) if kind == "delivery-failed"]
    # The receiver got each request and never answered: the retries may be repeats.
    assert texts == [
        "Notifying ana by webhook (possible repeat) failed after 3 attempt(s): "
        "no answer within 0.2 s."
    ]
    marks = [r.json()["possible_repeat"] for r in hooks.received]
    assert marks == [False, True, True, False]


def test_the_engine_waits_as_long_as_a_429_asks(engine: SqlEngine, hooks: HookServer) -> None:
    hooks.answers["/ana"] = Answer.BUSY_ONCE
    hooks.retry_after = "7"
    apply_org(engine, _org_reaching({"ana": [hooks.url("/ana")]}))
    clock = FakeClock()
    worker = _engine(engine, clock, _channels())
    page_id = _open(engine, clock)
    _drain(worker)
    clock.advance(seconds=2)  # the backoff alone would try again now
    _drain(worker)
    assert len(hooks.to("/ana")) == 1
    clock.advance(seconds=5)
    _drain(worker)
    assert len(hooks.to("/ana")) == 2
    with Session(engine) as session:
        (note,) = pages.notifications_of(session, page_id)
    assert (note.status, note.attempts) == ("sent", 2)
    retry = [text for kind, text in _timeline(engine, page_id) if kind == "delivery-retry"]
    assert retry == [
        "Notifying ana by webhook failed (attempt 1): answered 429 Too Many Requests "
        "(Retry-After: 7 s); trying again in 7 s."
    ]


def test_an_email_page_carries_a_signed_acknowledgement_link(
    engine: SqlEngine, sink: SmtpSink
) -> None:
    apply_org(engine, _org_reaching({"ana": ["ana@ops.example"]}))
    clock = FakeClock()
    worker = _engine(engine, clock, _channels(smtp=sink))
    page_id = _open(engine, clock)
    _drain(worker)
    (message,) = sink.messages
    with Session(engine) as session:
        (note,) = pages.notifications_of(session, page_id)
    assert note.status == "sent"
    assert message["Message-ID"] == f"<{note.id}@ops.example>"
    assert parseaddr(message["To"])[1] == "ana@ops.example"
    assert message["Subject"] == "[OPS] Page: Disk full on db-1"
    lines = message.get_content().splitlines()  # the wire's CRLF, decoded from QP
    (ack,) = [line.removeprefix("Acknowledge: ") for line in lines if line.startswith("Ack")]
    assert f"Page: {PUBLIC_URL}/orgs/OPS/pages/{page_id}" in lines
    url = urlsplit(ack)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{PUBLIC_URL}/pages/{page_id}/ack"
    (token,) = parse_qs(url.query)["token"]
    person = page_service.check_ack_token(secret=SECRET, page_id=page_id, token=token, now=clock())
    assert person == "ana"
