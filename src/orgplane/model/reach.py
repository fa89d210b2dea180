"""What a group depends on and what depends on it: the one rule every answer follows.

Pure; imports nothing from orgplane. The CLI (over an ``OrgIndex``) and the API and web
pages (over the database) walk dependencies with ``walk``, each giving it the
dependencies that touch a group in its own way, so ``orgplane deps``, ``GET
…/dependents`` and a group's page always agree.

The rule. A dependency names the group it depends on. A group stands for its whole
subtree: what depends on B-2, or on one of B-2's units, depends on 1B, B-2's department
("what breaks if 1B fails" includes what breaks if B-2 fails). A dependency on a group
is not a dependency on each group below it: what depends on 1B as a whole (Cluster-API,
GPUs, scrape endpoints) is listed for 1B, never for B-2 — a squad does not inherit its
department's dependents. Dependencies inside the subtree (B-2 on B-1, seen from 1B)
lead nowhere. A walk goes breadth first, hop by hop; each dependency is listed once,
at the hop that first used it, and each group is followed once.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["Reached", "Step", "as_a_whole", "walk", "within"]

T = TypeVar("T")


def within(path: str, ancestor: str) -> bool:
    """Whether ``path`` is ``ancestor`` or a group below it."""
    return path == ancestor or path.startswith(ancestor + "/")


@dataclass(frozen=True, slots=True)
class Step(Generic[T]):
    """One way a dependency points: ``consumer`` depends on ``provider`` (``None``: a
    target that names no group). A ``with`` dependency is two steps with one ``key``."""

    item: T
    consumer: str | None
    provider: str | None
    #: Identity of the dependency (its writer's path and its position there).
    key: Hashable


@dataclass(frozen=True, slots=True)
class Reached(Generic[T]):
    """A dependency a walk used, the hop it was found at, and the group on its far side."""

    item: T
    hop: int
    other: str | None


def walk(
    start: str,
    *,
    reverse: bool,
    depth: int | None,
    touching: Callable[[str], Iterable[Step[T]]],
) -> list[Reached[T]]:
    """What ``start`` depends on (``reverse``: what depends on it), up to ``depth`` hops
    (``None``: all). ``touching(path)`` gives every dependency whose consumer or provider
    is ``path`` or a group below it (more does no harm: the rule is applied here)."""
    listed: set[Hashable] = set()
    followed = {start}
    out: list[Reached[T]] = []
    frontier = [start]
    hop = 0
    while frontier and (depth is None or hop < depth):
        hop += 1
        following: list[str] = []
        for path in frontier:
            for step in touching(path):
                near, far = (
                    (step.provider, step.consumer) if reverse else (step.consumer, step.provider)
                )
                if near is None or not within(near, path):
                    continue
                if far is not None and (within(far, path) or within(far, start)):
                    continue  # inside the subtree walked from: leads nowhere
                if step.key in listed:
                    continue
                listed.add(step.key)
                out.append(Reached(step.item, hop, far))
                if far is not None and far not in followed:
                    followed.add(far)
                    following.append(far)
        frontier = following
    return out


def as_a_whole(count: int, above_code: str, above_kind: str, code: str) -> str:
    """What a group's answers say of the groups that depend on a group above it as a
    whole (the CLI and the web say it in these words): they are not its dependents."""
    groups = f"{count} group{'s' if count != 1 else ''}"
    verb = "depends" if count == 1 else "depend"
    return (
        f"{groups} {verb} on {above_code}, the {above_kind} {code} is in, as a whole: not on {code}"
    )
