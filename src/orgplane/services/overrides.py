"""Runtime overrides of on-call rotations: set one, cancel one, list them.

Imports ``store``, ``oncall`` and ``errors``. An override set here wins over the spec's
layers and overrides for its time (a later one over an earlier one), everywhere a
schedule is computed: ``oncall now``, the schedule, the feeds and the escalation
engine (``services.oncall.runtime_overrides`` reads them for all of those).
Setting and cancelling are audited.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from orgplane.errors import NotFoundError, UsageError
from orgplane.store import audit, begin_write, overrides
from orgplane.store.org_model import org_model
from orgplane.store.overrides import OverrideView

__all__ = [
    "OverrideView",
    "add_override",
    "cancel_override",
    "list_overrides",
]

#: An override longer than this is a rotation change: write it in the spec.
LONGEST = timedelta(days=366)


def add_override(
    *,
    session: Session,
    org_code: str,
    rotation_id: str,
    person: str,
    start: datetime,
    end: datetime,
    note: str = "",
    actor: str,
    now: datetime,
) -> OverrideView:
    """Put ``person`` on call for ``rotation_id`` from ``start`` until ``end``."""
    if start.tzinfo is None or end.tzinfo is None:
        raise UsageError("an override's start and end need a time zone offset (or Z)")
    if end <= start:
        raise UsageError(
            f"the override ends ({end.isoformat()}) before it starts ({start.isoformat()})"
        )
    if end - start > LONGEST:
        raise UsageError("an override may last a year at most; change the rotation instead")
    if end <= now:
        raise UsageError(f"the override ended already ({end.isoformat()})")
    try:
        begin_write(session)
        org = org_model(session, org_code)
        if org is None:
            raise NotFoundError(f"no org {org_code!r} in the database (apply its spec first)")
        rotations = {rotation.id for rotation in org.oncall}
        if rotation_id not in rotations:
            known = ", ".join(sorted(rotations)) or "none"
            raise NotFoundError(f"no rotation {rotation_id!r} in {org_code} (rotations: {known})")
        if person not in {someone.id for someone in org.people}:
            raise NotFoundError(f"no person {person!r} in {org_code}: name them by their id")
        made = overrides.insert_override(
            session,
            org_code=org_code,
            rotation_id=rotation_id,
            person_id=person,
            start_at=start,
            end_at=end,
            note=note,
            created_at=now,
            created_by=actor,
        )
        audit.append_audit(
            session,
            at=now,
            actor=actor,
            action="oncall.override",
            target=f"rotation:{org_code}/{rotation_id}",
            after=made.to_json(),
        )
        session.commit()
        return made
    except BaseException:
        session.rollback()
        raise


def cancel_override(
    *, session: Session, org_code: str, override_id: int, actor: str, now: datetime
) -> OverrideView:
    try:
        begin_write(session)
        found = overrides.get_override(session, override_id)
        if found is None or found.org_code != org_code:
            raise NotFoundError(f"no override {override_id} in {org_code}")
        if found.cancelled_at is not None:
            raise UsageError(
                f"override {override_id} was cancelled already, by {found.cancelled_by}"
            )
        cancelled = overrides.cancel_override(session, override_id, at=now, by=actor)
        assert cancelled is not None
        audit.append_audit(
            session,
            at=now,
            actor=actor,
            action="oncall.override.cancel",
            target=f"rotation:{org_code}/{found.rotation_id}",
            before=found.to_json(),
            after=cancelled.to_json(),
        )
        session.commit()
        return cancelled
    except BaseException:
        session.rollback()
        raise


def list_overrides(
    *,
    session: Session,
    org_code: str,
    rotation_id: str | None = None,
    start: datetime,
    end: datetime,
) -> list[OverrideView]:
    """Overrides in force at some time of [start, end), oldest first."""
    try:
        return overrides.active_overrides(
            session, org_code, rotation_id=rotation_id, start=start, end=end
        )
    finally:
        session.rollback()
