"""Loading a large spec in two processes gives exactly what loading it in one gives.

``spec.parallel`` reads the files of a spec above ``PARALLEL_MIN_BYTES`` in this process
and a forked worker, in the packed form (``spec.packed``). These tests force it on small
specs (a threshold of 0) and compare it with the serial loader: the same models, the same
position for every model, field and list item, the same errors in the same order, and the
serial path whenever parallel reading is not safe or does not pay.
"""

from __future__ import annotations

import copy
import multiprocessing
import os
import pickle
import string
import threading
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgplane.errors import SpecError, SpecReadError
from orgplane.model import NodeSource, SourcedDict, SourcedList
from orgplane.model.source import PackedNode, PackedSource, PositionTable
from orgplane.spec import load_spec
from orgplane.spec import parallel as parallel_module
from orgplane.spec.generator import generate_org
from orgplane.spec.loader import load_documents
from orgplane.spec.packed import read_packed_bytes, read_packed_file
from orgplane.spec.reader import read_yaml_file
from tests.spec.same_documents import assert_same_documents, serial_documents, source_positions

#: Forking is only safe in a process running one thread: tests/conftest.py runs these
#: tests first, before any other test starts one (a database server, a portal).
pytestmark = pytest.mark.forks

needs_fork = pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="parallel loading needs fork and two usable CPUs",
)


@pytest.fixture(scope="module")
def org_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("parallel") / "org"
    generate_org(out, departments=3, squads_per=3, units_per=2, people=900, catalog=400)
    return out


def _one_thread() -> bool:
    """This process runs one thread, once a thread that was just joined has also left
    the operating system's list (``read_large_spec`` checks both)."""
    deadline = time.monotonic() + 5
    while threading.active_count() == 1 and time.monotonic() < deadline:
        try:
            if len(os.listdir("/proc/self/task")) == 1:
                return True
        except OSError:
            return True
        time.sleep(0.01)
    return False


@pytest.fixture
def forced(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Parallel loading on any spec; gives the files of each run that the worker sent."""
    if not _one_thread():
        pytest.fail("other threads run in this test process: forking would not be safe")
    monkeypatch.setattr(parallel_module, "PARALLEL_MIN_BYTES", 0)
    sent: list[int] = []
    receive = parallel_module._Run._receive

    def counting(self: parallel_module._Run, receiver: object) -> bool:
        before = sum(document is not None for document in self.documents)
        done = receive(self, receiver)  # type: ignore[arg-type]
        sent.append(sum(document is not None for document in self.documents) - before)
        return done

    monkeypatch.setattr(parallel_module._Run, "_receive", counting)
    return sent


def _parent_waits(monkeypatch: pytest.MonkeyPatch, taken: Callable[[int], int]) -> None:
    """This process reads its first file only once ``taken(files)`` files are claimed, so
    that the worker surely reads the others."""
    read = parallel_module._Run._read

    def waiting(self: parallel_module._Run, index: int) -> object:
        deadline = time.monotonic() + 30
        while parallel_module._COUNTER.unpack_from(self.buffer, 0)[0] < taken(len(self.order)):
            assert time.monotonic() < deadline, "the worker took no file"
            time.sleep(0.002)
        return read(self, index)

    monkeypatch.setattr(parallel_module._Run, "_read", waiting)


@pytest.fixture
def worker_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker reads every file but the first (the largest)."""
    _parent_waits(monkeypatch, lambda files: files)


def _error(load: Callable[[], object]) -> tuple[type[Exception], list[str]]:
    with pytest.raises(SpecError) as info:
        load()
    return type(info.value), [str(d) for d in info.value.diagnostics]


# -- the same result ---------------------------------------------------------------------


@needs_fork
def test_parallel_gives_the_serial_models_andsource_positions(
    org_dir: Path, forced: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    parallel = load_documents(org_dir)
    assert sum(forced) >= 1, "the worker sent no file"
    serial = serial_documents(org_dir, monkeypatch)
    assert_same_documents(serial, parallel)
    assert any(isinstance(document.source, PackedSource) for _, document in parallel), (
        "no file was read in the packed form"
    )


@needs_fork
def test_the_worker_can_read_all_files_but_one(
    org_dir: Path, forced: list[int], worker_first: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    parallel = load_documents(org_dir)
    assert sum(forced) == len(parallel) - 1
    assert_same_documents(serial_documents(org_dir, monkeypatch), parallel)


@needs_fork
def test_a_merged_org_points_at_the_same_places(
    org_dir: Path, forced: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    org = load_spec(org_dir)
    assert sum(forced) >= 1
    with monkeypatch.context() as patch:
        patch.setattr(parallel_module, "PARALLEL_MIN_BYTES", 1 << 62)
        expected = load_spec(org_dir)
    assert org.model_dump() == expected.model_dump()
    unit = org.groups[1].groups[2].groups[1]
    same = expected.groups[1].groups[2].groups[1]
    asked: list[tuple[str | None, int | None]] = [
        (None, None),
        ("name", None),
        ("members", 3),
        ("members", 99),
        ("kpis", 0),
        ("nothing", None),
    ]
    for field, index in asked:
        assert str(unit.location(field, index)) == str(same.location(field, index))
    assert str(org.people[-1].location("roles", 0)) == str(expected.people[-1].location("roles", 0))


@needs_fork
def test_copies_and_pickles_keep_thesource_positions(org_dir: Path, forced: list[int]) -> None:
    documents = load_documents(org_dir)
    document = next(doc for _, doc in documents if isinstance(doc.source, PackedSource))
    for clone in (copy.deepcopy(document), pickle.loads(pickle.dumps(document))):
        assert type(clone.source) is NodeSource
        assert source_positions(clone) == source_positions(document)


# -- errors ------------------------------------------------------------------------------

BROKEN = {
    "a-yaml.yaml": "groups:\n  - code: 1A\n    name: [unclosed\n",
    "b-unknown.yaml": "people:\n  - {id: p1, name: Ann, emial: a@example.org}\n",
    "c-duplicate.yaml": "people:\n  - id: p2\n    name: Bo\n    id: p3\n",
    "d-empty.yaml": "# nothing here\n",
    "e-list.yaml": "- just\n- a list\n",
    "f-missing.yaml": "groups:\n  - {code: 1F}\n  - code: 1G\n    name: G\n    kpis: [{weight: 2}]\n",
    "g-tag.yaml": "people:\n  - !!python/object {id: p4, name: Di}\n",
}


def _spec(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir()
    header = "org: {code: ACME, name: Acme}\npeople:\n" + "".join(
        f"  - {{id: p-{i:04d}, name: Person {i}, roles: [engineer]}}\n" for i in range(200)
    )
    (folder / "org.yaml").write_text(header, encoding="utf-8")
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@needs_fork
@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(BROKEN, id="unreadable-and-invalid"),
        pytest.param({k: v for k, v in BROKEN.items() if k[0] in "bf"}, id="invalid-only"),
    ],
)
def test_errors_in_files_the_worker_read_are_reported_asserial_documents(
    tmp_path: Path,
    forced: list[int],
    worker_first: None,
    monkeypatch: pytest.MonkeyPatch,
    broken: dict[str, str],
) -> None:
    folder = _spec(tmp_path / "spec", broken)
    kind, diagnostics = _error(lambda: load_documents(folder))
    assert forced, "the worker was not used"
    serial = _error(lambda: serial_documents(folder, monkeypatch))
    assert (kind, diagnostics) == serial
    assert kind is (SpecReadError if "a-yaml.yaml" in broken else SpecError)


@needs_fork
def test_the_diagnostics_are_cut_the_same_way(
    tmp_path: Path, forced: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = "".join(f"  - {{id: x{i}, name: N, mail: m}}\n" for i in range(40))
    folder = _spec(tmp_path / "spec", {f"bad-{n}.yaml": "people:\n" + bad for n in range(4)})
    kind, diagnostics = _error(lambda: load_documents(folder))
    assert len(diagnostics) == 100
    assert (kind, diagnostics) == _error(lambda: serial_documents(folder, monkeypatch))


@needs_fork
def test_aliases_and_odd_values_are_left_to_the_reader(
    tmp_path: Path, forced: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _spec(
        tmp_path / "spec",
        {
            "alias.yaml": "roles:\n  - &r {id: sre, name: SRE}\n"
            "groups:\n  - code: 1A\n    name: A\n    responsibilities: &jobs [x, y]\n"
            "    boundaries: *jobs\n",
            "nulls.yaml": "groups:\n  - code: 1B\n    name: B\n    description:\n"
            "    kpis: ['null', {text: up, weight: }]\n    oncall: ~\n",
        },
    )
    assert_same_documents(serial_documents(folder, monkeypatch), load_documents(folder))


# -- a worker that fails -----------------------------------------------------------------


@needs_fork
@pytest.mark.parametrize("failure", ["raises", "dies"])
def test_a_failing_worker_leaves_its_files_to_this_process(
    org_dir: Path, forced: list[int], monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    _parent_waits(monkeypatch, lambda files: 2)
    parent = os.getpid()
    read = read_packed_bytes

    def failing(data: bytes, file: str) -> object:
        if os.getpid() != parent:
            if failure == "dies":
                os._exit(3)
            raise RuntimeError("unexpected")
        return read(data, file)

    monkeypatch.setattr(parallel_module, "read_packed_bytes", failing)
    documents = load_documents(org_dir)
    assert forced, "the worker was not used"
    assert sum(forced) == 0, "the worker sent a file"
    assert_same_documents(serial_documents(org_dir, monkeypatch), documents)


# -- when it runs ------------------------------------------------------------------------


def _files(org_dir: Path) -> list[Path]:
    return sorted(org_dir.glob("*.yaml"))


@needs_fork
def test_it_runs_above_the_threshold_only(org_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not _one_thread():
        pytest.fail("other threads run in this test process: forking would not be safe")
    files = _files(org_dir)
    size = sum(file.stat().st_size for file in files)
    monkeypatch.setattr(parallel_module, "PARALLEL_MIN_BYTES", size + 1)
    assert parallel_module.read_large_spec(files) is None
    monkeypatch.setattr(parallel_module, "PARALLEL_MIN_BYTES", size)
    assert parallel_module.read_large_spec(files) is not None


def test_small_specs_stayserial_documents() -> None:
    examples = Path(__file__).parents[2] / "examples"
    for folder in sorted(path for path in examples.iterdir() if path.is_dir()):
        files = sorted(folder.glob("*.yaml"))
        if files:
            assert parallel_module.read_large_spec(files) is None, folder


@needs_fork
def test_it_stays_serial_when_forking_is_unsafe_or_useless(
    org_dir: Path, forced: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _files(org_dir)
    assert parallel_module.read_large_spec(files[:1]) is None
    with monkeypatch.context() as patch:
        patch.setattr(os, "sched_getaffinity", lambda pid: {0})
        assert parallel_module.read_large_spec(files) is None
    with monkeypatch.context() as patch:
        patch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
        assert parallel_module.read_large_spec(files) is None
    with monkeypatch.context() as patch:
        patch.setattr(os, "listdir", lambda path: ["1", "2"])
        assert parallel_module.read_large_spec(files) is None
    with monkeypatch.context() as patch:
        daemon = types.SimpleNamespace(daemon=True)
        patch.setattr(multiprocessing, "current_process", lambda: daemon)
        assert parallel_module.read_large_spec(files) is None
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert parallel_module.read_large_spec(files) is None
    finally:
        release.set()
        thread.join()
    assert _one_thread()
    assert parallel_module.read_large_spec(files) is not None


# -- the packed form ---------------------------------------------------------------------


def _classic_tree(value: object) -> object:
    """A reader value as plain data, with every mapping's and list's positions."""
    if isinstance(value, SourcedDict):
        source = value.source
        return (
            "map",
            (source.line, source.col, source.keys, source.items),
            {key: _classic_tree(item) for key, item in value.items()},
        )
    if isinstance(value, SourcedList):
        return ("list", list(value.positions), [_classic_tree(item) for item in value])
    return value


def _packed_tree(value: object, node: PackedNode | None, table: PositionTable) -> object:
    """The packed form as ``_classic_tree`` shows the reader's values."""
    if isinstance(value, dict):
        assert isinstance(node, int | tuple)
        offset, below = (node, {}) if isinstance(node, int) else node
        source = table.source(offset)
        lists = source.items or {}
        return (
            "map",
            (source.line, source.col, source.keys, source.items),
            {
                key: (
                    ("list", lists[key], _packed_items(item, below.get(key), table))
                    if isinstance(item, list)
                    else _packed_tree(item, below.get(key), table)
                )
                for key, item in value.items()
            },
        )
    assert not isinstance(value, list), "a list outside a mapping is shown by its mapping"
    return value


def _packed_items(items: list[object], node: PackedNode | None, table: PositionTable) -> object:
    nodes = node if isinstance(node, list) else [None] * len(items)
    out: list[object] = []
    for item, item_node in zip(items, nodes, strict=True):
        if isinstance(item, list):
            inner: Any = item_node if isinstance(item_node, list) else [None] * len(item)
            out.append(("list", None, _packed_items(item, inner, table)))
        else:
            out.append(_packed_tree(item, item_node, table))
    return out


def _without_nested_listsource_positions(tree: object) -> object:
    """Positions of items of a list inside a list are kept by the reader only (a model
    never asks for them); drop them from its tree before comparing."""
    if isinstance(tree, tuple) and tree[0] == "map":
        return (
            "map",
            tree[1],
            {k: _without_nested_listsource_positions(v) for k, v in tree[2].items()},
        )
    if isinstance(tree, tuple) and tree[0] == "list":
        items = [
            ("list", None, _without_nested_listsource_positions(item)[2])  # type: ignore[index]
            if isinstance(item, tuple) and item[0] == "list"
            else _without_nested_listsource_positions(item)
            for item in tree[2]
        ]
        return ("list", tree[1], items)
    return tree


scalars = st.one_of(
    st.text(string.ascii_letters + " -:#&*!?,[]{}'\"é", max_size=6),
    st.sampled_from(["", "~", "null", "Null", "yes", "no", "1.30", "007"]),
    st.none(),
    st.integers(-5, 5),
)
keys = st.text(string.ascii_lowercase + "_", min_size=1, max_size=4)
trees = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tree=st.dictionaries(keys, trees, min_size=1, max_size=4),
    flow=st.sampled_from([None, True, False]),
    noise=st.sampled_from(
        [
            "",
            "x: &a 1\ny: *a\n",
            "a: 1\na: 2\n",
            "[",
            "--- 1\n--- 2\n",
            "t: !!str 5\nu: !!null ''\n",
            "v: !!python/name:os.system x\n",
            "w: !custom {a: 1}\n",
        ]
    ),
)
def test_the_packed_form_holds_what_the_reader_gives(
    tmp_path_factory: pytest.TempPathFactory, tree: dict[str, object], flow: bool | None, noise: str
) -> None:
    text = yaml.safe_dump(tree, default_flow_style=flow, allow_unicode=True) + noise
    path = tmp_path_factory.mktemp("packed") / "file.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        classic: object = read_yaml_file(path, "file.yaml")
    except SpecReadError:
        classic = None
    packed = read_packed_file(path, "file.yaml")
    if not isinstance(classic, SourcedDict) or noise.startswith("x:"):
        assert packed is None
        return
    assert packed is not None
    table = PositionTable("file.yaml", packed.table, packed.names)
    assert _packed_tree(packed.values, packed.node, table) == _without_nested_listsource_positions(
        _classic_tree(classic)
    )
