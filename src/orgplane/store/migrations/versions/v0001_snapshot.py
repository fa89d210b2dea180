"""The spec snapshot, findings, apply history, API tokens and the audit log.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-23

Besides the tables of ``store.tables``: full-text search over groups and catalog
entries (SQLite: FTS5 tables kept in step by triggers; PostgreSQL: GIN indexes on
``to_tsvector('simple', search_text)``), and triggers that make the audit log
append-only on both backends.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

#: (FTS5 table, content table, its integer key) — see store/search.py for the queries.
_FTS = (("groups_fts", "groups"), ("catalog_fts", "catalog_entries"))


def _sqlite_search_and_audit() -> None:
    for fts, table in _FTS:
        # An external-content FTS5 table: it indexes ``search_text`` of ``table`` by the
        # table's INTEGER PRIMARY KEY (a rowid alias, which VACUUM never renumbers).
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}', "
            f"content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, search_text) "
            f"VALUES ('delete', old.id, old.search_text); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_update AFTER UPDATE OF search_text ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, search_text) "
            f"VALUES ('delete', old.id, old.search_text); "
            f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        )


def _postgresql_search_and_audit() -> None:
    for index, table in (
        ("ix_groups_search", "groups"),
        ("ix_catalog_entries_search", "catalog_entries"),
    ):
        op.execute(
            f"CREATE INDEX {index} ON {table} "
            "USING gin (to_tsvector('simple'::regconfig, search_text))"
        )
    op.execute(
        "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
    )


_SQLITE_DROP = [
    "DROP TRIGGER audit_log_no_update",
    "DROP TRIGGER audit_log_no_delete",
    *(f"DROP TABLE {fts}" for fts, _ in _FTS),
]
_POSTGRESQL_DROP = [
    "DROP TRIGGER audit_log_append_only ON audit_log",
    "DROP FUNCTION audit_log_append_only()",
    "DROP INDEX ix_groups_search",
    "DROP INDEX ix_catalog_entries_search",
]


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "role IN ('viewer', 'editor', 'admin')", name=op.f("ck_api_tokens_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "audit_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("before", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("after", sa.JSON(none_as_null=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"], unique=False)
    op.create_index(op.f("ix_audit_log_target_at"), "audit_log", ["target", "at"], unique=False)
    op.create_table(
        "orgs",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("leads", sa.JSON(), nullable=False),
        sa.Column("policies", sa.JSON(), nullable=False),
        sa.Column("processes", sa.JSON(), nullable=False),
        sa.Column("glossary", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_orgs")),
    )
    op.create_table(
        "applies",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_code", sa.String(length=64), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["org_code"], ["orgs.code"], name=op.f("fk_applies_org_code_orgs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applies")),
    )
    op.create_index(
        op.f("ix_applies_org_code_applied_at"), "applies", ["org_code", "applied_at"], unique=False
    )
    op.create_table(
        "catalog_entries",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_code", sa.String(length=64), nullable=False),
        sa.Column("entry_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("owner", sa.Text(), nullable=True),
        sa.Column("owner_path", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=True),
        sa.Column("lifecycle", sa.Text(), nullable=False),
        sa.Column("sla", sa.Text(), nullable=False),
        sa.Column("contact", sa.Text(), nullable=False),
        sa.Column("intake", sa.Text(), nullable=False),
        sa.Column("escalation", sa.JSON(), nullable=False),
        sa.Column("tools", sa.JSON(), nullable=False),
        sa.Column("depends_on", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_code"],
            ["orgs.code"],
            name=op.f("fk_catalog_entries_org_code_orgs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_entries")),
        sa.UniqueConstraint(
            "org_code", "entry_id", name=op.f("uq_catalog_entries_org_code_entry_id")
        ),
    )
    op.create_index(
        op.f("ix_catalog_entries_org_code_name"),
        "catalog_entries",
        ["org_code", "name"],
        unique=False,
    )
    op.create_index(
        op.f("ix_catalog_entries_org_code_owner_path"),
        "catalog_entries",
        ["org_code", "owner_path"],
        unique=False,
    )
    op.create_table(
        "findings",
        sa.Column("org_code", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("file", sa.Text(), nullable=True),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("col", sa.Integer(), nullable=True),
        sa.Column("hint", sa.Text(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_code"], ["orgs.code"], name=op.f("fk_findings_org_code_orgs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("org_code", "position", name=op.f("pk_findings")),
        sqlite_with_rowid=False,
    )
    op.create_index(
        op.f("ix_findings_org_code_subject"), "findings", ["org_code", "subject"], unique=False
    )
    op.create_table(
        "groups",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_code", sa.String(length=64), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=128), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("parent_path", sa.Text(), nullable=True),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("leads", sa.JSON(), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("oncall", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("responsibilities", sa.JSON(), nullable=False),
        sa.Column("stack", sa.JSON(), nullable=False),
        sa.Column("stakeholders", sa.JSON(), nullable=False),
        sa.Column("boundaries", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_code"], ["orgs.code"], name=op.f("fk_groups_org_code_orgs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_groups")),
        sa.UniqueConstraint("org_code", "path", name=op.f("uq_groups_org_code_path")),
    )
    op.create_index(op.f("ix_groups_org_code_code"), "groups", ["org_code", "code"], unique=False)
    op.create_index(op.f("ix_groups_org_code_kind"), "groups", ["org_code", "kind"], unique=False)
    op.create_index(
        op.f("ix_groups_org_code_parent_path_position"),
        "groups",
        ["org_code", "parent_path", "position"],
        unique=False,
    )
    op.create_table(
        "people",
        sa.Column("org_code", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("chat", sa.Text(), nullable=True),
        sa.Column("timezone", sa.Text(), nullable=True),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_code"], ["orgs.code"], name=op.f("fk_people_org_code_orgs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("org_code", "id", name=op.f("pk_people")),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_people_org_code_name"), "people", ["org_code", "name"], unique=False)
    op.create_table(
        "roles",
        sa.Column("org_code", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("internal_id", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("specialty", sa.Text(), nullable=False),
        sa.Column("group_ref", sa.Text(), nullable=True),
        sa.Column("reports_to", sa.String(length=128), nullable=True),
        sa.Column("responsibilities", sa.JSON(), nullable=False),
        sa.Column("headcount_min", sa.Integer(), nullable=True),
        sa.Column("headcount_max", sa.Integer(), nullable=True),
        sa.Column("escalation_order", sa.Integer(), nullable=True),
        sa.Column("digest", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_code"], ["orgs.code"], name=op.f("fk_roles_org_code_orgs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("org_code", "id", name=op.f("pk_roles")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "group_dependencies",
        sa.Column("org_code", sa.String(length=64), nullable=False),
        sa.Column("group_path", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("target_path", sa.Text(), nullable=True),
        sa.Column("provides", sa.Text(), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_code", "group_path"],
            ["groups.org_code", "groups.path"],
            name="fk_group_dependencies_group",
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "org_code", "group_path", "position", name=op.f("pk_group_dependencies")
        ),
        sqlite_with_rowid=False,
    )
    op.create_index(
        op.f("ix_group_dependencies_org_code_target_path"),
        "group_dependencies",
        ["org_code", "target_path"],
        unique=False,
    )
    op.create_table(
        "group_kpis",
        sa.Column("org_code", sa.String(length=64), nullable=False),
        sa.Column("group_path", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_code", "group_path"],
            ["groups.org_code", "groups.path"],
            name="fk_group_kpis_group",
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_code", "group_path", "position", name=op.f("pk_group_kpis")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "group_memberships",
        sa.Column("org_code", sa.String(length=64), nullable=False),
        sa.Column("group_path", sa.Text(), nullable=False),
        sa.Column("relation", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.String(length=128), nullable=False),
        sa.CheckConstraint(
            "relation IN ('lead', 'member', 'oncall')", name=op.f("ck_group_memberships_relation")
        ),
        sa.ForeignKeyConstraint(
            ["org_code", "group_path"],
            ["groups.org_code", "groups.path"],
            name="fk_group_memberships_group",
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "org_code", "group_path", "relation", "person_id", name=op.f("pk_group_memberships")
        ),
        sqlite_with_rowid=False,
    )
    op.create_index(
        op.f("ix_group_memberships_org_code_person_id"),
        "group_memberships",
        ["org_code", "person_id"],
        unique=False,
    )
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_search_and_audit()
    else:
        _postgresql_search_and_audit()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE_DROP:
            op.execute(statement)
    else:
        for statement in _POSTGRESQL_DROP:
            op.execute(statement)
    op.drop_index(op.f("ix_group_memberships_org_code_person_id"), table_name="group_memberships")
    op.drop_table("group_memberships")
    op.drop_table("group_kpis")
    op.drop_index(
        op.f("ix_group_dependencies_org_code_target_path"), table_name="group_dependencies"
    )
    op.drop_table("group_dependencies")
    op.drop_table("roles")
    op.drop_index(op.f("ix_people_org_code_name"), table_name="people")
    op.drop_table("people")
    op.drop_index(op.f("ix_groups_org_code_parent_path_position"), table_name="groups")
    op.drop_index(op.f("ix_groups_org_code_kind"), table_name="groups")
    op.drop_index(op.f("ix_groups_org_code_code"), table_name="groups")
    op.drop_table("groups")
    op.drop_index(op.f("ix_findings_org_code_subject"), table_name="findings")
    op.drop_table("findings")
    op.drop_index(op.f("ix_catalog_entries_org_code_owner_path"), table_name="catalog_entries")
    op.drop_index(op.f("ix_catalog_entries_org_code_name"), table_name="catalog_entries")
    op.drop_table("catalog_entries")
    op.drop_index(op.f("ix_applies_org_code_applied_at"), table_name="applies")
    op.drop_table("applies")
    op.drop_table("orgs")
    op.drop_index(op.f("ix_audit_log_target_at"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_at"), table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("api_tokens")
