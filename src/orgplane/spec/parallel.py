"""Read and validate the files of a large spec in two processes: this one and a forked worker.

Imports ``spec.packed``, ``spec.document`` and ``model``. Parsing YAML with positions
is most of loading a large spec (docs/benchmarks.md), and a folder of files splits
naturally. Both processes take the next file, largest first, from one shared counter, so
the work balances itself whatever else the machine runs. Each file is read in the
packed form (``spec.packed``). The worker sends its files back as ``marshal`` bytes
through a shared memory buffer, a small message per file on a pipe saying where; this
process validates every file as a ``SpecDocument`` and attaches its positions, its own
files as it reads them and the worker's between its own.

The result is what the serial loader gives, because every file that is not read and
validated cleanly here (an error, an alias, an empty file; a worker that fails or dies)
is left for the loader to read the usual way, which gives the same value or the same
positioned errors. Parallel reading is used only when it pays and is safe: a spec
above ``PARALLEL_MIN_BYTES``, more than one usable CPU, ``fork`` (Linux), and a
process running one thread (forking a threaded process, such as the server, can
deadlock). Otherwise ``read_in_parallel`` returns None and nothing here runs.
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

from orgplane.model.base import attach_packed_sources
from orgplane.model.source import PositionTable
from orgplane.spec.document import SpecDocument
from orgplane.spec.packed import PackedFile, read_packed_file

__all__ = ["PARALLEL_MIN_BYTES", "read_in_parallel", "validate_packed"]

#: Smallest spec (all its files together) read in parallel. Starting the worker costs
#: about 3 ms in a small process and 17 ms in one holding a large org; measured on two
#: cores, parallel loading paid from about 90 KiB and 300 KiB of YAML respectively, and
#: saves 30% and more from 0.5 MiB up. 1 MiB keeps a margin for a busy machine; the
#: examples (at most 90 KiB) stay serial.
PARALLEL_MIN_BYTES = 1024 * 1024

#: The shared buffer holds this many bytes per byte of YAML; a worker's file that does
#: not fit any more is read by this process instead.
_BUFFER_FACTOR = 4
_COUNTER = struct.Struct("q")
#: How long a claim waits for the counter's lock, held for microseconds at a time.
_LOCK_SECONDS = 10.0
#: How long the worker may take to exit once it has sent everything; then it is stopped.
_JOIN_SECONDS = 5.0


def read_in_parallel(files: list[Path]) -> list[SpecDocument | None] | None:
    """Each file as a validated ``SpecDocument``, or None for a file the caller must read
    itself; None for the whole spec when parallel reading does not pay or is not safe."""
    if len(files) < 2 or not _forking_is_safe():
        return None
    if not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2:
        return None
    try:
        sizes = [file.stat().st_size for file in files]
    except OSError:
        return None
    total = sum(sizes)
    if total < PARALLEL_MIN_BYTES:
        return None
    order = sorted(range(len(files)), key=lambda i: (-sizes[i], i))
    return _Run(files, order, _BUFFER_FACTOR * total + mmap.PAGESIZE).run()


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
    """One parallel read: the shared buffer (a claim counter, then the worker's results),
    the lock around the counter, the pipe and the worker."""

    def __init__(self, files: list[Path], order: list[int], size: int) -> None:
        self.files = files
        self.order = order
        self.buffer = mmap.mmap(-1, size)
        self.context = multiprocessing.get_context("fork")
        self.lock = self.context.Lock()
        self.documents: list[SpecDocument | None] = [None] * len(files)

    def run(self) -> list[SpecDocument | None]:
        receiver, sender = self.context.Pipe(duplex=False)
        worker = self.context.Process(
            target=_work,
            args=(self.files, self._claim, self.buffer, sender),
            name="orgplane-spec-reader",
            daemon=True,
        )
        try:
            try:
                worker.start()
            except OSError:
                return [None] * len(self.files)
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
        return self.documents

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
        file = self.files[index]
        packed = read_packed_file(file, str(file))
        return validate_packed(packed, str(file)) if packed is not None else None

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
    files: list[Path], claim: Callable[[], int | None], buffer: mmap.mmap, sender: Connection
) -> None:
    """The worker: read files in the packed form until none is left, and say where each
    one is in ``buffer``; a length of -1 leaves the file to the parent (it could not be
    packed, or did not fit). Whatever else goes wrong ends the loop quietly: the files
    it did not send are read by the parent."""
    try:
        end = _COUNTER.size
        while (index := claim()) is not None:
            length = -1
            try:
                packed = read_packed_file(files[index], str(files[index]))
                data = marshal.dumps(tuple(packed)) if packed is not None else b""
            except Exception:
                data = b""
            if data and end + len(data) <= len(buffer):
                buffer[end : end + len(data)] = data
                length = len(data)
            sender.send((index, end, length))
            end += max(length, 0)
    except BaseException:
        pass
    finally:
        sender.close()
