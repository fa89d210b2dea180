"""Notification channels: a generic webhook, Slack-, Mattermost- and Teams-compatible
incoming webhooks, and e-mail over SMTP, behind one port.

Imports httpx, the standard library's ``smtplib`` and ``email``, and ``settings``. Each
channel sends one ``Notice`` to one address and either returns or raises
``DeliveryError``, saying whether trying again may help (a 429, a 5xx, a timeout, a
refused connection) or not (a 4xx, a malformed address), and whether the receiver may
have the notice all the same (the request went out and no answer came back). Every request carries the
notice's ``key``: as the ``Idempotency-Key`` header of webhooks and as the e-mail's
``Message-ID``, so a receiver can drop a repeat.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import httpx

from orgplane.settings import Settings

__all__ = [
    "Channel",
    "Channels",
    "DeliveryError",
    "EmailChannel",
    "Notice",
    "SlackChannel",
    "TeamsChannel",
    "WebhookChannel",
    "channels_from_settings",
]

#: How long one delivery attempt may take, all in.
TIMEOUT_SECONDS = 5.0


class DeliveryError(Exception):
    """A notice was not delivered; ``retryable`` says whether trying again may help,
    ``maybe_delivered`` whether the receiver may have it anyway (it was sent, and the
    answer never came): sending it again may repeat it."""

    def __init__(self, message: str, *, retryable: bool, maybe_delivered: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.maybe_delivered = maybe_delivered


@dataclass(frozen=True, slots=True)
class Notice:
    """What a notification says. ``key`` is its idempotency key."""

    key: str
    org: str
    page_id: str
    summary: str
    status: str
    person: str
    person_name: str
    step: str
    ack_url: str
    page_url: str
    possible_repeat: bool = False

    @property
    def title(self) -> str:
        repeat = " (possible repeat)" if self.possible_repeat else ""
        return f"[{self.org}] Page: {self.summary}{repeat}"

    def text(self) -> str:
        return f"{self.title}\n{self.step}\nAcknowledge: {self.ack_url}\nPage: {self.page_url}"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.key,
            "org": self.org,
            "page": self.page_id,
            "summary": self.summary,
            "status": self.status,
            "person": self.person,
            "step": self.step,
            "ack_url": self.ack_url,
            "page_url": self.page_url,
            "possible_repeat": self.possible_repeat,
        }


class Channel(Protocol):
    """Sends one notice to one address; raises ``DeliveryError``."""

    def send(self, notice: Notice, address: str) -> None: ...


def _post(client: httpx.Client, url: str, body: Mapping[str, Any], key: str) -> None:
    try:
        response = client.post(url, json=body, headers={"Idempotency-Key": key})
    except httpx.ReadTimeout:  # the request went out; the answer did not come
        raise DeliveryError(
            f"no answer within {TIMEOUT_SECONDS:g} s", retryable=True, maybe_delivered=True
        ) from None
    except httpx.TimeoutException:
        raise DeliveryError(f"no answer within {TIMEOUT_SECONDS:g} s", retryable=True) from None
    except (httpx.ReadError, httpx.RemoteProtocolError) as exc:  # closed before answering
        raise DeliveryError(
            f"{type(exc).__name__}: {exc}", retryable=True, maybe_delivered=True
        ) from None
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}", retryable=True) from None
    if response.is_success:
        return
    status = response.status_code
    retryable = status == 429 or status >= 500 or status == 408
    raise DeliveryError(f"answered {status} {response.reason_phrase}", retryable=retryable)


@dataclass
class WebhookChannel:
    """A JSON POST of the notice, with an ``Idempotency-Key`` header."""

    client: httpx.Client

    def send(self, notice: Notice, address: str) -> None:
        _post(self.client, address, notice.to_json(), notice.key)


@dataclass
class SlackChannel:
    """Slack's incoming webhook (and Mattermost's, which takes the same body)."""

    client: httpx.Client

    def send(self, notice: Notice, address: str) -> None:
        _post(self.client, address, {"text": notice.text()}, notice.key)


@dataclass
class TeamsChannel:
    """A Microsoft Teams incoming webhook: the notice as an Adaptive Card."""

    client: httpx.Client

    def send(self, notice: Notice, address: str) -> None:
        card = {
            "type": "AdaptiveCard",
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": "1.4",
            "body": [
                {"type": "TextBlock", "text": notice.title, "weight": "Bolder", "wrap": True},
                {"type": "TextBlock", "text": notice.step, "wrap": True},
            ],
            "actions": [
                {"type": "Action.OpenUrl", "title": "Acknowledge", "url": notice.ack_url},
                {"type": "Action.OpenUrl", "title": "Open the page", "url": notice.page_url},
            ],
        }
        body = {
            "type": "message",
            "attachments": [
                {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
            ],
        }
        _post(self.client, address, body, notice.key)


@dataclass(frozen=True, slots=True)
class SmtpServer:
    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    tls: bool = False

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """``smtp://[user:password@]host[:port][?from=…&starttls=1]`` (``smtps://`` for
        TLS from the start)."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("use smtp://[user:password@]host[:port][?from=address]")
        query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if tls else 25),
            sender=query.get("from", f"orgplane@{socket.getfqdn() or 'localhost'}"),
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            starttls=query.get("starttls", "0").lower() in ("1", "true", "yes"),
            tls=tls,
        )


@dataclass
class EmailChannel:
    """E-mail over the installation's SMTP server (``ORGPLANE_SMTP_URL``)."""

    server: SmtpServer | None

    def send(self, notice: Notice, address: str) -> None:
        server = self.server
        if server is None:
            raise DeliveryError("no SMTP server is set (ORGPLANE_SMTP_URL)", retryable=False)
        message = EmailMessage()
        message["From"] = server.sender
        message["To"] = address
        message["Subject"] = notice.title
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = f"<{notice.key}@orgplane>"
        message["X-Orgplane-Page"] = notice.page_id
        message.set_content(notice.text())
        try:
            smtp: smtplib.SMTP
            if server.tls:
                smtp = smtplib.SMTP_SSL(
                    server.host,
                    server.port,
                    timeout=TIMEOUT_SECONDS,
                    context=ssl.create_default_context(),
                )
            else:
                smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
            with smtp:
                if server.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if server.user:
                    smtp.login(server.user, server.password or "")
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"the server refused {address}: {exc}", retryable=False) from None
        except smtplib.SMTPResponseException as exc:
            retryable = 400 <= exc.smtp_code < 500
            raise DeliveryError(
                f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", retryable=retryable
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP: {type(exc).__name__}: {exc}", retryable=True) from None


@dataclass
class Channels:
    """The channel for each contact method kind."""

    by_kind: dict[str, Channel] = field(default_factory=dict)

    def send(self, kind: str, notice: Notice, address: str) -> None:
        channel = self.by_kind.get(kind)
        if channel is None:
            raise DeliveryError(f"no channel for {kind!r}", retryable=False)
        channel.send(notice, address)


def channels_from_settings(
    settings: Settings, *, transport: httpx.BaseTransport | None = None
) -> Channels:
    """Every channel, with one HTTP client (``transport`` replaces its I/O)."""
    client = httpx.Client(
        timeout=TIMEOUT_SECONDS,
        transport=transport,
        headers={"User-Agent": "orgplane"},
        follow_redirects=False,
    )
    smtp = SmtpServer.from_url(settings.smtp_url) if settings.smtp_url else None
    slack = SlackChannel(client)
    return Channels(
        {
            "webhook": WebhookChannel(client),
            "slack": slack,
            "mattermost": slack,
            "teams": TeamsChannel(client),
            "email": EmailChannel(smtp),
        }
    )
