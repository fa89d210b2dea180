"""The spec cache: a large spec's files read before come from it, with the same result.

``spec.cache`` keeps each file of a large spec in the packed form, under a key made of
its bytes. These tests turn the cache on in a folder of their own and lower the
large-spec threshold so that a small generated org takes that path, and compare every
load with the plain serial loader: the same models and positions, the same errors.
"""

from __future__ import annotations

import marshal
import os
import time
from pathlib import Path

import pytest

from orgplane.errors import SpecError
from orgplane.spec import parallel as parallel_module
from orgplane.spec.cache import MAX_AGE_DAYS, SpecCache
from orgplane.spec.generator import generate_org
from orgplane.spec.loader import load_documents
from orgplane.spec.packed import read_packed_bytes, read_packed_file
from tests.spec.same_documents import assert_same_documents, serial_documents

#: With the cache on, a large spec may still be read in a forked worker: run these first,
#: while the test process runs one thread (tests/conftest.py).
pytestmark = pytest.mark.forks


@pytest.fixture
def org_dir(tmp_path: Path) -> Path:
    out = tmp_path / "org"
    generate_org(out, departments=2, squads_per=2, units_per=2, people=300, catalog=200)
    return out


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cache on, in its own folder, for specs of any size."""
    folder = tmp_path / "cache"
    monkeypatch.delenv("ORGPLANE_NO_CACHE", raising=False)
    monkeypatch.setenv("ORGPLANE_CACHE_DIR", str(folder))
    monkeypatch.setattr(parallel_module, "PARALLEL_MIN_BYTES", 0)
    return folder


@pytest.fixture
def no_reading(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Reading a file in the packed form records its name (in this process)."""
    read: list[str] = []
    packed = read_packed_bytes

    def recording(data: bytes, file: str) -> object:
        read.append(Path(file).name)
        return packed(data, file)

    monkeypatch.setattr(parallel_module, "read_packed_bytes", recording)
    return read


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.packed"))


def _no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel_module, "_parallel_pays", lambda files: False)


def test_a_second_load_reads_nothing_and_gives_the_same_models_and_positions(
    org_dir: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, no_reading: list[str]
) -> None:
    _no_worker(monkeypatch)
    files = sorted(org_dir.glob("*.yaml"))
    first = load_documents(org_dir)
    assert sorted(no_reading) == sorted(file.name for file in files)
    assert len(_entries(cache_dir)) == len(files)
    no_reading.clear()
    second = load_documents(org_dir)
    assert no_reading == []
    serial = serial_documents(org_dir, monkeypatch)
    assert_same_documents(serial, first)
    assert_same_documents(serial, second)


@pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="the worker needs fork and two usable CPUs",
)
def test_the_worker_puts_the_files_it_read_in_the_cache(
    org_dir: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, no_reading: list[str]
) -> None:
    read = parallel_module._Run._read

    def after_the_worker(self: parallel_module._Run, index: int) -> object:
        # This process reads its first file only once the worker has taken all others.
        deadline = time.monotonic() + 30
        while parallel_module._COUNTER.unpack_from(self.buffer, 0)[0] < len(self.order):
            assert time.monotonic() < deadline, "the worker took no file"
            time.sleep(0.002)
        return read(self, index)

    monkeypatch.setattr(parallel_module._Run, "_read", after_the_worker)
    files = sorted(org_dir.glob("*.yaml"))
    load_documents(org_dir)
    assert len(no_reading) == 1, "this process read more than one file"
    assert len(_entries(cache_dir)) == len(files)
    no_reading.clear()
    cached = load_documents(org_dir)
    assert no_reading == []
    assert_same_documents(serial_documents(org_dir, monkeypatch), cached)


def test_a_changed_file_is_read_again(
    org_dir: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, no_reading: list[str]
) -> None:
    _no_worker(monkeypatch)
    load_documents(org_dir)
    people = next(org_dir.glob("people*.yaml"))
    people.write_text(people.read_text().replace("name: ", "name: X ", 1))
    no_reading.clear()
    changed = load_documents(org_dir)
    assert no_reading == [people.name]
    assert_same_documents(serial_documents(org_dir, monkeypatch), changed)
    assert any(
        person.name.startswith("X ") for _, document in changed for person in document.people or []
    )


def test_a_damaged_entry_is_a_miss_and_is_replaced(
    org_dir: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, no_reading: list[str]
) -> None:
    _no_worker(monkeypatch)
    load_documents(org_dir)
    entries = _entries(cache_dir)
    entries[0].write_bytes(b"\x00not marshal")
    entries[1].write_bytes(marshal.dumps(("a", "tuple", "of the wrong", "shape")))
    entries[2].write_bytes(entries[2].read_bytes()[:-10])
    no_reading.clear()
    documents = load_documents(org_dir)
    assert len(no_reading) == 3
    assert_same_documents(serial_documents(org_dir, monkeypatch), documents)
    assert len(_entries(cache_dir)) == len(entries)
    no_reading.clear()
    load_documents(org_dir)
    assert no_reading == []


def test_a_file_with_an_error_is_never_kept_and_always_reported(
    org_dir: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_worker(monkeypatch)
    people = next(org_dir.glob("people*.yaml"))
    people.write_text(people.read_text() + "  - {id: [oops]\n")
    files = sorted(org_dir.glob("*.yaml"))
    with pytest.raises(SpecError) as serial:
        serial_documents(org_dir, monkeypatch)
    for _ in range(2):
        with pytest.raises(SpecError) as cached:
            load_documents(org_dir)
        assert [str(d) for d in cached.value.diagnostics] == [
            str(d) for d in serial.value.diagnostics
        ]
    assert len(_entries(cache_dir)) == len(files) - 1


def test_a_folder_that_cannot_be_written_only_makes_the_cache_miss(
    org_dir: Path, tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_worker(monkeypatch)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ORGPLANE_CACHE_DIR", str(blocker / "cache"))
    documents = load_documents(org_dir)
    assert_same_documents(serial_documents(org_dir, monkeypatch), documents)


def test_the_cache_is_off_with_orgplane_no_cache(
    org_dir: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_worker(monkeypatch)
    monkeypatch.setenv("ORGPLANE_NO_CACHE", "1")
    load_documents(org_dir)
    assert not cache_dir.exists()
    monkeypatch.setenv("ORGPLANE_NO_CACHE", "0")
    load_documents(org_dir)
    assert _entries(cache_dir)


def test_where_the_cache_is() -> None:
    def folder(environ: dict[str, str]) -> Path | None:
        cache = SpecCache.from_environment(environ)
        return cache.directory if cache is not None else None

    assert folder({"HOME": "/h"}) == Path("/h/.cache/orgplane")
    assert folder({"HOME": "/h", "XDG_CACHE_HOME": "/x"}) == Path("/x/orgplane")
    assert folder({"XDG_CACHE_HOME": "/x", "ORGPLANE_CACHE_DIR": "/c"}) == Path("/c")
    assert folder({"ORGPLANE_NO_CACHE": "yes", "ORGPLANE_CACHE_DIR": "/c"}) is None
    assert folder({"ORGPLANE_NO_CACHE": "0", "ORGPLANE_CACHE_DIR": "/c"}) == Path("/c")


def test_small_specs_stay_out_of_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache"
    monkeypatch.delenv("ORGPLANE_NO_CACHE", raising=False)
    monkeypatch.setenv("ORGPLANE_CACHE_DIR", str(folder))
    examples = Path(__file__).parents[2] / "examples"
    for spec in sorted(path for path in examples.iterdir() if path.is_dir()):
        if any(spec.glob("*.yaml")):
            load_documents(spec)
    assert not folder.exists()


def test_keys_depend_on_the_bytes_and_on_the_reading_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = SpecCache(tmp_path)
    assert cache.key(b"a: 1\n") == SpecCache(tmp_path).key(b"a: 1\n")
    assert cache.key(b"a: 1\n") != cache.key(b"a: 2\n")
    from orgplane.spec import cache as cache_module

    cache_module._salt.cache_clear()
    monkeypatch.setattr(cache_module, "_FORMAT", b"another format")
    try:
        assert SpecCache(tmp_path).key(b"a: 1\n") != cache.key(b"a: 1\n")
    finally:
        cache_module._salt.cache_clear()


def test_prune_removes_old_and_surplus_entries(
    org_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = SpecCache(tmp_path / "cache")
    packed = read_packed_file(next(org_dir.glob("people*.yaml")), "people.yaml")
    assert packed is not None
    blob = marshal.dumps(tuple(packed))
    now = time.time()
    for age_days, name in ((MAX_AGE_DAYS + 1, "old"), (2, "older"), (1, "newer"), (0, "new")):
        cache.put(name, blob)
        used = now - age_days * 86400
        os.utime(cache.directory / f"{name}.packed", (used, used))
    stale = cache.directory / ".half-written"
    stale.write_bytes(b"x")
    os.utime(stale, (now - 7200, now - 7200))
    entry_bytes = (cache.directory / "new.packed").stat().st_size  # the blob, signed
    monkeypatch.setattr("orgplane.spec.cache.MAX_BYTES", 2 * entry_bytes)
    cache.prune(now)
    assert [path.stem for path in _entries(cache.directory)] == ["new", "newer"]
    assert not stale.exists()
    assert cache.get("new") == packed
    assert cache.get("missing") is None
