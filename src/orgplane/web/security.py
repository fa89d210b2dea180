"""What every answer of the server carries, and which Host it answers: ASGI middleware.

Imports ``api.problems`` and ``settings``. A request whose ``Host`` header is not one of
the server's names is refused before anything reads it: a DNS-rebinding page (a name
the attacker controls, pointed at 127.0.0.1) would otherwise read the open loopback API
as a same-origin page. The server's names are the loopback ones (any port), the address
it listens on (unless that is every address), and ``ORGPLANE_ALLOWED_HOSTS``. /healthz
answers any Host: it says only "ok", and orchestrators probe it by the pod's address.

Starlette's ``TrustedHostMiddleware`` does the check too, but answers plain text; the
API answers problem+json and the pages an HTML page, as they do for every other error.

Every answer gets the security headers: no framing, no type sniffing, no referrer, and
a Content-Security-Policy. Pages run scripts from this server's files only (never
inline ones); their style attributes carry data (a bar's width, a row's depth), so
inline styles stay allowed. /api/docs is Swagger UI, served from this server's files
(``api/docs.py``) and started by one of them; its policy differs from the pages' only
in allowing the blob: and data: images Swagger UI draws.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from orgplane.api.problems import problem
from orgplane.settings import LOOPBACK_HOSTS, Settings

__all__ = ["SecurityMiddleware", "allowed_hosts", "host_name"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
ErrorPage = Callable[[Request, int, str], Response]

_EVERY_ADDRESS = ("0.0.0.0", "::", "")
_PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_API_POLICY = "default-src 'none'; frame-ancestors 'none'"
_DOCS_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
_COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]
_MACHINE_PATHS = ("/api/", "/healthz", "/readyz", "/metrics")


def host_name(header: str) -> str:
    """The name of a ``Host`` header, lower-case, without its port or IPv6 brackets."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    name, _, _port = value.partition(":") if value.count(":") == 1 else (value, "", "")
    return name.rstrip(".")


def allowed_hosts(settings: Settings, listen_host: str) -> frozenset[str]:
    """The names the server answers to."""
    names = set(LOOPBACK_HOSTS) | {host_name(h) for h in settings.allowed_hosts}
    if listen_host not in _EVERY_ADDRESS:
        names.add(host_name(listen_host if ":" not in listen_host else f"[{listen_host}]"))
    return frozenset(names)


def _policy(path: str) -> bytes:
    if path == "/api/docs" or path.startswith("/api/docs/"):
        return _DOCS_POLICY.encode()
    if path.startswith(_MACHINE_PATHS):
        return _API_POLICY.encode()
    return _PAGE_POLICY.encode()


class SecurityMiddleware:
    """Refuse foreign ``Host`` headers (400) and add the security headers to every answer."""

    def __init__(self, app: ASGIApp, *, hosts: frozenset[str], error_page: ErrorPage) -> None:
        self.app = app
        self.hosts = hosts
        self.error_page = error_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        headers = [(b"content-security-policy", _policy(path)), *_COMMON]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *headers]}
            await send(message)

        host = next((v for k, v in scope.get("headers") or [] if k == b"host"), b"")
        name = host_name(host.decode("latin-1"))
        if name not in self.hosts and path != "/healthz":
            detail = "this server does not answer to that Host name"
            request = Request(scope)
            if path.startswith(_MACHINE_PATHS):
                response = problem(400, detail, kind="bad-host", instance=path)
            else:
                response = self.error_page(request, 400, detail)
            await response(scope, receive, with_headers)
            return
        await self.app(scope, receive, with_headers)
