"""Wake-ups for idle engines: a thread that notices when another connection commits.

Imports SQLAlchemy and the database drivers. An idle engine sleeps until its next timer
is due, at most a poll interval; a page opened meanwhile, by another process, would wait
for the end of that sleep. ``CommitWatcher`` calls ``on_commit`` soon after any commit
to the database, so the engines look at once:

- PostgreSQL: ``LISTEN`` on the channel every table's trigger sends a notice on when a
  writing transaction commits (revision 0004; the API's kept answers use the same
  notices, ``api.change_signals``), on a connection of its own;
- SQLite: ``PRAGMA data_version`` on a connection of its own, read every ``every``
  seconds; it changes whenever any other connection commits (microseconds, no query).

A wake-up costs an idle engine one indexed read (when is the next timer due?); engines
busy firing never wait, so the wake-ups their own commits cause cost nothing. Failures
only log: the engines still look every poll interval.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

__all__ = ["CHANGES_CHANNEL", "CommitWatcher"]

_log = logging.getLogger(__name__)

#: The channel of the change notices (revision 0004).
CHANGES_CHANNEL = "orgplane_changes"


class CommitWatcher:
    """Calls ``on_commit`` after commits to ``database`` (see the module docstring)."""

    def __init__(
        self, database: Engine, on_commit: Callable[[], None], *, every: float = 0.02
    ) -> None:
        self.database = database
        self.on_commit = on_commit
        self.every = every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        postgres = self.database.url.get_backend_name() == "postgresql"
        target = self._listen if postgres else self._watch_sqlite
        self._thread = threading.Thread(target=target, name="orgplane-wakeups", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _watch_sqlite(self) -> None:
        dialect = self.database.dialect
        args, options = dialect.create_connect_args(self.database.url)
        error = dialect.loaded_dbapi.Error
        try:
            # Outside the engine's pool: nothing ever commits on it (its own commits would
            # not change its data_version); autocommit, so no read stays open.
            connection = dialect.loaded_dbapi.connect(
                *args, **{**options, "check_same_thread": False, "isolation_level": None}
            )
        except error as exc:
            _log.warning("not watching for commits (%s): engines look every poll", exc)
            return
        try:
            seen = None
            while not self._stop.wait(self.every):
                try:
                    version = connection.execute("PRAGMA data_version").fetchone()[0]
                except error:
                    continue  # busy: look again next time
                if seen is not None and version != seen:
                    self.on_commit()
                seen = version
        finally:
            connection.close()

    def _listen(self) -> None:
        error = self.database.dialect.loaded_dbapi.Error
        while not self._stop.is_set():
            connection: Any = None
            try:
                pooled = self.database.raw_connection()
                connection = pooled.driver_connection
                pooled.detach()  # this connection only listens, and never goes back
                connection.autocommit = True
                connection.execute(f"LISTEN {CHANGES_CHANNEL}")
                self.on_commit()  # anything committed before we listened
                while not self._stop.is_set():
                    if any(True for _ in connection.notifies(timeout=0.25, stop_after=1)):
                        self.on_commit()
            except (error, SQLAlchemyError, OSError) as exc:
                _log.info("not listening for commits (%s); trying again", exc)
            except Exception:
                _log.exception("listening for commits failed; trying again")
            finally:
                if connection is not None:
                    with contextlib.suppress(error, OSError):
                        connection.close()
            self._stop.wait(1.0)
