"""Measurement files: CSV and JSON lines read into records, and every bad record reported
at its file:line:col, with nothing read from a file that has one."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orgplane.errors import SpecError, SpecReadError, UsageError
from orgplane.services.measurement_files import (
    MAX_DIAGNOSTICS,
    FileRecord,
    file_format,
    read_measurement_file,
)

JUNE_1 = datetime(2024, 6, 1, 10, 0, tzinfo=UTC)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def errors(path: Path, format: str | None = None) -> list[str]:
    """Every diagnostic of a file that must be refused, as the CLI prints them."""
    with pytest.raises(SpecError) as refused:
        read_measurement_file(path, format)
    return [str(diagnostic) for diagnostic in refused.value.diagnostics]


# -- what is read --------------------------------------------------------------------------


def test_a_csv_file_gives_one_record_per_row(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "latency.csv",
        "at,value\n"
        "2024-06-01T10:00:00Z,4.5\n"
        "\n"  # blank lines are skipped, and count
        "2024-06-01T12:00:00+02:00, 3\n"
        "1717236000.5,2e0\n",
    )

    assert read_measurement_file(path) == [
        FileRecord(line=2, kpi=None, at=JUNE_1, value=4.5),
        FileRecord(line=4, kpi=None, at=JUNE_1, value=3.0),
        FileRecord(line=5, kpi=None, at=JUNE_1.replace(microsecond=500_000), value=2.0),
    ]


def test_a_csv_file_of_several_kpis_with_ratios(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "export.CSV",
        "\ufeffKPI,At,Good,Total,Value\r\n"  # a spreadsheet's byte-order mark and CRLF
        "B-2#p95-latency,2024-06-01T10:00:00Z,,,120\r\n"
        'CIPO:1B/B-2#availability,"2024-06-01T10:00:00Z",999,1000,\r\n'
        "1B/B-2#availability,2024-06-01T10:00:00Z,5,10,0.4\r\n",
    )

    assert read_measurement_file(path) == [
        FileRecord(2, "B-2#p95-latency", JUNE_1, 120.0),
        FileRecord(3, "CIPO:1B/B-2#availability", JUNE_1, 0.999, 999.0, 1000.0),
        FileRecord(4, "1B/B-2#availability", JUNE_1, 0.4, 5.0, 10.0),  # as written
    ]


def test_a_json_lines_file_gives_one_record_per_object(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "m.jsonl",
        '{"at": "2024-06-01T10:00:00Z", "value": 4.5}\n'
        "\n"
        '{"kpi": "B-2#availability", "at": 1717236000, "good": 9, "total": 10}\n'
        '  {"at": "2024-06-01T10:00:00.250+00:00", "value": "7", "good": null}  \n',
    )

    assert read_measurement_file(path) == [
        FileRecord(1, None, JUNE_1, 4.5),
        FileRecord(3, "B-2#availability", JUNE_1, 0.9, 9.0, 10.0),
        FileRecord(4, None, JUNE_1.replace(microsecond=250_000), 7.0),
    ]


def test_the_format_comes_from_the_argument_or_the_extension(tmp_path: Path) -> None:
    jsonl = write(tmp_path, "data.txt", '{"at": 0, "value": 1}\n')

    assert read_measurement_file(jsonl, "jsonl")[0].value == 1.0
    assert [file_format(Path(n)) for n in ("a.csv", "a.JSONL", "a.ndjson", "a.json")] == [
        "csv",
        "jsonl",
        "jsonl",
        "jsonl",
    ]
    with pytest.raises(SpecReadError, match=r"cannot tell the format of a \.txt file"):
        read_measurement_file(jsonl)
    with pytest.raises(UsageError, match="unknown measurement file format 'xlsx'"):
        read_measurement_file(jsonl, "xlsx")


def test_a_csv_file_with_only_a_header_has_no_records(tmp_path: Path) -> None:
    assert read_measurement_file(write(tmp_path, "m.csv", "at,value\n")) == []
    assert read_measurement_file(write(tmp_path, "m.jsonl", "\n\n")) == []


# -- what is refused -----------------------------------------------------------------------


def test_every_bad_csv_record_is_reported_at_its_cell(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "m.csv",
        "kpi,at,value,good,total\n"
        "B-2#lat,2024-06-01T10:00:00Z,1,,\n"  # fine, but the file is refused whole
        "B-2#lat,2024-06-01T10:00:00,1,,\n"
        "B-2#lat,2024-06-01T10:00:00Z,fast,,\n"
        "B-2#lat,2024-06-01T10:00:00Z,nan,,\n"
        "B-2#avail,2024-06-01T10:00:00Z,,11,10\n"
        "B-2#avail,2024-06-01T10:00:00Z,,-1,10\n"
        "B-2#avail,2024-06-01T10:00:00Z,,1,\n"
        "B-2#avail,2024-06-01T10:00:00Z,,0,0\n"
        "B-2#lat,2024-06-01T10:00:00Z,,,\n"
        ",2024-06-01T10:00:00Z,1,,\n"
        "p95 latency,2024-06-01T10:00:00Z,1,,\n"
        "B-2#lat,1717236000000,1,,\n"
        "B-2#lat,yesterday,1,,\n"
        "B-2#lat,2024-06-01T10:00:00Z,1\n"
        'B-2#lat,"2024-06-01T10:00:00Z",1,,,extra\n',
    )

    assert errors(path) == [
        f"{path}:3:9: error OP001 at: '2024-06-01T10:00:00' has no UTC offset (hint: write "
        "an offset, like 2024-06-01T10:00:00Z or 2024-06-01T12:00:00+02:00)",
        f"{path}:4:30: error OP001 value: 'fast' is not a number",
        f"{path}:5:30: error OP001 value: nan is not a finite number",
        f"{path}:6:33: error OP001 good (11) is more than total (10)",
        f"{path}:7:33: error OP001 good: -1 is negative",
        f"{path}:8:33: error OP001 good without total: they come together",
        f"{path}:9:35: error OP001 no value, and total is 0: the ratio is undefined",
        f"{path}:10:30: error OP004 missing value (or good and total to compute it from)",
        f"{path}:11:1: error OP001 kpi: empty (every record of a file with a kpi column names one)",
        f"{path}:12:1: error OP001 kpi: 'p95 latency' is not a KPI reference (hint: write "
        "GROUP#kpi-id, like B-2#p95-latency or CIPO:1B/B-2#p95-latency)",
        f"{path}:13:9: error OP001 at: 1717236000000 is too large for unix seconds "
        "(hint: unix seconds, not milliseconds)",
        f"{path}:14:9: error OP001 at: 'yesterday' is not a time (hint: ISO 8601 with an "
        "offset, like 2024-06-01T10:00:00Z, or unix seconds)",
        f"{path}:15:31: error OP001 3 cells, the header has 5",
        f"{path}:16:36: error OP001 6 cells, the header has 5",
    ]


def test_a_bad_csv_header_ends_the_reading(tmp_path: Path) -> None:
    typo = write(tmp_path, "typo.csv", "at,valeu\n2024-06-01T10:00:00Z,1\n")
    twice = write(tmp_path, "twice.csv", "at,value,at\n")
    headless = write(tmp_path, "headless.csv", "2024-06-01T10:00:00Z,1\n")
    ratio_only = write(tmp_path, "ratio.csv", "at,good\n")

    assert errors(typo) == [
        f"{typo}:1:4: error OP002 unknown column 'valeu' (hint: did you mean 'value'?)",
        f"{typo}:1:1: error OP004 missing required column 'value' (or good and total)",
    ]
    assert errors(twice) == [f"{twice}:1:10: error OP003 duplicate column 'at' (first at column 1)"]
    assert errors(headless) == [
        f"{headless}:1:1: error OP004 the first row is not a header (hint: name the columns "
        "first, like at,value (known: kpi, at, value, good, total))"
    ]
    assert errors(ratio_only) == [
        f"{ratio_only}:1:1: error OP004 missing required column 'value' (or good and total)"
    ]


def test_an_empty_csv_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", "")

    assert errors(path) == [
        f"{path}:1:1: error OP005 the file is empty (hint: a CSV measurement file starts with "
        "a header row, like at,value)"
    ]


def test_a_quoted_cell_over_two_lines_keeps_the_lines_of_later_records(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "m.csv",
        'at,value,kpi\n2024-06-01T10:00:00Z,1,"B-2#a\nb"\n2024-06-01T10:00:00Z,x,B-2#a\n',
    )

    assert errors(path) == [
        f"{path}:2:24: error OP001 kpi: 'B-2#a\\nb' is not a KPI reference (hint: write "
        "GROUP#kpi-id, like B-2#p95-latency or CIPO:1B/B-2#p95-latency)",
        f"{path}:4:22: error OP001 value: 'x' is not a number",
    ]


def test_every_bad_json_line_is_reported_at_its_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "m.jsonl",
        '{"at": "2024-06-01T10:00:00Z", "value": 1}\n'
        '{"at": "2024-06-01 10:00", "value": 1}\n'
        '{"at": "2024-06-01T10:00:00Z", "value": true}\n'
        '{"at": "2024-06-01T10:00:00Z", "good": 3, "total": 2}\n'
        '{"at": "2024-06-01T10:00:00Z", "value": 1, "vlaue": 2}\n'
        '{"at": "2024-06-01T10:00:00Z"}\n'
        '{"value": 1}\n'
        '{"at": "2024-06-01T10:00:00Z", "value": 1, "value": 2}\n'
        '{"at": "2024-06-01T10:00:00Z", "value": 1\n'
        "[1, 2]\n"
        '{"at": "2024-06-01T10:00:00Z", "value": 1, "kpi": null}\n'
        '{"at": "2024-06-01T10:00:00Z", "value": NaN}\n',
    )

    assert errors(path) == [
        f"{path}:2:2: error OP001 at: '2024-06-01 10:00' has no UTC offset (hint: write an "
        "offset, like 2024-06-01T10:00:00Z or 2024-06-01T12:00:00+02:00)",
        f"{path}:3:32: error OP001 value: expected a number, found true/false",
        f"{path}:4:32: error OP001 good (3) is more than total (2)",
        f"{path}:5:44: error OP002 unknown field 'vlaue' (hint: did you mean 'value'?)",
        f"{path}:6:1: error OP004 missing required field 'value' (or good and total)",
        f"{path}:7:1: error OP004 missing required field 'at'",
        f"{path}:8:32: error OP003 duplicate key 'value'",
        f"{path}:9:42: error OP000 invalid JSON: Expecting ',' delimiter",
        f"{path}:10:1: error OP001 expected a JSON object, found a list",
        f"{path}:11:44: error OP001 kpi: expected a KPI reference, found null",
        f"{path}:12:32: error OP001 value: nan is not a finite number",
    ]


def test_text_that_is_not_utf8_is_reported_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes(b"at,value\n2024-06-01T10:00:00Z,1\n2024-06-01T10:00:00Z,\xff\n")

    assert errors(path) == [f"{path}:3:22: error OP000 the line is not UTF-8 text"]


def test_a_missing_file_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(SpecReadError) as refused:
        read_measurement_file(tmp_path / "nowhere.csv")

    assert (
        str(refused.value) == f"{tmp_path / 'nowhere.csv'}: error OP000 no such file or directory"
    )


def test_reading_stops_after_the_most_diagnostics_one_file_reports(tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", "at,value\n" + "2024-06-01T10:00:00Z,x\n" * 1000)

    found = errors(path)

    assert len(found) == MAX_DIAGNOSTICS
    assert found[-1].startswith(f"{path}:{MAX_DIAGNOSTICS + 1}:")


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=4_102_444_800_000),  # ms, up to 2100
            st.floats(allow_nan=False, allow_infinity=False, width=64),
        ),
        max_size=20,
    )
)
def test_what_a_csv_file_holds_is_what_is_read(rows: list[tuple[int, float]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        text = "at,value\n" + "".join(f"{ms / 1000!r},{value!r}\n" for ms, value in rows)
        records = read_measurement_file(write(Path(folder), "m.csv", text))

    assert [(r.line, round(r.at.timestamp() * 1000), r.value) for r in records] == [
        (i + 2, ms, value) for i, (ms, value) in enumerate(rows)
    ]


def test_json_numbers_and_nesting_python_cannot_hold_are_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "m.jsonl",
        '{"at": 0, "value": 1' + "0" * 400 + "}\n"
        '{"at": 1' + "0" * 400 + ', "value": 1}\n'
        '{"at": 0, "value": 1' + "0" * 5000 + "}\n" + "[" * 100_000 + "\n",
    )

    found = errors(path)

    assert found[:2] == [
        f"{path}:1:11: error OP001 value: the number is too large",
        f"{path}:2:2: error OP001 at: 10000000000000000000… is too large for unix seconds "
        "(hint: unix seconds, not milliseconds)",
    ]
    assert found[2].startswith(f"{path}:3:1: error OP000 invalid JSON: Exceeds the limit")
    assert found[3:] == [f"{path}:4:1: error OP000 invalid JSON: nested too deeply"]
