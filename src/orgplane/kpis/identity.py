"""Stable KPI identities: the id a KPI's measurements are stored under.

Pure (KPIs are anything with an ``id`` and a ``text``, such as ``model.Kpi``). A KPI written with an ``id`` keeps it; any other gets the
slug of its objective's metric ("P95 latency < 5ms" → ``p95-latency``), and a second KPI
of the same group with the same slug gets ``-2`` (then ``-3`` …). Editing a KPI's target
keeps its id; renaming its metric changes it, unless the spec pins the id.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from orgplane.kpis.objective import Objective

__all__ = ["kpi_ids", "slugify"]

_NON_WORD = re.compile(r"[^a-z0-9]+")


class Kpi(Protocol):
    """What identity needs of a KPI (``model.Kpi`` is one)."""

    @property
    def id(self) -> str | None: ...

    @property
    def text(self) -> str: ...


def slugify(text: str, limit: int = 64) -> str:
    """Lower-case words joined by ``-`` ("P95 latency" → ``p95-latency``); ``kpi`` if none."""
    slug = _NON_WORD.sub("-", text.lower()).strip("-")[:limit].strip("-")
    return slug or "kpi"


def kpi_ids(kpis: Sequence[Kpi], objectives: Sequence[Objective]) -> list[str]:
    """The id of each KPI of one group, unique within the group, in order."""
    taken = {kpi.id for kpi in kpis if kpi.id}
    ids: list[str] = []
    for kpi, objective in zip(kpis, objectives, strict=True):
        if kpi.id and kpi.id not in ids:
            ids.append(kpi.id)
            continue
        base = kpi.id or slugify(objective.metric if objective.typed else kpi.text)
        candidate, n = base, 1
        while candidate in taken or candidate in ids:
            n += 1
            candidate = f"{base}-{n}"
        ids.append(candidate)
        taken.add(candidate)
    return ids
