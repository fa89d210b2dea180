"""Engines for orgplane's two backends, and the database errors users see.

Imports SQLAlchemy and ``orgplane.errors``. SQLite (a file, WAL mode) is the embedded
default; PostgreSQL (``postgresql+psycopg://``) is for several processes sharing one
database. Nothing here keeps state between calls: two processes on one PostgreSQL
database coordinate through the database alone.

SQLite connections are set up on connect: write-ahead logging (readers do not block the
writer), foreign keys on (off by default in SQLite), a busy timeout (a writer waits for
another instead of failing at once), and transactions that really begin with ``BEGIN``
(Python's sqlite3 module would otherwise run SELECTs outside any transaction). A
service that will write calls ``begin_write`` first: on SQLite that starts the
transaction with ``BEGIN IMMEDIATE``, taking the write lock up front, so a transaction
that reads and then writes cannot fail half-way because another process wrote between.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import URL, Engine, event, make_url, text
from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session

from orgplane.errors import DatabaseError, UsageError

__all__ = [
    "BUSY_TIMEOUT_MS",
    "begin_write",
    "create_engine",
    "database_errors",
    "display_url",
    "mask_secrets",
    "parse_url",
    "refresh_statistics",
]

#: How long a SQLite writer waits for another writer before giving up.
BUSY_TIMEOUT_MS = 30_000

_BEGIN_OPTION = "orgplane_sqlite_begin"


def parse_url(url: str | URL) -> URL:
    """A database URL, with PostgreSQL URLs bound to psycopg 3 (the driver orgplane ships).

    ``postgresql://`` and ``postgres://`` mean ``postgresql+psycopg://``; SQLite and
    PostgreSQL are the backends orgplane supports.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UsageError(
            f"{mask_secrets(str(url))!r} is not a database URL "
            "(use sqlite:///FILE or postgresql://USER@HOST/DB)"
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise UsageError(
            f"database {display_url(parsed)}: orgplane supports sqlite and postgresql only"
        )
    return parsed


#: Query parameters that carry a credential (libpq's and the drivers' spellings, and
#: anything named like a secret). ``passfile`` and ``sslkey`` name files: kept.
_SECRET_PARAMETER = re.compile(
    r"(?i)^(?:password|sslpassword|pass|pwd|token|secret|api[_-]?key|access[_-]?key|"
    r"secret[_-]?key|auth|authorization|credentials?|private[_-]?key)$"
)
_MASK = "***"
#: The same credentials inside free text: ``scheme://user:password@`` and
#: ``password=value`` (in a URL's query or a libpq connection string).
_TEXT_USERINFO = re.compile(r"(?i)([a-z][a-z0-9+.-]*://[^/\s:@]*:)[^@\s/]*@")
_TEXT_PARAMETER = re.compile(
    r"(?i)\b(password|sslpassword|pass|pwd|token|secret|api[_-]?key|access[_-]?key|"
    r"secret[_-]?key|auth|authorization|credentials?|private[_-]?key)(\s*=\s*)('[^']*'|[^&\s]*)"
)


def display_url(url: str | URL) -> str:
    """The URL with every credential masked, for anything shown: messages, logs, pages.

    The password of the user part and every query parameter that carries a secret
    (``password=``, ``sslpassword=``, ``token=`` …) become ``***``.
    """
    try:
        parsed = url if isinstance(url, URL) else make_url(url)
    except ArgumentError:
        return mask_secrets(str(url))
    if parsed.password is not None:
        parsed = parsed.set(password=_MASK)
    if any(_SECRET_PARAMETER.match(name) for name in parsed.query):
        query = {
            name: (_MASK if _SECRET_PARAMETER.match(name) else value)
            for name, value in parsed.query.items()
        }
        parsed = parsed.set(query=query)
    return mask_secrets(parsed.render_as_string(hide_password=False))


def mask_secrets(text: str) -> str:
    """``text`` with credentials that look like a URL's or a connection string's masked:
    for a driver's error message, which may repeat what it was given."""
    text = _TEXT_USERINFO.sub(lambda m: f"{m.group(1)}{_MASK}@", text)
    return _TEXT_PARAMETER.sub(lambda m: f"{m.group(1)}{m.group(2)}{_MASK}", text)


def create_engine(url: str | URL, **kwargs: Any) -> Engine:
    """An engine for ``url``, configured for orgplane (see the module docstring)."""
    parsed = parse_url(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            engine = sa_create_engine(parsed, **kwargs)
            _configure_sqlite(engine)
            return engine
        return sa_create_engine(parsed, pool_pre_ping=True, **kwargs)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise UsageError(f"database {display_url(parsed)}: {mask_secrets(str(exc))}") from None


#: The database file, its -wal and its -shm: owner only. They hold names, e-mail
#: addresses, token hashes and the audit log.
_PRIVATE = 0o600
_log = logging.getLogger(__name__)


def _private_file(database: str | None) -> None:
    """Make the SQLite file owner-only before SQLite opens it.

    A new file is created 0600 here; SQLite gives the -wal and -shm files it makes
    later the main file's mode, so they follow. An existing file that others may read
    is tightened when this user owns it, and reported when not."""
    if database in (None, "", ":memory:") or database.startswith("file:"):
        return
    path = os.path.abspath(database)
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, _PRIVATE)
    except FileExistsError:
        pass
    except OSError:
        return  # no such folder, read-only: SQLite says so in its own words
    else:
        os.close(descriptor)
        return
    for name in (path, f"{path}-wal", f"{path}-shm"):
        try:
            info = os.stat(name)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or not info.st_mode & 0o077:
            continue
        if info.st_uid == os.getuid():
            os.chmod(name, stat.S_IMODE(info.st_mode) & 0o700)
        else:
            _log.warning("%s may be read by other users (mode %o)", name, info.st_mode & 0o777)


def _configure_sqlite(engine: Engine) -> None:
    _private_file(engine.url.database)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from the sqlite3 module (see the docstring).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            # Durable at every checkpoint, and safe from corruption, in WAL mode.
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def begin_write(session: Session) -> None:
    """Start ``session``'s transaction as a writer (``BEGIN IMMEDIATE`` on SQLite).

    Call it before the first statement of a transaction that will write. When the
    session has already begun, this does nothing: the transaction keeps its mode.
    """
    if not session.in_transaction():
        session.connection(execution_options={_BEGIN_OPTION: "IMMEDIATE"})


def refresh_statistics(session: Session) -> None:
    """Update the query planner's statistics (``ANALYZE``), in a transaction of its own."""
    session.execute(text("ANALYZE"))
    session.commit()


@contextmanager
def database_errors(url: str | URL) -> Iterator[None]:
    """Turn a driver's error (unreachable server, locked or corrupt file, missing table)
    into a one-line ``DatabaseError`` naming the database."""
    try:
        yield
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        message = detail[0] if detail else type(exc).__name__
        raise DatabaseError(f"database {display_url(url)}: {mask_secrets(message)}") from exc
