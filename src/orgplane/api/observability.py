"""orgplane watching itself: request metrics in Prometheus exposition, JSON logs, and
the limits on what a request may carry (its body's size; no NUL character in its path
or query) — as one pure ASGI middleware, so every request pays once.

Imports ``prometheus_client`` and ``api.problems``. Each app has its own registry (no
global one): two apps in one process count separately. Under ``orgplane serve --workers
N`` the workers count in prometheus_client's multiprocess mode (files in
``$PROMETHEUS_MULTIPROC_DIR``, which ``serve`` makes), and /metrics adds up every
worker's counts, whichever worker is asked.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import unquote_to_bytes

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.responses import Response

from orgplane.api.problems import problem

__all__ = [
    "MULTIPROCESS_DIR_ENV",
    "ASGIApp",
    "JsonFormatter",
    "LogFormat",
    "Message",
    "Metrics",
    "ObservabilityMiddleware",
    "Receive",
    "Scope",
    "Send",
    "TextFormatter",
    "configure_logging",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_ACCESS = logging.getLogger("orgplane.access")


#: Where prometheus_client's multiprocess mode keeps each process's counts.
MULTIPROCESS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"


class Metrics:
    """The server's own metrics, in a registry of its own. ``exposition`` is what
    /metrics shows: ``registry`` itself, or in multiprocess mode every process's counts
    (collectors that read no counts of their own, such as the KPI gauges, are registered
    there)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        shared = os.environ.get(MULTIPROCESS_DIR_ENV)
        if shared:
            self.exposition = CollectorRegistry()
            MultiProcessCollector(self.exposition, path=shared)  # type: ignore[no-untyped-call]
        else:
            self.exposition = self.registry
        self.requests = Counter(
            "orgplane_http_requests",
            "HTTP requests answered, by method, route and status.",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "orgplane_http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route.",
            ("method", "route"),
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
            registry=self.registry,
        )


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the record's extras."""

    _STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in self._STANDARD and not key.startswith("_") and key != "color_message":
                out[key] = value
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """One line a person reads: the local time, the level unless it is info, the message;
    an access line ends with how long the answer took."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        level = "" if record.levelno == logging.INFO else f"{record.levelname.lower()}: "
        line = f"{when} {level}{record.getMessage()}"
        duration = getattr(record, "duration_ms", None)
        if duration is not None:
            line += f" {duration:g} ms"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class LogFormat(StrEnum):
    """How the server writes its logs: ``text`` for a person, ``json`` for machines."""

    AUTO = "auto"
    TEXT = "text"
    JSON = "json"


def configure_logging(level: int = logging.INFO, *, log_format: LogFormat = LogFormat.JSON) -> None:
    """Send orgplane's and uvicorn's logs to stderr as JSON lines, or as text lines with
    ``LogFormat.TEXT`` (``AUTO`` is resolved by the caller, which knows its terminal)."""
    handler = logging.StreamHandler()
    handler.setFormatter(TextFormatter() if log_format is LogFormat.TEXT else JsonFormatter())
    for name in ("orgplane", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False
    logging.getLogger("uvicorn.access").disabled = True  # orgplane.access replaces it


class _BodyTooLargeError(Exception):
    pass


class ObservabilityMiddleware:
    """Counts and times every request by route template, logs it as JSON, gives it a
    request id, refuses request bodies over ``max_body`` bytes (413 problem) and paths or
    queries with a NUL character (400 problem): no name orgplane stores holds one, and
    PostgreSQL refuses to even compare text with one."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics, max_body: int) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = uuid.uuid4().hex[:16]
        status = 500
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        refusal = None
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            refusal = self._too_large(scope)
        elif "\x00" in scope.get("path", "") or b"\x00" in unquote_to_bytes(
            scope.get("query_string", b"")
        ):
            refusal = problem(
                400,
                "the path or query holds a NUL character",
                kind="nul-character",
            )
        if (
            refusal is None
            and declared is None
            and b"chunked" in headers.get(b"transfer-encoding", b"")
        ):
            # A body of unknown length is read up to the limit before any route sees it,
            # so a route that reads no body refuses an oversized one too.
            receive, over = await self._buffered(receive)
            if over:
                refusal = self._too_large(scope)
        if refusal is not None:
            status = refusal.status_code
            await refusal(scope, receive, send)
            self._record(scope, status, started, request_id)
            return
        received = 0
        too_large = False
        answered = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    too_large = True
                    raise _BodyTooLargeError
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal status, answered
            if too_large and not answered:
                # The route turned the refusal into its own answer (FastAPI makes any
                # error while reading a body a 400): the 413 below replaces it.
                return
            if message["type"] == "http.response.start":
                answered = True
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            with contextlib.suppress(_BodyTooLargeError):
                await self.app(scope, limited_receive, tracking_send)
            if too_large and not answered:
                status = 413
                await self._too_large(scope)(scope, receive, send)
        finally:
            self._record(scope, status, started, request_id)

    async def _buffered(self, receive: Receive) -> tuple[Receive, bool]:
        """The whole chunked body read into one message (or ``True`` once it passes the
        limit), and a ``receive`` that gives it back before anything else."""
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                pending: list[Message] = [message]
                break
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.max_body:
                return receive, True
            chunks.append(chunk)
            if not message.get("more_body", False):
                pending = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]
                break

        async def replay() -> Message:
            if pending:
                return pending.pop(0)
            return await receive()

        return replay, False

    def _too_large(self, scope: Scope) -> Response:
        return problem(
            413,
            f"request body over {self.max_body} bytes",
            kind="too-large",
            instance=scope.get("path", ""),
        )

    def _record(self, scope: Scope, status: int, started: float, request_id: str) -> None:
        elapsed = time.perf_counter() - started
        route = scope.get("route")
        # path_format: the template as OpenAPI writes it ("{ref}", not "{ref:path}").
        template = getattr(route, "path_format", None) or (
            "/static" if scope.get("path", "").startswith("/static/") else "unmatched"
        )
        method = scope.get("method", "GET")
        self.metrics.requests.labels(method, template, str(status)).inc()
        self.metrics.latency.labels(method, template).observe(elapsed)
        _ACCESS.info(
            "%s %s %s",
            method,
            scope.get("path", ""),
            status,
            extra={
                "request_id": request_id,
                "method": method,
                "path": scope.get("path", ""),
                "route": template,
                "status": status,
                "duration_ms": round(elapsed * 1000, 2),
            },
        )
