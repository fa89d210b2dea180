"""The schema ships in the package as Alembic migrations and upgrades an empty database."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import NullPool, inspect

from orgplane.store import create_engine, current_revision, head_revision, is_current, upgrade
from orgplane.store.migrate import MIGRATIONS_DIR, alembic_config
from orgplane.store.migrations import include_object
from orgplane.store.tables import Base


def test_migrations_ship_inside_the_package() -> None:
    import orgplane.store

    assert MIGRATIONS_DIR.is_relative_to(next(iter(orgplane.store.__path__)))
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert any(MIGRATIONS_DIR.glob("versions/v*.py"))


def test_upgrade_from_empty_creates_the_schema(empty_db_url: str) -> None:
    assert current_revision(empty_db_url) is None
    assert not is_current(empty_db_url)
    upgrade(empty_db_url)
    assert current_revision(empty_db_url) == head_revision()
    assert is_current(empty_db_url)
    engine = create_engine(empty_db_url, poolclass=NullPool)
    try:
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        with engine.connect() as connection:
            # What the migrations built is exactly what the tables module declares.
            context = MigrationContext.configure(
                connection, opts={"include_object": include_object, "compare_type": True}
            )
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()
    upgrade(empty_db_url)  # again: nothing to do
    assert is_current(empty_db_url)


def test_downgrade_to_nothing_and_up_again(empty_db_url: str) -> None:
    upgrade(empty_db_url)
    engine = create_engine(empty_db_url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    assert current_revision(empty_db_url) is None
    upgrade(empty_db_url)
    assert is_current(empty_db_url)
