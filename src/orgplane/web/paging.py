"""The paging pages: an org's pages, one page with its ladder and timeline, and the
target of a notification's one-click acknowledgement link.

Imports ``api`` (dependencies), ``services.pages``, ``services.workers`` (the secret
the links are signed with), ``oncall.escalation``, ``store`` and ``web.pages``
(templates); no SQL here.

Reading is open like every other page. The one write in the web UI is the signed link,
and its token is the credential. ``GET /pages/{id}/ack?token=…`` changes nothing — mail
scanners fetch the links of a message before anyone clicks — and shows a form;
``POST /pages/{id}/ack`` acknowledges or resolves as the person the token was signed
for, through the same service (timeline, audit log) as the CLI and the API. No cookie
exists for a forged cross-site request to ride on, and the token travels in the form,
so it does what a CSRF token would; a POST that the browser says came from another site
(``Sec-Fetch-Site``, ``Origin``) is refused all the same. The pages of a link are never
cached (``Cache-Control: no-store``): they carry its token.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from orgplane.api.deps import AppContext, ContextDep, ReaderDep, SessionDep
from orgplane.errors import ConflictError, NotFoundError, SignedLinkError
from orgplane.oncall.escalation import Ladder
from orgplane.services import pages as page_service
from orgplane.services.workers import engine_secret
from orgplane.store import orgs, people
from orgplane.store import pages as page_store
from orgplane.store.pages import PageView
from orgplane.web.forms import from_another_site, read_form
from orgplane.web.pages import templates

__all__ = ["OpenPages", "open_pages", "router"]

router = APIRouter(include_in_schema=False)

#: Pages per page of the list.
PAGE_SIZE = 50
#: Pages the on-call page's "Open pages" card lists.
CARD_SIZE = 10
#: The list's filters and the states each shows ("open": not resolved, as the CLI's --open).
FILTERS: dict[str, tuple[str, ...]] = {
    "": (),
    "open": ("triggered", "acknowledged"),
    "triggered": ("triggered",),
    "acknowledged": ("acknowledged",),
    "resolved": ("resolved",),
}
StatusFilter = Literal["", "open", "triggered", "acknowledged", "resolved"]
#: A page's id in a path: the id, or (on read pages) its first six or more characters.
PageIdPath = Annotated[str, Path(min_length=1, max_length=64)]
_NO_STORE = {"Cache-Control": "no-store"}


def _render(request: Request, name: str, code: int = 200, **context: Any) -> Response:
    headers = _NO_STORE if name in ("paging_ack.html", "paging_refused.html") else None
    return templates.TemplateResponse(request, name, context, status_code=code, headers=headers)


def _org(session: Session, code: str) -> orgs.OrgView:
    found = orgs.get_org(session, code)
    if found is None:
        raise NotFoundError(f"no org {code!r}")
    return found


def _names(session: Session, org: str, ids: list[str | None]) -> dict[str, str]:
    """People's names by id, for those of ``ids`` that are people of ``org`` (actors like
    ``cli:ana`` or ``token:3`` keep their own text)."""
    found = people.people_by_id(session, org, (i for i in ids if i))
    return {person_id: view.name for person_id, view in found.items()}


def since(start: datetime, at: datetime) -> str:
    """How long after ``start`` ``at`` is, as a timeline says it: "+15 min", "+2 h 05 min"."""
    minutes = max(0, int((at - start).total_seconds() // 60))
    if minutes < 60:
        return f"+{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"+{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"+{days} d {hours} h"


def clock_time(at: datetime, now: datetime) -> str:
    """An instant as an outcome says it: "10:04 UTC", with the date when not today."""
    if at.date() == now.date():
        return f"{at:%H:%M} UTC"
    return f"{at:%Y-%m-%d %H:%M} UTC"


# -- the list, and the on-call page's card -----------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenPages:
    """The pages of an org not resolved yet, newest first, as the on-call page's card
    lists them; ``more`` when there are more than it shows."""

    items: list[PageView]
    more: bool
    names: dict[str, str]


def open_pages(session: Session, org: str) -> OpenPages:
    found = page_service.list_org_pages(
        session=session, org_code=org, status=list(FILTERS["open"]), limit=CARD_SIZE + 1
    )
    shown = found[:CARD_SIZE]
    names = _names(session, org, [p.acknowledged_by for p in shown])
    return OpenPages(shown, len(found) > CARD_SIZE, names)


@router.get("/orgs/{org}/pages")
def pages_list(
    request: Request,
    session: SessionDep,
    context: ContextDep,
    _caller: ReaderDep,
    org: str,
    status: Annotated[StatusFilter, Query(description="Only pages in this state.")] = "",
    after: Annotated[str, Query(max_length=1024)] = "",
) -> Response:
    """The org's pages, newest first, a state at a time."""
    view = _org(session, org)
    scope = f"web-pages:{view.code}:{status}"
    key = context.cursor.decode_key(scope, after or None, str, str)
    before = (datetime.fromisoformat(key[0]), key[1]) if key is not None else None
    found = page_service.list_org_pages(
        session=session,
        org_code=view.code,
        status=list(FILTERS[status]),
        limit=PAGE_SIZE + 1,
        before=before,
    )
    next_url = None
    if len(found) > PAGE_SIZE:
        found = found[:PAGE_SIZE]
        cursor = context.cursor.encode(scope, [found[-1].opened_at.isoformat(), found[-1].id])
        next_url = f"/orgs/{view.code}/pages?{urlencode({'status': status, 'after': cursor})}"
    ids = [i for p in found for i in (p.acknowledged_by, p.resolved_by)]
    return _render(
        request,
        "paging_list.html",
        org=view,
        orgs=orgs.list_orgs(session),
        page="pages",
        items=found,
        names=_names(session, view.code, ids),
        status=status,
        filters=[("", "All"), *((f, f.capitalize()) for f in FILTERS if f)],
        next_url=next_url,
    )


# -- one page ------------------------------------------------------------------------------


@router.get("/orgs/{org}/pages/{page_id}")
def page_view(
    request: Request,
    session: SessionDep,
    _caller: ReaderDep,
    org: str,
    page_id: PageIdPath,
) -> Response:
    """One page: where it stands, its ladder, its timeline and its notifications."""
    view = _org(session, org)
    detail = page_service.get_page_detail(session=session, page_id=page_id)
    item = detail.page
    if item.org_code != view.code:
        raise NotFoundError(f"no page {page_id!r} in {view.code}")
    ids = [item.opened_by, item.acknowledged_by, item.resolved_by]
    ids += [e.actor for e in detail.events] + [n.person_id for n in detail.notifications]
    return _render(
        request,
        "paging_page.html",
        org=view,
        orgs=orgs.list_orgs(session),
        page="pages",
        item=item,
        ladder=Ladder.from_json(item.ladder),
        events=detail.events,
        notifications=detail.notifications,
        names=_names(session, view.code, ids),
        since=since,
    )


# -- the signed link -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """What pressing a link's button did, in a sentence; ``kind`` styles it."""

    kind: Literal["done", "unchanged", "conflict"]
    text: str


def _person(context: AppContext, page_id: str, token: str) -> str:
    """The person the link's token is for (``SignedLinkError`` when it is not a link of
    this server's for this page)."""
    secret = engine_secret(context.settings, context.engine)
    return page_service.check_ack_token(
        secret=secret, page_id=page_id, token=token, now=context.clock()
    )


def _refused(request: Request, page_id: str, reason: str) -> Response:
    """The page for a link that does not work: 403, or 400 for a form that says nothing
    a link's form says."""
    return _render(
        request,
        "paging_refused.html",
        400 if reason == "form" else 403,
        org=None,
        orgs=[],
        page="",
        reason=reason,
        page_id=page_id,
        lifetime=page_service.ACK_LINK_LIFETIME,
    )


def _ack_page(
    request: Request,
    session: Session,
    item: PageView,
    person: str,
    token: str,
    outcome: Outcome | None = None,
    status: int = 200,
) -> Response:
    names = _names(session, item.org_code, [person, item.acknowledged_by, item.resolved_by])
    session.rollback()
    return _render(
        request,
        "paging_ack.html",
        status,
        org=None,
        orgs=[],
        page="",
        item=item,
        person=person,
        names=names,
        token=token,
        outcome=outcome,
    )


def _linked_page(session: Session, page_id: str) -> PageView:
    found = page_store.get_page(session, page_id)
    session.rollback()
    if found is None:
        raise NotFoundError(f"no page {page_id!r}")
    return found


@router.get("/pages/{page_id}/ack")
def ack_link(
    request: Request,
    session: SessionDep,
    context: ContextDep,
    page_id: PageIdPath,
    token: Annotated[str, Query(max_length=512)] = "",
) -> Response:
    """Where a notification's link leads: the page and a form to acknowledge or resolve
    it. Opening the link changes nothing."""
    page_id = page_id.lower()
    try:
        person = _person(context, page_id, token)
    except SignedLinkError as exc:
        return _refused(request, page_id, exc.reason)
    return _ack_page(request, session, _linked_page(session, page_id), person, token)


def _act(
    request: Request,
    session: Session,
    context: AppContext,
    page_id: str,
    token: str,
    action: str,
) -> Response:
    try:
        person = _person(context, page_id, token)
    except SignedLinkError as exc:
        return _refused(request, page_id, exc.reason)
    _linked_page(session, page_id)
    now = context.clock()
    close = page_service.resolve_page if action == "resolve" else page_service.acknowledge_page
    try:
        closed = close(session=session, page_id=page_id, actor=person, now=now, via="link")
    except ConflictError:
        item = _linked_page(session, page_id)
        by = item.resolved_by or ""
        by = _names(session, item.org_code, [by]).get(by, by)
        when = clock_time(item.resolved_at or now, now)
        text = f"Already resolved by {by} at {when}: nothing changed."
        return _ack_page(
            request, session, item, person, token, Outcome("conflict", text), status=409
        )
    item = closed.page
    names = _names(session, item.org_code, [person, item.acknowledged_by])
    if action == "resolve":
        when = clock_time(item.resolved_at or now, now)
        outcome = Outcome("done", f"Resolved by {names.get(person, person)} at {when}.")
    elif closed.changed:
        when = clock_time(item.acknowledged_at or now, now)
        outcome = Outcome(
            "done",
            f"Acknowledged by {names.get(person, person)} at {when}. "
            "Nothing more is sent for this page.",
        )
    else:
        first = item.acknowledged_by or ""
        when = clock_time(item.acknowledged_at or now, now)
        who = "You" if first == person else names.get(first, first)
        outcome = Outcome(
            "unchanged",
            f"{who} had already acknowledged it, at {when}: the first acknowledgement stands.",
        )
    return _ack_page(request, session, item, person, token, outcome)


@router.post("/pages/{page_id}/ack")
async def ack_submit(
    request: Request, session: SessionDep, context: ContextDep, page_id: PageIdPath
) -> Response:
    """Acknowledge (``action=ack``) or resolve (``action=resolve``) the page as the
    person the form's ``token`` was signed for."""
    page_id = page_id.lower()
    if from_another_site(request, context.settings.public_url):
        return _refused(request, page_id, "cross-site")
    form = await read_form(request)
    if form is None:
        return _refused(request, page_id, "form")
    token = form.get("token", "")
    action = form.get("action", "")
    if action not in ("ack", "resolve"):
        return _refused(request, page_id, "form")
    # The secret and the write are database work: off the event loop.
    return await run_in_threadpool(_act, request, session, context, page_id, token, action)
