"""``orgplane db``: create or upgrade the database schema, show its version; and the one
way every other command opens the database (``--db``, ``open_session``).

Commands that use the database take ``--db URL``; without it, ``$ORGPLANE_DB``, else
``sqlite:///orgplane.db`` in the current directory. Only ``db upgrade`` creates or
changes the schema: every other command refuses a database that is not current.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from orgplane.cli.console import err, out, safe
from orgplane.errors import DatabaseError
from orgplane.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy import URL
    from sqlalchemy.orm import Session

__all__ = ["DbOption", "cli_actor", "db_app", "open_session", "resolve_url"]

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL",
        help="Database URL (sqlite:///FILE or postgresql://USER@HOST/DB). "
        "Default: $ORGPLANE_DB, else sqlite:///orgplane.db.",
    ),
]

db_app = typer.Typer(
    help="Create or upgrade the database schema, and show its version.", no_args_is_help=True
)


def resolve_url(option: str | None) -> URL:
    """``--db`` if given, else ``$ORGPLANE_DB``, else the embedded default."""
    from orgplane.store import parse_url

    return parse_url(option or get_settings().db_url)


def _sqlite_file(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def cli_actor() -> str:
    """Who the audit log names for a command run here: ``cli:<login name>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name in the environment or the password db
        return "cli"


@contextmanager
def open_session(option: str | None) -> Iterator[Session]:
    """A session on the database of ``--db``, which must exist and be at the newest schema."""
    from sqlalchemy.orm import Session

    from orgplane.store import (
        create_engine,
        current_revision,
        database_errors,
        display_url,
        head_revision,
    )

    url = resolve_url(option)
    file = _sqlite_file(url)
    if file is not None and not file.exists():
        raise DatabaseError(
            f"no database at {file}: create it with 'orgplane db upgrade"
            f"{'' if option is None else ' --db ' + display_url(url)}'"
        )
    current, head = current_revision(url), head_revision()
    if current != head:
        raise DatabaseError(
            f"database {safe(display_url(url))} has schema {current or 'none'}, this orgplane needs "
            f"{head}: run 'orgplane db upgrade'"
        )
    engine = create_engine(url)
    try:
        with database_errors(url), Session(engine) as session:
            yield session
    finally:
        engine.dispose()


@db_app.command("upgrade")
def upgrade_command(db: DbOption = None) -> None:
    """Create the database, or bring its schema to this orgplane's version (idempotent).

    On PostgreSQL, servers upgrading at the same time take turns.
    """
    from orgplane.store import current_revision, display_url, upgrade

    url = resolve_url(db)
    before = current_revision(url)
    upgrade(url)
    after = current_revision(url)
    if before == after:
        err().print(f"database {safe(display_url(url))} is up to date (schema {after})")
    else:
        err().print(
            f"database {safe(display_url(url))} upgraded from schema {before or 'none'} to {after}"
        )


@db_app.command("current")
def current_command(db: DbOption = None) -> None:
    """Show the database's schema version. Exit 0 when it is current, 1 when it needs
    'orgplane db upgrade'."""
    from orgplane.store import current_revision, display_url, head_revision

    url = resolve_url(db)
    file = _sqlite_file(url)
    current = None if file is not None and not file.exists() else current_revision(url)
    head = head_revision()
    if current == head:
        out().print(f"{safe(display_url(url))}: schema {current} (current)")
        return
    out().print(
        f"{safe(display_url(url))}: schema {current or 'none'}, newest {head}: run 'orgplane db upgrade'"
    )
    raise typer.Exit(1)
