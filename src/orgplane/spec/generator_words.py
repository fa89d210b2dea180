"""The made-up words the large-org generator draws from (names, duties, tools, KPIs).

Pure data; imports nothing from orgplane. Kept apart so ``generator.py`` reads as the
generator it is.
"""

from __future__ import annotations

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

DEPARTMENTS = (
    "Facilities & Physical Infrastructure",
    "Core Cloud Infrastructure & Platform",
    "Platform Engineering & Developer Experience",
    "Data & AI Infrastructure",
    "Security, Privacy & Compliance",
    "Reliability & Observability",
    "FinOps & Capacity Engineering",
    "Network Engineering",
    "Storage & Databases",
    "Edge & Content Delivery",
    "Identity & Access",
    "Internal Tools & Productivity",
)
SQUADS = (
    "Procurement & Vendor Operations",
    "Warehouse & Inventory",
    "Datacenter Testing & Installation",
    "Kubernetes Platform",
    "Compute & Virtualization",
    "Object Storage",
    "CI/CD Platform",
    "Developer Portal",
    "Feature Store",
    "GPU Scheduling",
    "Stream Processing",
    "Vulnerability Management",
    "Incident Response",
    "Observability Pipeline",
    "Chaos Engineering",
    "Cost Allocation",
    "Capacity Planning",
    "Backbone Network",
    "Load Balancing",
    "Relational Databases",
    "Key-Value Stores",
    "CDN Operations",
    "Single Sign-On",
    "Secrets Management",
    "Build Tooling",
    "Release Engineering",
    "Service Mesh",
    "DNS & Service Discovery",
    "Data Lake",
    "ML Training Platform",
)
UNITS = (
    "Vendor Relations",
    "CapEx Planning",
    "Inbound Logistics",
    "CMDB / Asset Management",
    "RMA / Disposal",
    "Burn-In Testing",
    "Racking & Cabling",
    "Site Acceptance",
    "Cluster Lifecycle",
    "Node Images",
    "Autoscaling",
    "Runners",
    "Artifact Registry",
    "Schema Registry",
    "Query Engines",
    "Alerting",
    "Tracing",
    "Log Retention",
    "Forecasting",
    "Chargeback",
    "Peering",
    "Firewalls",
    "Backups",
    "Replication",
    "Certificates",
    "Key Rotation",
    "On-Call Tooling",
    "Runbooks",
)
RESPONSIBILITIES = (
    "RFP/RFQ processes",
    "SLA negotiation",
    "TCO management",
    "Barcode + RFID tracking",
    "Accurate CMDB",
    "48h soak test",
    "Fiber cabling and LLDP labeling",
    "Cluster upgrades",
    "Kernel and OS images",
    "Capacity forecasts",
    "Golden paths for new services",
    "Build and test pipelines",
    "Artifact promotion",
    "Secrets distribution",
    "Access reviews",
    "Vulnerability triage",
    "Incident command",
    "Postmortems",
    "SLO definitions",
    "Alert routing",
    "Cost reports per team",
    "Reserved capacity purchases",
    "Backbone routing",
    "Database failover drills",
    "Backup restore tests",
    "Schema migrations",
    "Certificate renewal",
    "Edge cache tuning",
    "GPU quota management",
    "Feature pipelines",
    "Runbook upkeep",
    "Onboarding documentation",
)
#: Index of the department that is the sole authority for kernel versions (a policy).
AUTHORITY_DEPARTMENT = 1
AUTHORITY_TERMS = ("kernel", "OS image")
COMMON_DUTIES = tuple(
    duty
    for duty in RESPONSIBILITIES
    if not any(term.lower() in duty.lower() for term in AUTHORITY_TERMS)
)
STACK = (
    ("Kubernetes", ("1.28", "1.29", "1.30")),
    ("Terraform", ("1.7.5", "1.8.2", "1.9.5")),
    ("Go", ("1.21", "1.22", "1.23")),
    ("Python", ("3.11", "3.12")),
    ("PostgreSQL", ("15", "16")),
    ("Kafka", ("3.6", "3.7")),
    ("Prometheus", ("2.51", "2.53")),
    ("Grafana", ("10.4", "11.1")),
    ("Vault", ("1.16", "1.17")),
    ("Argo CD", ("2.10", "2.11")),
    ("Envoy", ("1.29", "1.30")),
    ("Ceph", ("18.2",)),
    ("Spark", ("3.5",)),
    ("Redis", ("7.2",)),
    ("Ansible", ("9.5",)),
    ("Backstage", ("1.27",)),
    ("NetBox", ("4.0",)),
    ("OpenTelemetry Collector", ("0.102",)),
)
# KPI texts as the documents write them; ``{}`` takes a number drawn per KPI.
KPIS = (
    "P95 latency < {}ms",
    "API Uptime ≥ 99.{}%",
    "DOA < 0.{}%",
    "Lead time ≤ {} days",
    "MTTR < {} min",
    "Change failure rate < {}%",
    "Deployment frequency ≥ {}/day",
    "≥ {}% cost savings",
    "RMA turnaround ≤ {} days",
    "Ticket backlog < {} open",
)
PROVIDES = (
    "PVC/GPU",
    "Kubernetes clusters",
    "Identity & SSO",
    "Policy",
    "Metrics pipeline",
    "CI runners",
    "Object storage",
    "DNS",
    "Secrets",
    "Network fabric",
    "Data lake access",
    "Hardware",
)
FIRST_NAMES = (
    "Ada", "Ben", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas",
    "Kai", "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq",
    "Uma", "Victor", "Wen", "Xavier", "Yara", "Zoe", "Aisha", "Bruno", "Carmen", "Diego",
)  # fmt: skip
LAST_NAMES = (
    "Moreno", "Okafor", "Schmidt", "Tanaka", "Kowalski", "Haddad", "Nguyen", "Silva",
    "Novak", "Fischer", "Rossi", "Ivanova", "Larsen", "Mensah", "Chen", "Dubois",
    "Garcia", "Patel", "Yilmaz", "Andersson", "Kim", "Costa", "Petrov", "Murphy",
)  # fmt: skip
TIMEZONES = (
    "Europe/Berlin",
    "Europe/Lisbon",
    "America/New_York",
    "America/Sao_Paulo",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "UTC",
)
# (id, name, weight among individual contributors); leads get the management roles.
IC_ROLES = (
    ("engineer", "Infrastructure Engineer", 40),
    ("senior-engineer", "Senior Infrastructure Engineer", 25),
    ("staff-engineer", "Staff Engineer", 6),
    ("sre", "Site Reliability Engineer", 12),
    ("security-engineer", "Security Engineer", 5),
    ("data-engineer", "Data Engineer", 6),
    ("network-engineer", "Network Engineer", 4),
    ("technician", "Datacenter Technician", 2),
)
LEAD_ROLES = (
    ("director", "Director"),
    ("engineering-manager", "Engineering Manager"),
    ("tech-lead", "Tech Lead"),
)
CATALOG_NOUNS = (
    ("Kafka", "service", ("kafka", "streaming")),
    ("Cluster", "resource", ("kubernetes",)),
    ("API", "service", ("api",)),
    ("Portal", "website", ("portal",)),
    ("SDK", "library", ("sdk",)),
    ("Platform", "system", ("platform",)),
    ("Onboarding", "offering", ("self-service",)),
    ("Bucket", "resource", ("storage",)),
    ("Database", "resource", ("database",)),
    ("Pipeline", "service", ("ci",)),
)
LIFECYCLES = ("production", "production", "production", "experimental", "deprecated")
