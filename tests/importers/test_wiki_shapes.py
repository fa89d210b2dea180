"""Shapes real wikis write a team page in, each read in a small document: Notion toggles
with emoji labels, Confluence property tables, a division table listing its teams,
ditto marks, Mermaid subgraphs, team cards, membership sentences, rules inside longer
sentences, on-call tables whose teams make one group, and the lines around them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from orgplane.importers.markdown.document import parse_markdown
from orgplane.importers.markdown.facts.sentences import read_sentences
from orgplane.importers.markdown.phrases.words import unmark
from orgplane.importers.service import ImportResult, import_documents
from orgplane.model import Group


def _import(text: str) -> ImportResult:
    result = import_documents([parse_markdown(text, "doc.md")])
    assert result.report.uncovered() == {}
    return result


def _groups(result: ImportResult) -> dict[str, tuple[str, Group]]:
    return {group.name: (path, group) for path, group in result.org.walk()}


def _people(result: ImportResult, group: Group) -> list[str]:
    names = {person.id: person.name for person in result.org.people}
    return [names[lead] for lead in group.leads]


def test_notion_toggles_under_an_emoji_heading_are_its_squads() -> None:
    result = _import(
        "# 🧭 Tech Org\n\n## ✈️ Flights\n\n👤 Tribe lead: Marco Rossi\n\n"
        "- ▸ **Flight Search**\n    - 👤 Lead: Nadia Aziz\n    - ▸ 📈 Metrics\n"
        "        - Search p95 < 1.8 s\n    - 🔗 Needs: Fare Cache\n"
        "- ▸ **Fare Cache**\n    - 👤 Lead: Chen Jing\n"
    )
    groups = _groups(result)
    search_path, search = groups["Flight Search"]
    assert search_path == "flights/flight-search"
    assert _people(result, search) == ["Nadia Aziz"]
    assert [k.text for k in search.kpis] == ["Search p95 < 1.8 s"]
    assert [d.target for d in search.dependencies] == ["fare-cache"]
    flights = groups["Flights"][1]
    assert _people(result, flights) == ["Marco Rossi"]
    assert flights.kpis == []
    assert "Metrics" not in flights.notes


def test_a_confluence_property_table_names_the_team_its_code_and_its_division() -> None:
    result = _import(
        "# Payments\n\n## Card Issuing\n\n| Team | Card Issuing (code CIS) |\n|---|---|\n"
        "| Part of | Issuing & Cards |\n| Engineering manager | Rosa Delgado |\n"
        "| Tech lead | Ahmed Karimi |\n| SLOs | Card creation p99 < 800 ms<br>API up ≥ 99.95% |\n"
        "| Status | Active |\n\n## Tokenization\n\n| Team | Tokenization |\n|---|---|\n"
        "| Part of | Issuing & Cards |\n| Reports to | Ana Ruiz |\n"
    )
    groups = _groups(result)
    path, cards = groups["Card Issuing"]
    assert path == "issuing-cards/CIS"
    assert _people(result, cards) == ["Rosa Delgado", "Ahmed Karimi"]
    assert [k.text for k in cards.kpis] == ["Card creation p99 < 800 ms", "API up ≥ 99.95%"]
    assert "Status: Active" in cards.notes
    # "Reports to" a person is no group: it is kept, and the team stays where "Part of" put it.
    path, tokens = groups["Tokenization"]
    assert path == "issuing-cards/tokenization"
    assert "Ana Ruiz" not in groups
    assert "Reports to: Ana Ruiz" in tokens.notes


def test_a_division_table_that_lists_its_teams_in_one_cell() -> None:
    result = _import(
        "# Org\n\n| Division | Head | Teams |\n|---|---|---|\n"
        "| Money | Daniel Osei | Ledger, Payouts |\n| Risk | Priyanka Shah | Scoring |\n"
    )
    groups = _groups(result)
    assert {name: path for name, (path, _) in groups.items()} == {
        "Money": "money",
        "Ledger": "money/ledger",
        "Payouts": "money/payouts",
        "Risk": "risk",
        "Scoring": "risk/scoring",
    }
    assert _people(result, groups["Money"][1]) == ["Daniel Osei"]
    assert groups["Ledger"][1].leads == []


def test_ditto_marks_in_a_parent_column_mean_the_row_above() -> None:
    result = _import(
        "# Org\n\n| Division | Team | Lead |\n|---|---|---|\n| Commerce | Web | A. One |\n"
        "| 〃 | App | B. Two |\n| same as above | Promo | C. Three |\n| Supply | Stock | D. Four |\n"
        '| " | Depots | E. Five |\n| ditto | Fleet | F. Six |\n'
    )
    paths = {name: path for name, (path, _) in _groups(result).items()}
    assert paths["Promo"] == "commerce/promo"
    assert paths["Fleet"] == "supply/fleet"
    assert set(paths) == {"Commerce", "Web", "App", "Promo", "Supply", "Stock", "Depots", "Fleet"}


def test_mermaid_subgraphs_are_divisions_and_their_arrows_dependencies() -> None:
    result = _import(
        "# Retail\n\n```mermaid\nflowchart LR\n  subgraph commerce [Commerce]\n"
        "    web[Web Storefront]\n    promo[Promotions]\n  end\n  subgraph Supply Chain\n"
        "    inv[Inventory]\n  end\n  web --> promo\n  web -->|stock levels| inv\n```\n"
    )
    groups = _groups(result)
    assert groups["Web Storefront"][0] == "commerce/web-storefront"
    assert groups["Inventory"][0] == "supply-chain/inventory"
    deps = [(d.target, d.provides) for d in groups["Web Storefront"][1].dependencies]
    assert deps == [("promotions", ""), ("inventory", "stock levels")]


def test_a_mermaid_edge_labelled_with_a_dependency_verb_is_no_parent_link() -> None:
    result = _import(
        "# Org\n\n```mermaid\ngraph TD\n  P[Platform] --> C[Compute]\n  P --> S[Storage]\n"
        "  S -->|needs| C\n```\n"
    )
    groups = _groups(result)
    assert groups["Storage"][0] == "platform/storage"
    assert [d.target for d in groups["Storage"][1].dependencies] == ["compute"]


def test_team_cards_under_a_heading_that_is_no_group() -> None:
    result = _import(
        "# Analytics\n\n```\nEngineering\n|-- Ingestion\n|   |-- Connectors\n|   |-- Streaming\n"
        "|-- Query\n    |-- Planner\n```\n\n## Team cards\n\n**Connectors**\n"
        "Owner: Hugo Lambert · Needs: Streaming\nKPIs: sync success ≥ 99%\n\n"
        "**Planner**\nOwner: Idris Bakare\n"
    )
    groups = _groups(result)
    assert "Team cards" not in groups
    assert "Cards" not in groups
    connectors = groups["Connectors"][1]
    assert _people(result, connectors) == ["Hugo Lambert"]
    assert [k.text for k in connectors.kpis] == ["sync success ≥ 99%"]
    assert [d.target for d in connectors.dependencies] == ["streaming"]
    assert _people(result, groups["Planner"][1]) == ["Idris Bakare"]


def test_sentences_that_say_which_teams_a_group_has() -> None:
    result = _import(
        "# Research\n\n## How we are organized\n\nThe Lab group has three teams: LIMS, "
        "Sample Tracking and Robotics. The Computation group consists of HPC and Pipelines. "
        "Notebooks and Dashboards report into Insights (led by Dr. Ana Petrov).\n\n"
        "### LIMS (6 engineers)\n\nEM: Carla Mendes / TL: Ivo Ban\n\n"
        "### Notebooks\n\nLead: Omar Sy\n\n### Dashboards\n\nLead: Lea Roy\n\n"
        "## Our platform\n\nThe platform has Kubernetes and Terraform.\n"
    )
    groups = _groups(result)
    paths = {name: path for name, (path, _) in groups.items()}
    assert paths["LIMS"] == "lab/lims"
    assert paths["Pipelines"] == "computation/pipelines"
    assert paths["Dashboards"] == "insights/dashboards"
    assert "Kubernetes" not in paths
    assert "How we are organized" not in paths
    lims = groups["LIMS"][1]
    assert _people(result, lims) == ["Carla Mendes", "Ivo Ban"]
    assert "Size: 6 engineers" in lims.notes
    assert _people(result, groups["Insights"][1]) == ["Ana Petrov"]


def test_a_list_of_teams_with_their_facts_in_sentences_after_a_dash() -> None:
    result = _import(
        "# Freight\n\n## Teams at a glance\n\n"
        "1. **Shipment API** — owned by Rita Alves. Targets: API up ≥ 99.95%, p99 < 300 ms. "
        "Depends on Rates and Carriers.\n2. **Rates** — owned by Gao Yan.\n"
        "3. **Carriers** — owned by Nils Berg.\n"
    )
    groups = _groups(result)
    assert set(groups) == {"Shipment API", "Rates", "Carriers"}
    api = groups["Shipment API"][1]
    assert _people(result, api) == ["Rita Alves"]
    assert [k.text for k in api.kpis] == ["API up ≥ 99.95%", "p99 < 300 ms"]
    assert [d.target for d in api.dependencies] == ["rates", "carriers"]


def test_a_rule_inside_a_longer_sentence_or_a_bullet_is_a_policy() -> None:
    result = _import(
        "# Org\n\n## Identity\n\n- **Eng lead:** Jonas Berg\n"
        "- Owns login and SSO. Only the Identity team may rotate signing keys.\n\n"
        "## Payments\n\nLead: Greta Lind\n\n"
        "Card numbers never leave the PCI zone, and only the Payments team may decrypt them.\n\n"
        "## Rules\n\n- Trains leave on Tuesday. A squad larger than five gets an engineering "
        "manager.\n"
    )
    policies = result.org.policies
    assert [(a.group, a.subjects[0].name) for a in policies.authorities] == [
        ("identity", "rotate signing keys"),
        ("payments", "decrypt them"),
    ]
    assert policies.lead_threshold is not None
    assert (policies.lead_threshold.size, policies.lead_threshold.kinds) == (6, ["squad"])


def test_a_rotation_is_for_the_group_whose_teams_its_table_lists() -> None:
    result = _import(
        "# Org\n\n## Rider\n\nLead: A. One\n\n### Booking\n\nLead: B. Two\n\n### Maps\n\n"
        "Lead: C. Three\n\n## Money\n\nLead: D. Four\n\n### Ledger\n\nLead: E. Five\n\n"
        "### Payouts\n\nLead: F. Six\n\n## On-call\n\n| Rotation | Teams | Hand-off |\n"
        "|---|---|---|\n| Rider primary | Booking, Maps | Mondays 10:00 PST |\n"
        "| Ledger only | Ledger | Mondays 10:00 PST |\n| Mixed | Maps, Ledger | Fridays 16:00 |\n"
    )
    by_name = {r.name: r for r in result.org.oncall}
    assert by_name["Rider primary"].group == "rider"
    assert by_name["Rider primary"].timezone == "America/Los_Angeles"
    assert by_name["Ledger only"].group == "money/ledger"
    assert by_name["Mixed"].group is None
    assert "Rotation 'Mixed' covers: Maps, Ledger" in result.org.notes
    assert any(
        p.location.line == 33 and "not all the groups of one group" in p.message
        for p in result.report.problems
    )


def test_escalation_tables_as_wikis_head_them() -> None:
    result = _import(
        "# Org\n\n## Web\n\nLead: A. One\n\n## App\n\nLead: B. Two\n\n"
        "| Rotation | Teams | Hand-off |\n|---|---|---|\n| All | Web, App | Mondays 09:00 |\n\n"
        "## Escalation\n\n| If not acknowledged in | Page |\n|---|---|\n"
        "| 5 minutes | Secondary on-call |\n| 1 hour | Head of Digital |\n\n"
        "## Severity\n\n| Severity | First responder | Escalate after | Escalate to |\n"
        "|---|---|---|---|\n| Sev-1 | Team on-call | 10 min | Group lead |\n"
    )
    ladder = [(s.to, s.after_minutes) for s in result.org.oncall[0].escalation]
    assert ladder == [("Secondary on-call", 5), ("Head of Digital", 60)]
    assert "Sev-1 | Team on-call | 10 min | Group lead" in result.org.notes


def test_front_matter_is_kept_as_one_note_and_read_as_no_markdown() -> None:
    result = _import(
        "---\ntitle: Org chart\nowner: eng-ops\n---\n\n# Org\n\n## Web\n\nLead: A. One\n\n"
        "## App\n\nLead: B. Two\n"
    )
    assert "title: Org chart\nowner: eng-ops" in result.org.notes
    assert set(_groups(result)) == {"Web", "App"}
    assert result.org.people[0].name == "A. One"


def test_a_heading_that_names_its_lead() -> None:
    result = _import(
        "# Org\n\n## Site Portal — led by Mirela Popescu\n\nNeeds: Audit\n\n## Audit\n\n"
        "Head of division: Pablo Ruiz\n"
    )
    groups = _groups(result)
    assert _people(result, groups["Site Portal"][1]) == ["Mirela Popescu"]
    assert _people(result, groups["Audit"][1]) == ["Pablo Ruiz"]


def test_sentences_with_several_predicates_and_groups() -> None:
    said = read_sentences(
        "Partner Gateway is run by Luis Méndez and builds on Payments for settlement "
        "reports. Data Ingestion is led by Paula Costa, Query by Viktor Hansen and Apps by "
        "Emma Quist. Site Portal also relies on Audit for export logs. Needs LIMS for "
        "manifests. Science works with Pipelines on notebooks. Alerts → Execution (queries)."
    )
    assert [(s.subject, s.facts.leads, s.facts.deps) for s in said] == [
        ("Partner Gateway", ["Luis Méndez"], []),
        ("Partner Gateway", [], [("Payments", "settlement reports", "from")]),
        ("Data Ingestion", ["Paula Costa"], []),
        ("Query", ["Viktor Hansen"], []),
        ("Apps", ["Emma Quist"], []),
        ("Site Portal", [], [("Audit", "export logs", "from")]),
        ("", [], [("LIMS", "manifests", "from")]),
        ("Science", [], [("Pipelines", "notebooks", "with")]),
        ("Alerts", [], [("Execution", "queries", "from")]),
    ]


def test_a_line_of_group_leads_in_pairs() -> None:
    said = read_sentences("Division heads: Commerce — Hannah Cole; Supply Chain — Ivo Petrov.")
    assert [(s.subject, s.facts.leads) for s in said] == [
        ("Commerce", ["Hannah Cole"]),
        ("Supply Chain", ["Ivo Petrov"]),
    ]


def test_steps_of_a_process_are_no_dependency() -> None:
    assert read_sentences("Request → review by the on-call engineer") == []


@given(st.text(max_size=40))
def test_unmark_only_takes_marks_from_the_start(text: str) -> None:
    kept = unmark(text)
    assert text.endswith(kept)
    assert unmark(kept) == kept
    if text[:1].isalnum():
        assert kept == text


def test_a_heading_written_as_a_page_path() -> None:
    result = _import(
        "# Org\n\n## Commerce / Checkout\n\nLead: A. One\n\n## Commerce / Tariffs\n\n"
        "Lead: B. Two\n\n## Grid › Metering\n\nLead: C. Three\n"
    )
    paths = {name: path for name, (path, _) in _groups(result).items()}
    assert paths == {
        "Commerce": "commerce",
        "Checkout": "commerce/checkout",
        "Tariffs": "commerce/tariffs",
        "Grid": "grid",
        "Metering": "grid/metering",
    }


def test_a_row_of_roles_under_their_labels_and_key_results() -> None:
    result = _import(
        "# Org\n\n## Checkout\n\n| EM | PM | TL |\n|---|---|---|\n"
        "| Irene Novak | Paul Weber | Sami Okafor |\n\n**Q3 OKRs**\n\n"
        "- KR1: Checkout success ≥ 97%\n- KR2: Payment page p95 < 1.5 s\n\n## Tariffs\n\n"
        "Lead: R. Meyer\n"
    )
    checkout = _groups(result)["Checkout"][1]
    assert _people(result, checkout) == ["Irene Novak", "Sami Okafor"]
    assert "PM: Paul Weber" in checkout.notes
    assert [k.text for k in checkout.kpis] == ["Checkout success ≥ 97%", "Payment page p95 < 1.5 s"]


def test_a_dependency_matrix_of_check_marks() -> None:
    result = _import(
        "# Org\n\n## Checkout\n\nLead: A. One\n\n## Tariffs\n\nLead: B. Two\n\n## Metering\n\n"
        "Lead: C. Three\n\n## Who depends on whom\n\n| Team | Checkout | Tariffs | Metering |\n"
        "|---|---|---|---|\n| Checkout | | ✓ | ✓ |\n| Tariffs | | | ✓ |\n| Metering | | | |\n"
    )
    groups = _groups(result)
    assert [d.target for d in groups["Checkout"][1].dependencies] == ["tariffs", "metering"]
    assert [d.target for d in groups["Tariffs"][1].dependencies] == ["metering"]
    assert "dependency matrix" in result.report.structures["doc.md"]


def test_a_division_and_its_teams_on_one_line_and_a_paragraph_per_team() -> None:
    result = _import(
        "# Bank\n\n## Divisions\n\n- Retail: Cards, Loans\n- Corporate: Trade Finance, Cash\n\n"
        "## Teams\n\nThe Cards team (lead: Ana Lima) issues cards. Its SLOs are authorisation "
        "p99 < 300 ms and availability ≥ 99.95%. It depends on Core Ledger.\n\n"
        "The Loans team (lead: Piotr Zielinski) runs lending. It depends on Cards.\n\n"
        "Core Ledger is a shared platform team (lead: Hugo Martin).\n\n"
        "## Glossary\n\n- SRE: Site Reliability Engineering\n- ETA: Estimated Time\n"
    )
    groups = _groups(result)
    assert groups["Loans"][0] == "retail/loans"
    assert groups["Core Ledger"][0] == "core-ledger"
    cards = groups["Cards"][1]
    assert _people(result, cards) == ["Ana Lima"]
    assert [k.text for k in cards.kpis] == ["authorisation p99 < 300 ms", "availability ≥ 99.95%"]
    assert [d.target for d in cards.dependencies] == ["core-ledger"]
    assert [d.target for d in groups["Loans"][1].dependencies] == ["cards"]
    assert "SRE" not in groups
