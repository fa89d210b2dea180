"""``orgplane oncall now`` and ``oncall schedule``: who is on call, from the spec."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_run import Run

SPEC = """\
org: {code: ACME, name: Acme}
groups:
  - code: OPS
    name: Operations
    groups:
      - {code: DB, name: Databases}
people:
  - {id: ana, name: Ana, roles: [dba]}
  - {id: bo, name: Bo}
  - {id: cy, name: Cy}
roles:
  - {id: dba, name: Database Administrator}
  - {id: netops, name: Network Engineer}
catalog:
  - {id: postgres, name: PostgreSQL, owner: OPS/DB}
oncall:
  - id: sre
    name: SRE on call
    group: OPS
    primary: ana
    secondary: cy
    timezone: Europe/Berlin
    layers:
      - members: [ana, bo]
        start: 2026-03-02T09:00
        turn: 1w
    overrides:
      - {person: cy, start: "2026-03-04T12:00:00Z", end: "2026-03-05T12:00:00Z"}
    escalation:
      - {to: ana, after_minutes: 0, until_minutes: 15}
      - {to: Database Administrator, after_minutes: 15}
"""


@pytest.fixture
def spec(tmp_path: Path) -> str:
    path = tmp_path / "org.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return str(path)


def test_now_names_primary_and_secondary_until_when(run: Run, spec: str) -> None:
    result = run("oncall", "now", "sre", "--spec", spec, "--at", "2026-03-10T08:00:00Z", "--json")
    assert result.code == 0, result.err
    answer = json.loads(result.out)
    assert answer["primary"] == {
        "who": "bo",
        "kind": "person",
        "people": ["bo"],
        "until": "2026-03-16T08:00:00+00:00",
        "from": "layer 1",
        "text": "bo",
    }
    assert answer["secondary"]["who"] == "cy"
    assert answer["secondary"]["until"] is None  # one member: no handoff in sight


def test_now_for_a_group_uses_the_rotation_above_it_and_says_so(run: Run, spec: str) -> None:
    result = run("oncall", "now", "OPS/DB", "--spec", spec, "--at", "2026-03-04T13:00:00Z")
    assert result.code == 0, result.err
    assert "OPS/DB has no rotation; the one of OPS, above it" in result.out
    assert "primary: cy until 2026-03-05T12:00:00+00:00 (override)" in result.out


def test_the_schedule_shows_handoffs_in_local_time_through_dst(run: Run, spec: str) -> None:
    result = run(
        "oncall", "schedule", "sre", "--spec", spec, "--from", "2026-03-23", "--to", "2026-04-07"
    )
    assert result.code == 0, result.err
    # 09:00 Berlin both before (CET) and after (CEST) the 29 March transition.
    assert "Mon 2026-03-23 09:00" in result.out
    assert "Mon 2026-03-30 09:00" in result.out
    assert "Mon 2026-04-06 09:00" in result.out
    data = json.loads(
        run(
            "oncall",
            "schedule",
            "sre",
            "--spec",
            spec,
            "--from",
            "2026-03-23",
            "--to",
            "2026-04-07",
            "--json",
        ).out
    )
    starts = [segment["from"] for segment in data["segments"]]
    assert "2026-03-23T08:00:00+00:00" in starts
    assert "2026-03-30T07:00:00+00:00" in starts  # an hour earlier in UTC
    assert data["gaps"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("now", "nope"),
            "'nope' is neither a rotation, a group, a catalog entry, a person nor a role "
            "(rotations: sre)",
        ),
        (
            ("schedule", "sre", "--from", "2026-03-05", "--to", "2026-03-01"),
            "--to must be after --from",
        ),
        (("now", "sre", "--at", "tomorrow-ish"), "--at"),
    ],
)
def test_bad_requests_are_one_line_errors(
    run: Run, spec: str, args: tuple[str, ...], message: str
) -> None:
    result = run("oncall", *args, "--spec", spec)
    assert result.code != 0
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err


def test_now_for_a_catalog_entry_asks_its_owners_rotation(run: Run, spec: str) -> None:
    result = run("oncall", "now", "postgresql", "--spec", spec, "--at", "2026-03-10T08:00:00Z")
    assert result.code == 0, result.err
    assert "PostgreSQL is owned by OPS/DB; OPS/DB has no rotation; the one of OPS, above it" in (
        result.out
    )


def test_a_role_on_call_is_named_with_the_people_who_hold_it(
    run: Run, spec: str, tmp_path: Path
) -> None:
    path = Path(spec)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("members: [ana, bo]", "members: [Database Administrator, netops]"),
        encoding="utf-8",
    )
    first = run("oncall", "now", "sre", "--spec", spec, "--at", "2026-03-03T08:00:00Z")
    assert "primary: Database Administrator (role): ana until" in first.out, first.out
    second = run("oncall", "now", "sre", "--spec", spec, "--at", "2026-03-10T08:00:00Z", "--json")
    answer = json.loads(second.out)["primary"]
    assert (answer["who"], answer["kind"], answer["people"]) == ("Network Engineer", "role", [])
    assert answer["text"] == "Network Engineer (role; no person holds it)"


def test_now_names_the_escalation_ladder(run: Run, spec: str) -> None:
    result = run("oncall", "now", "sre", "--spec", spec, "--at", "2026-03-10T08:00:00Z")
    assert "escalation: ana (0–15 min)" in result.out
    assert "escalation: Database Administrator (role): ana (15+ min)" in result.out
    data = json.loads(
        run("oncall", "now", "sre", "--spec", spec, "--at", "2026-03-10T08:00Z", "--json").out
    )
    assert [rung["after_minutes"] for rung in data["escalation"]] == [0, 15]


def test_a_component_owner_step_says_whom_it_pages(run: Run, infra_ops: str) -> None:
    # Seed 004's ladder: "Component Specialist" is the owner of the paged component.
    result = run("oncall", "now", "IOT", "--spec", infra_ops)
    assert result.code == 0, result.err
    assert "escalation: Component Specialist (the owner of the paged component)" in result.out
    data = json.loads(run("oncall", "now", "IOT", "--spec", infra_ops, "--json").out)
    assert data["escalation"][2]["to"] == "Component Specialist (the owner of the paged component)"


def test_now_for_a_person_says_when_they_are_next_on(run: Run, spec: str) -> None:
    # bo holds the weeks starting 9 March 09:00 Berlin; on 3 March ana holds it.
    result = run("oncall", "now", "bo", "--spec", spec, "--at", "2026-03-03T08:00:00Z", "--json")
    assert result.code == 0, result.err
    answer = json.loads(result.out)
    assert answer["kind"] == "person"
    assert answer["on_call"] == [
        {
            "rotation": "sre",
            "tier": "primary",
            "as": "bo",
            "from": "2026-03-09T08:00:00+00:00",
            "until": "2026-03-16T08:00:00+00:00",
            "source": "layer 1",
            "now": False,
        }
    ]
    now = run("oncall", "now", "cy", "--spec", spec, "--at", "2026-03-03T08:00:00Z")
    assert "sre secondary: on call now until further notice (layer 1)" in now.out


def test_now_for_a_role_and_for_a_person_on_no_rotation(run: Run, spec: str) -> None:
    path = Path(spec)
    path.write_text(
        path.read_text(encoding="utf-8").replace("members: [ana, bo]", "members: [dba, bo]"),
        encoding="utf-8",
    )
    role = run("oncall", "now", "dba", "--spec", spec, "--at", "2026-03-03T08:00:00Z", "--json")
    assert json.loads(role.out)["on_call"][0]["as"] == "dba"
    assert json.loads(role.out)["on_call"][0]["now"] is True
    # ana holds the role, so she is on call through it.
    ana = run("oncall", "now", "ana", "--spec", spec, "--at", "2026-03-03T08:00:00Z", "--json")
    assert json.loads(ana.out)["on_call"][0]["as"] == "dba"
    nobody = run("oncall", "now", "netops", "--spec", spec, "--at", "2026-03-03T08:00Z")
    assert nobody.code == 1
    assert "on no rotation's schedule" in nobody.out
