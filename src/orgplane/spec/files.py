"""Read a spec file's bytes: regular files only, within a size bound.

Imports ``errors``. A path named as a spec file may be anything the file system holds:
a symbolic link to ``/dev/zero`` (endless), a FIFO (which blocks until someone writes),
a file larger than memory. Each is refused here with an error that names the file,
before a byte of it is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from orgplane.errors import Diagnostic, SpecReadError

__all__ = ["MAX_FILE_BYTES", "open_regular_file", "read_regular_file"]

#: Largest spec file read, in bytes. Split a larger org into a folder of files.
MAX_FILE_BYTES = 16 * 1024 * 1024


def read_regular_file(path: Path, name: str) -> bytes:
    """The bytes of ``path`` if it is a regular file (or a symbolic link to one) of at
    most ``MAX_FILE_BYTES``; otherwise an error naming ``name``.

    The file is opened before it is looked at (``fstat`` on the open descriptor), so what
    is checked is what is read. ``O_NONBLOCK`` keeps a FIFO from blocking the open; a
    device such as ``/dev/zero`` (endless) or a FIFO (which may never end) is refused
    before a byte is read, and a file that grows while it is read stops being read
    64 KiB past the bound.
    """
    fd, status = _open_regular(path, name, "a YAML file")
    try:
        if status.st_size > MAX_FILE_BYTES:
            raise _too_large(name, status.st_size)
        # A regular file ignores O_NONBLOCK; read to the end in case it grew since fstat.
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, max(status.st_size - total, 0) + 65536)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > MAX_FILE_BYTES:
                raise _too_large(name, total)
        return b"".join(chunks)
    except OSError as exc:
        raise _unreadable(name, f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def open_regular_file(path: Path, name: str, expected: str) -> BinaryIO:
    """``path`` opened for reading, if it is a regular file (or a symbolic link to one);
    otherwise an error naming ``name`` and the ``expected`` kind of file. For files read
    as a stream, of any size (measurement files); the caller closes it."""
    fd, _ = _open_regular(path, name, expected)
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def _open_regular(path: Path, name: str, expected: str) -> tuple[int, os.stat_result]:
    """An open descriptor of ``path`` and its status, if it is a regular file. It is
    opened before it is looked at (``fstat`` on the descriptor), so what is checked is
    what is read; ``O_NONBLOCK`` keeps a FIFO from blocking the open."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise _unreadable(name, "no such file or directory") from None
    except IsADirectoryError:
        raise _unreadable(name, f"is a directory, expected {expected}") from None
    except OSError as exc:
        raise _unreadable(name, f"cannot read file: {exc.strerror or exc}") from None
    try:
        status = os.fstat(fd)
    except OSError as exc:
        os.close(fd)
        raise _unreadable(name, f"cannot read file: {exc.strerror or exc}") from None
    if stat.S_ISDIR(status.st_mode):
        os.close(fd)
        raise _unreadable(name, f"is a directory, expected {expected}")
    if not stat.S_ISREG(status.st_mode):
        os.close(fd)
        raise _unreadable(
            name, f"is not a regular file ({_file_kind(status.st_mode)}), expected {expected}"
        )
    return fd, status


def _too_large(name: str, size: int) -> SpecReadError:
    return _unreadable(
        name,
        f"file is {size / 1024 / 1024:.1f} MiB, larger than the "
        f"{MAX_FILE_BYTES // 1024 // 1024} MiB a spec file may be",
        "split the org into a folder of smaller files",
    )


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def _unreadable(name: str, message: str, hint: str | None = None) -> SpecReadError:
    return SpecReadError(Diagnostic("OP000", message, name, 0, 0, hint))
