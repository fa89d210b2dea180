"""Every org at a glance: what the front door (``/``) shows of each org in the database.

Imports ``services.scorecard``, ``services.oncall``, ``kpis``, ``oncall``, ``rules`` and
``store``. Reads only. Per org: its KPIs scored now and rolled up, its open findings by
severity, how many people, groups and catalog entries it has, who is on call now for
its rotations (the first few), and how many pages are open (triggered or acknowledged).
``at`` is the moment asked about (the clock seam).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from orgplane.errors import OrgplaneError
from orgplane.kpis.rollup import Rollup
from orgplane.oncall.build import Holder
from orgplane.rules import Severity
from orgplane.services import oncall as oncall_service
from orgplane.services.scorecard import score_org
from orgplane.store import catalog, findings, group_queries, orgs, pages, people

__all__ = ["OnCallNow", "OrgOverview", "org_overviews"]

#: Rotations the front door names per org; the org's on-call page has them all.
ROTATIONS_SHOWN = 3
#: Open pages counted exactly; past this the front door says "N+".
PAGES_COUNTED = 100
_OPEN = ["triggered", "acknowledged"]


@dataclass(frozen=True, slots=True)
class OnCallNow:
    """Who holds a rotation's primary now (``None``: nobody)."""

    rotation_id: str
    rotation: str
    primary: str | None


@dataclass(frozen=True, slots=True)
class OrgOverview:
    code: str
    name: str
    description: str
    rollup: Rollup
    demo: bool
    findings: dict[Severity, int]
    people: int
    groups: int
    catalog: int
    rotations: int
    on_call: list[OnCallNow] = field(default_factory=list)
    open_pages: int = 0

    @property
    def findings_total(self) -> int:
        return sum(self.findings.values())


def _on_call(session: Session, org: str, at: datetime) -> tuple[int, list[OnCallNow]]:
    book = oncall_service.oncall_book(session=session, org=org)
    rotations = sorted(book.rotations, key=lambda r: r.name.lower())
    if not rotations:
        return 0, []
    extra = oncall_service.runtime_overrides(session=session, org=org, start=at, end=at)
    holders: list[tuple[str, str, Holder | None]] = []
    for rotation in rotations[:ROTATIONS_SHOWN]:
        try:
            answer = book.now(rotation, at=at, extra=extra)
        except OrgplaneError:  # a rotation the spec left unanswerable: say nobody
            holders.append((rotation.id, rotation.name, None))
            continue
        holder = answer.primary.holder if answer.primary is not None else None
        holders.append((rotation.id, rotation.name, holder))
    named = people.people_by_id(
        session, org, (p for _, _, h in holders if h is not None for p in h.people)
    )

    def who(holder: Holder) -> str:
        names = ", ".join(named[p].name if p in named else p for p in holder.people)
        if holder.kind == "role":
            return f"{holder.name} ({names or 'nobody holds it'})"
        return names or holder.name

    shown = [
        OnCallNow(rid, name, who(holder) if holder is not None else None)
        for rid, name, holder in holders
    ]
    return len(rotations), shown


def org_overviews(session: Session, *, at: datetime) -> list[OrgOverview]:
    """Every org of the database, by code, as the front door shows it."""
    out = []
    for org in orgs.list_orgs(session):
        card = score_org(session, org.code, at)
        severities = Counter(f.severity for f in findings.list_findings(session, org.code))
        rotations, on_call = _on_call(session, org.code, at)
        open_pages = len(pages.list_pages(session, org.code, status=_OPEN, limit=PAGES_COUNTED))
        out.append(
            OrgOverview(
                code=org.code,
                name=org.name,
                description=org.description,
                rollup=card.rollup,
                demo=card.demo,
                findings={s: severities[s] for s in Severity},
                people=people.count_people(session, org.code),
                groups=group_queries.count_groups(session, org.code),
                catalog=sum(catalog.count_by_owner(session, org.code).values()),
                rotations=rotations,
                on_call=on_call,
                open_pages=open_pages,
            )
        )
    return out
