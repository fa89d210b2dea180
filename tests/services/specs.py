"""Orgs the apply tests use: the bundled examples, made applicable, and a reorganized CIPO."""

from __future__ import annotations

from pathlib import Path

from orgplane.model import Group, Org, OrgIndex, Person
from orgplane.rules import Finding, Severity, default_registry
from orgplane.spec import load_spec
from orgplane.spec.dumper import spec_files

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

#: What ``reorganize`` does to ``applicable_cipo()``.
MOVED = ("A-1", "1A/A-1", "1B/A-1")
RENAMED = ("1C/C-2", "CI/CD & Release Platform")
REMOVED = "1A/A-3"
LEAD_CHANGED = ("1B/B-2", ["ana"], ["ben"])


def example(name: str) -> Org:
    return load_spec(EXAMPLES / name)


def findings_of(org: Org) -> list[Finding]:
    return default_registry().check(org)


def errors_of(org: Org) -> list[Finding]:
    return [f for f in findings_of(org) if f.severity is Severity.ERROR]


def group(org: Org, path: str) -> Group:
    return OrgIndex(org).groups[path]


def applicable_cipo() -> Org:
    """examples/cipo without the policy its documents break (so it has no errors), with
    two people and a lead for B-2."""
    org = example("cipo")
    org.policies.forbidden_interfaces.clear()
    org.people.extend([Person(id="ana", name="Ana Lima"), Person(id="ben", name="Ben Okafor")])
    group(org, "1B/B-2").leads = ["ana"]
    assert errors_of(org) == [], errors_of(org)
    return org


def reorganize(org: Org) -> Org:
    """A copy of ``applicable_cipo()`` with one squad moved (A-1 to 1B, with its units),
    one renamed (C-2), one removed (A-3, with its units) and one lead changed (B-2)."""
    new = org.model_copy(deep=True)
    department_a = group(new, "1A")
    squad = next(g for g in department_a.groups if g.code == "A-1")
    department_a.groups.remove(squad)
    group(new, "1B").groups.append(squad)
    group(new, RENAMED[0]).name = RENAMED[1]
    department_a.groups = [g for g in department_a.groups if g.code != "A-3"]
    group(new, LEAD_CHANGED[0]).leads = list(LEAD_CHANGED[2])
    return new


def write_spec(org: Org, folder: Path) -> Path:
    """``org`` written as a spec folder, as ``orgplane`` would read it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in spec_files(org).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
