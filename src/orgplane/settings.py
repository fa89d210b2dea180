"""Settings read from the environment. Imports nothing from orgplane.

Settings are read when asked for (``get_settings()``), never at import time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_DB_URL", "Settings", "get_settings"]

SPEC_ENV = "ORGPLANE_SPEC"
DB_ENV = "ORGPLANE_DB"

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

    def default_spec_path(self, cwd: Path | None = None) -> Path:
        """``$ORGPLANE_SPEC``, else ``./org`` if it exists, else the current directory."""
        if self.spec is not None:
            return self.spec
        here = cwd or Path.cwd()
        candidate = here / "org"
        return candidate if candidate.exists() else here


def get_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    spec = env.get(SPEC_ENV, "").strip()
    db_url = env.get(DB_ENV, "").strip()
    return Settings(spec=Path(spec) if spec else None, db_url=db_url or DEFAULT_DB_URL)
