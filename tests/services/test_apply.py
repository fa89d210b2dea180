"""``apply_spec``: sync an org's snapshot in one transaction and report exactly what changed."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from orgplane.errors import SpecError
from orgplane.model import CatalogEntry, Org, OrgIndex, Person, Role
from orgplane.services import apply_spec
from orgplane.services.apply import APPLY_ACTION
from orgplane.services.changes import Counts, GroupMove, GroupRename, LeadChange, OwnerChange
from orgplane.store import audit, catalog, create_engine, groups, orgs, people
from orgplane.store.applies import list_applies
from orgplane.store.tables import AuditRow, GroupRow, KpiRow, MembershipRow, OrgRow, PersonRow
from tests.services.specs import (
    LEAD_CHANGED,
    MOVED,
    RENAMED,
    applicable_cipo,
    errors_of,
    example,
    findings_of,
    reorganize,
)
from tests.store.helpers import count, counting_writes, dump


def _apply(session: Session, org: Org, **kwargs: Any) -> Any:
    return apply_spec(session=session, org=org, findings=findings_of(org), actor="test", **kwargs)


def test_first_apply_stores_the_whole_org(engine: Engine, session: Session) -> None:
    org = applicable_cipo()
    result = _apply(session, org)
    report = result.report
    paths = list(OrgIndex(org).groups)
    assert report.created
    assert report.groups_added == paths
    assert report.people == Counts(added=2)
    assert result.apply_id is not None
    assert count(session, GroupRow) == len(paths) == 104
    assert count(session, OrgRow) == 1
    stored_org = orgs.get_org(session, "CIPO")
    assert stored_org is not None
    assert stored_org.name == org.name
    assert stored_org.policies["authorities"][0]["group"] == "1B"
    assert [o.code for o in orgs.list_orgs(session)] == ["CIPO"]
    stored = groups.get_group(session, "CIPO", "1D/D-1")
    assert stored is not None
    assert stored.summary.name == "Data Platform"
    assert [kpi.text for kpi in stored.kpis] == [
        "NameNode Uptime ≥ 99.9%",
        "Job Fail < 1%",
        "ISR ≤ 1",
    ]
    assert [d.target_path for d in stored.dependencies][:2] == ["1B", "1E"]
    entries = audit.list_audit(session)
    assert [(e.action, e.target, e.actor) for e in entries] == [(APPLY_ACTION, "org:CIPO", "test")]
    assert entries[0].before is None
    assert entries[0].after is not None
    assert entries[0].after["groups"] == 104
    assert entries[0].after["changes"]["created"] is True


def test_no_change_reapply_reports_and_writes_nothing(engine: Engine, session: Session) -> None:
    org = applicable_cipo()
    _apply(session, org)
    before = dump(engine)
    with counting_writes(engine) as writes:
        result = _apply(session, applicable_cipo())  # loaded again: equal, not the same objects
    assert result.report.is_empty
    assert result.apply_id is None
    assert writes == []
    assert dump(engine) == before
    assert count(session, AuditRow) == 1
    assert len(list_applies(session, "CIPO")) == 1


def test_a_reorganization_reports_exactly_its_changes(engine: Engine, session: Session) -> None:
    org = applicable_cipo()
    _apply(session, org)
    moved_kpis = [
        row.text
        for row in session.scalars(
            select(KpiRow).where(KpiRow.group_path == MOVED[1]).order_by(KpiRow.position)
        )
    ]
    ids_before = dict(session.execute(select(GroupRow.path, GroupRow.id)).all())
    session.rollback()

    result = _apply(session, reorganize(org))
    report = result.report
    assert not report.created
    assert report.groups_moved == [GroupMove(*MOVED, carried=2)]
    assert report.groups_renamed == [GroupRename(RENAMED[0], "CI/CD Platform", RENAMED[1])]
    assert report.groups_removed == ["1A/A-3", "1A/A-3/U-D1", "1A/A-3/U-D2", "1A/A-3/U-D3"]
    assert report.leads_changed == [LeadChange(*LEAD_CHANGED)]
    assert report.groups_added == []
    assert report.groups_changed == []
    assert report.groups_reordered == []
    assert report.org_fields == []
    assert (report.people, report.roles, report.catalog) == (Counts(), Counts(), Counts())
    assert report.findings is None

    # The database now holds the new tree; the moved squad kept its rows and children.
    paths = {path for (path,) in session.execute(select(GroupRow.path))}
    assert paths == set(OrgIndex(reorganize(org)).groups)
    ids_after = dict(session.execute(select(GroupRow.path, GroupRow.id)).all())
    assert ids_after["1B/A-1"] == ids_before["1A/A-1"]
    assert ids_after["1B/A-1/U-V1"] == ids_before["1A/A-1/U-V1"]
    new_kpis = [
        row.text
        for row in session.scalars(
            select(KpiRow).where(KpiRow.group_path == MOVED[2]).order_by(KpiRow.position)
        )
    ]
    assert new_kpis == moved_kpis != []
    assert [g.code for g in groups.child_groups(session, "CIPO", "1B")][-1] == "A-1"
    lead = [
        (row.group_path, row.person_id)
        for row in session.scalars(select(MembershipRow).where(MembershipRow.relation == "lead"))
    ]
    assert lead == [("1B/B-2", "ben")]
    orphans = session.scalars(
        select(KpiRow.group_path).where(KpiRow.group_path.not_in(select(GroupRow.path)))
    ).all()
    assert orphans == []
    entries = audit.list_audit(session)
    assert len(entries) == 2
    assert entries[0].before is not None
    assert entries[0].before["groups"] == 104
    assert entries[0].after is not None
    assert entries[0].after["groups"] == 104 - 4


def test_applying_the_original_again_reverses_the_report(session: Session) -> None:
    org = applicable_cipo()
    _apply(session, org)
    _apply(session, reorganize(org))
    report = _apply(session, org).report
    assert report.groups_moved == [GroupMove("A-1", MOVED[2], MOVED[1], carried=2)]
    assert report.groups_added == ["1A/A-3", "1A/A-3/U-D1", "1A/A-3/U-D2", "1A/A-3/U-D3"]
    assert report.groups_renamed == [GroupRename(RENAMED[0], RENAMED[1], "CI/CD Platform")]
    assert report.leads_changed == [LeadChange(LEAD_CHANGED[0], ["ben"], ["ana"])]
    assert _apply(session, org).report.is_empty


def test_a_spec_with_errors_is_refused_and_nothing_is_written(engine: Engine) -> None:
    org = example("cipo")  # its documents break its own forbidden-interface policy
    errors = errors_of(org)
    assert {f.code for f in errors} == {"OP104"}
    empty = dump(engine)
    with Session(engine) as session, pytest.raises(SpecError) as info:
        apply_spec(session=session, org=org, findings=findings_of(org), actor="test")
    assert len(info.value.diagnostics) == len(errors)
    assert "1d.yaml" in str(info.value)
    assert dump(engine) == empty

    with Session(engine) as session:
        _apply(session, applicable_cipo())
    applied = dump(engine)
    broken = reorganize(applicable_cipo())
    broken.policies = example("cipo").policies
    with Session(engine) as session, pytest.raises(SpecError):
        apply_spec(session=session, org=broken, findings=findings_of(broken), actor="test")
    assert dump(engine) == applied


def test_a_failure_half_way_rolls_everything_back(
    engine: Engine, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = applicable_cipo()
    _apply(session, org)
    before = dump(engine)

    def broken_write(*args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(people, "write_people", broken_write)
    with pytest.raises(RuntimeError, match="disk full"):
        _apply(session, reorganize(org))  # groups are written before people fail
    assert dump(engine) == before


def test_dry_run_reports_and_writes_nothing(engine: Engine, session: Session) -> None:
    org = applicable_cipo()
    _apply(session, org)
    before = dump(engine)
    result = _apply(session, reorganize(org), dry_run=True)
    assert result.dry_run
    assert result.apply_id is None
    assert result.report.groups_moved == [GroupMove(*MOVED, carried=2)]
    assert dump(engine) == before


def test_people_roles_catalog_and_owners(session: Session) -> None:
    org = applicable_cipo()
    org.people.append(Person(id="cyd", name="Cyd Moreau"))
    org.roles.append(Role(id="sre", name="Site Reliability Engineer"))
    org.catalog.extend(
        [
            CatalogEntry(id="kafka", name="Kafka", owner="1D/D-1"),
            CatalogEntry(id="hdfs", name="HDFS", owner="D-1"),
        ]
    )
    _apply(session, org)
    changed = org.model_copy(deep=True)
    changed.people[0].name = "Ana Lima-Souza"
    changed.people.pop()  # cyd
    changed.roles[0].description = "Keeps production up."
    changed.catalog[0].owner = "1B/B-2"
    changed.catalog.pop()  # hdfs
    changed.catalog.append(CatalogEntry(id="ceph", name="Ceph", owner="B-2"))
    report = _apply(session, changed).report
    assert report.people == Counts(added=0, removed=1, changed=1)
    assert report.roles == Counts(changed=1)
    assert report.catalog == Counts(added=1, removed=1, changed=1)
    assert report.owners_changed == [OwnerChange("kafka", "Kafka", "1D/D-1", "1B/B-2")]
    assert report.groups_added == report.groups_removed == report.groups_changed == []
    stored = people.get_person(session, "CIPO", "ana")
    assert stored is not None
    assert stored.name == "Ana Lima-Souza"
    assert count(session, PersonRow) == 2
    owned = catalog.catalog_of_group(session, "CIPO", "1B/B-2")
    assert [entry.id for entry in owned] == ["ceph", "kafka"]  # by name
    assert catalog.catalog_of_group(session, "CIPO", "1D/D-1") == []


def test_two_orgs_live_side_by_side(session: Session) -> None:
    _apply(session, applicable_cipo())
    _apply(session, example("data-infra"))
    assert _apply(session, applicable_cipo()).report.is_empty
    codes = session.scalars(select(OrgRow.code).order_by(OrgRow.code)).all()
    assert codes == ["CIPO", example("data-infra").code]


def test_two_processes_applying_at_once_take_turns(db_url: str) -> None:
    """Two engines (as two server processes would have) apply different versions of one
    org at the same moment: both succeed, one after the other, and the history shows
    the second apply's report against what the first one wrote."""
    base = applicable_cipo()
    reorganized = reorganize(base)
    engines = [create_engine(db_url), create_engine(db_url)]
    results: list[Any] = []
    failures: list[BaseException] = []
    start = threading.Barrier(2)

    def run(engine: Engine, org: Org) -> None:
        try:
            start.wait()
            with Session(engine) as session:
                results.append(_apply(session, org))
        except BaseException as exc:
            failures.append(exc)

    threads = [
        threading.Thread(target=run, args=(engines[0], base)),
        threading.Thread(target=run, args=(engines[1], reorganized)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        assert failures == []
        assert len(results) == 2
        first, second = sorted(results, key=lambda r: r.apply_id)
        assert first.report.created
        assert not second.report.created
        moves = second.report.groups_moved
        assert moves in ([GroupMove(*MOVED, carried=2)], [GroupMove("A-1", MOVED[2], MOVED[1], 2)])
        with Session(engines[0]) as session:
            assert len(list_applies(session, "CIPO")) == 2
            final = reorganized if second.report.groups_moved[0].new_path == MOVED[2] else base
            paths = {path for (path,) in session.execute(select(GroupRow.path))}
            assert paths == set(OrgIndex(final).groups)
    finally:
        for engine in engines:
            engine.dispose()
