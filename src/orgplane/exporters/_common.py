"""Small helpers every exporter shares: how a dependency reads, how text fits on one line,
and names that fit the 63-character limit of RFC 1123 labels (OpenSLO, Backstage).

Imports ``orgplane.model`` only.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from orgplane.model import Dependency, Group

__all__ = [
    "MAX_NAME_LENGTH",
    "NameAllocator",
    "dependency_phrase",
    "fitted_name",
    "group_label",
    "hashed_name",
    "one_line",
]

#: Longest name an RFC 1123 label, and Backstage's ``metadata.name``, may be.
MAX_NAME_LENGTH = 63
_HASH_LENGTH = 8

_LINE_BREAK = re.compile(r"[ \t]*(?:\r\n|\r|\n)[ \t]*")


def one_line(text: str) -> str:
    """``text`` with its line breaks turned into spaces: trees, labels and cells are one line."""
    return _LINE_BREAK.sub(" ", text).strip()


def group_label(group: Group) -> str:
    """A group as the documents name it: ``B-2 Storage Services``."""
    return one_line(f"{group.code} {group.name}")


def dependency_phrase(dependency: Dependency) -> str:
    """A dependency as the documents write it: ``PVC/GPU from 1B``, ``Policy with 1E``, ``1B``."""
    if not dependency.provides:
        return one_line(dependency.target)
    return one_line(f"{dependency.provides} {dependency.direction.value} {dependency.target}")


def fitted_name(name: str, key: str, separators: str) -> str:
    """``name``, a cleaned-up text, when it fits ``MAX_NAME_LENGTH`` (and is not empty);
    else ``hashed_name`` of it."""
    if name and len(name) <= MAX_NAME_LENGTH:
        return name
    return hashed_name(name, key, separators)


def hashed_name(name: str, key: str, separators: str) -> str:
    """``name`` cut to leave room, with no trailing ``separators``, and ended with a hash
    of ``key`` (the hash alone when nothing is left): stable from export to export."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:_HASH_LENGTH]
    head = name[: MAX_NAME_LENGTH - _HASH_LENGTH - 1].rstrip(separators)
    return f"{head}-{digest}" if head else digest


class NameAllocator:
    """Hands out names of one kind, never the same one twice. ``clean(text, key)`` names a
    text; two texts can clean up to one name ("C-5" and "C_5"), and then the later one
    gets a hash of its own key (default: the text), so that a name does not depend on
    anything else in the export."""

    def __init__(self, clean: Callable[[str, str], str], separators: str) -> None:
        self._clean = clean
        self._separators = separators
        self._taken: set[str] = set()

    def allocate(self, text: str, key: str | None = None) -> str:
        key = text if key is None else key
        name = self._clean(text, key)
        attempt = 0
        while name in self._taken:
            attempt += 1
            name = hashed_name(self._clean(text, key), f"{key}#{attempt}", self._separators)
        self._taken.add(name)
        return name
