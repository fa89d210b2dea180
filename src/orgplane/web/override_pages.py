"""Overriding who is on call from the web: a rotation's runtime overrides, a form to add
one and a form to cancel one.

Imports ``api`` (dependencies), ``services`` (tokens, overrides, on-call), ``oncall``,
``store`` and ``web`` (templates, forms); no SQL here. The web UI has no sign-in, so each
form carries an editor's API token, typed in (``orgplane token create --role editor``):
it is checked like the API's ``Authorization`` header, and the audit log keeps it as the
actor, as it does for ``POST /api/orgs/{org}/rotations/{id}/overrides``. Times are
written in the rotation's local time, as its week view shows them; a time that falls in
a DST gap moves to the first valid instant, one in a fold takes its first occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from orgplane.api.deps import AppContext, ContextDep, ReaderDep, SessionDep
from orgplane.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    OrgplaneError,
    PermissionDeniedError,
)
from orgplane.model import Rotation
from orgplane.oncall.zones import to_utc, zone_named
from orgplane.services import oncall as oncall_service
from orgplane.services import overrides as override_service
from orgplane.services.tokens import verify_token
from orgplane.store import orgs, people
from orgplane.store.overrides import OverrideView
from orgplane.web.forms import from_another_site, read_form
from orgplane.web.pages import templates

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

#: How far ahead the page lists overrides.
AHEAD = timedelta(days=90)
_LOCAL = "%Y-%m-%dT%H:%M"


@dataclass(frozen=True, slots=True)
class Shown:
    """One override as the page lists it, in the rotation's local time."""

    id: int
    person: str
    start: datetime
    end: datetime
    note: str
    created_by: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the last form did (``done``) or why it did nothing (``refused``)."""

    kind: str
    text: str


def _rotation(session: Session, org: str, rotation_id: str) -> tuple[orgs.OrgView, Rotation]:
    found = orgs.get_org(session, org)
    if found is None:
        raise NotFoundError(f"no org {org!r}")
    book = oncall_service.oncall_book(session=session, org=found.code)
    return found, book.rotation(rotation_id)


def _page(
    request: Request,
    session: Session,
    context: AppContext,
    org: str,
    rotation_id: str,
    *,
    outcome: Outcome | None = None,
    given: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    found, rotation = _rotation(session, org, rotation_id)
    zone = zone_named(rotation.timezone)
    now = context.clock()
    listed = override_service.list_overrides(
        session=session,
        org_code=found.code,
        rotation_id=rotation.id,
        start=now,
        end=now + AHEAD,
    )
    everyone = people.page_people(session, found.code, after=None, limit=10_000)
    names = {person.id: person.name for person in everyone}
    session.rollback()
    shown = [_shown(item, zone, names) for item in listed]
    local_now = now.astimezone(zone).replace(second=0, microsecond=0, tzinfo=None)
    defaults = {
        "start": local_now.strftime(_LOCAL),
        "end": (local_now + timedelta(hours=12)).strftime(_LOCAL),
    }
    context_vars: dict[str, Any] = {
        "org": found,
        "orgs": orgs.list_orgs(session),
        "page": "oncall",
        "rotation": rotation,
        "people": everyone,
        "overrides": shown,
        "outcome": outcome,
        "given": {**defaults, **(given or {}), "token": ""},
        "ahead_days": AHEAD.days,
    }
    return templates.TemplateResponse(
        request,
        "oncall_overrides.html",
        context_vars,
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


def _shown(item: OverrideView, zone: ZoneInfo, names: dict[str, str]) -> Shown:
    return Shown(
        item.id,
        names.get(item.person_id, item.person_id),
        item.start_at.astimezone(zone),
        item.end_at.astimezone(zone),
        item.note,
        item.created_by,
    )


@router.get("/orgs/{org}/oncall/{rotation}/overrides")
def overrides_page(
    request: Request,
    session: SessionDep,
    context: ContextDep,
    _caller: ReaderDep,
    org: str,
    rotation: str,
) -> Response:
    """The rotation's overrides from now on, and the forms to add or cancel one."""
    return _page(request, session, context, org, rotation)


def _local_instant(text: str, zone: ZoneInfo, field: str) -> datetime:
    try:
        local = datetime.strptime(text.strip(), _LOCAL)
    except ValueError:
        raise OrgplaneError(f"{field}: write a date and time, like 2026-12-07T09:00") from None
    return to_utc(local, zone)


def _submit(
    request: Request,
    session: Session,
    context: AppContext,
    org: str,
    rotation_id: str,
    form: dict[str, str],
) -> Response:
    found, rotation = _rotation(session, org, rotation_id)
    session.rollback()
    action = form.get("action", "")
    kept = {key: form.get(key, "") for key in ("person", "start", "end", "note")}
    now = context.clock()
    try:
        typed = form.get("token", "").strip()
        if not typed:
            raise AuthenticationError(
                "paste an editor's API token (orgplane token create --role editor)"
            )
        token = verify_token(session=session, token=typed, role="editor")
        actor = f"token:{token.id}"
        if action == "add":
            zone = zone_named(rotation.timezone)
            made = override_service.add_override(
                session=session,
                org_code=found.code,
                rotation_id=rotation.id,
                person=kept["person"],
                start=_local_instant(kept["start"], zone, "from"),
                end=_local_instant(kept["end"], zone, "until"),
                note=kept["note"],
                actor=actor,
                now=now,
            )
            week = made.start_at.astimezone(zone).date().isoformat()
            target = f"/orgs/{found.code}/oncall/{rotation.id}?week={week}"
            return RedirectResponse(target, status_code=303)
        if action == "cancel":
            try:
                override_id = int(form.get("override", ""))
            except ValueError:
                raise OrgplaneError("choose the override to cancel") from None
            cancelled = override_service.cancel_override(
                session=session, org_code=found.code, override_id=override_id, actor=actor, now=now
            )
            outcome = Outcome("done", f"Override {cancelled.id} ({cancelled.person_id}) cancelled.")
            return _page(request, session, context, org, rotation_id, outcome=outcome)
        raise OrgplaneError("the form asked for nothing this page does")
    except OrgplaneError as exc:
        refused = Outcome("refused", str(exc))
        return _page(
            request,
            session,
            context,
            org,
            rotation_id,
            outcome=refused,
            given=kept,
            status=_status(exc),
        )


def _status(exc: OrgplaneError) -> int:
    if isinstance(exc, AuthenticationError):
        return 401
    if isinstance(exc, PermissionDeniedError):
        return 403
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, ConflictError):
        return 409
    return 422


@router.post("/orgs/{org}/oncall/{rotation}/overrides")
async def overrides_submit(
    request: Request, session: SessionDep, context: ContextDep, org: str, rotation: str
) -> Response:
    """Add (``action=add``: person, start, end, note) or cancel (``action=cancel``:
    override) an override, with an editor's API token in ``token``."""
    if from_another_site(request, context.settings.public_url):
        return await run_in_threadpool(
            _page,
            request,
            session,
            context,
            org,
            rotation,
            outcome=Outcome("refused", "this form was sent from another site: nothing done"),
            status=403,
        )
    form = await read_form(request)
    if form is None:
        form = {}
    return await run_in_threadpool(_submit, request, session, context, org, rotation, form)
