"""Phrase grammars of org documents: the seeds' own phrases, phrases other organizations
write in the same styles (other codes, dashes, spacing and case), and text that must not
be mistaken for them."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orgplane.importers.markdown.facts.teams import rotation
from orgplane.importers.markdown.phrases import grammar as phrases
from orgplane.importers.markdown.phrases import planning
from orgplane.importers.markdown.phrases.grammar import (
    CodeName,
    DepPhrase,
    authority_terms,
    looks_like_code,
    parse_authority,
    parse_dependencies,
    parse_forbidden_interface,
    parse_inline_list,
    slug,
    split_code_name,
    split_list,
)
from orgplane.importers.markdown.phrases.planning import (
    Cadence,
    ChangeType,
    Headcount,
    parse_approvers,
    parse_cadences,
    parse_change_types,
    parse_cycle,
    parse_headcount,
    parse_hiring,
    parse_lead_threshold,
    parse_oncall_depth,
    parse_rotation_period,
    parse_weeks,
)
from orgplane.importers.markdown.phrases.zones import find_zone, iana_zone

SEEDS = Path(__file__).parents[2] / "examples" / "seeds"

# Phrases copied from the seed documents; test_seed_phrases_are_real keeps them honest.
SEED_PHRASES = [
    "1A – Facilities & Physical Infrastructure",
    "1A  Facilities & Physical Infra",
    "A-1 Procurement & Vendor Operations",
    "U-DP1 Hadoop Cluster Ops (HDFS + YARN)",
    "F-5 Reliability Automation & Tooling** *(new)*",
    "D-5 BI & Semantic Services (Updated)",
    "1F  Reliability & Observability  (SRE Core)",
    "1- Data Platform Team",
    "3- MLOps Team",
    "1B (Cluster-API), 1E (RBAC/TTL Policy)",
    "PVC/GPU from 1B",
    "Kafka & Spark from D-1",
    "Lineage/Mask from D-4",
    "Policy with 1E",
    "Tenant Alert with 1F",
    "◄ 1B/1C (owner escalations)",
    "◄ 1F-2 (incident drills)",
    "Kubernetes v1.30, GPU/CPU pools, CRI-O, Kernel patching ≤ 48h",
    "KPIs: Thanos ≥ 99.95%, Cardinality Error < 0.1%",
    "Senior Infrastructure Engineers (2-3)",
    "Architecture (quarterly), Security (monthly), Cost (monthly), Post-Incident (after P0/P1 incidents)",
    "Standard (low-risk, pre-approved), Normal (medium-risk, require review), Emergency (high-risk, post-change review)",
    "Infrastructure Lead (high-risk changes), Senior Engineers (normal changes), Team Review (GitHub PR process)",
    "The 1B squad is the sole authority for Kernel versions, CNI/CSI integrations, and GPU NodePool configurations.",
    "does not directly interface with 1D – Data & AI Infrastructure",
    "When any subteam grows to **3 or more engineers**, assign a **subteam lead**.",
    "Subteam leads will be introduced only when headcount in that subteam reaches 3",
    "Subteam Lead When Team Reaches 3 People",
    "Rotation model: 2-deep, per subteam (starting with Platform + Engineering)",
    "Engineers rotate between subteams every 6–9 months",
    "Every 6 weeks = 1 hire",
    "Ongoing hiring continues in parallel every 6 weeks (up to 8 FTEs by year-end)",
    "6-week build, 2-week cool-down",
    "Phase 1 (Weeks 1–6): Team Structure, Technical Domains, and Internal Operations",
    "INF-001",
]


def test_seed_phrases_are_real() -> None:
    text = "\n".join(path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt"))
    assert [p for p in SEED_PHRASES if p not in text] == []


@pytest.mark.parametrize(
    ("module", "allowed"),
    [
        (phrases, {"orgplane.importers.markdown.phrases.words"}),
        (
            planning,
            {
                "orgplane.importers.markdown.phrases.words",
                "orgplane.importers.markdown.phrases.grammar",
            },
        ),
    ],
)
def test_the_grammars_are_pure(module: ModuleType, allowed: set[str]) -> None:
    """The phrase grammars are pure string functions: no model, no I/O, no other reader."""
    assert module.__file__ is not None
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert {name for name in imported if name.startswith("orgplane")} <= allowed


# -- codes -------------------------------------------------------------------------------

CODES = [
    *("1A", "1G", "A-1", "U-V1", "U-CI1", "U-DEV1", "U-DP1", "1F-2", "INF-001"),  # seeds
    *("2A", "3B", "12C", "B-12", "U-OPS1", "CT-1", "PAY-3", "G1", "HIT-101", "S-1"),
    *("U-RP1.1", "U-PC1a", "OS-MM"),  # sub-unit suffixes; letter-only pairs of code columns
]
NOT_CODES = [
    *("CI/CD", "K8s", "SRE", "SLO", "API", "24h", "99.9%", "v1.30", "3.x", "P95", "P0"),
    *("P1", "L1", "S3", "Q3", "H2", "T1", "V2", "SEV-1", "SEV1", "EC2", "A100", "E2E"),
    *("1-2", "24-7", "CRI-O", "BGP-EVPN", "1-Click", "DB-aaS", "1", "A", "", "1A.", "U-V1)"),
    *("ABCDEFG-1234567", "1A-", "-1A", "U--V1", "u-v1", "1a", "ISR"),
]


@pytest.mark.parametrize("token", CODES)
def test_code_shapes(token: str) -> None:
    assert looks_like_code(token)


@pytest.mark.parametrize("token", NOT_CODES)
def test_tokens_that_are_not_codes(token: str) -> None:
    assert not looks_like_code(token)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # seeds
        (
            "1A – Facilities & Physical Infrastructure",
            CodeName("1A", "Facilities & Physical Infrastructure"),
        ),
        ("1A  Facilities & Physical Infra", CodeName("1A", "Facilities & Physical Infra")),
        ("A-1 Procurement & Vendor Operations", CodeName("A-1", "Procurement & Vendor Operations")),
        (
            "U-DP1 Hadoop Cluster Ops (HDFS + YARN)",
            CodeName("U-DP1", "Hadoop Cluster Ops (HDFS + YARN)"),
        ),
        ("U-S1 Object Storage (Ceph-S3)", CodeName("U-S1", "Object Storage (Ceph-S3)")),
        (
            "F-5 Reliability Automation & Tooling *(new)*",
            CodeName("F-5", "Reliability Automation & Tooling", ("new",)),
        ),
        (
            "D-5 BI & Semantic Services (Updated)",
            CodeName("D-5", "BI & Semantic Services", ("Updated",)),
        ),
        (
            "1F  Reliability & Observability  (SRE Core)",
            CodeName("1F", "Reliability & Observability (SRE Core)"),
        ),
        ("1F-2", CodeName("1F-2", "")),
        ("1- Data Platform Team", CodeName(None, "Data Platform Team")),
        ("3- MLOps Team", CodeName(None, "MLOps Team")),
        ("Data Platform Team", CodeName(None, "Data Platform Team")),
        ("INF-001 Infrastructure Architect", CodeName("INF-001", "Infrastructure Architect")),
        (
            "Chief Infrastructure & Platform Officer  (CIPO)",
            CodeName(None, "Chief Infrastructure & Platform Officer (CIPO)"),
        ),
        # other organizations
        ("Department 2B: Core & Transport Network", CodeName("2B", "Core & Transport Network")),
        ("2A — Radio Access Network", CodeName("2A", "Radio Access Network")),
        ("2A—Radio Access Network", CodeName("2A", "Radio Access Network")),
        ("2E: Field Operations", CodeName("2E", "Field Operations")),
        ("3C. Ledger & Data Infrastructure", CodeName("3C", "Ledger & Data Infrastructure")),
        ("3D - Risk & Fraud ML Platform", CodeName("3D", "Risk & Fraud ML Platform")),
        ("squad B-2 | Storage Services", CodeName("B-2", "Storage Services")),
        ("Layer 4C: Edge", CodeName("4C", "Edge")),
        ("G1 — Online Services", CodeName("G1", "Online Services")),
        (
            "U-OPS1 Ledger Run Operations (Legacy) (deprecated)",
            CodeName("U-OPS1", "Ledger Run Operations", ("Legacy", "deprecated")),
        ),
        ("CT-1 Packet Core (EPC / 5GC)", CodeName("CT-1", "Packet Core (EPC / 5GC)")),
        (
            "U-RP1.1 Counter Collection & PM Files",
            CodeName("U-RP1.1", "Counter Collection & PM Files"),
        ),
        ("Clinical IT (proposed)", CodeName(None, "Clinical IT", ("proposed",))),
        ("1. Matchmaking Fleet", CodeName(None, "Matchmaking Fleet")),
        ("4 - BI Services Team (Infra-Level)", CodeName(None, "BI Services Team (Infra-Level)")),
        ("Team Alpha", CodeName(None, "Team Alpha")),
        ("P95 Latency < 5ms", CodeName(None, "P95 Latency < 5ms")),
        ("CRI-O Runtime", CodeName(None, "CRI-O Runtime")),
        ("1-Click Rollback", CodeName(None, "1-Click Rollback")),
        ("", CodeName(None, "")),
    ],
)
def test_split_code_name(text: str, expected: CodeName) -> None:
    assert split_code_name(text) == expected


@given(st.text(max_size=60))
def test_split_code_name_never_raises_and_codes_look_like_codes(text: str) -> None:
    parsed = split_code_name(text)
    assert parsed.code is None or looks_like_code(parsed.code)


@given(
    st.from_regex(r"[1-9][A-H]|[A-H]-[1-9]|U-[A-Z]{1,3}[1-9]", fullmatch=True),
    st.sampled_from([" ", "  ", " – ", " — ", ": ", " - "]),
)
def test_any_code_and_separator_split_off(code: str, separator: str) -> None:
    assert split_code_name(f"{code}{separator}Platform & Tools") == CodeName(
        code, "Platform & Tools"
    )


# -- dependencies -----------------------------------------------------------------------------


def _deps(text: str) -> list[tuple[str, str, str]] | None:
    found = parse_dependencies(text)
    return None if found is None else [(d.target, d.provides, d.direction) for d in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # seeds
        ("1B (Cluster-API)", [("1B", "Cluster-API", "from")]),
        ("1E (RBAC/TTL Policy)", [("1E", "RBAC/TTL Policy", "from")]),
        (
            "1B (Cluster-API), 1E (RBAC/TTL Policy)",
            [("1B", "Cluster-API", "from"), ("1E", "RBAC/TTL Policy", "from")],
        ),
        ("PVC/GPU from 1B", [("1B", "PVC/GPU", "from")]),
        ("Kafka & Spark from D-1", [("D-1", "Kafka & Spark", "from")]),
        ("Lineage/Mask from D-4", [("D-4", "Lineage/Mask", "from")]),
        ("Budget from 1G", [("1G", "Budget", "from")]),
        ("Queries from 1C", [("1C", "Queries", "from")]),
        ("Policy with 1E", [("1E", "Policy", "with")]),
        ("Tenant Alert with 1F", [("1F", "Tenant Alert", "with")]),
        ("◄ 1B (scrape endpoints)", [("1B", "scrape endpoints", "from")]),
        (
            "◄ 1B/1C (owner escalations)",
            [("1B", "owner escalations", "from"), ("1C", "owner escalations", "from")],
        ),
        ("◄ 1F-2 (incident drills)", [("1F-2", "incident drills", "from")]),
        ("1B", [("1B", "", "from")]),
        # other organizations
        ("► 2C (alarm feeds)", [("2C", "alarm feeds", "to")]),
        ("→ 2C (alarm feeds)", [("2C", "alarm feeds", "to")]),
        ("← 3F (SLO alerts)", [("3F", "SLO alerts", "from")]),
        ("<- 3F (SLO alerts)", [("3F", "SLO alerts", "from")]),
        ("-> 3D (balance snapshots)", [("3D", "balance snapshots", "to")]),
        ("↔ 2E (dispatch)", [("2E", "dispatch", "with")]),
        ("►2A/2B (alarm feeds)", [("2A", "alarm feeds", "to"), ("2B", "alarm feeds", "to")]),
        ("◄ U-OPS1 (runbooks)", [("U-OPS1", "runbooks", "from")]),
        ("Backhaul to 2B", [("2B", "Backhaul", "to")]),
        ("Spectrum plan with 2A", [("2A", "Spectrum plan", "with")]),
        ("Customer-impact tickets to 2C", [("2C", "Customer-impact tickets", "to")]),
        ("Site inventory FROM FO-2", [("FO-2", "Site inventory", "from")]),
        ("Server builds to OS-GS", [("OS-GS", "Server builds", "to")]),
        ("Alarm feeds from 2C (SNMP traps)", [("2C", "Alarm feeds (SNMP traps)", "from")]),
        ("Kafka, Spark from D-1", [("D-1", "Kafka, Spark", "from")]),
        ("Audit logs from Security", [("Security", "Audit logs", "from")]),
        ("Capacity models to the FinOps team", [("FinOps team", "Capacity models", "to")]),
        ("**Tokenization API from 3B**", [("3B", "Tokenization API", "from")]),
        ("- Ledger postings from 3C", [("3C", "Ledger postings", "from")]),
        ("PAY-1, PAY-2", [("PAY-1", "", "from"), ("PAY-2", "", "from")]),
    ],
)
def test_parse_dependencies(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert _deps(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "None",
        "N/A",
        "—",
        "Kubernetes v1.30",
        "Helm charts, Operators",
        "Move to production with approval",
        "1B (Cluster-API), Kubernetes",
        "P95 (latency)",
        "Backstage 0.21, Terraform Provider",
        "Owns the gateway up to the acquirer connector",
    ],
)
def test_text_that_is_not_a_dependency(text: str) -> None:
    assert parse_dependencies(text) is None


def test_a_dependency_keeps_its_targets_as_written() -> None:
    assert parse_dependencies("◄ 3A/3C (owner escalations)") == [
        DepPhrase("3A", "owner escalations", "from", "3A/3C"),
        DepPhrase("3C", "owner escalations", "from", "3A/3C"),
    ]


@given(st.text(max_size=80))
def test_parse_dependencies_never_raises(text: str) -> None:
    found = parse_dependencies(text)
    assert found is None or all(d.direction in ("from", "to", "with") for d in found)


@given(
    st.lists(
        st.sampled_from(["◄", "►", "from", "to", "with", "1B", "2C/3D", "(", ")", ",", "x"]),
        max_size=12,
    )
)
def test_parse_dependencies_never_raises_on_near_misses(words: list[str]) -> None:
    parse_dependencies(" ".join(words))


# -- lists ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Kubernetes v1.30, GPU/CPU pools, CRI-O, Kernel patching ≤ 48h",
            ["Kubernetes v1.30", "GPU/CPU pools", "CRI-O", "Kernel patching ≤ 48h"],
        ),
        (
            "Thanos ≥ 99.95%, Cardinality Error < 0.1%",
            ["Thanos ≥ 99.95%", "Cardinality Error < 0.1%"],
        ),
        ("Feast 0.35, Redis 7.2; Triton 23.12", ["Feast 0.35", "Redis 7.2", "Triton 23.12"]),
        (
            "about 6,400 macro sites, 1,100 small cells",
            ["about 6,400 macro sites", "1,100 small cells"],
        ),
        (
            "Training (Kubeflow, Ray), Serving [MLflow, Seldon]",
            ["Training (Kubeflow, Ray)", "Serving [MLflow, Seldon]"],
        ),
        (" , ;  ", []),
        ("one) two, three", ["one) two", "three"]),
    ],
)
def test_split_list(text: str, expected: list[str]) -> None:
    assert split_list(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "KPIs: Thanos ≥ 99.95%, Cardinality Error < 0.1%",
            ("KPIs", ["Thanos ≥ 99.95%", "Cardinality Error < 0.1%"]),
        ),
        ("Responsibilities:", ("Responsibilities", [])),
        ("KPIs: Resilience Score ≥ 0.90", ("KPIs", ["Resilience Score ≥ 0.90"])),
        (
            "Scope: HSM partitions, key ceremonies, bank-file signing",
            ("Scope", ["HSM partitions", "key ceremonies", "bank-file signing"]),
        ),
        ("**Duties**: triage, L1 restoration", ("Duties", ["triage", "L1 restoration"])),
        ("Key Stack & Tools: Kafka 3.6", ("Key Stack & Tools", ["Kafka 3.6"])),
    ],
)
def test_parse_inline_list(text: str, expected: tuple[str, list[str]]) -> None:
    assert parse_inline_list(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "U-OB1 Metrics (Prometheus)",
        "TTL=72h",
        "https://example.org/a",
        "Handoff (06:00)",
        "Five words are far too many: x",
        ": x",
        "09:00 UTC",
    ],
)
def test_text_that_is_not_an_inline_list(text: str) -> None:
    assert parse_inline_list(text) is None


# -- roles and processes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Senior Infrastructure Engineers (2-3)",
            Headcount("Senior Infrastructure Engineers", 2, 3),
        ),
        ("DevOps Engineers (2-3)", Headcount("DevOps Engineers", 2, 3)),
        ("Clinical Systems Engineers (3-5)", Headcount("Clinical Systems Engineers", 3, 5)),
        (
            "Infrastructure & Network Engineers (2–4)",
            Headcount("Infrastructure & Network Engineers", 2, 4),
        ),
        ("Site Reliability Engineers (2+)", Headcount("Site Reliability Engineers", 2, None)),
        ("IT Security Officer (1)", Headcount("IT Security Officer", 1, 1)),
        ("**Service Desk Analysts (4 to 6 people)**:", Headcount("Service Desk Analysts", 4, 6)),
        ("Platform Engineers (5-3)", Headcount("Platform Engineers", 3, 5)),
    ],
)
def test_parse_headcount(text: str, expected: Headcount) -> None:
    assert parse_headcount(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Head of Clinical IT",
        "Infrastructure Lead",
        "SRE Core (SRE)",
        "Charter (2023)",
        "Engineers (2-3) on call",
    ],
)
def test_text_without_a_headcount(text: str) -> None:
    assert parse_headcount(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Architecture (quarterly), Security (monthly), Cost (monthly), Post-Incident (after P0/P1 incidents)",
            [
                Cadence("Architecture", "quarterly", ()),
                Cadence("Security", "monthly", ()),
                Cadence("Cost", "monthly", ()),
                Cadence("Post-Incident", None, ("P0", "P1")),
            ],
        ),
        (
            "DR test (semi-annually), Access recertification (Quarterly)",
            [
                Cadence("DR test", "semi-annually", ()),
                Cadence("Access recertification", "quarterly", ()),
            ],
        ),
        ("Post-incident after P1/P2", [Cadence("Post-incident", None, ("P1", "P2"))]),
        (
            "Post-incident review after every Sev-1 and Sev-2.",
            [Cadence("Post-incident review", None, ("Sev-1", "Sev-2"))],
        ),
        ("Architecture review (monthly).", [Cadence("Architecture review", "monthly", ())]),
        (
            "Live-ops readiness review before every season launch.",
            [Cadence("Live-ops readiness review", None, (), ("season launch",))],
        ),
        (
            "Ops sync (bi-weekly); Vendor review (fortnightly); Demo (Biweekly)",
            [
                Cadence("Ops sync", "2-weeks", ()),
                Cadence("Vendor review", "2-weeks", ()),
                Cadence("Demo", "2-weeks", ()),
            ],
        ),
        ("Capacity review every 3 weeks", [Cadence("Capacity review", "3-weeks", ())]),
        (
            "Budget (twice a year), Risk (half-yearly), Audit (yearly), Pen test (annually)",
            [
                Cadence("Budget", "semi-annually", ()),
                Cadence("Risk", "semi-annually", ()),
                Cadence("Audit", "annually", ()),
                Cadence("Pen test", "annually", ()),
            ],
        ),
        (
            "Standup (daily), Planning (every week), Retro (per sprint)",
            [
                Cadence("Standup", "daily", ()),
                Cadence("Planning", "weekly", ()),
                Cadence("Retro", "per-sprint", ()),
            ],
        ),
        ("Weekly ops review", [Cadence("Weekly ops review", "weekly", ())]),
        (
            "Post-mortem (after major incidents)",
            [Cadence("Post-mortem", None, ("major incidents",))],
        ),
        ("Change Documentation, peer review", []),
        ("", []),
    ],
)
def test_parse_cadences(text: str, expected: list[Cadence]) -> None:
    assert parse_cadences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Standard (low-risk, pre-approved), Normal (medium-risk, require review), Emergency (high-risk, post-change review)",
            [
                ChangeType("Standard", "low", "pre-approved", "low-risk, pre-approved"),
                ChangeType("Normal", "medium", "review", "medium-risk, require review"),
                ChangeType(
                    "Emergency", "high", "post-change-review", "high-risk, post-change review"
                ),
            ],
        ),
        (
            "Emergency (high-risk, implemented first, retrospective CAB review within 2 working days), Clinical Safety (any change to a clinical workflow, require CMIO sign-off)",
            [
                ChangeType(
                    "Emergency",
                    "high",
                    "post-change-review",
                    "high-risk, implemented first, retrospective CAB review within 2 working days",
                ),
                ChangeType(
                    "Clinical Safety",
                    "",
                    "sign-off",
                    "any change to a clinical workflow, require CMIO sign-off",
                ),
            ],
        ),
        (
            "Routine (Low Risk, needs approval from the lead)",
            [ChangeType("Routine", "low", "approval", "Low Risk, needs approval from the lead")],
        ),
        (
            "Hotfix (critical-risk, requires automated canary)",
            [
                ChangeType(
                    "Hotfix",
                    "critical",
                    "automated-canary",
                    "critical-risk, requires automated canary",
                )
            ],
        ),
        ("", []),
    ],
)
def test_parse_change_types(text: str, expected: list[ChangeType]) -> None:
    assert parse_change_types(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Infrastructure Lead (high-risk changes), Senior Engineers (normal changes), Team Review (GitHub PR process)",
            [
                ("Infrastructure Lead", "high-risk changes"),
                ("Senior Engineers", "normal changes"),
                ("Team Review", "GitHub PR process"),
            ],
        ),
        (
            "Change Advisory Board (normal changes), On-call engineer with Head of Clinical IT (emergency changes)",
            [
                ("Change Advisory Board", "normal changes"),
                ("On-call engineer with Head of Clinical IT", "emergency changes"),
            ],
        ),
        ("Platform Lead", [("Platform Lead", "")]),
        ("", []),
    ],
)
def test_parse_approvers(text: str, expected: list[tuple[str, str]]) -> None:
    assert parse_approvers(text) == expected


# -- governance statements ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The 1B squad is the sole authority for Kernel versions, CNI/CSI integrations, and GPU NodePool configurations. All other layers are consumers of its APIs only.",
            ("1B", ["Kernel versions", "CNI/CSI integrations", "GPU NodePool configurations"]),
        ),
        (
            "The 3B team is the sole authority for HSM key ceremonies and PCI network segmentation. All other teams are consumers.",
            ("3B", ["HSM key ceremonies", "PCI network segmentation"]),
        ),
        (
            "The 2B department is the sole authority for backbone routing policy and the PTP timing hierarchy.",
            ("2B", ["backbone routing policy", "PTP timing hierarchy"]),
        ),
        (
            "NM-3 is the only team that may declare a Sev-1 major incident. All other teams raise candidates.",
            ("NM-3", ["declare a Sev-1 major incident"]),
        ),
        (
            "Squad B-2 is the only owner of object storage v2.1 buckets; others request them.",
            ("B-2", ["object storage v2.1 buckets"]),
        ),
        ("Platform Engineering is the single authority over base images", (None, ["base images"])),
        (
            "Note: 3F runs alerts. The platform team is the sole owner of DNS zones.",
            (None, ["DNS zones"]),
        ),
    ],
)
def test_parse_authority(text: str, expected: tuple[str | None, list[str]]) -> None:
    assert parse_authority(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "All other layers are consumers of its APIs only.",
        "1B owns the kernel.",
        "Sole owner of HSM partitions",
        "It is the sole choice.",
    ],
)
def test_text_that_grants_no_authority(text: str) -> None:
    assert parse_authority(text) is None


@pytest.mark.parametrize(
    ("subject", "terms"),
    [
        ("Kernel versions", ["kernel"]),
        ("CNI/CSI integrations", ["CNI", "CSI"]),
        ("GPU NodePool configurations", ["GPU NodePool"]),
        ("HSM key ceremonies", ["HSM key ceremonies"]),
        ("PCI network segmentation", ["PCI network segmentation"]),
        ("backbone routing policy", ["backbone routing"]),
        ("GPU/CPU pools", ["GPU pools", "CPU pools"]),
        ("DNS settings", ["DNS"]),
        ("Ingress/egress policies", ["ingress/egress"]),
        ("Secrets management", ["secrets"]),
        ("", []),
    ],
)
def test_authority_terms(subject: str, terms: list[str]) -> None:
    assert authority_terms(subject) == terms


@given(st.text(max_size=60))
def test_authority_terms_never_raise_and_stay_few(subject: str) -> None:
    assert len(authority_terms(subject)) <= 8


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This layer does not directly interface with 1D – Data & AI Infrastructure.", "1D"),
        (
            "This department does not directly interface with 3D – Risk & Fraud ML Platform; model incidents reach 3F.",
            "3D",
        ),
        ("2C does not interface directly with 3D", "3D"),
        ("Squads must not talk directly to the Data team", "Data team"),
        ("This unit never integrates with U-OPS1 (runbooks).", "U-OPS1"),
        ("Edge doesn't communicate with Billing except through the gateway", "Billing"),
        ("The layer has no direct interface with 2A", "2A"),
    ],
)
def test_parse_forbidden_interface(text: str, expected: str) -> None:
    assert parse_forbidden_interface(text) == expected


@pytest.mark.parametrize(
    "text", ["This layer interfaces with 1D.", "Consumers of its APIs only.", "Does not apply.", ""]
)
def test_text_that_forbids_nothing(text: str) -> None:
    assert parse_forbidden_interface(text) is None


# -- team rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "When any subteam grows to **3 or more engineers**, assign a **subteam lead**.",
            (3, "subteam"),
        ),
        (
            "Subteam leads will be introduced only when headcount in that subteam reaches 3",
            (3, "subteam"),
        ),
        ("Subteam Lead When Team Reaches 3 People", (3, "subteam")),
        ("When a squad reaches **4 engineers**, appoint a squad lead.", (4, "squad")),
        ("Once a pod has five members it gets a tech lead", (5, "pod")),
        ("A Sub-Team Lead is named as soon as the sub-team hits 6", (6, "subteam")),
        ("Appoint a lead once there are 4 engineers", (4, "team")),
    ],
)
def test_parse_lead_threshold(text: str, expected: tuple[int, str]) -> None:
    assert parse_lead_threshold(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "All 8 engineers report directly to the **Data Infrastructure Lead**.",
        "Each subteam currently has two members and operates without a designated subteam lead.",
        "No subteam leads yet.",
        "When any subteam grows, hire.",
    ],
)
def test_text_with_no_lead_threshold(text: str) -> None:
    assert parse_lead_threshold(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Rotation model: 2-deep, per subteam (starting with Platform + Engineering)",
            (2, "subteam"),
        ),
        ("G1 squads: **3-deep per squad**, weekly shifts", (3, "squad")),
        ("On-call is two-deep for each pod", (2, "pod")),
        ("A Four Deep rotation", (4, None)),
    ],
)
def test_parse_oncall_depth(text: str, expected: tuple[int, str | None]) -> None:
    assert parse_oncall_depth(text) == expected


@pytest.mark.parametrize(
    "text", ["Deep dives every week", "24/7 PagerDuty rotation", "2 deeply nested trees"]
)
def test_text_with_no_oncall_depth(text: str) -> None:
    assert parse_oncall_depth(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Engineers rotate between subteams every 6–9 months based on interest and coverage needs",
            (6, 9),
        ),
        ("Engineers may rotate between squads every **4–6 months**, on request", (4, 6)),
        ("Rotation: engineers move teams every 12 months", (12, 12)),
        ("Engineers rotate every 6 to 9 months", (6, 9)),
        ("People may switch pods every 1-2 years", (12, 24)),
    ],
)
def test_parse_rotation_period(text: str, expected: tuple[int, int]) -> None:
    assert parse_rotation_period(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Internal sync every 3 weeks",
        "Architecture review every 6 months",
        "Rotate keys every 90 days",
    ],
)
def test_text_with_no_rotation_period(text: str) -> None:
    assert parse_rotation_period(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Hiring timeline: Every 6 weeks = 1 hire (parallel track; **not part of this operational roadmap**)",
            (6, 1, None),
        ),
        (
            "Ongoing hiring continues in parallel every 6 weeks (up to 8 FTEs by year-end)",
            (6, 1, 8),
        ),
        (
            "Hiring: one new engineer every **8 weeks** until G1 reaches **14 engineers**.",
            (8, 1, 14),
        ),
        ("We hire 2 engineers every 4 weeks to reach 20", (4, 2, 20)),
    ],
)
def test_parse_hiring(text: str, expected: tuple[int, int, int | None]) -> None:
    assert parse_hiring(text) == expected


@pytest.mark.parametrize(
    "text", ["Team size today: **4 engineers**", "Every 6 weeks we demo", "Hiring is frozen"]
)
def test_text_with_no_hiring_plan(text: str) -> None:
    assert parse_hiring(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6-week build, 2-week cool-down", (6, 2)),
        ("We work in Shape-Up-style cycles: **5-week build, 1-week cool-down**.", (5, 1)),
        ("2-week sprints", (2, 0)),
        ("Six-week cycles with a two-week cooldown", (6, 2)),
        ("Sprints of 3 weeks", (3, 0)),
    ],
)
def test_parse_cycle(text: str, expected: tuple[int, int]) -> None:
    assert parse_cycle(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Execution time frame: **12 weeks**, split into **two 6-week delivery phases**",
        "12-week roadmap",
    ],
)
def test_text_with_no_cycle(text: str) -> None:
    assert parse_cycle(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Phase 1 (Weeks 1–6): Team Structure, Technical Domains, and Internal Operations", "1-6"),
        ("Phase 2 (Weeks 7-12): Stakeholder Model", "7-12"),
        ("Phase 3 (weeks 13 — 16): Release Speed", "13-16"),
        ("Weeks 1 to 4", "1-4"),
        ("Final Outcome (End of Week 12)", "12"),
    ],
)
def test_parse_weeks(text: str, expected: str) -> None:
    assert parse_weeks(text) == expected


@pytest.mark.parametrize(
    "text", ["Roadmap (16 Weeks)", "12-week execution", "Phase 1: Foundations"]
)
def test_text_with_no_weeks(text: str) -> None:
    assert parse_weeks(text) is None


# -- slugs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Data Platform Team", "data-platform-team"),
        ("Infrastructure Architect", "infrastructure-architect"),
        ("Facilities & Physical Infra", "facilities-physical-infra"),
        ("Équipe Réseau – Île-de-France", "equipe-reseau-ile-de-france"),
        ("数据平台", "item"),
        ("--", "item"),
        ("x" * 70, "x" * 64),
    ],
)
def test_slug(text: str, expected: str) -> None:
    assert slug(text) == expected


@given(st.text(max_size=200))
def test_slug_is_always_a_short_identifier(text: str) -> None:
    out = slug(text)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", out)
    assert len(out) <= 64


# -- time zones --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("HANDOFF: Mon 09:00 PST", "America/Los_Angeles"),
        ("Handover 08:00 Europe/Berlin", "Europe/Berlin"),
        ("9:00 europe/london", "Europe/London"),
        ("daily at 09:00 UTC", "UTC"),
        ("07:30 CEST", "Europe/Berlin"),
        ("09:00 America/New_York (ET)", "America/New_York"),
        ("09:00 IT team", None),  # an uppercase word, not a zone
        ("handover at 07:30 et al", None),  # abbreviations count in capitals only
        ("09:00 Mars/Olympus", None),
        ("Friday", None),
    ],
)
def test_time_zones_as_documents_write_them(text: str, zone: str | None) -> None:
    assert find_zone(text) == zone


def test_a_zone_written_in_the_handoff_line_is_its_iana_name() -> None:
    assert iana_zone("pst") == "America/Los_Angeles"
    assert iana_zone("Asia/Tokyo") == "Asia/Tokyo"
    assert iana_zone("Mars/Olympus") == "Mars/Olympus"  # kept: OP116 reports it
    on_call = rotation("PRIMARY: Ana\nHANDOFF: Daily at 09:00 PST", "Ops")
    assert on_call is not None
    assert (on_call["handoff"], on_call["timezone"]) == ("09:00", "America/Los_Angeles")
