"""The typed objective a KPI text becomes: what is measured, against what, and how.

Pure data; imports nothing from orgplane. ``grammar`` builds objectives from text,
``render`` writes them back as canonical text, and later layers (the validator, the
KPI evaluator, the OpenSLO exporter) read them. Values are normalized: durations in
seconds, percentages and nines as fractions (99.9% is 0.999), rates in bits per
second, sizes in bytes. docs/kpis.md describes every form and its typed result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["Comparator", "Direction", "Kind", "Objective", "Period", "Unit"]


class Comparator(StrEnum):
    """How the measured value must compare with the target."""

    GE = ">="
    LE = "<="
    GT = ">"
    LT = "<"
    EQ = "="

    @property
    def symbol(self) -> str:
        """The sign the documents write: ``≥ ≤ > < =``."""
        return {">=": "≥", "<=": "≤"}.get(self.value, self.value)


class Unit(StrEnum):
    """The normalized unit of an objective's ``value``."""

    SECONDS = "seconds"  #: durations: ms, s, min, h, days, weeks (a month is 30 days)
    RATIO = "ratio"  #: a fraction: percentages and nines (99.9% is 0.999)
    NUMBER = "number"  #: a plain number: a score, an index, a level ("DTI ≥ 0.9")
    COUNT = "count"  #: a number of things ("2 versions", "20 Deploys/day")
    BUSINESS_DAYS = "business_days"  #: working days, which no calendar length converts
    BITS_PER_SECOND = "bits_per_second"  #: data rates: bps, kbps, Mbps, Gbps, Tbps
    BYTES = "bytes"  #: sizes: B, KB, MB, GB, TB (and KiB … TiB)


class Period(StrEnum):
    """A calendar period: an evaluation window, a rate's denominator, a cadence."""

    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"


class Direction(StrEnum):
    """Which way is better for the measured value."""

    HIGHER = "higher"
    LOWER = "lower"
    EQUAL = "equal"  #: a target to hit exactly ("Vault TTL = 24h")


class Kind(StrEnum):
    """What sort of objective it is, which tells an evaluator how to measure it."""

    THRESHOLD = "threshold"  #: a measured value against a limit ("Lead time ≤ 90 days")
    RATIO = "ratio"  #: a ratio of events against a limit ("API Uptime ≥ 99.95%")
    PERCENTILE = "percentile"  #: a percentile of a distribution ("P95 latency < 5ms")
    SHARE = "share"  #: a share of events that must meet the limit ("TTR ≤ 2h (90%)")
    RATE = "rate"  #: a value per period or per thing ("≥ 20 Deploys/day")
    GROWTH = "growth"  #: a signed change over a period ("Cost Efficiency -10% YoY")
    CADENCE = "cadence"  #: something that must happen every period ("published quarterly")
    QUALITATIVE = "qualitative"  #: text with no measurable target


@dataclass(frozen=True, slots=True)
class Objective:
    """A KPI as a typed objective.

    ``text`` (what was written) and ``reason`` (why a text is qualitative) do not take
    part in equality: two texts that say the same thing are the same objective.
    """

    text: str = field(compare=False)
    metric: str
    kind: Kind
    comparator: Comparator | None = None
    value: float | None = None
    unit: Unit | None = None
    direction: Direction | None = None
    #: The percentile measured ("P95 latency" → 95.0), if any.
    percentile: float | None = None
    #: The share of events that must meet the target ("(90%)" → 0.9), if any.
    share: float | None = None
    #: Qualifiers that narrow what is measured ("Sev-1", "urban", "of volume"), if any.
    scope: str | None = None
    #: The evaluation window the text names ("/ quarter", "monthly", "YoY"), if any.
    period: Period | None = None
    #: What a rate is counted per: a period name ("day") or a thing ("Shift"), if any.
    per: str | None = None
    #: The top of the scale of an out-of score ("4.7/5" → 5.0), if any.
    max_value: float | None = None
    #: The number of nines when written so ("11×9" → 11), if any.
    nines: int | None = None
    #: What a count counts when written after the number ("2 versions" → "versions").
    count_unit: str | None = None
    reason: str | None = field(default=None, compare=False)

    @property
    def typed(self) -> bool:
        """False for a qualitative KPI: text with no measurable target."""
        return self.kind is not Kind.QUALITATIVE

    @classmethod
    def qualitative(cls, text: str, reason: str) -> Objective:
        """The objective of a text that cannot be typed: its metric is the text itself."""
        return cls(text=text, metric=" ".join(text.split()), kind=Kind.QUALITATIVE, reason=reason)

    def as_dict(self) -> dict[str, object]:
        """The objective as JSON-ready values (enums as their string values)."""
        return {
            "text": self.text,
            "typed": self.typed,
            "metric": self.metric,
            "comparator": self.comparator.value if self.comparator else None,
            "value": self.value,
            "unit": self.unit.value if self.unit else None,
            "percentile": self.percentile,
            "share": self.share,
            "scope": self.scope,
            "period": self.period.value if self.period else None,
            "per": self.per,
            "direction": self.direction.value if self.direction else None,
            "kind": self.kind.value,
            "max_value": self.max_value,
            "nines": self.nines,
            "count_unit": self.count_unit,
            "reason": self.reason,
        }
