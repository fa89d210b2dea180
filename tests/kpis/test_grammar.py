"""The KPI grammar on every KPI of the seed documents, and on the forms the same family
of documents writes elsewhere.

Each expectation is written by reading the text, not by running the parser: what is
measured, how it must compare, the value in its normalized unit (seconds, a fraction
for percentages), and the qualifiers. ``test_the_table_lists_every_seed_kpi`` fails
when an example or importer fixture gains a KPI this table does not list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from orgplane.kpis import (
    Comparator,
    Direction,
    Kind,
    Objective,
    Period,
    Unit,
    parse_objective,
    render_objective,
)
from orgplane.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
FIXTURES = ROOT / "tests" / "importers" / "fixtures"

MIN, HOUR, DAY = 60, 3600, 86400

GE, LE, GT, LT, EQ = (Comparator(op) for op in (">=", "<=", ">", "<", "="))
HIGHER, LOWER, EQUAL = Direction.HIGHER, Direction.LOWER, Direction.EQUAL
SECONDS, RATIO, NUMBER, COUNT = Unit.SECONDS, Unit.RATIO, Unit.NUMBER, Unit.COUNT
THRESHOLD, PERCENTILE, SHARE, RATE = Kind.THRESHOLD, Kind.PERCENTILE, Kind.SHARE, Kind.RATE


def kpi(
    metric: str,
    comparator: Comparator,
    value: float,
    unit: Unit,
    kind: Kind,
    direction: Direction,
    **extra: Any,
) -> Objective:
    """The objective a reader sees in a KPI text (``text`` is not compared)."""
    return Objective(
        text="",
        metric=metric,
        kind=kind,
        comparator=comparator,
        value=value,
        unit=unit,
        direction=direction,
        **extra,
    )


def ratio(metric: str, comparator: Comparator, value: float, **extra: Any) -> Objective:
    """A percentage target; at 0% or 100% an "=" says which way is better."""
    direction = {GE: HIGHER, GT: HIGHER, LE: LOWER, LT: LOWER}.get(comparator, HIGHER)
    return kpi(metric, comparator, value, RATIO, Kind.RATIO, direction, **extra)


def duration(metric: str, comparator: Comparator, seconds: float, **extra: Any) -> Objective:
    """A duration that must stay below a limit (all the seeds' durations do)."""
    kind = SHARE if "share" in extra else PERCENTILE if "percentile" in extra else THRESHOLD
    return kpi(metric, comparator, seconds, SECONDS, kind, LOWER, **extra)


def none_allowed(metric: str) -> Objective:
    """ "X = 0": none at all, so lower is better."""
    return kpi(metric, EQ, 0, NUMBER, THRESHOLD, LOWER)


#: Every KPI text of the example specs and of the importer fixtures' expected KPIs.
SEED_KPIS: dict[str, Objective] = {
    # examples/cipo (seeds 000 and 001)
    "≥ 8% cost savings": ratio("cost savings", GE, 0.08),
    "Lead time ≤ 90 days": duration("Lead time", LE, 90 * DAY),
    "100% inventory accuracy": ratio("inventory accuracy", GE, 1.0),
    "RMA turnaround ≤ 5 days": duration("RMA turnaround", LE, 5 * DAY),
    "DOA < 0.3%": ratio("DOA", LT, 0.003),
    "Installation time ≤ 7 days": duration("Installation time", LE, 7 * DAY),
    "API Uptime ≥ 99.95%": ratio("API Uptime", GE, 0.9995),
    "Durability 11×9": ratio("Durability", GE, 0.99999999999, nines=11),
    "P95 latency < 5ms": duration("P95 latency", LT, 0.005, percentile=95),
    "Packet loss < 0.01%": ratio("Packet loss", LT, 0.0001),
    "Firmware lag < 2 versions": kpi(
        "Firmware lag", LT, 2, COUNT, THRESHOLD, LOWER, count_unit="versions"
    ),
    "LTFC < 60 min": duration("LTFC", LT, 60 * MIN),
    "Catalog Coverage ≥ 95%": ratio("Catalog Coverage", GE, 0.95),
    "≥ 20 Deploys/day": kpi("Deploys", GE, 20, COUNT, RATE, HIGHER, per="day", period=Period.DAY),
    "Failed Pipelines < 2%": ratio("Failed Pipelines", LT, 0.02),
    "p99 < 100ms": duration("p99", LT, 0.1, percentile=99),
    "Canary Abort FP < 1%": ratio("Canary Abort FP", LT, 0.01),
    "Dev Bootstrap Success > 95%": ratio("Dev Bootstrap Success", GT, 0.95),
    "Dev API Uptime ≥ 99%": ratio("Dev API Uptime", GE, 0.99),
    "Rollback < 30s": duration("Rollback", LT, 30),
    "On-Time Release ≥ 90%": ratio("On-Time Release", GE, 0.9),
    "NameNode Uptime ≥ 99.9%": ratio("NameNode Uptime", GE, 0.999),
    "Job Fail < 1%": ratio("Job Fail", LT, 0.01),
    "ISR ≤ 1": kpi("ISR", LE, 1, NUMBER, THRESHOLD, LOWER),
    "Freshness ≤ 15 min": duration("Freshness", LE, 15 * MIN),
    "P99 Latency < 5s": duration("P99 Latency", LT, 5, percentile=99),
    "DTI ≥ 0.9": kpi("DTI", GE, 0.9, NUMBER, THRESHOLD, HIGHER),
    "Drift Alert < 10 min": duration("Drift Alert", LT, 10 * MIN),
    "p99 Serving < 50ms": duration("p99 Serving", LT, 0.05, percentile=99),
    "GDPR Ticket ≤ 72h": duration("GDPR Ticket", LE, 72 * HOUR),
    "PII Incident = 0": none_allowed("PII Incident"),
    "Dashboard Latency P95 < 30s": duration("Dashboard Latency P95", LT, 30, percentile=95),
    "CVE MTTP < 12 hours": duration("CVE MTTP", LT, 12 * HOUR),
    "SSO p95 < 200ms": duration("SSO p95", LT, 0.2, percentile=95),
    "Privacy P0 = 0": none_allowed("Privacy P0"),  # P0 is a priority, not a percentile
    "Audit Pass = 100%": ratio("Audit Pass", EQ, 1.0),
    "Thanos Availability ≥ 99.95%": ratio("Thanos Availability", GE, 0.9995),
    "Cardinality Error < 0.1%": ratio("Cardinality Error", LT, 0.001),
    "MTTD < 5 min": duration("MTTD", LT, 5 * MIN),
    "MTTR < 30 min (Sev-1)": duration("MTTR", LT, 30 * MIN, scope="Sev-1"),
    "Resilience Score ≥ 0.90": kpi("Resilience Score", GE, 0.9, NUMBER, THRESHOLD, HIGHER),
    "SLO Miss < 2% / quarter": ratio("SLO Miss", LT, 0.02, period=Period.QUARTER),
    "Toil Hours / Shift < 2h": duration("Toil Hours / Shift", LT, 2 * HOUR),
    "Rollback Success = 100%": ratio("Rollback Success", EQ, 1.0),
    "PRR Turnaround < 5 days": duration("PRR Turnaround", LT, 5 * DAY),
    # examples/infra-ops (seed 004's KPI table: a bare target means at least)
    "Availability 99.9%": ratio("Availability", GE, 0.999),
    "Mean Time to Recovery < 30 min": duration("Mean Time to Recovery", LT, 30 * MIN),
    "Change Success Rate > 95%": ratio("Change Success Rate", GT, 0.95),
    "Infrastructure as Code 100%": ratio("Infrastructure as Code", GE, 1.0),
    "Cost Efficiency -10% YoY": kpi(
        "Cost Efficiency", LE, -0.1, RATIO, Kind.GROWTH, LOWER, period=Period.YEAR
    ),
    # tests/importers/fixtures/fintech-platform
    "Authorization p99 < 300ms": duration("Authorization p99", LT, 0.3, percentile=99),
    "Gateway Availability ≥ 99.99%": ratio("Gateway Availability", GE, 0.9999),
    "Payouts on Time ≥ 99.5%": ratio("Payouts on Time", GE, 0.995),
    "Settlement File Rejects < 0.1%": ratio("Settlement File Rejects", LT, 0.001),
    "Cluster Upgrade Lag ≤ 1 minor version": kpi(
        "Cluster Upgrade Lag", LE, 1, COUNT, THRESHOLD, LOWER, count_unit="minor version"
    ),
    "Control Plane Availability ≥ 99.95%": ratio("Control Plane Availability", GE, 0.9995),
    "Key Rotation on Schedule = 100%": ratio("Key Rotation on Schedule", EQ, 1.0),
    "HSM Signing p99 < 25ms": duration("HSM Signing p99", LT, 0.025, percentile=99),
    "Token API Availability ≥ 99.99%": ratio("Token API Availability", GE, 0.9999),
    "Detokenize p95 < 40ms": duration("Detokenize p95", LT, 0.04, percentile=95),
    "PCI DSS Findings (High) = 0": kpi(
        "PCI DSS Findings", EQ, 0, NUMBER, THRESHOLD, LOWER, scope="High"
    ),
    "Segmentation Test Pass = 100% (semi-annual)": ratio(
        "Segmentation Test Pass", EQ, 1.0, period=Period.HALF_YEAR
    ),
    # The first comparator is part of the metric: items unreconciled for over 24h.
    "Unreconciled Items > 24h = 0": none_allowed("Unreconciled Items > 24h"),
    "Posting p99 < 50ms": duration("Posting p99", LT, 0.05, percentile=99),
    "Consumer Lag p95 < 5s": duration("Consumer Lag p95", LT, 5, percentile=95),
    "Schema Compatibility Breaks = 0": none_allowed("Schema Compatibility Breaks"),
    "Month-End Close ≤ 2 business days": kpi(
        "Month-End Close", LE, 2, Unit.BUSINESS_DAYS, THRESHOLD, LOWER
    ),
    "Retention Policy Violations = 0": none_allowed("Retention Policy Violations"),
    "Scoring p99 < 80ms": duration("Scoring p99", LT, 0.08, percentile=99),
    "Fraud Loss Rate < 0.05% of volume": ratio("Fraud Loss Rate", LT, 0.0005, scope="of volume"),
    "Model Validation ≤ 10 business days": kpi(
        "Model Validation", LE, 10, Unit.BUSINESS_DAYS, THRESHOLD, LOWER
    ),
    "Drift Alerts Acknowledged ≤ 1h (95%)": duration(
        "Drift Alerts Acknowledged", LE, HOUR, share=0.95
    ),
    "Telemetry Availability ≥ 99.95%": ratio("Telemetry Availability", GE, 0.9995),
    "Audit Log Loss = 0": none_allowed("Audit Log Loss"),
    "MTTA < 5 min (SEV1)": duration("MTTA", LT, 5 * MIN, scope="SEV1"),
    "Postmortem Published ≤ 5 business days": kpi(
        "Postmortem Published", LE, 5, Unit.BUSINESS_DAYS, THRESHOLD, LOWER
    ),
    "RPO ≤ 5 min": duration("RPO", LE, 5 * MIN),
    "RTO ≤ 1h (Tier-0)": duration("RTO", LE, HOUR, scope="Tier-0"),
    "DR Drill Pass = 100% (quarterly)": ratio("DR Drill Pass", EQ, 1.0, period=Period.QUARTER),
    # tests/importers/fixtures/gaming-infra
    "Platform Availability ≥ 99.9% (monthly)": ratio(
        "Platform Availability", GE, 0.999, period=Period.MONTH
    ),
    "CCU Capacity Headroom ≥ 30%": ratio("CCU Capacity Headroom", GE, 0.3),
    "Matchmaking Time p90 < 30s": duration("Matchmaking Time p90", LT, 30, percentile=90),
    "Crash-free sessions ≥ 99.5%": ratio("Crash-free sessions", GE, 0.995),
    "Login Success ≥ 99.9%": ratio("Login Success", GE, 0.999),
    "Entitlement Errors < 0.01%": ratio("Entitlement Errors", LT, 0.0001),
    "Full Build ≤ 45 min": duration("Full Build", LE, 45 * MIN),
    "Build Cache Hit Rate ≥ 85%": ratio("Build Cache Hit Rate", GE, 0.85),
    "Cert First-Pass ≥ 90%": ratio("Cert First-Pass", GE, 0.9),
    "Patch Size Regression < 5%": ratio("Patch Size Regression", LT, 0.05),
    "Adoption growth ≥ +10% monthly": kpi(
        "Adoption growth", GE, 0.1, RATIO, Kind.GROWTH, HIGHER, period=Period.MONTH
    ),
    # A cadence: at least once per quarter.
    "Roadmap published quarterly": kpi(
        "Roadmap published",
        GE,
        1,
        COUNT,
        Kind.CADENCE,
        HIGHER,
        per="quarter",
        period=Period.QUARTER,
    ),
    "≥ 4 technical articles per quarter": kpi(
        "technical articles", GE, 4, COUNT, RATE, HIGHER, per="quarter", period=Period.QUARTER
    ),
    "Onboarding NPS ≥ 40": kpi("Onboarding NPS", GE, 40, NUMBER, THRESHOLD, HIGHER),
    # tests/importers/fixtures/hospital-it ("Metric | Target" rows, joined)
    "EHR Availability ≥ 99.95%": ratio("EHR Availability", GE, 0.9995),
    "P1 Response Time < 15 min": duration("P1 Response Time", LT, 15 * MIN),
    "First-Contact Resolution ≥ 70%": ratio("First-Contact Resolution", GE, 0.7),
    "Interface Message Errors < 0.1%": ratio("Interface Message Errors", LT, 0.001),
    "Change Success Rate > 97%": ratio("Change Success Rate", GT, 0.97),
    # 95% of critical patches applied within 30 days.
    "Patching Compliance 95% within 30 days": duration(
        "Patching Compliance", LE, 30 * DAY, share=0.95
    ),
    "DR Restore Success 100%": ratio("DR Restore Success", GE, 1.0),
    # tests/importers/fixtures/telecom-noc
    "Call Drop Rate < 0.5%": ratio("Call Drop Rate", LT, 0.005),
    "RRC Setup Success ≥ 99.2%": ratio("RRC Setup Success", GE, 0.992),
    "DL Throughput p50 ≥ 45 Mbps": kpi(
        "DL Throughput p50",
        GE,
        45_000_000,
        Unit.BITS_PER_SECOND,
        PERCENTILE,
        HIGHER,
        percentile=50,
    ),
    "Integration First-Time-Right ≥ 95%": ratio("Integration First-Time-Right", GE, 0.95),
    "Upgrade Rollback < 2%": ratio("Upgrade Rollback", LT, 0.02),
    "Population Coverage ≥ 98%": ratio("Population Coverage", GE, 0.98),
    "EMF Filings on Time = 100%": ratio("EMF Filings on Time", EQ, 1.0),
    "Attach Success ≥ 99.5%": ratio("Attach Success", GE, 0.995),
    "PDU Session Setup p95 < 400ms": duration("PDU Session Setup p95", LT, 0.4, percentile=95),
    "Backhaul Availability ≥ 99.99%": ratio("Backhaul Availability", GE, 0.9999),
    "Packet Loss < 0.05% (P95)": kpi(
        "Packet Loss", LT, 0.0005, RATIO, PERCENTILE, LOWER, percentile=95
    ),
    "Link Availability ≥ 99.995%": ratio("Link Availability", GE, 0.99995),
    "Time Error < 1.1 µs (99%)": duration("Time Error", LT, 1.1e-6, share=0.99),
    "Alarm-to-Ticket ≤ 60s (99%)": duration("Alarm-to-Ticket", LE, 60, share=0.99),
    "False-Positive Alarms < 5%": ratio("False-Positive Alarms", LT, 0.05),
    "PM File Completeness ≥ 99.5%": ratio("PM File Completeness", GE, 0.995),
    "Dashboard Freshness ≤ 15 min": duration("Dashboard Freshness", LE, 15 * MIN),
    "TTR L1 ≤ 2h (90%)": duration("TTR L1", LE, 2 * HOUR, share=0.9),
    "MTTR < 4h (Sev-1)": duration("MTTR", LT, 4 * HOUR, scope="Sev-1"),
    "Ticket Acknowledge ≤ 5 min (95%)": duration("Ticket Acknowledge", LE, 5 * MIN, share=0.95),
    "MOS > 3.8 (95%)": kpi("MOS", GT, 3.8, NUMBER, SHARE, HIGHER, share=0.95),
    "Call Setup Time < 2.5s (p90)": duration("Call Setup Time", LT, 2.5, percentile=90),
    "CSAT ≥ 4.7/5": kpi("CSAT", GE, 4.7, NUMBER, THRESHOLD, HIGHER, max_value=5),
    "Repeat Complaints < 3% / month": ratio("Repeat Complaints", LT, 0.03, period=Period.MONTH),
    "SLA Reports on Time = 100%": ratio("SLA Reports on Time", EQ, 1.0),
    "Enterprise Availability ≥ 99.95% (monthly)": ratio(
        "Enterprise Availability", GE, 0.9995, period=Period.MONTH
    ),
    "Site Visit ETA ≤ 4h (urban, 95%)": duration(
        "Site Visit ETA", LE, 4 * HOUR, scope="urban", share=0.95
    ),
    "First-Time Fix ≥ 85%": ratio("First-Time Fix", GE, 0.85),
    # 98% of sites must run at least 4h on battery: a share, and what it counts.
    "Battery Autonomy ≥ 4h (98% of sites)": kpi(
        "Battery Autonomy", GE, 4 * HOUR, SECONDS, SHARE, HIGHER, share=0.98, scope="of sites"
    ),
    "Spares Availability ≥ 97%": ratio("Spares Availability", GE, 0.97),
    "Fibre Cut Restoration ≤ 6h (90%)": duration("Fibre Cut Restoration", LE, 6 * HOUR, share=0.9),
    "Tower Access Permits ≤ 2 days": duration("Tower Access Permits", LE, 2 * DAY),
}

#: The same KPIs as the seeds' trees and other copies write them, and the issue's list.
OTHER_FORMS: dict[str, Objective] = {
    "Kernel patching ≤ 48h": duration("Kernel patching", LE, 48 * HOUR),
    "Deploys/day ≥ 20": kpi("Deploys", GE, 20, COUNT, RATE, HIGHER, per="day", period=Period.DAY),
    "Toil < 2h / Shift": kpi("Toil", LT, 2 * HOUR, SECONDS, RATE, LOWER, per="Shift"),
    "SLO Miss < 2% / Q": ratio("SLO Miss", LT, 0.02, period=Period.QUARTER),
    "PRR < 5d": duration("PRR", LT, 5 * DAY),
    "Durability: 11×9": ratio("Durability", GE, 0.99999999999, nines=11),
    "Durability 11x9": ratio("Durability", GE, 0.99999999999, nines=11),
    "Durability five nines": ratio("Durability", GE, 0.99999, nines=5),
    "Cost Savings ≥ 8%": ratio("Cost Savings", GE, 0.08),
    "Serving p99 < 50ms": duration("Serving p99", LT, 0.05, percentile=99),
    "CVE MTTP < 12h": duration("CVE MTTP", LT, 12 * HOUR),
    "Vault TTL = 24h": kpi("Vault TTL", EQ, 24 * HOUR, SECONDS, THRESHOLD, EQUAL),
    "Time Error < 1.1 us (99%)": duration("Time Error", LT, 1.1e-6, share=0.99),
    "Gateway Availability >= 99.99%": ratio("Gateway Availability", GE, 0.9999),
    "Postmortem ≤ 5 days": duration("Postmortem", LE, 5 * DAY),
    "Deployment frequency ≥ 3/day": kpi(
        "Deployment frequency", GE, 3, COUNT, RATE, HIGHER, per="day", period=Period.DAY
    ),
    "Ticket backlog < 40 open": kpi(
        "Ticket backlog", LT, 40, COUNT, THRESHOLD, LOWER, count_unit="open"
    ),
    # Comparators written as words, and other ways of saying the same.
    "At least 4 technical articles per quarter": kpi(
        "technical articles", GE, 4, COUNT, RATE, HIGHER, per="quarter", period=Period.QUARTER
    ),
    "Incident response within 15 min": duration("Incident response", LE, 15 * MIN),
    "MTTR under 1 hour (P1)": duration("MTTR", LT, HOUR, scope="P1"),
    "Error budget burn no more than 2% per month": ratio(
        "Error budget burn", LE, 0.02, period=Period.MONTH
    ),
    "Availability: 99.9 percent": ratio("Availability", GE, 0.999),
    "Revenue per engineer ≥ -5% QoQ": kpi(
        "Revenue per engineer", GE, -0.05, RATIO, Kind.GROWTH, HIGHER, period=Period.QUARTER
    ),
    "Cloud spend -3% year-over-year": kpi(
        "Cloud spend", LE, -0.03, RATIO, Kind.GROWTH, LOWER, period=Period.YEAR
    ),
    "Active users ≥ 2% WoW": kpi(
        "Active users", GE, 0.02, RATIO, Kind.GROWTH, HIGHER, period=Period.WEEK
    ),
    "Security review every month": kpi(
        "Security review", GE, 1, COUNT, Kind.CADENCE, HIGHER, per="month", period=Period.MONTH
    ),
    "Backup restore test once a year": kpi(
        "Backup restore test", GE, 1, COUNT, Kind.CADENCE, HIGHER, per="year", period=Period.YEAR
    ),
    "Queue depth p99.9 < 1,000": kpi(
        "Queue depth p99.9", LT, 1000, NUMBER, PERCENTILE, LOWER, percentile=99.9
    ),
    "Backup size ≤ 2 TB": kpi("Backup size", LE, 2e12, Unit.BYTES, THRESHOLD, LOWER),
    "Storage per tenant ≤ 50 GiB": kpi(
        "Storage per tenant", LE, 50 * 1024**3, Unit.BYTES, THRESHOLD, LOWER
    ),
    "Lead time ≤ 3 months": duration("Lead time", LE, 90 * DAY),
    "Page load P95 < 2s (mobile, EU)": duration(
        "Page load P95", LT, 2, percentile=95, scope="mobile, EU"
    ),
    "Rollback drills = 2 per quarter": kpi(
        "Rollback drills", EQ, 2, COUNT, RATE, EQUAL, per="quarter", period=Period.QUARTER
    ),
    "99.95% API availability (monthly)": ratio("API availability", GE, 0.9995, period=Period.MONTH),
    "≥ 95% of tickets resolved in SLA": ratio("tickets resolved in SLA", GE, 0.95),
}

#: Texts that state no measurable target: they stay qualitative, with a reason.
QUALITATIVE: dict[str, str] = {
    "Request volume": "no number",
    "Bottleneck detection": "no number",
    "Errors ≠ 0": "names no target",
    "Every 6 weeks = 1 hire (parallel track": "has no partner",
    "Lead time 90 days": "no comparator",  # a bare duration: at least, or at most?
    "≥ 99.9%": "ends too early",  # a target of nothing
    "Availability ≥ 99.9% (0%)": "at most 100%",  # a share of nothing
    "": "empty",
}


def _seed_texts() -> set[str]:
    texts: set[str] = set()
    for folder in sorted(path for path in EXAMPLES.iterdir() if (path / "org.yaml").exists()):
        for _, group in load_spec(folder).walk():
            texts.update(kpi.text for kpi in group.kpis)
    for fixture in sorted(FIXTURES.glob("*.expected.yaml")):
        expected = yaml.safe_load(fixture.read_text(encoding="utf-8"))
        for items in (expected.get("kpis") or {}).values():
            for item in items:
                # hospital-it's KPI table rows: the importer joins metric and target.
                texts.add(item if isinstance(item, str) else f"{item['metric']} {item['target']}")
    return texts


def test_the_table_lists_every_seed_kpi() -> None:
    texts = _seed_texts()
    assert len(texts) == 132
    assert sorted(texts - set(SEED_KPIS)) == []


@pytest.mark.parametrize("text", list(SEED_KPIS))
def test_every_seed_kpi_is_typed_as_a_reader_would(text: str) -> None:
    objective = parse_objective(text)
    assert objective == SEED_KPIS[text]
    assert objective.typed
    assert objective.text == text


@pytest.mark.parametrize("text", list(OTHER_FORMS))
def test_other_forms_of_the_same_family_are_typed(text: str) -> None:
    assert parse_objective(text) == OTHER_FORMS[text]


@pytest.mark.parametrize("text", list(SEED_KPIS) + list(OTHER_FORMS))
def test_the_canonical_text_reads_back_as_the_same_objective(text: str) -> None:
    objective = parse_objective(text)
    canonical = render_objective(objective)
    assert parse_objective(canonical) == objective
    assert render_objective(parse_objective(canonical)) == canonical


@pytest.mark.parametrize("text", list(QUALITATIVE))
def test_text_without_a_measurable_target_stays_qualitative(text: str) -> None:
    objective = parse_objective(text)
    assert not objective.typed
    assert objective.kind is Kind.QUALITATIVE
    assert objective.metric == text
    assert objective.comparator is None
    assert objective.value is None
    assert objective.reason is not None
    assert QUALITATIVE[text] in objective.reason
    assert render_objective(objective) == text


#: Example KPIs that are legitimately qualitative, with the reason (none today).
QUALITATIVE_EXAMPLES: dict[str, str] = {}


def test_every_kpi_of_the_examples_is_typed() -> None:
    for folder in sorted(path for path in EXAMPLES.iterdir() if (path / "org.yaml").exists()):
        for path, group in load_spec(folder).walk():
            for item in group.kpis:
                if item.text in QUALITATIVE_EXAMPLES:
                    continue
                objective = parse_objective(item.text)
                assert objective.typed, f"{folder.name} {path}: {item.text!r}: {objective.reason}"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("P95 latency < 5ms", "P95 latency < 5ms"),
        ("≥ 8% cost savings", "cost savings ≥ 8%"),
        ("Availability 99.9%", "Availability ≥ 99.9%"),
        ("LTFC < 60 min", "LTFC < 1h"),
        ("GDPR Ticket ≤ 72h", "GDPR Ticket ≤ 3 days"),
        ("Kernel patching ≤ 36h", "Kernel patching ≤ 36h"),
        ("Time Error < 1.1 µs (99%)", "Time Error < 1.1µs (99%)"),
        ("≥ 20 Deploys/day", "Deploys ≥ 20/day"),
        ("≥ 4 technical articles", "≥ 4 technical articles"),
        ("SLO Miss < 2% / quarter", "SLO Miss < 2% (quarterly)"),
        ("Cost Efficiency -10% YoY", "Cost Efficiency ≤ -10% YoY"),
        ("Adoption growth ≥ +10% monthly", "Adoption growth ≥ +10% MoM"),
        ("PCI DSS Findings (High) = 0", "PCI DSS Findings = 0 (High)"),
        ("Packet Loss < 0.05% (P95)", "Packet Loss < 0.05% (p95)"),
        ("Battery Autonomy ≥ 4h (98% of sites)", "Battery Autonomy ≥ 4h (98% of sites)"),
        ("Patching Compliance 95% within 30 days", "Patching Compliance ≤ 30 days (95%)"),
        ("Durability 11×9", "Durability ≥ 11×9"),
        ("CSAT ≥ 4.7/5", "CSAT ≥ 4.7/5"),
        ("Roadmap published quarterly", "Roadmap published quarterly"),
        ("DL Throughput p50 ≥ 45 Mbps", "DL Throughput p50 ≥ 45 Mbps"),
        ("Month-End Close ≤ 2 business days", "Month-End Close ≤ 2 business days"),
    ],
)
def test_render_writes_the_canonical_form(text: str, canonical: str) -> None:
    assert render_objective(parse_objective(text)) == canonical
