"""What the graph exporters (Mermaid, DOT) draw: the tree, and one line per dependency.

Imports ``orgplane.model`` only. Both formats draw the same graph; only the syntax differs,
so choosing and orienting the edges happens once, here.
"""

from __future__ import annotations

from dataclasses import dataclass

from orgplane.model import Dependency, Direction, OrgIndex

__all__ = ["DependencyLine", "Unresolved", "dependency_lines", "unresolved_dependencies"]


@dataclass(frozen=True, slots=True)
class DependencyLine:
    """A dependency to draw: ``source`` consumes from ``target``; ``both_ways`` for "with"."""

    source: str
    target: str
    label: str
    both_ways: bool


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A dependency whose target names no group, or several: it has nowhere to point."""

    path: str
    dependency: Dependency
    candidates: tuple[str, ...]


def dependency_lines(index: OrgIndex) -> list[DependencyLine]:
    """The index's edges (consumer → provider), one line per declared dependency."""
    lines: list[DependencyLine] = []
    for edge in index.edges:
        both_ways = edge.dependency.direction is Direction.WITH
        # The index lists a "with" dependency twice, once each way; draw it once.
        if both_ways and edge.source != edge.declared_by:
            continue
        lines.append(DependencyLine(edge.source, edge.target, edge.dependency.provides, both_ways))
    return lines


def unresolved_dependencies(index: OrgIndex) -> list[Unresolved]:
    """Dependencies the graph cannot draw, so the output can say so instead of dropping them."""
    out: list[Unresolved] = []
    for path, group in index.groups.items():
        for dependency in group.dependencies:
            resolution = index.resolve(dependency.target)
            if resolution.path is None:
                out.append(Unresolved(path, dependency, resolution.paths))
    return out
