"""Settings read from the environment. Imports nothing from orgplane.

Settings are read when asked for (``get_settings()``), never at import time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from zxcvbn import zxcvbn

__all__ = [
    "DEFAULT_DB_URL",
    "LOOPBACK_HOSTS",
    "Settings",
    "UnsafeSettingsError",
    "get_settings",
    "secret_weakness",
]

SPEC_ENV = "ORGPLANE_SPEC"
DB_ENV = "ORGPLANE_DB"
SECRET_ENV = "ORGPLANE_SECRET"
MODE_ENV = "ORGPLANE_MODE"
OPEN_READS_ENV = "ORGPLANE_OPEN_READS"
CORS_ENV = "ORGPLANE_CORS_ORIGINS"
MAX_BODY_ENV = "ORGPLANE_MAX_BODY"
ALLOWED_HOSTS_ENV = "ORGPLANE_ALLOWED_HOSTS"
SCRAPE_TOKEN_ENV = "ORGPLANE_SCRAPE_TOKEN"
PROMETHEUS_HOSTS_ENV = "ORGPLANE_PROMETHEUS_HOSTS"
SOURCE_DIRS_ENV = "ORGPLANE_SOURCE_DIRS"
SMTP_ENV = "ORGPLANE_SMTP_URL"
PUBLIC_URL_ENV = "ORGPLANE_PUBLIC_URL"

#: Hosts that only this machine can reach.
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
#: A secret published with orgplane's source (earlier versions signed with it when none
#: was set): refused everywhere, it signs nothing. With no secret set, the server signs
#: with its installation's random one (``store/installation.py``).
DEV_SECRET = "orgplane-dev-secret-not-for-production"
_WEAK_SECRETS = {DEV_SECRET, "secret", "changeme", "change-me", "password", "orgplane", "dev"}

#: The embedded default: a SQLite file in the current directory.
DEFAULT_DB_URL = "sqlite:///orgplane.db"


@dataclass(frozen=True, slots=True)
class Settings:
    """Where orgplane finds things. Every field has an environment variable."""

    #: The spec a command reads when ``--spec`` is not given (``ORGPLANE_SPEC``).
    spec: Path | None
    #: The database commands use when ``--db`` is not given (``ORGPLANE_DB``): a SQLAlchemy
    #: URL, ``sqlite:///path.db`` or ``postgresql+psycopg://user:password@host/name``.
    db_url: str = DEFAULT_DB_URL
    #: Signs the server's pagination cursors (``ORGPLANE_SECRET``). Outside dev mode or
    #: loopback it must be set and strong (``check_for_serving``). Unset: the server
    #: signs with a random secret kept in its database, one per installation.
    secret: str | None = None
    #: ``dev`` (the default) or ``production`` (``ORGPLANE_MODE``).
    mode: str = "dev"
    #: Whether reads need no token (``ORGPLANE_OPEN_READS``: 1/0). Unset: open when the
    #: server listens on loopback only, closed otherwise.
    open_reads: bool | None = None
    #: Origins allowed to call the API from a browser (``ORGPLANE_CORS_ORIGINS``,
    #: comma-separated). Empty: CORS is off.
    cors_origins: tuple[str, ...] = ()
    #: The largest request body the server reads, in bytes (``ORGPLANE_MAX_BODY``); a
    #: spec applied over HTTP may be this large.
    max_body_bytes: int = 16 * 1024 * 1024
    #: Host names (the HTTP ``Host`` header, without port) the server answers besides
    #: the loopback names (``ORGPLANE_ALLOWED_HOSTS``, comma-separated). Any other Host
    #: is refused, which defeats DNS rebinding.
    allowed_hosts: tuple[str, ...] = ()
    #: The bearer token that may read ``/metrics`` and ``/readyz`` when reads are closed
    #: (``ORGPLANE_SCRAPE_TOKEN``; Prometheus sends it as ``authorization``).
    scrape_token: str | None = None
    #: Hosts (``host`` or ``host:port``) a KPI's Prometheus source may name besides the
    #: loopback ones (``ORGPLANE_PROMETHEUS_HOSTS``, comma-separated).
    prometheus_hosts: tuple[str, ...] = ()
    #: Folders a KPI's file source may read besides the spec's own folder
    #: (``ORGPLANE_SOURCE_DIRS``, separated like ``PATH``).
    source_dirs: tuple[Path, ...] = ()
    #: Where e-mail notifications go out (``ORGPLANE_SMTP_URL``):
    #: ``smtp://[user:password@]host[:port][?from=pager@example.org&starttls=1]``.
    #: Unset: a page's e-mail contact methods fail, and the ladder moves on.
    smtp_url: str | None = None
    #: The address people reach this server at (``ORGPLANE_PUBLIC_URL``), for the
    #: acknowledgement links in notifications.
    public_url: str = "http://127.0.0.1:8000"

    def reads_are_open(self, host: str) -> bool:
        """Whether a request may read without a token on a server listening on ``host``."""
        if self.open_reads is not None:
            return self.open_reads
        return host in LOOPBACK_HOSTS

    def check_for_serving(self, host: str) -> None:
        """Refuse settings that are unsafe for a server on ``host``: outside dev mode, or
        listening beyond loopback, the secret must be strong."""
        exposed = self.mode != "dev" or host not in LOOPBACK_HOSTS
        if not exposed:
            return
        where = f"mode {self.mode}" if self.mode != "dev" else f"listening on {host}"
        problem = secret_weakness(self.secret)
        if problem is not None:
            raise UnsafeSettingsError(
                f"refusing to serve ({where}): {SECRET_ENV} {problem}; make one with "
                "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )

    def default_spec_path(self, cwd: Path | None = None) -> Path:
        """``$ORGPLANE_SPEC``, else ``./org`` if it exists, else the current directory."""
        if self.spec is not None:
            return self.spec
        here = cwd or Path.cwd()
        candidate = here / "org"
        return candidate if candidate.exists() else here


#: How many guesses (log10) zxcvbn must estimate a secret takes: 10^30 is about 100
#: bits, which ``secrets.token_urlsafe(32)`` (about 10^43) clears with room to spare.
_MIN_GUESSES_LOG10 = 30
#: zxcvbn's work grows with length; a secret's first characters judge it fairly.
_JUDGED_CHARS = 128


def secret_weakness(secret: str | None) -> str | None:
    """Why ``secret`` is too weak to sign on an exposed server, or None when it is fine.

    Length alone accepts 32 times ``a``: zxcvbn estimates how many guesses a secret
    takes, knowing repeats, sequences, keyboard walks, dates and dictionary words."""
    if secret is None:
        return "is not set"
    if secret in _WEAK_SECRETS:
        return "is a well-known value"
    if len(secret) < 32:
        return "is shorter than 32 characters"
    guesses = float(zxcvbn(secret[:_JUDGED_CHARS])["guesses_log10"])
    if guesses < _MIN_GUESSES_LOG10:
        return "is guessable (repeats, sequences, keyboard walks or words)"
    return None


class UnsafeSettingsError(Exception):
    """Settings that would be unsafe where they are used (a weak secret on a public port).

    Raised by ``Settings.check_for_serving``; ``orgplane.errors`` cannot be imported here,
    so the CLI maps this one to its usage-error exit code."""


def _flag(value: str, name: str) -> bool | None:
    lowered = value.strip().lower()
    if not lowered:
        return None
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise UnsafeSettingsError(f"{name}={value!r}: use 1 or 0")


def get_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    spec = env.get(SPEC_ENV, "").strip()
    db_url = env.get(DB_ENV, "").strip()
    mode = env.get(MODE_ENV, "").strip().lower() or "dev"
    if mode not in ("dev", "production"):
        raise UnsafeSettingsError(f"{MODE_ENV}={mode!r}: use dev or production")
    max_body = env.get(MAX_BODY_ENV, "").strip()
    if max_body and not max_body.isdigit():
        raise UnsafeSettingsError(f"{MAX_BODY_ENV}={max_body!r}: a number of bytes")
    origins = _list(env.get(CORS_ENV, ""))
    source_dirs = tuple(
        Path(part).expanduser()
        for part in env.get(SOURCE_DIRS_ENV, "").split(os.pathsep)
        if part.strip()
    )
    return Settings(
        spec=Path(spec) if spec else None,
        db_url=db_url or DEFAULT_DB_URL,
        secret=env.get(SECRET_ENV, "").strip() or None,
        mode=mode,
        open_reads=_flag(env.get(OPEN_READS_ENV, ""), OPEN_READS_ENV),
        cors_origins=origins,
        max_body_bytes=int(max_body) if max_body else 16 * 1024 * 1024,
        allowed_hosts=tuple(host.lower() for host in _list(env.get(ALLOWED_HOSTS_ENV, ""))),
        scrape_token=env.get(SCRAPE_TOKEN_ENV, "").strip() or None,
        prometheus_hosts=tuple(h.lower() for h in _list(env.get(PROMETHEUS_HOSTS_ENV, ""))),
        source_dirs=source_dirs,
        smtp_url=env.get(SMTP_ENV, "").strip() or None,
        public_url=(env.get(PUBLIC_URL_ENV, "").strip() or "http://127.0.0.1:8000").rstrip("/"),
    )


def _list(value: str) -> tuple[str, ...]:
    """A comma-separated setting as its non-empty items."""
    return tuple(item.strip() for item in value.split(",") if item.strip())
