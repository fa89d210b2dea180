"""Answers a server process keeps while the database does not change: the hot reads (a
group by code or path, who owns an entry, who to contact) answered from memory.

Imports SQLAlchemy, pydantic, Starlette, ``api.change_signals``, ``api.observability``
(the ASGI types) and ``api.responses``. ``AnswerCache`` keeps each answer as its JSON bytes and ETag, keyed
by what the request asked, under the database's *change signal* as it was read before
the answer was built. Every request reads the
signal first; when it differs from the one the kept answers were read under, they are all
dropped. So a process never answers from data older than its own last look at the
signal, and several processes sharing one database (``orgplane serve --workers N``, or
servers on one PostgreSQL) each notice every other one's writes. The signals are in
``api.change_signals``: SQLite's ``PRAGMA data_version`` and, on PostgreSQL, a count of
the notices every write sends.

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

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from pydantic import BaseModel
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from orgplane.api.change_signals import change_signal
from orgplane.api.observability import ASGIApp, Receive, Scope, Send
from orgplane.api.responses import etag_matches, etag_of, json_body, tagged_response

__all__ = [
    "DEFAULT_MAX_BYTES",
    "AnswerCache",
    "CachedAnswer",
    "Expiring",
    "KeptAnswers",
    "wall_clock",
]

T = TypeVar("T")

#: How many bytes of answers one process keeps at most (bodies plus a per-entry estimate).
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_ENTRY_OVERHEAD = 256
#: How many request paths (with their query) a process remembers the answer key of.
MAX_REQUESTS = 100_000


def wall_clock() -> datetime:
    """The server's clock: the one place the server reads the time of day."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Expiring:
    """An answer that is true until ``until`` (None: until the data changes), such as who
    is on call now: kept no longer than that."""

    answer: BaseModel
    until: datetime | None


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    body: bytes
    etag: str
    #: The instant the answer stops being true (None: only a change of the data ends it).
    expires: datetime | None = None

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
        clock: Callable[[], datetime] = wall_clock,
    ) -> None:
        self._signal = change_signal(engine)
        self.clock = clock
        # What answers are made from, kept per snapshot like them (see ``per_snapshot``).
        self._values: dict[Hashable, object] = {}
        self._building = threading.local()
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
        self, request: Request, key: Hashable, build: Callable[[Session], BaseModel | Expiring]
    ) -> Response:
        """The answer to ``key``: kept, or made by ``build`` (in the thread pool, with a
        session of its own) and kept. ``key`` must name everything the answer depends on
        but the data (and the time: an answer true only until some instant is an
        ``Expiring``, kept until then)."""
        # The signal is read before the data: a write that lands while the answer is
        # being built changes the signal, so the answer is dropped at the next request.
        signal = self._signal
        version = signal.read() if signal.ready() else await run_in_threadpool(signal.read)
        answer = self._get(key, version)
        if answer is None:
            body, expires = await run_in_threadpool(self._build, build, version)
            answer = CachedAnswer(body, etag_of(body), expires)
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

    def _build(
        self, build: Callable[[Session], BaseModel | Expiring], version: Hashable | None
    ) -> tuple[bytes, datetime | None]:
        self._building.version = version
        try:
            with self._sessions() as session:
                made = build(session)
        finally:
            self._building.version = None
        if isinstance(made, Expiring):
            return json_body(made.answer), made.until
        return json_body(made), None

    def per_snapshot(self, key: Hashable, make: Callable[[], T]) -> T:
        """What ``make`` makes, kept with the answers under the change signal the answer
        being built read (so dropped with them): the parts many answers are made from,
        such as an org's on-call book. Called inside a ``build`` of ``respond``; outside
        one (or with no signal) nothing is kept."""
        version = getattr(self._building, "version", None)
        if version is None:
            return make()
        with self._lock:
            if version == self._version and key in self._values:
                return self._values[key]  # type: ignore[return-value]
        value = make()
        with self._lock:
            if version == self._version:
                self._values[key] = value
        return value

    def _get(
        self, key: Hashable, version: Hashable | None, *, count_miss: bool = True
    ) -> CachedAnswer | None:
        with self._lock:
            if version is None:
                self.misses += count_miss
                return None
            if version != self._version:
                self._answers.clear()
                self._values.clear()
                self._bytes = 0
                self._version = version
            answer = self._answers.get(key)
            if answer is not None and answer.expires is not None and self.clock() >= answer.expires:
                del self._answers[key]
                self._bytes -= len(answer.body) + _ENTRY_OVERHEAD
                answer = None
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
