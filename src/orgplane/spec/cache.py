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
use it at once. What is read from it is trusted as if it were the spec, so the folder
must be the user's own: one owned by someone else, or writable by its group or by
others, is not used (one warning line on stderr says which and why; loading goes on
without the cache). Each entry is also signed with an HMAC-SHA256 under a random key
of the user's (``hmac.key`` in the folder, created once with mode 0600): an entry whose
signature does not match, because it was changed or written by someone else, is a miss,
and is written again. ``ORGPLANE_CACHE_DIR`` names the folder (default: ``orgplane`` under
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
import hmac
import marshal
import os
import secrets
import stat
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

__all__ = ["KEY_FILE", "MAX_AGE_DAYS", "MAX_BYTES", "SpecCache"]

#: Changed whenever the packed form changes in a way the modules' source does not show.
_FORMAT = b"orgplane-packed-2"
#: Entries not used for this long are removed.
MAX_AGE_DAYS = 30
#: Past this total size the least recently used entries are removed.
MAX_BYTES = 512 * 1024 * 1024
_SUFFIX = ".packed"
#: The file in the cache folder that holds the user's key for the entries' signatures.
KEY_FILE = "hmac.key"
_KEY_BYTES = 32
_MAC_BYTES = hashlib.sha256().digest_size


class SpecCache:
    """The cache in one folder; ``from_environment`` gives the configured one."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._salt = _salt()
        self._secret: bytes | None = None
        self._refused = False

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
        secret = self._key()
        if secret is None:
            return None
        path = self.directory / (key + _SUFFIX)
        try:
            signed = path.read_bytes()
            mac, blob = signed[:_MAC_BYTES], signed[_MAC_BYTES:]
            if not hmac.compare_digest(mac, _sign(secret, key, blob)):
                raise ValueError("entry not signed with this user's key")
            # Only bytes this user's key signed reach ``marshal``, which must never read
            # untrusted input.
            found = PackedFile(*marshal.loads(blob))
            os.utime(path)  # used: keep it
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
        secret = self._key()
        if secret is None:
            return
        try:
            handle, temporary = tempfile.mkstemp(prefix=".", dir=self.directory)
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(_sign(secret, key, blob))
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
        if self._key() is None:
            return
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

    def _key(self) -> bytes | None:
        """The user's key for the entries' signatures, once the folder is found to be
        safe (created if missing); None when the cache is not to be used."""
        if self._secret is not None or self._refused:
            return self._secret
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            why = _unsafe(os.stat(self.directory))
            if why is None:
                self._secret = _read_or_create_key(self.directory / KEY_FILE)
                return self._secret
        except _UnsafeKeyError as exc:
            why = str(exc)
        except OSError:
            why = None  # a folder that cannot be made or read only makes the cache miss
        self._refused = True
        if why is not None:
            _warn(str(self.directory), why)
        return None


class _UnsafeKeyError(Exception):
    """The key file is not this user's alone."""


def _unsafe(status: os.stat_result) -> str | None:
    """Why a folder or file with ``status`` may not be trusted; None when it may."""
    if status.st_uid != os.geteuid():
        return f"it belongs to another user (uid {status.st_uid})"
    if status.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"others may write to it (mode {stat.S_IMODE(status.st_mode):04o})"
    return None


def _read_or_create_key(path: Path) -> bytes:
    """The key in ``path``, made (random, mode 0600) if there is none. It is written to a
    temporary file first and linked into place, which fails if another process was first:
    then that process's key is read, so every process ends up with the same key."""
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    handle, temporary = tempfile.mkstemp(prefix=".", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(secrets.token_bytes(_KEY_BYTES))
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        _remove(Path(temporary))
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise _UnsafeKeyError(f"its {KEY_FILE} is not a regular file")
        if status.st_uid != os.geteuid() or status.st_mode & 0o077:
            raise _UnsafeKeyError(
                f"its {KEY_FILE} is not readable by its owner only "
                f"(mode {stat.S_IMODE(status.st_mode):04o})"
            )
        secret = os.read(fd, _KEY_BYTES + 1)
    finally:
        os.close(fd)
    if len(secret) != _KEY_BYTES:
        raise _UnsafeKeyError(f"its {KEY_FILE} is damaged")
    return secret


def _sign(secret: bytes, key: str, blob: bytes) -> bytes:
    # The entry's key is signed with it, so an entry cannot be moved under another key.
    return hmac.new(secret, key.encode() + b"\0" + blob, hashlib.sha256).digest()


@functools.cache
def _warn(directory: str, why: str) -> None:
    """One line on stderr, once per process: the cache is off and the user should know."""
    sys.stderr.write(f"orgplane: warning: spec cache not used: {directory}: {why}\n")


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
