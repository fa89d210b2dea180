"""Integrations with the world outside orgplane: the channels notifications go out by.

Imports ``model``, ``errors`` and ``settings``; never the store or the services, which
call these through one port (``Channel``), as httpx puts I/O behind a transport.
"""

from orgplane.integrations.channels import (
    Channel,
    Channels,
    DeliveryError,
    Notice,
    channels_from_settings,
)

__all__ = ["Channel", "Channels", "DeliveryError", "Notice", "channels_from_settings"]
