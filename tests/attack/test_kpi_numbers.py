"""KPI numbers are read as written or refused with the reason: an exponent, digit groups and
a thousands suffix change the value, never silently drop into a "count" of something."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orgplane.kpis import parse_objective, render_objective

READ = [
    ("latency < 1e3 ms", 1.0, "seconds"),
    ("latency < 5e2ms", 0.5, "seconds"),
    ("latency < 1.5E-3 s", 0.0015, "seconds"),
    ("latency < 2e+1 ms", 0.02, "seconds"),
    ("latency < 1_000 ms", 1.0, "seconds"),
    ("latency < 1,000 ms", 1.0, "seconds"),
    ("latency < 1 000 ms", 1.0, "seconds"),
    ("latency < 1\u202f000 ms", 1.0, "seconds"),
    ("rows ≥ 12,345,678", 12345678.0, "number"),
    ("users ≥ 10k", 10000.0, "number"),
    ("users ≥ 10K", 10000.0, "number"),
    ("events ≥ 2M", 2000000.0, "number"),
    ("revenue ≥ 1.5bn", 1500000000.0, "number"),
    # Units that look like suffixes stay units.
    ("latency < 5m", 300.0, "seconds"),
    ("latency < 5ms", 0.005, "seconds"),
    ("disk < 5MB", 5000000.0, "bytes"),
    ("tickets from 1B < 5", 5.0, "number"),
]


@pytest.mark.parametrize(("text", "value", "unit"), READ, ids=[row[0] for row in READ])
def test_number_forms_are_read_as_written(text: str, value: float, unit: str) -> None:
    objective = parse_objective(text)
    assert objective.typed, objective.reason
    assert objective.value == pytest.approx(value, rel=1e-12)
    assert objective.unit is not None
    assert objective.unit.value == unit
    assert objective.count_unit is None
    assert parse_objective(render_objective(objective)) == objective


RATES = [
    ("throughput ≥ 10k req/s", 10000.0, "req", "s"),
    ("throughput ≥ 100 events/s", 100.0, "events", "s"),
    ("Throughput ≥ 1.5k req/sec", 1500.0, "req", "sec"),
    ("Throughput ≥ 2M req/min", 2000000.0, "req", "min"),
]


@pytest.mark.parametrize(("text", "value", "counts", "per"), RATES, ids=[r[0] for r in RATES])
def test_a_suffixed_number_of_things_per_second_is_a_rate(
    text: str, value: float, counts: str, per: str
) -> None:
    objective = parse_objective(text)
    assert objective.typed, objective.reason
    assert objective.value == pytest.approx(value, rel=1e-12)
    assert objective.count_unit == counts
    assert objective.per == per
    assert parse_objective(render_objective(objective)) == objective


REFUSED = [
    ("latency < 0x1F ms", "hexadecimal numbers are not read: '0x1F' at column 11"),
    ("latency < 1_00 ms", "digit groups after '_' have three digits: '1_00' at column 11"),
    ("latency < 1e9999 ms", "a number is too large"),
]


@pytest.mark.parametrize(("text", "reason"), REFUSED, ids=[row[0] for row in REFUSED])
def test_numbers_not_read_make_the_kpi_qualitative_with_the_reason(text: str, reason: str) -> None:
    objective = parse_objective(text)
    assert not objective.typed
    assert objective.reason == reason


def _grouped(n: int, separator: str) -> str:
    return f"{n:,}".replace(",", separator)


@given(
    n=st.integers(min_value=0, max_value=10**15),
    separator=st.sampled_from([",", "_", " ", "\u00a0", "\u202f", "\u2009"]),
)
def test_digit_groups_read_as_the_whole_number(n: int, separator: str) -> None:
    objective = parse_objective(f"Rows per load ≥ {_grouped(n, separator)}")
    assert objective.typed, objective.reason
    assert objective.value == float(n)


@given(
    mantissa=st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False),
    exponent=st.integers(min_value=-12, max_value=12),
    e=st.sampled_from(["e", "E"]),
    unit=st.sampled_from(["", " ms", "ms", " s"]),
)
def test_exponents_scale_the_number(mantissa: Decimal, exponent: int, e: str, unit: str) -> None:
    objective = parse_objective(f"Write latency ≤ {mantissa}{e}{exponent}{unit}")
    assert objective.typed, objective.reason
    expected = mantissa.scaleb(exponent) / (1000 if "ms" in unit else 1)
    assert objective.value == pytest.approx(float(expected), rel=1e-12, abs=1e-300)
    assert objective.count_unit is None


@given(
    n=st.integers(min_value=1, max_value=999),
    suffix=st.sampled_from([("k", 3), ("K", 3), ("M", 6), ("bn", 9)]),
)
def test_thousands_suffixes_scale_the_number(n: int, suffix: tuple[str, int]) -> None:
    letters, power = suffix
    objective = parse_objective(f"Active users ≥ {n}{letters}")
    assert objective.typed, objective.reason
    assert objective.value == float(n * 10**power)
    assert objective.count_unit is None
