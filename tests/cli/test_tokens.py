"""``orgplane token`` and ``orgplane audit``."""

from __future__ import annotations

import json

from tests.cli.conftest import Run


def test_create_list_revoke_and_audit(run: Run, db_url: str) -> None:
    created = run("token", "create", "--role", "editor", "--name", "ci deploys", "--db", db_url)
    assert created.code == 0
    secret = created.out.strip()
    assert secret.startswith("orgp_")
    assert "\n" not in secret
    assert "cannot be shown again" in created.err
    token_id = secret.split("_")[1]

    listed = run("token", "list", "--db", db_url)
    assert listed.code == 0
    assert token_id in listed.out
    assert "ci deploys" in listed.out
    assert "editor" in listed.out
    assert secret not in listed.out
    rows = json.loads(run("token", "list", "--db", db_url, "--json").out)
    assert [(r["id"], r["role"], r["revoked_at"]) for r in rows] == [(token_id, "editor", None)]

    assert run("token", "revoke", token_id, "--db", db_url).code == 0
    assert json.loads(run("token", "list", "--active", "--json", "--db", db_url).out) == []
    missing = run("token", "revoke", "nope", "--db", db_url)
    assert missing.code == 1
    assert missing.err.startswith("orgplane: error: no API token 'nope'")
    wrong = run("token", "create", "--role", "owner", "--db", db_url)
    assert wrong.code == 2
    assert "unknown role 'owner'" in wrong.err

    log = run("audit", "--db", db_url)
    assert log.code == 0
    assert log.out.index("token.revoke") < log.out.index("token.create")
    entries = json.loads(run("audit", "--db", db_url, "--json", "--limit", "1").out)
    assert [e["action"] for e in entries] == ["token.revoke"]
    assert secret not in run("audit", "--db", db_url, "--json").out
