"""Sparklines: values become a line inside the picture, empty slices become gaps, the
picture says in words what it shows, and no string can become markup."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from orgplane.web.sparkline import PAD, describe, sparkline_svg

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    """The sparkline as XML (it must be well-formed), with the SVG namespace added."""
    return ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def _paths(svg: str) -> dict[str, str]:
    return {p.get("class", ""): p.get("d", "") for p in _parse(svg).iter(f"{SVG}path")}


def _points(d: str) -> list[list[tuple[float, float]]]:
    """The pieces of a line's path data: a list of (x, y) per ``M … L …`` piece."""
    pieces = []
    for piece in d.split("M")[1:]:
        pairs = re.findall(r"(-?[\d.]+),(-?[\d.]+)", piece)
        pieces.append([(float(x), float(y)) for x, y in pairs])
    return pieces


def test_no_values_draw_nothing() -> None:
    assert sparkline_svg([]) == ""
    assert sparkline_svg([None, None]) == ""
    assert sparkline_svg([math.nan, math.inf]) == ""
    assert describe([None], label="Uptime") == "Uptime: no measurements"


def test_the_line_spans_the_picture_lowest_at_the_bottom() -> None:
    svg = sparkline_svg([1.0, 3.0, 2.0], width=100, height=20)
    root = _parse(svg)
    assert root.get("viewBox") == "0 0 100 20"
    assert root.get("role") == "img"
    (line,) = _points(_paths(svg)["line"])
    assert line == [(PAD, 20 - PAD), (50.0, PAD), (100 - PAD, 10.0)]


def test_empty_slices_break_the_line_and_a_lonely_value_is_a_dot() -> None:
    svg = sparkline_svg([1.0, 2.0, None, 3.0, None, None, 2.0, 1.0], width=100, height=20)
    paths = _paths(svg)
    pieces = _points(paths["line"])
    assert [len(piece) for piece in pieces] == [2, 2]  # 1-2 and 2-1; the 3 stands alone
    assert pieces[0][-1][0] < pieces[1][0][0]
    assert paths["dot"].count("M") == 1
    assert "last" in paths  # the last value is marked


def test_a_flat_line_sits_in_the_middle() -> None:
    svg = sparkline_svg([5.0, 5.0, 5.0], width=60, height=20)
    assert {y for _, y in _points(_paths(svg)["line"])[0]} == {10.0}


def test_the_target_line_is_drawn_and_kept_in_the_picture() -> None:
    svg = sparkline_svg([0.004, 0.003], target=0.005, width=100, height=20)
    paths = _paths(svg)
    assert paths["target"] == f"M{PAD:g},{PAD:g} H{100 - PAD:g}"  # the highest: on top
    (line,) = _points(paths["line"])
    assert all(y > PAD for _, y in line)  # below the target line


def test_the_picture_is_described_in_words() -> None:
    def ms(value: float) -> str:
        return f"{value * 1000:g} ms"

    svg = sparkline_svg([0.004, None, 0.002, 0.003], label="P95 latency", fmt=ms, target=0.005)
    text = "P95 latency: min 2 ms, max 4 ms, last 3 ms, target 5 ms"
    root = _parse(svg)
    assert root.get("aria-label") == text
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == text


def test_strings_are_escaped() -> None:
    label = "<script>alert('x')</script> & \"quoted\""
    svg = sparkline_svg([1.0, 2.0], label=label, css_class='spark" onload="alert(1)')
    assert "<script>" not in svg
    root = _parse(svg)
    assert root.get("class") == 'spark" onload="alert(1)'
    assert root.get("onload") is None
    assert root.get("aria-label", "").startswith(label)
    assert [child.tag for child in root] == [f"{SVG}title", f"{SVG}path", f"{SVG}path"]


@given(
    st.lists(
        st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True, width=32)),
        max_size=40,
    ),
    st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6)),
)
def test_any_values_give_well_formed_svg_inside_its_box(
    values: list[float | None], target: float | None
) -> None:
    svg = sparkline_svg(values, target=target, width=120, height=28)
    if not any(v is not None and math.isfinite(v) for v in values):
        assert svg == ""
        return
    paths = _paths(svg)
    for x, y in (xy for piece in _points(paths.get("line", "")) for xy in piece):
        assert PAD - 0.01 <= x <= 120 - PAD + 0.01
        assert PAD - 0.01 <= y <= 28 - PAD + 0.01
