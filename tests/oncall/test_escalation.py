"""Escalation ladders: rungs in firing order, targets by kind, and contact methods."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from orgplane.model import ContactMethod, EscalationPolicy, Org, OrgIndex, Rotation
from orgplane.oncall.book import spec_book
from orgplane.oncall.build import Holders
from orgplane.oncall.directory import Directory
from orgplane.oncall.escalation import Ladder, implied_ladder, ladder_of, parse_target
from tests.cli_run import Run

ORG = Org.model_validate(
    {
        "code": "OPS",
        "name": "Operations",
        "groups": [{"code": "OPS", "name": "Operations"}],
        "roles": [{"id": "sre", "name": "Site Reliability Engineer"}],
        "people": [{"id": "ana", "name": "Ana", "roles": ["sre"]}],
        "oncall": [{"id": "ops", "name": "Ops", "primary": "ana"}],
    }
)


def _parse(text: str) -> tuple[str, str, str]:
    target = parse_target(
        text,
        holders=Holders(ORG),
        rotations=["ops"],
        group_path=lambda ref: "OPS" if ref == "OPS" else None,
    )
    return target.kind, target.ref, target.tier


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ana", ("person", "ana", "primary")),
        ("Site Reliability Engineer", ("role", "sre", "primary")),
        ("sre", ("role", "sre", "primary")),
        ("rotation:ops", ("rotation", "ops", "primary")),
        ("rotation:ops/secondary", ("rotation", "ops", "secondary")),
        ("rotation:ops/both", ("rotation", "ops", "both")),
        ("ops", ("rotation", "ops", "primary")),
        ("OPS", ("group", "OPS", "primary")),
        ("owner", ("owner", "", "primary")),
        ("Component Specialist", ("owner", "", "primary")),
        ("Component Owner (SysAdmin/NetEng/DBA)", ("owner", "", "primary")),
        ("On-call engineer", ("oncall", "", "primary")),
        ("the secondary on-call", ("oncall", "", "secondary")),
        ("Eng lead of the team", ("lead", "team", "primary")),
        ("Engineering Manager", ("lead", "team", "primary")),
        ("Director", ("lead", "above", "primary")),
        ("Human Escalation", ("unknown", "", "primary")),
        ("rotation:nope", ("unknown", "", "primary")),
        ("rotation:ops/tertiary", ("unknown", "", "primary")),
        ("Site Reliabilty Engineer", ("unknown", "", "primary")),
    ],
)
def test_a_step_target_is_read_by_kind(text: str, expected: tuple[str, str, str]) -> None:
    assert _parse(text) == expected


def test_steps_due_at_the_same_minute_fire_together_and_rounds_repeat() -> None:
    policy = EscalationPolicy.model_validate(
        {
            "id": "p",
            "name": "P",
            "repeat": 2,
            "repeat_after_minutes": 10,
            "steps": [
                {"to": "b", "after_minutes": 15},
                {"to": "a"},
                {"to": "c", "after_minutes": 15},
            ],
        }
    )
    ladder = ladder_of(policy)
    assert [(rung.after_minutes, rung.targets) for rung in ladder.rungs] == [
        (0, ("a",)),
        (15, ("b", "c")),
    ]
    # A round is the last rung's minute plus the pause: 25 minutes.
    assert [ladder.due_minutes(rung, 1) for rung in (0, 1)] == [25, 40]
    assert Ladder.from_json(ladder.to_json()) == ladder


def test_a_rotation_without_steps_pages_its_primary_then_its_secondary() -> None:
    rotation = Rotation(id="ops", name="Ops", primary="ana", secondary="bo")
    ladder = implied_ladder(rotation)
    assert [(r.after_minutes, r.targets) for r in ladder.rungs] == [
        (0, ("rotation:ops/primary",)),
        (15, ("rotation:ops/secondary",)),
    ]


@pytest.mark.parametrize(
    ("given", "kind"),
    [
        ("ana@ops.example", "email"),
        ("mailto:ana@ops.example", "email"),
        ("https://hooks.ops.example/page", "webhook"),
        ({"kind": "teams", "to": "https://teams.example/webhook/1"}, "teams"),
    ],
)
def test_a_contact_method_reads_its_kind(given: object, kind: str) -> None:
    assert ContactMethod.model_validate(given).kind.value == kind


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("ana@", "is not an e-mail address"),
        ({"kind": "slack", "to": "ftp://hooks.example"}, r"is not an http\(s\) URL"),
        ({"kind": "email", "to": "ana at ops"}, "is not an e-mail address"),
    ],
)
def test_a_bad_contact_method_says_what_is_wrong(given: object, says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        ContactMethod.model_validate(given)


def test_validate_points_at_a_bad_address(run: Run, tmp_path: Path) -> None:
    spec = tmp_path / "org.yaml"
    spec.write_text(
        "org: {code: OPS, name: Ops}\n"
        "people:\n"
        "  - id: ana\n"
        "    name: Ana\n"
        "    contacts: [ana@, https://hooks.ops.example/page]\n",
        encoding="utf-8",
    )
    result = run("validate", str(spec))
    assert result.code == 1
    assert "org.yaml:5:16: error OP001" in result.out
    assert "'ana@' is not an e-mail address" in result.out


RELATIVE = Org.model_validate(
    {
        "code": "LM",
        "name": "Larkspur",
        "groups": [
            {
                "code": "RX",
                "name": "Rider Experience",
                "leads": ["priya"],
                "groups": [{"code": "BK", "name": "Booking", "leads": ["tomas"]}],
            }
        ],
        "people": [
            {"id": "priya", "name": "Priya"},
            {"id": "tomas", "name": "Tomás"},
            {"id": "ana", "name": "Ana"},
            {"id": "bo", "name": "Bo"},
        ],
        "catalog": [{"id": "fares", "name": "Fare engine", "owner": "BK"}],
        "oncall": [
            {"id": "rx", "name": "Rider", "group": "RX/BK", "primary": "ana", "secondary": "bo"},
        ],
    }
)


@pytest.mark.parametrize(
    ("step", "component", "people", "how"),
    [
        ("On-call engineer", None, ("ana",), "primary of rx"),
        ("Secondary", None, ("bo",), "secondary of rx"),
        ("Eng lead of the team", None, ("tomas",), "RX/BK: its leads"),
        ("Director", None, ("priya",), "RX: its leads"),
        ("Team lead", "fares", ("tomas",), "RX/BK: its leads"),
    ],
)
def test_steps_written_relative_to_the_page_reach_its_people(
    step: str, component: str | None, people: tuple[str, ...], how: str
) -> None:
    directory = Directory(RELATIVE)
    reached = directory.reach(
        step, at=datetime(2026, 3, 2, 12, tzinfo=UTC), rotation_id="rx", component=component
    )
    assert (reached.people, reached.how) == (people, how)


def test_a_role_named_like_a_relative_word_is_that_role() -> None:
    org = Org.model_validate(
        {
            "code": "D",
            "name": "D",
            "roles": [{"id": "director", "name": "Director"}],
            "people": [{"id": "di", "name": "Di", "roles": ["director"]}],
        }
    )
    target = parse_target(
        "Director", holders=Holders(org), rotations=[], group_path=lambda _ref: None
    )
    assert (target.kind, target.ref) == ("role", "director")


def _with_policy(applies_to: str) -> Org:
    return Org.model_validate(
        {
            **ORG.model_dump(exclude={"escalation_policies"}, exclude_defaults=True),
            "escalation_policies": [
                {
                    "id": "ops-ladder",
                    "name": "Ops ladder",
                    "applies_to": [applies_to],
                    "steps": [{"to": "rotation:ops"}, {"to": "sre", "after_minutes": 10}],
                }
            ],
            "oncall": [{"id": "ops", "name": "Ops", "group": "OPS", "primary": "ana"}],
        }
    )


@pytest.mark.parametrize("applies_to", ["ops", "OPS"], ids=["rotation", "its group"])
def test_a_rotation_runs_the_policy_of_it_or_its_group_in_pages_and_answers(
    applies_to: str,
) -> None:
    org = _with_policy(applies_to)
    paged = Directory(org).page_target("ops")
    assert paged.ladder.policy == "ops-ladder"
    book, _ = spec_book(org, OrgIndex(org))
    answer = book.now(book.rotation("ops"), at=datetime(2026, 3, 2, tzinfo=UTC))
    assert answer.policy is not None
    assert answer.policy.id == "ops-ladder"
    assert [(r.to.describe(), r.after_minutes, r.until_minutes) for r in answer.escalation] == [
        ("rotation ops (primary)", 0, 10),
        ("Site Reliability Engineer (role): ana", 10, None),
    ]
