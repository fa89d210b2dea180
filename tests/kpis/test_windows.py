"""Scoring windows: rolling and calendar, and the default for each objective."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orgplane.kpis import parse_objective
from orgplane.kpis.windows import default_window, parse_duration, parse_window

AT = datetime(2026, 11, 23, 13, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("28d", AT - timedelta(days=28)),
        ("7d", AT - timedelta(days=7)),
        ("12h", AT - timedelta(hours=12)),
        ("2w", AT - timedelta(days=14)),
        ("rolling-quarter", AT - timedelta(days=91)),
        ("month", datetime(2026, 11, 1, tzinfo=UTC)),
        ("quarter", datetime(2026, 10, 1, tzinfo=UTC)),
        ("year", datetime(2026, 1, 1, tzinfo=UTC)),
        ("shift", datetime(2026, 11, 23, 8, tzinfo=UTC)),
    ],
)
def test_window_bounds(text: str, start: datetime) -> None:
    assert parse_window(text).bounds(AT) == (start, AT)


@pytest.mark.parametrize(
    ("kpi", "window"),
    [
        ("Availability 99.9%", "28d"),
        ("SLO Miss < 2% / quarter", "quarter"),
        ("Cost Efficiency -10% YoY", "365d"),
        ("Roadmap published quarterly", "91d"),
        ("≥ 20 Deploys/day", "28d"),
        ("≥ 4 technical articles per quarter", "28d"),
    ],
)
def test_default_windows(kpi: str, window: str) -> None:
    assert default_window(parse_objective(kpi)).text == window


def test_bad_durations_say_what_is_expected() -> None:
    with pytest.raises(ValueError, match="30s, 5m"):
        parse_duration("five minutes")
