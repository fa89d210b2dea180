"""Markdown export: the documents' own top tree, breakdown tables and box-drawing trees."""

from __future__ import annotations

from orgplane.exporters import export
from orgplane.model import Group, Kpi, Org

EXPECTED_SMALL = """\
# **Chief Infrastructure Officer**

The infrastructure organization of ACME.

```
Chief Infrastructure Officer  (ACME)
│
├─ 1A  Facilities & Physical Infra
└─ 1B  Core Cloud Infra
```

## **1A – Facilities & Physical Infra**

Squads that buy, store and install the hardware.

> **Note:** Facilities never touches kernels.

## 📌 Organizational Breakdown

| Squad | Internal Units (Sub-Teams) | Responsibilities | KPIs / Objectives |
|-------|----------------------------|------------------|-------------------|
| **A-1 Procurement & Vendor Ops** | U-V1 Vendor Relations <br> U-RE1 Vendor Release Desk | RFP/RFQ Processes <br> SLA Negotiation | Cost Savings ≥ 8% <br> Lead Time ≤ 90 days |
| **A-2 Warehouse \\| Inventory** |  | Barcode + RFID Tracking | 100% Inventory Accuracy |

## **1A – Facilities & Physical Infra Tree**

```
1A Facilities & Physical Infra
│
├─ A-1 Procurement & Vendor Ops
│   ├─ U-V1 Vendor Relations
│   ├─ U-RE1 Vendor Release Desk
│   ├─ Responsibilities:
│   │   ├─ RFP/RFQ Processes
│   │   └─ SLA Negotiation
│   └─ KPIs:
│       ├─ Cost Savings ≥ 8%
│       └─ Lead Time ≤ 90 days
│
└─ A-2 Warehouse | Inventory
    ├─ Responsibilities:
    │   └─ Barcode + RFID Tracking
    └─ KPIs:
        └─ 100% Inventory Accuracy
```

## **1B – Core Cloud Infra**

> **Boundary:** 1B is the sole authority for kernel versions.

## 📌 Organizational Breakdown

| Squad | Internal Units (Sub-Teams) | Responsibilities | Key Stack & Tools | KPIs / Objectives | Critical Dependencies |
|-------|----------------------------|------------------|-------------------|-------------------|-----------------------|
| **B-1 Compute Platform** | U-C1 Cluster-API <br> U-C1/U-C1a Upgrades <br> U-RE1 Kernel Release Desk | Kubernetes v1.30 | Kubernetes v1.30 <br> CRI-O | API Uptime ≥ 99.95% | Racks/Power from 1A <br> Spare parts with A-2 <br> Vendor contracts to 1A/A-1 <br> 1A/A-2 <br> U-RE1 <br> 1Z |

## **1B – Core Cloud Infra Tree**

```
1B Core Cloud Infra
│
└─ B-1 Compute Platform
    ├─ U-C1 Cluster-API
    │   └─ U-C1a Upgrades
    │       └─ Responsibilities:
    │           └─ In-place upgrades
    ├─ U-RE1 Kernel Release Desk
    ├─ Responsibilities:
    │   └─ Kubernetes v1.30
    └─ KPIs:
        └─ API Uptime ≥ 99.95%
```
"""


def test_small_org_renders_in_the_documents_shape(small_org: Org) -> None:
    assert export(small_org, "markdown") == EXPECTED_SMALL


def _org(*groups: Group) -> Org:
    return Org(code="CIPO", name="Chief Infrastructure & Platform Officer", groups=list(groups))


def test_department_without_squads_has_a_tree_but_no_table() -> None:
    text = export(_org(Group(code="1G", name="FinOps", kpis=[Kpi(text="Waste < 5%")])), "markdown")
    assert "Organizational Breakdown" not in text
    assert "```\n1G FinOps\n│\n└─ KPIs:\n    └─ Waste < 5%\n```" in text


def test_multi_line_text_stays_on_one_line_in_cells_and_trees() -> None:
    squad = Group(code="A-1", name="Ops", responsibilities=["first line\nsecond line"])
    text = export(_org(Group(code="1A", name="Facilities", groups=[squad])), "markdown")
    assert "| **A-1 Ops** |  | first line second line |  |" in text
    assert "└─ A-1 Ops\n    └─ Responsibilities:\n        └─ first line second line\n" in text


def test_backticks_in_names_cannot_close_the_code_block() -> None:
    text = export(_org(Group(code="1A", name="The ``` team")), "markdown")
    assert "````\n1A The ``` team\n````" in text


def test_multi_line_notes_stay_inside_the_blockquote() -> None:
    department = Group(code="1F", name="SRE", notes=["Does not interface\nwith 1D."])
    text = export(_org(department), "markdown")
    assert "> **Note:** Does not interface\n> with 1D." in text


def test_backslash_before_a_pipe_keeps_the_pipe_escaped() -> None:
    squad = Group(code="A-1", name="Ops", responsibilities=["C:\\|D"])
    text = export(_org(Group(code="1A", name="Facilities", groups=[squad])), "markdown")
    assert "| C:\\\\\\|D |" in text
