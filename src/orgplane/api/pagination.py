"""Cursor pagination: opaque, signed cursors over a list's sort key.

Imports ``api.problems``. A cursor is the sort key of the last item of a page, encoded
and signed with the server's secret: any server process sharing the secret can continue
a listing another started. Keyset pagination costs the same at page 1 and page 1,000.

A cursor's contents are untrusted input whatever its signature (a secret can leak, or be
a well-known default): a cursor is at most ``MAX_CURSOR`` characters, and its key must
have the shape its list expects, each integer a 64-bit one (what SQLite and PostgreSQL
compare with), each string at most ``MAX_KEY_TEXT`` characters of text a database can
hold (no NUL, no lone surrogate). Anything else is a 400 ``bad-cursor`` problem.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from orgplane.api.problems import ProblemError

__all__ = ["DEFAULT_LIMIT", "MAX_CURSOR", "MAX_KEY_TEXT", "MAX_LIMIT", "Cursor", "Page", "page_of"]

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
#: The longest cursor read (the routes take at most 1,024 characters).
MAX_CURSOR = 2048
#: The longest text part of a cursor's key.
MAX_KEY_TEXT = 1024
#: The range of integers SQLite and PostgreSQL (bigint) hold.
_INT64 = (-(2**63), 2**63 - 1)

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list: its items and the cursor of the next page (null at the end)."""

    items: list[T]
    next_cursor: str | None = None


class Cursor:
    """Encodes and checks the cursors of one server (one secret)."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(("orgplane-cursor:" + secret).encode()).digest()

    def _sign(self, payload: bytes) -> str:
        return hmac.new(self._key, payload, hashlib.sha256).hexdigest()[:24]

    def encode(self, scope: str, key: Sequence[Any]) -> str:
        """A cursor for listing ``scope`` after the item whose sort key is ``key``."""
        payload = json.dumps([scope, list(key)], separators=(",", ":")).encode()
        token = base64.urlsafe_b64encode(payload).decode().rstrip("=")
        return f"{token}.{self._sign(payload)}"

    def decode_key(
        self, scope: str, cursor: str | None, *kinds: type | tuple[type, ...]
    ) -> list[Any] | None:
        """The sort key in ``cursor`` (``None``: no cursor, the first page), one part per
        ``kinds``, each of its kind; a 400 problem when it is not such a key of ``scope``
        (a cursor an older server made for another sort key, say)."""
        if cursor is None:
            return None
        key = self.decode(scope, cursor)
        if len(key) != len(kinds) or not all(
            _part_of_kind(part, kind) for part, kind in zip(key, kinds, strict=True)
        ):
            raise ProblemError(400, "cursor: not a cursor of this list", kind="bad-cursor")
        return key

    def decode(self, scope: str, cursor: str) -> list[Any]:
        """The sort key in ``cursor``; a 400 problem when it is not a cursor of ``scope``."""
        token, _, signature = cursor.partition(".")
        try:
            if len(cursor) > MAX_CURSOR:
                raise ValueError("too long")
            payload = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            valid = hmac.compare_digest(self._sign(payload), signature)
            found = json.loads(payload) if valid else None
        except (ValueError, UnicodeError, RecursionError, TypeError):
            found = None
        if (
            not isinstance(found, list)
            or len(found) != 2
            or found[0] != scope
            or not isinstance(found[1], list)
        ):
            raise ProblemError(400, "cursor: not a cursor of this list", kind="bad-cursor")
        return found[1]


def _part_of_kind(part: object, kind: type | tuple[type, ...]) -> bool:
    """Whether one part of a key is of ``kind`` and a value the database can compare."""
    if isinstance(part, bool) or not isinstance(part, kind):
        return False
    if isinstance(part, int):
        return _INT64[0] <= part <= _INT64[1]
    if isinstance(part, str):
        return len(part) <= MAX_KEY_TEXT and "\x00" not in part and _is_utf8(part)
    return part is None


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which JSON's \ud800 escapes make
        return False
    return True


def page_of(
    items: Sequence[T], limit: int, cursor: Cursor, scope: str, key: Any
) -> tuple[list[T], str | None]:
    """Split ``limit + 1`` fetched items into a page and the next cursor (``key(item)``
    gives an item's sort key)."""
    if len(items) <= limit:
        return list(items), None
    page = list(items[:limit])
    return page, cursor.encode(scope, key(page[-1]))
