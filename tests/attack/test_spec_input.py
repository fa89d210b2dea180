"""Hostile spec files: each is refused with one positioned line and exit code 2 by
``orgplane validate``, quickly and in bounded memory; the alias bomb also through the
API's dry run, as an RFC 9457 problem with the position.
"""

from __future__ import annotations

import marshal
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from anyio.from_thread import BlockingPortal

from orgplane.spec import parallel, reader
from orgplane.spec.cache import KEY_FILE, SpecCache
from orgplane.spec.packed import read_packed_bytes
from orgplane.store import upgrade
from tests.api.conftest import Server, assert_problem, portal, serving
from tests.cli_run import Result, Run

__all__ = ["portal"]  # the API's session fixture, used here through ``server``

#: The exit code of ``orgplane validate`` for a spec with errors.
INVALID = 2
ORG = "version: 1\norg: {code: ATK, name: Attack}\n"


def alias_bomb(levels: int) -> str:
    """Groups whose ``groups:`` list the group above ten times: 10**levels groups in a
    few hundred bytes."""
    lines = [ORG.rstrip("\n"), "groups:", "- &g0 {code: a, name: a}"]
    for i in range(1, levels + 1):
        refs = ", ".join([f"*g{i - 1}"] * 10)
        lines.append(f"- &g{i} {{code: a{i}, name: a, groups: [{refs}]}}")
    return "\n".join(lines) + "\n"


def billion_laughs() -> str:
    """The classic: nine levels of ten aliases of a string, 10**9 copies of "lol"."""
    lines = [ORG.rstrip("\n"), 'x0: &a0 "lol"']
    for i in range(1, 10):
        lines.append(f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]")
    return "\n".join(lines) + "\n"


def one_error(run: Run, path: Path) -> str:
    """Validate ``path``: exit code 2, no traceback, one error line; that line."""
    result = run("validate", str(path))
    assert result.code == INVALID, (result.code, result.out, result.err)
    output = result.out + result.err
    assert "Traceback" not in output
    errors = [line for line in output.splitlines() if " error OP" in line or "error OP" in line]
    assert len(errors) == 1, output
    return errors[0]


def test_an_alias_bomb_of_under_800_bytes_is_refused_at_the_alias(run: Run, tmp_path: Path) -> None:
    spec = tmp_path / "org.yaml"
    spec.write_text(alias_bomb(7))
    assert spec.stat().st_size < 800
    line = one_error(run, spec)
    assert re.search(r"org\.yaml:10:\d+: error OP000 aliases expand the file by more than", line), (
        line
    )


def test_a_six_level_alias_bomb_is_refused_too(run: Run, tmp_path: Path) -> None:
    spec = tmp_path / "org.yaml"
    spec.write_text(alias_bomb(6))
    line = one_error(run, spec)
    assert re.search(r"org\.yaml:10:\d+: error OP000 aliases expand", line), line


def test_billion_laughs_is_refused(run: Run, tmp_path: Path) -> None:
    spec = tmp_path / "org.yaml"
    spec.write_text(billion_laughs())
    line = one_error(run, spec)
    assert re.search(r"org\.yaml:\d+:\d+: error OP000 (aliases expand|more than \d+ aliases)", line)


def test_a_long_string_repeated_by_aliases_is_refused_by_its_size(run: Run, tmp_path: Path) -> None:
    # Few nodes, many characters: 1 MiB named 100 times is 100 MiB of text.
    body = "x" * (1024 * 1024)
    refs = ", ".join(["*big"] * 100)
    spec = tmp_path / "org.yaml"
    spec.write_text(f"{ORG}notes: &big {body}\nmore: [{refs}]\n")
    line = one_error(run, spec)
    assert re.search(
        r"org\.yaml:4:\d+: error OP000 aliases expand the file by more than \d+ MiB", line
    )


def test_the_large_spec_path_leaves_an_alias_bomb_to_the_bounded_reader(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Files of a large spec are read in the packed form, which has no aliases: a file
    # with one goes to the reader, and its bounds.
    assert read_packed_bytes(alias_bomb(7).encode(), "org.yaml") is None
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "_parallel_pays", lambda files: False)  # no fork here
    monkeypatch.delenv("ORGPLANE_NO_CACHE", raising=False)
    monkeypatch.setenv("ORGPLANE_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "org.yaml").write_text(alias_bomb(7))
    (tmp_path / "more.yaml").write_text("version: 1\n")
    line = one_error(run, tmp_path)
    assert re.search(r"org\.yaml:10:\d+: error OP000 aliases expand the file", line), line


def test_aliases_that_stay_small_still_load(tmp_path: Path) -> None:
    # The bounds count what aliases stand for; ordinary reuse is untouched.
    data = reader.read_yaml_text(alias_bomb(3), "org.yaml")
    assert isinstance(data, dict)
    assert len(data["groups"]) == 4


def test_deep_yaml_is_one_positioned_error(run: Run, tmp_path: Path) -> None:
    spec = tmp_path / "org.yaml"
    spec.write_text(ORG + "notes: " + "[" * 5000 + "]" * 5000 + "\n")
    line = one_error(run, spec)
    assert re.search(rf"org\.yaml:3:\d+: error OP000 nesting deeper than {reader.MAX_DEPTH}", line)


def test_a_file_over_the_size_bound_is_refused_by_name(run: Run, tmp_path: Path) -> None:
    spec = tmp_path / "huge.yaml"
    with spec.open("wb") as out:
        out.write(ORG.encode())
        out.truncate(reader.MAX_FILE_BYTES + 1)  # sparse: no disk is spent on it
    line = one_error(run, spec)
    assert "huge.yaml" in line
    assert "larger than the 16 MiB a spec file may be" in line


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r":3:1: error OP000 binary file \(NUL byte\)"),
        (ORG.encode("utf-16"), r":1:\d+: error OP000 binary file \(NUL byte\)"),
        (ORG.encode() + b"notes: caf\xe9\n", r":3:11: error OP000 not UTF-8 text \(byte 0xe9\)"),
        (ORG.encode() + b"notes: a\x00b\n", r":3:9: error OP000 binary file \(NUL byte\)"),
        (
            ORG.encode() + b"org: {code: X, name: X}\n",
            r":3:1: error OP003 duplicate key 'org' \(first at line 2, column 1\)",
        ),
        (
            ORG.encode() + b"notes: !!python/object:os.system {}\n",
            r":3:8: error OP000 YAML tag tag:yaml.org,2002:python/object:os.system is not",
        ),
        (
            ORG.encode() + b"notes: !!python/object/apply:os.system [id]\n",
            r":3:8: error OP000 YAML tag tag:yaml.org,2002:python/object/apply:os.system",
        ),
    ],
    ids=["binary", "utf-16", "invalid-utf-8", "nul", "duplicate-key", "python-object", "apply"],
)
def test_malformed_files_are_one_positioned_error(
    run: Run, tmp_path: Path, content: bytes, expected: str
) -> None:
    spec = tmp_path / "org.yaml"
    spec.write_bytes(content)
    line = one_error(run, spec)
    assert re.search(r"org\.yaml" + expected, line), line


def test_a_symlink_to_dev_zero_is_refused_before_reading(run: Run, tmp_path: Path) -> None:
    spec = tmp_path / "org.yaml"
    spec.symlink_to("/dev/zero")
    line = one_error(run, spec)
    assert "org.yaml: is not a regular file (a character device)" in line


def test_a_symlink_to_dev_zero_in_a_spec_folder_is_refused(run: Run, tmp_path: Path) -> None:
    (tmp_path / "org.yaml").write_text(ORG)
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    line = one_error(run, tmp_path)
    assert "zero.yaml: is not a regular file (a character device)" in line


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_a_spec_folder_is_refused_without_waiting(run: Run, tmp_path: Path) -> None:
    # Nothing ever writes to this FIFO: opening it for reading without O_NONBLOCK waits.
    (tmp_path / "org.yaml").write_text(ORG)
    os.mkfifo(tmp_path / "pipe.yaml")
    line = one_error(run, tmp_path)
    assert "pipe.yaml: is not a regular file (a FIFO)" in line


@pytest.fixture
def server(tmp_path: Path, portal: BlockingPortal) -> Iterator[Server]:
    """The whole server on an empty SQLite database."""
    url = f"sqlite:///{tmp_path / 'orgplane.db'}"
    upgrade(url)
    with serving("sqlite", url, portal) as served:
        yield served


def dry_run(server: Server, body: str) -> httpx.Response:
    return server.client.post(
        "/api/apply",
        content=body.encode(),
        params={"dry_run": "true"},
        headers={**server.auth("editor"), "Content-Type": "application/yaml"},
    )


def test_an_alias_bomb_in_an_api_dry_run_is_a_problem_with_its_position(server: Server) -> None:
    # The status is the one every unreadable spec gets (invalid YAML is the reference),
    # never a 500, and it comes before anything is expanded.
    unreadable = assert_problem(dry_run(server, ORG + "groups: [\n"))["status"]
    assert 400 <= unreadable < 500
    problem = assert_problem(dry_run(server, alias_bomb(7)), unreadable)
    errors = problem["errors"]
    assert len(errors) == 1, errors
    assert errors[0]["code"] == "OP000"
    assert errors[0]["file"] == "request-body.yaml"
    assert errors[0]["line"] == 10
    assert errors[0]["col"] > 0
    assert "aliases expand the file by more than" in errors[0]["message"]


# The spec cache (spec/cache.py): what is read from it is trusted as if it were the spec.

SHOWN = "version: 1\norg: {code: ATK, name: Attack}\ngroups:\n- {code: G, name: Genuine Group}\n"
EVIL = SHOWN.replace("Genuine Group", "Evil Group!!!")  # the same length: marshal stays valid


@pytest.fixture
def cached(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A spec read through the cache (as a large one is), and the cache folder's path."""
    monkeypatch.delenv("ORGPLANE_NO_CACHE", raising=False)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "_parallel_pays", lambda files: False)
    spec = tmp_path / "spec"
    spec.mkdir()
    (spec / "org.yaml").write_text(SHOWN)
    (spec / "more.yaml").write_text("version: 1\n")
    folder = tmp_path / "cache"
    monkeypatch.setenv("ORGPLANE_CACHE_DIR", str(folder))
    return folder


def show(run: Run, tmp_path: Path) -> Result:
    result = run("show", "G", "--spec", str(tmp_path / "spec"))
    assert result.code == 0, result
    return result


def plant(folder: Path) -> None:
    """Write, under the key of the genuine file, what the evil one reads as."""
    packed = read_packed_bytes(EVIL.encode(), "org.yaml")
    assert packed is not None
    key = SpecCache(folder).key(SHOWN.encode())
    (folder / f"{key}.packed").write_bytes(marshal.dumps(tuple(packed)))


def test_a_tampered_cache_entry_is_a_miss_and_is_written_again(
    run: Run, tmp_path: Path, cached: Path
) -> None:
    assert "Genuine Group" in show(run, tmp_path).out
    entries = sorted(cached.glob("*.packed"))
    assert entries
    for entry in entries:
        entry.write_bytes(entry.read_bytes().replace(b"Genuine Group", b"Evil Group!!!"))
    assert any(b"Evil Group!!!" in entry.read_bytes() for entry in entries)
    result = show(run, tmp_path)
    assert "Genuine Group" in result.out
    assert "Evil" not in result.out
    assert not any(b"Evil Group!!!" in entry.read_bytes() for entry in entries)


def test_an_entry_planted_without_the_key_is_not_used(
    run: Run, tmp_path: Path, cached: Path
) -> None:
    show(run, tmp_path)  # the folder and its key exist, as they would
    plant(cached)
    result = show(run, tmp_path)
    assert "Genuine Group" in result.out
    assert "Evil" not in result.out


def test_a_cache_folder_others_may_write_to_is_not_used(
    run: Run, tmp_path: Path, cached: Path
) -> None:
    cached.mkdir()
    cached.chmod(0o777)
    plant(cached)
    result = show(run, tmp_path)
    assert "Genuine Group" in result.out
    assert "Evil" not in result.out
    assert result.err.splitlines() == [
        f"orgplane: warning: spec cache not used: {cached}: others may write to it (mode 0777)"
    ]
    assert not (cached / KEY_FILE).exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder away needs root")
def test_a_cache_folder_of_another_user_is_not_used(run: Run, tmp_path: Path, cached: Path) -> None:
    cached.mkdir(mode=0o700)
    plant(cached)
    os.chown(cached, 65534, 65534)
    result = show(run, tmp_path)
    assert "Evil" not in result.out
    assert result.err.splitlines() == [
        f"orgplane: warning: spec cache not used: {cached}: it belongs to another user (uid 65534)"
    ]


def test_the_key_is_the_users_alone(run: Run, tmp_path: Path, cached: Path) -> None:
    show(run, tmp_path)
    key = cached / KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_bytes()) == 32
