"""The database's change signal: a marker that changes whenever its data may have.

Imports SQLAlchemy only (and the database driver through it). ``api.snapshots`` keeps
the answers to hot reads under the signal as it was read before each answer was built,
and drops them all when it changes. One signal per database kind:

- SQLite: ``PRAGMA data_version`` on a connection of the cache's own. Its value changes
  whenever any other connection — of this process or another — commits a change to the
  file; reading it costs microseconds (the WAL index's header), so it runs on the event
  loop, and a hit takes no thread and no query.
- PostgreSQL: the notices of migration 0004's triggers, which every table has: each
  transaction that writes anything, in any session, sends one on ``CHANGES_CHANNEL``
  when it commits. A thread of the cache's own listens on a connection of its own and
  counts them, so reading the signal is reading a number, on the event loop, like
  SQLite's. While it is not listening (starting, or after its connection failed) the
  signal is ``pg_current_snapshot()``, one tiny query in the thread pool, whose text
  changes whenever a transaction that wrote anything gets its id or ends.
- Anything else (an in-memory SQLite database, which a connection of the signal's own
  would not even see): no signal, nothing kept.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import weakref
from collections.abc import Hashable
from typing import Any, Protocol

from sqlalchemy import Engine, event, text
from sqlalchemy.exc import SQLAlchemyError

__all__ = ["CHANGES_CHANNEL", "ChangeSignal", "change_signal"]


class ChangeSignal(Protocol):
    """A marker of the database's state that changes whenever its data may have."""

    def ready(self) -> bool:
        """Whether ``read`` is cheap now and never blocks, so it may run on the event loop."""

    def read(self) -> Hashable | None:
        """The current marker; ``None`` when it cannot be read (then nothing is kept)."""


class _NoSignal:
    def ready(self) -> bool:
        return True

    def read(self) -> Hashable | None:
        return None


class _SqliteDataVersion:
    """``PRAGMA data_version`` on a connection of its own, opened on first use (in the
    thread pool: opening may wait for a lock) and never used for anything else."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Any = None
        self._lock = threading.Lock()

    def ready(self) -> bool:
        return self._connection is not None

    def read(self) -> Hashable | None:
        with self._lock:
            if self._connection is None and not self._open():
                return None
            try:
                row = self._connection.execute("PRAGMA data_version").fetchone()
            except self._engine.dialect.loaded_dbapi.Error:
                return None  # busy (it never waits): this request keeps nothing
            return int(row[0])

    def _open(self) -> bool:
        dialect = self._engine.dialect
        args, options = dialect.create_connect_args(self._engine.url)
        try:
            # The same file and options as the engine's connections, but outside its pool:
            # no session may ever commit on this connection (its own commits would not
            # change its data_version). Autocommit, so no read transaction stays open.
            connection = dialect.loaded_dbapi.connect(
                *args, **{**options, "check_same_thread": False, "isolation_level": None}
            )
            connection.execute("PRAGMA busy_timeout = 0")
        except dialect.loaded_dbapi.Error:
            return False
        weakref.finalize(self, connection.close)
        self._connection = connection
        return True


class _PostgresSnapshot:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def ready(self) -> bool:
        return False  # a query: always in the thread pool

    def read(self) -> Hashable | None:
        try:
            with self._engine.connect() as connection:
                marker = connection.execute(text("SELECT pg_current_snapshot()::text"))
                return str(marker.scalar_one())
        except SQLAlchemyError:
            return None


_log = logging.getLogger("orgplane.api.change_signals")

#: The channel the triggers of migration 0004 send a notice on, once per writing transaction.
CHANGES_CHANNEL = "orgplane_changes"
#: How long the listener waits for a notice before it looks whether it should stop.
_LISTEN_SECONDS = 0.25
#: How long it waits before listening again after its connection failed.
_RELISTEN_SECONDS = 1.0


#: Statements that write, by their first word (for text the SQL layer cannot classify).
_WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE")


class _PostgresNotices:
    """The notices of every write on ``CHANGES_CHANNEL``, counted by a thread of its own
    on a connection of its own (started on first use, so after ``serve --workers``
    forked). The marker is (how many times it started listening, notices since, writes
    of this process since). A notice comes a moment after its commit; so that this
    process always reads its own writes, the marker is None (nothing kept, nothing
    answered from memory) from the first statement that writes on one of the engine's
    connections until that connection goes back to the pool, and then it changes. While
    the thread is not listening (before it started, or after its connection failed,
    until it listens again) the marker is ``pg_current_snapshot()``, as before."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._snapshot = _PostgresSnapshot(engine)
        self._notices: tuple[int, int] | None = None
        self._start = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._writing: set[int] = set()  # ids of connections that wrote, not back yet
        self._writes = 0
        self._writes_lock = threading.Lock()
        event.listen(engine, "after_cursor_execute", self._executed)
        event.listen(engine.pool, "checkin", self._back)
        event.listen(engine.pool, "invalidate", self._back_invalid)
        # Disposing of the engine stops the listener: its connection is not in the pool,
        # so nothing else would close it.
        event.listen(engine, "engine_disposed", self._disposed)

    def ready(self) -> bool:
        if self._thread is None:
            self._start_listening()
        return self._notices is not None or bool(self._writing)

    def read(self) -> Hashable | None:
        if self._writing:
            return None
        notices = self._notices
        if notices is None:
            return self._snapshot.read()
        return (*notices, self._writes)

    def _executed(self, connection: Any, cursor: Any, statement: str, *args: Any) -> None:
        context = args[-2]
        writes = (
            context is not None and (context.isinsert or context.isupdate or context.isdelete)
        ) or statement.lstrip()[:8].upper().startswith(_WRITES)
        if writes:
            with self._writes_lock:
                self._writing.add(id(connection.connection.dbapi_connection))

    def _back(self, dbapi_connection: Any, record: Any) -> None:
        if dbapi_connection is not None and self._writing:
            with self._writes_lock:
                if id(dbapi_connection) in self._writing:
                    self._writing.discard(id(dbapi_connection))
                    self._writes += 1

    def _back_invalid(self, dbapi_connection: Any, record: Any, exception: Any) -> None:
        self._back(dbapi_connection, record)

    def _disposed(self, engine: Engine) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(_LISTEN_SECONDS * 4)

    def _start_listening(self) -> None:
        with self._start:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._listen, name="orgplane-change-notices", daemon=True
                )
                self._thread.start()

    def _listen(self) -> None:
        error = self._engine.dialect.loaded_dbapi.Error
        started = 0
        while not self._stop.is_set():
            connection: Any = None
            try:
                pooled = self._engine.raw_connection()
                connection = pooled.driver_connection
                pooled.detach()  # this connection only listens, and never goes back
                connection.autocommit = True
                connection.execute(f"LISTEN {CHANGES_CHANNEL}")
                started += 1
                count = 0
                self._notices = (started, count)
                while not self._stop.is_set():
                    for _ in connection.notifies(timeout=_LISTEN_SECONDS):
                        count += 1
                        self._notices = (started, count)
            except (error, SQLAlchemyError, OSError) as exc:
                _log.info("not listening for changes (%s); trying again", exc)
            except Exception:  # the listener must not die: the signal would stay a query
                _log.exception("listening for changes failed; trying again")
            finally:
                self._notices = None
                if connection is not None:
                    with contextlib.suppress(error, OSError):
                        connection.close()
            self._stop.wait(_RELISTEN_SECONDS)


def change_signal(engine: Engine) -> ChangeSignal:
    """The change signal of ``engine``'s database (see the module docstring)."""
    url = engine.url
    if url.get_backend_name() == "postgresql":
        return _PostgresNotices(engine)
    database = url.database or ""
    in_memory = not database or ":memory:" in database or url.query.get("mode") == "memory"
    if url.get_backend_name() == "sqlite" and engine.driver == "pysqlite" and not in_memory:
        return _SqliteDataVersion(engine)
    return _NoSignal()
