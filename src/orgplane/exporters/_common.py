"""Small helpers every exporter shares: how a dependency reads, how text fits on one line.

Imports ``orgplane.model`` only.
"""

from __future__ import annotations

import re

from orgplane.model import Dependency, Group

__all__ = ["dependency_phrase", "group_label", "one_line"]

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
