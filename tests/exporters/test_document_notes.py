"""Text about the document, not the org ("This document outlines …", "Never include
these IDs in user-visible output.", invocation code blocks) stays in the spec's notes
and out of the exports, the pages and the CLI's views; stakeholders named twice are one."""

from __future__ import annotations

import json

import pytest

from orgplane.exporters import export
from orgplane.model import OrgIndex
from orgplane.model.notes import about_the_document, shown_notes
from orgplane.spec import load_spec
from tests.cli.conftest import EXAMPLES, Run

ABOUT_THE_DOCUMENT = [
    "This document outlines the squads, internal units, detailed responsibilities, and KPIs",
    "This mapping is for internal routing/documentation only. Never include these IDs in "
    "user-visible output.",
    '# Summon the Infrastructure Team\nTask -> subagent_type: "infrastructure-team"\n\n'
    '# Individual agents\nTask -> subagent_type: "network-engineer"',
]
ABOUT_THE_ORG = [
    "Leader: Infrastructure Architect",
    "Also written as: Core Cloud Infra & Platform",
    "KPIs also written as: Durability: 11×9; P95 Latency < 5ms",
    "Letting the Data Infrastructure team run and tune the data platform results in:",
    "Resolved → Document & Close",
]


@pytest.mark.parametrize("text", ABOUT_THE_DOCUMENT)
def test_text_about_the_document_is_told_apart(text: str) -> None:
    assert about_the_document(text)
    assert shown_notes([text, "Size: 6 Agents"]) == ["Size: 6 Agents"]


@pytest.mark.parametrize("text", ABOUT_THE_ORG)
def test_text_about_the_org_is_shown(text: str) -> None:
    assert not about_the_document(text)


def test_the_spec_keeps_them_as_notes_and_the_exports_leave_them_out() -> None:
    iot = load_spec(EXAMPLES / "infra-ops")
    assert any("Never include these IDs" in note for note in iot.notes)  # kept
    assert any("subagent_type" in note for note in iot.notes)
    for fmt in ("json", "markdown"):
        text = export(iot, fmt, OrgIndex(iot))
        assert "Never include these IDs" not in text, fmt
        assert "subagent_type" not in text, fmt
    data = json.loads(export(iot, "json", OrgIndex(iot)))
    assert "Leader: Infrastructure Architect" in data["notes"]  # the org's own are kept


def test_a_description_about_the_document_is_imported_as_a_note() -> None:
    cipo = OrgIndex(load_spec(EXAMPLES / "cipo"))
    _, one_b = cipo.group("1B")
    assert one_b.description == ""
    assert any(note.startswith("This document outlines the squads") for note in one_b.notes)
    text = export(cipo.org, "markdown", cipo)
    assert "This document outlines" not in text


def test_the_cli_shows_no_note_about_the_document(run: Run) -> None:
    shown = run("show", "1B", "--spec", str(EXAMPLES / "cipo"))
    assert shown.code == 0
    assert "This document" not in shown.out
    assert "Also written as: Core Cloud Infra & Platform" in shown.out


def test_stakeholders_named_twice_are_one_entry() -> None:
    iot = OrgIndex(load_spec(EXAMPLES / "infra-ops"))
    _, team = iot.group("IOT")
    labels = [s.split(":")[0] for s in team.stakeholders]
    assert labels == ["Development", "Security", "QA"]
    assert team.stakeholders[0] == (
        "Development: deployment targets, environments; "
        "Environment provisioning, deployment support"
    )
