"""Shared helpers of the rule tests: write a small spec, run the built-in rules on it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from orgplane.rules import Finding, RuleRegistry
from orgplane.rules.builtin import register
from orgplane.spec import load_spec

ORG = """
version: 1
org: {code: ACME, name: Acme}
"""


def spec_text(body: str) -> str:
    return ORG.lstrip("\n") + textwrap.dedent(body).lstrip("\n")


def findings_of(path: Path, code: str) -> list[Finding]:
    """The findings of one rule on the spec at ``path``."""
    registry = RuleRegistry()
    register(registry)
    return [finding for finding in registry.check(load_spec(path)) if finding.code == code]


def check(tmp_path: Path, body: str, code: str) -> list[Finding]:
    """The findings of one rule on a spec (the org header is added in front)."""
    path = tmp_path / "org.yaml"
    path.write_text(spec_text(body), encoding="utf-8")
    return findings_of(path, code)


def line(body: str, marker: str) -> int:
    """The 1-based line of the spec that carries ``# marker``."""
    for number, text in enumerate(spec_text(body).splitlines(), 1):
        if text.rstrip().endswith(f"# {marker}"):
            return number
    raise AssertionError(f"no line marked {marker!r}")


def lines(findings: list[Finding]) -> list[int]:
    return [finding.location.line if finding.location else 0 for finding in findings]
