"""Read and validate the files of a large spec: from the cache, and in two processes.

Imports ``spec.cache``, ``spec.packed``, ``spec.document`` and ``model``. Parsing YAML
with positions is most of loading a large spec (docs/benchmarks.md). So a file whose
bytes were read before comes from the cache (``spec.cache``) in the packed form
(``spec.packed``), and the others are read in this process and a forked worker: a folder
of files splits naturally. Both processes take the next file, largest first, from one
shared counter, so the work balances itself whatever else the machine runs. The worker
sends its files back as ``marshal`` bytes through a shared memory buffer, a small
message per file on a pipe saying where; this process validates every file as a
``SpecDocument`` and attaches its positions, its own files as it reads them and the
worker's between its own. Each process puts the files it read in the cache.

The result is what the serial loader gives, because every file that is not read and
validated cleanly here (an error, an alias, an empty file; a worker that fails or dies)
is left for the loader to read the usual way, which gives the same value or the same
positioned errors. All this runs only for a spec of ``PARALLEL_MIN_BYTES`` or more. The
worker starts only when it pays and is safe: more than one usable CPU, ``fork`` (Linux),
and a process running one thread (forking a threaded process, such as the server, can
deadlock); otherwise this process reads every file the cache does not have. With the
cache off and no worker, ``read_large_spec`` returns None and nothing here runs.
"""

from __future__ import annotations

import marshal
import mmap
import multiprocessing
import os
import struct
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from pydantic import ValidationError

from orgplane.errors import SpecReadError
from orgplane.model.base import attach_packed_sources
from orgplane.model.source import PositionTable
from orgplane.spec.cache import SpecCache
from orgplane.spec.document import SpecDocument
from orgplane.spec.files import MAX_FILE_BYTES, read_regular_file
from orgplane.spec.packed import PackedFile, read_packed_bytes

__all__ = ["PARALLEL_MIN_BYTES", "read_large_spec", "validate_packed"]

#: Smallest spec (all its files together) read the large-spec way: from the cache
#: (``spec.cache``) and in two processes. Starting the worker costs about 3 ms in a small
#: process and 17 ms in one holding a large org; measured on two cores, parallel loading
#: paid from about 90 KiB and 300 KiB of YAML respectively, and saves 30% and more from
#: 0.5 MiB up. 1 MiB keeps a margin for a busy machine; the examples (at most 90 KiB)
#: stay serial and out of the cache.
PARALLEL_MIN_BYTES = 1024 * 1024

#: The shared buffer holds this many bytes per byte of YAML; a worker's file that does
#: not fit any more is read by this process instead.
_BUFFER_FACTOR = 4
_COUNTER = struct.Struct("q")
#: How long a claim waits for the counter's lock, held for microseconds at a time.
_LOCK_SECONDS = 10.0
#: How long the worker may take to exit once it has sent everything; then it is stopped.
_JOIN_SECONDS = 5.0


def read_large_spec(files: list[Path]) -> list[SpecDocument | None] | None:
    """Each file as a validated ``SpecDocument``, or None for a file the caller must read
    itself; None for the whole spec when it is too small for any of this."""
    try:
        sizes = [file.stat().st_size for file in files]
    except OSError:
        return None
    if sum(sizes) < PARALLEL_MIN_BYTES:
        return None
    cache = SpecCache.from_environment()
    parallel = _parallel_pays(files)
    if cache is None and not parallel:
        return None
    contents = [
        _read_bytes(file) if size <= MAX_FILE_BYTES else None
        for file, size in zip(files, sizes, strict=True)
    ]
    keys = [cache.key(data) if cache and data is not None else None for data in contents]
    documents: list[SpecDocument | None] = [None] * len(files)
    left: list[int] = []
    for index, (data, key) in enumerate(zip(contents, keys, strict=True)):
        found = cache.get(key) if cache is not None and key is not None else None
        if found is not None:
            documents[index] = validate_packed(found, str(files[index]))
        elif data is not None:
            left.append(index)
    if left:
        order = sorted(left, key=lambda i: (-sizes[i], i))
        run = _Run(files, contents, keys, cache, order, documents)
        left_bytes = sum(sizes[i] for i in left)
        if parallel and len(left) > 1 and left_bytes >= PARALLEL_MIN_BYTES:
            run.run(_BUFFER_FACTOR * left_bytes + mmap.PAGESIZE)
        else:
            run.read_all()
        if cache is not None:
            cache.prune()
    return documents


def _parallel_pays(files: list[Path]) -> bool:
    """More than one file, more than one usable CPU, and forking is safe."""
    if len(files) < 2 or not hasattr(os, "sched_getaffinity"):
        return False
    return len(os.sched_getaffinity(0)) >= 2 and _forking_is_safe()


def _read_bytes(file: Path) -> bytes | None:
    """The file's bytes; None when it cannot be read (the loader then reads it, as it
    does a file too large, and reports why)."""
    try:
        # Regular files only, within the size bound: a FIFO or a device never blocks here.
        return read_regular_file(file, str(file))
    except SpecReadError:
        return None


def _forking_is_safe() -> bool:
    """Fork is available, this process runs one thread (counting the threads the
    ``threading`` module does not know of, where ``/proc`` shows them), and it is not a
    daemonic ``multiprocessing`` worker (which may not have children)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    if threading.active_count() != 1 or multiprocessing.current_process().daemon:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return True


def validate_packed(packed: PackedFile, file: str) -> SpecDocument | None:
    """``packed`` as a ``SpecDocument`` with its positions; None if it is not valid."""
    try:
        document = SpecDocument.model_validate(packed.values)
    except ValidationError:
        return None
    table = PositionTable(file, packed.table, packed.names)
    attach_packed_sources(document, packed.values, packed.node, table)
    return document


class _Run:
    """One read of the files in ``order``: by this process alone (``read_all``), or with
    a worker (``run``): the shared buffer (a claim counter, then the worker's results),
    the lock around the counter, the pipe and the worker."""

    def __init__(
        self,
        files: list[Path],
        contents: list[bytes | None],
        keys: list[str | None],
        cache: SpecCache | None,
        order: list[int],
        documents: list[SpecDocument | None],
    ) -> None:
        self.files = files
        self.contents = contents
        self.keys = keys
        self.cache = cache
        self.order = order
        self.documents = documents

    def read_all(self) -> None:
        for index in self.order:
            self.documents[index] = self._read(index)

    def run(self, size: int) -> None:
        self.buffer = mmap.mmap(-1, size)
        context = multiprocessing.get_context("fork")
        self.lock = context.Lock()
        receiver, sender = context.Pipe(duplex=False)
        worker = context.Process(
            target=_work,
            args=(self.files, self.contents, self._claim, self.buffer, sender, self._keep),
            name="orgplane-spec-reader",
            daemon=True,
        )
        try:
            try:
                worker.start()
            except OSError:
                self.read_all()
                return
            finally:
                sender.close()
            worker_done = False
            while True:
                while not worker_done and receiver.poll():
                    worker_done = self._receive(receiver)
                index = self._claim()
                if index is None:
                    break
                self.documents[index] = self._read(index)
            while not worker_done:
                worker_done = self._receive(receiver)
            worker.join(_JOIN_SECONDS)
        finally:
            receiver.close()
            if worker.is_alive():
                worker.terminate()
            if worker.pid is not None:
                worker.join()
            self.buffer.close()

    def _claim(self) -> int | None:
        """The next file to read, in either process; None when every file is taken, or
        when the lock stays taken (a process died holding it): the files left are then
        read by the loader."""
        if not self.lock.acquire(timeout=_LOCK_SECONDS):
            return None
        try:
            taken: int = _COUNTER.unpack_from(self.buffer, 0)[0]
            if taken >= len(self.order):
                return None
            _COUNTER.pack_into(self.buffer, 0, taken + 1)
        finally:
            self.lock.release()
        return self.order[taken]

    def _read(self, index: int) -> SpecDocument | None:
        data = self.contents[index]
        packed = read_packed_bytes(data, str(self.files[index])) if data is not None else None
        if packed is None:
            return None
        if self.cache is not None:
            self._keep(index, marshal.dumps(tuple(packed)))
        return validate_packed(packed, str(self.files[index]))

    def _keep(self, index: int, blob: bytes) -> None:
        """Put a file's packed form in the cache (if there is one); each process keeps
        the files it read."""
        key = self.keys[index]
        if self.cache is not None and key is not None:
            self.cache.put(key, blob)

    def _receive(self, receiver: Connection) -> bool:
        """Take one message of the worker; True when it has stopped sending."""
        try:
            index, start, length = receiver.recv()
        except EOFError:
            return True
        if length >= 0:
            packed = PackedFile(*marshal.loads(self.buffer[start : start + length]))
            self.documents[index] = validate_packed(packed, str(self.files[index]))
        return False


def _work(
    files: list[Path],
    contents: list[bytes | None],
    claim: Callable[[], int | None],
    buffer: mmap.mmap,
    sender: Connection,
    keep: Callable[[int, bytes], None],
) -> None:
    """The worker: read files in the packed form until none is left, say where each one
    is in ``buffer`` and ``keep`` it in the cache; a length of -1 leaves the file to the
    parent (it could not be packed, or did not fit). Whatever else goes wrong ends the
    loop quietly: the files it did not send are read by the parent."""
    try:
        end = _COUNTER.size
        while (index := claim()) is not None:
            length = -1
            data = contents[index]
            try:
                packed = read_packed_bytes(data, str(files[index])) if data is not None else None
                blob = marshal.dumps(tuple(packed)) if packed is not None else b""
            except Exception:
                blob = b""
            if blob and end + len(blob) <= len(buffer):
                buffer[end : end + len(blob)] = blob
                length = len(blob)
            sender.send((index, end, length))
            end += max(length, 0)
            if length >= 0:
                keep(index, blob)
    except BaseException:
        pass
    finally:
        sender.close()
