"""JSON responses with ETags: a client that sends ``If-None-Match`` with the tag it has
gets ``304 Not Modified`` and no body.

Imports pydantic, Starlette and ``api.problems``. The tag is a digest of the body, so
every server process gives the same tag for the same data, and any change to the data
changes it. ``read_responses`` documents all that in the OpenAPI document. An answer kept
as bytes (``api.snapshots``) is sent with ``tagged_response`` and its stored tag.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import Request
from pydantic import BaseModel
from starlette.responses import Response

from orgplane.api.problems import problem_responses

__all__ = [
    "etag_matches",
    "etag_of",
    "json_body",
    "json_response",
    "read_responses",
    "tagged_response",
]

_ETAG_HEADER = {
    "ETag": {
        "description": "The body's tag: send it back as `If-None-Match` to get a 304",
        "schema": {"type": "string"},
    }
}


def read_responses(*problems: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` of a tagged read: 200 with an ETag, 304 for a client whose
    copy is current, and the problems (by status) it may answer with."""
    return {
        200: {"headers": _ETAG_HEADER},
        304: {
            "description": "Not modified: the client's copy (its `If-None-Match`) is current",
            "headers": _ETAG_HEADER,
        },
        **problem_responses(*problems),
    }


def json_body(model: BaseModel) -> bytes:
    """``model`` as the JSON bytes every answer sends."""
    return model.__pydantic_serializer__.to_json(model, by_alias=True)


def etag_of(body: bytes) -> str:
    """The (weak) tag of a body: a digest, so equal bodies have equal tags everywhere."""
    return 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def json_response(request: Request, model: BaseModel, *, status: int = 200) -> Response:
    """``model`` as JSON, tagged; 304 when the client already has this body."""
    body = json_body(model)
    return tagged_response(request, body, etag_of(body), status=status)


def tagged_response(request: Request, body: bytes, tag: str, *, status: int = 200) -> Response:
    """``body`` (JSON) with its tag ``tag``; 304 when the client already has it."""
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    if status == 200 and etag_matches(request.headers.get("if-none-match", ""), tag):
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def etag_matches(header: str, tag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``tag`` (weakly compared) or is ``*``."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    bare = tag.removeprefix("W/")
    return any(candidate.strip().removeprefix("W/") == bare for candidate in header.split(","))
