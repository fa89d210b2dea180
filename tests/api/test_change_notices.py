"""On PostgreSQL the kept answers follow the database by its notices, not by a query.

Migration 0004 gives every table a trigger that sends a notice on ``orgplane_changes``
when a writing transaction commits; ``AnswerCache`` counts the notices on a connection
of its own (``api/change_signals.py``). These tests run on the real PostgreSQL server.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterator

import pytest
from anyio.from_thread import BlockingPortal
from sqlalchemy import NullPool, text, update
from sqlalchemy.orm import Session

from orgplane.api.change_signals import CHANGES_CHANNEL, ChangeSignal
from orgplane.api.snapshots import AnswerCache
from orgplane.store import create_engine, upgrade
from orgplane.store.tables import Base, GroupRow
from tests.api.conftest import Server, elsewhere, examples_copy, serving
from tests.db import PostgresServer

GROUP = "/api/orgs/CIPO/groups/B-2"


@pytest.fixture
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, portal: BlockingPortal
) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("notices")
    with (
        examples_copy("postgresql", request, folder) as url,
        serving("postgresql", url, portal) as running,
    ):
        yield running


def _signal(server: Server) -> ChangeSignal:
    answers: AnswerCache = server.app.state.orgplane.answers
    return answers._signal


def _listening(signal: ChangeSignal, started: int = 1) -> tuple[int, ...]:
    """The signal's marker once it listens (for the ``started``-th time)."""
    deadline = time.monotonic() + 10
    while True:
        signal.ready()
        marker = signal.read()
        if isinstance(marker, tuple) and marker[0] >= started:
            return marker
        assert time.monotonic() < deadline, f"not listening: {marker!r}"
        time.sleep(0.02)


def _rename_elsewhere(server: Server, name: str) -> None:
    """Rename group 1B/B-2 as another server process would."""
    with elsewhere(server.url) as connection:
        connection.execute(
            update(GroupRow)
            .where(GroupRow.org_code == "CIPO", GroupRow.path == "1B/B-2")
            .values(name=name)
        )


def _changed(signal: ChangeSignal, marker: Hashable) -> Hashable:
    deadline = time.monotonic() + 10
    while (now := signal.read()) == marker or now is None:
        assert time.monotonic() < deadline, "no notice came"
        time.sleep(0.01)
    return now


def test_every_table_sends_notices(postgres: PostgresServer) -> None:
    name = postgres.create_database()
    try:
        upgrade(postgres.url(name))
        engine = create_engine(postgres.url(name), poolclass=NullPool)
        try:
            with engine.connect() as connection:
                triggered = set(
                    connection.execute(
                        text(
                            "SELECT c.relname FROM pg_trigger t JOIN pg_class c "
                            "ON c.oid = t.tgrelid WHERE t.tgname = 'orgplane_notify_change'"
                        )
                    ).scalars()
                )
        finally:
            engine.dispose()
        assert triggered == set(Base.metadata.tables)
    finally:
        postgres.drop_database(name)


def test_a_hit_reads_no_database_and_another_process_write_comes_as_a_notice(
    server: Server,
) -> None:
    signal = _signal(server)
    server.client.get(GROUP)
    marker = _listening(signal)
    assert signal.ready(), "reading the signal must not need the thread pool"
    first = server.client.get(GROUP)
    assert server.client.get(GROUP).content == first.content
    _rename_elsewhere(server, "Renamed by another process")
    after = _changed(signal, marker)
    assert isinstance(after, tuple)
    assert after[:2] == (marker[0], marker[1] + 1), "one notice per writing transaction"
    assert server.client.get(GROUP).json()["name"] == "Renamed by another process"


def test_this_process_reads_its_own_writes_without_waiting_for_the_notice(
    server: Server,
) -> None:
    signal = _signal(server)
    server.client.get(GROUP)
    _listening(signal)
    server.client.get(GROUP)  # kept
    with Session(server.engine) as session:
        session.execute(
            update(GroupRow)
            .where(GroupRow.org_code == "CIPO", GroupRow.path == "1B/B-2")
            .values(name="Renamed here")
        )
        assert signal.read() is None, "a write in progress: nothing is kept or answered"
        session.commit()
    # The connection went back to the pool: the signal changed before any notice could.
    assert server.client.get(GROUP).json()["name"] == "Renamed here"


def test_a_lost_listener_falls_back_to_the_snapshot_and_listens_again(
    server: Server, postgres: PostgresServer
) -> None:
    signal = _signal(server)
    server.client.get(GROUP)
    _listening(signal)
    postgres.admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE query = 'LISTEN {CHANGES_CHANNEL}'"
    )
    _listening(signal, started=2)
    # Whatever the signal was meanwhile, answers stay right.
    _rename_elsewhere(server, "After the reconnect")
    deadline = time.monotonic() + 10
    while server.client.get(GROUP).json()["name"] != "After the reconnect":
        assert time.monotonic() < deadline, "the write was never seen"
        time.sleep(0.01)


def test_disposing_of_the_engine_stops_the_listener(server: Server) -> None:
    signal = _signal(server)
    server.client.get(GROUP)
    _listening(signal)
    thread = signal._thread  # type: ignore[attr-defined]
    assert thread is not None
    assert thread.is_alive()
    server.engine.dispose()
    assert not thread.is_alive()
