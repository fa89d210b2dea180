"""uvicorn's configuration for ``orgplane serve --workers``.

A module of its own because it subclasses uvicorn's ``Config``: only ``serve`` imports it,
so that no other command imports uvicorn.
"""

from __future__ import annotations

import socket

import uvicorn

__all__ = ["WorkersConfig"]


class WorkersConfig(uvicorn.Config):
    """uvicorn's configuration, with a listening socket asyncio knows to be TCP.

    uvicorn (0.54) binds the socket it hands its workers with ``proto`` 0; connections
    accepted on it inherit that, and asyncio sets ``TCP_NODELAY`` only on sockets whose
    ``proto`` is TCP — so with workers every answer on a kept-alive connection waited
    ~40 ms for the client's delayed ACK (Kludex/uvicorn#3149). The same socket, wrapped
    again with ``IPPROTO_TCP``.
    """

    def bind_socket(self) -> socket.socket:
        bound = super().bind_socket()
        if bound.family not in (socket.AF_INET, socket.AF_INET6) or bound.proto != 0:
            return bound
        tcp = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, fileno=bound.detach())
        tcp.set_inheritable(True)
        return tcp
