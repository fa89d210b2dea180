"""The web UI and the whole server: server-rendered pages (Jinja2 + htmx, no build step)
over the API's dependencies and the store.

Imports ``api``, ``store``, ``errors`` and ``settings``; only the CLI sits above it.
"""

from orgplane.web.app import create_app

__all__ = ["create_app"]
