"""Engines on threads: what ``orgplane worker`` runs, and ``orgplane serve`` beside its
server.

Imports ``store``, ``integrations`` and the engine. ``EngineThreads`` starts a number of
engines, each on a thread of its own with its own sessions on one SQLAlchemy engine, an
auditor every 30 seconds, and a ``CommitWatcher`` that wakes idle engines when anything
commits to the database (a page opened by another process is fired at once, not at the
end of a poll interval); ``stop`` ends them after the batch each is firing.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine as SqlEngine
from sqlalchemy.orm import sessionmaker

from orgplane.integrations.channels import Channels, channels_from_settings
from orgplane.services.auditor import AUDIT_EVERY, audit
from orgplane.services.engine import Engine
from orgplane.settings import Settings
from orgplane.store import installation_secret
from orgplane.store.wakeups import CommitWatcher

__all__ = ["EngineThreads", "engine_secret"]

_log = logging.getLogger(__name__)


def engine_secret(settings: Settings, database: SqlEngine) -> str:
    """What acknowledgement links are signed with: ``ORGPLANE_SECRET``, else the
    installation's secret (the same for every server and worker of the database)."""
    return settings.secret or installation_secret(database)


@dataclass
class EngineThreads:
    """``count`` engines on threads, sharing ``database``."""

    database: SqlEngine
    settings: Settings
    count: int = 1
    lease: timedelta = timedelta(seconds=30)
    poll: float = 0.5
    channels: Channels | None = None
    name: str = "orgplane"
    engines: list[Engine] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _watcher: CommitWatcher | None = None

    def start(self) -> None:
        sessions = sessionmaker(self.database, expire_on_commit=False)
        secret = engine_secret(self.settings, self.database)
        channels = self.channels or channels_from_settings(self.settings)
        for number in range(self.count):
            engine = Engine(
                session_factory=sessions,
                channels=channels,
                secret=secret,
                public_url=self.settings.public_url,
                lease=self.lease,
                poll=self.poll,
            )
            self.engines.append(engine)
            thread = threading.Thread(
                target=engine.run,
                args=(self._stop,),
                name=f"{self.name}-engine-{number}",
                daemon=True,
            )
            self._threads.append(thread)
            thread.start()
        self._watcher = CommitWatcher(self.database, self._wake_all)
        self._watcher.start()
        auditor = threading.Thread(
            target=self._audit, args=(sessions,), name=f"{self.name}-auditor", daemon=True
        )
        self._threads.append(auditor)
        auditor.start()

    def _audit(self, sessions: sessionmaker) -> None:  # type: ignore[type-arg]
        tolerance = self.lease + timedelta(seconds=self.poll)
        while not self._stop.wait(AUDIT_EVERY.total_seconds()):
            try:
                with sessions() as session:
                    report = audit(session, now=datetime.now(UTC), tolerance=tolerance)
            except Exception:
                _log.exception("the auditor could not read the database")
                continue
            if not report.healthy:
                _log.warning("auditor: %s", report.describe())

    def _wake_all(self) -> None:
        for engine in self.engines:
            engine.wake()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake_all()
        if self._watcher is not None:
            self._watcher.stop(timeout)
        for thread in self._threads:
            thread.join(timeout)

    def wait(self) -> None:
        """Block until ``stop`` is called (from a signal handler or another thread)."""
        while not self._stop.wait(1.0):
            pass
