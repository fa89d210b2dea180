"""The on-call clock rules: silent without a moment (what an apply stores never changes
as time passes), and at a moment, the gaps, depth and double primaries of the next
weeks."""

from __future__ import annotations

from datetime import UTC, datetime

from orgplane.rules import RuleContext, default_registry
from orgplane.spec import load_spec_text

SPEC = """\
org: {code: ACME, name: Acme}
groups:
  - {code: OPS, name: Operations, kind: squad}
policies:
  oncall_depth: {min: 2, kinds: [squad]}
people:
  - {id: ana, name: Ana}
  - {id: bo, name: Bo}
oncall:
  - id: db
    name: Databases on call
    group: OPS
    primary: ana
  - id: net
    name: Network on call
    primary: bo
    secondary: bo
    layers:
      - members: [ana, bo]
        start: 2026-03-02T09:00
        turn: 1w
"""
CLOCK = {"OP119", "OP120", "OP121", "OP126"}


def _codes(at: datetime | None) -> list[tuple[str, str | None]]:
    org = load_spec_text(SPEC, "org.yaml")
    findings = default_registry().check(org, RuleContext(org, now=at))
    return sorted((f.code, f.subject) for f in findings if f.code in CLOCK)


def test_without_a_moment_the_clock_rules_report_nothing() -> None:
    assert _codes(None) == []


def test_at_a_moment_they_report_gaps_depth_and_double_primaries() -> None:
    found = _codes(datetime(2026, 3, 2, tzinfo=UTC))
    assert ("OP119", "net") in found  # nobody before its first handoff, 09:00 Berlin
    assert ("OP120", "db") in found  # a squad's rotation with ana alone
    assert ("OP121", "net") in found  # ana holds db and, in turn, net
    assert ("OP126", "net") in found  # bo is net's secondary and, in turn, its primary
    assert ("OP126", "db") not in found


def test_the_same_moment_gives_the_same_findings() -> None:
    at = datetime(2026, 5, 4, 12, tzinfo=UTC)
    assert _codes(at) == _codes(at)
    assert ("OP119", "net") not in _codes(at)  # long after the first handoff
