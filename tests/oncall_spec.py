"""An org with on-call rotations for the tests of the server's on-call answers, pages
and calendars: a rotation for a group, one whose week crosses a DST change, one that
names a role, overrides and an escalation ladder."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import NullPool
from sqlalchemy.orm import Session

from orgplane.rules import default_registry
from orgplane.services import apply_spec
from orgplane.spec import load_spec_text
from orgplane.store import create_engine, upgrade

__all__ = ["ONCALL_SPEC", "apply_oncall_spec"]

ONCALL_SPEC = """\
org: {code: ACME, name: Acme}
groups:
  - code: OPS
    name: Operations
    kind: department
    groups:
      - {code: DB, name: Databases, kind: squad, members: [ana, bo]}
      - {code: NET, name: Network, kind: squad, members: [cy]}
people:
  - {id: ana, name: Ana Alves, email: ana@example.org, roles: [dba]}
  - {id: bo, name: Bo Berg, chat: "@bo"}
  - {id: cy, name: Cy Chen}
  - {id: dee, name: Dee Diaz}
roles:
  - {id: dba, name: Database Administrator}
  - {id: netops, name: Network Engineer}
catalog:
  - {id: postgres, name: PostgreSQL, owner: OPS/DB}
policies:
  oncall_depth: {min: 2, kinds: [department]}
oncall:
  - id: sre
    name: SRE on call
    group: OPS
    primary: ana
    secondary: cy
    timezone: Europe/Berlin
    layers:
      - name: weekly
        members: [ana, bo]
        start: 2026-03-02T09:00
        turn: 1w
      - name: weekends
        members: [dee]
        start: 2026-03-07T00:00
        turn: 1d
        restrictions:
          - {days: [sat, sun], start: "00:00", end: "00:00"}
    overrides:
      - {person: cy, start: "2026-03-04T12:00:00Z", end: "2026-03-05T12:00:00Z"}
    escalation:
      - {to: ana, after_minutes: 0, until_minutes: 15}
      - {to: Database Administrator, after_minutes: 15}
  - id: net
    name: Network on call
    group: OPS/NET
    primary: netops
    timezone: America/New_York
"""


def apply_oncall_spec(url: str, spec: str = ONCALL_SPEC) -> None:
    """Create the schema at ``url`` and apply ``spec`` to it."""
    upgrade(url)
    engine = create_engine(url, poolclass=NullPool)
    try:
        org = load_spec_text(spec, "acme.yaml")
        with Session(engine) as session:
            apply_spec(
                session=session,
                org=org,
                findings=default_registry().check(org),
                actor="tests",
                accept_errors=True,
            )
    finally:
        engine.dispose()


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'oncall.db'}"
