"""A cache of spec files in the packed form, found by their content.

Imports ``spec.packed``, ``spec.reader`` and ``model.source`` (their source is part of
every key). Reading YAML with positions is most of loading a large spec
(docs/benchmarks.md), and most files of a large spec do not change between two loads.
So ``spec.parallel`` keeps each file it reads in the packed form as ``marshal`` bytes,
under a key made of the file's bytes and of everything that decides how they read: this
module's format, the source of the modules that read YAML, Python's ``marshal`` version,
PyYAML's and libyaml's versions. A file with the same key is not read again. Only files
that read cleanly are kept: a file with an error is read every time, and its error
reported every time.

The cache is a folder of files, one per key, written atomically, so two processes may
use it at once. ``ORGPLANE_CACHE_DIR`` names the folder (default: ``orgplane`` under
``$XDG_CACHE_HOME``, or ``~/.cache``); ``ORGPLANE_NO_CACHE=1`` turns the cache off. The
files hold the spec's data (names, e-mail addresses): the folder is created readable by
its owner only. Entries unused for ``MAX_AGE_DAYS`` days go, and the oldest go first
when the folder grows past ``MAX_BYTES``. Any error of the cache (a folder that cannot be
written, a damaged entry) only makes it miss: loading never fails because of it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import sys
import tempfile
import time
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

import yaml

from orgplane.model import source
from orgplane.spec import packed, reader
from orgplane.spec.packed import PackedFile

__all__ = ["MAX_AGE_DAYS", "MAX_BYTES", "SpecCache"]

#: Changed whenever the packed form changes in a way the modules' source does not show.
_FORMAT = b"orgplane-packed-1"
#: Entries not used for this long are removed.
MAX_AGE_DAYS = 30
#: Past this total size the least recently used entries are removed.
MAX_BYTES = 512 * 1024 * 1024
_SUFFIX = ".packed"


class SpecCache:
    """The cache in one folder; ``from_environment`` gives the configured one."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._salt = _salt()

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> SpecCache | None:
        """The cache ``ORGPLANE_CACHE_DIR`` and ``XDG_CACHE_HOME`` name; None when
        ``ORGPLANE_NO_CACHE`` is set to anything but ``0``."""
        if environ.get("ORGPLANE_NO_CACHE", "0") not in ("", "0"):
            return None
        directory = environ.get("ORGPLANE_CACHE_DIR")
        if directory:
            return cls(Path(directory))
        home = environ.get("HOME") or str(Path.home())
        base = environ.get("XDG_CACHE_HOME") or str(Path(home) / ".cache")
        return cls(Path(base) / "orgplane")

    def key(self, data: bytes) -> str:
        """The key of a file's bytes."""
        return hashlib.blake2b(data, digest_size=20, key=self._salt).hexdigest()

    def get(self, key: str) -> PackedFile | None:
        """The packed form kept under ``key``; None when there is none, or it is damaged."""
        path = self.directory / (key + _SUFFIX)
        try:
            blob = path.read_bytes()
            os.utime(path)  # used: keep it
            found = PackedFile(*marshal.loads(blob))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, EOFError, TypeError):
            _remove(path)
            return None
        if not _packed_shape(found):
            _remove(path)
            return None
        return found

    def put(self, key: str, blob: bytes) -> None:
        """Keep ``blob``, a packed form as ``marshal`` bytes, under ``key``."""
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".", dir=self.directory)
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(blob)
                os.replace(temporary, self.directory / (key + _SUFFIX))
            except BaseException:
                _remove(Path(temporary))
                raise
        except OSError:
            return

    def prune(self, now: float | None = None) -> None:
        """Remove entries unused for ``MAX_AGE_DAYS``, then the least recently used ones
        while the folder holds more than ``MAX_BYTES``, and files left half-written (by
        a process that was stopped) for over an hour."""
        now = time.time() if now is None else now
        entries: list[tuple[float, int, str]] = []
        try:
            with os.scandir(self.directory) as found:
                for entry in found:
                    if not entry.is_file():
                        continue
                    status = entry.stat()
                    if entry.name.endswith(_SUFFIX):
                        entries.append((status.st_mtime, status.st_size, entry.path))
                    elif entry.name.startswith(".") and status.st_mtime < now - 3600:
                        _remove(Path(entry.path))
        except OSError:
            return
        entries.sort()
        total = sum(size for _, size, _ in entries)
        for used, size, path in entries:
            if used >= now - MAX_AGE_DAYS * 86400 and total <= MAX_BYTES:
                break
            _remove(Path(path))
            total -= size


def _packed_shape(found: PackedFile) -> bool:
    values, node, table, names = found
    return (
        type(values) is dict
        and type(node) in (int, tuple, list)
        and type(table) is bytes
        and len(table) % 8 == 0
        and type(names) is list
    )


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


@functools.cache
def _salt() -> bytes:
    """Everything besides a file's bytes that decides its packed form, hashed."""
    parts = [_FORMAT, b"%d %d" % (marshal.version, sys.hexversion)]
    parts.append(f"{yaml.__version__} {_libyaml_version()} {_version()}".encode())
    for module in (packed, reader, source):
        try:
            parts.append(Path(module.__file__ or "").read_bytes())
        except OSError:
            parts.append(module.__name__.encode())
    return hashlib.blake2b(b"\0".join(parts), digest_size=32).digest()


def _libyaml_version() -> str:
    try:
        from yaml import _yaml  # PyYAML's libyaml binding

        return str(_yaml.get_version_string())
    except ImportError:
        return "none"


def _version() -> str:
    try:
        return metadata.version("orgplane")
    except metadata.PackageNotFoundError:
        return "unknown"
