"""Apply a spec over HTTP: the body is one spec file (YAML); the answer is the change
report. Needs an editor token; refused specs are a 422 problem with their positions.

Imports ``services``, ``spec``, ``rules`` and the api helpers.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from orgplane.api.deps import EditorDep, SessionDep
from orgplane.api.problems import ProblemError, problem_responses
from orgplane.api.responses import json_response
from orgplane.rules import default_registry
from orgplane.services import ApplyResult, apply_spec
from orgplane.spec import load_spec_text

__all__ = ["router"]

router = APIRouter(
    prefix="/api",
    tags=["apply"],
    responses=problem_responses(400, 401, 403, 413, 422, 503),
)


class ApplyResultOut(BaseModel):
    org: str
    apply_id: int | None
    dry_run: bool
    changed: bool
    changes: dict[str, Any]


@router.post(
    "/apply",
    response_model=ApplyResultOut,
    summary="Apply a spec",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/yaml": {"schema": {"type": "string"}}},
        }
    },
)
async def apply(
    request: Request,
    session: SessionDep,
    caller: EditorDep,
    dry_run: Annotated[bool, Query(description="Report what would change; write nothing.")] = False,
) -> Response:
    """Validate the spec in the body and make the database's copy of its org match it,
    in one transaction. A spec with errors is refused and nothing is written."""
    body = await request.body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProblemError(400, "the body is not UTF-8 text", kind="bad-encoding") from None
    if not text.strip():
        raise ProblemError(400, "the body is empty: send a spec file (YAML)", kind="empty-spec")
    result = await run_in_threadpool(_apply, session, text, caller.actor, dry_run)
    out = ApplyResultOut(
        org=result.report.org,
        apply_id=result.apply_id,
        dry_run=result.dry_run,
        changed=result.changed,
        changes=result.report.to_json(),
    )
    return json_response(request, out)


def _apply(session: Session, text: str, actor: str, dry_run: bool) -> ApplyResult:
    org = load_spec_text(text, "request-body.yaml")
    findings = default_registry().check(org)
    try:
        return apply_spec(session=session, org=org, findings=findings, actor=actor, dry_run=dry_run)
    except DataError as exc:
        # A value the spec's model allows but the database cannot hold (PostgreSQL: a NUL
        # character from a YAML escape, an integer beyond 32 bits). apply_spec has rolled
        # everything back; the driver's first line says which kind of value it was.
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise ProblemError(
            422,
            f"the database cannot store a value of this spec: {reason[0] if reason else exc}",
            kind="unstorable-value",
        ) from None
