"""OpenSLO names: RFC 1123 labels built from the org code, group path and KPI id.

Imports ``exporters._common`` and the stdlib only. A name is lowercase letters and
digits joined by single ``-``, at most 63 characters; a name that comes out too long (or
empty) is cut and ends in a hash of what it stands for, so it stays stable.
``label_allocator`` hands out the names of one kind, so two texts that make the same
label ("C-5" and "C_5") still get different names.
"""

from __future__ import annotations

import re

from orgplane.exporters._common import MAX_NAME_LENGTH, NameAllocator, fitted_name

__all__ = ["MAX_NAME_LENGTH", "dns_label", "label_allocator"]

_NOT_LABEL = re.compile(r"[^a-z0-9]+")


def dns_label(text: str, key: str | None = None) -> str:
    """An RFC 1123 label for ``text``: lowercase letters and digits joined by single ``-``,
    at most 63 characters; cut and ended with a hash of ``key`` when longer or empty."""
    label = _NOT_LABEL.sub("-", text.lower()).strip("-")
    return fitted_name(label, key if key is not None else text, "-")


def label_allocator() -> NameAllocator:
    """Names of one kind as RFC 1123 labels, never the same one twice."""
    return NameAllocator(dns_label, "-")
