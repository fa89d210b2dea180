"""The rule registry and its contract with the built-in rules, plugins and the docs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import pytest

from orgplane.model import Org
from orgplane.rules import Finding, Rule, RuleContext, RuleRegistry, Severity
from orgplane.rules.builtin import builtin_rules, register
from orgplane.spec import load_spec

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
FIXTURES = Path(__file__).parent / "fixtures"
#: The loader's diagnostic codes (src/orgplane/spec/reader.py and loader.py).
LOADER_CODES = ("OP000", "OP001", "OP002", "OP003", "OP004", "OP005", "OP006")


def builtin_registry() -> RuleRegistry:
    registry = RuleRegistry()
    register(registry)
    return registry


class NoPagerRule:
    """A third party's rule: every org must name at least one on-call rotation."""

    code = "ACME001"
    name = "no-pager"
    severity = Severity.WARNING
    summary = "The org defines no on-call rotation."
    doc = "Without a rotation nobody is paged. Add one under `oncall:`."

    def check(self, context: RuleContext) -> Iterable[Finding]:
        if not context.org.oncall:
            yield Finding(self.code, self.severity, "no on-call rotation", context.org.location())


def register_acme(registry: RuleRegistry) -> None:
    """What a plugin's ``orgplane.rules`` entry point looks like."""
    registry.register(NoPagerRule())


def test_every_builtin_rule_is_registered_once_with_code_summary_and_doc() -> None:
    registry = builtin_registry()
    rules = list(registry)
    assert len(rules) == len(builtin_rules()) == 23
    for rule in rules:
        assert isinstance(rule, Rule)
        assert re.fullmatch(r"OP1\d\d", rule.code), rule.code
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name), rule.name
        assert isinstance(rule.severity, Severity)
        assert rule.summary.endswith("."), rule.code
        # A paragraph: what it checks, why, how to fix it, and an example.
        assert len(rule.doc) > 300, rule.code
        assert "Fix it" in rule.doc, rule.code
        assert "Example" in rule.doc, rule.code
    assert len({rule.name for rule in rules}) == len(rules)


def test_registering_a_code_twice_is_refused() -> None:
    registry = builtin_registry()
    with pytest.raises(ValueError, match="OP104 is already registered"):
        registry.register(builtin_rules()[3])


def test_calling_the_builtin_registration_twice_is_refused() -> None:
    registry = builtin_registry()
    with pytest.raises(ValueError, match="already registered"):
        register(registry)


def test_a_third_party_registration_function_adds_its_rule() -> None:
    registry = RuleRegistry()
    register_acme(registry)
    assert [rule.code for rule in registry] == ["ACME001"]
    org = Org(code="ACME", name="Acme")
    [finding] = registry.check(org)
    assert (finding.code, finding.severity, finding.message) == (
        "ACME001",
        Severity.WARNING,
        "no on-call rotation",
    )


def test_a_third_party_rule_sits_beside_the_builtin_ones() -> None:
    registry = builtin_registry()
    register_acme(registry)
    assert "ACME001" in registry
    assert "OP101" in registry
    assert len(registry) == 24


def test_entry_points_register_the_builtin_rules() -> None:
    registry = RuleRegistry().load_entry_points()
    codes = [rule.code for rule in registry]
    assert codes == sorted(rule.code for rule in builtin_rules())
    assert type(registry.get("OP104")).__module__ == "orgplane.rules.builtin.policies"


def test_findings_come_back_sorted_by_file_line_and_code() -> None:
    org = load_spec(FIXTURES / "cipo.yaml")
    findings = RuleRegistry().load_entry_points().check(org)
    assert findings == sorted(findings, key=Finding.sort_key)
    assert [(f.code, f.location.line if f.location else 0) for f in findings] == [
        ("OP104", 76),
        ("OP104", 95),
        ("OP113", 130),
        ("OP113", 131),
        ("OP110", 132),
    ]


@pytest.mark.parametrize("rule", builtin_rules(), ids=lambda rule: rule.code)
def test_every_rule_is_silent_on_a_clean_spec(rule: Rule) -> None:
    org = load_spec(FIXTURES / "clean.yaml")
    assert list(rule.check(RuleContext(org))) == []


# -- docs/rules.md ----------------------------------------------------------------------


def documented_sections() -> dict[str, str]:
    """Each ``### CODE name`` section of docs/rules.md by code, with its text."""
    text = DOCS.read_text(encoding="utf-8")
    parts = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    return {part.split(maxsplit=1)[0]: part for part in parts}


def undocumented(rules: Iterable[Rule], sections: dict[str, str]) -> list[str]:
    missing = []
    for rule in rules:
        section = sections.get(rule.code, "")
        first_line = section.partition("\n")[0]
        if first_line.strip() != f"{rule.code} {rule.name}" or (
            f"**Severity:** {rule.severity.value}" not in section
        ):
            missing.append(rule.code)
    return missing


def test_docs_document_every_registered_rule() -> None:
    registry = RuleRegistry().load_entry_points()
    assert undocumented(registry, documented_sections()) == []


def test_the_docs_check_fails_for_an_undocumented_rule() -> None:
    registry = builtin_registry()
    register_acme(registry)
    assert undocumented(registry, documented_sections()) == ["ACME001"]


def test_docs_show_each_rule_doc_as_the_rule_has_it() -> None:
    sections = documented_sections()
    for rule in builtin_rules():
        section = " ".join(sections[rule.code].split())
        assert " ".join(rule.doc.split()) in section, f"docs/rules.md: {rule.code} doc differs"
        assert rule.summary in section


@pytest.mark.parametrize("rule", builtin_rules(), ids=lambda rule: rule.code)
def test_docs_examples_report_what_the_docs_say(
    rule: Rule, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    section = documented_sections()[rule.code]
    spec = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    output = re.search(r"```text\n(.*?)```", section, re.DOTALL)
    assert spec is not None
    assert output is not None
    monkeypatch.chdir(tmp_path)
    Path("org.yaml").write_text(
        "version: 1\norg: {code: ACME, name: Acme}\n" + spec.group(1), encoding="utf-8"
    )
    org = load_spec("org.yaml")
    # A clock rule's example names the moment it is checked at ("Checked at: `…`").
    moment = re.search(r"Checked at: `([^`]+)`", section)
    now = datetime.fromisoformat(moment.group(1)) if moment else None
    findings = builtin_registry().check(org, RuleContext(org, now=now))
    assert [str(f) for f in findings if f.code == rule.code] == output.group(1).splitlines()


def test_docs_document_every_loader_diagnostic() -> None:
    sections = documented_sections()
    for code in LOADER_CODES:
        assert code in sections, f"{code} is missing from docs/rules.md"


def test_docs_list_no_rule_that_does_not_exist() -> None:
    registry = RuleRegistry().load_entry_points()
    documented = set(documented_sections())
    assert documented - set(LOADER_CODES) - {rule.code for rule in registry} == set()
