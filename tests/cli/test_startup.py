"""Start-up: building the CLI imports none of the server and database stack.

Every ``orgplane`` command, ``--help`` included, imports ``orgplane.cli`` first; when that
imported SQLAlchemy, Alembic, FastAPI and friends, each command took seconds before it
did anything. The commands import them in their bodies (``orgplane.cli``'s docstring).
"""

from __future__ import annotations

import subprocess
import sys

from orgplane.cli.demo import MAX_DAYS
from orgplane.cli.tokens import ROLES

#: Top-level packages that only the commands using them may import.
HEAVY = {"sqlalchemy", "alembic", "fastapi", "uvicorn", "starlette", "httpx", "jinja2"}


def _imported_by(statement: str) -> set[str]:
    """The modules ``statement`` imports in a fresh interpreter, from ``-X importtime``."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        check=True,
    )
    # "import time:       253 |     210017 |   orgplane.cli.app"; the header has no numbers.
    modules = set()
    for line in done.stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if line.startswith("import time:") and len(fields) == 3 and fields[0].strip().isdigit():
            modules.add(fields[2].strip())
    return modules


def test_importing_the_cli_imports_no_server_or_database_library() -> None:
    modules = _imported_by("import orgplane.cli")
    assert "orgplane.cli.app" in modules  # the command modules were imported and parsed
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert heavy == []


def test_the_cli_copies_of_service_constants_match_the_services() -> None:
    """--role and --days are defined with copies, so defining them imports no database
    layer; a stale copy would offer a role, or allow a day count, the service refuses."""
    from orgplane.services.demo import MAX_DAYS as SERVICE_MAX_DAYS
    from orgplane.services.tokens import ROLES as SERVICE_ROLES

    assert ROLES == SERVICE_ROLES
    assert MAX_DAYS == SERVICE_MAX_DAYS
