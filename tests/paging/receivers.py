"""Real receivers on loopback for the channel tests: an HTTP server whose paths answer
as a webhook provider might (accept, ask to slow down, fail, never answer), and an SMTP
server (aiosmtpd) that keeps every message it is given."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

__all__ = ["Answer", "HookServer", "Received", "SmtpSink", "hook_server", "smtp_sink"]


class Answer(Enum):
    """How a path of the ``HookServer`` answers."""

    ACCEPT = "accept"  #: 200
    BUSY_ONCE = "busy-once"  #: 429 with Retry-After the first time, then 200
    FAIL = "fail"  #: 500, always
    GONE = "gone"  #: 404, always
    HANG = "hang"  #: reads the request and never answers


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class HookServer:
    """Paths answer by ``answers`` (``ACCEPT`` when not listed); ``received`` keeps every
    request in order of arrival."""

    port: int = 0
    answers: dict[str, Answer] = field(default_factory=dict)
    retry_after: str = "1"
    received: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def to(self, path: str) -> list[Received]:
        return [request for request in self.received if request.path == path]

    def answer(self, request: Received) -> tuple[int, dict[str, str]]:
        how = self.answers.get(request.path, Answer.ACCEPT)
        if how is Answer.BUSY_ONCE and len(self.to(request.path)) == 1:
            return 429, {"Retry-After": self.retry_after}
        if how is Answer.FAIL:
            return 500, {}
        if how is Answer.GONE:
            return 404, {}
        return 200, {}


def _handler(hooks: HookServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Received(
                path=self.path,
                headers={name.lower(): value for name, value in self.headers.items()},
                body=self.rfile.read(length),
            )
            hooks.received.append(request)
            if hooks.answers.get(request.path) is Answer.HANG:
                hooks.release.wait(30)  # until the test ends; the client gives up first
                self.close_connection = True
                return
            status, headers = hooks.answer(request)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def hook_server() -> Iterator[HookServer]:
    """A ``HookServer`` listening on a free loopback port until the block ends."""
    hooks = HookServer()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(hooks))
    server.daemon_threads = True
    hooks.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name="hook-server", daemon=True)
    thread.start()
    try:
        yield hooks
    finally:
        hooks.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@dataclass
class SmtpSink:
    """Every message an SMTP client hands over: the envelope and the parsed message."""

    port: int = 0
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        content = envelope.original_content or b""
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        message = message_from_bytes(content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def smtp_sink() -> Iterator[SmtpSink]:
    """An aiosmtpd server on a free loopback port until the block ends."""
    sink = SmtpSink(port=_free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
