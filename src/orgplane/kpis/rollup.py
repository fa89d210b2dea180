"""Scorecard roll-ups: the KPIs of a group and of everything below it, summed up.

Pure; imports only ``kpis.evaluate``. A group's roll-up counts the KPIs of its whole
subtree (unit → squad → department → org): how many are met, at risk, breached or
without data, the weighted share of KPIs with data that are met (at risk is not met:
it is counted on its own, as breached is), and the worst status among them.
``Rollup.summary`` says it in the words the CLI, the API and the web all show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from orgplane.kpis.evaluate import Status

__all__ = ["Rollup", "roll_up"]


@dataclass(slots=True)
class Rollup:
    """The KPIs of one group's subtree, summed up."""

    counts: dict[Status, int] = field(default_factory=lambda: dict.fromkeys(Status, 0))
    #: Sum of the weights of KPIs with data, and of those that are met.
    weight_scored: float = 0.0
    weight_met: float = 0.0

    def add(self, status: Status, weight: float) -> None:
        self.counts[status] += 1
        if status is Status.NO_DATA:
            return
        self.weight_scored += weight
        if status is Status.MET:
            self.weight_met += weight

    def merge(self, other: Rollup) -> None:
        """Add ``other``'s KPIs to this roll-up."""
        for status, n in other.counts.items():
            self.counts[status] += n
        self.weight_scored += other.weight_scored
        self.weight_met += other.weight_met

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def met(self) -> int:
        return self.counts[Status.MET]

    @property
    def scored(self) -> int:
        """KPIs with data in their window."""
        return self.total - self.counts[Status.NO_DATA]

    @property
    def share_met(self) -> float | None:
        """Weighted share of the KPIs with data that are met (not at risk, not breached);
        ``None`` if none has data (or all weigh nothing)."""
        return self.weight_met / self.weight_scored if self.weight_scored else None

    @property
    def summary(self) -> str:
        """The roll-up in words: "3 of 5 met (60%), 1 at risk, 1 breached, 2 no data"; a
        status no KPI has is left out, met never is, and a share that weights make differ
        from the count says "by weight". The CLI, the API and the web say exactly this."""
        if not self.total:
            return "no KPIs"
        if not self.scored:
            return f"{self.total} KPI{'s' if self.total != 1 else ''}, none measured"
        share = self.share_met
        met = f"{self.met} of {self.scored} met"
        if share is not None:
            # Weights may make the share differ from the count: then it says so.
            weighted = abs(share - self.met / self.scored) > 0.0005
            met += f" ({share:.0%}{' by weight' if weighted else ''})"
        parts = [met]
        parts += [
            f"{self.counts[status]} {status.label}"
            for status in (Status.AT_RISK, Status.BREACHED, Status.NO_DATA)
            if self.counts[status]
        ]
        return ", ".join(parts)

    @property
    def worst(self) -> Status:
        """The worst status of a KPI with data; ``no data`` when none has data."""
        scored = [status for status, n in self.counts.items() if n and status is not Status.NO_DATA]
        return max(scored, key=lambda status: status.rank) if scored else Status.NO_DATA


def roll_up(kpis: Iterable[tuple[str, Status, float]]) -> dict[str, Rollup]:
    """Roll-ups by group path from ``(group path, status, weight)`` of every KPI.

    Each KPI counts for its group and every ancestor (paths are ``/``-separated); the
    key ``""`` is the whole org. Summed per group first, then up the tree: the work
    grows with the groups, not with KPIs times depth.
    """
    own: dict[str, Rollup] = {}
    for path, status, weight in kpis:
        rollup = own.get(path)
        if rollup is None:
            rollup = own[path] = Rollup()
        rollup.add(status, weight)
    rollups: dict[str, Rollup] = {"": Rollup()}
    for path, rollup in own.items():
        parts = path.split("/")
        for depth in range(len(parts) + 1):
            prefix = "/".join(parts[:depth])
            target = rollups.get(prefix)
            if target is None:
                target = rollups[prefix] = Rollup()
            target.merge(rollup)
    return rollups
