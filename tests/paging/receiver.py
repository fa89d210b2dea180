"""A real HTTP receiver of notifications on loopback, for the paging tests.

``Receiver`` is an HTTP server on 127.0.0.1 in the test process, on threads of its own. It
records each request (its arrival on the test process's monotonic clock, path,
``Idempotency-Key``, JSON body and the status it answered) and answers by path:

- under ``/flaky/``, the first arrival of one key in four gets a 503 (try again);
- under ``/gone/``, every one a 410 (the address is gone: try the person's next method);
- under ``/mute/``, the first arrival of each key is answered ``mute_for`` seconds late
  (it has the notice; the sender times out first);
- anything else, a 200.

A request cut short (its sender was killed while sending it) or unreadable is answered
400 and does not count as delivered.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["Arrival", "Receiver"]


@dataclass(frozen=True, slots=True)
class Arrival:
    """One request the receiver got."""

    at: float
    path: str
    key: str
    body: dict[str, Any]
    status: int

    @property
    def delivered(self) -> bool:
        return 200 <= self.status < 300


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A worker killed mid-request resets its connection: expected here, not news.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class Receiver:
    #: How late the answers under ``/mute/`` are, in seconds.
    mute_for: float = 1.0
    arrivals: list[Arrival] = field(default_factory=list)
    _seen: set[tuple[str, str]] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    def start(self) -> str:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw) if len(raw) == length else None
                except ValueError:
                    body = None
                key = self.headers.get("Idempotency-Key", "")
                status = receiver.record(self.path, key, body, raw.decode(errors="replace"))
                if self.path.startswith("/mute/") and receiver.first_of(key):
                    time.sleep(receiver.mute_for)  # it has the notice; the answer is late
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = _Server(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        threading.Thread(target=server.serve_forever, name="receiver", daemon=True).start()
        return f"http://127.0.0.1:{server.server_address[1]}"

    def record(self, path: str, key: str, body: dict[str, Any] | None, raw: str) -> int:
        """Note a request; the status to answer it with. A request cut short (its sender
        was killed while sending it) or unreadable is answered 400: not delivered."""
        with self._lock:
            first = (path, key) not in self._seen
            if body is None:
                body, status = {"unreadable": raw}, 400
            elif path.startswith("/gone/"):
                status = 410
            elif path.startswith("/flaky/") and first and int(key[-4:], 16) % 4 == 0:
                status = 503
            else:
                status = 200
            if status != 400:
                self._seen.add((path, key))
            self.arrivals.append(Arrival(time.monotonic(), path, key, body, status))
        return status

    def first_of(self, key: str) -> bool:
        """Whether the receiver has had ``key`` only once."""
        with self._lock:
            return sum(arrival.key == key for arrival in self.arrivals) == 1

    def snapshot(self) -> list[Arrival]:
        with self._lock:
            return list(self.arrivals)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
