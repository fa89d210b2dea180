"""Databases for the tests: every database test runs on a SQLite file and on PostgreSQL.

A test that takes ``db_url`` (or ``engine``, ``session``) runs twice, ``[sqlite]`` and
``[postgresql]``, each time on an empty database at the newest schema: on SQLite a copy
of a file migrated once per session; on PostgreSQL one database migrated once per
session, whose tables are emptied after each test (a new database per test costs
several times more). ``empty_db_url`` is a new database with no schema at all. The PostgreSQL server
(``tests/db.py``) starts on the first test that needs it and stops at the end.

Tests marked ``forks`` run first: they fork the test process, which is only safe while
it runs one thread, before any other test has started one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from orgplane.store import create_engine, upgrade
from tests.browser import launched
from tests.cli_run import run
from tests.db import PostgresServer

__all__ = ["BACKENDS", "run"]

BACKENDS = ["sqlite", "postgresql"]

# The spec cache stays off in tests (and out of the home folder); the tests of the cache
# turn it on, in a folder of their own.
os.environ["ORGPLANE_NO_CACHE"] = "1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("forks") is None)  # stable


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Chromium for the web and attack tests: one per session (``tests/browser.py``)."""
    with launched() as running:
        yield running


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "orgplane.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_database(postgres: PostgresServer) -> str:
    name = postgres.create_database()
    upgrade(postgres.url(name))
    return name


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def empty_db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A database with nothing in it."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    name = server.create_database()
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A database at the newest schema, with no data."""
    if backend == "sqlite":
        path = tmp_path / "orgplane.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    name: str = request.getfixturevalue("postgres_database")
    yield server.url(name)
    server.empty_tables(name)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = create_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session
