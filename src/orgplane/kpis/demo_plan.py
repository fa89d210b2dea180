"""Demo KPI data, planned: the outcome each series is to score, and the time it fills.

Pure; imports only the standard library and ``kpis`` (``objective``, ``evaluate``,
``windows``). Everything here is for GENERATED demo data, never for measured data: it
decides what a made-up series should look like, and ``services.demo`` stores the result
flagged as demo.

A series' outcome is drawn from ``(seed, org, series reference)`` alone
(``plan_outcome``) — about 60% met, 25% breached or at risk, 15% left without data
(qualitative KPIs always) — so the same seed gives the same picture and adding a KPI
changes no other KPI's outcome. Its values come from their own stream (``demo_rng`` with
another purpose). A ``Frame`` is one series to fill: its objective, its scoring window,
and the ``days`` up to ``now``; the time grid helpers place the generated moments in it
(milliseconds since the epoch, as the measurements table stores them).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from orgplane.kpis.evaluate import Status
from orgplane.kpis.objective import Objective
from orgplane.kpis.windows import Window

__all__ = [
    "DAY",
    "HOUR",
    "Frame",
    "Point",
    "daily_rhythm",
    "demo_rng",
    "few_hours",
    "grid",
    "indices_in_window",
    "plan_outcome",
    "with_window_point",
]

#: How often each outcome is drawn (the rest: no data).
_MET, _BREACHED, _AT_RISK = 0.60, 0.15, 0.10

#: An hour and a day, in milliseconds.
HOUR = 3_600_000
DAY = 24 * HOUR

#: ``(at ms, value, good, total)`` of one generated measurement.
Point = tuple[int, float, float | None, float | None]


def plan_outcome(seed: int, org_code: str, ref: str, objective: Objective) -> Status:
    """The outcome drawn for one series: met, breached, at risk, or no data."""
    if not objective.typed:
        return Status.NO_DATA
    draw = demo_rng(seed, org_code, ref, "outcome").random()
    if draw < _MET:
        return Status.MET
    if draw < _MET + _BREACHED:
        return Status.BREACHED
    if draw < _MET + _BREACHED + _AT_RISK:
        return Status.AT_RISK
    return Status.NO_DATA


def demo_rng(seed: int, org_code: str, ref: str, purpose: str) -> random.Random:
    """The random stream of one series for one ``purpose`` (``outcome``, ``values``)."""
    # A string seed is hashed (SHA-512), so the stream is the same on every run and
    # every platform, whatever PYTHONHASHSEED says.
    return random.Random(f"orgplane-demo:{seed}:{org_code}:{ref}:{purpose}")


def _ms(at: datetime) -> int:
    # As ``store.measurements.to_ms`` stores it; ``now`` and window bounds are aware.
    return int(at.timestamp() * 1000)


@dataclass(frozen=True, slots=True)
class Frame:
    """One series to generate: its objective and window, and the stretch to fill."""

    objective: Objective
    window: Window
    now: datetime
    days: int

    @property
    def end_ms(self) -> int:
        return _ms(self.now)

    @property
    def start_ms(self) -> int:
        return self.end_ms - self.days * DAY

    @property
    def window_ms(self) -> tuple[int, int]:
        start, end = self.window.bounds(self.now)
        return _ms(start), _ms(end)

    @property
    def span(self) -> timedelta:
        return self.window.span(self.now)

    def ms_before_now(self, length: timedelta) -> int:
        """The moment ``length`` before ``now``, in milliseconds."""
        return _ms(self.now - length)


def grid(frame: Frame, step: int) -> list[int]:
    """Moments every ``step`` ms on the clock (whole hours, days…) in the filled stretch,
    oldest first; the last one before ``now``."""
    last = (frame.end_ms - 1) // step * step
    first = max(frame.start_ms, 0)
    return list(range(last - (last - first) // step * step, last + 1, step))


def with_window_point(frame: Frame, times: list[int]) -> list[int]:
    """``times`` plus one moment inside the window when none is (a window shorter than
    the step, such as the current shift)."""
    lo, hi = frame.window_ms
    if any(lo <= t < hi for t in times) or lo >= hi:
        return times
    return sorted([*times, (lo + hi) // 2])


def indices_in_window(frame: Frame, times: Sequence[int]) -> list[int]:
    """The indices of the moments of ``times`` inside the scoring window."""
    lo, hi = frame.window_ms
    return [i for i, t in enumerate(times) if lo <= t < hi]


def daily_rhythm(at_ms: int, amplitude: float) -> float:
    """Busier in the (UTC) afternoon and on weekdays."""
    hour = at_ms // HOUR % 24
    weekday = (at_ms // DAY + 3) % 7  # 1970-01-01 was a Thursday
    weekend = 0.7 if weekday >= 5 else 1.0
    return (1 + amplitude * math.sin(2 * math.pi * (hour - 8) / 24)) * weekend


def few_hours(rng: random.Random) -> int:
    """A sampling step of a few hours, in milliseconds."""
    return rng.choice((2, 3, 4, 6)) * HOUR
