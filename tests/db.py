"""A real PostgreSQL server for the test session, and fresh databases on both backends.

``PostgresServer`` runs Debian's ``initdb`` and ``pg_ctl`` (``/usr/lib/postgresql/*/bin``,
newest version first, else whatever is on PATH) in a temporary folder, listening on a
free loopback port and a socket in that folder. PostgreSQL refuses to run as root: as
root, the server runs as the ``postgres`` user (``runuser``) and the folder is theirs.
Durability is off (``fsync``, ``full_page_writes``): a test server never outlives its
session. ``scripts/test`` installs PostgreSQL when it is missing.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import NullPool, text

from orgplane.store.engine import create_engine
from orgplane.store.tables import Base

__all__ = ["PostgresServer", "find_pg_bin"]


def find_pg_bin() -> Path:
    """The folder of PostgreSQL's server programs."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
        reverse=True,
    )
    if versions:
        return versions[0].parent
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise RuntimeError(
        "PostgreSQL's initdb was not found: run ./scripts/test (it installs PostgreSQL), "
        "or apt-get install postgresql"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PostgresServer:
    """One PostgreSQL server in a temporary folder; ``stop()`` removes it all."""

    def __init__(self) -> None:
        self.bin = find_pg_bin()
        self.root = Path(tempfile.mkdtemp(prefix="orgplane-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        self._names = itertools.count(1)
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(
                f"{' '.join(command)} failed ({result.returncode}):\n"
                f"{result.stdout}{result.stderr}{tail}"
            )

    def start(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off "
            "-c max_connections=50"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def admin(self, *statements: str) -> None:
        """Run statements outside a transaction (CREATE/DROP DATABASE need that)."""
        engine = create_engine(self.url(), poolclass=NullPool, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                for statement in statements:
                    connection.execute(text(statement))
        finally:
            engine.dispose()

    def create_database(self, template: str | None = None) -> str:
        """A new, uniquely named database (a copy of ``template``, if given); its name."""
        name = f"test_{next(self._names)}"
        copy = f" TEMPLATE {template}" if template else ""
        self.admin(f"CREATE DATABASE {name}{copy}")
        return name

    def drop_database(self, name: str) -> None:
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def empty_tables(self, name: str) -> None:
        """Delete every row of orgplane's tables in database ``name`` (ids start again at 1).

        Much faster than a new database. The audit log's append-only trigger is switched
        off for this one transaction: a test database is the one place that may empty it.
        """
        tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
        engine = create_engine(self.url(name), poolclass=NullPool)
        try:
            with engine.begin() as connection:
                connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY"))
                connection.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
        finally:
            engine.dispose()
