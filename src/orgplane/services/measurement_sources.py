"""Which sources ``orgplane kpi pull`` may open: a KPI's file or Prometheus server, checked
against the operator's settings before anything is read or fetched.

Imports ``errors`` and ``settings``. A spec may come from anyone with an editor token
(``POST /api/apply``), but ``kpi pull`` runs with the operator's files and network, so the
spec alone does not decide what it opens:

- A file source is read only inside the folder of the spec file that declares it (recorded
  when the spec was applied from disk; a relative path is relative to it) or inside a
  folder of ``ORGPLANE_SOURCE_DIRS``, after symlinks and ``..`` are resolved. A spec
  applied over the API has no folder: its file sources need a source folder.
- A Prometheus source must name a loopback host (``localhost``, ``127.0.0.0/8``, ``::1``)
  or a host of ``ORGPLANE_PROMETHEUS_HOSTS`` (``host``: any port; ``host:port``: that
  port only). Redirects are not followed (``services.prometheus``).

A refused source is a ``SourceRefusedError`` naming the source and the setting that would
allow it; ``kpi pull`` reports it for its KPI and goes on with the others.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from orgplane.errors import OrgplaneError
from orgplane.settings import (
    LOOPBACK_HOSTS,
    PROMETHEUS_HOSTS_ENV,
    SOURCE_DIRS_ENV,
    Settings,
    get_settings,
)

__all__ = ["SourcePolicy", "SourceRefusedError"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


class SourceRefusedError(OrgplaneError):
    """A KPI source the operator's settings do not allow ``kpi pull`` to open."""


@dataclass(frozen=True, slots=True)
class SourcePolicy:
    """The Prometheus hosts and source folders ``kpi pull`` may use besides the defaults."""

    prometheus_hosts: tuple[str, ...] = ()
    source_dirs: tuple[Path, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> SourcePolicy:
        settings = settings or get_settings()
        return cls(settings.prometheus_hosts, settings.source_dirs)

    def file_path(self, source: Mapping[str, Any]) -> Path:
        """The file a ``file`` source may be read from (symlinks resolved), or
        ``SourceRefusedError``."""
        written = str(source.get("path") or "")
        folder = source.get("folder")
        path = Path(written)
        if not path.is_absolute():
            if not folder:
                raise SourceRefusedError(
                    f"file source {written}: a relative path, and its spec was not applied "
                    "from a folder: re-apply the spec from its folder, or write an absolute "
                    f"path inside a folder of {SOURCE_DIRS_ENV}"
                )
            path = Path(folder) / path
        real = Path(os.path.realpath(path))
        roots = ([Path(folder)] if folder else []) + list(self.source_dirs)
        if any(real.is_relative_to(os.path.realpath(root)) for root in roots):
            return real
        where = (
            f"outside its spec's folder {folder}"
            if folder
            else "in a spec not applied from a folder (applied over the API)"
        )
        shown = written if str(real) == written else f"{written} (that is {real})"
        raise SourceRefusedError(
            f"file source {shown} is refused: it is {where}; allow its folder in {SOURCE_DIRS_ENV}"
        )

    def prometheus_url(self, source: Mapping[str, Any]) -> str:
        """The URL of a ``prometheus`` source, if its host is allowed; else
        ``SourceRefusedError``."""
        url = str(source.get("url") or "")
        parts = urlsplit(url)
        try:
            host, port = parts.hostname, parts.port
        except ValueError:  # a port that is not a number, a bad IPv6 literal
            host = port = None
        # Shown without a user name or password the URL may carry.
        shown_url = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"
        if not host or parts.scheme not in _DEFAULT_PORTS:
            raise SourceRefusedError(
                f"Prometheus source {shown_url}: not an http(s) URL with a host"
            )
        port = port or _DEFAULT_PORTS[parts.scheme]
        if _is_loopback(host) or any(
            _matches(entry, host, port) for entry in self.prometheus_hosts
        ):
            return url
        shown = f"[{host}]" if ":" in host else host
        raise SourceRefusedError(
            f"Prometheus source {shown_url} is refused: {shown} is not a loopback host; "
            f"allow {shown} (or {shown}:{port}) in {PROMETHEUS_HOSTS_ENV}"
        )


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def _matches(entry: str, host: str, port: int) -> bool:
    """Whether an ``ORGPLANE_PROMETHEUS_HOSTS`` entry (``host``, ``host:port``,
    ``[v6]:port``) allows ``host`` on ``port``."""
    try:
        parts = urlsplit("//" + entry.strip())
        allowed, allowed_port = parts.hostname, parts.port
    except ValueError:
        return False
    return allowed == host.lower() and allowed_port in (None, port)
