"""Answers a server process keeps while the database does not change: the hot reads (a
group by code or path, who owns an entry, who to contact) answered from memory.

Imports SQLAlchemy, pydantic, Starlette, ``api.observability`` (the ASGI types) and
``api.responses``. ``AnswerCache`` keeps each answer as its JSON bytes and ETag, keyed
by what the request asked, under the database's *change signal* as it was read before
the answer was built. Every request reads the
signal first; when it differs from the one the kept answers were read under, they are all
dropped. So a process never answers from data older than its own last look at the
signal, and several processes sharing one database (``orgplane serve --workers N``, or
servers on one PostgreSQL) each notice every other one's writes:

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

The signal is coarse on purpose: any write drops every answer (an API token's last-use
time included), since a stale answer costs more than a rebuilt one, and writes (applies)
are rare next to reads. Errors are never kept: a 404 or 409 is raised again each time.
The cache is bounded in bytes (least recently used answers go first).

``KeptAnswers`` serves kept answers before any routing: each kept answer remembers the
request path and query it was made for and the route that made it, so a request for
exactly those, asked anonymously where reads are open, is answered from memory without
FastAPI's routing, dependencies and validation, all of which it passed when the answer
was made and would pass again the same way. Everything else goes on to the app.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from orgplane.api.observability import ASGIApp, Receive, Scope, Send
from orgplane.api.responses import etag_matches, etag_of, json_body, tagged_response

__all__ = [
    "DEFAULT_MAX_BYTES",
    "AnswerCache",
    "CachedAnswer",
    "ChangeSignal",
    "KeptAnswers",
    "change_signal",
]

#: How many bytes of answers one process keeps at most (bodies plus a per-entry estimate).
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_ENTRY_OVERHEAD = 256
#: How many request paths (with their query) a process remembers the answer key of.
MAX_REQUESTS = 100_000


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


_log = logging.getLogger("orgplane.api.snapshots")

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


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    body: bytes
    etag: str

    def headers(self, status: int) -> list[tuple[bytes, bytes]]:
        """The headers ``tagged_response`` sends with this answer, in its order."""
        tagged = [(b"etag", self.etag.encode("latin-1")), (b"cache-control", b"no-cache")]
        if status == 304:
            return tagged
        return [
            *tagged,
            (b"content-length", str(len(self.body)).encode("latin-1")),
            (b"content-type", b"application/json"),
        ]


class AnswerCache:
    """One server's kept answers (see the module docstring). ``hits`` and ``misses``
    count how requests were answered."""

    def __init__(
        self,
        engine: Engine,
        sessions: sessionmaker[Session],
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self._signal = change_signal(engine)
        self._sessions = sessions
        self._max_bytes = max_bytes
        self._answers: OrderedDict[Hashable, CachedAnswer] = OrderedDict()
        self._bytes = 0
        self._version: Hashable | None = None
        self._lock = threading.Lock()
        # (path, query) -> (key, route): what a request for that path was answered with.
        self._requests: dict[tuple[str, bytes], tuple[Hashable, object]] = {}
        self.hits = 0
        self.misses = 0
        #: Of ``hits``, those answered before routing (``KeptAnswers``).
        self.early_hits = 0

    async def respond(
        self, request: Request, key: Hashable, build: Callable[[Session], BaseModel]
    ) -> Response:
        """The answer to ``key``: kept, or made by ``build`` (in the thread pool, with a
        session of its own) and kept. ``key`` must name everything the answer depends on
        but the data."""
        # The signal is read before the data: a write that lands while the answer is
        # being built changes the signal, so the answer is dropped at the next request.
        signal = self._signal
        version = signal.read() if signal.ready() else await run_in_threadpool(signal.read)
        answer = self._get(key, version)
        if answer is None:
            body = await run_in_threadpool(self._build, build)
            answer = CachedAnswer(body, etag_of(body))
            self._put(key, version, answer)
        self._remember(request.scope, key)
        return tagged_response(request, answer.body, answer.etag)

    def _remember(self, scope: Scope, key: Hashable) -> None:
        request = (scope["path"], scope.get("query_string", b""))
        if request in self._requests:
            return
        if len(self._requests) >= MAX_REQUESTS:
            self._requests.clear()
        self._requests[request] = (key, scope.get("route"))

    async def kept(self, scope: Scope) -> tuple[CachedAnswer, object] | None:
        """The kept answer to the request of ``scope``, with the route that made it, if
        one was made for exactly its path and query and the data has not changed since."""
        made = self._requests.get((scope["path"], scope.get("query_string", b"")))
        if made is None:
            return None
        key, route = made
        signal = self._signal
        version = signal.read() if signal.ready() else await run_in_threadpool(signal.read)
        answer = self._get(key, version, count_miss=False)
        if answer is None:
            return None
        self.early_hits += 1
        return answer, route

    def _build(self, build: Callable[[Session], BaseModel]) -> bytes:
        with self._sessions() as session:
            return json_body(build(session))

    def _get(
        self, key: Hashable, version: Hashable | None, *, count_miss: bool = True
    ) -> CachedAnswer | None:
        with self._lock:
            if version is None:
                self.misses += count_miss
                return None
            if version != self._version:
                self._answers.clear()
                self._bytes = 0
                self._version = version
            answer = self._answers.get(key)
            if answer is None:
                self.misses += count_miss
                return None
            self._answers.move_to_end(key)
            self.hits += 1
            return answer

    def _put(self, key: Hashable, version: Hashable | None, answer: CachedAnswer) -> None:
        size = len(answer.body) + _ENTRY_OVERHEAD
        with self._lock:
            # A request that read an older signal than the last one seen may have read
            # older data: it answers its client, and keeps nothing.
            if version is None or version != self._version or size > self._max_bytes:
                return
            previous = self._answers.pop(key, None)
            if previous is not None:
                self._bytes -= len(previous.body) + _ENTRY_OVERHEAD
            self._answers[key] = answer
            self._bytes += size
            while self._bytes > self._max_bytes:
                _, evicted = self._answers.popitem(last=False)
                self._bytes -= len(evicted.body) + _ENTRY_OVERHEAD

    def __len__(self) -> int:
        return len(self._answers)


class KeptAnswers:
    """ASGI middleware: answers a GET that ``cache`` kept an answer for (see the module
    docstring) — when the caller sends no token and ``open_reads`` says reads need none —
    and hands every other request to ``app``. The answer goes out as ``tagged_response``
    would send it (a 304 when the client's ``If-None-Match`` matches), and ``scope``
    carries the route that made it, so metrics and logs name that route."""

    def __init__(self, app: ASGIApp, *, cache: AnswerCache, open_reads: bool) -> None:
        self.app = app
        self.cache = cache
        self.open_reads = open_reads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.open_reads and scope["type"] == "http" and scope["method"] == "GET":
            match = None
            for name, value in scope["headers"]:
                if name == b"authorization":
                    break
                if name == b"if-none-match":
                    match = value
            else:
                kept = await self.cache.kept(scope)
                if kept is not None:
                    answer, route = kept
                    scope["route"] = route
                    current = match is not None and etag_matches(
                        match.decode("latin-1"), answer.etag
                    )
                    status = 304 if current else 200
                    headers = answer.headers(status)
                    await send(
                        {"type": "http.response.start", "status": status, "headers": headers}
                    )
                    await send(
                        {"type": "http.response.body", "body": b"" if current else answer.body}
                    )
                    return
        await self.app(scope, receive, send)
