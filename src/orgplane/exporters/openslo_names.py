"""OpenSLO names: RFC 1123 labels built from the org code, group path and KPI id.

Imports the stdlib only. A name is lowercase letters and digits joined by single ``-``,
at most 63 characters; a name that comes out too long (or empty) is cut and ends in a hash
of what it stands for, so it stays stable. ``Names`` hands out the names of one kind, so
two texts that make the same label ("C-5" and "C_5") still get different names.
"""

from __future__ import annotations

import hashlib
import re

__all__ = ["MAX_NAME_LENGTH", "Names", "dns_label"]

MAX_NAME_LENGTH = 63
_HASH_LENGTH = 8
_NOT_LABEL = re.compile(r"[^a-z0-9]+")


def dns_label(text: str, key: str | None = None) -> str:
    """An RFC 1123 label for ``text``: lowercase letters and digits joined by single ``-``,
    at most 63 characters; cut and ended with a hash of ``key`` when longer or empty."""
    label = _NOT_LABEL.sub("-", text.lower()).strip("-")
    if label and len(label) <= MAX_NAME_LENGTH:
        return label
    return _with_hash(label, key if key is not None else text)


def _with_hash(label: str, key: str) -> str:
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:_HASH_LENGTH]
    head = label[: MAX_NAME_LENGTH - _HASH_LENGTH - 1].rstrip("-")
    return f"{head}-{digest}" if head else digest


class Names:
    """Hands out names of one kind, never the same one twice ("C-5" and "C_5" differ)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def allocate(self, text: str) -> str:
        name = dns_label(text)
        attempt = 0
        while name in self._taken:
            attempt += 1
            name = _with_hash(dns_label(text), f"{text}#{attempt}")
        self._taken.add(name)
        return name
