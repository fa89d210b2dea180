"""A spec's rotation as a schedule: the implied layer of a rotation without layers, the
spec's layers, windows and overrides, and its bad input as positioned errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from orgplane.oncall import final_schedule, on_call_at
from orgplane.oncall.build import primary_layers, rotation_overrides, secondary_layers
from orgplane.spec import load_spec
from tests.cli_run import Run

SPEC = """\
org: {code: ACME, name: Acme}
people:
  - {id: ana, name: Ana}
  - {id: bo, name: Bo}
  - {id: cy, name: Cy}
oncall:
  - id: seed
    name: Seed-style rotation
    primary: Site Reliability Engineer
    secondary: Systems Administrator
    handoff: "09:00"
    timezone: UTC
    period: daily
  - id: sre
    name: SRE on call
    primary: ana
    timezone: Europe/Berlin
    layers:
      - members: [ana, bo]
        start: 2026-01-05T09:00
        turn: 1w
      - name: weekends
        members: [cy]
        start: 2026-01-03T00:00
        restrictions: [{days: [sat, sun]}]
    overrides:
      - {person: cy, start: "2026-01-07T12:00:00Z", end: "2026-01-08T12:00:00Z"}
"""


def _spec(tmp_path: Path) -> Path:
    path = tmp_path / "org.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def test_a_rotation_without_layers_is_its_primary_every_period(tmp_path: Path) -> None:
    seed = load_spec(_spec(tmp_path)).oncall[0]
    at = on_call_at(primary_layers(seed), [], datetime(2026, 6, 1, 12, tzinfo=UTC))
    assert at is not None
    assert at.member == "Site Reliability Engineer"
    found = final_schedule(
        secondary_layers(seed),
        [],
        datetime(2026, 6, 1, tzinfo=UTC),
        datetime(2026, 6, 3, tzinfo=UTC),
    )
    assert {segment.member for segment in found} == {"Systems Administrator"}


def test_the_specs_layers_windows_and_overrides_make_the_schedule(tmp_path: Path) -> None:
    sre = load_spec(_spec(tmp_path)).oncall[1]
    found = final_schedule(
        primary_layers(sre),
        rotation_overrides(sre),
        datetime(2026, 1, 5, 8, tzinfo=UTC),
        datetime(2026, 1, 12, 8, tzinfo=UTC),
    )
    assert [(s.member, s.start.isoformat(timespec="hours"), s.source) for s in found] == [
        ("ana", "2026-01-05T08+00:00", "layer 1"),  # 09:00 in Berlin
        ("cy", "2026-01-07T12+00:00", "override"),
        ("ana", "2026-01-08T12+00:00", "layer 1"),
        ("cy", "2026-01-09T23+00:00", "layer 2"),  # Saturday 00:00 in Berlin
        ("ana", "2026-01-11T23+00:00", "layer 1"),
    ]


def test_bad_rotations_are_positioned_errors(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "org.yaml"
    path.write_text(
        SPEC.replace("turn: 1w", "turn: 3x")
        .replace('end: "2026-01-08T12:00:00Z"', 'end: "2026-01-06T12:00:00Z"')
        .replace("start: 2026-01-05T09:00", "start: 2026-01-05T09:00Z"),
        encoding="utf-8",
    )
    result = run("validate", str(path))
    assert result.code == 1
    lines = [line for line in result.out.splitlines() if "OP001" in line]
    assert any(
        ":20:9: error OP001 oncall[1].layers[0].start: a layer starts at a local date-time" in line
        for line in lines
    ), lines
    assert any(
        ":21:9: error OP001 oncall[1].layers[0].turn: not a number of hours" in line
        for line in lines
    ), lines
    assert any("oncall[1].overrides[0]: the override ends" in line for line in lines), lines
    assert "Traceback" not in result.out + result.err


def test_the_docs_example_is_a_valid_rotation(run: Run, tmp_path: Path) -> None:
    import re

    docs = Path(__file__).resolve().parents[2] / "docs" / "oncall.md"
    example = re.search(r"```yaml\n(.*?)```", docs.read_text(encoding="utf-8"), re.DOTALL)
    assert example is not None
    path = tmp_path / "org.yaml"
    people = ", ".join(f"{{id: {p}, name: {p.title()}}}" for p in ("ana", "bo", "cy", "dee"))
    header = f"org: {{code: ACME, name: Acme}}\npeople: [{people}]\n"
    path.write_text(header + example.group(1), encoding="utf-8")
    result = run("validate", str(path))
    assert result.code == 0, result.out + result.err
    sre = load_spec(path).oncall[0]
    assert len(primary_layers(sre)) == 2
    assert len(rotation_overrides(sre)) == 1
